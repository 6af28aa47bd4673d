//! Azure Cost Management Query API (`POST {scope}/providers/
//! Microsoft.CostManagement/query`): daily cost per group, actual and
//! amortized, for a subscription, resource group, billing account, billing
//! profile or management group scope.
//!
//! Mapping to FOCUS (each response column is found by its name in the
//! response's column list, never by position):
//! - BilledCost = the ActualCost query's `Cost` (`PreTaxCost` in older
//!   responses), EffectiveCost = the AmortizedCost query's `Cost`. With
//!   `--type actual` or `--type amortized` only one is fetched and both
//!   columns carry it; the pull says so. ListCost and ContractedCost = the
//!   BilledCost (the Query API returns no list price).
//! - BillingCurrency = `Currency`; a one-day charge period from `UsageDate`
//!   (a `yyyymmdd` number, or an ISO date string).
//! - Groupings: ServiceName -> ServiceName, SubscriptionId -> SubAccountId,
//!   SubscriptionName -> SubAccountName, ResourceGroup(Name) ->
//!   x_ResourceGroupName, ResourceId -> ResourceId, ResourceLocation ->
//!   RegionName, MeterCategory -> x_SkuMeterCategory, a tag -> Tags.
//! - BillingAccountId = the scope: a pull replaces whole months of it.
//!
//! The API allows at most two groupings and 31 days per daily query, so a
//! pull makes one request per month and cost type (plus nextLink pages).
//! Months are planned like Cost Explorer's ([`crate::monthly`]).
//!
//! The generated `azure_mgmt_costmanagement` crate is the last release of
//! an unmaintained line: it is used only inside [`MgmtCrateApi`], behind
//! the [`CostQueryApi`] trait, so it can be swapped for plain REST.

mod client;
mod land;
mod response;

pub use client::*;
pub use land::*;
pub use response::*;

use chrono::{DateTime, NaiveDate, Utc};

use crate::PullError;
use crate::monthly::Plan;
use burnrate_core::store::Dataset;

/// The public cloud's management endpoint.
pub const PUBLIC_MANAGEMENT_ENDPOINT: &str = "https://management.azure.com";
/// The stable API version whose examples the tests replay.
pub const API_VERSION: &str = "2024-08-01";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CostType {
    Actual,
    Amortized,
}

impl CostType {
    fn api_name(self) -> &'static str {
        match self {
            CostType::Actual => "ActualCost",
            CostType::Amortized => "AmortizedCost",
        }
    }
}

/// `actual`, `amortized` or `both` (the default: BilledCost and
/// EffectiveCost each from their own query).
pub fn cost_types(text: &str) -> Result<Vec<CostType>, PullError> {
    match text.to_ascii_lowercase().as_str() {
        "actual" => Ok(vec![CostType::Actual]),
        "amortized" | "amortised" => Ok(vec![CostType::Amortized]),
        "both" => Ok(vec![CostType::Actual, CostType::Amortized]),
        other => Err(usage(format!(
            "--type {other:?}: use actual, amortized or both"
        ))),
    }
}

/// One grouping of the query.
#[derive(Debug, Clone, PartialEq)]
pub enum Grouping {
    /// A dimension, by its API name.
    Dimension(&'static str),
    /// A tag key.
    Tag(String),
}

/// Dimensions a pull can group by, with the FOCUS column each lands in.
const DIMENSIONS: &[(&str, &str)] = &[
    ("ServiceName", "ServiceName"),
    ("SubscriptionId", "SubAccountId"),
    ("SubscriptionName", "SubAccountName"),
    ("ResourceGroupName", "x_ResourceGroupName"),
    ("ResourceId", "ResourceId"),
    ("ResourceLocation", "RegionName"),
    ("MeterCategory", "x_SkuMeterCategory"),
];

/// Response columns naming the resource group (the API answers a
/// `ResourceGroupName` grouping with either).
fn focus_column_of(response_column: &str) -> Option<&'static str> {
    if response_column.eq_ignore_ascii_case("ResourceGroup") {
        return Some("x_ResourceGroupName");
    }
    DIMENSIONS
        .iter()
        .find(|(api, _)| api.eq_ignore_ascii_case(response_column))
        .map(|(_, focus)| *focus)
}

