//! Cost over time: daily, weekly and monthly series with period-over-period
//! change, and the top movers between two equal windows.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use polars::prelude::*;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::frame::column_of;
use crate::money::CostMeasure;
use crate::query::dimension::{Dimension, NONE};

/// The period a series is per.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Day,
    Week,
    Month,
}

impl Period {
    /// Every period, as the app offers them.
    pub const ALL: [Period; 3] = [Period::Day, Period::Week, Period::Month];

    /// `day`, `week` or `month`.
    pub fn name(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Period::Day => "Day",
            Period::Week => "Week",
            Period::Month => "Month",
        }
    }

    pub fn parse(text: &str) -> Result<Period> {
        match text {
            "day" | "daily" => Ok(Period::Day),
            "week" | "weekly" => Ok(Period::Week),
            "month" | "monthly" => Ok(Period::Month),
            other => Err(Error::Usage(format!(
                "unknown period {other:?}; use day, week or month"
            ))),
        }
    }

    /// The offset from a period's start to the previous period's start.
    fn step_back(self) -> &'static str {
        match self {
            Period::Day => "-1d",
            Period::Week => "-1w",
            Period::Month => "-1mo",
        }
    }

    /// The start of the period after the one starting on `start`.
    pub fn next_start(self, start: NaiveDate) -> NaiveDate {
        match self {
            Period::Day => start + Duration::days(1),
            Period::Week => start + Duration::days(7),
            Period::Month => crate::period::next_month(start),
        }
    }

    /// Every period start from `first` to `last`: a continuous axis, where
    /// a period without charges is still there.
    pub fn starts(self, first: NaiveDate, last: NaiveDate) -> Vec<NaiveDate> {
        let mut starts = vec![first];
        while let Some(at) = starts.last().copied().filter(|at| *at < last) {
            starts.push(self.next_start(at));
        }
        starts
    }

    /// The period starting on `start` has days outside `covered` (the
    /// first and last day with data): a partial week or month.
    pub fn in_part(self, start: NaiveDate, covered: (NaiveDate, NaiveDate)) -> bool {
        let last = self.next_start(start) - Duration::days(1);
        start < covered.0 || last > covered.1
    }

    /// The first day of the period holding each charge (weeks start Monday).
    pub fn start(self) -> Expr {
        let day = col("ChargePeriodStart");
        match self {
            Period::Day => day.cast(DataType::Date),
            Period::Week => day.dt().truncate(lit("1w")).cast(DataType::Date),
            Period::Month => day.dt().truncate(lit("1mo")).cast(DataType::Date),
        }
    }
}

/// Cost per period (and per value of `by`), with the change from the
/// previous period of the same series. `days_with_data` shows partial
/// periods at the edges of the data.
pub fn series(
    frame: LazyFrame,
    config: &Config,
    by: Option<&Dimension>,
    period: Period,
    measure: CostMeasure,
) -> Result<DataFrame> {
    let measure_name = measure.column();
    let mut keys = vec![period.start().alias("period")];
    let mut series_keys = Vec::new();
    if let Some(dim) = by {
        keys.push(dim.expr(config));
        series_keys.push(col(dim.label()));
    }
    keys.push(
        col("BillingCurrency")
            .fill_null(lit(NONE))
            .alias("currency"),
    );
    series_keys.push(col("currency"));
    let over = |e: Expr| e.shift(lit(1)).over(series_keys.clone());
    let (previous, previous_period) = match (over(col(measure_name)), over(col("period"))) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return Err(Error::polars("computing the trend", e)),
    };
    let mut columns = vec![col("period").dt().to_string("%Y-%m-%d").alias("period")];
    if let Some(dim) = by {
        columns.push(col(dim.label()));
    }
    columns.extend([
        col(measure_name),
        col("previous"),
        (col(measure_name) - col("previous")).alias("change"),
        when(col("previous").neq(lit(0.0)))
            .then((col(measure_name) - col("previous")) / col("previous").abs() * lit(100.0))
            .otherwise(lit(NULL).cast(DataType::Float64))
            .alias("change_pct"),
        col("days_with_data"),
        col("currency"),
    ]);
    let mut order = vec![col("period")];
    if let Some(dim) = by {
        order.push(col(dim.label()));
    }
    order.push(col("currency"));
    frame
        .group_by(keys)
        .agg([
            col(measure.focus_column()).sum().alias(measure_name),
            col("ChargePeriodStart")
                .cast(DataType::Date)
                .n_unique()
                .cast(DataType::UInt32)
                .alias("days_with_data"),
        ])
        .sort_by_exprs(order, SortMultipleOptions::default())
        .with_column(
            // Only a directly preceding period counts as "previous".
            when(previous_period.eq(col("period").dt().offset_by(lit(period.step_back()))))
                .then(previous)
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("previous"),
        )
        .select(columns)
        .collect_with_engine(Engine::Streaming)
        .map(|r| r.unwrap_single())
        .map_err(|e| Error::polars("computing the trend", e))
}

/// Daily cost per (value of `by`, currency), dense from the first to the
/// last day of the data (days without cost are 0).
pub type DailySeries = BTreeMap<(String, String), Vec<(NaiveDate, f64)>>;

