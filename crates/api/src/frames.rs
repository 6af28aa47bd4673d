//! Polars queries behind the app's views, and frames turned into answers.

use burnrate_core::analysis::trend::Period;
use burnrate_core::config::Config;
use burnrate_core::money::CostMeasure;
use burnrate_core::query::dimension::Dimension;
use chrono::NaiveDate;
use polars::prelude::*;

use crate::dto::{Explore, GroupRow, Series, Slice, Table, Totals};
use crate::{ApiError, polars_error};

type Result<T> = std::result::Result<T, ApiError>;

const OTHER: &str = "(other)";

fn collect(frame: LazyFrame, context: &str) -> Result<DataFrame> {
    frame
        .collect_with_engine(Engine::Streaming)
        .map(|r| r.unwrap_single())
        .map_err(polars_error(context))
}

fn strings(df: &DataFrame, name: &str) -> Result<Vec<String>> {
    burnrate_core::frame::strings(df, name).map_err(polars_error("reading a result"))
}

fn numbers(df: &DataFrame, name: &str) -> Result<Vec<f64>> {
    burnrate_core::frame::numbers(df, name).map_err(polars_error("reading a result"))
}

fn currency() -> Expr {
    col("BillingCurrency")
        .fill_null(lit(burnrate_core::query::dimension::NONE))
        .alias("currency")
}

/// One day of one currency, with all three measures.
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

pub fn latest_day(frame: LazyFrame) -> Result<Option<NaiveDate>> {
    let df = collect(
        frame.select([col("ChargePeriodStart")
            .max()
            .dt()
            .to_string("%Y-%m-%d")
            .alias("latest")]),
        "finding the latest day",
    )?;
    let value = strings(&df, "latest")?;
    Ok(value
        .first()
        .and_then(|v| NaiveDate::parse_from_str(v, "%Y-%m-%d").ok()))
}

/// Effective cost by a grouping, per currency, largest first:
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
            cost: *cost,
        })
        .collect()
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
                [col(measure_name(measure)), col("name")],
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
        numbers(&per_period, measure_name(measure))?,
    );
    let mut periods: Vec<String> = p.clone();
    periods.sort();
    periods.dedup();
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
        measure: measure_name(measure).to_string(),
        group_by: dimension.label(),
        periods,
        series,
        rows,
        totals,
        currency_note: None,
    })
}

fn measure_name(measure: CostMeasure) -> &'static str {
    match measure {
        CostMeasure::Billed => "billed",
        CostMeasure::Effective => "effective",
        CostMeasure::List => "list",
    }
}

/// A frame as a table of JSON cells: numbers stay numbers (for charts),
/// everything else is text.
pub fn table(df: &DataFrame) -> Result<Table> {
    let columns: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let mut cells: Vec<Vec<serde_json::Value>> = vec![Vec::new(); df.height()];
    for column in df.columns() {
        let numeric = column.dtype().is_primitive_numeric();
        if numeric {
            let values = numbers(df, column.name())?;
            let nulls = column.is_null();
            for (row, value) in values.into_iter().enumerate() {
                cells[row].push(if nulls.get(row).unwrap_or(false) {
                    serde_json::Value::Null
                } else {
                    serde_json::json!(value)
                });
            }
        } else {
            for (row, cell) in cells.iter_mut().enumerate() {
                cell.push(
                    burnrate_core::reports::csv::cell(column, row, 2)
                        .map(serde_json::Value::String)
                        .unwrap_or(serde_json::Value::Null),
                );
            }
        }
    }
    Ok(Table {
        columns,
        rows: cells,
    })
}
