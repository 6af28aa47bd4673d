//! A report's chart. The report's header declares it once (`ChartSpec`);
//! `ChartData::of` reduces the report's rows to what is drawn; and both
//! renderers draw that same `ChartData`: the app's ECharts view
//! (ui/src/views/reports.ts) and the static PNG/SVG charts (draw.rs) that
//! `burnrate report --chart` and scheduled exports write. Deciding what to
//! draw in one place is what keeps the app and the files from disagreeing.
//!
//! What the reduction guarantees:
//! - money in different currencies is never on one axis: one panel per
//!   currency, the largest first;
//! - a time axis (labels that are all `YYYY-MM` or all `YYYY-MM-DD`) is
//!   continuous: every month or day between the first and the last is
//!   there, a missing one is zero for money and a gap otherwise, and a
//!   month the data covers only in part is marked;
//! - values below half a cent are zero, and a bar chart leaves them out;
//! - `latest=COL` keeps only the rows of COL's latest value, so a report
//!   with a row per month and service draws one month, not their sum.

mod draw;

pub use draw::{money, render};

use chrono::NaiveDate;
use polars::prelude::*;
use serde::Serialize;

use crate::analysis::trend::Period;
use crate::error::{Error, Result};
use crate::reports::csv::cell;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum ChartKind {
    Bar,
    Line,
    Stacked,
}

/// What a report draws: `bar x=COL y=COL`, `line x=COL [series=COL] y=COL`,
/// `stacked x=COL series=COL y=COL`, each optionally with `latest=COL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartSpec {
    pub kind: ChartKind,
    pub x: String,
    pub y: String,
    pub series: Option<String>,
    /// Only the rows whose value in this column is the largest (the latest
    /// month of a month-over-month report).
    pub latest: Option<String>,
}

impl ChartSpec {
    pub fn parse(text: &str) -> std::result::Result<ChartSpec, String> {
        let mut words = text.split_whitespace();
        let kind = match words.next() {
            Some("bar") => ChartKind::Bar,
            Some("line") => ChartKind::Line,
            Some("stacked") => ChartKind::Stacked,
            other => return Err(format!("chart kind {other:?} is not bar, line or stacked")),
        };
        let (mut x, mut y, mut series, mut latest) = (None, None, None, None);
        for word in words {
            match word.split_once('=') {
                Some(("x", v)) => x = Some(v.to_string()),
                Some(("y", v)) => y = Some(v.to_string()),
                Some(("series", v)) => series = Some(v.to_string()),
                Some(("latest", v)) => latest = Some(v.to_string()),
                _ => {
                    return Err(format!(
                        "chart: unknown setting {word:?} (use x=, y=, series=, latest=)"
                    ));
                }
            }
        }
        let (Some(x), Some(y)) = (x, y) else {
            return Err("chart needs x=COLUMN and y=COLUMN".into());
        };
        if kind == ChartKind::Stacked && series.is_none() {
            return Err("a stacked chart needs series=COLUMN".into());
        }
        if kind == ChartKind::Bar && series.is_some() {
            return Err("a bar chart ranks one value per x: it takes no series=".into());
        }
        Ok(ChartSpec {
            kind,
            x,
            y,
            series,
            latest,
        })
    }
}

/// The rows reduced to what both renderers draw.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChartData {
    pub kind: ChartKind,
    /// The columns on the axes, as the report names them.
    pub x: String,
    pub y: String,
    /// What the chart leaves out of the table's rows, if anything
    /// ("2026-10 only").
    pub note: Option<String>,
    /// One per currency, the largest total first; empty when there is
    /// nothing to draw.
    pub panels: Vec<ChartPanel>,
}

/// One currency's chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChartPanel {
    /// "" when the report has no currency column.
    pub currency: String,
    /// Categories (bars, largest first in the report's order) or periods.
    pub labels: Vec<String>,
    /// Per label: a period the data covers only in part (a month that
    /// starts or ends inside it).
    pub partial: Vec<bool>,
    /// Lines or stack layers, largest first, "other" last; a bar chart has
    /// one.
    pub series: Vec<ChartSeries>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChartSeries {
    pub name: String,
    /// `#rrggbb`, the same in the app and in the files.
    pub color: String,
    /// One per label; null is a gap (a period without a value that is not
    /// money).
    pub values: Vec<Option<f64>>,
}

/// Series colours, in rank order: distinct within a chart.
pub const PALETTE: [&str; 12] = [
    "#2563eb", "#f97316", "#16a34a", "#dc2626", "#9333ea", "#0891b2", "#ca8a04", "#db2777",
    "#4f46e5", "#65a30d", "#0d9488", "#7c2d12",
];
/// "other", "(none)": grey, never a palette colour.
pub const OTHER_COLOR: &str = "#9ca3af";
const OTHER: &str = "other";
const MAX_BARS: usize = 25;
const MAX_SERIES: usize = 8;

