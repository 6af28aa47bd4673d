//! Reading billing files into the canonical FOCUS frame.
//!
//! `normalize` detects the format of one file from its header and content
//! (never from its name) and returns a lazy frame of canonical columns.
//! `stage` runs that frame into a Parquet file in a temporary place, and
//! checks it: every value parsed, and the provider's own total reconciled to
//! the cent (see [`recount`]).
//!
//! Rows shorter than the header (some CUR files have them) are read with the
//! missing trailing fields empty; they are counted and reported, and because
//! the reconciliation re-reads the provider's cost column independently, no
//! cost can be dropped silently. Rows longer than the header are an error.
//! Blank lines are skipped and counted.
//!
//! Where each step lives: [`format`] (the formats and their adapters'
//! registry), [`normalize`] (open, detect, map), [`stage`] (run into
//! Parquet), [`reconcile`] (check against the provider's total), [`recount`]
//! (the independent re-read), [`csv_reader`] (the parallel block reader),
//! [`folder`] (which files of a folder are read), [`adapters`] (one per
//! provider family).

pub mod adapters;
pub mod columns;
pub mod conformance;
pub mod csv_reader;
pub mod cur_manifest;
pub mod folder;
pub mod format;
pub mod jsonl;
pub mod normalize;
pub mod reconcile;
pub mod recount;
pub mod source;
pub mod stage;

use std::path::PathBuf;

use serde::Serialize;

pub use folder::files_in_folder;
pub use format::{Format, KNOWN_FORMATS, english_header};
pub use normalize::{Normalized, normalize};
pub use stage::{parquet_options, slices_of, stage};

/// Totals of one slice of a file in one currency. A slice is one (provider,
/// billing account, sub account, billing period): the unit an import
/// replaces in the dataset.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct Slice {
    pub provider: String,
    pub billing_account: String,
    pub sub_account: String,
    /// `YYYY-MM`
    pub period: String,
    pub currency: String,
    pub rows: u64,
    pub billed_cost: f64,
    pub effective_cost: f64,
    pub list_cost: f64,
}

impl Slice {
    pub fn key(&self) -> (String, String, String, String) {
        (
            self.provider.clone(),
            self.billing_account.clone(),
            self.sub_account.clone(),
            self.period.clone(),
        )
    }
}

/// The reconciliation of one currency in one file.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct CurrencyCheck {
    pub currency: String,
    /// The provider's own total as written in the file.
    pub native_total: f64,
    /// Which normalized measure the native total must equal.
    pub measure: String,
    pub normalized_total: f64,
    pub billed_cost: f64,
    pub effective_cost: f64,
    pub list_cost: f64,
}

/// What one import found, for the per-file reconciliation table.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct FileReport {
    pub path: PathBuf,
    pub format: String,
    pub version: Option<String>,
    pub compression: String,
    pub rows: u64,
    pub blank_rows: u64,
    pub short_rows: u64,
    /// `actual`, `amortized`, or `billed` (providers that give both measures per row).
    pub cost_view: String,
    /// How the native total was computed: `independent re-read` (every file
    /// since the re-read covers all sizes) or `in-pipeline` (older imports).
    pub native_check: String,
    pub periods: Vec<String>,
    pub currencies: Vec<CurrencyCheck>,
    pub slices: Vec<Slice>,
    pub notes: Vec<String>,
    /// For FOCUS files: the cost rules of the spec the file breaks
    /// ([`conformance`]). None for other formats and older imports.
    #[serde(default)]
    pub focus_conformance: Option<conformance::FocusConformance>,
}

/// A file run into a staging Parquet file and reconciled.
pub struct Staged {
    pub report: FileReport,
    pub parquet: tempfile::TempPath,
}
