//! Burnrate's analysis library.
//!
//! Owns the canonical billing schema (FOCUS 1.2 plus `x_` extensions), the
//! adapters that read every supported billing export into it, the local
//! dataset, and the summaries and SQL built on it. It must not touch the
//! terminal, the network or the GUI: time, paths and readers are passed in.
//!
//! - [`schema`]: the canonical columns and their types
//! - [`ingest`]: format detection, adapters, staging and reconciliation
//! - [`store`]: the local dataset (manifest, atomic commits, restatement)
//! - [`summary`]: cost by dimension, and SQL over `billing`
//! - [`demo`]: the built-in demo dataset; [`synth`]: large synthetic CURs

pub mod demo;
pub mod error;
pub mod ingest;
pub mod schema;
pub mod store;
pub mod summary;
pub mod synth;

pub use error::{Error, Result};
