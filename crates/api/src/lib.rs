//! What the desktop app asks of Burnrate. Each method of [`Backend`] takes
//! plain inputs, calls the core library and returns a serializable answer
//! (`dto`) or an [`ApiError`] `{code, message}` the UI can branch on. The
//! Tauri shell (src-tauri) only wraps these in commands, so everything here
//! is testable without a window or WebKit.
//!
//! This crate owns no analysis: figures come from burnrate-core, and every
//! money figure says which cost it is (billed, effective = amortized, list).

// A library never writes to the terminal: the CLI and the app decide what
// the user sees (`print_stdout`/`print_stderr` as uv does).
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod dto;
mod table;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use burnrate_core::analysis::{explore, overview};
use burnrate_core::config::{Config, Connection, connections};
use burnrate_core::money::CostMeasure;
use burnrate_core::period::parse_day;
use burnrate_core::store::Dataset;
use burnrate_core::store::batch::Attempt;
use burnrate_core::{analysis::anomaly, demo, optimize, query::rules, reports::schedule};
use chrono::{Duration, Utc};
use polars::prelude::*;

pub use dto::*;

/// The data dir and config file the app works on.
#[derive(Debug, Clone)]
pub struct Backend {
    pub data_dir: PathBuf,
    pub config_path: PathBuf,
}

type Result<T> = std::result::Result<T, ApiError>;

impl From<burnrate_core::Error> for ApiError {
    fn from(error: burnrate_core::Error) -> Self {
        ApiError::new(Code::of(&error), error.to_string())
    }
}

impl Backend {
    pub fn new(data_dir: PathBuf, config_path: PathBuf) -> Backend {
        Backend {
            data_dir,
            config_path,
        }
    }

    pub fn config(&self) -> Result<Config> {
        Ok(Config::load(&self.config_path, false)?)
    }

    fn dataset(&self) -> Result<Dataset> {
        Ok(Dataset::open(&self.data_dir)?)
    }

    /// The `billing` table with the config's FX and tag rules, or None for
    /// an empty dataset.
    fn billing(&self, config: &Config) -> Result<Option<(LazyFrame, Option<String>)>> {
        let snapshot = self.dataset()?.snapshot()?;
        if snapshot.manifest.sources.is_empty() {
            return Ok(None);
        }
        let billing = rules::billing(snapshot.scan()?, config)?;
        Ok(Some((billing.frame, billing.currency_note)))
    }

    pub fn status(&self) -> Result<Status> {
        let snapshot = self.dataset()?.snapshot()?;
        Ok(Status {
            data_dir: self.data_dir.display().to_string(),
            config_path: self.config_path.display().to_string(),
            sources: snapshot.manifest.sources.len() as u32,
            rows: snapshot
                .manifest
                .sources
                .iter()
                .map(|s| s.rows as f64)
                .sum(),
        })
    }

    /// Loads the built-in demo dataset (as `burnrate demo` does).
    pub fn load_demo(&self) -> Result<Vec<ImportResult>> {
        let attempts = demo::load(&self.dataset()?, Utc::now())?;
        Ok(attempts.into_iter().map(import_result).collect())
    }

    /// Imports files (folders are expanded), one at a time, reporting
    /// progress before each; a failed file does not stop the others and
    /// leaves the dataset as it was. Setting `cancel` stops before the next
    /// file (each file's import is atomic, so the dataset stays consistent).
    pub fn import(
        &self,
        inputs: &[PathBuf],
        progress: &mut dyn FnMut(ImportProgress),
        cancel: &AtomicBool,
    ) -> Vec<ImportResult> {
        let mut files = Vec::new();
        let mut results = Vec::new();
        for input in inputs {
            if input.is_dir() {
                if let Err(e) = burnrate_core::ingest::files_in_folder(input, &mut files) {
                    results.push(ImportResult::failed(input, e.into()));
                }
            } else {
                files.push(input.clone());
            }
        }
        let dataset = match self.dataset() {
            Ok(dataset) => dataset,
            Err(error) => {
                results.extend(files.iter().map(|f| ImportResult::failed(f, error.clone())));
                return results;
            }
        };
        let attempts = dataset.import_all(
            &files,
            Utc::now(),
            &mut |p| {
                progress(ImportProgress {
                    done: p.done as u32,
                    total: p.total as u32,
                    current: p
                        .current
                        .map(|f| f.display().to_string())
                        .unwrap_or_default(),
                })
            },
            cancel,
        );
        results.extend(attempts.into_iter().map(import_result));
        results
    }

