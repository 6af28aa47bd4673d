//! Billing periods and calendar months: the `YYYYMM` period number a slice
//! is keyed by, its `YYYY-MM` label, month arithmetic, and date filters.

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

/// The billing period of each row as the number `YYYYMM`: grouping by it is
/// much cheaper than formatting a date per row.
pub fn period_number_expr() -> Expr {
    period_number_of(period_start_expr())
}

/// The date a row's billing period is taken from: its billing period's
/// start, else its charge period's.
pub fn period_start_expr() -> Expr {
    coalesce(&[col("BillingPeriodStart"), col("ChargePeriodStart")])
}

/// `YYYYMM` of a timestamp, as the Int32 column `period`.
pub fn period_number_of(start: Expr) -> Expr {
    (start.clone().dt().year() * lit(100) + start.dt().month().cast(DataType::Int32))
        .alias("period")
}

/// The period label of rows without any date.
pub const NO_PERIOD: &str = "(none)";

/// `YYYYMM` as `YYYY-MM`; [`NO_PERIOD`] for rows without a date.
pub fn period_label(number: Option<i32>) -> String {
    match number {
        Some(n) => format!("{:04}-{:02}", n / 100, n % 100),
        None => NO_PERIOD.to_string(),
    }
}

/// Reads an Int32 `period` column of a grouped frame as labels.
pub fn period_labels(df: &DataFrame) -> PolarsResult<Vec<String>> {
    Ok(df
        .column("period")?
        .cast(&DataType::Int32)?
        .i32()?
        .iter()
        .map(period_label)
        .collect())
}

/// The first day of `day`'s month.
pub fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).expect("day 1 exists")
}

/// The first day of the month after `day`'s.
pub fn next_month(day: NaiveDate) -> NaiveDate {
    month_start(day)
        .checked_add_months(chrono::Months::new(1))
        .expect("a representable month")
}

/// Rows restricted to `[from, to)` by charge period start.
pub fn filter_dates(frame: LazyFrame, from: Option<NaiveDate>, to: Option<NaiveDate>) -> LazyFrame {
    let mut frame = frame;
    if let Some(from) = from {
        let start = from.and_hms_opt(0, 0, 0).expect("midnight exists");
        frame = frame.filter(col("ChargePeriodStart").gt_eq(lit(start)));
    }
    if let Some(to) = to {
        let end = to.and_hms_opt(0, 0, 0).expect("midnight exists");
        frame = frame.filter(col("ChargePeriodStart").lt(lit(end)));
    }
    frame
}

/// The last day with data.
pub fn latest_day(frame: LazyFrame) -> crate::Result<Option<NaiveDate>> {
    Ok(day_span(frame)?.map(|(_, last)| last))
}

/// The first and the last day with data (by charge period start).
pub fn day_span(frame: LazyFrame) -> crate::Result<Option<(NaiveDate, NaiveDate)>> {
    let day = |e: Expr| e.dt().to_string("%Y-%m-%d");
    let df = frame
        .select([
            day(col("ChargePeriodStart").min()).alias("first"),
            day(col("ChargePeriodStart").max()).alias("last"),
        ])
        .collect_with_engine(Engine::Streaming)
        .map(|r| r.unwrap_single())
        .map_err(|e| crate::Error::polars("finding the days with data", e))?;
    let parse = |name: &str| -> crate::Result<Option<NaiveDate>> {
        let day = df
            .column(name)
            .and_then(|c| c.str().map(|s| s.get(0).map(str::to_string)))
            .map_err(|e| crate::Error::polars("reading the days with data", e))?;
        Ok(day.and_then(|v| NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok()))
    };
    Ok(parse("first")?.zip(parse("last")?))
}

/// An optional `YYYY-MM-DD` day from a form or a query (blank is none).
pub fn parse_day(text: Option<&str>) -> crate::Result<Option<NaiveDate>> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| crate::Error::Usage(format!("{t:?} is not a date (YYYY-MM-DD)"))),
    }
}
