//! The local dataset: Parquet files under a data directory, and a manifest
//! that says which of them are live.
//!
//! Layout:
//! ```text
//! <data dir>/manifest.json     the sources and their slices (the commit point)
//! <data dir>/parts/<id>.parquet one file per source, canonical schema
//! <data dir>/tmp/              staging area, same file system as parts/
//! <data dir>/.lock             advisory lock: writers exclusive, readers shared
//! <data dir>/demo/             the demo's billing files (`burnrate demo`), kept
//!                              as the sources' and the evidence's files
//! ```
//!
//! Only files the manifest names are ever read, so a commit is one atomic
//! rename of `manifest.json`: a crash before it leaves the old dataset, a
//! crash after it the new one; stray files from an interrupted import are
//! removed by the next writer.
//!
//! A *slice* is one (provider, billing account, sub account, billing period).
//! A file that meets slices already imported is either another part of the
//! same delivery, added beside it, or a restatement that replaces it: a
//! re-delivered month with corrected figures takes the place of the earlier
//! delivery instead of adding to it ([`delivery`] decides which, or says it
//! cannot tell). Importing a file whose content is already in the dataset,
//! or was superseded by a later delivery, changes nothing.

pub mod batch;
pub mod delivery;
mod lock;
mod manifest;
mod plan;

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use polars::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result};
pub use crate::ingest::Slice;
use crate::ingest::{self, FileReport, cur_manifest};
use crate::schema;
use delivery::CostView;
pub use delivery::Delivery;
pub use lock::{LockGuard, WAITING_NOTICE};
use manifest::{MANIFEST, MANIFEST_VERSION, content_hash};
pub use manifest::{Manifest, SourceRecord, Superseded};
pub use plan::Replace;
use plan::{in_slices, merge_slices, pair_note};

/// A removed source, and what its removal did to others (a pair's other
/// half).
pub struct Removed {
    pub source: SourceRecord,
    pub notes: Vec<String>,
}

/// What happened to one import.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ImportOutcome {
    Imported {
        id: String,
        reports: Vec<FileReport>,
        /// Sources whose slices this import replaced (wholly or in part).
        replaced: Vec<String>,
        /// Sources this file is another part of the same delivery as: it was
        /// added beside them.
        parts_of: Vec<String>,
        /// Azure exports of the other cost view for the same months, which
        /// this file pairs with (see [`delivery`]).
        paired_with: Vec<String>,
    },
    Unchanged {
        id: String,
        path: PathBuf,
        /// Set when the content is a delivery a later one replaced.
        superseded_by: Option<String>,
    },
}

pub struct Dataset {
    dir: PathBuf,
}

/// A consistent view of the dataset; the files stay in place while it lives.
pub struct Snapshot {
    pub manifest: Manifest,
    pub files: Vec<PathBuf>,
    _lock: LockGuard,
}

impl Snapshot {
    /// All billing rows, canonical schema.
    pub fn scan(&self) -> Result<LazyFrame> {
        scan_files(&self.files)
    }
}

/// Scans canonical Parquet files; an empty list gives an empty frame. Files
/// written before the schema grew (FOCUS 1.3 columns) read the columns they
/// lack as null.
pub fn scan_files(files: &[PathBuf]) -> Result<LazyFrame> {
    if files.is_empty() {
        return Ok(DataFrame::empty_with_schema(&schema::schema()).lazy());
    }
    let paths: Vec<PlRefPath> = files
        .iter()
        .map(|p| PlRefPath::new(p.to_string_lossy().as_ref()))
        .collect();
    let args = ScanArgsParquet {
        schema: Some(Arc::new(schema::schema())),
        allow_missing_columns: true,
        ..crate::frame::literal_parquet()
    };
    LazyFrame::scan_parquet_files(paths.into(), args)
        .map_err(|e| Error::polars("reading the dataset", e))
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |e| Error::io(path.display().to_string(), e)
}

