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

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use azure_core::auth::TokenCredential;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::Value;

use crate::monthly::Plan;
use crate::{PullError, PullSummary};
use burnrate_core::period::{month_start, next_month};
use burnrate_core::store::{Dataset, Replace};

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

/// One query: a cost type over `[from, to]` (both days included) with the
/// pull's groupings.
#[derive(Debug, Clone)]
pub struct QueryRequest {
    pub cost_type: CostType,
    pub from: NaiveDate,
    pub to_inclusive: NaiveDate,
    pub group_by: Vec<Grouping>,
}

/// One page of a query's result.
#[derive(Debug, Clone, Default)]
pub struct QueryPage {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
    pub next_link: Option<String>,
}

/// What Burnrate needs from the Query API. `next_link` is None for a first
/// page, else the previous page's nextLink (the same body is posted to it).
pub trait CostQueryApi {
    fn query(
        &self,
        scope: &str,
        request: &QueryRequest,
        next_link: Option<&str>,
    ) -> impl std::future::Future<Output = Result<QueryPage, PullError>> + Send;
}

/// [`CostQueryApi`] over the `azure_mgmt_costmanagement` crate, with
/// credentials from azure_identity's default chain (environment service
/// principal, managed identity where configured, `az login`), which honours
/// `AZURE_AUTHORITY_HOST`.
pub struct MgmtCrateApi {
    credential: Arc<dyn TokenCredential>,
    endpoint: azure_core::Url,
}

impl MgmtCrateApi {
    pub fn new(endpoint_url: Option<&str>) -> Result<MgmtCrateApi, PullError> {
        let endpoint_text = endpoint_url.unwrap_or(PUBLIC_MANAGEMENT_ENDPOINT);
        let endpoint = azure_core::Url::parse(endpoint_text).map_err(|e| {
            usage(format!(
                "--endpoint-url {endpoint_text:?} is not a URL: {e}"
            ))
        })?;
        let credential = azure_identity::DefaultAzureCredential::create(
            azure_identity::TokenCredentialOptions::default(),
        )
        .map_err(|e| PullError::Credentials(format!("{e}: {}", credentials_help())))?;
        Ok(MgmtCrateApi {
            credential: Arc::new(credential),
            endpoint,
        })
    }

    /// Checks the sign-in: a token for the management endpoint (no query
    /// is made).
    pub async fn check(&self) -> Result<String, PullError> {
        self.credential
            .get_token(&[&self.token_scope()])
            .await
            .map_err(explain)?;
        Ok(format!(
            "signed in: a token for {} was issued; the identity needs Cost Management Reader on the scope",
            self.endpoint
        ))
    }

    fn token_scope(&self) -> String {
        format!("{}/.default", self.endpoint.as_str().trim_end_matches('/'))
    }

    /// A client whose requests go to `url`'s origin with `url`'s query
    /// (api-version and, for a next page, the skip token): the generated
    /// client sets only the path.
    fn client(&self, url: azure_core::Url) -> azure_mgmt_costmanagement::Client {
        // Cost Management asks throttled clients to wait up to a minute or
        // so; allow a few such waits before giving up.
        let retry = azure_core::ExponentialRetryOptions::default()
            .max_retries(6u32)
            .max_total_elapsed(std::time::Duration::from_secs(300));
        let mut options = azure_core::ClientOptions::default()
            .retry(azure_core::RetryOptions::exponential(retry));
        options
            .per_retry_policies_mut()
            .push(Arc::new(CostManagementRetryAfter));
        // The token's audience is the management endpoint, whatever URL a
        // page comes from.
        azure_mgmt_costmanagement::Client::new(
            url,
            self.credential.clone(),
            vec![self.token_scope()],
            options,
        )
    }
}

