//! `burnrate import` and `burnrate sources`: files into the dataset through
//! the engine's batch import, and the per-file reconciliation table.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use anyhow::{Context, Result};
use burnrate_core::ingest::FileReport;
use burnrate_core::store::{Dataset, Delivery, ImportOutcome};

use crate::output::{Format, write_frame};

/// Expands folders (recursively) and globs into files. In a folder holding a
/// CUR manifest, the manifest stands for its parts and the rest of the
/// delivery (older assemblies) is skipped. Files in a folder that are not
/// billing data (the CUR status table) are skipped with a note on stderr.
pub fn expand_paths(inputs: &[String]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let add_folder = |dir: &std::path::Path, files: &mut Vec<PathBuf>| -> Result<()> {
        for (file, reason) in burnrate_core::ingest::files_in_folder(dir, files)? {
            eprintln!("note: skipped {}: {reason}", file.display());
        }
        Ok(())
    };
    for input in inputs {
        let path = PathBuf::from(input);
        if path.is_dir() {
            add_folder(&path, &mut files)?;
        } else if path.exists() {
            files.push(path);
        } else if input.contains(['*', '?', '[']) {
            let mut matched = false;
            for entry in glob::glob(input).with_context(|| format!("bad pattern {input}"))? {
                let p = entry?;
                if p.is_dir() {
                    add_folder(&p, &mut files)?;
                } else {
                    files.push(p);
                }
                matched = true;
            }
            if !matched {
                anyhow::bail!(burnrate_core::Error::Usage(format!(
                    "{input}: no file matches"
                )));
            }
        } else {
            anyhow::bail!(burnrate_core::Error::bad_input(
                &path,
                "no such file or folder"
            ));
        }
    }
    Ok(files)
}

pub fn import(
    dataset: &Dataset,
    inputs: &[String],
    delivery: Delivery,
    format: Format,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let files = expand_paths(inputs)?;
    let progress = std::io::stderr().is_terminal() && format == Format::Table;
    let bar = progress.then(|| {
        let bar = indicatif::ProgressBar::new(files.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} [{pos}/{len}] {elapsed} {wide_msg}")
                .expect("valid template"),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar
    });
    let attempts = dataset.import_all(
        &files,
        chrono::Utc::now(),
        delivery,
        &mut |p| {
            if let Some(bar) = &bar {
                match p.current {
                    Some(file) => {
                        bar.set_position(p.done as u64);
                        bar.set_message(file.display().to_string());
                    }
                    None => bar.finish_and_clear(),
                }
            }
        },
        &AtomicBool::new(false),
    );
    // Nothing cancels a command-line batch: every file has its outcome.
    let results: Vec<(PathBuf, Result<ImportOutcome, burnrate_core::Error>)> = attempts
        .into_iter()
        .filter_map(|a| Some((a.path, a.result?)))
        .collect();
    let failed = results.iter().filter(|(_, r)| r.is_err()).count();
    match format {
        Format::Json => {
            let json: Vec<serde_json::Value> = results
                .iter()
                .map(|(path, r)| match r {
                    Ok(outcome) => serde_json::to_value(outcome).expect("outcome serializes"),
                    Err(e) => serde_json::json!({
                        "status": "failed", "path": path, "code": e.code(), "message": e.to_string()
                    }),
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &json)?;
            writeln!(out)?;
        }
        _ => print_import_table(&results, out)?,
    }
    for (_, result) in &results {
        if let Err(e) = result {
            eprintln!("error: {e}");
        }
    }
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The FOCUS cost rules a file breaks, under its reconciliation: they
/// inform, the import has already been accepted.
fn print_conformance(
    out: &mut dyn Write,
    conformance: &burnrate_core::ingest::conformance::FocusConformance,
) -> std::io::Result<()> {
    let checked = conformance.rules_checked;
    if conformance.broken.is_empty() {
        return writeln!(
            out,
            "         FOCUS conformance: all {checked} cost rules met"
        );
    }
    writeln!(
        out,
        "         FOCUS conformance: {} of {checked} cost rules broken (imported as the file has it):",
        conformance.broken.len()
    )?;
    for rule in &conformance.broken {
        let amounts: Vec<String> = rule
            .amounts
            .iter()
            .map(|a| {
                format!(
                    "{} {}",
                    a.currency,
                    crate::output::group_thousands(&format!("{:.2}", a.amount))
                )
            })
            .collect();
        writeln!(
            out,
            "           {}: {}; {} rows, {} {}: {}",
            rule.rule,
            rule.requirement,
            rule.rows,
            rule.measure,
            amounts.join(", "),
            rule.consequence
        )?;
    }
    Ok(())
}

fn print_import_table(
    results: &[(PathBuf, burnrate_core::Result<ImportOutcome>)],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<8} {:<20} {:>9} {:<17} {:<4} {:>16} {:>16} {:>16}  file",
        "status", "format", "rows", "periods", "cur", "provider total", "billed", "effective"
    )?;
    let row = |out: &mut dyn Write, status: &str, r: &FileReport| -> std::io::Result<()> {
        let periods = match r.periods.as_slice() {
            [] => "-".to_string(),
            [one] => one.clone(),
            [first, .., last] => format!("{first}..{last}"),
        };
        let format = match &r.version {
            Some(v) => format!("{} {v}", r.format),
            None => r.format.clone(),
        };
        if r.currencies.is_empty() {
            writeln!(
                out,
                "{status:<8} {format:<20} {:>9} {periods:<17} {:<4} {:>16} {:>16} {:>16}  {}",
                r.rows,
                "-",
                "0.00",
                "0.00",
                "0.00",
                r.path.display()
            )?;
        }
        for c in &r.currencies {
            writeln!(
                out,
                "{status:<8} {format:<20} {:>9} {periods:<17} {:<4} {:>16} {:>16} {:>16}  {}",
                r.rows,
                c.currency,
                crate::output::group_thousands(&format!("{:.2}", c.native_total)),
                crate::output::group_thousands(&format!("{:.2}", c.billed_cost)),
                crate::output::group_thousands(&format!("{:.2}", c.effective_cost)),
                r.path.display()
            )?;
        }
        for note in &r.notes {
            writeln!(out, "         note: {note}")?;
        }
        if let Some(conformance) = &r.focus_conformance {
            print_conformance(out, conformance)?;
        }
        if r.native_check != "independent re-read" {
            writeln!(
                out,
                "         note: provider total summed in the import pipeline (imported by a version that did not re-read files over 512 MiB)"
            )?;
        }
        Ok(())
    };
    for (path, result) in results {
        match result {
            Ok(ImportOutcome::Imported {
                reports,
                replaced,
                parts_of,
                paired_with: _,
                id,
            }) => {
                let status = if replaced.is_empty() {
                    "imported"
                } else {
                    "replaced"
                };
                for r in reports {
                    row(out, status, r)?;
                }
                if !replaced.is_empty() {
                    writeln!(
                        out,
                        "         note: source {id} replaces the same billing periods of {}",
                        replaced.join(", ")
                    )?;
                }
                if !parts_of.is_empty() {
                    writeln!(
                        out,
                        "         note: source {id} is another part of the delivery of {} (no line item in common): added beside it",
                        parts_of.join(", ")
                    )?;
                }
            }
            Ok(ImportOutcome::Unchanged {
                id,
                superseded_by: None,
                ..
            }) => {
                writeln!(
                    out,
                    "{:<8} already imported as source {id}; nothing changed  {}",
                    "same",
                    path.display()
                )?;
            }
            Ok(ImportOutcome::Unchanged {
                superseded_by: Some(by),
                ..
            }) => {
                writeln!(
                    out,
                    "{:<8} a later delivery (source {by}) replaced this one; nothing changed \
                     (--replace brings it back)  {}",
                    "same",
                    path.display()
                )?;
            }
            Err(e) => {
                writeln!(out, "{:<8} {}  {}", "FAILED", e.code(), path.display())?;
            }
        }
    }
    writeln!(
        out,
        "provider total = the cost column as written in the file (re-read independently unless noted); it matches \
         BilledCost (actual/billed files) or EffectiveCost (amortized files) to the cent."
    )?;
    Ok(())
}

