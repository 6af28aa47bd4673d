//! The app's [`Backend`]: one file per view of the app, each an `impl
//! Backend` block over the engine.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use burnrate_core::analysis::{explore, overview};
use burnrate_core::config::{Config, Connection};
use burnrate_core::money::CostMeasure;
use burnrate_core::period::parse_day;
use burnrate_core::store::Dataset;
use burnrate_core::store::batch::Attempt;
use burnrate_core::{analysis::anomaly, demo, optimize, query::rules, reports::schedule};
use chrono::{Duration, Utc};
use polars::prelude::*;

use crate::dto::*;
use crate::table;

mod connections;
mod export;
mod imports;
mod recommendations;
mod reports;
mod schedules;
mod settings;
mod views;

/// The data dir and config file the app works on.
#[derive(Debug, Clone)]
pub struct Backend {
    pub data_dir: PathBuf,
    pub config_path: PathBuf,
}

pub(crate) type Result<T> = std::result::Result<T, ApiError>;

impl From<burnrate_core::Error> for ApiError {
    fn from(error: burnrate_core::Error) -> Self {
        ApiError::new(Code::of(&error), error.to_string())
    }
}

impl Backend {
    pub fn new(data_dir: PathBuf, config_path: PathBuf) -> Backend {
        Backend {
            data_dir,
            config_path,
        }
    }

    pub fn config(&self) -> Result<Config> {
        Ok(Config::load(&self.config_path, false)?)
    }

    fn dataset(&self) -> Result<Dataset> {
        Ok(Dataset::open(&self.data_dir)?)
    }

    /// The `billing` table with the config's FX and tag rules, or None for
    /// an empty dataset.
    fn billing(&self, config: &Config) -> Result<Option<(LazyFrame, Option<String>)>> {
        let snapshot = self.dataset()?.snapshot()?;
        if snapshot.manifest.sources.is_empty() {
            return Ok(None);
        }
        let billing = rules::billing(snapshot.scan()?, config)?;
        Ok(Some((billing.frame, billing.currency_note)))
    }

    pub fn status(&self) -> Result<Status> {
        let snapshot = self.dataset()?.snapshot()?;
        Ok(Status {
            data_dir: self.data_dir.display().to_string(),
            config_path: self.config_path.display().to_string(),
            sources: snapshot.manifest.sources.len() as u32,
            rows: snapshot
                .manifest
                .sources
                .iter()
                .map(|s| s.rows as f64)
                .sum(),
        })
    }
}

fn usage(message: &str) -> ApiError {
    ApiError::new(Code::Usage, message)
}
