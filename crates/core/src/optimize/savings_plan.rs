//! The Savings Plan recommendation, and how its saving splits over the
//! instances it would cover.
//!
//! One Compute Savings Plan is sized on the hourly on-demand EC2 instance
//! spend (`BoxUsage` lines priced on demand, effective cost) of the
//! recommendation window, as it will be after each instance's chosen
//! change (`alternatives`): a resized or moved instance counts with what it
//! will cost then (a Compute Savings Plan covers any family and size), a
//! stopped instance or one moved to spot not at all. So the plan adds to
//! the changes' savings instead of repeating them. The plan's net saving is then split over the instances it covers, in
//! proportion to the on-demand spend it absorbs of each; those shares are
//! the AWS `commitment_candidate` findings, so the findings and the plan
//! tell one story with one figure.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDateTime};
use polars::prelude::*;
use serde::Serialize;

use super::alternatives::ChosenChange;
use super::usage::{DAYS_PER_MONTH, Window};
use crate::error::{Error, Result};
use crate::frame::{number_at, text_at};

/// Hours per month: the month every finding is scaled to (30.4375 days),
/// so the plan and its shares agree to the cent.
const HOURS_PER_MONTH: f64 = DAYS_PER_MONTH * 24.0;

/// On-demand instance spend per hour of the window, per instance, in the
/// currency with the most such spend.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HourlySpend {
    pub currency: String,
    pub window: String,
    /// Effective cost by resource id, one value per hour of the window.
    /// Spend without a resource id (a CUR exported without them) is under "".
    pub by_resource: BTreeMap<String, Vec<f64>>,
    pub hours: usize,
}

/// A Savings Plan purchase recommendation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
    /// Instances the plan covers (their shares are the AWS
    /// `commitment_candidate` findings).
    pub instances_covered: usize,
    /// Instances whose spend is counted as it will be after their chosen
    /// change (none at all after a stop or a move to spot).
    pub instances_after_a_change: usize,
}

