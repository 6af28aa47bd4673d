//! The overview: every currency's totals, this month to date against the
//! same days of the month before, the month's forecast, the largest
//! services and accounts, the daily trend and recent anomalies, from one
//! daily scan. What the app's first view shows and `burnrate overview`
//! prints.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use polars::prelude::*;
use serde::Serialize;

use crate::analysis::anomaly::{self, Anomaly};
use crate::analysis::forecast::{self, MonthForecast};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::frame::{numbers, strings};
use crate::money::CostMeasure;
use crate::period::{filter_dates, month_start};
use crate::query::accounts::AccountNames;
use crate::query::dimension::{Dimension, NONE};

/// How many groups a chart shows before the rest become "(other)".
pub const TOP_GROUPS: usize = 12;

pub(crate) const OTHER: &str = "(other)";

pub(crate) fn collect(frame: LazyFrame, context: &str) -> Result<DataFrame> {
    frame
        .collect_with_engine(Engine::Streaming)
        .map(|r| r.unwrap_single())
        .map_err(|e| Error::polars(context, e))
}

pub(crate) fn currency() -> Expr {
    col("BillingCurrency")
        .fill_null(lit(NONE))
        .alias("currency")
}

/// All three measures of one currency.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Totals {
    pub currency: String,
    pub billed: f64,
    pub effective: f64,
    pub list: f64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Slice {
    /// The group's value (an account's id).
    pub name: String,
    /// An account's name, shown as `account_name (name)`; none for services.
    pub account_name: Option<String>,
    pub cost: f64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Point {
    pub day: String,
    pub cost: f64,
}

/// One currency's view of the overview's month. Month figures are
/// effective (amortized) cost; `total` has all three measures over all data.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CurrencyOverview {
    pub total: Totals,
    pub month_to_date_effective: f64,
    /// The same days of the month before.
    pub previous_month_same_days_effective: f64,
    pub change_pct: Option<f64>,
    /// The forecast of the month the data is still filling (effective
    /// cost): the latest data's month, or the next when that is complete.
    pub forecast: Option<MonthForecast>,
    pub by_service: Vec<Slice>,
    pub by_account: Vec<Slice>,
    /// Effective cost per day, the last 90 days of data.
    pub daily: Vec<Point>,
}

