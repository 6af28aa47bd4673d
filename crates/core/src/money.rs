//! Money: which cost measure a figure is, and the one rule for when two
//! totals are the same amount.
//!
//! Costs are f64 in the dataset (as Polars sums them) and exact Decimals,
//! read as written with [`parse_exact`], in the independent recount
//! (`ingest::recount`), costs and credits alike. Two figures of the same
//! money agree when they differ by less than half a cent; a checksum of the
//! same values added in a different order also allows for the float
//! rounding of that order ([`same_sum`]). Nothing else compares money.

use std::str::FromStr;

use rust_decimal::Decimal;

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
/// Effective (amortized) cost is what analyses default to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum CostMeasure {
    Billed,
    #[default]
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

    /// Every measure, as the app offers them.
    pub const ALL: [CostMeasure; 3] = [
        CostMeasure::Effective,
        CostMeasure::Billed,
        CostMeasure::List,
    ];

    /// How the app labels a measure.
    pub fn label(self) -> &'static str {
        match self {
            CostMeasure::Billed => "Billed",
            CostMeasure::Effective => "Effective (amortized)",
            CostMeasure::List => "List",
        }
    }

    /// The FOCUS column of the measure.
    pub fn focus_column(self) -> &'static str {
        match self {
            CostMeasure::Billed => "BilledCost",
            CostMeasure::Effective => "EffectiveCost",
            CostMeasure::List => "ListCost",
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

/// Parses a number as billing files write it, exactly: plain decimals and
/// scientific notation (`5.64902E-05`).
pub fn parse_exact(text: &str) -> Option<Decimal> {
    let t = text.trim();
    if t.contains(['e', 'E']) {
        Decimal::from_scientific(t).ok()
    } else {
        Decimal::from_str(t).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_numbers() {
        assert_eq!(
            parse_exact("5.64902E-05"),
            Decimal::from_str("0.0000564902").ok()
        );
        assert_eq!(parse_exact("1.0"), Decimal::from_str("1").ok());
        assert_eq!(parse_exact("-0.25"), Decimal::from_str("-0.25").ok());
        assert_eq!(parse_exact("abc"), None);
    }
}
