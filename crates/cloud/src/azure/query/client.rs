//! The Query API client: the request and page types, the [`CostQueryApi`]
//! trait, and its implementation over the `azure_mgmt_costmanagement`
//! crate with Cost Management's retry-after headers and sign-in errors.

use std::sync::Arc;

use azure_core::auth::TokenCredential;
use chrono::NaiveDate;
use serde_json::Value;

use super::*;
use crate::PullError;

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

pub(super) fn offset_time(
    day: NaiveDate,
    h: u8,
    m: u8,
    s: u8,
) -> Result<time::OffsetDateTime, PullError> {
    use chrono::Datelike;
    let month =
        time::Month::try_from(day.month() as u8).map_err(|e| PullError::Api(e.to_string()))?;
    let date = time::Date::from_calendar_date(day.year(), month, day.day() as u8)
        .map_err(|e| PullError::Api(e.to_string()))?;
    let clock = time::Time::from_hms(h, m, s).map_err(|e| PullError::Api(e.to_string()))?;
    Ok(time::PrimitiveDateTime::new(date, clock).assume_utc())
}

pub(super) fn credentials_help() -> String {
    "sign in with `az login`, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET \
     for a service principal (AZURE_AUTHORITY_HOST for a sovereign cloud); the identity needs \
     the Cost Management Reader role on the scope"
        .into()
}

pub(super) fn explain(error: azure_core::Error) -> PullError {
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
pub(super) struct CostManagementRetryAfter;

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
