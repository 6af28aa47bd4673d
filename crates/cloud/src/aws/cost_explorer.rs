//! AWS Cost Explorer: `GetCostAndUsage` at DAILY granularity, grouped by
//! SERVICE and LINKED_ACCOUNT (or a tag), metrics UnblendedCost,
//! AmortizedCost and UsageQuantity.
//!
//! Mapping to FOCUS: BilledCost = UnblendedCost, EffectiveCost =
//! AmortizedCost, ListCost = UnblendedCost (Cost Explorer has no list
//! price), ServiceName = SERVICE, SubAccountId = LINKED_ACCOUNT, a one-day
//! charge period, BillingAccountId = the connection's billing account (the
//! payer, given by the user: Cost Explorer does not return it), the service
//! "Tax" as ChargeCategory Tax, everything else Usage.
//!
//! Incremental: a pull replaces whole billing-account months, so it always
//! fetches whole months. A month already pulled more than
//! `monthly::FINAL_AFTER_DAYS` days after it ended is final and is not requested
//! again; the current month and a recently ended one are re-pulled and
//! replace what was there. All months of one pull go in one request (plus
//! its pages): Cost Explorer bills $0.01 per request.

use std::path::Path;

use aws_sdk_costexplorer::types::{
    DateInterval, Granularity, GroupDefinition, GroupDefinitionType,
};
use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::monthly::Plan;
use crate::{PullError, PullSummary};
use burnrate_core::period::{month_start, next_month};
use burnrate_core::store::{Dataset, Replace};

#[derive(Debug, Clone)]
pub struct Options {
    /// The payer (management) account the data belongs to.
    pub billing_account: String,
    /// First day included.
    pub from: NaiveDate,
    /// First day excluded.
    pub to: NaiveDate,
    /// A shared-config profile (else the default chain).
    pub profile: Option<String>,
    /// Group by this tag key instead of LINKED_ACCOUNT.
    pub tag: Option<String>,
    /// A compatible or local endpoint (tests use moto's server).
    pub endpoint_url: Option<String>,
    /// Re-pull final months too (after AWS corrects a closed month).
    pub refresh: bool,
}

/// The file a month of a connection is staged as; its name is how later
/// pulls recognise what is already in the dataset.
fn staged_name(billing_account: &str, month: NaiveDate) -> String {
    format!("aws-ce-{billing_account}-{}.csv", month.format("%Y-%m"))
}

/// One day of one group.
#[derive(Debug, Clone, PartialEq)]
pub struct CostRow {
    pub day: NaiveDate,
    pub service: String,
    pub account: String,
    pub tag_value: Option<String>,
    pub unblended: f64,
    pub amortized: f64,
    pub usage_quantity: f64,
    pub currency: String,
}

async fn client(options: &Options) -> Result<aws_sdk_costexplorer::Client, PullError> {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
        // Cost Explorer's one endpoint lives in us-east-1.
        .region(aws_config::Region::new("us-east-1"))
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(6));
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(url) = &options.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let config = loader.load().await;
    Ok(aws_sdk_costexplorer::Client::new(&config))
}

/// Checks a connection without a billed request (Cost Explorer charges
/// each one): the credentials resolve through the chain.
pub async fn check(options: &Options) -> Result<String, PullError> {
    use aws_sdk_costexplorer::config::ProvideCredentials;
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"));
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    let config = loader.load().await;
    let how = match &options.profile {
        Some(p) => format!("check the profile {p:?} (`aws sso login --profile {p}` if it uses SSO)"),
        None => "set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run `aws configure` / `aws sso login`".into(),
    };
    let provider = config
        .credentials_provider()
        .ok_or_else(|| PullError::Credentials(format!("no AWS credentials provider: {how}")))?;
    provider
        .provide_credentials()
        .await
        .map_err(|e| PullError::Credentials(format!("no usable AWS credentials ({e}): {how}")))?;
    Ok("AWS credentials found; Cost Explorer itself is not called (each request costs $0.01); the identity needs ce:GetCostAndUsage".into())
}

