//! Scheduled CSV exports: which schedules are due, running them, the run log.
//!
//! Time is always passed in (`now`), so the logic is tested with an
//! injected clock. A schedule is due when its cron expression (evaluated in
//! its time zone) has fired since the last recorded run of that schedule;
//! however many fire times were missed, it runs once, for the latest one
//! (catch up once, never twice). A failed run is recorded with its reason
//! and retried at the next fire time.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::config::schedules::WhenEmpty;
use crate::config::{Config, ScheduleConfig};
use crate::error::{Error, Result};
use crate::fsutil::write_atomically;
use crate::reports::chart::ChartData;
use crate::reports::csv::write_csv;
use crate::reports::library::{Library, Tables};

/// One line of the run log.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct RunRecord {
    pub schedule: String,
    /// The fire time this run was for.
    pub due: DateTime<Utc>,
    pub started: DateTime<Utc>,
    pub ok: bool,
    pub outputs: Vec<PathBuf>,
    /// (report, why it failed)
    pub failures: Vec<(String, String)>,
    /// (report, what the user should know): the window had no data, or
    /// only part of it has data yet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<(String, String)>,
    /// The data rows of each CSV written (charts are drawn from them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<(PathBuf, u64)>,
}

/// The run log: one JSON object per line, appended and synced per run.
pub struct RunLog {
    path: PathBuf,
}

impl RunLog {
    pub fn new(data_dir: &Path) -> RunLog {
        RunLog {
            path: data_dir.join("schedule-runs.jsonl"),
        }
    }

    pub fn records(&self) -> Result<Vec<RunRecord>> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io(format!("reading {}", self.path.display()), e)),
        };
        // A torn last line (crash mid-append) is skipped, not fatal.
        Ok(text
            .lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect())
    }

    pub fn append(&self, record: &RunRecord) -> Result<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(|e| Error::io(format!("opening {}", self.path.display()), e))?;
        let line = serde_json::to_string(record).expect("a run record serializes");
        writeln!(file, "{line}")
            .and_then(|_| file.sync_all())
            .map_err(|e| Error::io(format!("writing {}", self.path.display()), e))
    }

    pub fn last_run(&self, schedule: &str) -> Result<Option<RunRecord>> {
        Ok(self
            .records()?
            .into_iter()
            .filter(|r| r.schedule == schedule)
            .max_by_key(|r| (r.due, r.started)))
    }
}

/// Schedules whose latest fire time has no recorded run, with that time.
pub fn due(
    schedules: &[ScheduleConfig],
    log: &RunLog,
    now: DateTime<Utc>,
) -> Result<Vec<(ScheduleConfig, DateTime<Utc>)>> {
    let records = log.records()?;
    let mut due = Vec::new();
    for schedule in schedules {
        let Some(fire) = schedule.last_fire(now) else {
            continue;
        };
        let done = records
            .iter()
            .any(|r| r.schedule == schedule.name && r.due >= fire);
        if !done {
            due.push((schedule.clone(), fire));
        }
    }
    Ok(due)
}

/// A file name from its pattern: `covers` is the first and last day the
/// file reports on ({from}, {to}).
fn expand(
    pattern: &str,
    report: &str,
    schedule: &str,
    date: NaiveDate,
    covers: (NaiveDate, NaiveDate),
) -> String {
    pattern
        .replace("{report}", report)
        .replace("{schedule}", schedule)
        .replace("{date}", &date.to_string())
        .replace("{from}", &covers.0.to_string())
        .replace("{to}", &covers.1.to_string())
}