impl CostQueryApi for MgmtCrateApi {
    async fn query(
        &self,
        scope: &str,
        request: &QueryRequest,
        next_link: Option<&str>,
    ) -> Result<QueryPage, PullError> {
        use azure_mgmt_costmanagement::models::{
            QueryAggregation, QueryColumnType, QueryDataset, QueryDefinition, QueryGrouping,
            QueryTimePeriod, query_aggregation, query_dataset, query_definition,
        };
        let (url, scope) = match next_link {
            None => {
                let mut url = self.endpoint.clone();
                url.query_pairs_mut()
                    .append_pair("api-version", API_VERSION);
                (url, scope.to_string())
            }
            Some(link) => {
                let url = azure_core::Url::parse(link)
                    .map_err(|e| PullError::Api(format!("nextLink {link:?} is not a URL: {e}")))?;
                // Never send the bearer token anywhere but the endpoint.
                if url.origin() != self.endpoint.origin() {
                    return Err(PullError::Api(format!(
                        "nextLink {link:?} points away from the management endpoint {}",
                        self.endpoint
                    )));
                }
                let path = url.path().trim_matches('/');
                let scope = path
                    .len()
                    .checked_sub("/providers/Microsoft.CostManagement/query".len())
                    .map(|cut| &path[..cut])
                    .filter(|_| {
                        path.to_ascii_lowercase()
                            .ends_with("/providers/microsoft.costmanagement/query")
                    })
                    .ok_or_else(|| PullError::Api(format!("nextLink {link:?} is not a query URL")))?
                    .to_string();
                (url, scope)
            }
        };
        let mut aggregation = serde_json::Map::new();
        aggregation.insert(
            "totalCost".into(),
            serde_json::to_value(QueryAggregation::new(
                "Cost".into(),
                query_aggregation::Function::Sum,
            ))
            .map_err(|e| PullError::Api(e.to_string()))?,
        );
        let dataset = QueryDataset {
            granularity: Some(query_dataset::Granularity::Daily),
            aggregation: Some(Value::Object(aggregation)),
            grouping: request
                .group_by
                .iter()
                .map(|g| match g {
                    Grouping::Dimension(name) => {
                        QueryGrouping::new(QueryColumnType::Dimension, name.to_string())
                    }
                    Grouping::Tag(key) => QueryGrouping::new(QueryColumnType::TagKey, key.clone()),
                })
                .collect(),
            ..QueryDataset::new()
        };
        let cost_type = match request.cost_type {
            CostType::Actual => query_definition::Type::ActualCost,
            CostType::Amortized => query_definition::Type::AmortizedCost,
        };
        let mut definition =
            QueryDefinition::new(cost_type, query_definition::Timeframe::Custom, dataset);
        definition.time_period = Some(QueryTimePeriod::new(
            offset_time(request.from, 0, 0, 0)?,
            offset_time(request.to_inclusive, 23, 59, 59)?,
        ));
        let response = self
            .client(url)
            .query_client()
            .usage(scope, definition)
            .send()
            .await
            .map_err(explain)?;
        let raw = response.into_raw_response();
        let status = raw.status();
        let bytes = raw
            .into_body()
            .collect()
            .await
            .map_err(|e| PullError::Api(format!("reading a Query API response: {e}")))?;
        // 204: no cost in the period.
        if status == azure_core::StatusCode::NoContent || bytes.is_empty() {
            return Ok(QueryPage::default());
        }
        page_from_json(&bytes)
    }
}

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

fn offset_time(day: NaiveDate, h: u8, m: u8, s: u8) -> Result<time::OffsetDateTime, PullError> {
    use chrono::Datelike;
    let month =
        time::Month::try_from(day.month() as u8).map_err(|e| PullError::Api(e.to_string()))?;
    let date = time::Date::from_calendar_date(day.year(), month, day.day() as u8)
        .map_err(|e| PullError::Api(e.to_string()))?;
    let clock = time::Time::from_hms(h, m, s).map_err(|e| PullError::Api(e.to_string()))?;
    Ok(time::PrimitiveDateTime::new(date, clock).assume_utc())
}

fn credentials_help() -> String {
    "sign in with `az login`, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET \
     for a service principal (AZURE_AUTHORITY_HOST for a sovereign cloud); the identity needs \
     the Cost Management Reader role on the scope"
        .into()
}

fn explain(error: azure_core::Error) -> PullError {
    use azure_core::error::ErrorKind;
    match error.kind() {
        ErrorKind::Credential => PullError::Credentials(format!(
            "no usable Azure credentials ({error}): {}",
            credentials_help()
        )),
        ErrorKind::HttpResponse { status, error_code } => {
            let code = error_code.clone().unwrap_or_default();
            let detail = error
                .as_http_error()
                .and_then(|e| e.error_message().map(str::to_string))
                .unwrap_or_default();
            match u16::from(*status) {
                401 | 403 => PullError::Credentials(format!(
                    "Azure refused the request ({status} {code} {detail}): {}",
                    credentials_help()
                )),
                400 | 404 => PullError::Api(format!(
                    "the Query API rejected the scope or query ({status} {code}): {detail}"
                )),
                _ => PullError::Api(format!("the Query API failed ({status} {code}): {detail}")),
            }
        }
        _ => PullError::Api(format!("the Query API request failed: {error}")),
    }
}

/// Cost Management throttles with its own headers
/// (`x-ms-ratelimit-microsoft.costmanagement-{qpu,entity,tenant,client}-retry-after`,
/// in seconds); azure_core's retry policy reads only `retry-after`. This
/// policy sits below the retry policy and copies the longest of them into
/// `retry-after` on a 429, so the retry waits as long as Azure asked.
#[derive(Debug)]
struct CostManagementRetryAfter;

