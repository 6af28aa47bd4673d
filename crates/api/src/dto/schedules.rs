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
    /// Placeholders {report} {schedule} {date} {from} {to}.
    pub file_name: String,
    /// png or svg, or none.
    pub chart: Option<String>,
    pub keep: Option<u32>,
    pub pull: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ScheduleInfo {
    pub form: ScheduleForm,
    pub next_run: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct ScheduleRun {
    pub schedule: String,
    pub due: String,
    pub ok: bool,
    pub outputs: Vec<String>,
    /// `report: why it failed`.
    pub failures: Vec<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Schedules {
    pub schedules: Vec<ScheduleInfo>,
    /// Newest first.
    pub runs: Vec<ScheduleRun>,
}
