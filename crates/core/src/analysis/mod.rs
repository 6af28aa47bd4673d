//! Answers over the billing view: summaries, trends, forecasts, anomalies,
//! allocation of shared and untagged cost, and commitment coverage.

pub mod allocation;
pub mod anomaly;
pub mod commitments;
pub mod explore;
pub mod forecast;
pub mod lines;
pub mod overview;
pub mod saved_views;
pub mod summary;
pub mod trend;

use polars::prelude::*;

/// Rows whose cost follows usage: ChargeCategory Usage, charged as used.
/// The rest (purchases, recurring fees, tax, credits, adjustments) is driven
/// by the calendar, not by usage: anomaly detection leaves it out and the
/// forecast models it as its own monthly component.
pub fn usage_driven() -> Expr {
    col("ChargeCategory").eq(lit("Usage")).and(
        col("ChargeFrequency")
            .is_null()
            .or(col("ChargeFrequency").eq(lit("Usage-Based"))),
    )
}