/// Does `name` match `pattern` where `*` stands for any text?
fn wildcard_match(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == name;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || !name.ends_with(last) || name.len() < first.len() + last.len() {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// Deletes all but the newest `keep` files of one report's series (newest
/// by name: the dates in the names are ISO dates), counting `written` (this
/// run's file, never deleted) and deleting only files the schedule itself
/// wrote in earlier runs: a user's own file that happens to match the name
/// pattern is never touched.
fn prune(written: &Path, pattern: &str, earlier: &[PathBuf], keep: usize) -> Result<()> {
    let dir = written.parent().unwrap_or(Path::new("."));
    let mut series: Vec<&PathBuf> = earlier
        .iter()
        .filter(|p| p.as_path() != written && p.parent() == Some(dir) && p.exists())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| wildcard_match(pattern, &n.to_string_lossy()))
        })
        .collect();
    series.sort_by_key(|p| p.file_name().map(|n| n.to_os_string()));
    series.dedup();
    let excess = (series.len() + 1).saturating_sub(keep.max(1));
    for old in &series[..excess.min(series.len())] {
        std::fs::remove_file(old)
            .map_err(|e| Error::io(format!("removing old export {}", old.display()), e))?;
    }
    Ok(())
}

/// Runs every report of one schedule for fire time `due`. One failing
/// report does not stop the others; the record says which failed and why.
/// `earlier` are the files the schedule wrote in earlier runs (its run
/// log): `keep` prunes among those only.
pub fn run(
    schedule: &ScheduleConfig,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
    library: &Library,
    output_dir: &Path,
    earlier: &[PathBuf],
    tables: &dyn Fn() -> Result<Tables>,
) -> RunRecord {
    let date = schedule.local_date(due);
    let window = schedule.window.range(date);
    let mut record = RunRecord {
        schedule: schedule.name.clone(),
        due,
        started: now,
        ok: true,
        outputs: Vec::new(),
        failures: Vec::new(),
        warnings: Vec::new(),
        rows: Vec::new(),
    };
    // What the window holds is the same for every report: read it once.
    let coverage = tables().and_then(|t| Covered::of(&t, window));
    for report in &schedule.reports {
        let outcome = (|| -> Result<Written> {
            let def = library.get(report)?;
            let covered = match &coverage {
                Ok(Ok(covered)) => covered,
                Ok(Err(why)) => return Ok(Written::Nothing(why.clone())),
                Err(e) => return Err(Error::Usage(e.to_string())),
            };
            let tables = tables()?;
            let df = def.run(&tables, window.0, window.1)?;
            let file = output_dir.join(expand(
                &schedule.file_name,
                report,
                &schedule.name,
                date,
                covered.days(window),
            ));
            write_atomically(&file, |out| write_csv(out, &df))?;
            let rows = (file.clone(), df.height() as u64);
            let mut written = vec![file.clone()];
            if let (Some(kind), Some(spec)) = (&schedule.chart, &def.chart) {
                let chart = file.with_extension(kind);
                let data = ChartData::of(&df, spec, Some((covered.first, covered.last)))?;
                crate::reports::chart::render(&data, &def.title, &chart)?;
                written.push(chart);
            }
            if let Some(keep) = schedule.keep {
                let series = schedule
                    .file_name
                    .replace("{report}", report)
                    .replace("{schedule}", &schedule.name)
                    .replace("{date}", "*")
                    .replace("{from}", "*")
                    .replace("{to}", "*");
                prune(&file, &series, earlier, keep)?;
                if let (Some(kind), Some(chart)) = (&schedule.chart, written.get(1)) {
                    let charts = Path::new(&series)
                        .with_extension(kind)
                        .to_string_lossy()
                        .to_string();
                    prune(chart, &charts, earlier, keep)?;
                }
            }
            Ok(Written::Files {
                files: written,
                rows,
                partial: covered.partial.clone(),
            })
        })();
        match outcome {
            Ok(Written::Files {
                files,
                rows,
                partial,
            }) => {
                record.outputs.extend(files);
                record.rows.push(rows);
                if let Some(why) = partial {
                    record.warnings.push((report.clone(), why));
                }
            }
            Ok(Written::Nothing(why)) => match schedule.when_empty {
                WhenEmpty::Warn => record.warnings.push((report.clone(), why)),
                WhenEmpty::Fail => {
                    record.ok = false;
                    record.failures.push((report.clone(), why));
                }
            },
            Err(e) => {
                record.ok = false;
                record.failures.push((report.clone(), e.to_string()));
            }
        }
    }
    record
}

