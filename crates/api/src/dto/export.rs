//! FOCUS out from the Data view: what the user asks for, where it is, what
//! it wrote.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use burnrate_core::export::CurrencyTotals;

/// An export as the Data view's form sends it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct FocusExportRequest {
    /// `1.0`, `1.1`, `1.2` or `1.3`.
    pub version: String,
    /// `parquet` or `csv`.
    pub format: String,
    /// Charge periods from this day (`YYYY-MM-DD`, inclusive)...
    pub from: Option<String>,
    /// ...to this one (exclusive).
    pub to: Option<String>,
    /// One file per billing period in a folder, instead of one file.
    pub by_period: bool,
    /// Only FOCUS columns, no `x_` provider detail.
    pub focus_only: bool,
}

/// Before each file of an export.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FocusExportProgress {
    pub files_done: u32,
    pub files_total: u32,
    pub writing: String,
}

/// What an export wrote, and where.
#[derive(Debug, Clone, Serialize, TS)]
pub struct FocusExportResult {
    pub files: Vec<String>,
    pub rows: f64,
    pub version: String,
    pub format: String,
    pub totals: Vec<CurrencyTotals>,
    pub notes: Vec<String>,
}
