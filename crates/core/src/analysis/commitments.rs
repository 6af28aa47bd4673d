//! Commitment discounts (reservations, savings plans): utilization,
//! coverage, and a Savings Plan purchase recommendation.
//!
//! Read from the FOCUS commitment columns, which the AWS, Azure and FOCUS
//! adapters fill (AWS: DiscountedUsage and SavingsPlanCoveredUsage lines are
//! `Used`; RIFee and SavingsPlanRecurringFee lines carry the unused part as
//! effective cost and are `Unused`).
//!
//! - Utilization of a commitment = used / (used + unused), in effective
//!   cost: what was paid for and consumed, against what was paid for.
//! - Coverage of a service = covered usage / all usage of that service, in
//!   on-demand-equivalent (list) cost: how much of the eligible spend the
//!   commitments absorb. Services count as eligible when any of their usage
//!   is covered, or their FOCUS ServiceCategory is Compute or Databases.
//! - The Savings Plan recommendation sizes an hourly commitment against the
//!   hourly on-demand EC2 spend of the window (see [`recommend_savings_plan`]).

use chrono::{Duration, NaiveDateTime};
use polars::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result};

fn collect(frame: LazyFrame, context: &str) -> Result<DataFrame> {
    frame
        .collect_with_engine(Engine::Streaming)
        .map(|r| r.unwrap_single())
        .map_err(|e| Error::polars(context.to_string(), e))
}

/// Used and unused effective cost per commitment.
pub fn utilization(frame: LazyFrame) -> Result<DataFrame> {
    let status = col("CommitmentDiscountStatus");
    let cost = |which: &str| {
        col("EffectiveCost")
            .filter(status.clone().eq(lit(which.to_string())))
            .sum()
    };
    collect(
        frame
            .filter(col("CommitmentDiscountId").is_not_null())
            .group_by([
                col("CommitmentDiscountId").alias("commitment_id"),
                col("BillingCurrency")
                    .fill_null(lit("(none)"))
                    .alias("currency"),
            ])
            .agg([
                col("ProviderName").drop_nulls().first().alias("provider"),
                col("CommitmentDiscountType")
                    .drop_nulls()
                    .first()
                    .alias("type"),
                col("CommitmentDiscountCategory")
                    .drop_nulls()
                    .first()
                    .alias("category"),
                cost("Used").alias("used_cost"),
                cost("Unused").alias("unused_cost"),
            ])
            .with_column(
                when((col("used_cost") + col("unused_cost")).neq(lit(0.0)))
                    .then(col("used_cost") / (col("used_cost") + col("unused_cost")) * lit(100.0))
                    .otherwise(lit(NULL).cast(DataType::Float64))
                    .alias("utilization_pct"),
            )
            .select([
                col("commitment_id"),
                col("provider"),
                col("type"),
                col("category"),
                col("used_cost"),
                col("unused_cost"),
                col("utilization_pct"),
                col("currency"),
            ])
            .sort(
                ["commitment_id", "currency"],
                SortMultipleOptions::default(),
            ),
        "computing commitment utilization",
    )
}

/// Coverage per eligible service, in on-demand-equivalent (list) cost.
pub fn coverage(frame: LazyFrame) -> Result<DataFrame> {
    // List cost where the file has it; else effective cost for covered
    // usage (billed is 0 there) and billed cost for the rest.
    let on_demand_equivalent = col("ListCost").fill_null(
        when(col("CommitmentDiscountStatus").eq(lit("Used")))
            .then(col("EffectiveCost"))
            .otherwise(col("BilledCost")),
    );
    let covered = col("CommitmentDiscountStatus").eq(lit("Used"));
    collect(
        frame
            .filter(col("ChargeCategory").eq(lit("Usage")))
            .group_by([
                col("ServiceName").fill_null(lit("(none)")).alias("service"),
                col("BillingCurrency")
                    .fill_null(lit("(none)"))
                    .alias("currency"),
            ])
            .agg([
                on_demand_equivalent
                    .clone()
                    .filter(covered.clone())
                    .sum()
                    .alias("covered_cost"),
                on_demand_equivalent.sum().alias("eligible_cost"),
                covered.any(true).alias("has_commitments"),
                col("ServiceCategory")
                    .drop_nulls()
                    .first()
                    .alias("category"),
            ])
            .filter(
                col("has_commitments").or(col("category")
                    .eq(lit("Compute"))
                    .or(col("category").eq(lit("Databases")))),
            )
            .with_column(
                when(col("eligible_cost").neq(lit(0.0)))
                    .then(col("covered_cost") / col("eligible_cost") * lit(100.0))
                    .otherwise(lit(NULL).cast(DataType::Float64))
                    .alias("coverage_pct"),
            )
            .select([
                col("service"),
                col("covered_cost"),
                col("eligible_cost"),
                col("coverage_pct"),
                col("currency"),
            ])
            .sort_by_exprs(
                [col("eligible_cost"), col("service")],
                SortMultipleOptions::default()
                    .with_order_descending_multi([true, false])
                    .with_maintain_order(true),
            ),
        "computing commitment coverage",
    )
}

