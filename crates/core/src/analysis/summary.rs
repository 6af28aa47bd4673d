//! Cost summaries by dimension, and SQL over the `billing` table.
//!
//! Money is never added across currencies: every summary groups by
//! BillingCurrency as well as the requested dimensions.

use chrono::NaiveDate;
use polars::prelude::*;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::money::CostMeasure;
use crate::period::filter_dates;
use crate::query::accounts::AccountNames;
use crate::query::dimension::{Dimension, NONE};

pub struct SummaryRequest {
    pub by: Vec<Dimension>,
    /// Inclusive first day of charge.
    pub from: Option<NaiveDate>,
    /// Exclusive end day.
    pub to: Option<NaiveDate>,
    /// The measure to sort by (all three are always reported).
    pub sort_by: CostMeasure,
}

/// Billed, effective and list cost by the requested dimensions and currency,
/// largest first.
pub fn summarize(frame: LazyFrame, config: &Config, request: &SummaryRequest) -> Result<DataFrame> {
    let mut keys: Vec<Expr> = request.by.iter().map(|d| d.expr(config)).collect();
    keys.push(
        col("BillingCurrency")
            .fill_null(lit(NONE))
            .alias("currency"),
    );
    let labels: Vec<String> = request.by.iter().map(Dimension::label).collect();
    let mut order: Vec<Expr> = vec![col(request.sort_by.column())];
    let mut descending = vec![true];
    for label in &labels {
        order.push(col(label.as_str()));
        descending.push(false);
    }
    let mut columns: Vec<Expr> = request.by.iter().map(Dimension::label_expr).collect();
    columns.extend([
        col("billed_cost"),
        col("effective_cost"),
        col("list_cost"),
        col("currency"),
    ]);
    let accounts = request
        .by
        .iter()
        .any(|d| matches!(d, Dimension::Account | Dimension::SubAccount))
        .then(|| AccountNames::of(frame.clone(), config))
        .transpose()?;
    let summary = filter_dates(frame, request.from, request.to)
        .group_by(keys)
        .agg([
            col("BilledCost").sum().alias("billed_cost"),
            col("EffectiveCost").sum().alias("effective_cost"),
            col("ListCost").sum().alias("list_cost"),
        ])
        .sort_by_exprs(
            order,
            SortMultipleOptions::default()
                .with_order_descending_multi(descending)
                .with_maintain_order(true),
        )
        .select(columns)
        .collect_with_engine(Engine::Streaming)
        .map(|r| r.unwrap_single())
        .map_err(|e| Error::polars("computing the summary", e))?;
    match accounts {
        Some(names) => with_account_names(summary, &request.by, &names),
        None => Ok(summary),
    }
}

/// Beside each account column, `<column>_name`: the account's name, empty
/// where none is known. Grouping stays by id.
fn with_account_names(
    mut summary: DataFrame,
    by: &[Dimension],
    names: &AccountNames,
) -> Result<DataFrame> {
    for dimension in by
        .iter()
        .filter(|d| matches!(d, Dimension::Account | Dimension::SubAccount))
    {
        let label = dimension.label();
        let named: Vec<String> = crate::frame::strings(&summary, &label)?
            .iter()
            .map(|id| names.name(id).unwrap_or_default().to_string())
            .collect();
        let at = summary
            .get_column_index(&label)
            .expect("the summary has its dimension's column");
        summary
            .insert_column(at + 1, Column::new(format!("{label}_name").into(), named))
            .map_err(|e| Error::polars("naming the accounts", e))?;
    }
    Ok(summary)
}