impl CurrencyOverview {
    /// Zeros for a currency, to be summed into.
    pub fn empty(currency: &str) -> CurrencyOverview {
        CurrencyOverview {
            total: Totals {
                currency: currency.to_string(),
                ..Totals::default()
            },
            month_to_date_effective: 0.0,
            previous_month_same_days_effective: 0.0,
            change_pct: None,
            forecast: None,
            by_service: Vec::new(),
            by_account: Vec::new(),
            daily: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Overview {
    pub empty: bool,
    /// The last day with data, YYYY-MM-DD.
    pub latest_day: Option<String>,
    /// The month of `latest_day`, YYYY-MM: "this month" in the overview.
    pub month: Option<String>,
    /// Set when figures were converted to a reporting currency.
    pub currency_note: Option<String>,
    /// Largest spend first.
    pub currencies: Vec<CurrencyOverview>,
    /// The last 30 days of data.
    pub anomalies: Vec<Anomaly>,
}

/// The dataset at a glance, for the latest month with data (the data may
/// end before today: offline files are often a month behind). Month figures
/// are effective (amortized) cost; totals have all three measures.
pub fn overview(
    frame: LazyFrame,
    config: &Config,
    currency_note: Option<String>,
) -> Result<Overview> {
    let days = daily_totals(frame.clone())?;
    let Some(latest) = days.iter().filter_map(|d| d.day).max() else {
        return Ok(Overview {
            empty: true,
            ..Overview::default()
        });
    };
    let month = month_start(latest);
    let days_in = (latest - month).num_days() + 1;
    let previous_month = month_start(month - Duration::days(1));
    let previous_end = (previous_month + Duration::days(days_in)).min(month);
    let trend_from = latest - Duration::days(89);
    let this_month = filter_dates(frame.clone(), Some(month), None);
    let by_service = top_groups(
        this_month.clone(),
        Dimension::Service.expr(config),
        TOP_GROUPS,
    )?;
    let by_account = top_groups(this_month, Dimension::SubAccount.expr(config), TOP_GROUPS)?;
    let accounts = AccountNames::of(frame.clone(), config)?;
    let month_label = month.format("%Y-%m").to_string();
    let forecasts =
        forecast::forecast(frame.clone(), config, None, CostMeasure::Effective).unwrap_or_default();
    let anomalies = anomaly::detect(
        frame.clone(),
        config,
        CostMeasure::Effective,
        Some(latest - Duration::days(29)),
    )?;

    let mut currencies: Vec<CurrencyOverview> = Vec::new();
    for day in &days {
        let at = match currencies
            .iter()
            .position(|c| c.total.currency == day.currency)
        {
            Some(at) => at,
            None => {
                currencies.push(CurrencyOverview::empty(&day.currency));
                currencies.len() - 1
            }
        };
        let c = &mut currencies[at];
        c.total.billed += day.billed;
        c.total.effective += day.effective;
        c.total.list += day.list;
        let Some(date) = day.day else { continue };
        if date >= month {
            c.month_to_date_effective += day.effective;
        }
        if date >= previous_month && date < previous_end {
            c.previous_month_same_days_effective += day.effective;
        }
        if date >= trend_from {
            c.daily.push(Point {
                day: date.to_string(),
                cost: day.effective,
            });
        }
    }
    for c in &mut currencies {
        c.daily = every_day(std::mem::take(&mut c.daily), latest);
        let (mtd, previous) = (
            c.month_to_date_effective,
            c.previous_month_same_days_effective,
        );
        c.change_pct = (previous != 0.0).then(|| (mtd - previous) / previous * 100.0);
        // The month the data is still filling: the latest data's month, or
        // the next one when the data covers it to its last day (a forecast
        // of a complete month is just its actual figure).
        c.forecast = forecasts
            .iter()
            .filter(|f| f.currency == c.total.currency && f.month >= month_label)
            .find(|f| !f.complete)
            .cloned();
        c.by_service = slices_of(&by_service, &c.total.currency);
        c.by_account = slices_of(&by_account, &c.total.currency);
        for slice in &mut c.by_account {
            slice.account_name = accounts.name(&slice.name).map(str::to_string);
        }
    }
    currencies.sort_by(|a, b| b.total.effective.total_cmp(&a.total.effective));
    Ok(Overview {
        empty: false,
        latest_day: Some(latest.to_string()),
        month: Some(month_label),
        currency_note,
        currencies,
        anomalies,
    })
}

pub struct DayTotals {
    /// None for rows without a charge day: in the totals, not on a calendar.
    pub day: Option<NaiveDate>,
    pub currency: String,
    pub billed: f64,
    pub effective: f64,
    pub list: f64,
}

/// All three measures per day and currency, in day order: one scan that
/// the overview's totals, month-to-date, comparison and trend all read.
pub fn daily_totals(frame: LazyFrame) -> Result<Vec<DayTotals>> {
    let df = collect(
        frame
            .group_by([
                col("ChargePeriodStart").cast(DataType::Date).alias("day"),
                currency(),
            ])
            .agg([
                col("BilledCost").sum().alias("billed"),
                col("EffectiveCost").sum().alias("effective"),
                col("ListCost").sum().alias("list"),
            ])
            .sort(["day", "currency"], SortMultipleOptions::default()),
        "totalling by day",
    )?;
    let (d, c, b, e, l) = (
        strings(&df, "day")?,
        strings(&df, "currency")?,
        numbers(&df, "billed")?,
        numbers(&df, "effective")?,
        numbers(&df, "list")?,
    );
    Ok((0..d.len())
        .map(|i| DayTotals {
            day: NaiveDate::parse_from_str(&d[i], "%Y-%m-%d").ok(),
            currency: c[i].clone(),
            billed: b[i],
            effective: e[i],
            list: l[i],
        })
        .collect())
}

/// (currency, name, cost), the tail beyond `top` per currency summed as
/// "(other)".
pub fn top_groups(frame: LazyFrame, key: Expr, top: usize) -> Result<Vec<(String, String, f64)>> {
    let df = collect(
        frame
            .group_by([currency(), key.cast(DataType::String).alias("name")])
            .agg([col("EffectiveCost").sum().alias("cost")])
            .sort_by_exprs(
                [col("currency"), col("cost"), col("name")],
                SortMultipleOptions::default().with_order_descending_multi([false, true, false]),
            ),
        "grouping effective cost",
    )?;
    let (c, n, v) = (
        strings(&df, "currency")?,
        strings(&df, "name")?,
        numbers(&df, "cost")?,
    );
    let mut out: Vec<(String, String, f64)> = Vec::new();
    let mut shown = 0;
    for i in 0..c.len() {
        if i > 0 && c[i] != c[i - 1] {
            shown = 0;
        }
        if shown < top {
            out.push((c[i].clone(), n[i].clone(), v[i]));
            shown += 1;
        } else {
            match out
                .iter_mut()
                .find(|(cur, name, _)| *cur == c[i] && name == OTHER)
            {
                Some(other) => other.2 += v[i],
                None => out.push((c[i].clone(), OTHER.into(), v[i])),
            }
        }
    }
    Ok(out)
}

pub fn slices_of(groups: &[(String, String, f64)], currency: &str) -> Vec<Slice> {
    groups
        .iter()
        .filter(|(c, _, _)| c == currency)
        .map(|(_, name, cost)| Slice {
            name: name.clone(),
            account_name: None,
            cost: *cost,
        })
        .collect()
}

/// The daily trend with every day from its first to `latest`: a day without
/// charges is zero, not left out (a gap drawn as a straight line would hide
/// it).
fn every_day(points: Vec<Point>, latest: NaiveDate) -> Vec<Point> {
    let mut cost: BTreeMap<String, f64> = BTreeMap::new();
    for p in points {
        *cost.entry(p.day).or_default() += p.cost;
    }
    let Some(first) = cost.keys().next().and_then(|d| d.parse::<NaiveDate>().ok()) else {
        return Vec::new();
    };
    first
        .iter_days()
        .take_while(|d| *d <= latest)
        .map(|d| {
            let day = d.to_string();
            Point {
                cost: cost.get(&day).copied().unwrap_or(0.0),
                day,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_daily_trend_has_every_day_and_a_gap_is_zero() {
        let point = |day: &str, cost: f64| Point {
            day: day.into(),
            cost,
        };
        let filled = every_day(
            vec![point("2026-10-01", 5.0), point("2026-10-18", 7.0)],
            "2026-10-19".parse().unwrap(),
        );
        assert_eq!(filled.len(), 19, "a 16-day gap is there, to the latest day");
        assert_eq!(filled[1].day, "2026-10-02");
        assert_eq!(filled[1].cost, 0.0);
        assert_eq!(filled.iter().map(|p| p.cost).sum::<f64>(), 12.0);
        assert!(every_day(Vec::new(), "2026-10-19".parse().unwrap()).is_empty());
    }
}