pub fn list_sources(dataset: &Dataset, format: Format, out: &mut dyn Write) -> Result<()> {
    use polars::prelude::*;
    let snapshot = dataset.snapshot()?;
    let sources = &snapshot.manifest.sources;
    let text = |f: &dyn Fn(&burnrate_core::store::SourceRecord) -> String| -> Vec<String> {
        sources.iter().map(f).collect()
    };
    let number = |f: &dyn Fn(&burnrate_core::store::SourceRecord) -> f64| -> Vec<f64> {
        sources.iter().map(f).collect()
    };
    let periods = |s: &burnrate_core::store::SourceRecord| {
        let mut p: Vec<&str> = s.slices.iter().map(|x| x.period.as_str()).collect();
        p.sort();
        p.dedup();
        match p.as_slice() {
            [] => String::new(),
            [one] => one.to_string(),
            [first, .., last] => format!("{first}..{last}"),
        }
    };
    let df = DataFrame::new_infer_height(vec![
        Column::new("id".into(), text(&|s| s.id.clone())),
        Column::new("format".into(), text(&|s| s.format.clone())),
        Column::new(
            "rows".into(),
            sources.iter().map(|s| s.rows).collect::<Vec<u64>>(),
        ),
        Column::new("periods".into(), text(&periods)),
        Column::new(
            "billed_cost".into(),
            number(&|s| s.slices.iter().map(|x| x.billed_cost).sum()),
        ),
        Column::new(
            "effective_cost".into(),
            number(&|s| s.slices.iter().map(|x| x.effective_cost).sum()),
        ),
        Column::new(
            "imported_at".into(),
            text(&|s| s.imported_at.format("%Y-%m-%d %H:%M").to_string()),
        ),
        Column::new(
            "path".into(),
            text(&|s| {
                s.paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(";")
            }),
        ),
    ])?;
    write_frame(out, &df, format)?;
    Ok(())
}
