//! The local dataset: Parquet files under a data directory, and a manifest
//! that says which of them are live.
//!
//! Layout:
//! ```text
//! <data dir>/manifest.json     the sources and their slices (the commit point)
//! <data dir>/parts/<id>.parquet one file per source, canonical schema
//! <data dir>/tmp/              staging area, same file system as parts/
//! <data dir>/.lock             advisory lock: writers exclusive, readers shared
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

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fsutil::hash_file;
pub use crate::ingest::Slice;
use crate::ingest::{self, FileReport, cur_manifest};
use crate::period::{NO_PERIOD, period_number_expr};
use crate::schema;
pub use delivery::Delivery;
use delivery::{CostView, Relation};

const MANIFEST: &str = "manifest.json";
const MANIFEST_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SourceRecord {
    /// Short content hash; what `burnrate sources remove` takes.
    pub id: String,
    /// The files the user imported (several for a CUR manifest's parts).
    pub paths: Vec<PathBuf>,
    pub size: u64,
    /// blake3 of the content (of the parts' hashes for a multi-part source).
    pub hash: String,
    pub format: String,
    pub version: Option<String>,
    pub imported_at: DateTime<Utc>,
    /// Parquet file, relative to the data dir.
    pub file: String,
    pub rows: u64,
    pub slices: Vec<Slice>,
    /// The reconciliation of each file at import time.
    pub reports: Vec<FileReport>,
    /// The Azure exports of the other cost view this one pairs with: its
    /// stored rows keep only its half of the costs (see [`delivery`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub paired_with: Vec<String>,
}

impl SourceRecord {
    /// The files it was imported from, comma-separated, for messages.
    pub fn paths_text(&self) -> String {
        self.paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub version: u32,
    pub sources: Vec<SourceRecord>,
    /// Deliveries a later one replaced, remembered by content hash so that
    /// importing one again changes nothing unless the user says `--replace`.
    #[serde(default)]
    pub superseded: Vec<Superseded>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Superseded {
    pub hash: String,
    /// The source id it had.
    pub id: String,
    /// The source that replaced it.
    pub by: String,
    pub at: DateTime<Utc>,
}

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

/// What a front end wants done when a command must wait for the dataset
/// lock (the CLI prints "waiting for the import in progress"); set once.
pub static WAITING_NOTICE: std::sync::OnceLock<fn()> = std::sync::OnceLock::new();

/// Holds the dataset lock; released on drop.
pub struct LockGuard {
    /// None when a reader cannot create the lock file (a read-only data
    /// dir, where no writer can run either).
    file: Option<File>,
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        if let Some(file) = &self.file {
            let _ = file.unlock();
        }
    }
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

fn fsync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_err(dir))
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

    pub fn temp_dir(&self) -> PathBuf {
        self.dir.join("tmp")
    }

