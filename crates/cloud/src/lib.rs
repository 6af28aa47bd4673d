//! Burnrate's cloud connectors: they pull billing data from cloud APIs and
//! land it in the local dataset through the same path as a billing file
//! (a FOCUS file staged in the data dir, imported, reconciled, committed
//! atomically), so every guarantee of an import holds for a pull.
//!
//! - [`aws_ce`]: AWS Cost Explorer `GetCostAndUsage`, daily.
//! - [`aws_cur`]: CUR / Data Exports deliveries in S3.
//! - [`azure_query`]: the Cost Management Query API, daily, actual and
//!   amortized.
//! - [`azure_export`]: Cost Management exports in Blob storage.
//! - [`monthly`]: the whole-month planning both cost APIs share.
//! - [`connections`]: saved connections and the pull of each.
//!
//! Credentials come only from each provider's standard chain; nothing here
//! stores or logs a secret.

// A library never writes to the terminal: the CLI and the app decide what
// the user sees (`print_stdout`/`print_stderr` as uv does).
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod aws_ce;
pub mod aws_cur;
pub mod azure_export;
pub mod azure_query;
pub mod connections;
pub mod monthly;

/// Downloaded objects are cached in the data dir beside a `<file>.etag`
/// holding the ETag they were downloaded at: a cached copy is current
/// while the store still reports that ETag.
pub(crate) fn cached_copy_is_current(target: &std::path::Path, etag: &str) -> bool {
    !etag.is_empty()
        && target.is_file()
        && std::fs::read_to_string(etag_path(target)).is_ok_and(|cached| cached == etag)
}

pub(crate) fn etag_path(target: &std::path::Path) -> std::path::PathBuf {
    std::path::PathBuf::from(format!("{}.etag", target.display()))
}

/// What a pull did.
#[derive(Debug, Clone)]
pub struct PullSummary {
    /// API requests made (each Cost Explorer request is billed by AWS).
    pub requests: usize,
    /// Months pulled, `YYYY-MM`.
    pub months: Vec<String>,
    /// Months skipped because a final pull of them is already in the dataset.
    pub skipped_final: Vec<String>,
    /// Rows written and imported.
    pub rows: usize,
    /// The import outcome per staged file.
    pub outcomes: Vec<burnrate_core::store::ImportOutcome>,
}

impl PullSummary {
    /// The summary of landing a planned pull, before its imports.
    pub(crate) fn of_plan(plan: &monthly::Plan, requests: usize, rows: usize) -> PullSummary {
        let months = |list: &[chrono::NaiveDate]| {
            list.iter().map(|m| m.format("%Y-%m").to_string()).collect()
        };
        PullSummary {
            requests,
            months: months(&plan.months),
            skipped_final: months(&plan.skipped_final),
            rows,
            outcomes: Vec::new(),
        }
    }
}

/// A folder in the data dir's temp area for the files a pull stages.
pub(crate) fn staging_folder(
    dataset: &burnrate_core::store::Dataset,
    prefix: &str,
) -> Result<tempfile::TempDir, PullError> {
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(dataset.temp_dir())
        .map_err(|e| PullError::Core(burnrate_core::Error::io("creating a staging folder", e)))
}

#[derive(Debug, thiserror::Error)]
pub enum PullError {
    /// Missing or expired credentials, with what to do about it.
    #[error("{0}")]
    Credentials(String),
    /// The API refused or failed; the dataset is unchanged.
    #[error("{0}")]
    Api(String),
    #[error(transparent)]
    Core(#[from] burnrate_core::Error),
}