impl Dataset {
    /// Opens (creating if needed) the dataset in `dir`. An existing data
    /// dir opens without write access too (for reading).
    pub fn open(dir: &Path) -> Result<Self> {
        let readable = dir.join(MANIFEST).is_file();
        for sub in [dir.to_path_buf(), dir.join("parts"), dir.join("tmp")] {
            match fs::create_dir_all(&sub) {
                Ok(()) => {}
                // Reading an existing dataset needs none of them; a write
                // will say why it cannot.
                Err(_) if readable => {}
                Err(e) => {
                    return Err(Error::Dataset {
                        dir: dir.to_path_buf(),
                        message: format!("cannot create {}: {e}", sub.display()),
                    });
                }
            }
        }
        Ok(Dataset {
            dir: dir.to_path_buf(),
        })
    }

    /// The data directory itself.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn temp_dir(&self) -> PathBuf {
        self.dir.join("tmp")
    }

    /// Removes files no manifest entry names (left by an interrupted import).
    /// Call with the exclusive lock held.
    fn collect_garbage(&self, manifest: &Manifest) {
        let live: BTreeSet<PathBuf> = manifest
            .sources
            .iter()
            .map(|s| self.dir.join(&s.file))
            .collect();
        for sub in ["parts", "tmp"] {
            if let Ok(entries) = fs::read_dir(self.dir.join(sub)) {
                for entry in entries.flatten() {
                    let path = entry.path();
                    if !live.contains(&path) {
                        let _ = fs::remove_file(&path);
                    }
                }
            }
        }
    }

    /// A consistent read-only view.
    pub fn snapshot(&self) -> Result<Snapshot> {
        let lock = self.lock(false)?;
        let manifest = self.read_manifest()?;
        self.verify_parts(&manifest)?;
        let files = manifest
            .sources
            .iter()
            .map(|s| self.dir.join(&s.file))
            .collect();
        Ok(Snapshot {
            manifest,
            files,
            _lock: lock,
        })
    }

    /// Imports one input: a billing file, or a CUR manifest with its parts.
    /// The dataset is changed only if every part stages and reconciles.
    pub fn import(&self, input: &Path, now: DateTime<Utc>) -> Result<ImportOutcome> {
        self.import_with(input, now, Replace::Slices, Delivery::Detect)
    }

    /// [`Dataset::import`] with a wider replacement unit, for sources that
    /// are known to hold whole billing-account months (a cloud API pull:
    /// always a restatement of what it covers).
    pub fn import_replacing(
        &self,
        input: &Path,
        now: DateTime<Utc>,
        scope: Replace,
    ) -> Result<ImportOutcome> {
        self.import_with(input, now, scope, Delivery::Replace)
    }

    /// Imports one input, with what to do where it meets imported slices.
    pub fn import_with(
        &self,
        input: &Path,
        now: DateTime<Utc>,
        scope: Replace,
        delivery: Delivery,
    ) -> Result<ImportOutcome> {
        let parts = if cur_manifest::is_manifest(input) {
            cur_manifest::parts(input)?.1
        } else {
            vec![input.to_path_buf()]
        };
        let _lock = self.lock(true)?;
        let mut manifest = self.read_manifest()?;
        self.collect_garbage(&manifest);

        let (hash, size) = content_hash(&parts)?;
        if let Some(existing) = manifest.sources.iter().find(|s| s.hash == hash) {
            return Ok(ImportOutcome::Unchanged {
                id: existing.id.clone(),
                path: input.to_path_buf(),
                superseded_by: None,
            });
        }
        if delivery != Delivery::Replace
            && let Some(old) = manifest.superseded.iter().find(|s| s.hash == hash)
        {
            return Ok(ImportOutcome::Unchanged {
                id: old.id.clone(),
                path: input.to_path_buf(),
                superseded_by: Some(old.by.clone()),
            });
        }
        let id = hash[..12].to_string();

        let temp_dir = self.temp_dir();
        let mut staged = Vec::new();
        for part in &parts {
            staged.push(ingest::stage(part, &temp_dir)?);
        }
        let mut reports: Vec<FileReport> = staged.iter().map(|s| s.report.clone()).collect();
        let mut slices = merge_slices(reports.iter().flat_map(|r| r.slices.iter().cloned()));
        let format = reports
            .first()
            .map(|r| r.format.clone())
            .unwrap_or_default();

        let staged_files: Vec<PathBuf> = staged.iter().map(|s| s.parquet.to_path_buf()).collect();
        let new_view = reports.first().and_then(|r| CostView::of(&r.cost_view));
        let plan = self.plan(
            input,
            &manifest,
            &slices,
            &staged_files,
            (&format, new_view),
            scope,
            delivery,
        )?;

        // One Parquet file per source: a single part is moved as is; several
        // parts, or the new half of an actual/amortized pair, are written.
        let file_rel = format!("parts/{id}.parquet");
        let file_abs = self.dir.join(&file_rel);
        if let Some(first) = reports.first_mut() {
            first.notes.extend(plan.notes.iter().cloned());
        }
        if let Some((view, paired)) = plan.new_half(new_view) {
            write_parquet(
                view.half(scan_files(&staged_files)?, in_slices(&paired)),
                &file_abs,
            )?;
            slices = ingest::slices_of(scan_files(std::slice::from_ref(&file_abs))?)?;
            for report in &mut reports {
                report.notes.push(pair_note(view, &plan.pairs_with()));
            }
        } else if staged.len() == 1 {
            let only = staged.pop().expect("one staged part");
            File::open(&only.parquet)
                .and_then(|f| f.sync_all())
                .map_err(io_err(&only.parquet))?;
            only.parquet
                .persist(&file_abs)
                .map_err(|e| Error::io(file_abs.display().to_string(), e.error))?;
        } else {
            write_parquet(scan_files(&staged_files)?, &file_abs)?;
        }
        let rows = slices.iter().map(|s| s.rows).sum();

        let mut replaced = Vec::new();
        let mut kept = Vec::new();
        for mut source in std::mem::take(&mut manifest.sources) {
            let old_file = self.dir.join(&source.file);
            let rewritten_rel = format!("parts/{}-{}.parquet", source.id, &id[..6]);
            let rewritten_abs = self.dir.join(&rewritten_rel);
            if let Some((view, paired)) = plan.pairing.get(&source.id) {
                // The other half of a pair: keeps only the costs it is the
                // provider's figure of, in the paired slices.
                let other = view.other();
                write_parquet(
                    other.half(scan_files(&[old_file])?, in_slices(paired)),
                    &rewritten_abs,
                )?;
                source.slices = ingest::slices_of(scan_files(&[rewritten_abs])?)?;
                source.file = rewritten_rel;
                for report in &mut source.reports {
                    report
                        .notes
                        .push(pair_note(other, std::slice::from_ref(&id)));
                }
                kept.push(source);
                continue;
            }
            let Some(gone) = plan.replacing.get(&source.id) else {
                kept.push(source);
                continue;
            };
            replaced.push(source.id.clone());
            if gone.len() == source.slices.len() {
                // Wholly replaced: remembered, so importing it again is a no-op.
                manifest.superseded.push(Superseded {
                    hash: source.hash.clone(),
                    id: source.id.clone(),
                    by: id.clone(),
                    at: now,
                });
                continue;
            }
            // Partly replaced: rewrite the source without the new slices.
            let remaining = scan_files(&[old_file])?.filter(in_slices(gone).not());
            write_parquet(remaining, &rewritten_abs)?;
            source.slices.retain(|s| !gone.contains(&s.key()));
            source.rows = source.slices.iter().map(|s| s.rows).sum();
            source.file = rewritten_rel;
            kept.push(source);
        }
        // A delivery that was superseded and is forced back (`--replace`) is
        // live again.
        manifest.superseded.retain(|s| s.hash != hash);
        kept.push(SourceRecord {
            id: id.clone(),
            paths: parts.clone(),
            size,
            hash,
            format,
            version: reports.first().and_then(|r| r.version.clone()),
            imported_at: now,
            file: file_rel,
            rows,
            slices,
            reports: reports.clone(),
            paired_with: plan.pairs_with(),
        });
        manifest.sources = kept;
        manifest.version = MANIFEST_VERSION;
        self.write_manifest(&manifest)?;
        self.collect_garbage(&manifest);
        Ok(ImportOutcome::Imported {
            id,
            reports,
            replaced,
            paired_with: plan.pairs_with(),
            parts_of: plan.parts_of,
        })
    }

    /// Removes one source (by id or unique id prefix).
    pub fn remove_source(&self, id: &str) -> Result<Removed> {
        // Every id starts with "": an empty prefix must not pick the only
        // source.
        let id = id.trim();
        if id.is_empty() {
            return Err(Error::Usage(
                "give the id of the source to remove; `burnrate sources` lists them".into(),
            ));
        }
        let _lock = self.lock(true)?;
        let mut manifest = self.read_manifest()?;
        let matches: Vec<usize> = manifest
            .sources
            .iter()
            .enumerate()
            .filter(|(_, s)| s.id.starts_with(id))
            .map(|(i, _)| i)
            .collect();
        let index = match matches[..] {
            [i] => i,
            [] => {
                return Err(Error::Usage(format!(
                    "no source with id {id}; `burnrate sources` lists them"
                )));
            }
            _ => {
                return Err(Error::Usage(format!(
                    "{id} matches several sources; give more of the id"
                )));
            }
        };
        let removed = manifest.sources.remove(index);
        // The other half of a pair gets its own figures back: its files
        // are staged again when they are still there, unchanged.
        let mut notes = Vec::new();
        for partner in &mut manifest.sources {
            if !partner.paired_with.contains(&removed.id) {
                continue;
            }
            partner.paired_with.retain(|p| *p != removed.id);
            if partner.paired_with.is_empty() {
                notes.push(self.unpair(partner)?);
            }
        }
        self.write_manifest(&manifest)?;
        self.collect_garbage(&manifest);
        Ok(Removed {
            source: removed,
            notes,
        })
    }

    /// Stages a formerly paired source's own files again so its rows carry
    /// both costs; says what it did. When the files are gone or changed the
    /// source keeps its half, and the note says how to restore it.
    fn unpair(&self, source: &mut SourceRecord) -> Result<String> {
        let unchanged = content_hash(&source.paths)
            .map(|(hash, _)| hash == source.hash)
            .unwrap_or(false);
        if !unchanged {
            return Ok(format!(
                "source {} keeps only its half of the costs: its files are gone or changed; \
                 import them again with --replace to restore its own figures",
                source.id
            ));
        }
        let temp_dir = self.temp_dir();
        let mut staged = Vec::new();
        for part in &source.paths {
            staged.push(ingest::stage(part, &temp_dir)?);
        }
        let files: Vec<PathBuf> = staged.iter().map(|s| s.parquet.to_path_buf()).collect();
        let suffix = blake3::hash(source.file.as_bytes()).to_hex();
        let file_rel = format!("parts/{}-{}.parquet", source.id, &suffix[..6]);
        write_parquet(scan_files(&files)?, &self.dir.join(&file_rel))?;
        source.reports = staged.into_iter().map(|s| s.report).collect();
        source.slices = merge_slices(source.reports.iter().flat_map(|r| r.slices.iter().cloned()));
        source.file = file_rel;
        Ok(format!(
            "source {} has both of its own costs again (re-read from {})",
            source.id,
            source.paths_text()
        ))
    }
}

fn write_parquet(frame: LazyFrame, target: &Path) -> Result<()> {
    frame
        .sink(
            SinkDestination::File {
                target: SinkTarget::Path(PlRefPath::new(target.to_string_lossy().as_ref())),
            },
            FileWriteFormat::Parquet(ingest::parquet_options()),
            UnifiedSinkArgs {
                sync_on_close: polars::io::utils::sync_on_close::SyncOnCloseType::All,
                ..Default::default()
            },
        )
        .and_then(|lf| lf.collect_with_engine(Engine::Streaming))
        .map(|_| ())
        .map_err(|e| Error::polars(format!("writing {}", target.display()), e))
}
