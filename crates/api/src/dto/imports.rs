//! An import's progress and each file's outcome and reconciliation; the sources.

use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

use super::*;

#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportProgress {
    pub done: u32,
    pub total: u32,
    pub current: String,
}

/// One currency of one file's reconciliation.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Reconciliation {
    pub currency: String,
    /// The provider's own total in the file.
    pub native_total: f64,
    /// Which normalized measure must equal it (billed or effective).
    pub measure: String,
    pub normalized_total: f64,
    pub billed: f64,
    pub effective: f64,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct FileCheck {
    pub path: String,
    pub format: String,
    pub version: Option<String>,
    pub rows: f64,
    pub periods: Vec<String>,
    pub reconciliation: Vec<Reconciliation>,
    /// FOCUS files: the spec's cost rules the file breaks (shown beside
    /// the reconciliation; informs, never refuses).
    pub focus_conformance: Option<FocusConformance>,
}

impl FileCheck {
    fn from_report(r: &burnrate_core::ingest::FileReport) -> FileCheck {
        FileCheck {
            path: r.path.display().to_string(),
            format: r.format.clone(),
            version: r.version.clone(),
            rows: r.rows as f64,
            periods: r.periods.clone(),
            reconciliation: r
                .currencies
                .iter()
                .map(|c| Reconciliation {
                    currency: c.currency.clone(),
                    native_total: c.native_total,
                    measure: c.measure.clone(),
                    normalized_total: c.normalized_total,
                    billed: c.billed_cost,
                    effective: c.effective_cost,
                })
                .collect(),
            focus_conformance: r.focus_conformance.clone(),
        }
    }
}

/// What importing one file did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ImportResult {
    pub path: String,
    /// imported, unchanged, skipped (not billing data) or failed.
    pub status: String,
    pub replaced: Vec<String>,
    /// Sources this file was added beside, as another part of their delivery.
    pub parts_of: Vec<String>,
    /// Azure exports of the other cost view this file pairs with.
    pub paired_with: Vec<String>,
    pub files: Vec<FileCheck>,
    pub error: Option<ApiError>,
    /// Why a file was skipped or left unchanged.
    pub note: Option<String>,
}

impl ImportResult {
    pub fn failed(path: &Path, error: ApiError) -> ImportResult {
        ImportResult {
            path: path.display().to_string(),
            status: "failed".into(),
            replaced: Vec::new(),
            parts_of: Vec::new(),
            paired_with: Vec::new(),
            files: Vec::new(),
            error: Some(error),
            note: None,
        }
    }

    /// A file of a folder that is not billing data (see
    /// `burnrate_core::ingest::files_in_folder`).
    pub fn skipped((path, reason): (PathBuf, &'static str)) -> ImportResult {
        ImportResult {
            path: path.display().to_string(),
            status: "skipped".into(),
            replaced: Vec::new(),
            parts_of: Vec::new(),
            paired_with: Vec::new(),
            files: Vec::new(),
            error: None,
            note: Some(reason.to_string()),
        }
    }

    pub fn from_outcome(
        path: &Path,
        outcome: &burnrate_core::store::ImportOutcome,
    ) -> ImportResult {
        use burnrate_core::store::ImportOutcome;
        match outcome {
            ImportOutcome::Imported {
                reports,
                replaced,
                parts_of,
                paired_with,
                ..
            } => ImportResult {
                path: path.display().to_string(),
                status: "imported".into(),
                replaced: replaced.clone(),
                parts_of: parts_of.clone(),
                paired_with: paired_with.clone(),
                files: reports.iter().map(FileCheck::from_report).collect(),
                error: None,
                note: None,
            },
            ImportOutcome::Unchanged { superseded_by, .. } => ImportResult {
                path: path.display().to_string(),
                status: "unchanged".into(),
                replaced: Vec::new(),
                parts_of: Vec::new(),
                paired_with: Vec::new(),
                files: Vec::new(),
                error: None,
                note: superseded_by.as_ref().map(|by| {
                    format!(
                        "a later delivery (source {by}) replaced this one; nothing changed \
                         (import it with Replace to bring it back)"
                    )
                }),
            },
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct Source {
    pub id: String,
    pub paths: Vec<String>,
    pub format: String,
    pub rows: f64,
    pub imported_at: String,
    pub periods: Vec<String>,
    pub files: Vec<FileCheck>,
}

impl Source {
    pub fn from_record(s: &burnrate_core::store::SourceRecord) -> Source {
        let mut periods: Vec<String> = s.slices.iter().map(|x| x.period.clone()).collect();
        periods.sort();
        periods.dedup();
        Source {
            id: s.id.clone(),
            paths: s.paths.iter().map(|p| p.display().to_string()).collect(),
            format: s.format.clone(),
            rows: s.rows as f64,
            imported_at: s.imported_at.to_rfc3339(),
            periods,
            files: s.reports.iter().map(FileCheck::from_report).collect(),
        }
    }
}

/// The user's choice for a file that meets imported months, as the app
/// sends it: none (decide from the content), `as_parts` or `replace`.
pub fn delivery_choice(choice: Option<&str>) -> Result<burnrate_core::store::Delivery, ApiError> {
    use burnrate_core::store::Delivery;
    match choice {
        None => Ok(Delivery::Detect),
        Some("as_parts") => Ok(Delivery::AsParts),
        Some("replace") => Ok(Delivery::Replace),
        Some(other) => Err(burnrate_core::Error::Usage(format!(
            "unknown delivery choice {other:?}: as_parts or replace"
        ))
        .into()),
    }
}
