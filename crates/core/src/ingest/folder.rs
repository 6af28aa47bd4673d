//! Which files of a folder an import reads.

use std::path::{Path, PathBuf};

use super::{cur_manifest, source};
use crate::error::{Error, Result};

/// The billing files in a folder, recursively, in name order. In a folder
/// holding a CUR manifest, the manifest stands for its parts and the rest of
/// the delivery (older assemblies) is skipped; hidden files are ignored.
/// Files that are known not to be billing data are skipped, and so is a
/// folder reached again through a link (a loop); the returned list says
/// which and why.
pub fn files_in_folder(
    dir: &Path,
    files: &mut Vec<PathBuf>,
) -> Result<Vec<(PathBuf, &'static str)>> {
    let mut walk = Walk::default();
    walk.folder(dir, files)?;
    Ok(walk.skipped)
}

#[derive(Default)]
struct Walk {
    /// Folders already read, by their real path.
    seen: std::collections::HashSet<PathBuf>,
    skipped: Vec<(PathBuf, &'static str)>,
}

impl Walk {
    fn folder(&mut self, dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
        let real = dir
            .canonicalize()
            .map_err(|e| Error::io(dir.display().to_string(), e))?;
        if !self.seen.insert(real) {
            self.skipped.push((
                dir.to_path_buf(),
                "a link to a folder already read (a loop, or the same folder twice)",
            ));
            return Ok(());
        }
        self.entries(dir, files)
    }

    fn entries(&mut self, dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
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
                self.folder(&entry, files)?;
            } else if let Some(reason) = source::not_billing_data(&entry) {
                self.skipped.push((entry, reason));
            } else if !name.to_ascii_lowercase().ends_with(".json") || !name.contains("Manifest") {
                files.push(entry);
            }
        }
        Ok(())
    }
}