/// One instance's part of the plan, over the window (findings scale their
/// window figures to a month).
#[derive(Debug, Clone, PartialEq)]
pub struct Share {
    pub resource_id: String,
    pub on_demand_covered: f64,
    pub net_savings: f64,
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

/// Reads the hourly on-demand EC2 instance spend of the window. Lines
/// spanning several hours (daily CURs) are spread evenly over their hours.
pub fn hourly_on_demand(frame: LazyFrame, window: &Window) -> Result<HourlySpend> {
    let start = window.first.and_hms_opt(0, 0, 0).expect("midnight");
    let end = (window.last + Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .expect("midnight");
    let periods = frame
        .filter(
            col("ProviderName")
                .eq(lit("AWS"))
                .and(col("ChargeCategory").eq(lit("Usage")))
                .and(col("PricingCategory").eq(lit("Standard")))
                .and(col("x_UsageType").str().contains_literal(lit("BoxUsage")))
                .and(col("ChargePeriodStart").gt_eq(lit(start)))
                .and(col("ChargePeriodStart").lt(lit(end))),
        )
        .group_by([
            // Timestamps travel as epoch milliseconds (the canonical unit).
            col("ChargePeriodStart")
                .cast(DataType::Int64)
                .alias("start"),
            col("ChargePeriodEnd").cast(DataType::Int64).alias("end"),
            col("ResourceId").fill_null(lit("")),
            col("BillingCurrency").fill_null(lit("")),
        ])
        .agg([col("EffectiveCost").sum().alias("cost")])
        .collect_with_engine(Engine::Streaming)
        .map(|r| r.unwrap_single())
        .map_err(|e| Error::polars("building the hourly on-demand baseline", e))?;
    let hours = (end - start).num_hours().max(1) as usize;
    let mut spend_by_currency: BTreeMap<String, f64> = BTreeMap::new();
    for row in 0..periods.height() {
        *spend_by_currency
            .entry(text_at(&periods, "BillingCurrency", row))
            .or_default() += number_at(&periods, "cost", row);
    }
    let Some(currency) = spend_by_currency
        .iter()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map(|(c, _)| c.clone())
    else {
        return Ok(HourlySpend::default());
    };
    let stamp = |name: &str, row: usize| -> Option<NaiveDateTime> {
        chrono::DateTime::from_timestamp_millis(number_at(&periods, name, row) as i64)
            .map(|t| t.naive_utc())
    };
    let mut by_resource: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for row in 0..periods.height() {
        if text_at(&periods, "BillingCurrency", row) != currency {
            continue;
        }
        let (Some(a), Some(b)) = (stamp("start", row), stamp("end", row)) else {
            continue;
        };
        let cost = number_at(&periods, "cost", row);
        let spend = by_resource
            .entry(text_at(&periods, "ResourceId", row))
            .or_insert_with(|| vec![0.0; hours]);
        let span = (b - a).num_hours().max(1);
        for h in 0..span {
            let at = (a + Duration::hours(h) - start).num_hours();
            if at >= 0 && (at as usize) < hours {
                spend[at as usize] += cost / span as f64;
            }
        }
    }
    Ok(HourlySpend {
        currency,
        window: format!("{start}..{end}"),
        by_resource,
        hours,
    })
}

/// Sizes the plan on the baseline after each instance's chosen change, and
/// splits its net saving over the instances it covers. `None` when no
/// commitment saves anything.
pub fn size(
    hourly: &HourlySpend,
    discount: f64,
    changes: &BTreeMap<&str, ChosenChange>,
) -> Option<(SavingsPlanRecommendation, Vec<Share>)> {
    let baseline: Vec<(&String, Vec<f64>)> = hourly
        .by_resource
        .iter()
        .map(|(id, hours)| {
            let remaining = changes.get(id.as_str()).map_or(1.0, |c| c.remaining);
            (id, hours.iter().map(|s| s * remaining).collect())
        })
        .collect();
    let mut spend = vec![0.0; hourly.hours];
    for (_, hours) in &baseline {
        for (total, s) in spend.iter_mut().zip(hours.iter()) {
            *total += s;
        }
    }
    let (c, saving) = best_commitment(&spend, discount);
    if saving <= 0.0 {
        return None;
    }
    let per_month = HOURS_PER_MONTH / hourly.hours as f64;
    let absorbed = c / (1.0 - discount);
    // What the plan absorbs each hour is shared by the instances running
    // then, in proportion to their spend.
    let covered_of = |hours: &[f64]| -> f64 {
        hours
            .iter()
            .zip(&spend)
            .filter(|(_, total)| **total > 0.0)
            .map(|(s, total)| s / total * total.min(absorbed))
            .sum()
    };
    let covered: Vec<(&String, f64)> = baseline
        .iter()
        .map(|(id, hours)| (*id, covered_of(hours)))
        .filter(|(_, covered)| *covered > 0.0)
        .collect();
    let all_covered: f64 = covered.iter().map(|(_, c)| c).sum();
    let shares: Vec<Share> = covered
        .iter()
        .map(|(id, on_demand)| Share {
            resource_id: id.to_string(),
            on_demand_covered: *on_demand,
            net_savings: saving * on_demand / all_covered,
        })
        .collect();
    let mut sorted = spend.clone();
    sorted.sort_by(f64::total_cmp);
    let dropped = |factor: f64| {
        let lower: Vec<f64> = spend.iter().map(|s| s * factor).collect();
        net_savings(&lower, c, discount) * per_month
    };
    let plan = SavingsPlanRecommendation {
        hourly_commitment: c,
        monthly_commitment: c * HOURS_PER_MONTH,
        monthly_on_demand_covered: all_covered * per_month,
        monthly_net_savings: saving * per_month,
        assumed_discount: discount,
        break_even_hourly_spend: c,
        monthly_net_savings_if_usage_drops_20pct: dropped(0.8),
        monthly_net_savings_if_usage_drops_50pct: dropped(0.5),
        hourly_spend_min: sorted[0],
        hourly_spend_median: sorted[sorted.len() / 2],
        hourly_spend_max: sorted[sorted.len() - 1],
        hours: hourly.hours,
        window: hourly.window.clone(),
        currency: hourly.currency.clone(),
        instances_covered: shares.iter().filter(|s| !s.resource_id.is_empty()).count(),
        instances_after_a_change: hourly
            .by_resource
            .keys()
            .filter(|id| changes.contains_key(id.as_str()))
            .count(),
    };
    Some((plan, shares))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimize::FindingKind;

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

    #[test]
    fn the_shares_add_up_to_the_plan_and_changed_instances_count_as_they_will_be() {
        // Two always-on instances at 1 and 3 an hour, one that runs half
        // the hours at 2, one to be stopped and one that a resize halves.
        let mut part_time = vec![2.0; 50];
        part_time.extend(vec![0.0; 50]);
        let hourly = HourlySpend {
            currency: "USD".into(),
            window: "w".into(),
            by_resource: BTreeMap::from([
                ("i-small".to_string(), vec![1.0; 100]),
                ("i-big".to_string(), vec![3.0; 100]),
                ("i-half".to_string(), part_time),
                ("i-idle".to_string(), vec![5.0; 100]),
                ("i-resize".to_string(), vec![2.0; 100]),
            ]),
            hours: 100,
        };
        let change = |kind, remaining| ChosenChange { kind, remaining };
        let changes = BTreeMap::from([
            ("i-idle", change(FindingKind::IdleInstance, 0.0)),
            ("i-resize", change(FindingKind::Rightsize, 0.5)),
        ]);
        let (plan, shares) = size(&hourly, 0.28, &changes).unwrap();
        // The baseline never dips below 1 + 3 + 1 an hour: committed at 5 x 0.72.
        assert!(
            (plan.hourly_commitment - 5.0 * 0.72).abs() < 1e-9,
            "{plan:?}"
        );
        assert_eq!(plan.instances_covered, 4);
        assert_eq!(plan.instances_after_a_change, 2);
        let month = HOURS_PER_MONTH / 100.0;
        let total: f64 = shares.iter().map(|s| s.net_savings).sum();
        assert!((total * month - plan.monthly_net_savings).abs() < 1e-9);
        let covered: f64 = shares.iter().map(|s| s.on_demand_covered).sum();
        assert!((covered * month - plan.monthly_on_demand_covered).abs() < 1e-9);
        assert!(!shares.iter().any(|s| s.resource_id == "i-idle"));
        // Where the part-time instance runs it shares the plan; the big
        // instance absorbs three times the small one's spend.
        let of = |id: &str| shares.iter().find(|s| s.resource_id == id).unwrap();
        assert!((of("i-big").net_savings - 3.0 * of("i-small").net_savings).abs() < 1e-9);
        assert!(of("i-half").net_savings > 0.0);
        // The resized instance shares as the 1 an hour it will cost.
        assert!((of("i-resize").net_savings - of("i-small").net_savings).abs() < 1e-9);
    }
}
