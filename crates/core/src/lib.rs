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
//! - [`config`]: the user's config file; [`rules`]: tag rules and
//!   allocation keys; [`fx`]: currency conversion
//! - [`allocation`]: untagged cost and shared-cost splits
//! - [`metrics`]: utilization metrics for rightsizing; [`commitments`]:
//!   utilization, coverage and a Savings Plan recommendation
//! - [`optimize`] ranks findings (idle resources, family changes, ...) by
//!   savings, with evidence
//! - [`trend`], [`forecast`], [`anomaly`]: cost over time
//! - [`report`]: the SQL report library (`queries/`); [`chart`]: static
//!   charts; [`schedule`]: scheduled CSV exports
//! - [`demo`]: the built-in demo dataset; [`synth`]: large synthetic CURs

pub mod allocation;
pub mod anomaly;
pub mod chart;
pub mod commitments;
pub mod config;
pub mod config_edit;
pub mod demo;
pub mod error;
pub mod forecast;
pub mod fx;
pub mod ingest;
pub mod metrics;
pub mod optimize;
pub mod report;
pub mod rules;
pub mod schedule;
pub mod schema;
pub mod store;
pub mod summary;
pub mod synth;
pub mod trend;

pub use error::{Error, Result};
