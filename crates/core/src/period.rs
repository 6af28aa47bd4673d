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

/// A date range named relative to the data's last day, as the explorer's
/// presets offer it. Anchored at the data, not at today: offline billing
/// files are often a month behind, and "last 30 days" of a file that ended
/// last month should show that month, not nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum DateRange {
    /// The last day's month, from its first day.
    MonthToDate,
    /// The whole calendar month before the last day's.
    LastMonth,
    #[serde(rename = "last-30-days")]
    Last30Days,
    #[serde(rename = "last-90-days")]
    Last90Days,
    /// The last day's calendar quarter, from its first day.
    QuarterToDate,
    /// The last day's year, from 1 January.
    YearToDate,
}

impl DateRange {
    /// Every range with its name (as the CLI and serde write it) and its label.
    pub const ALL: [(DateRange, &'static str, &'static str); 6] = [
        (DateRange::MonthToDate, "month-to-date", "Month to date"),
        (DateRange::LastMonth, "last-month", "Last month"),
        (DateRange::Last30Days, "last-30-days", "Last 30 days"),
        (DateRange::Last90Days, "last-90-days", "Last 90 days"),
        (
            DateRange::QuarterToDate,
            "quarter-to-date",
            "Quarter to date",
        ),
        (DateRange::YearToDate, "year-to-date", "Year to date"),
    ];

    pub fn parse(text: &str) -> crate::Result<Self> {
        Self::ALL
            .iter()
            .find(|(_, name, _)| *name == text.trim())
            .map(|(range, _, _)| *range)
            .ok_or_else(|| {
                crate::Error::Usage(format!(
                    "unknown date range {text:?}; use one of {}",
                    Self::ALL.map(|(_, name, _)| name).join(", ")
                ))
            })
    }

    /// The first day included and the first day excluded, for data whose
    /// last day is `last`.
    pub fn days(self, last: NaiveDate) -> (NaiveDate, NaiveDate) {
        let after = last.succ_opt().expect("a representable day");
        let from = match self {
            DateRange::MonthToDate => month_start(last),
            DateRange::LastMonth => {
                let this_month = month_start(last);
                let previous = this_month
                    .checked_sub_months(chrono::Months::new(1))
                    .expect("a representable month");
                return (previous, this_month);
            }
            DateRange::Last30Days => after - chrono::Duration::days(30),
            DateRange::Last90Days => after - chrono::Duration::days(90),
            DateRange::QuarterToDate => {
                let first_month = (last.month0() / 3) * 3 + 1;
                NaiveDate::from_ymd_opt(last.year(), first_month, 1).expect("a quarter's start")
            }
            DateRange::YearToDate => {
                NaiveDate::from_ymd_opt(last.year(), 1, 1).expect("1 January exists")
            }
        };
        (from, after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn date_ranges_end_on_the_data_s_last_day() {
        let last = day("2026-11-14");
        let cases = [
            (DateRange::MonthToDate, "2026-11-01", "2026-11-15"),
            (DateRange::LastMonth, "2026-10-01", "2026-11-01"),
            (DateRange::Last30Days, "2026-10-16", "2026-11-15"),
            (DateRange::Last90Days, "2026-08-17", "2026-11-15"),
            (DateRange::QuarterToDate, "2026-10-01", "2026-11-15"),
            (DateRange::YearToDate, "2026-01-01", "2026-11-15"),
        ];
        for (range, from, to) in cases {
            assert_eq!(range.days(last), (day(from), day(to)), "{range:?}");
        }
        // January's last month is December of the year before.
        assert_eq!(
            DateRange::LastMonth.days(day("2027-01-03")),
            (day("2026-12-01"), day("2027-01-01"))
        );
        assert_eq!(
            DateRange::parse("last-month").unwrap(),
            DateRange::LastMonth
        );
        // The names the CLI takes are the ones serde (and so the app) writes.
        for (range, name, _) in DateRange::ALL {
            assert_eq!(serde_json::to_value(range).unwrap(), name);
        }
        assert!(DateRange::parse("yesterday").is_err());
    }
}
