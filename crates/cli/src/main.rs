//! The `burnrate` command line: a thin layer over `burnrate-core` that parses
//! arguments, prints results and maps errors to exit codes (0 success,
//! 1 error, 2 usage error).

mod analysis;
mod output;
mod pulls;
mod schedules;
mod views;

// Imports and queries allocate and free buffers of many MiB at a high rate;
// mimalloc reuses them where the system allocator returns them to the
// kernel and faults them back in (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use anyhow::{Context, Result};
use burnrate_core::analysis::summary::{self, SummaryRequest};
use burnrate_core::config::{Config, locations};
use burnrate_core::ingest::FileReport;
use burnrate_core::money::CostMeasure;
use burnrate_core::query::dimension::Dimension;
use burnrate_core::store::{Dataset, ImportOutcome};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use output::{Format, write_frame};

#[derive(Parser)]
#[command(
    name = "burnrate",
    version,
    about = "FinOps cloud cost analyzer: billing files in, FOCUS out"
)]
struct Cli {
    /// Where the local dataset lives (default: the platform data dir).
    #[arg(long, global = true, env = "BURNRATE_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,

    /// The config file: tag rules, allocation, currency, schedules
    /// (default: config.toml in the platform config dir).
    #[arg(long, global = true, env = "BURNRATE_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

/// `--from` / `--to`, shared by every command that reads a date range.
#[derive(clap::Args, Clone, Copy)]
pub(crate) struct DateRange {
    /// First day included (YYYY-MM-DD).
    #[arg(long)]
    pub from: Option<NaiveDate>,
    /// First day excluded (YYYY-MM-DD).
    #[arg(long)]
    pub to: Option<NaiveDate>,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Import billing files, folders or globs into the local dataset.
    Import {
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// List imported sources, or remove one.
    Sources {
        #[command(subcommand)]
        action: Option<SourcesAction>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Billed, effective (amortized) and list cost by dimension.
    Summary {
        /// Comma-separated dimensions: provider, account, subaccount, service,
        /// service_category, region, resource, charge_category, month, day, tag:KEY
        #[arg(long, value_delimiter = ',', default_value = "provider")]
        by: Vec<String>,
        #[command(flatten)]
        dates: DateRange,
        /// The measure rows are sorted by: billed, effective or list.
        #[arg(long, default_value = "billed")]
        cost: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Answer from these files directly, without the local dataset.
        #[arg(long, num_args = 1.., value_name = "PATH")]
        files: Vec<String>,
    },
    /// Run Polars SQL over the table `billing` (FOCUS columns).
    Query {
        sql: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Query these files directly, without the local dataset.
        #[arg(long, num_args = 1.., value_name = "PATH")]
        files: Vec<String>,
    },
    /// Cost per day, week or month, with the change from the previous period.
    Trend {
        /// A dimension to split by (as in summary).
        #[arg(long)]
        by: Option<String>,
        #[arg(long, default_value = "month")]
        period: String,
        #[arg(long, default_value = "effective")]
        cost: String,
        #[command(flatten)]
        dates: DateRange,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Largest increases and decreases: the last DAYS days against the DAYS before.
    Movers {
        #[arg(long, default_value = "service")]
        by: String,
        #[arg(long, default_value_t = 30)]
        days: u32,
        #[arg(long, default_value_t = 10)]
        top: usize,
        #[arg(long, default_value = "effective")]
        cost: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// The dataset at a glance, as the app's overview: totals, this month to
    /// date against the same days last month, the month's forecast, the
    /// largest services, recent anomalies.
    Overview {
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Cost by a dimension per day, week or month, filtered, as the app's
    /// explorer: every group's billed, effective and list cost.
    Explore {
        #[arg(long, default_value = "service")]
        by: String,
        /// The measure the series and the order use.
        #[arg(long, default_value = "effective")]
        cost: String,
        #[arg(long, default_value = "month")]
        period: String,
        #[command(flatten)]
        dates: DateRange,
        /// Only rows where a dimension has a value (repeatable).
        #[arg(long = "filter", value_name = "DIMENSION=VALUE")]
        filters: Vec<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Forecast of this month's end and the next three months, with a 95%
    /// interval and the backtest error (MAPE).
    Forecast {
        #[arg(long)]
        by: Option<String>,
        #[arg(long, default_value = "effective")]
        cost: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Unusual days of cost per service and per account.
    Anomalies {
        /// First day to report (default: the last 30 days of data).
        #[arg(long)]
        since: Option<NaiveDate>,
        /// Robust z-score threshold (default from the config file, 4).
        #[arg(long)]
        threshold: Option<f64>,
        #[arg(long, default_value = "effective")]
        cost: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Untagged cost per tag key, or the top untagged resources for one key.
    Untagged {
        /// Show the top resources without this tag.
        #[arg(long)]
        key: Option<String>,
        #[arg(long, default_value_t = 20)]
        top: usize,
        #[arg(long, default_value = "effective")]
        cost: String,
        #[command(flatten)]
        dates: DateRange,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Cost per value of an allocation key, with shared cost spread by the
    /// config file's shared_costs rules.
    Allocate {
        /// An allocation key from the config file, or a tag key.
        #[arg(long, default_value = "team")]
        key: String,
        #[arg(long, default_value = "effective")]
        cost: String,
        #[command(flatten)]
        dates: DateRange,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Optimization findings ranked by estimated monthly savings.
    Recommend {
        /// Only this kind (idle_ip, idle_nat_gateway, idle_load_balancer,
        /// gp2_to_gp3, previous_generation, graviton, old_snapshot,
        /// extended_support, orphaned_azure_resource).
        #[arg(long)]
        kind: Option<String>,
        /// Only findings saving at least this much per month.
        #[arg(long, default_value_t = 0.0)]
        min_savings: f64,
        /// Days of data to look at (default from the config file, 30).
        #[arg(long)]
        window: Option<u32>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Commitment utilization and coverage, and a Savings Plan recommendation.
    Commitments {
        /// utilization, coverage or savings-plan (default: all three).
        #[arg(long)]
        view: Option<String>,
        /// Days of data the Savings Plan baseline looks at.
        #[arg(long, default_value_t = 30)]
        window: u32,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Pull billing data from a cloud API into the dataset.
    Pull {
        /// Pull every connection in the config file.
        #[arg(long)]
        all: bool,
        /// With --all: check each connection (its location and credentials,
        /// without billed requests) instead of pulling.
        #[arg(long, requires = "all")]
        check: bool,
        #[command(subcommand)]
        source: Option<pulls::PullSource>,
    },
    /// Utilization metrics for rightsizing.
    Metrics {
        #[command(subcommand)]
        action: MetricsAction,
    },
    /// List the SQL reports (built-in and the user's), checking each.
    Reports {
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Run one SQL report.
    Report {
        name: String,
        #[command(flatten)]
        dates: DateRange,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Write the output here (atomically) instead of to stdout.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Also draw the report's chart (.png or .svg).
        #[arg(long)]
        chart: Option<PathBuf>,
        /// Run over these files instead of the local dataset.
        #[arg(long, num_args = 1.., value_name = "PATH")]
        files: Vec<String>,
    },
    /// Scheduled CSV exports.
    Schedule {
        #[command(subcommand)]
        action: schedules::ScheduleAction,
    },
    /// Load the built-in demo dataset (three months of AWS and Azure).
    Demo,
    /// Developer tools (not part of the stable interface).
    #[command(hide = true)]
    Dev {
        #[command(subcommand)]
        action: DevAction,
    },
}

#[derive(Subcommand)]
pub(crate) enum MetricsAction {
    /// Import metrics files: the simple CSV (resource_id, timestamp, metric,
    /// value), CloudWatch get-metric-data JSON or Azure Monitor metrics JSON.
    Import {
        #[arg(required = true, value_name = "FILE")]
        paths: Vec<PathBuf>,
    },
}

#[derive(Subcommand)]
enum SourcesAction {
    /// Remove a source (and its rows) by id.
    Remove { id: String },
}

#[derive(Subcommand)]
enum DevAction {
    /// Write a synthetic legacy CUR CSV for benchmarks.
    GenCur {
        #[arg(long)]
        rows: u64,
        #[arg(long)]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            if is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            let usage = error
                .downcast_ref::<burnrate_core::Error>()
                .is_some_and(|e| matches!(e, burnrate_core::Error::Usage(_)));
            eprintln!("error: {error:#}");
            ExitCode::from(if usage { 2 } else { 1 })
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

pub(crate) fn data_dir(option: Option<PathBuf>) -> Result<PathBuf> {
    locations::data_dir(option)
        .context("no platform data directory; pass --data-dir or set BURNRATE_DATA_DIR")
}

fn config_path(option: Option<PathBuf>) -> Result<(PathBuf, bool)> {
    locations::config_file(option)
        .context("no platform config directory; pass --config or set BURNRATE_CONFIG")
}

pub(crate) fn load_config(option: Option<PathBuf>) -> Result<Config> {
    let (path, required) = config_path(option)?;
    Ok(Config::load(&path, required)?)
}

fn run(cli: Cli) -> Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if let Command::Schedule { action } = cli.command {
        let (config_file, required) = config_path(cli.config)?;
        return schedules::run(action, &config_file, required, cli.data_dir, &mut out);
    }
    // Import, sources and demo do not read the config file: a broken config
    // must not stop anyone from loading data.
    let needs_config = !matches!(
        cli.command,
        Command::Import { .. }
            | Command::Sources { .. }
            | Command::Pull { .. }
            | Command::Metrics { .. }
            | Command::Demo
            | Command::Dev { .. }
    );
    let config = if needs_config {
        load_config(cli.config.clone())?
    } else {
        Config::default()
    };
    let analysis = analysis::Context {
        data_dir: cli.data_dir.clone(),
        config: &config,
    };
    match cli.command {
        Command::Import { paths, format } => {
            let dataset = Dataset::open(&data_dir(cli.data_dir)?)?;
            import(&dataset, &paths, format, &mut out)
        }
        Command::Sources { action, format } => {
            let dataset = Dataset::open(&data_dir(cli.data_dir)?)?;
            match action {
                Some(SourcesAction::Remove { id }) => {
                    let removed = dataset.remove_source(&id)?;
                    writeln!(
                        out,
                        "removed source {} ({} rows from {})",
                        removed.id,
                        removed.rows,
                        removed
                            .paths
                            .iter()
                            .map(|p| p.display().to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )?;
                }
                None => list_sources(&dataset, format, &mut out)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Summary {
            by,
            dates: DateRange { from, to },
            cost,
            format,
            files,
        } => {
            let request = SummaryRequest {
                by: by
                    .iter()
                    .map(|d| Dimension::parse(d, &config))
                    .collect::<Result<_, _>>()?,
                from,
                to,
                sort_by: CostMeasure::parse(&cost)?,
            };
            let df = analysis.with_billing(&files, |frame| {
                Ok(summary::summarize(frame, &config, &request)?)
            })?;
            write_frame(&mut out, &df, format)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Query { sql, format, files } => {
            let df = analysis.with_billing(&files, |frame| {
                Ok(burnrate_core::query::sql::query(frame, &sql)?)
            })?;
            write_frame(&mut out, &df, format)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Pull { all, check, source } => {
            let dir = data_dir(cli.data_dir)?;
            if check {
                let config = load_config(cli.config)?;
                return pulls::check_all(&config, &mut out);
            }
            pulls::run(all, source, &dir, cli.config, &mut out)
        }
        Command::Metrics {
            action: MetricsAction::Import { paths },
        } => {
            let dir = data_dir(cli.data_dir)?;
            for path in &paths {
                let (points, new) = burnrate_core::optimize::metrics::import(&dir, path)?;
                if new {
                    writeln!(out, "{}: imported {points} points", path.display())?;
                } else {
                    writeln!(
                        out,
                        "{}: already imported ({points} points)",
                        path.display()
                    )?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo => {
            let dir = data_dir(cli.data_dir)?;
            let dataset = Dataset::open(&dir)?;
            let attempts = burnrate_core::demo::load(&dataset, chrono::Utc::now())?;
            let mut imported = 0;
            for attempt in &attempts {
                if let Some(Ok(ImportOutcome::Imported { .. })) = &attempt.result {
                    imported += 1;
                } else if let Some(Err(_)) = attempt.result {
                    let failed = attempts.into_iter().find_map(|a| a.result?.err());
                    return Err(failed.expect("a failed attempt").into());
                }
            }
            writeln!(
                out,
                "demo dataset loaded into {} ({} files imported, {} already there)",
                dir.display(),
                imported,
                attempts.len() - imported
            )?;
            writeln!(out, "try: burnrate summary --by provider,service")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Overview { format } => {
            views::overview(&analysis, format, &mut out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Explore {
            by,
            cost,
            period,
            dates,
            filters,
            format,
        } => {
            let args = views::ExploreArgs {
                by,
                cost,
                period,
                from: dates.from,
                to: dates.to,
                filters,
                format,
            };
            views::explore(&analysis, args, &mut out)?;
            Ok(ExitCode::SUCCESS)
        }
        command @ (Command::Trend { .. }
        | Command::Movers { .. }
        | Command::Forecast { .. }
        | Command::Anomalies { .. }
        | Command::Untagged { .. }
        | Command::Allocate { .. }
        | Command::Recommend { .. }
        | Command::Commitments { .. }
        | Command::Reports { .. }
        | Command::Report { .. }) => analysis.run(command, &mut out),
        Command::Schedule { .. } => unreachable!("dispatched above"),
        Command::Dev {
            action: DevAction::GenCur { rows, out: path },
        } => {
            let file = std::fs::File::create(&path).with_context(|| path.display().to_string())?;
            let written = burnrate_core::demo::synth::write_legacy_cur(
                std::io::BufWriter::new(file),
                rows,
                42,
            )?;
            writeln!(out, "wrote {written} rows to {}", path.display())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Runs `f` over the dataset, or over the given files staged in a temporary
/// directory (offline analysis that leaves the dataset alone).
pub(crate) fn with_frame<T>(
    data_dir_option: Option<PathBuf>,
    files: &[String],
    f: impl FnOnce(polars::prelude::LazyFrame) -> Result<T>,
) -> Result<T> {
    if files.is_empty() {
        let dataset = Dataset::open(&data_dir(data_dir_option)?)?;
        let snapshot = dataset.snapshot()?;
        return f(snapshot.scan()?);
    }
    let temp = tempfile::tempdir().context("creating a temporary directory")?;
    let mut staged = Vec::new();
    for path in expand_paths(files)? {
        let parts = if burnrate_core::ingest::cur_manifest::is_manifest(&path) {
            burnrate_core::ingest::cur_manifest::parts(&path)?.1
        } else {
            vec![path]
        };
        for part in parts {
            staged.push(burnrate_core::ingest::stage(&part, temp.path())?);
        }
    }
    let paths: Vec<PathBuf> = staged.iter().map(|s| s.parquet.to_path_buf()).collect();
    f(burnrate_core::store::scan_files(&paths)?)
}

/// Expands folders (recursively) and globs into files. In a folder holding a
/// CUR manifest, the manifest stands for its parts and the rest of the
/// delivery (older assemblies) is skipped.
fn expand_paths(inputs: &[String]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for input in inputs {
        let path = PathBuf::from(input);
        if path.is_dir() {
            burnrate_core::ingest::files_in_folder(&path, &mut files)?;
        } else if path.exists() {
            files.push(path);
        } else if input.contains(['*', '?', '[']) {
            let mut matched = false;
            for entry in glob::glob(input).with_context(|| format!("bad pattern {input}"))? {
                let p = entry?;
                if p.is_dir() {
                    burnrate_core::ingest::files_in_folder(&p, &mut files)?;
                } else {
                    files.push(p);
                }
                matched = true;
            }
            if !matched {
                anyhow::bail!(burnrate_core::Error::Usage(format!(
                    "{input}: no file matches"
                )));
            }
        } else {
            anyhow::bail!(burnrate_core::Error::bad_input(
                &path,
                "no such file or folder"
            ));
        }
    }
    Ok(files)
}

fn import(
    dataset: &Dataset,
    inputs: &[String],
    format: Format,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let files = expand_paths(inputs)?;
    let progress = std::io::stderr().is_terminal() && format == Format::Table;
    let bar = progress.then(|| {
        let bar = indicatif::ProgressBar::new(files.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} [{pos}/{len}] {elapsed} {wide_msg}")
                .expect("valid template"),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar
    });
    let attempts = dataset.import_all(
        &files,
        chrono::Utc::now(),
        &mut |p| {
            if let Some(bar) = &bar {
                match p.current {
                    Some(file) => {
                        bar.set_position(p.done as u64);
                        bar.set_message(file.display().to_string());
                    }
                    None => bar.finish_and_clear(),
                }
            }
        },
        &AtomicBool::new(false),
    );
    // Nothing cancels a command-line batch: every file has its outcome.
    let results: Vec<(PathBuf, Result<ImportOutcome, burnrate_core::Error>)> = attempts
        .into_iter()
        .filter_map(|a| Some((a.path, a.result?)))
        .collect();
    let failed = results.iter().filter(|(_, r)| r.is_err()).count();
    match format {
        Format::Json => {
            let json: Vec<serde_json::Value> = results
                .iter()
                .map(|(path, r)| match r {
                    Ok(outcome) => serde_json::to_value(outcome).expect("outcome serializes"),
                    Err(e) => serde_json::json!({
                        "status": "failed", "path": path, "code": e.code(), "message": e.to_string()
                    }),
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &json)?;
            writeln!(out)?;
        }
        _ => print_import_table(&results, out)?,
    }
    for (_, result) in &results {
        if let Err(e) = result {
            eprintln!("error: {e}");
        }
    }
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_import_table(
    results: &[(PathBuf, burnrate_core::Result<ImportOutcome>)],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<8} {:<20} {:>9} {:<17} {:<4} {:>16} {:>16} {:>16}  file",
        "status", "format", "rows", "periods", "cur", "provider total", "billed", "effective"
    )?;
    let row = |out: &mut dyn Write, status: &str, r: &FileReport| -> std::io::Result<()> {
        let periods = match r.periods.as_slice() {
            [] => "-".to_string(),
            [one] => one.clone(),
            [first, .., last] => format!("{first}..{last}"),
        };
        let format = match &r.version {
            Some(v) => format!("{} {v}", r.format),
            None => r.format.clone(),
        };
        if r.currencies.is_empty() {
            writeln!(
                out,
                "{status:<8} {format:<20} {:>9} {periods:<17} {:<4} {:>16} {:>16} {:>16}  {}",
                r.rows,
                "-",
                "0.00",
                "0.00",
                "0.00",
                r.path.display()
            )?;
        }
        for c in &r.currencies {
            writeln!(
                out,
                "{status:<8} {format:<20} {:>9} {periods:<17} {:<4} {:>16} {:>16} {:>16}  {}",
                r.rows,
                c.currency,
                output::group_thousands(&format!("{:.2}", c.native_total)),
                output::group_thousands(&format!("{:.2}", c.billed_cost)),
                output::group_thousands(&format!("{:.2}", c.effective_cost)),
                r.path.display()
            )?;
        }
        for note in &r.notes {
            writeln!(out, "         note: {note}")?;
        }
        if r.native_check != "independent re-read" {
            writeln!(
                out,
                "         note: provider total summed in the import pipeline (files over 512 MiB are not re-read)"
            )?;
        }
        Ok(())
    };
    for (path, result) in results {
        match result {
            Ok(ImportOutcome::Imported {
                reports,
                replaced,
                id,
            }) => {
                let status = if replaced.is_empty() {
                    "imported"
                } else {
                    "replaced"
                };
                for r in reports {
                    row(out, status, r)?;
                }
                if !replaced.is_empty() {
                    writeln!(
                        out,
                        "         note: source {id} replaces the same billing periods of {}",
                        replaced.join(", ")
                    )?;
                }
            }
            Ok(ImportOutcome::Unchanged { id, .. }) => {
                writeln!(
                    out,
                    "{:<8} already imported as source {id}; nothing changed  {}",
                    "same",
                    path.display()
                )?;
            }
            Err(e) => {
                writeln!(out, "{:<8} {}  {}", "FAILED", e.code(), path.display())?;
            }
        }
    }
    writeln!(
        out,
        "provider total = the cost column as written in the file (re-read independently unless noted); it matches \
         BilledCost (actual/billed files) or EffectiveCost (amortized files) to the cent."
    )?;
    Ok(())
}

fn list_sources(dataset: &Dataset, format: Format, out: &mut dyn Write) -> Result<()> {
    use polars::prelude::*;
    let snapshot = dataset.snapshot()?;
    let sources = &snapshot.manifest.sources;
    let text = |f: &dyn Fn(&burnrate_core::store::SourceRecord) -> String| -> Vec<String> {
        sources.iter().map(f).collect()
    };
    let number = |f: &dyn Fn(&burnrate_core::store::SourceRecord) -> f64| -> Vec<f64> {
        sources.iter().map(f).collect()
    };
    let periods = |s: &burnrate_core::store::SourceRecord| {
        let mut p: Vec<&str> = s.slices.iter().map(|x| x.period.as_str()).collect();
        p.sort();
        p.dedup();
        match p.as_slice() {
            [] => String::new(),
            [one] => one.to_string(),
            [first, .., last] => format!("{first}..{last}"),
        }
    };
    let df = DataFrame::new_infer_height(vec![
        Column::new("id".into(), text(&|s| s.id.clone())),
        Column::new("format".into(), text(&|s| s.format.clone())),
        Column::new(
            "rows".into(),
            sources.iter().map(|s| s.rows).collect::<Vec<u64>>(),
        ),
        Column::new("periods".into(), text(&periods)),
        Column::new(
            "billed_cost".into(),
            number(&|s| s.slices.iter().map(|x| x.billed_cost).sum()),
        ),
        Column::new(
            "effective_cost".into(),
            number(&|s| s.slices.iter().map(|x| x.effective_cost).sum()),
        ),
        Column::new(
            "imported_at".into(),
            text(&|s| s.imported_at.format("%Y-%m-%d %H:%M").to_string()),
        ),
        Column::new(
            "path".into(),
            text(&|s| {
                s.paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(";")
            }),
        ),
    ])?;
    write_frame(out, &df, format)?;
    Ok(())
}