    pub fn sources(&self) -> Result<Vec<Source>> {
        let snapshot = self.dataset()?.snapshot()?;
        Ok(snapshot
            .manifest
            .sources
            .iter()
            .map(Source::from_record)
            .collect())
    }

    pub fn remove_source(&self, id: &str) -> Result<()> {
        self.dataset()?.remove_source(id)?;
        Ok(())
    }

    /// The dataset at a glance, for the latest month with data (the data
    /// may end before today: offline files are often a month behind). The
    /// recommendations panel is fetched on its own (`recommendations`), so
    /// the figures show without waiting for the optimizer.
    pub fn overview(&self) -> Result<Overview> {
        let config = self.config()?;
        let Some((frame, currency_note)) = self.billing(&config)? else {
            return Ok(Overview {
                empty: true,
                ..Overview::default()
            });
        };
        Ok(overview::overview(frame, &config, currency_note)?)
    }

    /// Cost over time and in total, grouped by a dimension, filtered.
    pub fn explore(&self, query: &ExploreQuery) -> Result<Explore> {
        let config = self.config()?;
        // A bad measure is an error even before there is data.
        CostMeasure::parse(&query.measure)?;
        let Some((frame, currency_note)) = self.billing(&config)? else {
            return Ok(Explore::default());
        };
        Ok(explore::answer(
            frame,
            &config,
            query,
            currency_note,
            overview::TOP_GROUPS,
        )?)
    }

    /// Anomalies since a day (default: the last 30 days of data).
    pub fn anomalies(&self, since: Option<String>) -> Result<Vec<AnomalyRow>> {
        let config = self.config()?;
        let Some((frame, _)) = self.billing(&config)? else {
            return Ok(Vec::new());
        };
        let since = match parse_day(since.as_deref())? {
            Some(day) => Some(day),
            None => overview::latest_day(frame.clone())?.map(|d| d - Duration::days(29)),
        };
        let rows = anomaly::detect(frame, &config, CostMeasure::Effective, since)?;
        Ok(rows)
    }

    /// Every finding, largest savings first, with whether it was dismissed.
    pub fn recommendations(&self) -> Result<Vec<Recommendation>> {
        let config = self.config()?;
        let Some((frame, _)) = self.billing(&config)? else {
            return Ok(Vec::new());
        };
        self.recommendations_for(frame, &config)
    }

    fn recommendations_for(
        &self,
        frame: LazyFrame,
        config: &Config,
    ) -> Result<Vec<Recommendation>> {
        let (mut findings, _) = optimize::recommend(frame, &config.optimize, Some(&self.data_dir))?;
        findings.sort_by(|a, b| {
            b.estimated_monthly_savings
                .total_cmp(&a.estimated_monthly_savings)
        });
        let dismissed = self.dismissed()?;
        Ok(findings
            .iter()
            .map(|f| Recommendation::from_finding(f, dismissed.contains(&f.id)))
            .collect())
    }

    fn dismissed_path(&self) -> PathBuf {
        self.data_dir.join("app").join("dismissed.json")
    }

