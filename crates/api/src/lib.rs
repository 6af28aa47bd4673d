//! What the desktop app asks of Burnrate. Each method of [`Backend`] takes
//! plain inputs, calls the core library and returns a serializable answer
//! (`dto`) or an [`ApiError`] `{code, message}` the UI can branch on. The
//! Tauri shell (src-tauri) only wraps these in commands, so everything here
//! is testable without a window or WebKit.
//!
//! This crate owns no analysis: figures come from burnrate-core, and every
//! money figure says which cost it is (billed, effective = amortized, list).

pub mod dto;
mod frames;

use std::path::{Path, PathBuf};

use burnrate_core::config::Config;
use burnrate_core::store::Dataset;
use burnrate_core::summary::{CostMeasure, Dimension};
use burnrate_core::trend::{Period, month_start};
use burnrate_core::{anomaly, demo, forecast, optimize, rules, schedule};
use chrono::{Duration, NaiveDate, Utc};
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
        ApiError {
            code: error.code().to_string(),
            message: error.to_string(),
        }
    }
}

fn polars_error(context: &str) -> impl Fn(PolarsError) -> ApiError + '_ {
    move |e| ApiError::from(burnrate_core::Error::polars(context, e))
}

/// How many groups a chart shows before the rest become "(other)".
const TOP_GROUPS: usize = 12;

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

    /// Writes the built-in demo files and imports them.
    pub fn load_demo(&self) -> Result<Vec<ImportResult>> {
        let staging = self.data_dir.join("demo-files");
        let files = demo::write_demo_files(&staging)?;
        let results = self.import(&files, &mut |_| {});
        Ok(results)
    }

    /// Imports files (folders are expanded), one at a time, reporting
    /// progress before each; a failed file does not stop the others and
    /// leaves the dataset as it was.
    pub fn import(
        &self,
        inputs: &[PathBuf],
        progress: &mut dyn FnMut(ImportProgress),
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
        let total = files.len() as u32;
        for (done, file) in files.iter().enumerate() {
            progress(ImportProgress {
                done: done as u32,
                total,
                current: file.display().to_string(),
            });
            results.push(match dataset.import(file, Utc::now()) {
                Ok(outcome) => ImportResult::from_outcome(file, &outcome),
                Err(e) => ImportResult::failed(file, e.into()),
            });
        }
        progress(ImportProgress {
            done: total,
            total,
            current: String::new(),
        });
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
    /// may end before today: offline files are often a month behind).
    pub fn overview(&self) -> Result<Overview> {
        let config = self.config()?;
        let Some((frame, currency_note)) = self.billing(&config)? else {
            return Ok(Overview {
                empty: true,
                ..Overview::default()
            });
        };
        let totals = frames::totals_by_currency(frame.clone())?;
        let latest = frames::latest_day(frame.clone())?;
        let Some(latest) = latest else {
            return Ok(Overview {
                empty: true,
                ..Overview::default()
            });
        };
        let month = month_start(latest);
        let days_in = (latest - month).num_days() + 1;
        let previous_month = month_start(month - Duration::days(1));
        let month_to_date = frames::effective_by_currency(burnrate_core::summary::filter_dates(
            frame.clone(),
            Some(month),
            Some(latest + Duration::days(1)),
        ))?;
        let previous_same_days =
            frames::effective_by_currency(burnrate_core::summary::filter_dates(
                frame.clone(),
                Some(previous_month),
                Some((previous_month + Duration::days(days_in)).min(month)),
            ))?;
        let this_month = burnrate_core::summary::filter_dates(frame.clone(), Some(month), None);
        let by_service = frames::top_groups(
            this_month.clone(),
            Dimension::Service.expr(&config),
            TOP_GROUPS,
        )?;
        let by_account =
            frames::top_groups(this_month, Dimension::SubAccount.expr(&config), TOP_GROUPS)?;
        let daily = frames::daily_effective(burnrate_core::summary::filter_dates(
            frame.clone(),
            Some(latest - Duration::days(89)),
            None,
        ))?;
        let month_label = month.format("%Y-%m").to_string();
        let forecasts = forecast::forecast(frame.clone(), &config, None, CostMeasure::Effective)
            .unwrap_or_default();
        let anomalies = anomaly::detect(
            frame.clone(),
            &config,
            CostMeasure::Effective,
            Some(latest - Duration::days(29)),
        )?;
        let recommendations = self.recommendations_for(frame, &config)?;

        let mut currencies: Vec<CurrencyOverview> = totals
            .into_iter()
            .map(|total| {
                let find = |rows: &[(String, f64)]| {
                    rows.iter()
                        .find(|(c, _)| *c == total.currency)
                        .map(|(_, v)| *v)
                        .unwrap_or(0.0)
                };
                let mtd = find(&month_to_date);
                let previous = find(&previous_same_days);
                CurrencyOverview {
                    month_to_date_effective: mtd,
                    previous_month_same_days_effective: previous,
                    change_pct: (previous != 0.0).then(|| (mtd - previous) / previous * 100.0),
                    forecast: forecasts
                        .iter()
                        .find(|f| f.currency == total.currency && f.month == month_label)
                        .map(MonthEnd::from_forecast),
                    by_service: frames::slices_of(&by_service, &total.currency),
                    by_account: frames::slices_of(&by_account, &total.currency),
                    daily: daily
                        .iter()
                        .filter(|(_, c, _)| *c == total.currency)
                        .map(|(day, _, cost)| Point {
                            day: day.clone(),
                            cost: *cost,
                        })
                        .collect(),
                    total,
                }
            })
            .collect();
        currencies.sort_by(|a, b| b.total.effective.total_cmp(&a.total.effective));
        let open: Vec<&Recommendation> = recommendations.iter().filter(|r| !r.dismissed).collect();
        let mut savings: Vec<Amount> = Vec::new();
        for r in &open {
            match savings.iter_mut().find(|a| a.currency == r.currency) {
                Some(a) => a.amount += r.estimated_monthly_savings,
                None => savings.push(Amount {
                    currency: r.currency.clone(),
                    amount: r.estimated_monthly_savings,
                }),
            }
        }
        Ok(Overview {
            empty: false,
            latest_day: Some(latest.to_string()),
            month: Some(month_label),
            currency_note,
            currencies,
            anomalies: anomalies.iter().map(AnomalyRow::from_core).collect(),
            top_recommendations: open.into_iter().take(5).cloned().collect(),
            potential_monthly_savings: savings,
        })
    }

    /// Cost over time and in total, grouped by a dimension, filtered.
    pub fn explore(&self, query: &ExploreQuery) -> Result<Explore> {
        let config = self.config()?;
        let measure = CostMeasure::parse(&query.measure)?;
        let Some((frame, currency_note)) = self.billing(&config)? else {
            return Ok(Explore::default());
        };
        let dimension = Dimension::parse(&query.group_by, &config)?;
        let period = Period::parse(&query.period)?;
        let mut frame = burnrate_core::summary::filter_dates(
            frame,
            parse_day(query.from.as_deref())?,
            parse_day(query.to.as_deref())?,
        );
        for filter in &query.filters {
            let on = Dimension::parse(&filter.dimension, &config)?;
            frame = frame.filter(
                on.expr(&config)
                    .cast(DataType::String)
                    .eq(lit(filter.value.clone())),
            );
        }
        frames::explore(frame, &config, &dimension, period, measure, TOP_GROUPS).map(
            |mut explore| {
                explore.currency_note = currency_note;
                explore
            },
        )
    }

    /// Anomalies since a day (default: the last 30 days of data).
    pub fn anomalies(&self, since: Option<String>) -> Result<Vec<AnomalyRow>> {
        let config = self.config()?;
        let Some((frame, _)) = self.billing(&config)? else {
            return Ok(Vec::new());
        };
        let since = match parse_day(since.as_deref())? {
            Some(day) => Some(day),
            None => frames::latest_day(frame.clone())?.map(|d| d - Duration::days(29)),
        };
        let rows = anomaly::detect(frame, &config, CostMeasure::Effective, since)?;
        Ok(rows.iter().map(AnomalyRow::from_core).collect())
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
            Ok(text) => serde_json::from_str(&text).map_err(|e| ApiError {
                code: "bad_input".into(),
                message: format!("{}: {e}", self.dismissed_path().display()),
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
        burnrate_core::report::write_atomically(&path, |out| out.write_all(text.as_bytes()))?;
        Ok(())
    }

    pub fn reports(&self) -> Result<Vec<ReportInfo>> {
        let config = self.config()?;
        let library = burnrate_core::report::Library::load(&config.reports_dir());
        Ok(library
            .reports
            .values()
            .map(|r| ReportInfo {
                name: r.name.clone(),
                title: r.title.clone(),
                description: r.description.clone(),
                origin: r.origin.clone(),
                chart: r.chart.as_ref().map(|c| format!("{c:?}")),
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
        let library = burnrate_core::report::Library::load(&config.reports_dir());
        let def = library.get(name)?;
        let Some((frame, _)) = self.billing(&config)? else {
            return Ok(Table::default());
        };
        let df = def.run(
            frame,
            parse_day(from.as_deref())?,
            parse_day(to.as_deref())?,
        )?;
        frames::table(&df)
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
        let library = burnrate_core::report::Library::load(&config.reports_dir());
        let def = library.get(name)?;
        let Some((frame, _)) = self.billing(&config)? else {
            return Err(ApiError::empty());
        };
        let df = def.run(
            frame,
            parse_day(from.as_deref())?,
            parse_day(to.as_deref())?,
        )?;
        burnrate_core::report::write_atomically(path, |out| {
            burnrate_core::report::write_csv(out, &df)
        })?;
        Ok(())
    }

    pub fn schedules(&self) -> Result<Schedules> {
        let config = self.config()?;
        let now = Utc::now();
        let log = schedule::RunLog::new(&self.data_dir);
        let mut runs: Vec<ScheduleRun> = log
            .records()?
            .into_iter()
            .map(|r| ScheduleRun {
                schedule: r.schedule,
                due: r.due.to_rfc3339(),
                ok: r.ok,
                outputs: r.outputs.iter().map(|p| p.display().to_string()).collect(),
                failures: r
                    .failures
                    .into_iter()
                    .map(|(report, why)| format!("{report}: {why}"))
                    .collect(),
            })
            .collect();
        runs.reverse();
        runs.truncate(50);
        Ok(Schedules {
            schedules: config
                .schedules
                .iter()
                .map(|s| ScheduleInfo {
                    name: s.name.clone(),
                    cron: s.cron.clone(),
                    reports: s.reports.clone(),
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

fn parse_day(text: Option<&str>) -> Result<Option<NaiveDate>> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| ApiError {
                code: "usage".into(),
                message: format!("{t:?} is not a date (YYYY-MM-DD)"),
            }),
    }
}

#[cfg(test)]
mod tests;
