//! A Query API page read by column name: the page's JSON, and its rows as
//! cost per day, currency and grouping.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde_json::Value;

use super::*;
use crate::PullError;

/// Parses a Query API response body (`properties.columns/rows/nextLink`).
pub fn page_from_json(bytes: &[u8]) -> Result<QueryPage, PullError> {
    let body: Value = serde_json::from_slice(bytes)
        .map_err(|e| PullError::Api(format!("the Query API answered with invalid JSON: {e}")))?;
    let properties = body
        .get("properties")
        .ok_or_else(|| PullError::Api("a Query API response without properties".into()))?;
    let columns = properties
        .get("columns")
        .and_then(Value::as_array)
        .map(|columns| {
            columns
                .iter()
                .map(|c| {
                    c.get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string()
                })
                .collect()
        })
        .unwrap_or_default();
    let rows = properties
        .get("rows")
        .and_then(Value::as_array)
        .map(|rows| {
            rows.iter()
                .map(|r| r.as_array().cloned().unwrap_or_default())
                .collect()
        })
        .unwrap_or_default();
    let next_link = properties
        .get("nextLink")
        .and_then(Value::as_str)
        .filter(|l| !l.is_empty())
        .map(str::to_string);
    Ok(QueryPage {
        columns,
        rows,
        next_link,
    })
}

/// One row of a query page, keyed by FOCUS column.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryRow {
    /// None for a query without a daily date column.
    pub day: Option<NaiveDate>,
    pub cost: f64,
    pub currency: String,
    /// FOCUS column -> value, from the groupings.
    pub dimensions: BTreeMap<&'static str, String>,
    /// The tag key and value of a tag grouping.
    pub tag: Option<(String, String)>,
}

/// Turns a page into rows, finding every column by its name.
pub fn rows_of(page: &QueryPage, tag_key: Option<&str>) -> Result<Vec<QueryRow>, PullError> {
    let find = |names: &[&str]| {
        page.columns
            .iter()
            .position(|c| names.iter().any(|n| c.eq_ignore_ascii_case(n)))
    };
    if page.rows.is_empty() {
        return Ok(Vec::new());
    }
    let cost_at = find(&["Cost", "PreTaxCost"]).ok_or_else(|| {
        PullError::Api(format!(
            "the response has no Cost column (columns: {})",
            page.columns.join(", ")
        ))
    })?;
    let date_at = find(&["UsageDate"]);
    let currency_at = find(&["Currency", "BillingCurrency", "BillingCurrencyCode"]);
    let tag_key_at = find(&["TagKey"]);
    let tag_value_at = find(&["TagValue"]).or_else(|| tag_key.and_then(|k| find(&[k])));
    let dimension_columns: Vec<(usize, &'static str)> = page
        .columns
        .iter()
        .enumerate()
        .filter_map(|(i, c)| focus_column_of(c).map(|focus| (i, focus)))
        .collect();
    let mut out = Vec::with_capacity(page.rows.len());
    for (index, row) in page.rows.iter().enumerate() {
        let text = |at: usize| match row.get(at) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        };
        let cost = match row.get(cost_at) {
            Some(Value::Number(n)) => n.as_f64(),
            Some(Value::String(s)) => s.trim().parse::<f64>().ok(),
            Some(Value::Null) => Some(0.0),
            _ => None,
        }
        .ok_or_else(|| {
            PullError::Api(format!(
                "row {}: column {} is not a number ({:?})",
                index + 1,
                page.columns[cost_at],
                row.get(cost_at)
            ))
        })?;
        let day = match date_at {
            None => None,
            Some(at) => Some(parse_usage_date(&text(at)).ok_or_else(|| {
                PullError::Api(format!(
                    "row {}: UsageDate {:?} is not a date",
                    index + 1,
                    text(at)
                ))
            })?),
        };
        let tag = match (tag_key, tag_value_at) {
            (Some(key), Some(at)) => {
                let key = tag_key_at
                    .map(text)
                    .filter(|k| !k.is_empty())
                    .unwrap_or_else(|| key.to_string());
                Some((key, text(at))).filter(|(_, value)| !value.is_empty())
            }
            _ => None,
        };
        out.push(QueryRow {
            day,
            cost,
            currency: currency_at.map(text).unwrap_or_default(),
            dimensions: dimension_columns
                .iter()
                .map(|(at, focus)| (*focus, text(*at)))
                .collect(),
            tag,
        });
    }
    Ok(out)
}

/// `20260131` (number or text) or an ISO date (`2026-01-31T00:00:00`).
pub(super) fn parse_usage_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y%m%d")
        .ok()
        .or_else(|| NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok())
}