/// The period of an axis whose labels are all `YYYY-MM` (months) or all
/// `YYYY-MM-DD` (days); None for categories.
fn time_axis(labels: &[String]) -> Option<Period> {
    if labels.is_empty() {
        None
    } else if labels.iter().all(|l| month_of(l).is_some()) {
        Some(Period::Month)
    } else if labels.iter().all(|l| day_of(l).is_some()) {
        Some(Period::Day)
    } else {
        None
    }
}

fn start_of(unit: Period, label: &str) -> Option<NaiveDate> {
    match unit {
        Period::Month => month_of(label),
        _ => day_of(label),
    }
}

fn label_of(unit: Period, start: NaiveDate) -> String {
    match unit {
        Period::Month => start.format("%Y-%m").to_string(),
        _ => start.to_string(),
    }
}

fn month_of(label: &str) -> Option<NaiveDate> {
    let (year, month) = label.split_once('-')?;
    if year.len() != 4 || month.len() != 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, 1)
}

fn day_of(label: &str) -> Option<NaiveDate> {
    // A date column renders as 2026-10-01; a datetime one at midnight as
    // 2026-10-01T00:00:00.000.
    let day = label.split('T').next()?;
    (day.len() == 10).then(|| day.parse().ok()).flatten()
}

/// Half a cent and below is float noise, not money.
fn below_a_cent(value: f64) -> f64 {
    if value.abs() < 0.005 { 0.0 } else { value }
}

/// One row of the chart's columns.
struct Point {
    x: String,
    series: String,
    currency: String,
    y: Option<f64>,
}

impl ChartData {
    /// Reduces a report's rows to its chart. `covered` is the first and last
    /// day the report's data holds, which marks partial months.
    pub fn of(
        df: &DataFrame,
        spec: &ChartSpec,
        covered: Option<(NaiveDate, NaiveDate)>,
    ) -> Result<ChartData> {
        let mut points = points(df, spec)?;
        let mut note = None;
        if let Some(column) = &spec.latest {
            let values = text_column(df, column)?;
            if let Some(latest) = values.iter().max().cloned() {
                points = points
                    .into_iter()
                    .zip(&values)
                    .filter(|(_, v)| **v == latest)
                    .map(|(p, _)| p)
                    .collect();
                note = Some(format!("{latest} only"));
            }
        }
        let money = df.column("currency").is_ok();
        let time = match spec.kind {
            ChartKind::Bar => None,
            _ => time_axis(&points.iter().map(|p| p.x.clone()).collect::<Vec<_>>()),
        };
        let axis = time.map(|unit| continuous_axis(unit, &points));
        let mut panels: Vec<(f64, ChartPanel)> = currencies(&points)
            .into_iter()
            .map(|currency| {
                let rows: Vec<&Point> = points.iter().filter(|p| p.currency == currency).collect();
                let total: f64 = rows.iter().filter_map(|p| p.y).map(f64::abs).sum();
                let panel = match (&axis, time) {
                    (Some(labels), Some(unit)) => {
                        over_time(&rows, labels, unit, covered, money, currency)
                    }
                    _ => ranked(&rows, spec, currency),
                };
                (total, panel)
            })
            .collect();
        panels.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then_with(|| a.1.currency.cmp(&b.1.currency))
        });
        Ok(ChartData {
            kind: spec.kind,
            x: spec.x.clone(),
            y: spec.y.clone(),
            note,
            panels: panels
                .into_iter()
                .map(|(_, p)| p)
                .filter(|p| !p.labels.is_empty())
                .collect(),
        })
    }
}

fn text_column(df: &DataFrame, name: &str) -> Result<Vec<String>> {
    let column = df
        .column(name)
        .map_err(|_| Error::Usage(format!("the chart's column {name:?} is not in the report")))?;
    Ok((0..df.height())
        .map(|row| cell(column, row, 2).unwrap_or_else(|| "(none)".into()))
        .collect())
}

fn points(df: &DataFrame, spec: &ChartSpec) -> Result<Vec<Point>> {
    let xs = text_column(df, &spec.x)?;
    let ys = crate::frame::optional_numbers(df, &spec.y)
        .map_err(|_| Error::Usage(format!("the chart's column {:?} is not a number", spec.y)))?;
    let names = match &spec.series {
        Some(s) => text_column(df, s)?,
        None => vec![spec.y.clone(); xs.len()],
    };
    let currencies = match df.column("currency") {
        Ok(_) => text_column(df, "currency")?,
        Err(_) => vec![String::new(); xs.len()],
    };
    Ok(xs
        .into_iter()
        .zip(ys)
        .zip(names)
        .zip(currencies)
        .map(|(((x, y), series), currency)| Point {
            x,
            series,
            currency,
            y: y.filter(|v| v.is_finite()),
        })
        .collect())
}

