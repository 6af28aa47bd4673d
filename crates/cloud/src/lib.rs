//! Burnrate's cloud connectors: they pull billing data from cloud APIs and
//! land it in the local dataset through the same path as a billing file
//! (a FOCUS file staged in the data dir, imported, reconciled, committed
//! atomically), so every guarantee of an import holds for a pull.
//!
//! - [`aws::cost_explorer`]: AWS Cost Explorer `GetCostAndUsage`, daily.
//! - [`aws::cur`]: CUR / Data Exports deliveries in S3.
//! - [`azure::query`]: the Cost Management Query API, daily, actual and
//!   amortized.
//! - [`azure::export`]: Cost Management exports in Blob storage.
//! - [`monthly`]: the whole-month planning both cost APIs share.
//! - [`connections`]: saved connections and the pull of each.
//!
//! Credentials come only from each provider's standard chain; nothing here
//! stores or logs a secret.

// A library never writes to the terminal: the CLI and the app decide what
// the user sees (`print_stdout`/`print_stderr` as uv does).
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod aws;
pub mod azure;
pub mod connections;
pub mod monthly;
pub mod staging;

pub use staging::PullSummary;

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