/// A Savings Plan purchase recommendation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SavingsPlanRecommendation {
    /// Commitment in Savings Plan dollars per hour.
    pub hourly_commitment: f64,
    pub monthly_commitment: f64,
    /// On-demand spend per month the commitment would cover.
    pub monthly_on_demand_covered: f64,
    pub monthly_net_savings: f64,
    /// The discount assumed (1-year, no upfront Compute Savings Plan).
    pub assumed_discount: f64,
    /// Hourly on-demand spend below which the commitment costs more than
    /// it saves in that hour.
    pub break_even_hourly_spend: f64,
    /// Net monthly savings if eligible usage dropped by 20% / by 50%.
    pub monthly_net_savings_if_usage_drops_20pct: f64,
    pub monthly_net_savings_if_usage_drops_50pct: f64,
    /// The on-demand baseline: lowest, median and highest hourly spend.
    pub hourly_spend_min: f64,
    pub hourly_spend_median: f64,
    pub hourly_spend_max: f64,
    pub hours: usize,
    pub window: String,
    pub currency: String,
}

/// Net savings over the window of committing `c` SP-dollars per hour
/// against hourly on-demand spend `spend` at discount `d`: each hour the
/// plan pays `c` and absorbs up to `c / (1 - d)` of on-demand spend.
pub fn net_savings(spend: &[f64], c: f64, d: f64) -> f64 {
    let absorbed = c / (1.0 - d);
    spend.iter().map(|s| s - c - (s - absorbed).max(0.0)).sum()
}

/// The hourly commitment maximizing net savings: the optimum of a
/// piecewise-linear function lies at one of the hourly spends (times 1 - d).
pub fn best_commitment(spend: &[f64], d: f64) -> (f64, f64) {
    let mut best = (0.0, 0.0);
    let mut candidates: Vec<f64> = spend.iter().map(|s| s * (1.0 - d)).collect();
    candidates.sort_by(f64::total_cmp);
    candidates.dedup();
    for c in candidates {
        let saving = net_savings(spend, c, d);
        if saving > best.1 + 1e-9 {
            best = (c, saving);
        }
    }
    best
}