    fn dismissed(&self) -> Result<Vec<String>> {
        match std::fs::read_to_string(self.dismissed_path()) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| {
                ApiError::new(
                    Code::BadInput,
                    format!("{}: {e}", self.dismissed_path().display()),
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => {
                Err(burnrate_core::Error::io(self.dismissed_path().display().to_string(), e).into())
            }
        }
    }

    /// Dismisses (or restores) a finding; remembered in the data dir.
    pub fn set_dismissed(&self, id: &str, dismissed: bool) -> Result<()> {
        let mut ids = self.dismissed()?;
        ids.retain(|i| i != id);
        if dismissed {
            ids.push(id.to_string());
        }
        let path = self.dismissed_path();
        let text = serde_json::to_string_pretty(&ids).expect("strings serialize");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| burnrate_core::Error::io(dir.display().to_string(), e))?;
        }
        burnrate_core::fsutil::write_atomically(&path, |out| out.write_all(text.as_bytes()))?;
        Ok(())
    }

    pub fn reports(&self) -> Result<Vec<ReportInfo>> {
        let config = self.config()?;
        let library = burnrate_core::reports::library::Library::load(&config.reports_dir());
        Ok(library
            .reports
            .values()
            .map(|r| ReportInfo {
                name: r.name.clone(),
                title: r.title.clone(),
                description: r.description.clone(),
                origin: r.origin.clone(),
                chart: r.chart.as_ref().map(|c| ReportChart {
                    kind: match c.kind {
                        burnrate_core::reports::chart::ChartKind::Bar => "bar",
                        burnrate_core::reports::chart::ChartKind::Line => "line",
                        burnrate_core::reports::chart::ChartKind::Stacked => "stacked",
                    }
                    .into(),
                    x: c.x.clone(),
                    y: c.y.clone(),
                    series: c.series.clone(),
                }),
            })
            .collect())
    }

    pub fn run_report(
        &self,
        name: &str,
        from: Option<String>,
        to: Option<String>,
    ) -> Result<Table> {
        let config = self.config()?;
        let library = burnrate_core::reports::library::Library::load(&config.reports_dir());
        let def = library.get(name)?;
        let Some((frame, _)) = self.billing(&config)? else {
            return Ok(Table::default());
        };
        let df = def.run(
            frame,
            parse_day(from.as_deref())?,
            parse_day(to.as_deref())?,
        )?;
        table::table(&df)
    }

    /// Writes a report's CSV to a path the user chose in a save dialog.
    pub fn export_report(
        &self,
        name: &str,
        from: Option<String>,
        to: Option<String>,
        path: &Path,
    ) -> Result<()> {
        let config = self.config()?;
        let library = burnrate_core::reports::library::Library::load(&config.reports_dir());
        let def = library.get(name)?;
        let Some((frame, _)) = self.billing(&config)? else {
            return Err(ApiError::empty());
        };
        let df = def.run(
            frame,
            parse_day(from.as_deref())?,
            parse_day(to.as_deref())?,
        )?;
        burnrate_core::fsutil::write_atomically(path, |out| {
            burnrate_core::reports::csv::write_csv(out, &df)
        })?;
        Ok(())
    }

    pub fn schedules(&self) -> Result<Schedules> {
        let config = self.config()?;
        let now = Utc::now();
        let log = schedule::RunLog::new(&self.data_dir);
        let mut runs: Vec<ScheduleRun> = log.records()?.into_iter().map(run_of).collect();
        runs.reverse();
        runs.truncate(50);
        Ok(Schedules {
            schedules: config
                .schedules
                .iter()
                .map(|s| ScheduleInfo {
                    form: schedule_form(s),
                    next_run: s.next_fire(now).map(|t| t.to_rfc3339()),
                })
                .collect(),
            runs,
        })
    }

    pub fn settings(&self) -> Result<Settings> {
        let config = self.config()?;
        Ok(Settings {
            data_dir: self.data_dir.display().to_string(),
            config_path: self.config_path.display().to_string(),
            reporting_currency: config.currency.reporting.clone(),
            fx_table: config
                .currency
                .fx_table
                .as_ref()
                .map(|p| config.resolve(p).display().to_string()),
            anomaly_threshold: config.anomalies.threshold,
            anomaly_min_impact: config.anomalies.min_impact,
            tag_aliases: config
                .tags
                .aliases
                .iter()
                .map(|(k, v)| format!("{k} = {}", v.join(", ")))
                .collect(),
            allocation_keys: config.allocation.iter().map(|k| k.name.clone()).collect(),
        })
    }
}

impl Backend {
    /// Adds a schedule (`original` None) or replaces the one named
    /// `original`, after checking its cron, window, time zone and reports.
    pub fn save_schedule(&self, original: Option<String>, form: ScheduleForm) -> Result<()> {
        let config = self.config()?;
        let existing = original
            .as_deref()
            .and_then(|name| config.schedules.iter().find(|s| s.name == name));
        let schedule = burnrate_core::config::ScheduleConfig {
            name: form.name.trim().to_string(),
            reports: form.reports,
            cron: form.cron.trim().to_string(),
            timezone: form.timezone.trim().to_string(),
            window: burnrate_core::config::Window::parse(&form.window)?,
            output_dir: PathBuf::from(form.output_dir.trim()),
            file_name: form.file_name,
            chart: form.chart.filter(|c| !c.is_empty()),
            keep: form.keep.map(|k| k as usize),
            pull: form.pull,
            // An edit keeps when the schedule was made (earlier fire times
            // stay not due); a new one starts now.
            created: existing.and_then(|s| s.created).or(Some(Utc::now())),
        };
        schedule::check_before_saving(&schedule, &config)?;
        match original {
            None => burnrate_core::config::edit::add_schedule(&self.config_path, &schedule)?,
            Some(name) => {
                burnrate_core::config::edit::replace_schedule(&self.config_path, &name, &schedule)?
            }
        }
        Ok(())
    }

