//! `burnrate pull`: one connector from its flags, or every connection in
//! the config file (`--all`, also what a schedule with `pull = true` runs).
//! The network part runs on a runtime of its own; landing in the dataset is
//! the ordinary, blocking import.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use burnrate_cloud::{aws_ce, aws_cur, azure_export, azure_query};
use burnrate_core::config::{Config, Connection};
use burnrate_core::store::{Dataset, ImportOutcome};
use chrono::NaiveDate;
use clap::Subcommand;

#[derive(Subcommand)]
pub enum PullSource {
    /// AWS Cost Explorer GetCostAndUsage, daily, by service and linked
    /// account (or a tag). Whole months; final months are not re-requested.
    AwsCe {
        /// First day included (YYYY-MM-DD).
        #[arg(long)]
        from: NaiveDate,
        /// First day excluded (YYYY-MM-DD).
        #[arg(long)]
        to: NaiveDate,
        /// AWS shared-config profile (default: the standard chain).
        #[arg(long)]
        profile: Option<String>,
        /// The payer (management) account id the data belongs to.
        #[arg(long, default_value = "aws-ce")]
        billing_account: String,
        /// `account` (LINKED_ACCOUNT, default) or `tag:KEY`.
        #[arg(long, default_value = "account")]
        group_by: String,
        /// A compatible or local endpoint (e.g. a moto server).
        #[arg(long)]
        endpoint_url: Option<String>,
        /// Re-pull months already pulled after they ended (AWS corrected them).
        #[arg(long)]
        refresh: bool,
    },
    /// Azure Cost Management Query API, daily, actual and amortized cost
    /// per service and subscription (or other groupings). Whole months;
    /// final months are not re-requested. Credentials: `az login` or
    /// AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET.
    AzureQuery {
        /// subscriptions/ID, subscriptions/ID/resourceGroups/NAME,
        /// providers/Microsoft.Billing/billingAccounts/ID[/billingProfiles/ID]
        /// or providers/Microsoft.Management/managementGroups/ID.
        #[arg(long)]
        scope: String,
        /// First day included (YYYY-MM-DD).
        #[arg(long)]
        from: NaiveDate,
        /// First day excluded (YYYY-MM-DD).
        #[arg(long)]
        to: NaiveDate,
        /// actual (BilledCost), amortized (EffectiveCost) or both.
        #[arg(long = "type", default_value = "both")]
        cost_type: String,
        /// One or two of ServiceName, SubscriptionId, SubscriptionName,
        /// ResourceGroupName, ResourceId, ResourceLocation, MeterCategory,
        /// tag:KEY.
        #[arg(long, default_value = "ServiceName,SubscriptionId")]
        group_by: String,
        /// The management endpoint (sovereign clouds, local test servers).
        #[arg(long)]
        endpoint_url: Option<String>,
        /// Re-pull months already pulled after they ended.
        #[arg(long)]
        refresh: bool,
    },
    /// Azure Cost Management exports in Blob storage: each period's latest
    /// run. Credentials: AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN.
    AzureExport {
        /// https://ACCOUNT.blob.core.windows.net/CONTAINER/PATH (or
        /// http://HOST:PORT/ACCOUNT/CONTAINER/PATH for Azurite).
        url: String,
    },
    /// CUR / Data Exports delivered to S3: each billing period's latest
    /// assembly, downloading only what changed.
    AwsCur {
        /// s3://bucket/prefix
        url: String,
        #[arg(long)]
        profile: Option<String>,
        /// The bucket's region (default us-east-1).
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        endpoint_url: Option<String>,
    },
}

