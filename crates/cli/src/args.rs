//! The command line's arguments (clap): every command and its flags. The
//! help texts come from the doc comments here.

use std::path::PathBuf;

use burnrate_core::analysis::trend::Period;
use burnrate_core::export::{ExportFormat, FocusVersion};
use burnrate_core::money::CostMeasure;
use burnrate_core::optimize::FindingKind;
use chrono::NaiveDate;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand};

use crate::commands::{pulls, schedules};
use crate::output::Format;

/// `--cost`, checked before anything runs; `--help` lists the values.
fn cost_measure() -> impl TypedValueParser<Value = CostMeasure> {
    PossibleValuesParser::new([
        PossibleValue::new("billed").help("what the invoice says"),
        PossibleValue::new("effective")
            .alias("amortized")
            .help("amortized: discounts applied, commitment fees spread over their term"),
        PossibleValue::new("list").help("at public on-demand prices"),
    ])
    .map(|name| CostMeasure::parse(&name).expect("a listed measure"))
}

/// `--period`, checked before anything runs; `--help` lists the values.
fn period() -> impl TypedValueParser<Value = Period> {
    PossibleValuesParser::new(Period::ALL.map(|p| PossibleValue::new(p.name())))
        .map(|name| Period::parse(&name).expect("a listed period"))
}

/// `--range` of `explore`; `--help` lists the values.
fn date_range() -> impl TypedValueParser<Value = burnrate_core::period::DateRange> {
    use burnrate_core::period::DateRange;
    PossibleValuesParser::new(
        DateRange::ALL.map(|(_, name, label)| PossibleValue::new(name).help(label)),
    )
    .map(|name| DateRange::parse(&name).expect("a listed range"))
}

/// `--compare` of `explore`.
fn compare() -> impl TypedValueParser<Value = burnrate_core::analysis::explore::Compare> {
    use burnrate_core::analysis::explore::Compare;
    PossibleValuesParser::new([
        PossibleValue::new("previous").help("as many days, just before"),
        PossibleValue::new("year-before").help("the same days a year earlier"),
    ])
    .map(|name| match name.as_str() {
        "previous" => Compare::PreviousPeriod,
        _ => Compare::YearBefore,
    })
}

/// `--threshold` of `anomalies`: the config file's rule.
fn anomaly_threshold(text: &str) -> Result<f64, String> {
    let threshold: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))?;
    match burnrate_core::config::AnomalySettings::threshold_problem(threshold) {
        Some(problem) => Err(format!("the threshold {threshold} {problem}")),
        None => Ok(threshold),
    }
}

/// `--kind` of `recommend`: every kind the engine has, listed in `--help`.
fn finding_kind() -> impl TypedValueParser<Value = FindingKind> {
    PossibleValuesParser::new(FindingKind::ALL.map(|k| k.name()))
        .map(|name| FindingKind::parse(&name).expect("a listed kind"))
}

