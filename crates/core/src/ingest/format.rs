//! The billing formats Burnrate reads, and the registry of adapters that
//! recognize and map them.
//!
//! A format is detected from a file's header and content, never from its
//! name: each [`Adapter`] in [`ADAPTERS`] is asked in turn. Adding a
//! provider family means one new file in `adapters/` implementing
//! [`Adapter`], its variants in [`Format`], and one line in [`ADAPTERS`].

use std::path::Path;

use polars::prelude::Expr;

use super::adapters::{aws, azure, focus, gcp, oci};
use super::columns::SourceColumns;
use crate::error::{Error, Result};

/// Every format Burnrate reads, for messages and the README table.
pub const KNOWN_FORMATS: &str = "AWS CUR legacy CSV (lineItem/...), AWS CUR Athena/Parquet \
(line_item_...), AWS CUR 2.0 / Data Exports, Azure EA / MCA / Cost Management / pay-as-you-go \
cost details (actual or amortized), GCP billing export (CSV or JSON lines), Oracle Cloud cost \
reports, FOCUS 1.0-1.3 (from any provider, OCI's FOCUS reports included)";

/// One billing format: a provider family's layout of columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    AwsCurLegacy,
    AwsCurAthena,
    AwsCur2,
    AzureEa,
    AzureMca,
    AzurePaygLegacy,
    AzureCostDetails,
    GcpBilling,
    OciCostReport,
    Focus,
}

/// The provider families, one adapter each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Aws,
    Azure,
    Gcp,
    Oci,
    Focus,
}

impl Format {
    /// The name stored in the manifest and shown in `burnrate sources`.
    pub fn name(self) -> &'static str {
        match self {
            Format::AwsCurLegacy => "aws-cur-legacy",
            Format::AwsCurAthena => "aws-cur-athena",
            Format::AwsCur2 => "aws-cur2",
            Format::AzureEa => "azure-ea",
            Format::AzureMca => "azure-mca",
            Format::AzurePaygLegacy => "azure-payg-legacy",
            Format::AzureCostDetails => "azure-cost-details",
            Format::GcpBilling => "gcp-billing",
            Format::OciCostReport => "oci-cost-report",
            Format::Focus => "focus",
        }
    }

    pub fn family(self) -> Family {
        match self {
            Format::AwsCurLegacy | Format::AwsCurAthena | Format::AwsCur2 => Family::Aws,
            Format::AzureEa
            | Format::AzureMca
            | Format::AzurePaygLegacy
            | Format::AzureCostDetails => Family::Azure,
            Format::GcpBilling => Family::Gcp,
            Format::OciCostReport => Family::Oci,
            Format::Focus => Family::Focus,
        }
    }

    pub fn adapter(self) -> &'static dyn Adapter {
        match self.family() {
            Family::Aws => &aws::Aws,
            Family::Azure => &azure::Azure,
            Family::Gcp => &gcp::Gcp,
            Family::Oci => &oci::Oci,
            Family::Focus => &focus::Focus,
        }
    }
}

/// What the import needs to know of one provider family.
pub trait Adapter: Sync {
    /// The form a raw header name is compared in (case, separators,
    /// localized Azure names).
    fn key(&self, raw: &str) -> String;

    /// Which of this family's formats a header is, with the FOCUS version
    /// where there is one.
    fn detect(&self, raw_names: &[String]) -> Option<(Format, Option<&'static str>)>;

    /// The FOCUS columns this family's columns map to.
    fn mapping(&self, columns: &SourceColumns, raw_names: &[String]) -> Vec<(&'static str, Expr)>;

    /// The provider's own cost column (first present key wins), which the
    /// independent recount re-reads.
    fn native_cost_keys(&self) -> &'static [&'static str];

    /// Cost columns a row falls back to, in order, where its native cost
    /// cell is empty (AWS: unblended cost where net unblended is empty). An
    /// empty cost cell is never read as zero while another has a value.
    fn native_cost_fallback_keys(&self) -> &'static [&'static str] {
        &[]
    }

    /// The provider's charge type column (first present key wins).
    fn charge_type_keys(&self) -> &'static [&'static str];

    /// The FOCUS ChargeCategory the mapping gives a row of this native
    /// charge type (`None` when the file has no such column, "" for an empty
    /// cell). Written here in plain Rust, apart from the mapping's
    /// expressions, so that the recount's per-category totals check the
    /// mapping rather than repeat it.
    fn charge_category(&self, charge_type: Option<&str>) -> String;

    /// The currency column of that cost.
    fn currency_keys(&self) -> &'static [&'static str];

    /// A credits column the provider keeps apart from the cost (GCP).
    fn credits_key(&self) -> Option<&'static str> {
        None
    }
}

/// Detection order: OCI before AWS, whose slash names it shares
/// (`lineItem/...`); FOCUS before Azure, whose exports share names
/// (BillingCurrency) with FOCUS.
pub const ADAPTERS: [&dyn Adapter; 5] = [
    &oci::Oci,
    &aws::Aws,
    &focus::Focus,
    &azure::Azure,
    &gcp::Gcp,
];

/// The format of a file with these header names.
pub fn detect(file: &Path, raw_names: &[String]) -> Result<(Format, Option<&'static str>)> {
    if let Some(found) = ADAPTERS.iter().find_map(|a| a.detect(raw_names)) {
        return Ok(found);
    }
    // What it saw, without echoing more of the file than header names: a
    // file with one "column" is not a CSV at all, and its first line (any
    // text file's) is not repeated.
    let seen = if raw_names.len() <= 1 {
        "no comma-separated header (one column)".to_string()
    } else {
        let mut names: Vec<String> = raw_names
            .iter()
            .take(8)
            .map(|n| crate::error::shortened(n))
            .collect();
        if raw_names.len() > 8 {
            names.push("...".into());
        }
        format!("{} columns: {}", raw_names.len(), names.join(", "))
    };
    Err(Error::UnknownFormat {
        file: file.to_path_buf(),
        seen,
        known: KNOWN_FORMATS.to_string(),
    })
}

/// Reduces a localized Azure header `Localized Name (EnglishName)` to
/// `EnglishName`; other headers are returned trimmed.
pub fn english_header(raw: &str) -> &str {
    let raw = raw.trim().trim_start_matches('\u{feff}');
    if let Some(open) = raw.rfind(" (")
        && let Some(inner) = raw[open + 2..].strip_suffix(')')
        && !inner.is_empty()
        && inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return inner;
    }
    raw
}
