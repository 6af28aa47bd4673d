//! The SQL report library: list, run, export.

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
                chart: r.chart.as_ref().map(|c| ReportChart {
                    kind: match c.kind {
                        burnrate_core::reports::chart::ChartKind::Bar => "bar",
                        burnrate_core::reports::chart::ChartKind::Line => "line",
                        burnrate_core::reports::chart::ChartKind::Stacked => "stacked",
                    }
                    .into(),
                    x: c.x.clone(),
                    y: c.y.clone(),
                    series: c.series.clone(),
                }),
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
        let library = burnrate_core::reports::library::Library::load(&config.reports_dir());
        let def = library.get(name)?;
        let Some((frame, _)) = self.billing(&config)? else {
            return Ok(Table::default());
        };
        let df = def.run(
            frame,
            parse_day(from.as_deref())?,
            parse_day(to.as_deref())?,
        )?;
        table::table(&df)
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
        let Some((frame, _)) = self.billing(&config)? else {
            return Err(ApiError::empty());
        };
        let df = def.run(
            frame,
            parse_day(from.as_deref())?,
            parse_day(to.as_deref())?,
        )?;
        burnrate_core::fsutil::write_atomically(path, |out| {
            burnrate_core::reports::csv::write_csv(out, &df)
        })?;
        Ok(())
    }
}
