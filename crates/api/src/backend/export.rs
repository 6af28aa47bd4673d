//! FOCUS out from the Data view (as `burnrate export focus` does).

use burnrate_core::export::{ExportFormat, ExportOptions, FocusVersion, export_focus};

use super::*;

impl Backend {
    /// Exports the stored dataset as FOCUS to `out` (a file, or a folder
    /// with `by_period`), telling `progress` before each file.
    pub fn export_focus(
        &self,
        request: &FocusExportRequest,
        out: &Path,
        progress: &mut dyn FnMut(FocusExportProgress),
    ) -> Result<FocusExportResult> {
        let usage = |message: String| ApiError::from(burnrate_core::Error::Usage(message));
        let version = FocusVersion::parse(&request.version).ok_or_else(|| {
            usage(format!(
                "unknown FOCUS version {:?}: 1.0, 1.1, 1.2 or 1.3",
                request.version
            ))
        })?;
        let format = ExportFormat::parse(&request.format).ok_or_else(|| {
            usage(format!(
                "unknown export format {:?}: parquet or csv",
                request.format
            ))
        })?;
        let options = ExportOptions {
            version,
            format,
            from: parse_day(request.from.as_deref())?,
            to: parse_day(request.to.as_deref())?,
            providers: Vec::new(),
            focus_only: request.focus_only,
            by_period: request.by_period,
        };
        let snapshot = self.dataset()?.snapshot()?;
        if snapshot.manifest.sources.is_empty() {
            return Err(ApiError::empty());
        }
        let exported = export_focus(snapshot.scan()?, &options, out, &mut |p| {
            progress(FocusExportProgress {
                files_done: p.files_done as u32,
                files_total: p.files_total as u32,
                writing: p.writing.display().to_string(),
            })
        })?;
        Ok(FocusExportResult {
            files: exported
                .files
                .iter()
                .map(|f| f.display().to_string())
                .collect(),
            rows: exported.rows as f64,
            version: exported.version.to_string(),
            format: format.extension().to_string(),
            totals: exported.totals,
            notes: exported.notes,
        })
    }
}