    pub fn remove_schedule(&self, name: &str) -> Result<()> {
        Ok(burnrate_core::config::edit::remove_schedule(
            &self.config_path,
            name,
        )?)
    }

    /// Runs a schedule now (as `burnrate schedule run NAME`), under the
    /// scheduler's lock, and records it in the run log. A schedule that
    /// pulls first is refused: pulls run from the CLI.
    pub fn run_schedule(&self, name: &str) -> Result<ScheduleRun> {
        let config = self.config()?;
        let found = config
            .schedules
            .iter()
            .find(|s| s.name == name)
            .ok_or_else(|| usage(&format!("no schedule {name:?}")))?;
        if found.pull {
            return Err(usage(
                "this schedule pulls cloud connections first: run it with `burnrate schedule run`",
            ));
        }
        let _lock = schedule::lock(&self.data_dir)?;
        let now = Utc::now();
        let record =
            schedule::run_one(&config, &self.data_dir, found, now, now, &|_, _| Vec::new());
        schedule::RunLog::new(&self.data_dir).append(&record)?;
        Ok(run_of(record))
    }

    /// Runs the schedules that are due at `now`, as the app's scheduler does
    /// every minute while the window is open (under the same lock as
    /// `burnrate schedule daemon`, so the two never double-run). Schedules
    /// that pull cloud connections first are left to the CLI's scheduler,
    /// as `run_schedule` refuses them.
    pub fn run_due_schedules(&self, now: chrono::DateTime<Utc>) -> Result<Vec<ScheduleRun>> {
        let mut config = self.config()?;
        config.schedules.retain(|s| !s.pull);
        let log = schedule::RunLog::new(&self.data_dir);
        let records = schedule::run_due(&config, &self.data_dir, &log, now, &|_, _| Vec::new())?;
        Ok(records.into_iter().map(run_of).collect())
    }

    /// Writes the edited settings into the config file (comments kept; an
    /// edit that would not load is refused and changes nothing).
    pub fn update_settings(&self, update: SettingsUpdate) -> Result<()> {
        let text = |v: Option<String>| {
            v.map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .map(toml_edit::Value::from)
        };
        let currency = text(update.reporting_currency.map(|c| c.to_uppercase()));
        let fx = text(update.fx_table);
        if currency.is_some() && fx.is_none() {
            return Err(usage(
                "a reporting currency needs an FX table (a date,from,to,rate CSV)",
            ));
        }
        if update.anomaly_threshold.is_nan()
            || update.anomaly_threshold <= 0.0
            || update.anomaly_min_impact.is_nan()
            || update.anomaly_min_impact < 0.0
        {
            return Err(usage(
                "the anomaly threshold must be above 0 and the minimum impact at least 0",
            ));
        }
        let mut aliases: Vec<(String, Vec<String>)> = Vec::new();
        for line in update.tag_aliases.iter().filter(|l| !l.trim().is_empty()) {
            let (key, others) = line.split_once('=').ok_or_else(|| {
                usage(&format!(
                    "tag aliases: {line:?} is not `key = alias, alias`"
                ))
            })?;
            aliases.push((
                key.trim().to_string(),
                others
                    .split(',')
                    .map(|a| a.trim().to_string())
                    .filter(|a| !a.is_empty())
                    .collect(),
            ));
        }
        // One edit: every value lands together, or (if the file would not
        // load) none does.
        burnrate_core::config::edit::edit(&self.config_path, |e| {
            e.set(&["currency"], "reporting", currency)?;
            e.set(&["currency"], "fx_table", fx)?;
            e.set(
                &["anomalies"],
                "threshold",
                Some(update.anomaly_threshold.into()),
            )?;
            e.set(
                &["anomalies"],
                "min_impact",
                Some(update.anomaly_min_impact.into()),
            )?;
            for key in e.keys(&["tags", "aliases"])? {
                if !aliases.iter().any(|(k, _)| *k == key) {
                    e.set(&["tags", "aliases"], &key, None)?;
                }
            }
            for (key, others) in &aliases {
                let array: toml_edit::Array = others.iter().map(String::as_str).collect();
                e.set(&["tags", "aliases"], key, Some(array.into()))?;
            }
            Ok(())
        })?;
        Ok(())
    }
}

