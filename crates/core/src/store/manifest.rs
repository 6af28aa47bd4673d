//! `manifest.json`: the list of live sources, the dataset's commit point.

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::{Dataset, io_err};
use crate::error::{Error, Result};
use crate::fsutil::hash_file;
use crate::ingest::{FileReport, Slice};

pub(super) const MANIFEST: &str = "manifest.json";
pub(super) const MANIFEST_VERSION: u32 = 1;

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

impl Dataset {
    pub(super) fn read_manifest(&self) -> Result<Manifest> {
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
    pub(super) fn write_manifest(&self, manifest: &Manifest) -> Result<()> {
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

    /// Each part holds the rows its source says (read from the Parquet
    /// footer, cheap): a part swapped for another file, or cut short, is
    /// refused before any answer counts it.
    pub(super) fn verify_parts(&self, manifest: &Manifest) -> Result<()> {
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
}

fn fsync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_err(dir))
}

/// The content hash of an input's parts (blake3 of the file, or of the
/// parts' hashes), and their size.
pub(super) fn content_hash(parts: &[PathBuf]) -> Result<(String, u64)> {
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