    /// Writers lock exclusively, readers shared. A reader of a data dir it
    /// may not write (read-only media, another user's folder) takes the
    /// shared lock on the existing lock file opened for reading, or none
    /// when there is no lock file: nothing can be writing there.
    fn lock(&self, exclusive: bool) -> Result<LockGuard> {
        let path = self.dir.join(".lock");
        let opened = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path);
        let file = match opened {
            Ok(file) => file,
            Err(e)
                if !exclusive
                    && matches!(
                        e.kind(),
                        std::io::ErrorKind::PermissionDenied
                            | std::io::ErrorKind::ReadOnlyFilesystem
                    ) =>
            {
                match File::open(&path) {
                    Ok(file) => file,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        return Ok(LockGuard { file: None });
                    }
                    Err(e) => return Err(io_err(&path)(e)),
                }
            }
            Err(e) => return Err(io_err(&path)(e)),
        };
        let attempt = if exclusive {
            file.try_lock()
        } else {
            file.try_lock_shared()
        };
        match attempt {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                // Someone else holds it (an import in progress): say so
                // before waiting, where the front end asked to be told.
                if let Some(notice) = WAITING_NOTICE.get() {
                    notice();
                }
                let locked = if exclusive {
                    file.lock()
                } else {
                    file.lock_shared()
                };
                locked.map_err(io_err(&path))?;
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io_err(&path)(e)),
        }
        Ok(LockGuard { file: Some(file) })
    }

    fn read_manifest(&self) -> Result<Manifest> {
        let path = self.dir.join(MANIFEST);
        let damaged = |why: String| Error::Dataset {
            dir: self.dir.clone(),
            message: format!(
                "{MANIFEST} is damaged ({why}); restore it from a backup or start a new data dir"
            ),
        };
        match fs::read(&path) {
            Ok(bytes) => {
                let manifest: Manifest =
                    serde_json::from_slice(&bytes).map_err(|e| damaged(e.to_string()))?;
                if manifest.version > MANIFEST_VERSION {
                    return Err(Error::Dataset {
                        dir: self.dir.clone(),
                        message: format!(
                            "{MANIFEST} is version {}, written by a newer Burnrate; this one reads \
                             version {MANIFEST_VERSION}: upgrade Burnrate to use this data dir",
                            manifest.version
                        ),
                    });
                }
                let mut files = BTreeSet::new();
                for source in &manifest.sources {
                    if !files.insert(&source.file) {
                        return Err(damaged(format!(
                            "{} is named by two sources, so its rows would count twice",
                            source.file
                        )));
                    }
                }
                Ok(manifest)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Manifest {
                version: MANIFEST_VERSION,
                ..Default::default()
            }),
            Err(e) => Err(Error::io(path.display().to_string(), e)),
        }
    }

    /// The commit point: write the new manifest beside the old one, then
    /// rename it into place. The parts it names were synced when written;
    /// their folder is synced first, so that after a power loss the manifest
    /// never names a part whose rename into `parts/` was lost.
    fn write_manifest(&self, manifest: &Manifest) -> Result<()> {
        let parts = self.dir.join("parts");
        if parts.is_dir() {
            fsync_dir(&parts)?;
        }
        let tmp = self.dir.join("tmp").join(format!("{MANIFEST}.new"));
        let bytes = serde_json::to_vec_pretty(manifest).expect("manifest serializes");
        {
            let mut f = File::create(&tmp).map_err(io_err(&tmp))?;
            f.write_all(&bytes).map_err(io_err(&tmp))?;
            f.sync_all().map_err(io_err(&tmp))?;
        }
        let target = self.dir.join(MANIFEST);
        fs::rename(&tmp, &target).map_err(io_err(&target))?;
        fsync_dir(&self.dir)
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

    /// Decides, before anything is written, what a staged file does to each
    /// source it meets: replaces it (with the full keys of the slices it
    /// takes), sits beside it as another part, or pairs with it (Azure
    /// actual/amortized). An ambiguous case is an error.
    #[allow(clippy::too_many_arguments)] // one call site; each is distinct
    fn plan(
        &self,
        input: &Path,
        manifest: &Manifest,
        slices: &[Slice],
        staged_files: &[PathBuf],
        (format, view): (&str, Option<CostView>),
        scope: Replace,
        delivery: Delivery,
    ) -> Result<Plan> {
        let new_keys: BTreeSet<_> = slices.iter().map(|s| scope.key(s)).collect();
        let account_month = |s: &Slice| Replace::BillingAccountMonths.key(s);
        let new_months: BTreeSet<_> = slices.iter().map(account_month).collect();
        let mut plan = Plan::default();
        for source in &manifest.sources {
            // An Azure actual and amortized export of the same billing
            // account and month pair, whatever sub-accounts each holds.
            let old_view = source
                .reports
                .first()
                .and_then(|r| CostView::of(&r.cost_view));
            if let (Some(new_view), Some(old_view)) = (view, old_view)
                && new_view != old_view
                && delivery == Delivery::Detect
            {
                let paired: BTreeSet<_> = source
                    .slices
                    .iter()
                    .filter(|s| new_months.contains(&account_month(s)))
                    .map(Slice::key)
                    .collect();
                if !paired.is_empty() {
                    let old_months: BTreeSet<_> = source.slices.iter().map(account_month).collect();
                    plan.new_paired.extend(
                        slices
                            .iter()
                            .filter(|s| old_months.contains(&account_month(s)))
                            .map(Slice::key),
                    );
                    plan.pairing.insert(source.id.clone(), (new_view, paired));
                    continue;
                }
            }
            let gone: BTreeSet<_> = source
                .slices
                .iter()
                .filter(|s| new_keys.contains(&scope.key(s)))
                .map(Slice::key)
                .collect();
            if gone.is_empty() {
                continue;
            }
            let relation = match delivery {
                Delivery::Replace => Relation::Restatement,
                Delivery::AsParts => Relation::Parts,
                Delivery::Detect => delivery::relation(
                    scan_files(staged_files)?,
                    scan_files(&[self.dir.join(&source.file)])?,
                    in_slices(&gone),
                    source.format == format,
                )?,
            };
            match relation {
                Relation::Parts => plan.parts_of.push(source.id.clone()),
                Relation::Restatement => {
                    plan.replacing.insert(source.id.clone(), gone);
                }
                Relation::OtherExport => {
                    plan.notes.push(format!(
                        "source {} ({}) is another export of the same months; this later import \
                         replaces it, so the costs count once",
                        source.id, source.format
                    ));
                    plan.replacing.insert(source.id.clone(), gone);
                }
                Relation::Ambiguous(why) => {
                    return Err(Error::AmbiguousDelivery {
                        file: input.to_path_buf(),
                        message: format!(
                            "it meets source {} ({}) in the same months: {why}. Nothing was \
                             imported; import it again with --as-parts to add it beside that \
                             source, or --replace to replace it",
                            source.id,
                            source.paths_text()
                        ),
                    });
                }
            }
        }
        Ok(plan)
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

    /// Each part holds the rows its source says (read from the Parquet
    /// footer, cheap): a part swapped for another file, or cut short, is
    /// refused before any answer counts it.
    fn verify_parts(&self, manifest: &Manifest) -> Result<()> {
        for source in &manifest.sources {
            let path = self.dir.join(&source.file);
            let rows = File::open(&path)
                .map_err(|e| e.to_string())
                .and_then(|f| ParquetReader::new(f).num_rows().map_err(|e| e.to_string()));
            match rows {
                Ok(rows) if rows as u64 == source.rows => {}
                Ok(rows) => {
                    return Err(Error::Dataset {
                        dir: self.dir.clone(),
                        message: format!(
                            "{} holds {rows} rows but {MANIFEST} says source {} has {}: the part \
                             was replaced or damaged; remove the source (`burnrate sources remove \
                             {}`) and import its files again",
                            source.file, source.id, source.rows, source.id
                        ),
                    });
                }
                Err(why) => {
                    return Err(Error::Dataset {
                        dir: self.dir.clone(),
                        message: format!(
                            "{} of source {} cannot be read ({why}); remove the source \
                             (`burnrate sources remove {}`) and import its files again",
                            source.file, source.id, source.id
                        ),
                    });
                }
            }
        }
        Ok(())
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

/// A slice key as one string, laid out like [`slice_key_expr`]: the period
/// as its number (`202403`), so rows need no date formatting.
/// What an import replaces of the data already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replace {
    /// Each (provider, billing account, sub-account, month) it contains: a
    /// file may hold some sub-accounts only (an Azure export per
    /// subscription).
    Slices,
    /// Each (provider, billing account, month) it contains, whatever the
    /// sub-accounts: an account with no cost in the new data loses its old
    /// figures.
    BillingAccountMonths,
}

impl Replace {
    fn key(self, slice: &Slice) -> (String, String, String, String) {
        let mut key = slice.key();
        if self == Replace::BillingAccountMonths {
            key.2 = String::new();
        }
        key
    }
}

fn key_string(key: &(String, String, String, String)) -> String {
    format!(
        "{}\u{1f}{}\u{1f}{}\u{1f}{}",
        key.0,
        key.1,
        key.2,
        key.3.replace('-', "")
    )
}

/// The content hash of an input's parts (blake3 of the file, or of the
/// parts' hashes), and their size.
fn content_hash(parts: &[PathBuf]) -> Result<(String, u64)> {
    let mut hashes = Vec::new();
    let mut size = 0;
    for part in parts {
        let (hash, part_size) = hash_file(part)?;
        hashes.push(hash);
        size += part_size;
    }
    let hash = if hashes.len() == 1 {
        hashes[0].clone()
    } else {
        blake3::hash(hashes.join("\n").as_bytes())
            .to_hex()
            .to_string()
    };
    Ok((hash, size))
}

/// (provider, billing account, sub account, period).
type SliceKey = (String, String, String, String);

/// What one import does to the sources it meets (see [`Dataset::plan`]).
#[derive(Default)]
struct Plan {
    /// Source id -> the slices of it the import replaces.
    replacing: std::collections::BTreeMap<String, BTreeSet<SliceKey>>,
    /// Sources the new file is another part of the delivery of.
    parts_of: Vec<String>,
    /// Source id -> (the new file's half of the pair, that source's paired
    /// slices).
    pairing: std::collections::BTreeMap<String, (CostView, BTreeSet<SliceKey>)>,
    /// The new file's paired slices.
    new_paired: BTreeSet<SliceKey>,
    /// What the new file's report should say about the decisions.
    notes: Vec<String>,
}

impl Plan {
    fn pairs_with(&self) -> Vec<String> {
        self.pairing.keys().cloned().collect()
    }

    /// The new file's half of its pairs and the slices it pairs in.
    fn new_half(&self, view: Option<CostView>) -> Option<(CostView, BTreeSet<SliceKey>)> {
        let view = view.filter(|_| !self.pairing.is_empty())?;
        Some((view, self.new_paired.clone()))
    }
}

/// The note a paired file's report gets.
fn pair_note(view: CostView, others: &[String]) -> String {
    let (kept, other) = match view {
        CostView::Actual => ("BilledCost", "EffectiveCost, ListCost and quantities"),
        CostView::Amortized => ("EffectiveCost, ListCost and quantities", "BilledCost"),
    };
    format!(
        "paired with source {} (the {} export of the same months): this file gives {kept}, \
         the other gives {other}",
        others.join(", "),
        match view {
            CostView::Actual => "amortized",
            CostView::Amortized => "actual",
        }
    )
}

/// Rows in any of these slices.
fn in_slices(keys: &BTreeSet<SliceKey>) -> Expr {
    slice_key_expr().is_in(
        lit(Series::new(
            "keys".into(),
            keys.iter().map(key_string).collect::<Vec<_>>(),
        ))
        .implode(false),
        false,
    )
}

/// The slice key of each row, as one string (same layout as [`key_string`]).
fn slice_key_expr() -> Expr {
    concat_str(
        [
            col("ProviderName").fill_null(lit("(none)")),
            col("BillingAccountId").fill_null(lit("(none)")),
            col("SubAccountId").fill_null(lit("(none)")),
            period_number_expr()
                .cast(DataType::String)
                .fill_null(lit(NO_PERIOD)),
        ],
        "\u{1f}",
        false,
    )
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

/// Adds up the slices of a source's parts (a CUR delivery in several files
/// repeats the same slices).
fn merge_slices(slices: impl Iterator<Item = Slice>) -> Vec<Slice> {
    let mut merged: Vec<Slice> = Vec::new();
    for slice in slices {
        match merged
            .iter_mut()
            .find(|m| m.key() == slice.key() && m.currency == slice.currency)
        {
            Some(m) => {
                m.rows += slice.rows;
                m.billed_cost += slice.billed_cost;
                m.effective_cost += slice.effective_cost;
                m.list_cost += slice.list_cost;
            }
            None => merged.push(slice),
        }
    }
    merged
}