fn explain<E: std::error::Error + aws_sdk_costexplorer::error::ProvideErrorMetadata + 'static>(
    error: aws_sdk_costexplorer::error::SdkError<E>,
    profile: &Option<String>,
) -> PullError {
    use aws_sdk_costexplorer::error::SdkError;
    let how = match profile {
        Some(p) => format!("check the profile {p:?} (`aws sso login --profile {p}` if it uses SSO)"),
        None => "set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run `aws configure` / `aws sso login`".into(),
    };
    match &error {
        SdkError::DispatchFailure(e)
            if e.is_other() || format!("{e:?}").contains("Credentials") =>
        {
            PullError::Credentials(format!("no usable AWS credentials: {how}"))
        }
        SdkError::ServiceError(e) => {
            // An answer the SDK has no model for (a 403 from a policy or a
            // proxy) displays as "unhandled error": say what came back.
            let status = e.raw().status().as_u16();
            let text = match (e.err().code(), e.err().message()) {
                (Some(code), Some(message)) => format!("HTTP {status} {code}: {message}"),
                (Some(code), None) => format!("HTTP {status} {code}"),
                (None, Some(message)) => format!("HTTP {status}: {message}"),
                (None, None) => format!("HTTP {status}, no error details in the answer"),
            };
            let lower = text.to_lowercase();
            if status == 401
                || status == 403
                || lower.contains("expired")
                || lower.contains("security token")
                || lower.contains("not authorized")
                || lower.contains("accessdenied")
            {
                PullError::Credentials(format!(
                    "AWS refused the credentials ({text}): {how}; the identity needs ce:GetCostAndUsage"
                ))
            } else {
                PullError::Api(format!("Cost Explorer: {text}"))
            }
        }
        _ => {
            let detail = format!(
                "{}",
                aws_sdk_costexplorer::error::DisplayErrorContext(&error)
            );
            if detail.to_lowercase().contains("credential") {
                PullError::Credentials(format!("no usable AWS credentials ({detail}): {how}"))
            } else {
                PullError::Api(format!("Cost Explorer request failed: {detail}"))
            }
        }
    }
}

