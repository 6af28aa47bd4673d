//! The SQL report library: one report per `.sql` file, built-in ones from
//! `queries/` (embedded at build time) and the user's from a reports folder,
//! where a file with the same name overrides the built-in one.
//!
//! A report file starts with a header of `-- key: value` comment lines:
//! `name`, `title`, `description`, `columns` (the output columns, checked on
//! every run) and optionally `chart` (`bar x=COL y=COL`, `line x=COL
//! [series=COL] y=COL` or `stacked x=COL series=COL y=COL`, optionally with
//! `latest=COL`; see reports/chart). The query runs
//! over the table `billing`: the FOCUS columns with currency conversion and
//! the allocation keys (`x_Allocation_<key>`) applied.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use polars::prelude::*;
use polars::sql::SQLContext;

use crate::error::{Error, Result};
use crate::reports::chart::{ChartData, ChartSpec};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/queries.rs"));
}

/// What a report's SQL reads: `billing`, the dataset as every answer sees
/// it (tag rules, allocation keys, reporting currency), and `focus`, the
/// stored rows in the FOCUS 1.2 export's shape (built only for a query that
/// reads it).
#[derive(Clone)]
pub struct Tables {
    pub billing: LazyFrame,
    pub stored: LazyFrame,
}

impl Tables {
    /// The tables over the stored rows, with the config's rules; the note
    /// says which currency conversion `billing` has, if any.
    pub fn of(
        stored: LazyFrame,
        config: &crate::config::Config,
    ) -> Result<(Tables, Option<String>)> {
        let billing = crate::query::rules::billing(stored.clone(), config)?;
        Ok((
            Tables {
                billing: billing.frame,
                stored,
            },
            billing.currency_note,
        ))
    }

