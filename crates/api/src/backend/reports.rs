//! The SQL report library: list, run, export.

use burnrate_core::reports::library::Tables;

use super::*;

impl Backend {
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
            })
            .collect())
    }

    pub fn run_report(
        &self,
        name: &str,
        from: Option<String>,
        to: Option<String>,
    ) -> Result<ReportResult> {
        let config = self.config()?;
        let library = burnrate_core::reports::library::Library::load(&config.reports_dir());
        let def = library.get(name)?;
        let Some(tables) = self.report_tables(&config)? else {
            return Ok(ReportResult::default());
        };
        let (from, to) = (parse_day(from.as_deref())?, parse_day(to.as_deref())?);
        let df = def.run(&tables, from, to)?;
        Ok(ReportResult {
            table: table::table(&df)?,
            chart: def.chart_data(&df, &tables, from, to)?,
        })
    }

    /// The tables report SQL reads, from one snapshot; None for an empty
    /// dataset.
    fn report_tables(&self, config: &Config) -> Result<Option<Tables>> {
        let snapshot = self.dataset()?.snapshot()?;
        if snapshot.manifest.sources.is_empty() {
            return Ok(None);
        }
        Ok(Some(Tables::of(snapshot.scan()?, config)?.0))
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
        let Some(tables) = self.report_tables(&config)? else {
            return Err(ApiError::empty());
        };
        let df = def.run(
            &tables,
            parse_day(from.as_deref())?,
            parse_day(to.as_deref())?,
        )?;
        burnrate_core::fsutil::write_atomically(path, |out| {
            burnrate_core::reports::csv::write_csv(out, &df)
        })?;
        Ok(())
    }
}
