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

/// What identifies a row across deliveries, as one text.
fn row_key() -> Expr {
    concat_str(
        ROW_KEY_COLUMNS
            .iter()
            .map(|c| col(*c).cast(DataType::String).fill_null(lit("")))
            .collect::<Vec<_>>(),
        "\u{1f}",
        false,
    )
}

/// How many distinct values of `value` the old rows hold, and how many of
/// those the new rows hold too: one query, nothing collected but the counts.
fn shared(new: LazyFrame, old: LazyFrame, value: Expr) -> PolarsResult<(u32, u32)> {
    let distinct = |rows: LazyFrame| {
        rows.select([value.clone().alias("v")])
            .unique(None, UniqueKeepStrategy::Any)
    };
    let in_new = distinct(new).with_column(lit(true).alias("in_new"));
    let counts = distinct(old)
        .join(
            in_new,
            [col("v")],
            [col("v")],
            JoinArgs::new(JoinType::Left),
        )
        .select([
            len().alias("old"),
            col("in_new").count().cast(DataType::UInt32).alias("common"),
        ])
        .collect()?;
    let get = |name: &str| -> PolarsResult<u32> {
        Ok(counts
            .column(name)?
            .cast(&DataType::UInt32)?
            .u32()?
            .get(0)
            .unwrap_or(0))
    };
    Ok((get("old")?, get("common")?))
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
    let (new, old) = (new.filter(in_slices.clone()), old.filter(in_slices));
    let (old_keys, common) = shared(new.clone(), old.clone(), row_key()).map_err(ctx)?;
    if common == old_keys && common > 0 {
        return Ok(Relation::Restatement);
    }
    if common > 0 {
        return Ok(Relation::Ambiguous(format!(
            "{common} of the {old_keys} line items already imported for these months are in this file \
             too, but not all of them: it may be a restatement that dropped line items or a part \
             of a delivery that is already imported"
        )));
    }
    if !same_format {
        return Ok(Relation::OtherExport);
    }
    let duration = col("ChargePeriodEnd") - col("ChargePeriodStart");
    let (_, shared_durations) = shared(new, old, duration).map_err(ctx)?;
    if shared_durations == 0 {
        return Ok(Relation::Ambiguous(
            "the same months are already imported at another time granularity (hourly against \
             daily?): two reports of the same costs would count them twice"
                .into(),
        ));
    }
    Ok(Relation::Parts)
}