#[derive(Parser)]
#[command(
    name = "burnrate",
    version,
    about = "FinOps cloud cost analyzer: billing files in, FOCUS out"
)]
pub(crate) struct Cli {
    /// Where the local dataset lives (default: the platform data dir).
    #[arg(long, global = true, env = "BURNRATE_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// The config file: tag rules, allocation, currency, schedules
    /// (default: config.toml in the platform config dir).
    #[arg(long, global = true, env = "BURNRATE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
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

impl DateRange {
    /// An empty or reversed range is a mistake, not "(no rows)".
    fn check(&self) -> Result<(), String> {
        match (self.from, self.to) {
            (Some(from), Some(to)) if to <= from => Err(format!(
                "--to {to} is not after --from {from}: --from is the first day included, --to \
                 the first day excluded (a month: --from 2026-10-01 --to 2026-11-01)"
            )),
            _ => Ok(()),
        }
    }
}

impl Cli {
    /// Checks what clap cannot check one flag at a time, before anything
    /// runs: a date range's two ends.
    pub(crate) fn check(&self) -> Result<(), String> {
        let dates = match &self.command {
            Command::Summary { dates, .. }
            | Command::Trend { dates, .. }
            | Command::Explore { dates, .. }
            | Command::Lines { dates, .. }
            | Command::Untagged { dates, .. }
            | Command::Allocate { dates, .. }
            | Command::Report { dates, .. }
            | Command::Export {
                what: ExportWhat::Focus { dates, .. },
            } => Some(dates),
            _ => None,
        };
        dates.map_or(Ok(()), DateRange::check)
    }
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Import billing files, folders or globs into the local dataset.
    ///
    /// A file that meets months already imported is another part of that
    /// delivery when no line item is in both (it is added), or a restatement
    /// when it has every line item again (it replaces them). When the
    /// content cannot tell, nothing is imported and you choose.
    Import {
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Add the files beside what is imported for the same months: they
        /// are other parts of the same delivery.
        #[arg(long, conflicts_with = "replace")]
        as_parts: bool,
        /// Replace what is imported for the same months, even a delivery
        /// that superseded these files.
        #[arg(long)]
        replace: bool,
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
        /// The measure rows are sorted by.
        #[arg(long, default_value = "billed", value_parser = cost_measure())]
        cost: CostMeasure,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Answer from these files directly, without the local dataset.
        #[arg(long, num_args = 1.., value_name = "PATH")]
        files: Vec<String>,
    },
    /// Run Polars SQL over the table `billing` (FOCUS columns).
    Query {
        /// The SQL, one argument (quote it): e.g. "SELECT ServiceName,
        /// SUM(BilledCost) AS cost FROM billing GROUP BY ServiceName". The
        /// table `billing` has the FOCUS columns after tag rules and
        /// allocation; `focus` has the stored rows as FOCUS 1.2 exports
        /// them.
        sql: String,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
        /// Query these files directly, without the local dataset.
        #[arg(long, num_args = 1.., value_name = "PATH")]
        files: Vec<String>,
    },
    /// Write the dataset out in a standard format.
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
    /// Cost per day, week or month, with the change from the previous period.
    Trend {
        /// A dimension to split by (as in summary).
        #[arg(long)]
        by: Option<String>,
        #[arg(long, default_value = "month", value_parser = period())]
        period: Period,
        #[arg(long, default_value = "effective", value_parser = cost_measure())]
        cost: CostMeasure,
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
        #[arg(long, default_value = "effective", value_parser = cost_measure())]
        cost: CostMeasure,
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
        #[arg(long, default_value = "effective", value_parser = cost_measure())]
        cost: CostMeasure,
        #[arg(long, default_value = "month", value_parser = period())]
        period: Period,
        #[command(flatten)]
        dates: DateRange,
        /// Days counted back from the data's last day, instead of --from/--to.
        #[arg(long, value_parser = date_range(), conflicts_with_all = ["from", "to"])]
        range: Option<burnrate_core::period::DateRange>,
        /// Only rows where a dimension has a value (repeatable; several
        /// values of one dimension keep rows with any of them).
        #[arg(long = "filter", value_name = "DIMENSION=VALUE")]
        filters: Vec<String>,
        /// Leave out rows where a dimension has a value (repeatable).
        #[arg(long = "exclude", value_name = "DIMENSION=VALUE")]
        excludes: Vec<String>,
        /// Set each group beside a second period: the as many days before,
        /// or the same days a year earlier.
        #[arg(long, value_parser = compare())]
        compare: Option<burnrate_core::analysis::explore::Compare>,
        /// How many of the largest groups per currency the series name (JSON);
        /// the rest are one "(other)" series.
        #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..))]
        top: u32,
        /// Run a view saved in the app's explorer (by name); --format still applies.
        #[arg(long, conflicts_with_all = ["by", "range", "from", "to", "filters", "excludes", "compare"])]
        view: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// The billing lines behind a number: every stored line the filters and
    /// dates select (day, service, resource, usage type, operation,
    /// quantity, unit price, billed/effective/list cost, source file and
    /// row), largest effective cost first.
    Lines {
        #[command(flatten)]
        dates: DateRange,
        /// Only lines where a dimension has a value (repeatable), as in
        /// explore: resource=i-0abc, service="Amazon EC2", tag:team=web.
        #[arg(long = "filter", value_name = "DIMENSION=VALUE")]
        filters: Vec<String>,
        /// At most this many lines (a table shows 50 unless told; CSV and
        /// JSON write every line).
        #[arg(long)]
        limit: Option<usize>,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Forecast of this month's end and the next three months, with a 95%
    /// interval and the backtest error (MAPE).
    Forecast {
        /// Forecast each value of a dimension apart (as in summary: service,
        /// account, tag:KEY, ...) instead of the total.
        #[arg(long)]
        by: Option<String>,
        #[arg(long, default_value = "effective", value_parser = cost_measure())]
        cost: CostMeasure,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Unusual days of cost per service and per account.
    Anomalies {
        /// First day to report (default: the last 30 days of data).
        #[arg(long)]
        since: Option<NaiveDate>,
        /// Robust z-score threshold, above 0 and at most 20 (default from
        /// the config file, 4; lower flags more days).
        #[arg(long, value_parser = anomaly_threshold)]
        threshold: Option<f64>,
        #[arg(long, default_value = "effective", value_parser = cost_measure())]
        cost: CostMeasure,
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
        #[arg(long, default_value = "effective", value_parser = cost_measure())]
        cost: CostMeasure,
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
        #[arg(long, default_value = "effective", value_parser = cost_measure())]
        cost: CostMeasure,
        #[command(flatten)]
        dates: DateRange,
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Optimization findings ranked by estimated monthly savings.
    Recommend {
        /// Only findings of this kind.
        #[arg(long, value_parser = finding_kind())]
        kind: Option<FindingKind>,
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
        /// table, csv or json (default: table; with --out, by the file's
        /// ending: .csv, .json, else table).
        #[arg(long, value_enum)]
        format: Option<Format>,
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
pub(crate) enum ExportWhat {
    /// The dataset as a FOCUS Cost and Usage dataset (every cost as
    /// imported; Tags as JSON, units in FOCUS UnitFormat, ids as text).
    Focus {
        /// The FOCUS version: 1.0, 1.1, 1.2 or 1.3.
        #[arg(long, default_value = "1.2", value_parser = focus_version)]
        version: FocusVersion,
        /// parquet or csv.
        #[arg(long, default_value = "parquet", value_parser = export_format)]
        format: ExportFormat,
        #[command(flatten)]
        dates: DateRange,
        /// Only rows of this provider (ProviderName, e.g. AWS); repeatable.
        #[arg(long = "provider", value_name = "P")]
        providers: Vec<String>,
        /// Only FOCUS columns: leave out Burnrate's x_ columns.
        #[arg(long)]
        focus_only: bool,
        /// One file per billing period in the folder OUT
        /// (focus-YYYY-MM.parquet).
        #[arg(long)]
        by_period: bool,
        /// The file (or, with --by-period, the folder) to write.
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
    },
}

fn focus_version(text: &str) -> Result<FocusVersion, String> {
    FocusVersion::parse(text).ok_or_else(|| format!("{text:?} is not 1.0, 1.1, 1.2 or 1.3"))
}

fn export_format(text: &str) -> Result<ExportFormat, String> {
    ExportFormat::parse(text).ok_or_else(|| format!("{text:?} is not parquet or csv"))
}

#[derive(Subcommand)]
pub(crate) enum SourcesAction {
    /// Remove a source (and its rows) by id.
    Remove { id: String },
}

#[derive(Subcommand)]
pub(crate) enum DevAction {
    /// Write a synthetic legacy CUR CSV for benchmarks.
    GenCur {
        #[arg(long)]
        rows: u64,
        #[arg(long)]
        out: PathBuf,
    },
}
