//! The explorer: cost per period grouped by a dimension, filtered, with
//! the largest groups named and the rest as "(other)", and every group's
//! three measures. What the app's Explorer view shows and `burnrate
//! explore` prints.

use chrono::NaiveDate;
use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::analysis::overview::{OTHER, Totals, collect, currency};
use crate::analysis::trend::Period;
use crate::config::Config;
use crate::error::Result;
use crate::frame::{numbers, strings};
use crate::money::CostMeasure;
use crate::period::{day_span, filter_dates, parse_day};
use crate::query::accounts::AccountNames;
use crate::query::dimension::Dimension;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Filter {
    /// A dimension name: provider, account, service, region, tag:KEY, ...
    pub dimension: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExploreQuery {
    pub group_by: String,
    pub measure: CostMeasure,
    pub period: Period,
    /// First day included, YYYY-MM-DD.
    pub from: Option<String>,
    /// First day excluded, YYYY-MM-DD.
    pub to: Option<String>,
    pub filters: Vec<Filter>,
}

/// One group's cost per period (aligned with `Explore::periods`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Series {
    /// The group's value (an account's id): what a filter on it takes.
    pub name: String,
    /// An account's name (from the data or the `[accounts]` config), shown
    /// as `account_name (name)`; none for other dimensions.
    pub account_name: Option<String>,
    pub currency: String,
    pub values: Vec<f64>,
    pub total: f64,
}

/// One group's three measures over the whole range.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GroupRow {
    /// The group's value (an account's id): what a filter on it takes.
    pub name: String,
    /// An account's name (from the data or the `[accounts]` config), shown
    /// as `account_name (name)`; none for other dimensions.
    pub account_name: Option<String>,
    pub currency: String,
    pub billed: f64,
    pub effective: f64,
    pub list: f64,
}

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Explore {
    pub measure: CostMeasure,
    pub group_by: String,
    /// Every period start from the first with data to the last (`YYYY-MM-DD`):
    /// a period without charges is there, with zero cost.
    pub periods: Vec<String>,
    /// Per period: the data covers it only in part (a week or month the
    /// chosen dates or the data cut).
    pub partial: Vec<bool>,
    /// The largest groups per currency; the rest summed as "(other)".
    pub series: Vec<Series>,
    /// Every group, largest first.
    pub rows: Vec<GroupRow>,
    pub totals: Vec<Totals>,
    pub currency_note: Option<String>,
}

/// Answers an explorer query over the billing view: its measure, grouping
/// and period parsed, its date range and filters applied.
pub fn answer(
    frame: LazyFrame,
    config: &Config,
    query: &ExploreQuery,
    currency_note: Option<String>,
    top: usize,
) -> Result<Explore> {
    let (measure, period) = (query.measure, query.period);
    let dimension = Dimension::parse(&query.group_by, config)?;
    let mut frame = filter_dates(
        frame,
        parse_day(query.from.as_deref())?,
        parse_day(query.to.as_deref())?,
    );
    // Which periods are partial is the data's coverage, not the filters':
    // a service that started mid-month does not make the month partial.
    let covered = day_span(frame.clone())?;
    frame = apply_filters(frame, config, &query.filters)?;
    let mut explore = explore(frame, config, &dimension, period, measure, top)?;
    explore.currency_note = currency_note;
    explore.partial = match covered {
        Some(covered) => explore
            .periods
            .iter()
            .map(|p| {
                NaiveDate::parse_from_str(p, "%Y-%m-%d").is_ok_and(|s| period.in_part(s, covered))
            })
            .collect(),
        None => vec![false; explore.periods.len()],
    };
    Ok(explore)
}

/// Only the rows where every filter's dimension has its value.
pub fn apply_filters(
    mut frame: LazyFrame,
    config: &Config,
    filters: &[Filter],
) -> Result<LazyFrame> {
    for filter in filters {
        let on = Dimension::parse(&filter.dimension, config)?;
        frame = frame.filter(
            on.expr(config)
                .cast(DataType::String)
                .eq(lit(filter.value.clone())),
        );
    }
    Ok(frame)
}