/// Runs before a schedule with `pull = true`: pulls every saved connection
/// and returns the failures as (what, why). The cloud connectors live
/// outside core, so the caller supplies this.
pub type PullStep<'a> = &'a dyn Fn(&Config, &Path) -> Vec<(String, String)>;

/// Takes the data dir's schedule lock: a cron-started `run-due`, a daemon
/// and the desktop app never run the same schedule twice.
pub fn lock(data_dir: &Path) -> Result<std::fs::File> {
    std::fs::create_dir_all(data_dir).map_err(|e| Error::io(data_dir.display().to_string(), e))?;
    let path = data_dir.join("schedule.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(path.display().to_string(), e))?;
    file.lock()
        .map_err(|e| Error::io(format!("locking {}", path.display()), e))?;
    Ok(file)
}

/// Runs one schedule for its fire time `due`: pulls first when it asks to
/// (a failed pull is recorded, and the reports still run on the data there
/// is), then exports its reports.
pub fn run_one(
    config: &Config,
    data_dir: &Path,
    schedule: &ScheduleConfig,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
    pull: PullStep<'_>,
) -> RunRecord {
    let pull_failures = if schedule.pull {
        pull(config, data_dir)
    } else {
        Vec::new()
    };
    let library = Library::load(&config.reports_dir());
    let tables = || -> Result<Tables> {
        let dataset = crate::store::Dataset::open(data_dir)?;
        let stored = dataset.snapshot()?.scan()?;
        Ok(Tables::of(stored, config)?.0)
    };
    // What this schedule wrote before, from its run log (unreadable: none,
    // so nothing is pruned rather than the wrong thing).
    let earlier: Vec<PathBuf> = RunLog::new(data_dir)
        .records()
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.schedule == schedule.name)
        .flat_map(|r| r.outputs)
        .collect();
    let mut record = run(
        schedule,
        due,
        now,
        &library,
        &config.resolve(&schedule.output_dir),
        &earlier,
        &tables,
    );
    if !pull_failures.is_empty() {
        record.ok = false;
        let mut failures = pull_failures;
        failures.extend(record.failures);
        record.failures = failures;
    }
    record
}

/// Runs every schedule that has become due since its last run, under the
/// schedule lock, appending each run to the log.
pub fn run_due(
    config: &Config,
    data_dir: &Path,
    log: &RunLog,
    now: DateTime<Utc>,
    pull: PullStep<'_>,
) -> Result<Vec<RunRecord>> {
    let _lock = lock(data_dir)?;
    let mut records = Vec::new();
    for (schedule, due) in due(&config.schedules, log, now)? {
        let record = run_one(config, data_dir, &schedule, due, Utc::now(), pull);
        log.append(&record)?;
        records.push(record);
    }
    Ok(records)
}

/// A schedule about to be saved, from the command line or the app: it has
/// a name and at least one report, and every report it names is in the
/// library. (The config file's own checks, `ScheduleConfig::validate`, run
/// when the edited file is loaded back.)
pub fn check_before_saving(schedule: &ScheduleConfig, config: &Config) -> Result<()> {
    if schedule.reports.is_empty() {
        return Err(Error::Usage("pick at least one report".into()));
    }
    let library = Library::load(&config.reports_dir());
    for report in &schedule.reports {
        library.get(report)?;
    }
    if schedule.name.trim().is_empty() {
        return Err(Error::Usage("the schedule needs a name".into()));
    }
    Ok(())
}

/// What one report of a run wrote.
enum Written {
    /// The CSV (and chart) files, the CSV's data rows, and a warning when
    /// the window is only partly covered by data.
    Files {
        files: Vec<PathBuf>,
        rows: (PathBuf, u64),
        partial: Option<String>,
    },
    /// Nothing: the window has no data (why, naming the last day with data).
    Nothing(String),
}

/// Days billing data usually trails the clock (Cost Explorer and CUR about
/// a day, Azure exports up to about three): data ending within this of the
/// window's end is as complete as it gets, not a warning.
const USUAL_DELIVERY_LAG_DAYS: i64 = 3;