pub fn run(
    all: bool,
    source: Option<PullSource>,
    data_dir: &Path,
    config_option: Option<PathBuf>,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let dataset = Dataset::open(data_dir)?;
    match (all, source) {
        (true, None) => {
            let config = crate::load_config(config_option)?;
            let failures = pull_all(&config, data_dir, out)?;
            Ok(if failures == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        (false, Some(source)) => {
            match source {
                PullSource::AwsCe {
                    from,
                    to,
                    profile,
                    billing_account,
                    group_by,
                    endpoint_url,
                    refresh,
                } => {
                    let options = aws_ce::Options {
                        billing_account,
                        from,
                        to,
                        profile,
                        tag: tag_of(&group_by)?,
                        endpoint_url,
                        refresh,
                    };
                    pull_ce(&dataset, &options, out)?;
                }
                PullSource::AzureQuery {
                    scope,
                    from,
                    to,
                    cost_type,
                    group_by,
                    endpoint_url,
                    refresh,
                } => {
                    let options = azure_query::Options {
                        scope,
                        types: azure_query::cost_types(&cost_type)?,
                        from,
                        to,
                        group_by: azure_query::groupings(&group_by)?,
                        endpoint_url,
                        refresh,
                    };
                    pull_azure_query(&dataset, &options, out)?;
                }
                PullSource::AzureExport { url } => {
                    pull_azure_export(&dataset, data_dir, &url, out)?
                }
                PullSource::AwsCur {
                    url,
                    profile,
                    region,
                    endpoint_url,
                } => {
                    let options = aws_cur::Options {
                        url,
                        profile,
                        region,
                        endpoint_url,
                    };
                    pull_cur(&dataset, data_dir, &options, out)?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        _ => anyhow::bail!(burnrate_core::Error::Usage(
            "name a source (aws-ce, aws-cur, azure-query, azure-export) or pass --all for the config file's connections"
                .into()
        )),
    }
}

fn tag_of(group_by: &str) -> Result<Option<String>> {
    match group_by {
        "account" => Ok(None),
        other => match other.strip_prefix("tag:") {
            Some(key) if !key.is_empty() => Ok(Some(key.to_string())),
            _ => anyhow::bail!(burnrate_core::Error::Usage(format!(
                "--group-by {other:?}: use account or tag:KEY"
            ))),
        },
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .context("starting the network runtime")
}

/// Plans, fetches and lands a Cost Explorer pull, saying how many billed
/// requests it makes before making them.
fn pull_ce(dataset: &Dataset, options: &aws_ce::Options, out: &mut dyn Write) -> Result<()> {
    let now = chrono::Utc::now();
    let plan = aws_ce::plan(dataset, options, now)?;
    for month in &plan.skipped_final {
        writeln!(
            out,
            "{}: already pulled and final, not requested",
            month.format("%Y-%m")
        )?;
    }
    let Some((from, to)) = plan.range else {
        writeln!(out, "nothing to pull")?;
        return Ok(());
    };
    eprintln!(
        "Cost Explorer: {} request(s) for {from}..{to} (plus one per extra page; AWS bills $0.01 each)",
        usize::from(plan.range.is_some())
    );
    let (rows, requests) = runtime()?.block_on(aws_ce::fetch(options, from, to))?;
    let summary = aws_ce::land(dataset, options, &plan, &rows, requests, now)?;
    writeln!(
        out,
        "pulled {} rows in {} request(s) for {}",
        summary.rows,
        summary.requests,
        summary.months.join(", ")
    )?;
    for (month, outcome) in summary.months.iter().zip(&summary.outcomes) {
        writeln!(out, "{month}: {}", landed(outcome, "pull"))?;
    }
    Ok(())
}

/// Plans, fetches and lands a Query API pull, saying how many requests it
/// makes and setting the API's own totals beside what landed.
fn pull_azure_query(
    dataset: &Dataset,
    options: &azure_query::Options,
    out: &mut dyn Write,
) -> Result<()> {
    let now = chrono::Utc::now();
    let plan = azure_query::plan(dataset, options, now)?;
    for month in &plan.skipped_final {
        writeln!(
            out,
            "{}: already pulled and final, not requested",
            month.format("%Y-%m")
        )?;
    }
    if plan.range.is_none() {
        writeln!(out, "nothing to pull")?;
        return Ok(());
    }
    eprintln!(
        "Cost Management Query API: {} request(s) (one per month and cost type, plus one per extra page)",
        azure_query::planned_requests(&plan, options)
    );
    let api = azure_query::MgmtCrateApi::new(options.endpoint_url.as_deref())?;
    let fetched = runtime()?.block_on(azure_query::fetch(&api, options, &plan))?;
    let summary = azure_query::land(dataset, options, &plan, &fetched, now)?;
    writeln!(
        out,
        "pulled {} group-days in {} request(s) for {}",
        summary.rows,
        summary.requests,
        summary.months.join(", ")
    )?;
    for ((cost_type, currency), total) in azure_query::api_totals(&fetched) {
        let column = match (cost_type, options.types.len()) {
            (_, 1) => "BilledCost and EffectiveCost (one cost type pulled)",
            (azure_query::CostType::Actual, _) => "BilledCost",
            (azure_query::CostType::Amortized, _) => "EffectiveCost",
        };
        writeln!(
            out,
            "API {cost_type:?}Cost total: {total:.2} {currency} -> {column}"
        )?;
    }
    for (month, outcome) in summary.months.iter().zip(&summary.outcomes) {
        writeln!(out, "{month}: {}", landed(outcome, "pull"))?;
    }
    Ok(())
}

/// What an import of pulled data did, in words.
fn landed(outcome: &ImportOutcome, unit: &str) -> String {
    match outcome {
        ImportOutcome::Imported { replaced, .. } if !replaced.is_empty() => {
            format!("imported, replacing the earlier {unit}")
        }
        ImportOutcome::Imported { .. } => "imported".into(),
        ImportOutcome::Unchanged { .. } => "unchanged".into(),
    }
}

/// Mirrors changed CUR objects into the data dir's cache and imports them.
fn pull_cur(
    dataset: &Dataset,
    data_dir: &Path,
    options: &aws_cur::Options,
    out: &mut dyn Write,
) -> Result<()> {
    let cache = data_dir.join("cache").join("s3");
    let fetched = runtime()?.block_on(aws_cur::fetch(options, &cache))?;
    for pull in aws_cur::land(dataset, fetched, chrono::Utc::now())? {
        let what = landed(&pull.outcome, "delivery");
        writeln!(
            out,
            "{}: {what} ({} downloaded, {} unchanged)",
            pull.manifest_key, pull.downloaded, pull.unchanged
        )?;
    }
    Ok(())
}

/// Mirrors each period's latest export run and imports it.
fn pull_azure_export(
    dataset: &Dataset,
    data_dir: &Path,
    url: &str,
    out: &mut dyn Write,
) -> Result<()> {
    let cache = data_dir.join("cache").join("azure");
    let fetched = runtime()?.block_on(azure_export::fetch(url, &cache))?;
    for (run, outcome) in azure_export::land(dataset, fetched, chrono::Utc::now())? {
        let what = landed(&outcome, "run");
        writeln!(
            out,
            "{}: {what} ({} downloaded, {} unchanged)",
            run.period, run.downloaded, run.unchanged
        )?;
    }
    Ok(())
}

/// The first day of a cost-API connection's pull: `months` whole months
/// back from the current one (default 2: this month and the last).
fn months_back(connection: &Connection) -> Result<NaiveDate> {
    let today = chrono::Utc::now().date_naive();
    let back = connection.months.unwrap_or(2).saturating_sub(1);
    burnrate_core::trend::month_start(today)
        .checked_sub_months(chrono::Months::new(back))
        .context("a representable month")
}

/// Pulls one saved connection.
fn pull_connection(
    dataset: &Dataset,
    data_dir: &Path,
    connection: &Connection,
    out: &mut dyn Write,
) -> Result<()> {
    match connection.kind.as_str() {
        "aws-ce" => {
            let options = aws_ce::Options {
                billing_account: connection.billing_account.clone().unwrap_or_default(),
                from: months_back(connection)?,
                to: chrono::Utc::now().date_naive() + chrono::Duration::days(1),
                profile: connection.profile.clone(),
                tag: tag_of(connection.group_by.as_deref().unwrap_or("account"))?,
                endpoint_url: connection.endpoint_url.clone(),
                refresh: false,
            };
            pull_ce(dataset, &options, out)
        }
        "azure-query" => {
            let options = azure_query::Options {
                scope: connection.scope.clone().unwrap_or_default(),
                types: azure_query::cost_types(connection.cost_type.as_deref().unwrap_or("both"))?,
                from: months_back(connection)?,
                to: chrono::Utc::now().date_naive() + chrono::Duration::days(1),
                group_by: azure_query::groupings(
                    connection
                        .group_by
                        .as_deref()
                        .unwrap_or("ServiceName,SubscriptionId"),
                )?,
                endpoint_url: connection.endpoint_url.clone(),
                refresh: false,
            };
            pull_azure_query(dataset, &options, out)
        }
        "azure-export" => pull_azure_export(
            dataset,
            data_dir,
            connection.url.as_deref().unwrap_or_default(),
            out,
        ),
        "aws-cur" => {
            let options = aws_cur::Options {
                url: connection.url.clone().unwrap_or_default(),
                profile: connection.profile.clone(),
                region: connection.region.clone(),
                endpoint_url: connection.endpoint_url.clone(),
            };
            pull_cur(dataset, data_dir, &options, out)
        }
        other => anyhow::bail!("unknown connection kind {other:?}"),
    }
}

/// Pulls every connection; one failing does not stop the others. Returns
/// how many failed (each is reported with its reason).
pub fn pull_all(config: &Config, data_dir: &Path, out: &mut dyn Write) -> Result<usize> {
    let dataset = Dataset::open(data_dir)?;
    if config.connections.is_empty() {
        writeln!(out, "no connections in the config file ([[connections]])")?;
    }
    let mut failures = 0;
    for connection in &config.connections {
        writeln!(out, "== {} ({})", connection.name, connection.kind)?;
        if let Err(error) = pull_connection(&dataset, data_dir, connection, out) {
            failures += 1;
            writeln!(out, "{}: FAILED: {error:#}", connection.name)?;
        }
    }
    Ok(failures)
}
