//! `burnrate schedule`: list, add, remove, run, run-due and daemon.
//!
//! Schedules live in the config file (added and removed with `toml_edit`,
//! so the user's comments survive); the run log lives in the data dir. A
//! file lock in the data dir keeps a cron-started `run-due` and a running
//! daemon from running the same schedule twice.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use burnrate_core::Error;
use burnrate_core::config::Config;
use burnrate_core::config::schedules::WhenEmpty;
use burnrate_core::config::{ScheduleConfig, Window};
use burnrate_core::reports::schedule::{self, RunLog, RunRecord};
use chrono::Utc;
use clap::Subcommand;
use polars::prelude::*;

use crate::output::{Format, write_frame};

#[derive(Subcommand)]
pub enum ScheduleAction {
    /// Schedules with their next and last runs.
    List {
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Add a schedule to the config file.
    Add {
        name: String,
        /// Report to export (repeat for several).
        #[arg(long = "report", required = true)]
        reports: Vec<String>,
        /// Five-field cron expression, e.g. "0 6 1 * *".
        #[arg(long)]
        cron: String,
        #[arg(long, default_value = "UTC")]
        timezone: String,
        /// last_full_month, month_to_date, yesterday, last_7_days, last_30_days or all.
        #[arg(long, default_value = "last_full_month")]
        window: String,
        #[arg(long)]
        output_dir: PathBuf,
        /// Placeholders: {report} {schedule} {date} (the run's day), {from}
        /// and {to} (the first and last day of the window).
        #[arg(long, default_value = "{report}-{from}_{to}.csv")]
        file_name: String,
        /// Also draw each report's chart: png or svg.
        #[arg(long)]
        chart: Option<String>,
        /// Keep only this many past files per report.
        #[arg(long)]
        keep: Option<usize>,
        /// Pull every configured connection before running the reports.
        #[arg(long)]
        pull: bool,
        /// When the window has no data: warn (write nothing, record a
        /// warning) or fail (write nothing, record a failure).
        #[arg(long, default_value = "warn", value_parser = WhenEmpty::parse)]
        when_empty: WhenEmpty,
    },
    /// Remove a schedule from the config file.
    Remove { name: String },
    /// Run one schedule now.
    Run { name: String },
    /// Run every schedule that has become due since its last run (for cron
    /// or a systemd timer); a missed run is caught up once.
    RunDue,
    /// Keep running and fire schedules on time.
    Daemon,
}

pub fn run(
    action: ScheduleAction,
    config_file: &Path,
    config_required: bool,
    data_dir_option: Option<PathBuf>,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let config = Config::load(config_file, config_required)?;
    let data_dir = crate::data_dir(data_dir_option)?;
    let log = RunLog::new(&data_dir);
    match action {
        ScheduleAction::List { format } => {
            let now = Utc::now();
            let mut rows: Vec<[String; 6]> = Vec::new();
            for s in &config.schedules {
                let last = log.last_run(&s.name)?;
                rows.push([
                    s.name.clone(),
                    format!("{} ({})", s.cron, s.timezone),
                    s.reports.join(" "),
                    s.next_fire(now)
                        .map(|t| s.local_time_text(t))
                        .unwrap_or_default(),
                    last.as_ref()
                        .map(|r| r.started.format("%Y-%m-%d %H:%M:%S UTC").to_string())
                        .unwrap_or_else(|| "never".into()),
                    last.map(describe).unwrap_or_default(),
                ]);
            }
            let column = |i: usize, name: &str| {
                Column::new(
                    name.into(),
                    rows.iter().map(|r| r[i].clone()).collect::<Vec<_>>(),
                )
            };
            let df = DataFrame::new_infer_height(vec![
                column(0, "name"),
                column(1, "cron"),
                column(2, "reports"),
                column(3, "next_run"),
                column(4, "last_run"),
                column(5, "last_outcome"),
            ])?;
            write_frame(out, &df, format)?;
        }
        ScheduleAction::Add {
            name,
            reports,
            cron,
            timezone,
            window,
            output_dir,
            file_name,
            chart,
            keep,
            pull,
            when_empty,
        } => {
            let schedule = ScheduleConfig {
                name,
                reports,
                cron,
                timezone,
                window: Window::parse(&window)?,
                output_dir,
                file_name,
                chart,
                keep,
                pull,
                when_empty,
                created: Some(Utc::now()),
            };
            schedule::check_before_saving(&schedule, &config)?;
            burnrate_core::config::edit::add_schedule(config_file, &schedule)?;
            writeln!(
                out,
                "added schedule {} to {}",
                schedule.name,
                config_file.display()
            )?;
            if let Some(next) = schedule.next_fire(Utc::now()) {
                writeln!(out, "next run: {}", schedule.local_time_text(next))?;
            }
        }
        ScheduleAction::Remove { name } => {
            burnrate_core::config::edit::remove_schedule(config_file, &name)?;
            writeln!(out, "removed schedule {name}")?;
        }
        ScheduleAction::Run { name } => {
            let schedule = config
                .schedules
                .iter()
                .find(|s| s.name == name)
                .ok_or_else(|| {
                    Error::Usage(format!("no schedule {name:?} in {}", config_file.display()))
                })?;
            let now = Utc::now();
            let _lock = schedule::lock(&data_dir)?;
            let record = schedule::run_one(
                &config,
                &data_dir,
                schedule,
                now,
                now,
                &burnrate_cloud::connections::schedule_pull_step,
            );
            log.append(&record)?;
            print_record(out, &record)?;
            return Ok(exit_code(&[record]));
        }
        ScheduleAction::RunDue => {
            let records = schedule::run_due(
                &config,
                &data_dir,
                &log,
                Utc::now(),
                &burnrate_cloud::connections::schedule_pull_step,
            )?;
            for record in &records {
                print_record(out, record)?;
            }
            if records.is_empty() {
                writeln!(out, "nothing due")?;
            }
            return Ok(exit_code(&records));
        }
        ScheduleAction::Daemon => {
            // Multi-threaded: Polars uses the runtime it finds itself in and
            // needs `block_in_place`, which a current-thread runtime forbids.
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_time()
                .enable_io()
                .build()
                .context("starting the scheduler")?;
            runtime.block_on(daemon(config_file, config_required, &data_dir))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn exit_code(records: &[RunRecord]) -> ExitCode {
    if records.iter().all(|r| r.ok) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn describe(record: RunRecord) -> String {
    let listed = |items: &[(String, String)]| {
        items
            .iter()
            .map(|(report, why)| format!("{report}: {why}"))
            .collect::<Vec<_>>()
            .join("; ")
    };
    if !record.ok {
        format!(
            "FAILED, retried at the next run: {}",
            listed(&record.failures)
        )
    } else if !record.warnings.is_empty() {
        format!(
            "WARNING ({} files): {}",
            record.outputs.len(),
            listed(&record.warnings)
        )
    } else {
        format!("ok ({} files)", record.outputs.len())
    }
}

fn print_record(out: &mut dyn Write, record: &RunRecord) -> Result<()> {
    writeln!(
        out,
        "schedule {} (due {}): {}",
        record.schedule,
        record.due.format("%Y-%m-%d %H:%M:%S UTC"),
        describe(record.clone())
    )?;
    for file in &record.outputs {
        match record.rows.iter().find(|(csv, _)| csv == file) {
            Some((_, rows)) => writeln!(out, "  wrote {} ({rows} rows)", file.display())?,
            None => writeln!(out, "  wrote {}", file.display())?,
        }
    }
    Ok(())
}

async fn daemon(config_file: &Path, required: bool, data_dir: &Path) -> Result<()> {
    eprintln!(
        "burnrate scheduler running (config {}); Ctrl-C stops it",
        config_file.display()
    );
    loop {
        // Re-read the config each round so edits apply without a restart.
        let config = Config::load(config_file, required)?;
        // Reports are heavy, blocking work: off the async threads.
        let records = {
            let (config, data_dir) = (config.clone(), data_dir.to_path_buf());
            tokio::task::spawn_blocking(move || {
                schedule::run_due(
                    &config,
                    &data_dir,
                    &RunLog::new(&data_dir),
                    Utc::now(),
                    &burnrate_cloud::connections::schedule_pull_step,
                )
            })
            .await
            .context("the scheduler's worker stopped")??
        };
        for record in records {
            let mut stderr = std::io::stderr();
            print_record(&mut stderr, &record)?;
        }
        let now = Utc::now();
        let next = config
            .schedules
            .iter()
            .filter_map(|s| s.next_fire(now))
            .min();
        // Wake at the next fire time, but at least once a minute, so clock
        // changes and suspends cannot make the daemon oversleep.
        let wait = next
            .map(|t| (t - now).to_std().unwrap_or_default())
            .unwrap_or(std::time::Duration::from_secs(60))
            .min(std::time::Duration::from_secs(60));
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
    }
}
