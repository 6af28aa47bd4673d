//! Answers over the billing view: summaries, trends, forecasts, anomalies,
//! allocation of shared and untagged cost, and commitment coverage.

pub mod allocation;
pub mod anomaly;
pub mod commitments;
pub mod explore;
pub mod forecast;
pub mod overview;
pub mod summary;
pub mod trend;