/// Fetches `[from, to)` (whole days), following NextPageToken to the end.
/// Returns the rows and the number of requests made. Nothing is kept if a
/// page fails: the caller imports only complete results.
pub async fn fetch(
    options: &Options,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(Vec<CostRow>, usize), PullError> {
    let client = client(options).await?;
    let second_group = match &options.tag {
        Some(tag) => GroupDefinition::builder()
            .r#type(GroupDefinitionType::Tag)
            .key(tag)
            .build(),
        None => GroupDefinition::builder()
            .r#type(GroupDefinitionType::Dimension)
            .key("LINKED_ACCOUNT")
            .build(),
    };
    let period = DateInterval::builder()
        .start(from.to_string())
        .end(to.to_string())
        .build()
        .map_err(|e| PullError::Api(e.to_string()))?;
    let mut rows = Vec::new();
    let mut requests = 0;
    let mut token: Option<String> = None;
    loop {
        let response = client
            .get_cost_and_usage()
            .time_period(period.clone())
            .granularity(Granularity::Daily)
            .metrics("UnblendedCost")
            .metrics("AmortizedCost")
            .metrics("UsageQuantity")
            .group_by(
                GroupDefinition::builder()
                    .r#type(GroupDefinitionType::Dimension)
                    .key("SERVICE")
                    .build(),
            )
            .group_by(second_group.clone())
            .set_next_page_token(token.clone())
            .send()
            .await
            .map_err(|e| explain(e, &options.profile))?;
        requests += 1;
        for result in response.results_by_time() {
            let day = result
                .time_period()
                .map(|p| p.start().to_string())
                .and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
                .ok_or_else(|| {
                    PullError::Api("a result without a valid TimePeriod.Start".into())
                })?;
            for group in result.groups() {
                let keys = group.keys();
                let metric = |name: &str| -> Result<(f64, String), PullError> {
                    match group.metrics().and_then(|m| m.get(name)) {
                        Some(value) => {
                            let amount = value.amount().unwrap_or("0");
                            let parsed = amount.parse::<f64>().map_err(|_| {
                                PullError::Api(format!(
                                    "{name} amount {amount:?} on {day} is not a number"
                                ))
                            })?;
                            Ok((parsed, value.unit().unwrap_or("").to_string()))
                        }
                        None => Ok((0.0, String::new())),
                    }
                };
                let (unblended, currency) = metric("UnblendedCost")?;
                let (amortized, _) = metric("AmortizedCost")?;
                let (usage_quantity, _) = metric("UsageQuantity")?;
                let second = keys.get(1).cloned().unwrap_or_default();
                let (account, tag_value) = match &options.tag {
                    // Tag keys come back as "key$value" ("key$" when untagged).
                    Some(_) => (
                        String::new(),
                        second
                            .split_once('$')
                            .map(|(_, v)| v.to_string())
                            .filter(|v| !v.is_empty()),
                    ),
                    None => (second, None),
                };
                rows.push(CostRow {
                    day,
                    service: keys.first().cloned().unwrap_or_default(),
                    account,
                    tag_value,
                    unblended,
                    amortized,
                    usage_quantity,
                    currency: if currency.is_empty() {
                        "USD".into()
                    } else {
                        currency
                    },
                });
            }
        }
        token = response
            .next_page_token()
            .map(str::to_string)
            .filter(|t| !t.is_empty());
        if token.is_none() {
            break;
        }
    }
    Ok((rows, requests))
}

/// Writes one month of rows as a FOCUS 1.2 CSV the file adapters import.
fn write_focus(
    path: &Path,
    billing_account: &str,
    tag: Option<&str>,
    month: NaiveDate,
    rows: &[&CostRow],
) -> Result<(), PullError> {
    let period_start = format!("{month}T00:00:00Z");
    let period_end = format!("{}T00:00:00Z", next_month(month));
    let staged = rows.iter().map(|row| {
        let tags = match (tag, &row.tag_value) {
            // JSON, as the FOCUS adapter reads Tags (Rust's `{:?}` quoting
            // is not JSON's for control characters).
            (Some(key), Some(value)) => serde_json::json!({ key: value }).to_string(),
            _ => String::new(),
        };
        let category = if row.service == "Tax" { "Tax" } else { "Usage" };
        let billed = row.unblended.to_string();
        vec![
            ("BillingAccountId", billing_account.to_string()),
            ("SubAccountId", row.account.clone()),
            ("ProviderName", "AWS".into()),
            ("PublisherName", "Amazon Web Services".into()),
            ("InvoiceIssuerName", "Amazon Web Services".into()),
            ("BillingPeriodStart", period_start.clone()),
            ("BillingPeriodEnd", period_end.clone()),
            ("ChargePeriodStart", format!("{}T00:00:00Z", row.day)),
            (
                "ChargePeriodEnd",
                format!("{}T00:00:00Z", row.day + Duration::days(1)),
            ),
            ("ChargeCategory", category.into()),
            ("ChargeFrequency", "Usage-Based".into()),
            ("ServiceName", row.service.clone()),
            ("BilledCost", billed.clone()),
            ("EffectiveCost", row.amortized.to_string()),
            ("ListCost", billed.clone()),
            ("ContractedCost", billed),
            ("BillingCurrency", row.currency.clone()),
            ("ConsumedQuantity", row.usage_quantity.to_string()),
            ("Tags", tags),
        ]
    });
    crate::staging::write_focus(path, staged)
}

/// Plans a pull; all its months go in one request (plus pages), as Cost
/// Explorer bills $0.01 per request.
pub fn plan(dataset: &Dataset, options: &Options, now: DateTime<Utc>) -> Result<Plan, PullError> {
    crate::monthly::plan(
        dataset,
        options.from,
        options.to,
        options.refresh,
        now,
        |month| staged_name(&options.billing_account, month),
    )
}

/// Stages the fetched rows as one FOCUS file per month and imports them:
/// each month replaces the earlier pull of that month. Everything was
/// fetched before this runs, so a failed request never lands half a pull.
pub fn land(
    dataset: &Dataset,
    options: &Options,
    plan: &Plan,
    rows: &[CostRow],
    requests: usize,
    now: DateTime<Utc>,
) -> Result<PullSummary, PullError> {
    let mut summary = PullSummary::of_plan(plan, requests, rows.len());
    let staging = crate::staging::staging_folder(dataset, "aws-ce-")?;
    for month in &plan.months {
        let in_month: Vec<&CostRow> = rows
            .iter()
            .filter(|r| month_start(r.day) == *month)
            .filter(|r| r.unblended != 0.0 || r.amortized != 0.0 || r.usage_quantity != 0.0)
            .collect();

        let path = staging
            .path()
            .join(staged_name(&options.billing_account, *month));
        write_focus(
            &path,
            &options.billing_account,
            options.tag.as_deref(),
            *month,
            &in_month,
        )?;
        // A pull is the whole month of the billing account: an account with
        // no cost in it any more loses its earlier figures.
        summary.outcomes.push(dataset.import_replacing(
            &path,
            now,
            Replace::BillingAccountMonths,
        )?);
    }
    Ok(summary)
}
