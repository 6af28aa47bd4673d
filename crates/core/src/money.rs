//! Money: which cost measure a figure is, and the one rule for when two
//! totals are the same amount.
//!
//! Costs are f64 in the dataset (as Polars sums them) and exact Decimals in
//! the independent recount (`ingest::recount`). Two figures of the same
//! money agree when they differ by less than half a cent; a checksum of the
//! same values added in a different order also allows for the float
//! rounding of that order ([`same_sum`]). Nothing else compares money.

use crate::error::{Error, Result};

/// Two totals agree to the cent when they differ by less than half a cent.
pub fn agrees_to_the_cent(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.005
}

/// Two sums of the same values, added in different orders (millions of
/// rows in blocks, or in one pass), agree: half a cent plus the float
/// rounding such a sum can carry.
pub fn same_sum(a: f64, b: f64) -> bool {
    (a - b).abs() <= 0.005 + 1e-9 * b.abs()
}

/// Which cost measure a figure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostMeasure {
    Billed,
    Effective,
    List,
}

impl CostMeasure {
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "billed" => Ok(CostMeasure::Billed),
            "effective" | "amortized" => Ok(CostMeasure::Effective),
            "list" => Ok(CostMeasure::List),
            other => Err(Error::Usage(format!(
                "unknown cost {other:?}; use billed, effective or list"
            ))),
        }
    }

    /// `billed`, `effective` or `list`.
    pub fn name(self) -> &'static str {
        match self {
            CostMeasure::Billed => "billed",
            CostMeasure::Effective => "effective",
            CostMeasure::List => "list",
        }
    }

    pub fn column(self) -> &'static str {
        match self {
            CostMeasure::Billed => "billed_cost",
            CostMeasure::Effective => "effective_cost",
            CostMeasure::List => "list_cost",
        }
    }
}