/// The days with data in a run's window (by charge day).
struct Covered {
    first: NaiveDate,
    last: NaiveDate,
    /// Set when the data ends before the window does (a month still being
    /// delivered): the warning.
    partial: Option<String>,
}

impl Covered {
    /// What the window holds: its days with data, or why there is nothing
    /// to write (naming the last day with data).
    fn of(
        tables: &Tables,
        window: (Option<NaiveDate>, Option<NaiveDate>),
    ) -> Result<std::result::Result<Covered, String>> {
        use crate::period::latest_day;
        let span = match window {
            (Some(from), Some(to)) => format!("{from} to {}", to - chrono::Duration::days(1)),
            _ => "all data".to_string(),
        };
        let Some((first, last)) = tables.covered(window.0, window.1)? else {
            return Ok(Err(match latest_day(tables.billing.clone())? {
                Some(last) => {
                    format!(
                        "no data in the window ({span}): the data ends {last}; nothing was written"
                    )
                }
                None => "the dataset is empty; nothing was written".to_string(),
            }));
        };
        let partial = window
            .1
            .filter(|to| (*to - last).num_days() > 1 + USUAL_DELIVERY_LAG_DAYS)
            .map(|_| {
                format!("the data ends {last}, before the window ({span}) does: the file covers part of it")
            });
        Ok(Ok(Covered {
            first,
            last,
            partial,
        }))
    }