fn currencies(points: &[Point]) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for p in points {
        if !seen.contains(&p.currency) {
            seen.push(p.currency.clone());
        }
    }
    seen
}

/// Every period from the first to the last, across all currencies, so that
/// panels line up.
fn continuous_axis(unit: Period, points: &[Point]) -> Vec<NaiveDate> {
    let starts: Vec<NaiveDate> = points.iter().filter_map(|p| start_of(unit, &p.x)).collect();
    match (starts.iter().min(), starts.iter().max()) {
        (Some(first), Some(last)) => unit.starts(*first, *last),
        _ => Vec::new(),
    }
}

/// Lines or stack layers over a continuous time axis.
fn over_time(
    rows: &[&Point],
    axis: &[NaiveDate],
    unit: Period,
    covered: Option<(NaiveDate, NaiveDate)>,
    money: bool,
    currency: String,
) -> ChartPanel {
    let names = largest_series(rows);
    // Money a period has no row for is zero; another measure is a gap.
    let empty = if money { Some(0.0) } else { None };
    let mut series: Vec<ChartSeries> = names
        .iter()
        .enumerate()
        .map(|(rank, name)| ChartSeries {
            name: name.clone(),
            color: if name == OTHER {
                OTHER_COLOR
            } else {
                PALETTE[rank % PALETTE.len()]
            }
            .to_string(),
            values: vec![empty; axis.len()],
        })
        .collect();
    for p in rows {
        let (Some(start), Some(y)) = (start_of(unit, &p.x), p.y) else {
            continue;
        };
        let Ok(at) = axis.binary_search(&start) else {
            continue;
        };
        let index = names
            .iter()
            .position(|n| *n == p.series)
            .unwrap_or(names.len() - 1);
        let value = &mut series[index].values[at];
        *value = Some(value.unwrap_or(0.0) + y);
    }
    for s in &mut series {
        for v in s.values.iter_mut().flatten() {
            *v = below_a_cent(*v);
        }
    }
    ChartPanel {
        currency,
        labels: axis.iter().map(|d| label_of(unit, *d)).collect(),
        partial: axis
            .iter()
            .map(|d| covered.is_some_and(|c| unit.in_part(*d, c)))
            .collect(),
        series,
    }
}

/// The series to draw, largest total first; past MAX_SERIES the rest are
/// summed as "other", last.
fn largest_series(rows: &[&Point]) -> Vec<String> {
    let mut totals: Vec<(String, f64)> = Vec::new();
    for p in rows {
        let y = p.y.unwrap_or(0.0).abs();
        match totals.iter_mut().find(|(n, _)| *n == p.series) {
            Some(t) => t.1 += y,
            None => totals.push((p.series.clone(), y)),
        }
    }
    totals.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut names: Vec<String> = totals
        .iter()
        .take(MAX_SERIES)
        .map(|t| t.0.clone())
        .collect();
    if totals.len() > MAX_SERIES {
        names.push(OTHER.into());
    }
    names
}

/// Bars: one value per category, in the report's order, without the ones
/// that round to zero; at most MAX_BARS.
fn ranked(rows: &[&Point], spec: &ChartSpec, currency: String) -> ChartPanel {
    let mut labels: Vec<String> = Vec::new();
    let mut values: Vec<f64> = Vec::new();
    for p in rows {
        let Some(y) = p.y else { continue };
        match labels.iter().position(|l| *l == p.x) {
            Some(at) => values[at] += y,
            None => {
                labels.push(p.x.clone());
                values.push(y);
            }
        }
    }
    let kept: Vec<(String, f64)> = labels
        .into_iter()
        .zip(values)
        .map(|(l, v)| (l, below_a_cent(v)))
        .filter(|(_, v)| *v != 0.0)
        .take(MAX_BARS)
        .collect();
    ChartPanel {
        currency,
        partial: vec![false; kept.len()],
        labels: kept.iter().map(|k| k.0.clone()).collect(),
        series: vec![ChartSeries {
            name: spec.y.clone(),
            color: PALETTE[0].to_string(),
            values: kept.iter().map(|k| Some(k.1)).collect(),
        }],
    }
}

/// The month's label as a person reads a partial one: `2026-11 (part)`.
pub fn partial_label(label: &str) -> String {
    format!("{label} (part)")
}

#[cfg(test)]
mod tests;