    /// A SQL context over `billing` and, when `sql` reads it, `focus`, both
    /// restricted to charge periods in `[from, to)`.
    pub fn context(
        &self,
        sql: &str,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<SQLContext> {
        let ctx = SQLContext::new();
        let dates = |frame: &LazyFrame| crate::period::filter_dates(frame.clone(), from, to);
        ctx.register("billing", dates(&self.billing));
        if crate::query::sql::reads_table(sql, "focus")? {
            let focus =
                crate::export::focus_table(dates(&self.stored), crate::export::FocusVersion::V1_2)?;
            ctx.register("focus", focus);
        }
        Ok(ctx)
    }

    /// The first and last day with data in `[from, to)`, None when there
    /// is none: what a report over that window covers.
    pub fn covered(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Option<(NaiveDate, NaiveDate)>> {
        crate::period::day_span(crate::period::filter_dates(self.billing.clone(), from, to))
    }

    /// Runs ad-hoc SQL over the tables (`burnrate query`).
    pub fn query(&self, sql: &str) -> Result<DataFrame> {
        self.context(sql, None, None)?
            .execute(sql)
            .and_then(|lf| lf.collect())
            .map_err(|e| Error::Usage(format!("the query failed: {e}")))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReportDef {
    pub name: String,
    pub title: String,
    pub description: String,
    pub columns: Vec<String>,
    pub chart: Option<ChartSpec>,
    pub sql: String,
    /// `built-in queries/NAME.sql` or the user file's path.
    pub origin: String,
}

impl ReportDef {
    pub fn parse(origin: &str, text: &str) -> Result<ReportDef> {
        let mut header: BTreeMap<String, String> = BTreeMap::new();
        for line in text.lines() {
            let Some(comment) = line.trim().strip_prefix("--") else {
                if line.trim().is_empty() {
                    continue;
                }
                break;
            };
            if let Some((key, value)) = comment.split_once(':') {
                header.insert(key.trim().to_lowercase(), value.trim().to_string());
            }
        }
        let stem = Path::new(origin)
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        let name = header.get("name").cloned().unwrap_or(stem);
        let bad = |message: String| Error::Report {
            name: name.clone(),
            file: origin.to_string(),
            message,
        };
        let required = |key: &str| {
            header
                .get(key)
                .cloned()
                .ok_or_else(|| bad(format!("the header has no `-- {key}:` line")))
        };
        let columns: Vec<String> = required("columns")?
            .split(',')
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty())
            .collect();
        let chart = match header.get("chart") {
            Some(spec) => Some(ChartSpec::parse(spec).map_err(bad)?),
            None => None,
        };
        Ok(ReportDef {
            title: required("title")?,
            description: required("description")?,
            columns,
            chart,
            sql: text.to_string(),
            origin: origin.to_string(),
            name: name.clone(),
        })
    }

    fn error(&self, message: impl Into<String>) -> Error {
        Error::Report {
            name: self.name.clone(),
            file: self.origin.clone(),
            message: message.into(),
        }
    }

    /// Plans the query against the tables' schemas without reading data,
    /// and checks the declared columns: how `reports` validates every file.
    pub fn check(&self, tables: &Tables) -> Result<()> {
        let mut ctx = tables
            .context(&self.sql, None, None)
            .map_err(|e| self.error(e.to_string()))?;
        let schema = ctx
            .execute(&self.sql)
            .and_then(|mut lf| lf.collect_schema())
            .map_err(|e| self.error(e.to_string()))?;
        self.check_columns(schema.iter_names().map(|n| n.to_string()).collect())
    }

    fn check_columns(&self, actual: Vec<String>) -> Result<()> {
        if actual != self.columns {
            return Err(self.error(format!(
                "the header declares columns {} but the query returns {}",
                self.columns.join(", "),
                actual.join(", ")
            )));
        }
        Ok(())
    }

    /// Runs the report over the tables restricted to `[from, to)`.
    pub fn run(
        &self,
        tables: &Tables,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<DataFrame> {
        let mut ctx = tables
            .context(&self.sql, from, to)
            .map_err(|e| self.error(e.to_string()))?;
        let df = ctx
            .execute(&self.sql)
            .and_then(|lf| lf.collect_with_engine(Engine::Streaming))
            .map(|r| r.unwrap_single())
            .map_err(|e| self.error(e.to_string()))?;
        self.check_columns(
            df.get_column_names()
                .iter()
                .map(|n| n.to_string())
                .collect(),
        )?;
        Ok(df)
    }
}

impl ReportDef {
    /// The chart the header declares, over the rows `run` returned for
    /// `[from, to)` (None when it declares none).
    pub fn chart_data(
        &self,
        df: &DataFrame,
        tables: &Tables,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Option<ChartData>> {
        match &self.chart {
            Some(spec) => Ok(Some(ChartData::of(df, spec, tables.covered(from, to)?)?)),
            None => Ok(None),
        }
    }
}

/// The built-in reports plus the user's, with the files that failed to load.
#[derive(Debug, Default)]
pub struct Library {
    pub reports: BTreeMap<String, ReportDef>,
    /// User report files that could not be read or parsed; the other
    /// reports still work.
    pub problems: Vec<Error>,
}

impl Library {
    pub fn load(user_dir: &Path) -> Library {
        let mut library = Library::default();
        for (file, text) in builtin::BUILTIN {
            match ReportDef::parse(&format!("built-in queries/{file}"), text) {
                Ok(def) => {
                    library.reports.insert(def.name.clone(), def);
                }
                Err(e) => library.problems.push(e),
            }
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(user_dir)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "sql"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        for path in files {
            let origin = path.display().to_string();
            let parsed = std::fs::read_to_string(&path)
                .map_err(|e| Error::io(format!("reading {origin}"), e))
                .and_then(|text| ReportDef::parse(&origin, &text));
            match parsed {
                Ok(def) => {
                    library.reports.insert(def.name.clone(), def);
                }
                Err(e) => library.problems.push(e),
            }
        }
        library
    }

    pub fn get(&self, name: &str) -> Result<&ReportDef> {
        if let Some(def) = self.reports.get(name) {
            return Ok(def);
        }
        if let Some(problem) = self.problems.iter().find(|p| match p {
            Error::Report { name: n, .. } => n == name,
            _ => false,
        }) {
            return Err(Error::Usage(problem.to_string()));
        }
        Err(Error::Usage(format!(
            "no report {name:?}; `burnrate reports` lists them ({})",
            self.reports.keys().cloned().collect::<Vec<_>>().join(", ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_report_parses() {
        let library = Library::load(Path::new("/nonexistent"));
        assert!(library.problems.is_empty(), "{:?}", library.problems);
        assert!(library.reports.len() >= 10);
        for def in library.reports.values() {
            assert!(
                def.columns.contains(&"currency".to_string()),
                "{}",
                def.name
            );
        }
    }

    #[test]
    fn user_reports_override_and_bad_ones_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("cost_by_region.sql"),
            "-- name: cost_by_region\n-- title: Mine\n-- description: d\n-- columns: n\nSELECT 1 AS n FROM billing",
        )
        .unwrap();
        std::fs::write(dir.path().join("broken.sql"), "SELECT 1").unwrap();
        let library = Library::load(dir.path());
        assert_eq!(library.reports["cost_by_region"].title, "Mine");
        assert_eq!(library.problems.len(), 1);
        let message = library.problems[0].to_string();
        assert!(
            message.contains("broken.sql") && message.contains("header"),
            "{message}"
        );
    }
}
