//! The billing lines behind a number: every stored line a set of filters and
//! dates select, with what the provider billed on it (usage type,
//! operation, quantity, unit price, the three costs) and where it came from
//! (the file and row). The explorer's drill-down and a finding's evidence
//! both end here; `burnrate lines` writes all of them.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::analysis::explore::{Filter, apply_filters};
use crate::analysis::overview::Totals;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::frame::{numbers, optional_numbers, strings};
use crate::period::{filter_dates, parse_day};

/// Which lines: the explorer's filters and dates.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LineQuery {
    pub filters: Vec<Filter>,
    /// First day included, YYYY-MM-DD.
    pub from: Option<String>,
    /// First day excluded, YYYY-MM-DD.
    pub to: Option<String>,
}

/// The first lines (by effective cost, largest first) and what all of the
/// selected lines add up to.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LineItems {
    pub lines: Vec<LineItem>,
    /// How many lines the query selects (`lines` holds the first of them).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub total_lines: u64,
    /// Per currency, over every selected line: billed, effective, list.
    pub totals: Vec<Totals>,
}

/// One stored billing line.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LineItem {
    pub day: String,
    pub service: String,
    pub resource_id: String,
    pub charge_category: String,
    pub usage_type: String,
    pub operation: String,
    pub description: String,
    pub quantity: Option<f64>,
    pub unit: String,
    /// The list (on-demand) price per pricing unit.
    pub list_unit_price: Option<f64>,
    pub billed: f64,
    pub effective: f64,
    pub list: f64,
    pub currency: String,
    /// The imported file and its 1-based data row: the evidence.
    pub source_file: String,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub source_row: u64,
}

/// The output columns, in order, over the billing view.
fn columns() -> Vec<Expr> {
    let text = |c: &str| col(c).cast(DataType::String).fill_null(lit(""));
    vec![
        col("ChargePeriodStart")
            .dt()
            .to_string("%Y-%m-%d")
            .alias("day"),
        text("ServiceName").alias("service"),
        text("ResourceId").alias("resource_id"),
        text("ChargeCategory").alias("charge_category"),
        text("x_UsageType").alias("usage_type"),
        text("x_Operation").alias("operation"),
        text("ChargeDescription").alias("description"),
        col("ConsumedQuantity").alias("quantity"),
        text("ConsumedUnit").alias("unit"),
        col("ListUnitPrice").alias("list_unit_price"),
        col("BilledCost").alias("billed_cost"),
        col("EffectiveCost").alias("effective_cost"),
        col("ListCost").alias("list_cost"),
        text("BillingCurrency").alias("currency"),
        text("x_SourceFile").alias("source_file"),
        col("x_SourceRow")
            .cast(DataType::UInt64)
            .alias("source_row"),
    ]
}

fn selected(frame: LazyFrame, config: &Config, query: &LineQuery) -> Result<LazyFrame> {
    let frame = filter_dates(
        frame,
        parse_day(query.from.as_deref())?,
        parse_day(query.to.as_deref())?,
    );
    apply_filters(frame, config, &query.filters)
}

/// Every selected line, largest effective cost first, then by file and row
/// (`burnrate lines`, the app's CSV of them).
pub fn lines_frame(frame: LazyFrame, config: &Config, query: &LineQuery) -> Result<LazyFrame> {
    Ok(selected(frame, config, query)?
        .select(columns())
        .sort_by_exprs(
            [col("effective_cost"), col("source_file"), col("source_row")],
            SortMultipleOptions::default().with_order_descending_multi([true, false, false]),
        ))
}

/// The first `limit` selected lines and the totals of all of them.
pub fn line_items(
    frame: LazyFrame,
    config: &Config,
    query: &LineQuery,
    limit: usize,
) -> Result<LineItems> {
    let first = collect(
        lines_frame(frame.clone(), config, query)?.limit(limit as IdxSize),
        "reading billing lines",
    )?;
    let (total_lines, totals) = line_totals(frame, config, query)?;
    Ok(LineItems {
        lines: lines_of(&first)?,
        total_lines,
        totals,
    })
}

/// How many lines the query selects and, per currency, what they add up to.
pub fn line_totals(
    frame: LazyFrame,
    config: &Config,
    query: &LineQuery,
) -> Result<(u64, Vec<Totals>)> {
    let sums = collect(
        selected(frame, config, query)?
            .group_by([col("BillingCurrency")
                .fill_null(lit(crate::query::dimension::NONE))
                .alias("currency")])
            .agg([
                len().alias("lines"),
                col("BilledCost").sum().alias("billed"),
                col("EffectiveCost").sum().alias("effective"),
                col("ListCost").sum().alias("list"),
            ])
            .sort(["currency"], SortMultipleOptions::default()),
        "adding up billing lines",
    )?;
    let (currency, count) = (strings(&sums, "currency")?, numbers(&sums, "lines")?);
    let (billed, effective, list) = (
        numbers(&sums, "billed")?,
        numbers(&sums, "effective")?,
        numbers(&sums, "list")?,
    );
    let totals = (0..sums.height())
        .map(|i| Totals {
            currency: currency[i].clone(),
            billed: billed[i],
            effective: effective[i],
            list: list[i],
        })
        .collect();
    Ok((count.iter().sum::<f64>() as u64, totals))
}

fn collect(lf: LazyFrame, what: &str) -> Result<DataFrame> {
    lf.collect_with_engine(Engine::Streaming)
        .map(|r| r.unwrap_single())
        .map_err(|e| Error::polars(what, e))
}

fn lines_of(df: &DataFrame) -> Result<Vec<LineItem>> {
    let text = |name: &str| strings(df, name);
    let (day, service, resource, category) = (
        text("day")?,
        text("service")?,
        text("resource_id")?,
        text("charge_category")?,
    );
    let (usage_type, operation, description, unit) = (
        text("usage_type")?,
        text("operation")?,
        text("description")?,
        text("unit")?,
    );
    let (quantity, price) = (
        optional_numbers(df, "quantity")?,
        optional_numbers(df, "list_unit_price")?,
    );
    let (billed, effective, list) = (
        numbers(df, "billed_cost")?,
        numbers(df, "effective_cost")?,
        numbers(df, "list_cost")?,
    );
    let (currency, file, row) = (
        text("currency")?,
        text("source_file")?,
        numbers(df, "source_row")?,
    );
    Ok((0..df.height())
        .map(|i| LineItem {
            day: day[i].clone(),
            service: service[i].clone(),
            resource_id: resource[i].clone(),
            charge_category: category[i].clone(),
            usage_type: usage_type[i].clone(),
            operation: operation[i].clone(),
            description: description[i].clone(),
            quantity: quantity[i],
            unit: unit[i].clone(),
            list_unit_price: price[i],
            billed: billed[i],
            effective: effective[i],
            list: list[i],
            currency: currency[i].clone(),
            source_file: file[i].clone(),
            source_row: row[i] as u64,
        })
        .collect())
}