pub fn daily(
    frame: LazyFrame,
    group: Option<Expr>,
    measure: CostMeasure,
) -> Result<(DailySeries, Option<(NaiveDate, NaiveDate)>)> {
    let group = group.unwrap_or_else(|| lit("total"));
    let df = frame
        .group_by([
            group.alias("value"),
            col("BillingCurrency")
                .fill_null(lit(NONE))
                .alias("currency"),
            col("ChargePeriodStart").cast(DataType::Date).alias("day"),
        ])
        .agg([col(measure.focus_column()).sum().alias("cost")])
        .filter(col("day").is_not_null())
        .collect_with_engine(Engine::Streaming)
        .map(|r| r.unwrap_single())
        .map_err(|e| Error::polars("building daily series", e))?;
    let values = df.column("value").and_then(|c| c.cast(&DataType::String));
    let currencies = df
        .column("currency")
        .and_then(|c| c.cast(&DataType::String));
    let days = df.column("day").and_then(|c| c.cast(&DataType::Int32));
    let costs = df.column("cost").and_then(|c| c.cast(&DataType::Float64));
    let (values, currencies, days, costs) = match (values, currencies, days, costs) {
        (Ok(v), Ok(c), Ok(d), Ok(x)) => (v, c, d, x),
        _ => return Err(Error::Usage("unexpected daily frame".into())),
    };
    let (values, currencies, days, costs) = (
        values.str().expect("cast to string").clone(),
        currencies.str().expect("cast to string").clone(),
        days.i32().expect("cast to i32").clone(),
        costs.f64().expect("cast to f64").clone(),
    );
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
    let mut sparse: BTreeMap<(String, String), BTreeMap<NaiveDate, f64>> = BTreeMap::new();
    let mut range: Option<(NaiveDate, NaiveDate)> = None;
    for row in 0..df.height() {
        let Some(day) = days.get(row) else { continue };
        let day = epoch + Duration::days(day as i64);
        range = Some(match range {
            None => (day, day),
            Some((a, b)) => (a.min(day), b.max(day)),
        });
        *sparse
            .entry((
                values.get(row).unwrap_or(NONE).to_string(),
                currencies.get(row).unwrap_or(NONE).to_string(),
            ))
            .or_default()
            .entry(day)
            .or_default() += costs.get(row).unwrap_or(0.0);
    }
    let mut dense = DailySeries::new();
    if let Some((first, last)) = range {
        for (key, points) in sparse {
            let mut filled = Vec::new();
            let mut day = first;
            while day <= last {
                filled.push((day, points.get(&day).copied().unwrap_or(0.0)));
                day += Duration::days(1);
            }
            dense.insert(key, filled);
        }
    }
    Ok((dense, range))
}

/// The largest increases and decreases between the last `days` days of the
/// data and the `days` before them, by `by`.
pub fn movers(
    frame: LazyFrame,
    config: &Config,
    by: &Dimension,
    measure: CostMeasure,
    days: u32,
    top: usize,
) -> Result<DataFrame> {
    let (series, range) = daily(frame, Some(by.expr(config)), measure)?;
    let Some((_, last)) = range else {
        return Err(Error::Usage("the dataset is empty".into()));
    };
    let current_start = last - Duration::days(days as i64 - 1);
    let previous_start = current_start - Duration::days(days as i64);
    let mut rows: Vec<(String, String, f64, f64)> = Vec::new();
    for ((value, currency), points) in &series {
        let sum = |from: NaiveDate, to: NaiveDate| -> f64 {
            points
                .iter()
                .filter(|(d, _)| *d >= from && *d < to)
                .map(|(_, c)| c)
                .sum()
        };
        let previous = sum(previous_start, current_start);
        let current = sum(current_start, last + Duration::days(1));
        if previous != 0.0 || current != 0.0 {
            rows.push((value.clone(), currency.clone(), previous, current));
        }
    }
    let change = |r: &(String, String, f64, f64)| r.3 - r.2;
    let mut increases: Vec<_> = rows.iter().filter(|r| change(r) > 0.0).cloned().collect();
    increases.sort_by(|a, b| change(b).total_cmp(&change(a)).then_with(|| a.0.cmp(&b.0)));
    increases.truncate(top);
    let mut decreases: Vec<_> = rows.iter().filter(|r| change(r) < 0.0).cloned().collect();
    decreases.sort_by(|a, b| change(a).total_cmp(&change(b)).then_with(|| a.0.cmp(&b.0)));
    decreases.truncate(top);
    let chosen: Vec<_> = increases.into_iter().chain(decreases).collect();
    let window = |from: NaiveDate, to: NaiveDate| format!("{from}..{to}");
    DataFrame::new_infer_height(vec![
        Column::new(
            by.label().into(),
            chosen.iter().map(|r| r.0.clone()).collect::<Vec<_>>(),
        ),
        Column::new(
            "previous_window".into(),
            vec![window(previous_start, current_start - Duration::days(1)); chosen.len()],
        ),
        column_of("previous_cost", &chosen, |r| r.2),
        Column::new(
            "current_window".into(),
            vec![window(current_start, last); chosen.len()],
        ),
        column_of("current_cost", &chosen, |r| r.3),
        Column::new(
            "change".into(),
            chosen.iter().map(change).collect::<Vec<_>>(),
        ),
        column_of("change_pct", &chosen, |r| {
            (r.2 != 0.0).then(|| (r.3 - r.2) / r.2.abs() * 100.0)
        }),
        column_of("currency", &chosen, |r| r.1.clone()),
    ])
    .map_err(|e| Error::polars("building the movers table", e))
}