#[async_trait::async_trait]
impl azure_core::Policy for CostManagementRetryAfter {
    async fn send(
        &self,
        ctx: &azure_core::Context,
        request: &mut azure_core::Request,
        next: &[Arc<dyn azure_core::Policy>],
    ) -> azure_core::PolicyResult {
        let response = next[0].send(ctx, request, &next[1..]).await?;
        if response.status() != azure_core::StatusCode::TooManyRequests {
            return Ok(response);
        }
        let (status, mut headers, body) = response.deconstruct();
        let longest = headers
            .iter()
            .filter(|(name, _)| {
                let name = name.as_str().to_ascii_lowercase();
                name.starts_with("x-ms-ratelimit-microsoft.costmanagement")
                    && name.ends_with("retry-after")
            })
            .filter_map(|(_, value)| value.as_str().trim().parse::<u64>().ok())
            .max();
        if let Some(seconds) = longest {
            let current = headers
                .get_optional_str(&azure_core::headers::RETRY_AFTER)
                .and_then(|v| v.trim().parse::<u64>().ok())
                .unwrap_or(0);
            headers.insert(
                azure_core::headers::RETRY_AFTER,
                seconds.max(current).to_string(),
            );
        }
        let bytes = body.collect().await?;
        Ok(azure_core::Response::new(
            status,
            headers,
            Box::pin(azure_core::BytesStream::new(bytes)),
        ))
    }
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
fn parse_usage_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y%m%d")
        .ok()
        .or_else(|| NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok())
}

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
struct Merged {
    actual: f64,
    amortized: f64,
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
fn merge(fetched: &Fetched, types: &[CostType]) -> BTreeMap<GroupKey, Merged> {
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

/// The FOCUS columns a staged file carries, in order.
const STAGED_COLUMNS: &[&str] = &[
    "BillingAccountId",
    "SubAccountId",
    "SubAccountName",
    "ProviderName",
    "PublisherName",
    "InvoiceIssuerName",
    "BillingPeriodStart",
    "BillingPeriodEnd",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "ChargeCategory",
    "ChargeFrequency",
    "ServiceName",
    "ResourceId",
    "RegionName",
    "x_ResourceGroupName",
    "x_SkuMeterCategory",
    "BilledCost",
    "EffectiveCost",
    "ListCost",
    "ContractedCost",
    "BillingCurrency",
    "Tags",
];

fn write_focus(
    path: &Path,
    scope: &str,
    month: NaiveDate,
    groups: &[(&GroupKey, &Merged)],
) -> Result<(), PullError> {
    let io = |e: std::io::Error| {
        PullError::Core(burnrate_core::Error::io(
            format!("writing {}", path.display()),
            e,
        ))
    };
    let mut writer = csv::Writer::from_path(path).map_err(|e| io(e.into()))?;
    writer
        .write_record(STAGED_COLUMNS)
        .map_err(|e| io(e.into()))?;
    let period_start = format!("{month}T00:00:00Z");
    let period_end = format!("{}T00:00:00Z", next_month(month));
    for ((day, currency, dimensions, tag), measures) in groups {
        let dimension = |column: &str| {
            dimensions
                .iter()
                .find(|(c, _)| *c == column)
                .map(|(_, v)| v.as_str())
                .unwrap_or("")
        };
        let tags = match tag {
            Some((key, value)) => serde_json::json!({ key: value }).to_string(),
            None => String::new(),
        };
        let billed = measures.actual.to_string();
        let record: Vec<String> = STAGED_COLUMNS
            .iter()
            .map(|column| match *column {
                "BillingAccountId" => scope.to_string(),
                "ProviderName" | "PublisherName" | "InvoiceIssuerName" => "Microsoft".into(),
                "BillingPeriodStart" => period_start.clone(),
                "BillingPeriodEnd" => period_end.clone(),
                "ChargePeriodStart" => format!("{day}T00:00:00Z"),
                "ChargePeriodEnd" => format!("{}T00:00:00Z", *day + Duration::days(1)),
                "ChargeCategory" => "Usage".into(),
                "ChargeFrequency" => "Usage-Based".into(),
                "BilledCost" | "ListCost" | "ContractedCost" => billed.clone(),
                "EffectiveCost" => measures.amortized.to_string(),
                "BillingCurrency" => currency.clone(),
                "Tags" => tags.clone(),
                other => dimension(other).to_string(),
            })
            .collect();
        writer.write_record(&record).map_err(|e| io(e.into()))?;
    }
    writer.flush().map_err(io)
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
    let staging = crate::staging_folder(dataset, "azure-query-")?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