/// Sizes a Compute Savings Plan on the hourly on-demand EC2 instance spend
/// (`BoxUsage` lines priced on demand) of the last `window_days` days of
/// data. Lines spanning several hours (daily CURs) are spread evenly over
/// their hours. `None` when there is no on-demand instance spend.
pub fn recommend_savings_plan(
    frame: LazyFrame,
    window_days: u32,
    discount: f64,
) -> Result<Option<SavingsPlanRecommendation>> {
    let on_demand = frame.filter(
        col("ProviderName")
            .eq(lit("AWS"))
            .and(col("ChargeCategory").eq(lit("Usage")))
            .and(col("PricingCategory").eq(lit("Standard")))
            .and(col("x_UsageType").str().contains_literal(lit("BoxUsage"))),
    );
    let last = collect(
        on_demand.clone().select([col("ChargePeriodEnd")
            .max()
            .cast(DataType::Int64)
            .alias("last")]),
        "finding the window",
    )?;
    // Timestamps travel as epoch milliseconds (the canonical unit).
    let Some(last_ms) = last
        .column("last")
        .ok()
        .and_then(|c| c.get(0).ok())
        .and_then(|v| v.extract::<i64>())
    else {
        return Ok(None);
    };
    let end = chrono::DateTime::from_timestamp_millis(last_ms)
        .map(|t| t.naive_utc())
        .ok_or_else(|| Error::Usage("bad timestamp".into()))?;
    let start = end - Duration::days(window_days as i64);
    let periods = collect(
        on_demand
            .filter(col("ChargePeriodStart").gt_eq(lit(start)))
            .group_by([
                col("ChargePeriodStart").cast(DataType::Int64),
                col("ChargePeriodEnd").cast(DataType::Int64),
                col("BillingCurrency"),
            ])
            .agg([col("BilledCost").sum().alias("cost")]),
        "building the hourly baseline",
    )?;
    let hours = (end - start).num_hours().max(1) as usize;
    let mut spend = vec![0.0; hours];
    let mut currency = String::new();
    let stamp = |c: &Column, row: usize| -> Option<NaiveDateTime> {
        let ms = c.get(row).ok()?.extract::<i64>()?;
        chrono::DateTime::from_timestamp_millis(ms).map(|t| t.naive_utc())
    };
    let starts = periods
        .column("ChargePeriodStart")
        .map_err(|e| Error::polars("baseline", e))?;
    let ends = periods
        .column("ChargePeriodEnd")
        .map_err(|e| Error::polars("baseline", e))?;
    for row in 0..periods.height() {
        let (Some(a), Some(b)) = (stamp(starts, row), stamp(ends, row)) else {
            continue;
        };
        let cost = periods
            .column("cost")
            .ok()
            .and_then(|c| c.get(row).ok())
            .and_then(|v| v.extract::<f64>())
            .unwrap_or(0.0);
        if currency.is_empty() {
            currency = periods
                .column("BillingCurrency")
                .ok()
                .and_then(|c| c.get(row).ok())
                .and_then(|v| v.get_str().map(str::to_string))
                .unwrap_or_default();
        }
        let span = (b - a).num_hours().max(1);
        for h in 0..span {
            let at = (a + Duration::hours(h) - start).num_hours();
            if at >= 0 && (at as usize) < hours {
                spend[at as usize] += cost / span as f64;
            }
        }
    }
    if spend.iter().all(|s| *s <= 0.0) {
        return Ok(None);
    }
    let (c, saving) = best_commitment(&spend, discount);
    let per_month = 730.0 / hours as f64;
    let mut sorted = spend.clone();
    sorted.sort_by(f64::total_cmp);
    let dropped = |factor: f64| {
        let lower: Vec<f64> = spend.iter().map(|s| s * factor).collect();
        net_savings(&lower, c, discount) * per_month
    };
    Ok(Some(SavingsPlanRecommendation {
        hourly_commitment: c,
        monthly_commitment: c * 730.0,
        monthly_on_demand_covered: spend
            .iter()
            .map(|s| s.min(c / (1.0 - discount)))
            .sum::<f64>()
            * per_month,
        monthly_net_savings: saving * per_month,
        assumed_discount: discount,
        break_even_hourly_spend: c,
        monthly_net_savings_if_usage_drops_20pct: dropped(0.8),
        monthly_net_savings_if_usage_drops_50pct: dropped(0.5),
        hourly_spend_min: sorted[0],
        hourly_spend_median: sorted[sorted.len() / 2],
        hourly_spend_max: sorted[sorted.len() - 1],
        hours,
        window: format!("{start}..{end}"),
        currency,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flat_baseline_is_covered_whole() {
        let spend = vec![10.0; 100];
        let (c, saving) = best_commitment(&spend, 0.28);
        assert!((c - 7.2).abs() < 1e-9);
        assert!((saving - 100.0 * 2.8).abs() < 1e-6);
    }

    #[test]
    fn peaks_are_left_on_demand() {
        // 90 hours at 10, 10 hours at 30: committing for the peak would pay
        // 21.6/h for 90 hours that only need 7.2.
        let mut spend = vec![10.0; 90];
        spend.extend(vec![30.0; 10]);
        let (c, saving) = best_commitment(&spend, 0.28);
        assert!((c - 7.2).abs() < 1e-9, "{c}");
        assert!((saving - 100.0 * 2.8).abs() < 1e-6);
        assert!(net_savings(&spend, 21.6, 0.28) < saving);
        // Below break-even the commitment loses money in that hour.
        assert!(net_savings(&[5.0], 7.2, 0.28) < 0.0);
    }
}
