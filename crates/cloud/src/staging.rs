//! What every pull shares on its way into the dataset: the staging folder
//! in the data dir, the FOCUS file a cost API's rows are written to (then
//! imported like any billing file), the ETag cache of mirrored objects,
//! and the summary of what landed.

use std::path::{Path, PathBuf};

use burnrate_core::store::{Dataset, ImportOutcome};

use crate::{PullError, monthly};

/// Downloaded objects are cached in the data dir beside a `<file>.etag`
/// holding the ETag they were downloaded at: a cached copy is current
/// while the store still reports that ETag.
pub(crate) fn cached_copy_is_current(target: &Path, etag: &str) -> bool {
    !etag.is_empty()
        && target.is_file()
        && std::fs::read_to_string(etag_path(target)).is_ok_and(|cached| cached == etag)
}

pub(crate) fn etag_path(target: &Path) -> PathBuf {
    PathBuf::from(format!("{}.etag", target.display()))
}

/// What a pull did.
#[derive(Debug, Clone)]
pub struct PullSummary {
    /// API requests made (each Cost Explorer request is billed by AWS).
    pub requests: usize,
    /// Months pulled, `YYYY-MM`.
    pub months: Vec<String>,
    /// Months skipped because a final pull of them is already in the dataset.
    pub skipped_final: Vec<String>,
    /// Rows written and imported.
    pub rows: usize,
    /// The import outcome per staged file.
    pub outcomes: Vec<ImportOutcome>,
}

impl PullSummary {
    /// The summary of landing a planned pull, before its imports.
    pub(crate) fn of_plan(plan: &monthly::Plan, requests: usize, rows: usize) -> PullSummary {
        let months = |list: &[chrono::NaiveDate]| {
            list.iter().map(|m| m.format("%Y-%m").to_string()).collect()
        };
        PullSummary {
            requests,
            months: months(&plan.months),
            skipped_final: months(&plan.skipped_final),
            rows,
            outcomes: Vec::new(),
        }
    }
}

/// A folder in the data dir's temp area for the files a pull stages.
pub(crate) fn staging_folder(
    dataset: &Dataset,
    prefix: &str,
) -> Result<tempfile::TempDir, PullError> {
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(dataset.temp_dir())
        .map_err(|e| PullError::Core(burnrate_core::Error::io("creating a staging folder", e)))
}

/// The columns of the FOCUS files pulls stage: canonical columns
/// (`burnrate_core::schema`), plus the `x_` names Microsoft's FOCUS
/// exports use, which the FOCUS adapter maps.
pub(crate) const STAGED_COLUMNS: &[&str] = &[
    "BillingAccountId",
    "SubAccountId",
    "SubAccountName",
    "ProviderName",
    "PublisherName",
    "InvoiceIssuerName",
    "BillingPeriodStart",
    "BillingPeriodEnd",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "ChargeCategory",
    "ChargeFrequency",
    "ServiceName",
    "ResourceId",
    "RegionName",
    "x_ResourceGroupName",
    "x_SkuMeterCategory",
    "BilledCost",
    "EffectiveCost",
    "ListCost",
    "ContractedCost",
    "BillingCurrency",
    "ConsumedQuantity",
    "Tags",
];

/// Writes rows of (column, value) as a staged FOCUS CSV; columns a row
/// leaves out are empty.
pub(crate) fn write_focus<'a>(
    path: &Path,
    rows: impl Iterator<Item = Vec<(&'static str, String)>> + 'a,
) -> Result<(), PullError> {
    let io = |e: std::io::Error| {
        PullError::Core(burnrate_core::Error::io(
            format!("writing {}", path.display()),
            e,
        ))
    };
    let mut writer = csv::Writer::from_path(path).map_err(|e| io(e.into()))?;
    writer
        .write_record(STAGED_COLUMNS)
        .map_err(|e| io(e.into()))?;
    for row in rows {
        let record: Vec<&str> = STAGED_COLUMNS
            .iter()
            .map(|column| {
                row.iter()
                    .find(|(c, _)| c == column)
                    .map(|(_, v)| v.as_str())
                    .unwrap_or("")
            })
            .collect();
        debug_assert!(
            row.iter().all(|(c, _)| STAGED_COLUMNS.contains(c)),
            "a staged column that is not in STAGED_COLUMNS"
        );
        writer.write_record(&record).map_err(|e| io(e.into()))?;
    }
    writer.flush().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;
    use burnrate_core::schema::COLUMNS;

    #[test]
    fn staged_columns_are_canonical_or_provider_extensions() {
        for column in STAGED_COLUMNS {
            assert!(
                column.starts_with("x_") || COLUMNS.iter().any(|(name, _)| name == column),
                "{column} is not a canonical column"
            );
        }
    }
}
