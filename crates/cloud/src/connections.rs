//! Saved connections (`[[connections]]` in the config file) and the pull
//! of each: what `burnrate pull`, `pull --all`, a schedule with `pull =
//! true` and the desktop app's Connections section all run. Each pull
//! writes what it does, line by line, to `out` (a terminal, a run log or the
//! app's progress channel).

use std::io::Write;
use std::path::Path;

use chrono::NaiveDate;

use crate::PullError;
use crate::aws::{cost_explorer as aws_ce, cur as aws_cur};
use crate::azure::{export as azure_export, query as azure_query};
use burnrate_core::config::{Config, Connection, connections};
use burnrate_core::store::{Dataset, ImportOutcome};

fn usage(message: String) -> PullError {
    PullError::Core(burnrate_core::Error::Usage(message))
}

fn io(context: &str, error: std::io::Error) -> PullError {
    PullError::Core(burnrate_core::Error::io(context, error))
}

fn write_error(error: std::io::Error) -> PullError {
    io("writing the pull's log", error)
}

pub fn tag_of(group_by: &str) -> Result<Option<String>, PullError> {
    match group_by {
        "account" => Ok(None),
        other => match other.strip_prefix("tag:") {
            Some(key) if !key.is_empty() => Ok(Some(key.to_string())),
            _ => Err(usage(format!(
                "--group-by {other:?}: use account or tag:KEY"
            ))),
        },
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, PullError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .map_err(|e| io("starting the network runtime", e))
}

/// Checks a saved connection without pulling: its location is valid, its
/// credentials resolve, and (where it costs nothing) the service answers.
pub fn check_connection(connection: &Connection) -> Result<String, PullError> {
    let runtime = runtime()?;
    match connection {
        Connection::AwsCe(c) => runtime.block_on(aws_ce::check(&aws_ce_options(c)?)),
        Connection::AwsCur(c) => runtime.block_on(aws_cur::check(&aws_cur_options(c))),
        Connection::AzureExport(c) => {
            runtime.block_on(azure_export::check(c.url.as_deref().unwrap_or_default()))
        }
        Connection::AzureQuery(c) => {
            let options = azure_query_options(c)?;
            azure_query::normalize_scope(&options.scope)?;
            let api = azure_query::MgmtCrateApi::new(options.endpoint_url.as_deref())?;
            runtime.block_on(api.check())
        }
    }
}

/// Names the months a plan leaves out because they are final.
fn say_skipped(plan: &crate::monthly::Plan, out: &mut dyn Write) -> Result<(), PullError> {
    for month in &plan.skipped_final {
        writeln!(
            out,
            "{}: already pulled and final, not requested",
            month.format("%Y-%m")
        )
        .map_err(write_error)?;
    }
    Ok(())
}

/// Plans, fetches and lands a Cost Explorer pull, saying how many billed
/// requests it makes before making them.
pub fn pull_ce(
    dataset: &Dataset,
    options: &aws_ce::Options,
    out: &mut dyn Write,
) -> Result<(), PullError> {
    let now = chrono::Utc::now();
    let plan = aws_ce::plan(dataset, options, now)?;
    say_skipped(&plan, out)?;
    let Some((from, to)) = plan.range else {
        writeln!(out, "nothing to pull").map_err(write_error)?;
        return Ok(());
    };
    writeln!(
        out,
        "Cost Explorer: 1 request for {from}..{to} (plus one per extra page; AWS bills $0.01 each)"
    )
    .map_err(write_error)?;
    let (rows, requests) = runtime()?.block_on(aws_ce::fetch(options, from, to))?;
    let summary = aws_ce::land(dataset, options, &plan, &rows, requests, now)?;
    writeln!(
        out,
        "pulled {} rows in {} request(s) for {}",
        summary.rows,
        summary.requests,
        summary.months.join(", ")
    )
    .map_err(write_error)?;
    for (month, outcome) in summary.months.iter().zip(&summary.outcomes) {
        writeln!(out, "{month}: {}", landed(outcome, "pull")).map_err(write_error)?;
    }
    Ok(())
}

/// Plans, fetches and lands a Query API pull, saying how many requests it
/// makes and setting the API's own totals beside what landed.
pub fn pull_azure_query(
    dataset: &Dataset,
    options: &azure_query::Options,
    out: &mut dyn Write,
) -> Result<(), PullError> {
    let now = chrono::Utc::now();
    let plan = azure_query::plan(dataset, options, now)?;
    say_skipped(&plan, out)?;
    if plan.range.is_none() {
        writeln!(out, "nothing to pull").map_err(write_error)?;
        return Ok(());
    }
    writeln!(
        out,
        "Cost Management Query API: {} request(s) (one per month and cost type, plus one per extra page)",
        azure_query::planned_requests(&plan, options)
    )
    .map_err(write_error)?;
    let api = azure_query::MgmtCrateApi::new(options.endpoint_url.as_deref())?;
    let fetched = runtime()?.block_on(azure_query::fetch(&api, options, &plan))?;
    let summary = azure_query::land(dataset, options, &plan, &fetched, now)?;
    writeln!(
        out,
        "pulled {} group-days in {} request(s) for {}",
        summary.rows,
        summary.requests,
        summary.months.join(", ")
    )
    .map_err(write_error)?;
    for ((cost_type, currency), total) in azure_query::api_totals(&fetched) {
        let column = match (cost_type, options.types.len()) {
            (_, 1) => "BilledCost and EffectiveCost (one cost type pulled)",
            (azure_query::CostType::Actual, _) => "BilledCost",
            (azure_query::CostType::Amortized, _) => "EffectiveCost",
        };
        writeln!(
            out,
            "API {cost_type:?}Cost total: {total:.2} {currency} -> {column}"
        )
        .map_err(write_error)?;
    }
    for (month, outcome) in summary.months.iter().zip(&summary.outcomes) {
        writeln!(out, "{month}: {}", landed(outcome, "pull")).map_err(write_error)?;
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
pub fn pull_cur(
    dataset: &Dataset,
    data_dir: &Path,
    options: &aws_cur::Options,
    out: &mut dyn Write,
) -> Result<(), PullError> {
    let cache = data_dir.join("cache").join("s3");
    let fetched = runtime()?.block_on(aws_cur::fetch(options, &cache))?;
    for pull in aws_cur::land(dataset, fetched, chrono::Utc::now())? {
        let what = landed(&pull.outcome, "delivery");
        writeln!(
            out,
            "{}: {what} ({} downloaded, {} unchanged)",
            pull.manifest_key, pull.downloaded, pull.unchanged
        )
        .map_err(write_error)?;
    }
    Ok(())
}

/// Mirrors each period's latest export run and imports it.
pub fn pull_azure_export(
    dataset: &Dataset,
    data_dir: &Path,
    url: &str,
    out: &mut dyn Write,
) -> Result<(), PullError> {
    let cache = data_dir.join("cache").join("azure");
    let fetched = runtime()?.block_on(azure_export::fetch(url, &cache))?;
    for (run, outcome) in azure_export::land(dataset, fetched, chrono::Utc::now())? {
        let what = landed(&outcome, "run");
        writeln!(
            out,
            "{}: {what} ({} downloaded, {} unchanged)",
            run.period, run.downloaded, run.unchanged
        )
        .map_err(write_error)?;
    }
    Ok(())
}

/// The first day of a cost-API connection's pull: `months` whole months
/// back from the current one (default 2: this month and the last).
fn months_back(months: Option<u32>) -> Result<NaiveDate, PullError> {
    let today = chrono::Utc::now().date_naive();
    let back = months.unwrap_or(2).saturating_sub(1);
    burnrate_core::period::month_start(today)
        .checked_sub_months(chrono::Months::new(back))
        .ok_or_else(|| usage("months: too far back".into()))
}

/// Pulls one saved connection.
pub fn pull_connection(
    dataset: &Dataset,
    data_dir: &Path,
    connection: &Connection,
    out: &mut dyn Write,
) -> Result<(), PullError> {
    match connection {
        Connection::AwsCe(c) => pull_ce(dataset, &aws_ce_options(c)?, out),
        Connection::AzureQuery(c) => pull_azure_query(dataset, &azure_query_options(c)?, out),
        Connection::AzureExport(c) => {
            pull_azure_export(dataset, data_dir, c.url.as_deref().unwrap_or_default(), out)
        }
        Connection::AwsCur(c) => pull_cur(dataset, data_dir, &aws_cur_options(c), out),
    }
}

/// A saved connection's pull, from `months` back to today.
fn aws_ce_options(connection: &connections::AwsCostExplorer) -> Result<aws_ce::Options, PullError> {
    Ok(aws_ce::Options {
        billing_account: connection.billing_account.clone().unwrap_or_default(),
        from: months_back(connection.months)?,
        to: chrono::Utc::now().date_naive() + chrono::Duration::days(1),
        profile: connection.profile.clone(),
        tag: tag_of(connection.group_by.as_deref().unwrap_or("account"))?,
        endpoint_url: connection.endpoint_url.clone(),
        refresh: false,
    })
}

fn azure_query_options(
    connection: &connections::AzureQuery,
) -> Result<azure_query::Options, PullError> {
    Ok(azure_query::Options {
        scope: connection.scope.clone().unwrap_or_default(),
        types: azure_query::cost_types(connection.cost_type.as_deref().unwrap_or("both"))?,
        from: months_back(connection.months)?,
        to: chrono::Utc::now().date_naive() + chrono::Duration::days(1),
        group_by: azure_query::groupings(
            connection
                .group_by
                .as_deref()
                .unwrap_or("ServiceName,SubscriptionId"),
        )?,
        endpoint_url: connection.endpoint_url.clone(),
        refresh: false,
    })
}

fn aws_cur_options(connection: &connections::AwsCur) -> aws_cur::Options {
    aws_cur::Options {
        url: connection.url.clone().unwrap_or_default(),
        profile: connection.profile.clone(),
        region: connection.region.clone(),
        endpoint_url: connection.endpoint_url.clone(),
    }
}

/// Pulls every connection; one failing does not stop the others. Returns
/// how many failed (each is reported with its reason).
pub fn pull_all(config: &Config, data_dir: &Path, out: &mut dyn Write) -> Result<usize, PullError> {
    let dataset = Dataset::open(data_dir)?;
    if config.connections.is_empty() {
        writeln!(out, "no connections in the config file ([[connections]])")
            .map_err(write_error)?;
    }
    let mut failures = 0;
    for connection in &config.connections {
        writeln!(out, "== {} ({})", connection.name(), connection.kind()).map_err(write_error)?;
        if let Err(error) = pull_connection(&dataset, data_dir, connection, out) {
            failures += 1;
            writeln!(out, "{}: FAILED: {error}", connection.name()).map_err(write_error)?;
        }
    }
    Ok(failures)
}

/// The pull step of a schedule with `pull = true`: every saved connection,
/// each failure reported as ("pull", why).
pub fn schedule_pull_step(config: &Config, data_dir: &Path) -> Vec<(String, String)> {
    let mut log = Vec::new();
    match pull_all(config, data_dir, &mut log) {
        Ok(0) => Vec::new(),
        Ok(_) => vec![(
            "pull".to_string(),
            String::from_utf8_lossy(&log)
                .lines()
                .filter(|l| l.contains("FAILED"))
                .collect::<Vec<_>>()
                .join("; "),
        )],
        Err(e) => vec![("pull".to_string(), format!("{e:#}"))],
    }
}
