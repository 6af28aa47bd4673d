//! The one pass over the rows before an export: which conditional columns
//! some row fills, one service category per service, and the totals per
//! currency and billing period the export reports.

use polars::prelude::*;

use super::CurrencyTotals;
use super::columns::{self, FOCUS_COLUMNS, FeatureLevel};
use crate::error::{Error, Result};

/// The conditional columns FOCUS does not allow empty: an export leaves
/// out the ones no row fills.
pub(super) fn fill_candidates() -> impl Iterator<Item = &'static str> {
    FOCUS_COLUMNS
        .iter()
        .filter(|c| !c.allows_nulls && c.level == FeatureLevel::Conditional)
        .map(|c| c.name)
}

/// The one pass over the rows to export: per billing currency, billing
/// period and (ServiceName, ServiceCategory, ServiceSubcategory), the rows,
/// the cost totals, the absolute billed cost and whether each of
/// [`fill_candidates`] has a value. A few hundred groups for any dataset.
pub(super) fn survey(rows: LazyFrame) -> Result<DataFrame> {
    let mut aggs = vec![
        len().cast(DataType::UInt64).alias("rows"),
        col("BilledCost").sum(),
        col("EffectiveCost").sum(),
        col("ListCost").sum(),
        col("BilledCost").abs().sum().alias("weight"),
        super::carries_unused_commitment()
            .sum()
            .cast(DataType::UInt64)
            .alias("unused_commitment_rows"),
    ];
    aggs.extend(fill_candidates().map(|c| col(c).is_not_null().any(true).alias(c)));
    rows.group_by([
        col("BillingCurrency"),
        crate::period::period_number_expr(),
        col("ServiceName"),
        col("ServiceCategory"),
        col("ServiceSubcategory"),
    ])
    .agg(aggs)
    .collect_with_engine(Engine::Streaming)
    .map(|r| r.unwrap_single())
    .map_err(|e| Error::polars("reading the dataset to export", e))
}

/// Which of [`fill_candidates`] some row fills.
pub(super) fn filled_columns(survey: &DataFrame) -> Vec<&'static str> {
    fill_candidates()
        .filter(|c| {
            survey
                .column(c)
                .ok()
                .and_then(|s| s.bool().ok().map(|b| b.any()))
                .unwrap_or(false)
        })
        .collect()
}

/// One (ServiceCategory, ServiceSubcategory) per ServiceName: where rows of
/// one service carry different ones (a source that classifies by product
/// family), the pair with the most absolute billed cost, then rows, wins.
pub(super) fn service_categories(
    survey: &DataFrame,
    notes: &mut Vec<String>,
) -> Result<ServiceMap> {
    let err = |e| Error::polars("choosing a service category per service", e);
    let pairs = survey
        .clone()
        .lazy()
        .group_by([
            col("ServiceName"),
            col("ServiceCategory"),
            col("ServiceSubcategory"),
        ])
        .agg([col("weight").sum(), col("rows").sum()])
        .sort(
            [
                "ServiceName",
                "weight",
                "rows",
                "ServiceCategory",
                "ServiceSubcategory",
            ],
            SortMultipleOptions::default()
                .with_order_descending_multi([false, true, true, false, false]),
        )
        .collect()
        .map_err(err)?;
    let names = pairs
        .column("ServiceName")
        .map_err(err)?
        .str()
        .map_err(err)?;
    let categories = pairs
        .column("ServiceCategory")
        .map_err(err)?
        .str()
        .map_err(err)?;
    let subcategories = pairs
        .column("ServiceSubcategory")
        .map_err(err)?
        .str()
        .map_err(err)?;
    let (mut name_out, mut category_out, mut sub_out) = (Vec::new(), Vec::new(), Vec::new());
    let mut previous: Option<Option<&str>> = None;
    for i in 0..pairs.height() {
        let name = names.get(i);
        if previous == Some(name) {
            notes.push(format!(
                "service {:?} also had category {:?}; written as {:?}",
                name.unwrap_or(""),
                categories.get(i).unwrap_or(""),
                category_out.last().cloned().unwrap_or_default()
            ));
            continue;
        }
        previous = Some(name);
        let category = categories
            .get(i)
            .filter(|c| columns::SERVICE_CATEGORIES.contains(c))
            .unwrap_or("Other");
        let subcategory = subcategories
            .get(i)
            .filter(|s| columns::subcategory_fits(category, s))
            .map(str::to_string)
            .unwrap_or_else(|| format!("Other ({category})"));
        name_out.push(name.map(str::to_string));
        category_out.push(category.to_string());
        sub_out.push(subcategory);
    }
    Ok(ServiceMap {
        names: name_out,
        categories: category_out,
        subcategories: sub_out,
    })
}