/// The explorer's answer: a series per group and period, and a table of
/// every group with all three measures.
pub fn explore(
    frame: LazyFrame,
    config: &Config,
    dimension: &Dimension,
    period: Period,
    measure: CostMeasure,
    top: usize,
) -> Result<Explore> {
    let accounts = matches!(dimension, Dimension::Account | Dimension::SubAccount)
        .then(|| AccountNames::of(frame.clone(), config))
        .transpose()?
        .unwrap_or_default();
    // One pass over the billing rows; the per-group totals come from the
    // small per-period result, not from a second scan.
    let per_period = collect(
        frame
            .group_by([
                // Grouped as dates and turned into text after aggregating:
                // formatting millions of dates costs more than the group-by.
                period.start().alias("period"),
                dimension.expr(config).cast(DataType::String).alias("name"),
                currency(),
            ])
            .agg([
                col("BilledCost").sum().alias("billed"),
                col("EffectiveCost").sum().alias("effective"),
                col("ListCost").sum().alias("list"),
            ]),
        "exploring over time",
    )?;
    let per_group = collect(
        per_period
            .clone()
            .lazy()
            .group_by([col("name"), col("currency")])
            .agg([
                col("billed").sum(),
                col("effective").sum(),
                col("list").sum(),
            ])
            .sort_by_exprs(
                [col(measure.name()), col("name")],
                SortMultipleOptions::default().with_order_descending_multi([true, false]),
            ),
        "exploring",
    )?;

    let rows: Vec<GroupRow> = {
        let (n, c, b, e, l) = (
            strings(&per_group, "name")?,
            strings(&per_group, "currency")?,
            numbers(&per_group, "billed")?,
            numbers(&per_group, "effective")?,
            numbers(&per_group, "list")?,
        );
        (0..n.len())
            .map(|i| GroupRow {
                name: n[i].clone(),
                account_name: accounts.name(&n[i]).map(str::to_string),
                currency: c[i].clone(),
                billed: b[i],
                effective: e[i],
                list: l[i],
            })
            .collect()
    };
    let mut totals: Vec<Totals> = Vec::new();
    for row in &rows {
        let total = match totals.iter_mut().find(|t| t.currency == row.currency) {
            Some(t) => t,
            None => {
                totals.push(Totals {
                    currency: row.currency.clone(),
                    ..Totals::default()
                });
                totals.last_mut().expect("just pushed")
            }
        };
        total.billed += row.billed;
        total.effective += row.effective;
        total.list += row.list;
    }

    let (p, n, c, v) = (
        strings(&per_period, "period")?,
        strings(&per_period, "name")?,
        strings(&per_period, "currency")?,
        numbers(&per_period, measure.name())?,
    );
    let periods: Vec<String> = {
        let starts: Vec<NaiveDate> = p
            .iter()
            .filter_map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .collect();
        match (starts.iter().min(), starts.iter().max()) {
            (Some(first), Some(last)) => period
                .starts(*first, *last)
                .iter()
                .map(|d| d.to_string())
                .collect(),
            _ => Vec::new(),
        }
    };
    // The largest groups per currency keep their name; the rest are summed.
    let shown = |name: &str, currency: &str| {
        rows.iter()
            .filter(|r| r.currency == currency)
            .take(top)
            .any(|r| r.name == name)
    };
    let mut series: Vec<Series> = Vec::new();
    for i in 0..p.len() {
        let name = if shown(&n[i], &c[i]) {
            n[i].clone()
        } else {
            OTHER.to_string()
        };
        let at = periods.binary_search(&p[i]).expect("period listed");
        let entry = match series
            .iter_mut()
            .position(|s| s.name == name && s.currency == c[i])
        {
            Some(index) => &mut series[index],
            None => {
                series.push(Series {
                    account_name: accounts.name(&name).map(str::to_string),
                    name,
                    currency: c[i].clone(),
                    values: vec![0.0; periods.len()],
                    total: 0.0,
                });
                series.last_mut().expect("just pushed")
            }
        };
        entry.values[at] += v[i];
        entry.total += v[i];
    }
    series.sort_by(|a, b| {
        a.currency
            .cmp(&b.currency)
            .then((a.name == OTHER).cmp(&(b.name == OTHER)))
            .then(b.total.total_cmp(&a.total))
    });
    Ok(Explore {
        measure,
        group_by: dimension.label(),
        partial: vec![false; periods.len()],
        periods,
        series,
        rows,
        totals,
        currency_note: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two charges with a month between them, cut mid-month at both ends.
    fn charges() -> LazyFrame {
        let starts = ["2026-08-10", "2026-10-05"]
            .map(|d| format!("{d}T00:00:00"))
            .to_vec();
        df!(
            "ChargePeriodStart" => starts,
            "ServiceName" => ["EC2", "EC2"],
            "BillingCurrency" => ["USD", "USD"],
            "BilledCost" => [10.0, 20.0],
            "EffectiveCost" => [10.0, 20.0],
            "ListCost" => [12.0, 24.0],
        )
        .unwrap()
        .lazy()
        .with_column(col("ChargePeriodStart").str().to_datetime(
            Some(TimeUnit::Microseconds),
            None,
            StrptimeOptions::default(),
            lit("raise"),
        ))
    }

    fn query(period: Period) -> ExploreQuery {
        ExploreQuery {
            group_by: "service".into(),
            measure: CostMeasure::Effective,
            period,
            from: None,
            to: None,
            filters: Vec::new(),
        }
    }

    #[test]
    fn the_time_axis_is_continuous_and_cut_periods_are_marked() {
        let config = Config::default();
        let months = answer(charges(), &config, &query(Period::Month), None, 10).unwrap();
        assert_eq!(months.periods, ["2026-08-01", "2026-09-01", "2026-10-01"]);
        assert_eq!(months.partial, [true, false, true]);
        assert_eq!(months.series[0].values, [10.0, 0.0, 20.0]);

        let mut days = query(Period::Day);
        days.from = Some("2026-08-01".into());
        let days = answer(charges(), &config, &days, None, 10).unwrap();
        assert_eq!(
            days.periods.len(),
            57,
            "2026-08-10 to 2026-10-05, every day"
        );
        assert!(days.partial.iter().all(|p| !p), "a day is never partial");
        assert_eq!(days.series[0].values.iter().sum::<f64>(), 30.0);

        // A filter does not make a period partial: the data's days do.
        let mut filtered = query(Period::Month);
        filtered.filters.push(Filter {
            dimension: "service".into(),
            value: "S3".into(),
        });
        let none = answer(charges(), &config, &filtered, None, 10).unwrap();
        assert!(none.periods.is_empty() && none.partial.is_empty());
    }
}