/// `ServiceName,SubscriptionId` or `ServiceName,tag:team`: at most two.
pub fn groupings(text: &str) -> Result<Vec<Grouping>, PullError> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if let Some(key) = part.strip_prefix("tag:") {
            if key.is_empty() {
                return Err(usage("--group-by tag: needs a key (tag:KEY)".into()));
            }
            out.push(Grouping::Tag(key.to_string()));
            continue;
        }
        let name = if part.eq_ignore_ascii_case("ResourceGroup") {
            "ResourceGroupName"
        } else {
            part
        };
        match DIMENSIONS
            .iter()
            .find(|(api, _)| api.eq_ignore_ascii_case(name))
        {
            Some((api, _)) => out.push(Grouping::Dimension(api)),
            None => {
                let known: Vec<&str> = DIMENSIONS.iter().map(|(api, _)| *api).collect();
                return Err(usage(format!(
                    "--group-by {part:?}: use {} or tag:KEY",
                    known.join(", ")
                )));
            }
        }
    }
    if out.is_empty() || out.len() > 2 {
        return Err(usage(format!(
            "--group-by {text:?}: the Query API takes one or two groupings"
        )));
    }
    Ok(out)
}

fn usage(message: String) -> PullError {
    PullError::Core(burnrate_core::Error::Usage(message))
}

#[derive(Debug, Clone)]
pub struct Options {
    /// `subscriptions/ID`, `subscriptions/ID/resourceGroups/NAME`,
    /// `providers/Microsoft.Billing/billingAccounts/ID[/billingProfiles/ID]`
    /// or `providers/Microsoft.Management/managementGroups/ID`.
    pub scope: String,
    pub types: Vec<CostType>,
    /// First day included.
    pub from: NaiveDate,
    /// First day excluded.
    pub to: NaiveDate,
    pub group_by: Vec<Grouping>,
    /// The management endpoint (sovereign clouds, local tests); the public
    /// cloud's by default.
    pub endpoint_url: Option<String>,
    /// Re-pull months already pulled after they ended.
    pub refresh: bool,
}

/// The scope without leading or trailing slashes, checked for one of the
/// shapes the Query API serves.
pub fn normalize_scope(scope: &str) -> Result<String, PullError> {
    let trimmed = scope.trim().trim_matches('/').to_string();
    let lower = trimmed.to_ascii_lowercase();
    let parts: Vec<&str> = lower.split('/').collect();
    let valid = match parts.as_slice() {
        ["subscriptions", id] => !id.is_empty(),
        ["subscriptions", id, "resourcegroups", group] => !id.is_empty() && !group.is_empty(),
        ["providers", "microsoft.billing", "billingaccounts", id] => !id.is_empty(),
        [
            "providers",
            "microsoft.billing",
            "billingaccounts",
            id,
            "billingprofiles",
            profile,
        ] => !id.is_empty() && !profile.is_empty(),
        [
            "providers",
            "microsoft.billing",
            "billingaccounts",
            id,
            "departments" | "enrollmentaccounts" | "invoicesections" | "customers",
            child,
        ] => !id.is_empty() && !child.is_empty(),
        ["providers", "microsoft.management", "managementgroups", id] => !id.is_empty(),
        _ => false,
    };
    if valid {
        Ok(trimmed)
    } else {
        Err(usage(format!(
            "--scope {scope:?} is not a Cost Management scope: use subscriptions/ID, \
             subscriptions/ID/resourceGroups/NAME, \
             providers/Microsoft.Billing/billingAccounts/ID[/billingProfiles/ID] or \
             providers/Microsoft.Management/managementGroups/ID"
        )))
    }
}

/// The file a month of a scope is staged as; its name is how later pulls
/// recognise what is already in the dataset.
fn staged_name(scope: &str, month: NaiveDate) -> String {
    let safe: String = scope
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("azure-query-{safe}-{}.csv", month.format("%Y-%m"))
}

