//! Fetching every page of a planned pull, merging actual and amortized
//! cost per group, and landing each month as a staged FOCUS file.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::*;
use crate::monthly::Plan;
use crate::{PullError, PullSummary};
use burnrate_core::period::{month_start, next_month};
use burnrate_core::store::{Dataset, Replace};

/// Fetched rows of one cost type, and the requests it took.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub rows: Vec<(CostType, QueryRow)>,
    pub requests: usize,
}

/// Fetches every planned month and cost type, following nextLink to the
/// end. Nothing is returned unless every page arrived, so a failure in the
/// middle of paging lands nothing.
pub async fn fetch<A: CostQueryApi>(
    api: &A,
    options: &Options,
    plan: &Plan,
) -> Result<Fetched, PullError> {
    let scope = normalize_scope(&options.scope)?;
    let Some((_, end)) = plan.range else {
        return Ok(Fetched {
            rows: Vec::new(),
            requests: 0,
        });
    };
    let tag_key = options.group_by.iter().find_map(|g| match g {
        Grouping::Tag(key) => Some(key.as_str()),
        Grouping::Dimension(_) => None,
    });
    let mut rows = Vec::new();
    let mut requests = 0;
    for month in &plan.months {
        let to_inclusive = next_month(*month).min(end) - Duration::days(1);
        if to_inclusive < *month {
            continue;
        }
        for cost_type in &options.types {
            let request = QueryRequest {
                cost_type: *cost_type,
                from: *month,
                to_inclusive,
                group_by: options.group_by.clone(),
            };
            let mut next_link: Option<String> = None;
            loop {
                let page = api.query(&scope, &request, next_link.as_deref()).await?;
                requests += 1;
                for row in rows_of(&page, tag_key)? {
                    let day = row.day.ok_or_else(|| {
                        PullError::Api("a daily query answered without a UsageDate column".into())
                    })?;
                    if day < *month || day > to_inclusive {
                        return Err(PullError::Api(format!(
                            "the {} query for {} returned a row for {day}",
                            cost_type.api_name(),
                            month.format("%Y-%m")
                        )));
                    }
                    rows.push((*cost_type, row));
                }
                next_link = page.next_link;
                if next_link.is_none() {
                    break;
                }
            }
        }
    }
    Ok(Fetched { rows, requests })
}

/// One day of one group with both measures.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Merged {
    pub(super) actual: f64,
    pub(super) amortized: f64,
}

type GroupKey = (
    NaiveDate,
    String,
    Vec<(&'static str, String)>,
    Option<(String, String)>,
);

/// Pairs each group-day's actual and amortized cost. A group present in
/// one query only (a reservation purchase is actual cost only; its
/// amortized share appears on the usage it covers) has zero in the other.
pub(super) fn merge(fetched: &Fetched, types: &[CostType]) -> BTreeMap<GroupKey, Merged> {
    let mut merged: BTreeMap<GroupKey, Merged> = BTreeMap::new();
    let only = (types.len() == 1).then(|| types[0]);
    for (cost_type, row) in &fetched.rows {
        let Some(day) = row.day else { continue };
        let key = (
            day,
            row.currency.clone(),
            row.dimensions
                .iter()
                .map(|(k, v)| (*k, v.clone()))
                .collect(),
            row.tag.clone(),
        );
        let entry = merged.entry(key).or_default();
        match (cost_type, only) {
            // One type pulled: both measures carry it.
            (_, Some(_)) => {
                entry.actual += row.cost;
                entry.amortized += row.cost;
            }
            (CostType::Actual, None) => entry.actual += row.cost,
            (CostType::Amortized, None) => entry.amortized += row.cost,
        }
    }
    merged
}

pub(super) fn write_focus(
    path: &Path,
    scope: &str,
    month: NaiveDate,
    groups: &[(&GroupKey, &Merged)],
) -> Result<(), PullError> {
    let period_start = format!("{month}T00:00:00Z");
    let period_end = format!("{}T00:00:00Z", next_month(month));
    let staged = groups
        .iter()
        .map(|((day, currency, dimensions, tag), measures)| {
            let tags = match tag {
                Some((key, value)) => serde_json::json!({ key: value }).to_string(),
                None => String::new(),
            };
            let billed = measures.actual.to_string();
            let mut row = vec![
                ("BillingAccountId", scope.to_string()),
                ("ProviderName", "Microsoft".into()),
                ("PublisherName", "Microsoft".into()),
                ("InvoiceIssuerName", "Microsoft".into()),
                ("BillingPeriodStart", period_start.clone()),
                ("BillingPeriodEnd", period_end.clone()),
                ("ChargePeriodStart", format!("{day}T00:00:00Z")),
                (
                    "ChargePeriodEnd",
                    format!("{}T00:00:00Z", *day + Duration::days(1)),
                ),
                ("ChargeCategory", "Usage".into()),
                ("ChargeFrequency", "Usage-Based".into()),
                ("BilledCost", billed.clone()),
                ("EffectiveCost", measures.amortized.to_string()),
                ("ListCost", billed.clone()),
                ("ContractedCost", billed),
                ("BillingCurrency", currency.clone()),
                ("Tags", tags),
            ];
            // The groupings: ServiceName, SubAccountId, ResourceId, ...
            row.extend(
                dimensions
                    .iter()
                    .map(|(column, value)| (*column, value.clone())),
            );
            row
        });
    crate::staging::write_focus(path, staged)
}

/// Stages each month as a FOCUS file and imports it, replacing the earlier
/// pull of that month of the scope. Everything was fetched before this
/// runs, so a failed request never lands half a pull.
pub fn land(
    dataset: &Dataset,
    options: &Options,
    plan: &Plan,
    fetched: &Fetched,
    now: DateTime<Utc>,
) -> Result<PullSummary, PullError> {
    let scope = normalize_scope(&options.scope)?;
    let merged = merge(fetched, &options.types);
    let mut summary = PullSummary::of_plan(plan, fetched.requests, merged.len());
    let staging = crate::staging::staging_folder(dataset, "azure-query-")?;
    for month in &plan.months {
        let groups: Vec<(&GroupKey, &Merged)> = merged
            .iter()
            .filter(|(key, measures)| {
                month_start(key.0) == *month
                    && (measures.actual != 0.0 || measures.amortized != 0.0)
            })
            .collect();
        let path = staging.path().join(staged_name(&scope, *month));
        write_focus(&path, &scope, *month, &groups)?;
        summary.outcomes.push(dataset.import_replacing(
            &path,
            now,
            Replace::BillingAccountMonths,
        )?);
    }
    Ok(summary)
}

/// The sum of what the API returned per cost type and currency, to set
/// beside the dataset's totals after a pull.
pub fn api_totals(fetched: &Fetched) -> BTreeMap<(CostType, String), f64> {
    let mut totals = BTreeMap::new();
    for (cost_type, row) in &fetched.rows {
        *totals
            .entry((*cost_type, row.currency.clone()))
            .or_insert(0.0) += row.cost;
    }
    totals
}
