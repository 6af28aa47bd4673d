//! Scheduled exports: list, save, remove, run now, and the due ones while the app is open.

use super::*;

impl Backend {
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
                    next_run_local: s.next_fire(now).map(|t| s.local_time_text(t)),
                })
                .collect(),
            runs,
        })
    }

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
            when_empty: burnrate_core::config::schedules::WhenEmpty::parse(&form.when_empty)?,
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
        when_empty: serde_json::to_value(s.when_empty)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
    }
}

fn run_of(r: schedule::RunRecord) -> ScheduleRun {
    ScheduleRun {
        schedule: r.schedule,
        due: r.due.to_rfc3339(),
        ok: r.ok,
        outputs: r.outputs.iter().map(|p| p.display().to_string()).collect(),
        files: r
            .outputs
            .iter()
            .map(|path| RunFile {
                path: path.display().to_string(),
                rows: r
                    .rows
                    .iter()
                    .find(|(csv, _)| csv == path)
                    .map(|(_, rows)| *rows as f64),
            })
            .collect(),
        failures: r
            .failures
            .into_iter()
            .map(|(report, why)| format!("{report}: {why}"))
            .collect(),
        warnings: r
            .warnings
            .into_iter()
            .map(|(report, why)| format!("{report}: {why}"))
            .collect(),
    }
}