/// Plans a pull: one request per month and cost type, before paging.
pub fn plan(dataset: &Dataset, options: &Options, now: DateTime<Utc>) -> Result<Plan, PullError> {
    let scope = normalize_scope(&options.scope)?;
    crate::monthly::plan(
        dataset,
        options.from,
        options.to,
        options.refresh,
        now,
        |month| staged_name(&scope, month),
    )
}

/// Requests a plan makes before paging.
pub fn planned_requests(plan: &Plan, options: &Options) -> usize {
    plan.months.len() * options.types.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use std::collections::BTreeMap;

    #[test]
    fn scopes_are_checked_and_trimmed() {
        assert_eq!(
            normalize_scope("/subscriptions/abc/").unwrap(),
            "subscriptions/abc"
        );
        assert!(
            normalize_scope(
                "providers/Microsoft.Billing/billingAccounts/12345:6789/billingProfiles/13579"
            )
            .is_ok()
        );
        assert!(normalize_scope("providers/Microsoft.Management/managementGroups/mg").is_ok());
        assert!(normalize_scope("subscriptions/abc/resourceGroups/rg").is_ok());
        let error = normalize_scope("subscription/abc").unwrap_err().to_string();
        assert!(error.contains("not a Cost Management scope"), "{error}");
    }

    #[test]
    fn groupings_parse_and_are_limited_to_two() {
        assert_eq!(
            groupings("ServiceName, tag:team").unwrap(),
            vec![
                Grouping::Dimension("ServiceName"),
                Grouping::Tag("team".into())
            ]
        );
        assert_eq!(
            groupings("resourcegroup").unwrap(),
            vec![Grouping::Dimension("ResourceGroupName")]
        );
        assert!(groupings("ServiceName,SubscriptionId,ResourceId").is_err());
        assert!(
            groupings("Colour")
                .unwrap_err()
                .to_string()
                .contains("ServiceName")
        );
    }

    #[test]
    fn columns_are_found_by_name_not_position() {
        let page = QueryPage {
            columns: vec![
                "Currency".into(),
                "UsageDate".into(),
                "ServiceName".into(),
                "Cost".into(),
                "ResourceGroup".into(),
            ],
            rows: vec![vec![
                Value::from("EUR"),
                Value::from(20261102),
                Value::from("Storage"),
                Value::from(1.25),
                Value::from("rg-a"),
            ]],
            next_link: None,
        };
        let rows = rows_of(&page, None).unwrap();
        assert_eq!(rows[0].cost, 1.25);
        assert_eq!(rows[0].currency, "EUR");
        assert_eq!(rows[0].day, NaiveDate::from_ymd_opt(2026, 11, 2));
        assert_eq!(rows[0].dimensions["ServiceName"], "Storage");
        assert_eq!(rows[0].dimensions["x_ResourceGroupName"], "rg-a");
    }

    #[test]
    fn a_bad_cost_names_its_row() {
        let page = QueryPage {
            columns: vec!["Cost".into(), "UsageDate".into()],
            rows: vec![
                vec![Value::from(1.0), Value::from(20261101)],
                vec![Value::from(true), Value::from(20261101)],
            ],
            next_link: None,
        };
        let error = rows_of(&page, None).unwrap_err().to_string();
        assert!(error.contains("row 2") && error.contains("Cost"), "{error}");
    }

    #[test]
    fn actual_and_amortized_pair_by_group_and_day() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 3);
        let row = |cost: f64, service: &str| QueryRow {
            day,
            cost,
            currency: "USD".into(),
            dimensions: BTreeMap::from([("ServiceName", service.to_string())]),
            tag: None,
        };
        let fetched = Fetched {
            rows: vec![
                (CostType::Actual, row(10.0, "VM")),
                (CostType::Amortized, row(7.5, "VM")),
                (CostType::Actual, row(300.0, "Reservations")),
            ],
            requests: 2,
        };
        let merged = merge(&fetched, &[CostType::Actual, CostType::Amortized]);
        let values: Vec<(f64, f64)> = merged.values().map(|m| (m.actual, m.amortized)).collect();
        assert_eq!(values, vec![(300.0, 0.0), (10.0, 7.5)]);
        let only_actual = merge(&fetched, &[CostType::Actual]);
        assert!(only_actual.values().all(|m| m.actual == m.amortized));
    }
}
