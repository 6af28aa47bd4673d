//! The analysis commands: trend, movers, forecast, anomalies, untagged,
//! allocate, reports and report. Each loads the `billing` table (dataset or
//! files, currency conversion, allocation keys), calls the core library and
//! prints a frame.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use burnrate_core::config::Config;
use burnrate_core::fsutil::write_atomically;
use burnrate_core::query::dimension::Dimension;
use burnrate_core::reports::library::{Library, Tables};
use burnrate_core::{
    analysis::allocation, analysis::anomaly, analysis::commitments, analysis::forecast,
    analysis::trend, optimize, query::rules,
};
use polars::prelude::*;

use crate::args::{Command, DateRange};
use crate::output::{Format, write_frame};

/// A frame as JSON rows, through the same writer `--format json` uses.
fn frame_to_json(df: &DataFrame) -> Result<serde_json::Value> {
    let mut buffer = Vec::new();
    write_frame(&mut buffer, df, crate::output::Format::Json)?;
    Ok(serde_json::from_slice(&buffer)?)
}

pub struct Context<'a> {
    pub data_dir: Option<PathBuf>,
    pub config: &'a Config,
}

impl Context<'_> {
    /// Runs `f` over the `billing` table of the dataset (or of `files`),
    /// telling the user on stderr when figures were converted.
    pub fn with_billing<T>(
        &self,
        files: &[String],
        f: impl FnOnce(LazyFrame) -> Result<T>,
    ) -> Result<T> {
        crate::with_frame(self.data_dir.clone(), files, |frame| {
            let billing = rules::billing(frame, self.config)?;
            if let Some(note) = &billing.currency_note {
                eprintln!("note: {note}");
            }
            f(billing.frame)
        })
    }

    /// Runs `f` over the report tables of the dataset, or of `files`.
    pub fn with_tables<T>(
        &self,
        files: &[String],
        f: impl FnOnce(&Tables) -> Result<T>,
    ) -> Result<T> {
        crate::with_frame(self.data_dir.clone(), files, |stored| {
            let (tables, currency_note) = Tables::of(stored, self.config)?;
            if let Some(note) = &currency_note {
                eprintln!("note: {note}");
            }
            f(&tables)
        })
    }

    fn dimension(&self, text: &str) -> Result<Dimension> {
        Ok(Dimension::parse(text, self.config)?)
    }

    pub fn run(&self, command: Command, out: &mut dyn Write) -> Result<ExitCode> {
        let config = self.config;
        match command {
            Command::Trend {
                by,
                period,
                cost,
                dates: DateRange { from, to },
                format,
            } => {
                let by = by.map(|b| self.dimension(&b)).transpose()?;
                let measure = cost;
                let df = self.with_billing(&[], |frame| {
                    let frame = burnrate_core::period::filter_dates(frame, from, to);
                    Ok(trend::series(frame, config, by.as_ref(), period, measure)?)
                })?;
                write_frame(out, &df, format)?;
            }
            Command::Movers {
                by,
                days,
                top,
                cost,
                format,
            } => {
                let by = self.dimension(&by)?;
                let measure = cost;
                if days == 0 {
                    anyhow::bail!(burnrate_core::Error::Usage(
                        "--days must be at least 1".into()
                    ));
                }
                let df = self.with_billing(&[], |frame| {
                    Ok(trend::movers(frame, config, &by, measure, days, top)?)
                })?;
                write_frame(out, &df, format)?;
            }
            Command::Forecast { by, cost, format } => {
                let dim = by.as_deref().map(|b| self.dimension(b)).transpose()?;
                let measure = cost;
                let rows = self.with_billing(&[], |frame| {
                    Ok(forecast::forecast(frame, config, dim.as_ref(), measure)?)
                })?;
                let label = dim.map(|d| d.label()).unwrap_or_else(|| "series".into());
                write_frame(
                    out,
                    &forecast::forecast_frame(&label, &rows, measure)?,
                    format,
                )?;
            }
            Command::Anomalies {
                since,
                threshold,
                cost,
                format,
            } => {
                let measure = cost;
                let mut config = config.clone();
                if let Some(t) = threshold {
                    config.anomalies.threshold = t;
                }
                let rows = self.with_billing(&[], |frame| {
                    Ok(anomaly::detect(frame, &config, measure, since)?)
                })?;
                write_frame(out, &anomaly::anomaly_frame(&rows)?, format)?;
            }
            Command::Untagged {
                key,
                top,
                cost,
                dates: DateRange { from, to },
                format,
            } => {
                let measure = cost;
                let df = self.with_billing(&[], |frame| {
                    let frame = burnrate_core::period::filter_dates(frame, from, to);
                    Ok(match &key {
                        Some(key) => {
                            allocation::untagged_resources(frame, config, key, measure, top)?
                        }
                        None => allocation::untagged_by_key(frame, config, measure)?,
                    })
                })?;
                write_frame(out, &df, format)?;
            }
            Command::Allocate {
                key,
                cost,
                dates: DateRange { from, to },
                format,
            } => {
                let measure = cost;
                let lines = self.with_billing(&[], |frame| {
                    let frame = burnrate_core::period::filter_dates(frame, from, to);
                    Ok(allocation::allocate(frame, config, &key, measure)?)
                })?;
                write_frame(out, &allocation::allocation_frame(&key, &lines)?, format)?;
            }
            Command::Recommend {
                kind,
                min_savings,
                window,
                format,
            } => {
                let mut settings = config.optimize.clone();
                if let Some(days) = window {
                    settings.window_days = days;
                }
                let data_dir = crate::data_dir(self.data_dir.clone())?;
                let mut findings = self.with_billing(&[], |frame| {
                    let mut findings =
                        optimize::recommend(frame.clone(), &settings, Some(&data_dir))?.findings;
                    optimize::label(frame, config, &mut findings)?;
                    Ok(findings)
                })?;
                findings.retain(|f| {
                    kind.is_none_or(|k| f.kind == k) && f.estimated_monthly_savings >= min_savings
                });
                if format == crate::output::Format::Json {
                    // Nested evidence for scripts and the app.
                    serde_json::to_writer_pretty(&mut *out, &findings)?;
                    writeln!(out)?;
                } else {
                    write_frame(out, &optimize::findings_frame(&findings)?, format)?;
                    if format == crate::output::Format::Table && !findings.is_empty() {
                        let totals: Vec<String> = optimize::potential_savings(&findings)
                            .iter()
                            .map(|(currency, amount)| format!("{amount:.2} {currency}"))
                            .collect();
                        writeln!(
                            out,
                            "\npotential savings: {} per month (effective cost; alternatives on one instance counted once, the `counted` column)",
                            totals.join(" + ")
                        )?;
                    }
                }
            }
            Command::Commitments {
                view,
                window,
                format,
            } => {
                let views = ["utilization", "coverage", "savings-plan"];
                let chosen: Vec<&str> = match view.as_deref() {
                    None => views.to_vec(),
                    Some(v) if views.contains(&v) => vec![v],
                    Some(v) => anyhow::bail!(burnrate_core::Error::Usage(format!(
                        "unknown view {v:?}; use utilization, coverage or savings-plan"
                    ))),
                };
                if chosen.len() > 1 && format == crate::output::Format::Csv {
                    anyhow::bail!(burnrate_core::Error::Usage(
                        "CSV holds one table: add --view utilization, coverage or savings-plan"
                            .into()
                    ));
                }
                // The plan is the one the recommendations split over the
                // instances (`commitment_candidate`), sized on this window.
                let mut settings = config.optimize.clone();
                settings.window_days = window;
                let data_dir = crate::data_dir(self.data_dir.clone())?;
                let (utilization, coverage, plan) = self.with_billing(&[], |frame| {
                    Ok((
                        commitments::utilization(frame.clone())?,
                        commitments::coverage(frame.clone())?,
                        optimize::recommend(frame, &settings, Some(&data_dir))?.savings_plan,
                    ))
                })?;
                let plan_frame = DataFrame::new_infer_height(match &plan {
                    Some(p) => {
                        let value = serde_json::to_value(p)?;
                        let object = value.as_object().cloned().unwrap_or_default();
                        vec![
                            Column::new("field".into(), object.keys().cloned().collect::<Vec<_>>()),
                            Column::new(
                                "value".into(),
                                object
                                    .values()
                                    .map(|v| match v {
                                        serde_json::Value::Number(n) => {
                                            format!("{:.4}", n.as_f64().unwrap_or(0.0))
                                        }
                                        serde_json::Value::String(s) => s.clone(),
                                        other => other.to_string(),
                                    })
                                    .collect::<Vec<_>>(),
                            ),
                        ]
                    }
                    None => vec![
                        Column::new("field".into(), Vec::<String>::new()),
                        Column::new("value".into(), Vec::<String>::new()),
                    ],
                })?;
                if format == crate::output::Format::Json {
                    let mut object = serde_json::Map::new();
                    for v in &chosen {
                        let value = match *v {
                            "utilization" => frame_to_json(&utilization)?,
                            "coverage" => frame_to_json(&coverage)?,
                            _ => serde_json::to_value(&plan)?,
                        };
                        object.insert(v.replace('-', "_"), value);
                    }
                    serde_json::to_writer_pretty(&mut *out, &object)?;
                    writeln!(out)?;
                } else {
                    for v in &chosen {
                        if chosen.len() > 1 {
                            writeln!(
                                out,
                                "== {}",
                                match *v {
                                    "utilization" =>
                                        "commitment utilization (effective cost: used / (used + unused))",
                                    "coverage" =>
                                        "coverage (on-demand-equivalent cost covered by commitments)",
                                    _ =>
                                        "Savings Plan recommendation (hourly on-demand EC2 spend of the window, after each instance's chosen change; split over the instances in `burnrate recommend --kind commitment_candidate`)",
                                }
                            )?;
                        }
                        let df = match *v {
                            "utilization" => &utilization,
                            "coverage" => &coverage,
                            _ => &plan_frame,
                        };
                        write_frame(out, df, format)?;
                        if chosen.len() > 1 {
                            writeln!(out)?;
                        }
                    }
                }
            }
            Command::Reports { format } => {
                let library = Library::load(&config.reports_dir());
                let schema_only = crate::with_frame(self.data_dir.clone(), &[], |stored| {
                    Ok(Tables::of(stored.limit(0), config)?.0)
                });
                let mut names = Vec::new();
                let mut titles = Vec::new();
                let mut origins = Vec::new();
                let mut status = Vec::new();
                for def in library.reports.values() {
                    names.push(def.name.clone());
                    titles.push(def.title.clone());
                    origins.push(def.origin.clone());
                    status.push(match &schema_only {
                        Ok(tables) => match def.check(tables) {
                            Ok(()) => "ok".to_string(),
                            Err(e) => e.to_string(),
                        },
                        Err(_) => "not checked (no dataset)".to_string(),
                    });
                }
                for problem in &library.problems {
                    names.push(String::new());
                    titles.push(String::new());
                    origins.push(String::new());
                    status.push(problem.to_string());
                }
                let df = DataFrame::new_infer_height(vec![
                    Column::new("name".into(), names),
                    Column::new("title".into(), titles),
                    Column::new("status".into(), status),
                    Column::new("file".into(), origins),
                ])?;
                write_frame(out, &df, format)?;
                if !library.problems.is_empty() {
                    return Ok(ExitCode::from(1));
                }
            }
            Command::Report {
                name,
                dates: DateRange { from, to },
                format,
                out: file,
                chart,
                files,
            } => {
                let library = Library::load(&config.reports_dir());
                let def = library.get(&name)?;
                if chart.is_some() && def.chart.is_none() {
                    return Err(burnrate_core::Error::Usage(format!(
                        "report {name} declares no chart"
                    ))
                    .into());
                }
                let (df, drawn) = self.with_tables(&files, |tables| {
                    let df = def.run(tables, from, to)?;
                    let drawn = match chart {
                        Some(_) => def.chart_data(&df, tables, from, to)?,
                        None => None,
                    };
                    Ok((df, drawn))
                })?;
                if let (Some(path), Some(drawn)) = (&chart, &drawn) {
                    burnrate_core::reports::chart::render(drawn, &def.title, path)?;
                }
                match file {
                    Some(path) => {
                        let format = format.unwrap_or_else(|| Format::of_file(&path));
                        write_atomically(&path, |w| write_frame(w, &df, format))?
                    }
                    None => write_frame(out, &df, format.unwrap_or(Format::Table))?,
                }
            }
            _ => unreachable!("not an analysis command"),
        }
        Ok(ExitCode::SUCCESS)
    }
}
