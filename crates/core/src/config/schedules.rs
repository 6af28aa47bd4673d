//! Schedule settings (`[[schedules]]`): which reports, when (cron in a time
//! zone), over which window, and where the files go. Running them is
//! `reports::schedule`.

use std::path::PathBuf;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;
use croner::Cron;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ScheduleConfig {
    pub name: String,
    /// Report names (see `burnrate reports`).
    pub reports: Vec<String>,
    /// Five-field cron expression, e.g. "0 6 1 * *" (06:00 on the 1st).
    pub cron: String,
    /// IANA time zone the cron expression and the dates are read in.
    #[serde(default = "utc")]
    pub timezone: String,
    #[serde(default)]
    pub window: Window,
    pub output_dir: PathBuf,
    /// File name with placeholders {report}, {schedule}, {date} (the run's
    /// local date), {from} and {to} (the window).
    #[serde(default = "default_file_name")]
    pub file_name: String,
    /// Also draw each report's chart: "png" or "svg".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart: Option<String>,
    /// Keep only this many past files per report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep: Option<usize>,
    /// Pull every configured connection before running the reports.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pull: bool,
    /// What a run does when its window has no data: a warning (default) or
    /// a failure. Either way no file is written for it.
    #[serde(default, skip_serializing_if = "WhenEmpty::is_warn")]
    pub when_empty: WhenEmpty,
    /// Fire times before this are never due (set by `schedule add`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<DateTime<Utc>>,
}

fn utc() -> String {
    "UTC".into()
}

/// Named by the period the file covers ({from}, {to}: the window's first
/// and last day), not only by the day it was written.
pub(crate) fn default_file_name() -> String {
    "{report}-{from}_{to}.csv".into()
}

/// What a scheduled run does when its window holds no data (the data ends
/// before it, say): never an empty file reported as "ok".
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum WhenEmpty {
    /// Write nothing for it and record a warning naming the last day with data.
    #[default]
    Warn,
    /// The same, recorded as a failure (retried at the next fire time).
    Fail,
}

impl WhenEmpty {
    fn is_warn(&self) -> bool {
        *self == WhenEmpty::Warn
    }

    pub fn parse(text: &str) -> Result<WhenEmpty> {
        match text {
            "warn" => Ok(WhenEmpty::Warn),
            "fail" => Ok(WhenEmpty::Fail),
            _ => Err(Error::Usage(format!(
                "unknown when_empty {text:?}; use warn or fail"
            ))),
        }
    }
}

/// The date range a scheduled run reports on, relative to its local date.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Window {
    /// The previous calendar month.
    #[default]
    LastFullMonth,
    /// From the 1st of the month of yesterday up to today (on the 1st: the
    /// whole previous month).
    MonthToDate,
    Yesterday,
    Last7Days,
    Last30Days,
    /// All data.
    All,
}

impl Window {
    pub fn parse(text: &str) -> Result<Window> {
        Ok(match text {
            "last_full_month" => Window::LastFullMonth,
            "month_to_date" => Window::MonthToDate,
            "yesterday" => Window::Yesterday,
            "last_7_days" => Window::Last7Days,
            "last_30_days" => Window::Last30Days,
            "all" => Window::All,
            _ => {
                return Err(Error::Usage(format!(
                    "unknown window {text:?}; use last_full_month, month_to_date, yesterday, last_7_days, last_30_days or all"
                )));
            }
        })
    }

    /// `[from, to)` for a run on local date `today`.
    pub fn range(self, today: NaiveDate) -> (Option<NaiveDate>, Option<NaiveDate>) {
        let first_of = |d: NaiveDate| d.with_day(1).expect("day 1 exists");
        match self {
            Window::LastFullMonth => {
                let this_month = first_of(today);
                (
                    Some(first_of(this_month - Duration::days(1))),
                    Some(this_month),
                )
            }
            Window::MonthToDate => (Some(first_of(today - Duration::days(1))), Some(today)),
            Window::Yesterday => (Some(today - Duration::days(1)), Some(today)),
            Window::Last7Days => (Some(today - Duration::days(7)), Some(today)),
            Window::Last30Days => (Some(today - Duration::days(30)), Some(today)),
            Window::All => (None, None),
        }
    }
}

impl ScheduleConfig {
    pub fn validate(&self) -> std::result::Result<(), String> {
        let what = format!("schedule {:?}", self.name);
        self.cron().map_err(|e| {
            let why = e
                .trim_start_matches("Component error: ")
                .trim_start_matches("Invalid pattern: ")
                .trim_end_matches('.');
            format!(
                "{what}: cron {:?} is not a cron expression ({why}): five fields, minute (0-59) \
                 hour (0-23) day-of-month (1-31) month (1-12) day-of-week (0-6, 0 = Sunday); \
                 \"0 6 1 * *\" is 06:00 on the 1st",
                self.cron
            )
        })?;
        self.tz().map_err(|_| {
            format!(
                "{what}: unknown time zone {:?} (use an IANA name such as Europe/Berlin)",
                self.timezone
            )
        })?;
        if self.reports.is_empty() {
            return Err(format!("{what}: list at least one report"));
        }
        if let Some(kind) = &self.chart
            && kind != "png"
            && kind != "svg"
        {
            return Err(format!("{what}: chart must be \"png\" or \"svg\""));
        }
        if !self.file_name.contains("{report}") && self.reports.len() > 1 {
            return Err(format!(
                "{what}: with several reports the file name needs {{report}}"
            ));
        }
        Ok(())
    }

    fn cron(&self) -> std::result::Result<Cron, String> {
        Cron::from_str(&self.cron).map_err(|e| e.to_string())
    }

    fn tz(&self) -> std::result::Result<Tz, String> {
        self.timezone.parse::<Tz>().map_err(|e| e.to_string())
    }

    /// The latest fire time at or before `now` (and not before `created`).
    pub fn last_fire(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let cron = self.cron().ok()?;
        let tz = self.tz().ok()?;
        // Cron works in whole seconds; croner would carry `now`'s fraction
        // into the fire time, and every call would find a "new" fire.
        let fire = cron
            .find_previous_occurrence(&now.with_timezone(&tz), true)
            .ok()?
            .with_timezone(&Utc)
            .with_nanosecond(0)?;
        match self.created {
            Some(created) if fire < created => None,
            _ => Some(fire),
        }
    }

    /// The first fire time after `now`.
    pub fn next_fire(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let cron = self.cron().ok()?;
        let tz = self.tz().ok()?;
        cron.find_next_occurrence(&now.with_timezone(&tz), false)
            .ok()
            .and_then(|t| t.with_timezone(&Utc).with_nanosecond(0))
    }

    /// A time in the schedule's own zone with UTC beside it, for people:
    /// `2026-12-01 06:00 Europe/Berlin (05:00 UTC)`.
    pub fn local_time_text(&self, at: DateTime<Utc>) -> String {
        let utc = at.format("%Y-%m-%d %H:%M UTC").to_string();
        match self.tz() {
            Ok(tz) if tz != chrono_tz::UTC => format!(
                "{} {} ({} UTC)",
                at.with_timezone(&tz).format("%Y-%m-%d %H:%M"),
                self.timezone,
                at.format("%H:%M")
            ),
            _ => utc,
        }
    }

    /// The run's local date (for windows and file names).
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        match self.tz() {
            Ok(tz) => at.with_timezone(&tz).date_naive(),
            Err(_) => at.date_naive(),
        }
    }
}
