//! `burnrate export focus`: the dataset as a FOCUS dataset.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use burnrate_core::export::{ExportOptions, export_focus};
use burnrate_core::store::Dataset;

use crate::args::ExportWhat;

pub fn run(data_dir: &Path, what: ExportWhat, out: &mut dyn Write) -> Result<ExitCode> {
    let ExportWhat::Focus {
        version,
        format,
        dates,
        providers,
        focus_only,
        by_period,
        out: target,
    } = what;
    let dataset = Dataset::open(data_dir)?;
    let snapshot = dataset.snapshot()?;
    let options = ExportOptions {
        version,
        format,
        from: dates.from,
        to: dates.to,
        providers,
        focus_only,
        by_period,
    };
    let exported = export_focus(snapshot.scan()?, &options, &target, &mut |_| {})?;
    writeln!(
        out,
        "wrote {} rows as FOCUS {} ({}) to {}",
        exported.rows,
        exported.version,
        format.extension(),
        target.display()
    )?;
    if by_period {
        for file in &exported.files {
            writeln!(out, "  {}", file.display())?;
        }
    }
    for total in &exported.totals {
        writeln!(
            out,
            "  {}: billed {:.2}, effective (amortized) {:.2}, list {:.2}",
            total.currency, total.billed_cost, total.effective_cost, total.list_cost
        )?;
    }
    for note in &exported.notes {
        writeln!(out, "note: {note}")?;
    }
    Ok(ExitCode::SUCCESS)
}
