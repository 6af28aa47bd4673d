//! Burnrate's analysis engine.
//!
//! Owns the canonical billing schema (FOCUS 1.2 plus `x_` extensions), the
//! adapters that read every supported billing export into it, the local
//! dataset, and every answer built on it. It must not touch the terminal,
//! the network or the GUI: time, paths and readers are passed in.
//!
//! The modules are layers; each uses only the ones listed before it (a test,
//! `tests/layers.rs`, fails on an upward use). ARCHITECTURE.md at the
//! repository root maps every feature to its file.
//!
//! - foundation: [`error`], [`money`] (cost measures and the one tolerance
//!   rule), [`period`] (billing periods and months), [`frame`] (column
//!   readers), [`fsutil`] (atomic writes, hashes), [`schema`] (the FOCUS
//!   columns)
//! - [`config`]: the user's config file and every settings type in it
//! - [`ingest`]: format detection, adapters, staging and reconciliation
//! - [`store`]: the local dataset (manifest, atomic commits, restatement)
//! - [`query`]: the billing view, dimensions, tag rules, FX, SQL
//! - [`analysis`]: summaries, trends, forecasts, anomalies, allocation,
//!   commitments
//! - [`optimize`]: findings (idle resources, rightsizing, ...) ranked by
//!   savings, with evidence
//! - [`export`]: the dataset written as FOCUS 1.0-1.3 (FOCUS out)
//! - [`reports`]: the SQL report library, CSV and charts, schedules
//! - [`demo`]: the built-in demo dataset and large synthetic CURs

// A library never writes to the terminal: the CLI and the app decide what
// the user sees (`print_stdout`/`print_stderr` as uv does).
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod error;
pub mod frame;
pub mod fsutil;
pub mod money;
pub mod period;
pub mod schema;

pub mod analysis;
pub mod config;
pub mod demo;
pub mod export;
pub mod ingest;
pub mod optimize;
pub mod query;
pub mod reports;
pub mod store;

pub use error::{Error, Result};
