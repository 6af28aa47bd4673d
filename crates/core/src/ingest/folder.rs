//! Which files of a folder an import reads.

use std::path::{Path, PathBuf};

use super::{cur_manifest, source};
use crate::error::{Error, Result};

/// The billing files in a folder, recursively, in name order. In a folder
/// holding a CUR manifest, the manifest stands for its parts and the rest of
/// the delivery (older assemblies) is skipped; hidden files are ignored.
/// Files that are known not to be billing data are skipped; the returned
/// list says which and why.
pub fn files_in_folder(
    dir: &Path,
    files: &mut Vec<PathBuf>,
) -> Result<Vec<(PathBuf, &'static str)>> {
    let mut skipped = Vec::new();
    add_folder(dir, files, &mut skipped)?;
    Ok(skipped)
}

fn add_folder(
    dir: &Path,
    files: &mut Vec<PathBuf>,
    skipped: &mut Vec<(PathBuf, &'static str)>,
) -> Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir.display().to_string(), e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    let manifests: Vec<&PathBuf> = entries
        .iter()
        .filter(|p| p.is_file() && cur_manifest::is_manifest(p))
        .collect();
    if !manifests.is_empty() {
        files.extend(manifests.into_iter().cloned());
        return Ok(());
    }
    for entry in entries {
        let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        if entry.is_dir() {
            add_folder(&entry, files, skipped)?;
        } else if let Some(reason) = source::not_billing_data(&entry) {
            skipped.push((entry, reason));
        } else if !name.to_ascii_lowercase().ends_with(".json") || !name.contains("Manifest") {
            files.push(entry);
        }
    }
    Ok(())
}