impl Backend {
    pub fn connections(&self) -> Result<Vec<ConnectionForm>> {
        Ok(self
            .config()?
            .connections
            .iter()
            .map(connection_form)
            .collect())
    }

    /// Adds a connection (`original` None) or replaces the one named
    /// `original`, after checking the fields its kind needs.
    pub fn save_connection(&self, original: Option<String>, form: ConnectionForm) -> Result<()> {
        let connection = connection_of(form)?;
        let path = &self.config_path;
        match original {
            None => burnrate_core::config::edit::add_connection(path, &connection)?,
            Some(name) => {
                burnrate_core::config::edit::replace_connection(path, &name, &connection)?
            }
        }
        Ok(())
    }

    /// The saved connection named `name`.
    fn connection(&self, name: &str) -> Result<burnrate_core::config::Connection> {
        self.config()?
            .connections
            .into_iter()
            .find(|c| c.name() == name)
            .ok_or_else(|| usage(&format!("no connection {name:?} in the config file")))
    }

    pub fn remove_connection(&self, name: &str) -> Result<()> {
        Ok(burnrate_core::config::edit::remove_connection(
            &self.config_path,
            name,
        )?)
    }

    /// Checks a saved connection without pulling (location, credentials,
    /// and where it costs nothing, that the service answers).
    pub fn check_connection(&self, name: &str) -> Result<String> {
        let connection = self.connection(name)?;
        burnrate_cloud::connections::check_connection(&connection).map_err(pull_error)
    }

    /// Pulls one saved connection into the dataset, handing each line of
    /// its log to `progress` as it is written.
    pub fn pull_connection(
        &self,
        name: &str,
        progress: &mut dyn FnMut(String),
    ) -> Result<PullResult> {
        let connection = self.connection(name)?;
        let dataset = self.dataset()?;
        let mut log = LineLog {
            lines: Vec::new(),
            partial: String::new(),
            progress,
        };
        let outcome = burnrate_cloud::connections::pull_connection(
            &dataset,
            &self.data_dir,
            &connection,
            &mut log,
        );
        log.flush_partial();
        Ok(PullResult {
            connection: name.to_string(),
            ok: outcome.is_ok(),
            log: log.lines,
            error: outcome.err().map(pull_error),
        })
    }
}

fn pull_error(error: burnrate_cloud::PullError) -> ApiError {
    let code = match &error {
        burnrate_cloud::PullError::Credentials(_) => Code::Credentials,
        burnrate_cloud::PullError::Api(_) => Code::Api,
        burnrate_cloud::PullError::Core(core) => Code::of(core),
    };
    ApiError::new(code, error.to_string())
}

/// A `Write` that hands each complete line to a callback and keeps them.
struct LineLog<'a> {
    lines: Vec<String>,
    partial: String,
    progress: &'a mut dyn FnMut(String),
}

impl LineLog<'_> {
    fn flush_partial(&mut self) {
        if !self.partial.is_empty() {
            let line = std::mem::take(&mut self.partial);
            (self.progress)(line.clone());
            self.lines.push(line);
        }
    }
}