    /// The days a file covers, for {from} and {to}: the window's, or the
    /// data's own first and last day when the window is all data.
    fn days(&self, window: (Option<NaiveDate>, Option<NaiveDate>)) -> (NaiveDate, NaiveDate) {
        (
            window.0.unwrap_or(self.first),
            window
                .1
                .map_or(self.last, |to| to - chrono::Duration::days(1)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Window;
    use crate::config::schedules::default_file_name;
    use chrono::Duration;
    use chrono::TimeZone;
    use polars::prelude::{IntoLazy, df};

    fn schedule(cron: &str, tz: &str) -> ScheduleConfig {
        ScheduleConfig {
            name: "monthly".into(),
            reports: vec!["cost_by_account".into()],
            cron: cron.into(),
            timezone: tz.into(),
            window: Window::LastFullMonth,
            output_dir: PathBuf::from("out"),
            file_name: default_file_name(),
            chart: None,
            keep: None,
            pull: false,
            when_empty: Default::default(),
            created: None,
        }
    }

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    fn record(s: &ScheduleConfig, due: DateTime<Utc>) -> RunRecord {
        RunRecord {
            schedule: s.name.clone(),
            due,
            started: due,
            ok: true,
            outputs: vec![],
            failures: vec![],
            warnings: vec![],
            rows: vec![],
        }
    }

    #[test]
    fn due_not_due_and_catch_up_once() {
        let dir = tempfile::tempdir().unwrap();
        let log = RunLog::new(dir.path());
        let s = ScheduleConfig {
            created: Some(at(2026, 9, 15, 0, 0)),
            ..schedule("0 6 1 * *", "UTC")
        };
        let list = std::slice::from_ref(&s);
        // Before the first fire after creation: nothing due.
        assert!(due(list, &log, at(2026, 9, 30, 12, 0)).unwrap().is_empty());
        assert!(due(list, &log, at(2026, 10, 1, 5, 59)).unwrap().is_empty());
        // At the fire time: due for that fire.
        let now = at(2026, 10, 1, 6, 0);
        assert_eq!(due(list, &log, now).unwrap()[0].1, now);
        log.append(&record(&s, now)).unwrap();
        assert!(due(list, &log, at(2026, 10, 20, 0, 0)).unwrap().is_empty());
        // The machine was off for three months: one catch-up run, for the
        // latest fire time, and then nothing more.
        let late = at(2027, 1, 20, 9, 0);
        let pending = due(list, &log, late).unwrap();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].1, at(2027, 1, 1, 6, 0));
        log.append(&record(&s, pending[0].1)).unwrap();
        assert!(due(list, &log, late).unwrap().is_empty());
        // A clock with a fraction of a second finds the same fire time.
        let fractional = late + Duration::milliseconds(1234);
        assert!(due(list, &log, fractional).unwrap().is_empty());
    }

    #[test]
    fn daylight_saving_changes_fire_exactly_once_a_day() {
        // 02:30 does not exist on 2026-03-29 in Berlin and exists twice on
        // 2026-10-25. Step a clock through both days in 10-minute steps.
        for (start, label) in [
            (at(2026, 3, 27, 0, 0), "spring"),
            (at(2026, 10, 23, 0, 0), "autumn"),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let log = RunLog::new(dir.path());
            let s = ScheduleConfig {
                created: Some(start),
                ..schedule("30 2 * * *", "Europe/Berlin")
            };
            let mut runs = Vec::new();
            let mut now = start;
            while now < start + Duration::days(4) {
                for (sched, fire) in due(std::slice::from_ref(&s), &log, now).unwrap() {
                    log.append(&record(&sched, fire)).unwrap();
                    runs.push(sched.local_date(fire));
                }
                now += Duration::minutes(10);
            }
            let mut days = runs.clone();
            days.dedup();
            assert_eq!(runs.len(), 4, "{label}: {runs:?}");
            assert_eq!(days.len(), 4, "{label}: one run per local day: {runs:?}");
        }
    }

    #[test]
    fn windows() {
        let d = NaiveDate::from_ymd_opt;
        let today = d(2026, 3, 1).unwrap();
        assert_eq!(
            Window::LastFullMonth.range(today),
            (d(2026, 2, 1), d(2026, 3, 1))
        );
        assert_eq!(
            Window::MonthToDate.range(today),
            (d(2026, 2, 1), d(2026, 3, 1))
        );
        assert_eq!(
            Window::MonthToDate.range(d(2026, 3, 15).unwrap()),
            (d(2026, 3, 1), d(2026, 3, 15))
        );
        assert_eq!(
            Window::Last7Days.range(today),
            (d(2026, 2, 22), d(2026, 3, 1))
        );
        assert_eq!(Window::parse("last_30_days").unwrap(), Window::Last30Days);
        assert!(Window::parse("fortnight").is_err());
    }

    /// Rows on 2026-09-10, at the end of September, October and November.
    fn tables() -> Result<Tables> {
        let day = |m: u32, d: u32| {
            NaiveDate::from_ymd_opt(2026, m, d)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
        };
        let rows = df!(
            "ChargePeriodStart" => [day(9, 10), day(9, 30), day(10, 31), day(11, 30)],
            "BillingAccountId" => ["1", "1", "1", "1"],
            "SubAccountId" => ["a", "b", "a", "b"],
            "SubAccountName" => ["A", "B", "A", "B"],
            "BilledCost" => [1.5, 2.0, 1.0, 1.0],
            "EffectiveCost" => [1.5, 2.0, 1.0, 1.0],
            "ListCost" => [1.5, 2.0, 1.0, 1.0],
            "BillingCurrency" => ["USD", "USD", "USD", "USD"],
        )
        .unwrap()
        .lazy();
        Ok(Tables {
            billing: rows.clone(),
            stored: rows,
        })
    }

    #[test]
    fn a_failing_report_does_not_stop_the_others_and_old_files_are_pruned() {
        // (Pruning deletes only what the schedule wrote: the user's own
        // file below matches the name pattern and sorts first, and stays.)
        let reports = tempfile::tempdir().unwrap();
        std::fs::write(
            reports.path().join("broken.sql"),
            "-- name: broken\n-- title: t\n-- description: d\n-- columns: x, currency\nSELECT NoSuchColumn AS x FROM billing",
        )
        .unwrap();
        let library = Library::load(reports.path());
        let out = tempfile::tempdir().unwrap();
        let s = ScheduleConfig {
            reports: vec!["broken".into(), "cost_by_account".into()],
            keep: Some(2),
            chart: Some("svg".into()),
            ..schedule("0 6 1 * *", "UTC")
        };
        // A file of the user's that matches the series' name pattern.
        std::fs::write(
            out.path().join("cost_by_account-2025-01-01_budget.csv"),
            "mine",
        )
        .unwrap();
        let mut earlier = Vec::new();
        for month in [10, 11, 12] {
            let fire = at(2026, month, 1, 6, 0);
            let r = run(&s, fire, fire, &library, out.path(), &earlier, &tables);
            earlier.extend(r.outputs.clone());
            assert!(!r.ok);
            assert_eq!(r.failures.len(), 1);
            assert_eq!(r.failures[0].0, "broken");
            assert!(r.failures[0].1.contains("NoSuchColumn"), "{:?}", r.failures);
            assert_eq!(r.outputs.len(), 2, "csv and chart of the working report");
            assert!(r.warnings.is_empty(), "{:?}", r.warnings);
            assert_eq!(r.rows.len(), 1);
            assert_eq!(r.rows[0].0, r.outputs[0]);
        }
        let mut names: Vec<String> = std::fs::read_dir(out.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        assert_eq!(
            names,
            vec![
                "cost_by_account-2025-01-01_budget.csv",
                "cost_by_account-2026-10-01_2026-10-31.csv",
                "cost_by_account-2026-10-01_2026-10-31.svg",
                "cost_by_account-2026-11-01_2026-11-30.csv",
                "cost_by_account-2026-11-01_2026-11-30.svg",
            ]
        );
        // Header, CRLF, currency column.
        let text =
            std::fs::read_to_string(out.path().join("cost_by_account-2026-11-01_2026-11-30.csv"))
                .unwrap();
        assert!(text.starts_with("billing_account,sub_account,sub_account_name,billed_cost,effective_cost,list_cost,currency\r\n"), "{text}");
    }

    /// Issue 18: a window with no data is never an empty file reported as
    /// ok; a window the data covers only in part says so.
    #[test]
    fn a_window_without_data_writes_nothing_and_warns_or_fails() {
        let library = Library::load(Path::new("/nonexistent"));
        let out = tempfile::tempdir().unwrap();
        let warn = ScheduleConfig {
            reports: vec!["cost_by_account".into()],
            ..schedule("0 6 1 * *", "UTC")
        };
        // January 2027's run reports on December: the data ends 2026-11-30.
        let fire = at(2027, 1, 1, 6, 0);
        let r = run(&warn, fire, fire, &library, out.path(), &[], &tables);
        assert!(r.ok);
        assert!(r.outputs.is_empty() && r.rows.is_empty());
        assert_eq!(r.warnings.len(), 1);
        assert!(
            r.warnings[0].1.contains("the data ends 2026-11-30")
                && r.warnings[0].1.contains("2026-12-01 to 2026-12-31"),
            "{:?}",
            r.warnings
        );
        let fail = ScheduleConfig {
            when_empty: WhenEmpty::Fail,
            ..warn.clone()
        };
        let r = run(&fail, fire, fire, &library, out.path(), &[], &tables);
        assert!(!r.ok);
        assert!(r.failures[0].1.contains("the data ends 2026-11-30"));
        assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);

        // The last 30 days before 2026-12-20: data until 2026-11-30 only.
        let partial = ScheduleConfig {
            window: Window::Last30Days,
            ..warn
        };
        let fire = at(2026, 12, 20, 6, 0);
        let r = run(&partial, fire, fire, &library, out.path(), &[], &tables);
        assert!(r.ok);
        let file = out.path().join("cost_by_account-2026-11-20_2026-12-19.csv");
        assert_eq!(r.rows, vec![(file.clone(), 1)]);
        assert!(file.is_file());
        assert!(
            r.warnings[0].1.contains("the data ends 2026-11-30"),
            "{:?}",
            r.warnings
        );
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("a-*.csv", "a-2026-01-01.csv"));
        assert!(!wildcard_match("a-*.csv", "ab-2026.csv"));
        assert!(!wildcard_match("a-*.csv", "a-2026.svg"));
    }
}
