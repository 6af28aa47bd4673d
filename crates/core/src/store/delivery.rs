//! Delivery identity: when a file meets slices already in the dataset, is
//! it another part of the same delivery (added beside it) or a restatement
//! of it (replaces it)? Decided from the content, before anything is
//! written, where the provider gives nothing else (a CUR manifest names its
//! parts itself, see `ingest::cur_manifest`).
//!
//! Rows are compared by what was charged, where and when (the columns of
//! [`ROW_KEY_COLUMNS`]), never by how much, so a restatement that corrects
//! figures still matches the rows it corrects. In the slices both hold:
//! - no row in common, same format and time granularity: **parts** of one
//!   delivery (two halves of a month, an export split into files);
//! - every earlier row again in the new file: a **restatement** (a
//!   re-delivered month, corrected or grown), which replaces the earlier one;
//! - an Azure actual-cost and amortized-cost export of the same months: a
//!   **pair**. Both are kept, each for the cost it is the provider's figure
//!   of: the actual export's rows give BilledCost (their EffectiveCost,
//!   ListCost, ContractedCost and quantities are set aside), the amortized
//!   export's rows give EffectiveCost, ListCost and the quantities (their
//!   BilledCost is 0). Billed then totals the actual file, effective the
//!   amortized file, each to the cent, in either order of import;
//! - no row in common and another format (an AWS CUR and the FOCUS export
//!   of the same months): **another export** of the same costs; the later
//!   import replaces the earlier, and says so;
//! - anything else (some rows in common, the new file a subset of the old,
//!   another time granularity for the same months): **ambiguous**.
//!   Nothing is written; the user says `--as-parts` or `--replace`.

use polars::prelude::*;

use crate::error::{Error, Result};

/// What the user said to do with a file that meets imported slices.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Delivery {
    /// Decide from the content (above).
    #[default]
    Detect,
    /// Add it beside what is there: it is another part of the delivery.
    AsParts,
    /// Replace what is there, even a delivery that superseded this one.
    Replace,
}

/// How a new file relates to one source in the slices they share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Relation {
    Parts,
    Restatement,
    /// Another export of the same costs in another format (an AWS CUR and
    /// the FOCUS export of the same months): the later import wins.
    OtherExport,
    /// Why the content cannot tell.
    Ambiguous(String),
}

/// Which cost an Azure export's rows carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostView {
    Actual,
    Amortized,
}

impl CostView {
    /// The view of a file as its reconciliation found it (`cost_view`).
    pub fn of(cost_view: &str) -> Option<CostView> {
        match cost_view {
            "actual" => Some(CostView::Actual),
            "amortized" => Some(CostView::Amortized),
            _ => None,
        }
    }

    pub fn other(self) -> CostView {
        match self {
            CostView::Actual => CostView::Amortized,
            CostView::Amortized => CostView::Actual,
        }
    }

    /// The rows of this half of a pair in the paired slices, keeping only
    /// the costs this export is the provider's figure of.
    pub fn half(self, rows: LazyFrame, paired: Expr) -> LazyFrame {
        let set_aside = |column: &str, to: Expr| {
            when(paired.clone())
                .then(to)
                .otherwise(col(column))
                .alias(column)
        };
        let zero = || lit(0.0);
        let none = || lit(NULL).cast(DataType::Float64);
        match self {
            CostView::Actual => rows.with_columns([
                set_aside("EffectiveCost", zero()),
                set_aside("ListCost", zero()),
                set_aside("ContractedCost", zero()),
                set_aside("ConsumedQuantity", none()),
                set_aside("PricingQuantity", none()),
                set_aside("CommitmentDiscountQuantity", none()),
            ]),
            CostView::Amortized => rows.with_columns([set_aside("BilledCost", zero())]),
        }
    }
}

/// What identifies a line item across deliveries: what was charged, to
/// whom, where and when. Not the cost, quantity, prices or invoice id, which
/// a restatement may change.
const ROW_KEY_COLUMNS: &[&str] = &[
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "SubAccountId",
    "ServiceName",
    "ResourceId",
    "SkuId",
    "SkuPriceId",
    "RegionId",
    "AvailabilityZone",
    "ChargeCategory",
    "ChargeFrequency",
    "CommitmentDiscountId",
    "CommitmentDiscountStatus",
    "PricingCategory",
    "PricingUnit",
    "x_UsageType",
    "x_Operation",
];

/// The distinct row keys and charge-period lengths of the rows in `slices`.
fn keys_and_durations(frame: LazyFrame, in_slices: Expr) -> PolarsResult<(DataFrame, DataFrame)> {
    let rows = frame.filter(in_slices);
    let key = concat_str(
        ROW_KEY_COLUMNS
            .iter()
            .map(|c| col(*c).cast(DataType::String).fill_null(lit("")))
            .collect::<Vec<_>>(),
        "\u{1f}",
        false,
    );
    let keys = rows
        .clone()
        .select([key.alias("key")])
        .unique(None, UniqueKeepStrategy::Any);
    let durations = rows
        .select([(col("ChargePeriodEnd") - col("ChargePeriodStart")).alias("duration")])
        .unique(None, UniqueKeepStrategy::Any);
    Ok((keys.collect()?, durations.collect()?))
}

/// How `new` (the staged file) relates to `old` (an imported source) in
/// the slices `in_slices` selects, when they are not an actual/amortized
/// pair (which the store finds from the files' cost views, per billing
/// account and month: a pair's files need not hold the same sub-accounts).
pub fn relation(
    new: LazyFrame,
    old: LazyFrame,
    in_slices: Expr,
    same_format: bool,
) -> Result<Relation> {
    let ctx = |e| Error::polars("comparing the file with the imported deliveries", e);
    let (new_keys, new_durations) = keys_and_durations(new, in_slices.clone()).map_err(ctx)?;
    let (old_keys, old_durations) = keys_and_durations(old, in_slices).map_err(ctx)?;
    let common = new_keys
        .clone()
        .lazy()
        .join(
            old_keys.clone().lazy(),
            [col("key")],
            [col("key")],
            JoinArgs::new(JoinType::Inner),
        )
        .collect()
        .map_err(ctx)?
        .height();
    if common == old_keys.height() && common > 0 {
        return Ok(Relation::Restatement);
    }
    if common > 0 {
        return Ok(Relation::Ambiguous(format!(
            "{common} of the {} line items already imported for these months are in this file \
             too, but not all of them: it may be a restatement that dropped line items or a part \
             of a delivery that is already imported",
            old_keys.height()
        )));
    }
    if !same_format {
        return Ok(Relation::OtherExport);
    }
    let shared_durations = new_durations
        .lazy()
        .join(
            old_durations.lazy(),
            [col("duration")],
            [col("duration")],
            JoinArgs::new(JoinType::Inner),
        )
        .collect()
        .map_err(ctx)?
        .height();
    if shared_durations == 0 {
        return Ok(Relation::Ambiguous(
            "the same months are already imported at another time granularity (hourly against \
             daily?): two reports of the same costs would count them twice"
                .into(),
        ));
    }
    Ok(Relation::Parts)
}
