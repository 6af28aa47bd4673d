//! Scheduled exports as the app lists, edits and runs them.

use serde::Serialize;
use ts_rs::TS;

/// A schedule as the app shows and edits it (the config file's fields).
#[derive(Debug, Clone, Serialize, serde::Deserialize, TS)]
pub struct ScheduleForm {
    pub name: String,
    pub reports: Vec<String>,
    /// Five-field cron, e.g. `0 6 1 * *`.
    pub cron: String,
    /// IANA time zone, e.g. `Europe/Berlin`.
    pub timezone: String,
    /// last_full_month, month_to_date, yesterday, last_7_days, last_30_days or all.
    pub window: String,
    pub output_dir: String,
    /// Placeholders {report} {schedule} {date} (the run's day), {from} and
    /// {to} (the window's first and last day).
    pub file_name: String,
    /// png or svg, or none.
    pub chart: Option<String>,
    pub keep: Option<u32>,
    pub pull: bool,
    /// warn or fail: what a run does when its window has no data.
    pub when_empty: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ScheduleInfo {
    pub form: ScheduleForm,
    pub next_run: Option<String>,
    /// The next run in the schedule's own time zone, with UTC beside it:
    /// `2026-12-01 06:00 Europe/Berlin (05:00 UTC)`.
    pub next_run_local: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ScheduleRun {
    pub schedule: String,
    pub due: String,
    pub ok: bool,
    pub outputs: Vec<String>,
    /// The files written, with the data rows of each CSV.
    pub files: Vec<RunFile>,
    /// `report: why it failed`.
    pub failures: Vec<String>,
    /// `report: what to know` (no data in the window, or only part of it).
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RunFile {
    pub path: String,
    /// Data rows (CSV files; none for charts).
    pub rows: Option<f64>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Schedules {
    pub schedules: Vec<ScheduleInfo>,
    /// Newest first.
    pub runs: Vec<ScheduleRun>,
}