/// One ServiceCategory and ServiceSubcategory per ServiceName (a null name
/// is one of the names).
pub(super) struct ServiceMap {
    pub(super) names: Vec<Option<String>>,
    pub(super) categories: Vec<String>,
    pub(super) subcategories: Vec<String>,
}

impl ServiceMap {
    /// The value of `values` for each row's ServiceName: a lookup per row,
    /// which copies nothing else (a join would gather every column).
    pub(super) fn lookup(&self, values: &[String]) -> Expr {
        let mut table = std::collections::HashMap::new();
        let mut unnamed = None;
        for (name, value) in self.names.iter().zip(values) {
            match name {
                Some(name) => {
                    table.insert(name.clone(), value.clone());
                }
                None => unnamed = Some(value.clone()),
            }
        }
        crate::frame::map_text(col("ServiceName"), table, unnamed)
    }
}

/// The exported rows of one currency and billing period, added up.
pub(super) struct SliceTotal {
    pub(super) currency: String,
    pub(super) period: Option<i32>,
    pub(super) rows: u64,
    pub(super) billed_cost: f64,
    pub(super) effective_cost: f64,
    pub(super) list_cost: f64,
}

/// The survey's totals per billing currency and period.
pub(super) fn slice_totals(survey: &DataFrame) -> Result<Vec<SliceTotal>> {
    let err = |e| Error::polars("adding up the rows to export", e);
    let df = survey
        .clone()
        .lazy()
        .group_by([col("BillingCurrency"), col("period")])
        .agg([
            col("rows").sum(),
            col("BilledCost").sum(),
            col("EffectiveCost").sum(),
            col("ListCost").sum(),
        ])
        .collect()
        .map_err(err)?;
    let currencies = crate::frame::strings(&df, "BillingCurrency")?;
    let periods: Vec<Option<i32>> = df
        .column("period")
        .and_then(|c| c.cast(&DataType::Int32))
        .map_err(err)?
        .i32()
        .map_err(err)?
        .iter()
        .collect();
    let rows = crate::frame::numbers(&df, "rows")?;
    let billed = crate::frame::numbers(&df, "BilledCost")?;
    let effective = crate::frame::numbers(&df, "EffectiveCost")?;
    let list = crate::frame::numbers(&df, "ListCost")?;
    Ok((0..df.height())
        .map(|i| SliceTotal {
            currency: currencies[i].clone(),
            period: periods[i],
            rows: rows[i] as u64,
            billed_cost: billed[i],
            effective_cost: effective[i],
            list_cost: list[i],
        })
        .collect())
}

/// The slices' totals per currency, in currency order.
pub(super) fn currency_totals(slices: &[SliceTotal]) -> Vec<CurrencyTotals> {
    let mut totals: Vec<CurrencyTotals> = Vec::new();
    for slice in slices {
        let at = match totals.iter().position(|t| t.currency == slice.currency) {
            Some(at) => at,
            None => {
                totals.push(CurrencyTotals {
                    currency: slice.currency.clone(),
                    billed_cost: 0.0,
                    effective_cost: 0.0,
                    list_cost: 0.0,
                });
                totals.len() - 1
            }
        };
        totals[at].billed_cost += slice.billed_cost;
        totals[at].effective_cost += slice.effective_cost;
        totals[at].list_cost += slice.list_cost;
    }
    totals.sort_by(|a, b| a.currency.cmp(&b.currency));
    totals
}
