//! `burnrate pull`: one connector from its flags, or every connection in
//! the config file (`--all`, also what a schedule with `pull = true` runs).
//! The network part runs on a runtime of its own; landing in the dataset is
//! the ordinary, blocking import.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use burnrate_cloud::aws::{cost_explorer as aws_ce, cur as aws_cur};
use burnrate_cloud::azure::query as azure_query;
use burnrate_cloud::connections::{
    pull_all, pull_azure_export, pull_azure_query, pull_ce, pull_cur, tag_of,
};
use burnrate_core::config::Config;
use burnrate_core::store::Dataset;
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

/// `pull --all --check`: each connection's location and credentials,
/// without pulling. Exit code 1 if any check failed.
pub fn check_all(config: &Config, out: &mut dyn Write) -> Result<ExitCode> {
    if config.connections.is_empty() {
        writeln!(out, "no connections in the config file ([[connections]])")?;
    }
    let mut failures = 0;
    for connection in &config.connections {
        match burnrate_cloud::connections::check_connection(connection) {
            Ok(what) => writeln!(
                out,
                "{} ({}): ok: {what}",
                connection.name(),
                connection.kind()
            )?,
            Err(error) => {
                failures += 1;
                writeln!(
                    out,
                    "{} ({}): FAILED: {error}",
                    connection.name(),
                    connection.kind()
                )?;
            }
        }
    }
    Ok(if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
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
