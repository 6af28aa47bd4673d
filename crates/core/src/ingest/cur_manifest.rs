//! AWS CUR delivery folders. Each billing period folder holds a
//! `<report>-Manifest.json` naming the current assembly's parts in
//! `reportKeys`; older assemblies stay in the bucket beside it. Burnrate reads
//! exactly the parts the manifest lists, as one source.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CurManifest {
    pub assembly_id: Option<String>,
    pub report_keys: Vec<String>,
    pub billing_period: Option<BillingPeriod>,
}

#[derive(Debug, Deserialize)]
pub struct BillingPeriod {
    pub start: String,
    pub end: String,
}

/// Is this file a CUR manifest? (JSON with `reportKeys`.)
pub fn is_manifest(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if !name.to_ascii_lowercase().ends_with(".json") {
        return false;
    }
    std::fs::read(path)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .is_some_and(|v| v.get("reportKeys").is_some())
}

/// Reads a manifest and resolves its report keys to local files. A key is
/// an S3 object key (`prefix/report/20180801-20180901/<assembly>/part.csv.gz`);
/// locally the parts sit beside the manifest, or in its assembly folder.
pub fn parts(manifest_path: &Path) -> Result<(CurManifest, Vec<PathBuf>)> {
    let bytes = std::fs::read(manifest_path)
        .map_err(|e| Error::io(manifest_path.display().to_string(), e))?;
    let manifest: CurManifest = serde_json::from_slice(&bytes)
        .map_err(|e| Error::bad_input(manifest_path, format!("not a CUR manifest: {e}")))?;
    let dir = manifest_path.parent().unwrap_or(Path::new("."));
    let mut parts = Vec::new();
    for key in &manifest.report_keys {
        let components: Vec<&str> = key.split('/').filter(|c| !c.is_empty()).collect();
        let candidates = (1..=components.len().min(3)).map(|n| {
            components[components.len() - n..]
                .iter()
                .fold(dir.to_path_buf(), |p, c| p.join(c))
        });
        let found = candidates
            .into_iter()
            .find(|p| p.is_file())
            .ok_or_else(|| {
                Error::bad_input(
                    manifest_path,
                    format!(
                        "the manifest lists {key}, which is not beside it or in its assembly folder"
                    ),
                )
            })?;
        // The same part twice would count its rows twice.
        if parts.contains(&found) {
            return Err(Error::bad_input(
                manifest_path,
                format!("the manifest lists {key} twice; nothing was imported"),
            ));
        }
        parts.push(found);
    }
    if parts.is_empty() {
        return Err(Error::bad_input(
            manifest_path,
            "the manifest lists no report files",
        ));
    }
    Ok((manifest, parts))
}
