//! The `burnrate` command line: a thin layer over `burnrate-core` that parses
//! arguments, prints results and maps errors to exit codes (0 success,
//! 1 error, 2 usage error).

mod args;
mod commands;
mod output;

// Imports and queries allocate and free buffers of many MiB at a high rate;
// mimalloc reuses them where the system allocator returns them to the
// kernel and faults them back in (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use args::{Cli, Command, DateRange, DevAction, MetricsAction, SourcesAction};
use burnrate_core::analysis::explore::ExploreQuery;
use burnrate_core::analysis::lines::LineQuery;
use burnrate_core::analysis::summary::{self, SummaryRequest};
use burnrate_core::config::{Config, locations};
use burnrate_core::query::dimension::Dimension;
use burnrate_core::store::{Dataset, Delivery, ImportOutcome};
use clap::Parser;
use commands::imports::{expand_paths, import, list_sources};
use commands::{analysis, export, pulls, schedules, views};
use output::write_frame;
fn main() -> ExitCode {
    // Commands that meet an import in progress say why they wait.
    let _ = burnrate_core::store::WAITING_NOTICE.set(|| {
        eprintln!("waiting for the import in progress in this data dir to finish…");
    });
    let cli = Cli::parse();
    if let Err(why) = cli.check() {
        use clap::CommandFactory;
        Cli::command()
            .error(clap::error::ErrorKind::ValueValidation, why)
            .exit();
    }
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            if is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            let usage = error
                .downcast_ref::<burnrate_core::Error>()
                .is_some_and(|e| matches!(e, burnrate_core::Error::Usage(_)));
            eprintln!("error: {error:#}");
            ExitCode::from(if usage { 2 } else { 1 })
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

pub(crate) fn data_dir(option: Option<PathBuf>) -> Result<PathBuf> {
    locations::data_dir(option)
        .context("no platform data directory; pass --data-dir or set BURNRATE_DATA_DIR")
}

fn config_path(option: Option<PathBuf>) -> Result<(PathBuf, bool)> {
    locations::config_file(option)
        .context("no platform config directory; pass --config or set BURNRATE_CONFIG")
}

pub(crate) fn load_config(option: Option<PathBuf>) -> Result<Config> {
    let (path, required) = config_path(option)?;
    Ok(Config::load(&path, required)?)
}

fn run(cli: Cli) -> Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if let Command::Schedule { action } = cli.command {
        let (config_file, required) = config_path(cli.config)?;
        return schedules::run(action, &config_file, required, cli.data_dir, &mut out);
    }
    // Import, sources and demo do not read the config file: a broken config
    // must not stop anyone from loading data.
    let needs_config = !matches!(
        cli.command,
        Command::Import { .. }
            | Command::Sources { .. }
            | Command::Pull { .. }
            | Command::Metrics { .. }
            | Command::Demo
            | Command::Dev { .. }
    );
    let config = if needs_config {
        load_config(cli.config.clone())?
    } else {
        Config::default()
    };
    let analysis = analysis::Context {
        data_dir: cli.data_dir.clone(),
        config: &config,
    };
    match cli.command {
        Command::Import {
            paths,
            format,
            as_parts,
            replace,
        } => {
            let dataset = Dataset::open(&data_dir(cli.data_dir)?)?;
            let delivery = match (as_parts, replace) {
                (true, _) => Delivery::AsParts,
                (_, true) => Delivery::Replace,
                _ => Delivery::Detect,
            };
            import(&dataset, &paths, delivery, format, &mut out)
        }
        Command::Sources { action, format } => {
            let dataset = Dataset::open(&data_dir(cli.data_dir)?)?;
            match action {
                Some(SourcesAction::Remove { id }) => {
                    let removed = dataset.remove_source(&id)?;
                    let source = &removed.source;
                    writeln!(
                        out,
                        "removed source {} ({} rows from {})",
                        source.id,
                        source.rows,
                        source.paths_text()
                    )?;
                    for note in &removed.notes {
                        writeln!(out, "note: {note}")?;
                    }
                }
                None => list_sources(&dataset, format, &mut out)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Summary {
            by,
            dates: DateRange { from, to },
            cost,
            format,
            files,
        } => {
            let request = SummaryRequest {
                by: by
                    .iter()
                    .map(|d| Dimension::parse(d, &config))
                    .collect::<Result<_, _>>()?,
                from,
                to,
                sort_by: cost,
            };
            let df = analysis.with_billing(&files, |frame| {
                Ok(summary::summarize(frame, &config, &request)?)
            })?;
            write_frame(&mut out, &df, format)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Query { sql, format, files } => {
            let df = analysis.with_tables(&files, |tables| Ok(tables.query(&sql)?))?;
            write_frame(&mut out, &df, format)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Export { what } => export::run(&data_dir(cli.data_dir)?, what, &mut out),
        Command::Pull { all, check, source } => {
            let dir = data_dir(cli.data_dir)?;
            if check {
                let config = load_config(cli.config)?;
                return pulls::check_all(&config, &mut out);
            }
            pulls::run(all, source, &dir, cli.config, &mut out)
        }
        Command::Metrics {
            action: MetricsAction::Import { paths },
        } => {
            let dir = data_dir(cli.data_dir)?;
            for path in &paths {
                let (points, new) = burnrate_core::optimize::metrics::import(&dir, path)?;
                if new {
                    writeln!(out, "{}: imported {points} points", path.display())?;
                } else {
                    writeln!(
                        out,
                        "{}: already imported ({points} points)",
                        path.display()
                    )?;
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo => {
            let dir = data_dir(cli.data_dir)?;
            let (config, _) = config_path(cli.config.clone())?;
            let dataset = Dataset::open(&dir)?;
            let (attempts, named) =
                burnrate_core::demo::load(&dataset, &config, chrono::Utc::now())?;
            if let Some(file) = named {
                writeln!(
                    out,
                    "the demo's AWS accounts are named in {} ([accounts] file in {})",
                    file.display(),
                    config.display()
                )?;
            }
            let mut imported = 0;
            for attempt in &attempts {
                if let Some(Ok(ImportOutcome::Imported { .. })) = &attempt.result {
                    imported += 1;
                } else if let Some(Err(_)) = attempt.result {
                    let failed = attempts.into_iter().find_map(|a| a.result?.err());
                    return Err(failed.expect("a failed attempt").into());
                }
            }
            writeln!(
                out,
                "demo dataset loaded into {} ({} files imported, {} already there)",
                dir.display(),
                imported,
                attempts.len() - imported
            )?;
            writeln!(out, "try: burnrate summary --by provider,service")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Overview { format } => {
            views::overview(&analysis, format, &mut out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Explore {
            by,
            cost,
            period,
            dates,
            range,
            filters,
            excludes,
            compare,
            top,
            view,
            format,
        } => {
            let query = match view {
                Some(name) => {
                    burnrate_core::analysis::saved_views::find(
                        &data_dir(cli.data_dir.clone())?,
                        &name,
                    )?
                    .query
                }
                None => ExploreQuery {
                    group_by: by,
                    measure: cost,
                    period,
                    range,
                    from: dates.from.map(|d| d.to_string()),
                    to: dates.to.map(|d| d.to_string()),
                    filters: views::parse_filters(&filters, &excludes)?,
                    top: Some(top),
                    compare,
                },
            };
            views::explore(&analysis, &query, format, &mut out)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Lines {
            dates,
            filters,
            limit,
            format,
        } => {
            let query = LineQuery {
                filters: views::parse_filters(&filters, &[])?,
                from: dates.from.map(|d| d.to_string()),
                to: dates.to.map(|d| d.to_string()),
            };
            views::lines(&analysis, &query, limit, format, &mut out)?;
            Ok(ExitCode::SUCCESS)
        }
        command @ (Command::Trend { .. }
        | Command::Movers { .. }
        | Command::Forecast { .. }
        | Command::Anomalies { .. }
        | Command::Untagged { .. }
        | Command::Allocate { .. }
        | Command::Recommend { .. }
        | Command::Commitments { .. }
        | Command::Reports { .. }
        | Command::Report { .. }) => analysis.run(command, &mut out),
        Command::Schedule { .. } => unreachable!("dispatched above"),
        Command::Dev {
            action: DevAction::GenCur { rows, out: path },
        } => {
            let file = std::fs::File::create(&path).with_context(|| path.display().to_string())?;
            let written = burnrate_core::demo::synth::write_legacy_cur(
                std::io::BufWriter::new(file),
                rows,
                42,
            )?;
            writeln!(out, "wrote {written} rows to {}", path.display())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Runs `f` over the dataset, or over the given files staged in a temporary
/// directory (offline analysis that leaves the dataset alone).
pub(crate) fn with_frame<T>(
    data_dir_option: Option<PathBuf>,
    files: &[String],
    f: impl FnOnce(polars::prelude::LazyFrame) -> Result<T>,
) -> Result<T> {
    if files.is_empty() {
        let dataset = Dataset::open(&data_dir(data_dir_option)?)?;
        let snapshot = dataset.snapshot()?;
        return f(snapshot.scan()?);
    }
    let temp = tempfile::tempdir().context("creating a temporary directory")?;
    let mut staged = Vec::new();
    for path in expand_paths(files)? {
        let parts = if burnrate_core::ingest::cur_manifest::is_manifest(&path) {
            burnrate_core::ingest::cur_manifest::parts(&path)?.1
        } else {
            vec![path]
        };
        for part in parts {
            staged.push(burnrate_core::ingest::stage(&part, temp.path())?);
        }
    }
    let paths: Vec<PathBuf> = staged.iter().map(|s| s.parquet.to_path_buf()).collect();
    f(burnrate_core::store::scan_files(&paths)?)
}