impl std::io::Write for LineLog<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.partial.push_str(&String::from_utf8_lossy(bytes));
        while let Some(at) = self.partial.find('\n') {
            let line: String = self.partial.drain(..=at).collect();
            let line = line.trim_end().to_string();
            (self.progress)(line.clone());
            self.lines.push(line);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn connection_form(connection: &Connection) -> ConnectionForm {
    let mut form = ConnectionForm {
        name: connection.name().to_string(),
        kind: connection.kind().to_string(),
        ..ConnectionForm::default()
    };
    match connection.clone() {
        Connection::AwsCe(c) => {
            form.billing_account = c.billing_account;
            form.months = c.months;
            form.group_by = c.group_by;
            form.profile = c.profile;
            form.endpoint_url = c.endpoint_url;
        }
        Connection::AwsCur(c) => {
            form.url = c.url;
            form.region = c.region;
            form.profile = c.profile;
            form.endpoint_url = c.endpoint_url;
        }
        Connection::AzureQuery(c) => {
            form.scope = c.scope;
            form.cost_type = c.cost_type;
            form.months = c.months;
            form.group_by = c.group_by;
            form.endpoint_url = c.endpoint_url;
        }
        Connection::AzureExport(c) => form.url = c.url,
    }
    form
}

/// A connection from the form: the fields of its kind (blank ones absent),
/// with those the kind needs present and valid.
fn connection_of(form: ConnectionForm) -> Result<Connection> {
    let clean = |v: Option<String>| v.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
    let name = form.name.trim().to_string();
    if name.is_empty() {
        return Err(usage("the connection needs a name"));
    }
    let kind = form.kind.trim();
    let need = |field: &Option<String>, what: &str| match field {
        Some(_) => Ok(()),
        None => Err(usage(&format!("a {kind} connection needs {what}"))),
    };
    let connection = match kind {
        "aws-ce" => {
            let c = connections::AwsCostExplorer {
                name,
                billing_account: clean(form.billing_account),
                months: form.months,
                group_by: clean(form.group_by),
                profile: clean(form.profile),
                endpoint_url: clean(form.endpoint_url),
            };
            need(&c.billing_account, "the payer account id")?;
            Connection::AwsCe(c)
        }
        "aws-cur" => {
            let c = connections::AwsCur {
                name,
                url: clean(form.url),
                region: clean(form.region),
                profile: clean(form.profile),
                endpoint_url: clean(form.endpoint_url),
            };
            need(&c.url, "an s3://bucket/prefix URL")?;
            if !c.url.as_deref().unwrap_or("").starts_with("s3://") {
                return Err(usage("the CUR location is an s3://bucket/prefix URL"));
            }
            Connection::AwsCur(c)
        }
        "azure-export" => {
            let c = connections::AzureExport {
                name,
                url: clean(form.url),
            };
            need(&c.url, "the container URL and path")?;
            Connection::AzureExport(c)
        }
        "azure-query" => {
            let c = connections::AzureQuery {
                name,
                scope: clean(form.scope),
                cost_type: clean(form.cost_type),
                months: form.months,
                group_by: clean(form.group_by),
                endpoint_url: clean(form.endpoint_url),
            };
            need(&c.scope, "a scope")?;
            burnrate_cloud::azure::query::normalize_scope(c.scope.as_deref().unwrap_or(""))
                .map_err(|e| usage(&e.to_string()))?;
            burnrate_cloud::azure::query::cost_types(c.cost_type.as_deref().unwrap_or("both"))
                .map_err(|e| usage(&e.to_string()))?;
            if let Some(groups) = &c.group_by {
                burnrate_cloud::azure::query::groupings(groups)
                    .map_err(|e| usage(&e.to_string()))?;
            }
            Connection::AzureQuery(c)
        }
        other => {
            return Err(usage(&format!(
                "unknown kind {other:?}: use {}",
                Connection::KINDS.join(", ")
            )));
        }
    };
    Ok(connection)
}

/// One file of a batch as the app shows it.
fn import_result(attempt: Attempt) -> ImportResult {
    match attempt.result {
        Some(Ok(outcome)) => ImportResult::from_outcome(&attempt.path, &outcome),
        Some(Err(e)) => ImportResult::failed(&attempt.path, e.into()),
        None => ImportResult::failed(
            &attempt.path,
            ApiError::new(
                Code::Cancelled,
                "import cancelled before this file; nothing of it was imported",
            ),
        ),
    }
}

fn usage(message: &str) -> ApiError {
    ApiError::new(Code::Usage, message)
}

fn schedule_form(s: &burnrate_core::config::ScheduleConfig) -> ScheduleForm {
    ScheduleForm {
        name: s.name.clone(),
        reports: s.reports.clone(),
        cron: s.cron.clone(),
        timezone: s.timezone.clone(),
        window: serde_json::to_value(s.window)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        output_dir: s.output_dir.display().to_string(),
        file_name: s.file_name.clone(),
        chart: s.chart.clone(),
        keep: s.keep.map(|k| k as u32),
        pull: s.pull,
    }
}

fn run_of(r: schedule::RunRecord) -> ScheduleRun {
    ScheduleRun {
        schedule: r.schedule,
        due: r.due.to_rfc3339(),
        ok: r.ok,
        outputs: r.outputs.iter().map(|p| p.display().to_string()).collect(),
        failures: r
            .failures
            .into_iter()
            .map(|(report, why)| format!("{report}: {why}"))
            .collect(),
    }
}

#[cfg(test)]
mod tests;
