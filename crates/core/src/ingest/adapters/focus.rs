//! FOCUS 1.0 to 1.3 files from any provider (AWS, Microsoft, Google,
//! Oracle Data Exports). Columns are taken by name, case-insensitively; the
//! literal strings `NULL` and `null` mean null (FOCUS sample data and the spec
//! examples use them). Provider extension columns that Burnrate knows are
//! carried into its own `x_` columns (AWS `x_UsageType`/`x_Operation`,
//! Microsoft `x_SkuMeterCategory`/`x_ResourceGroupName`).

use polars::prelude::*;

use crate::ingest::columns::{SourceColumns, tags_from_json};
use crate::ingest::format::{Adapter, Format};
use crate::schema::{COLUMNS, Kind};

pub fn key(raw: &str) -> String {
    raw.trim().to_ascii_lowercase()
}

pub fn is_focus(keys: &[String]) -> bool {
    let has = |k: &str| keys.iter().any(|x| x == k);
    has("billedcost") && (has("chargeperiodstart") || has("billingperiodstart"))
}

/// The FOCUS version a header matches: the newest version whose new columns
/// appear (1.3: ServiceProviderName, HostProviderName, ContractApplied, the
/// Allocated* columns; 1.2: InvoiceId, BillingAccountType, SubAccountType, PricingCurrency;
/// 1.1: ServiceSubcategory, SkuMeter, SkuPriceDetails, CommitmentDiscountQuantity,
/// CapacityReservationId), else 1.0.
pub fn version(keys: &[String]) -> &'static str {
    let has_any = |ks: &[&str]| ks.iter().any(|k| keys.iter().any(|x| x == k));
    if has_any(&[
        "serviceprovidername",
        "hostprovidername",
        "contractapplied",
        "allocatedmethodid",
        "allocatedmethoddetails",
        "allocatedresourceid",
        "allocatedresourcename",
        "allocatedtags",
    ]) {
        "1.3"
    } else if has_any(&[
        "invoiceid",
        "billingaccounttype",
        "subaccounttype",
        "pricingcurrency",
    ]) {
        "1.2"
    } else if has_any(&[
        "servicesubcategory",
        "skumeter",
        "skupricedetails",
        "commitmentdiscountquantity",
        "capacityreservationid",
    ]) {
        "1.1"
    } else {
        "1.0"
    }
}

pub fn mapping(c: &SourceColumns) -> Vec<(&'static str, Expr)> {
    let mut out = Vec::new();
    for (name, kind) in COLUMNS {
        if name.starts_with("x_") {
            continue;
        }
        let k = name.to_ascii_lowercase();
        if !c.has(&k) {
            continue;
        }
        let expr = match kind {
            Kind::Money | Kind::Quantity => c.number(&k),
            Kind::Timestamp => c.timestamp(&k),
            Kind::Tags => tags_from_json(c.text(&k)),
            Kind::Text | Kind::RowNumber => c.text(&k),
        };
        out.push((*name, expr));
    }
    out.push(("x_SourceCost", c.number("billedcost")));
    let extensions: [(&'static str, &[&str]); 6] = [
        ("x_UsageType", &["x_usagetype"]),
        ("x_Operation", &["x_operation"]),
        ("x_MeterCategory", &["x_skumetercategory"]),
        ("x_MeterSubcategory", &["x_skumetersubcategory"]),
        ("x_MeterName", &["x_skumetername"]),
        ("x_ResourceGroup", &["x_resourcegroupname"]),
    ];
    for (name, keys) in extensions {
        if c.first_of(keys).is_some() {
            out.push((name, c.text_any(keys)));
        }
    }
    out
}

/// FOCUS 1.0-1.3 from any provider.
pub struct Focus;

impl Adapter for Focus {
    fn key(&self, raw: &str) -> String {
        key(raw)
    }

    fn detect(&self, raw_names: &[String]) -> Option<(Format, Option<&'static str>)> {
        let keys: Vec<String> = raw_names.iter().map(|n| key(n)).collect();
        is_focus(&keys).then(|| (Format::Focus, Some(version(&keys))))
    }

    fn mapping(&self, columns: &SourceColumns, _raw_names: &[String]) -> Vec<(&'static str, Expr)> {
        mapping(columns)
    }

    fn native_cost_keys(&self) -> &'static [&'static str] {
        &["billedcost"]
    }

    fn currency_keys(&self) -> &'static [&'static str] {
        &["billingcurrency"]
    }

    fn charge_type_keys(&self) -> &'static [&'static str] {
        &["chargecategory"]
    }

    /// FOCUS files carry the category itself.
    fn charge_category(&self, charge_category: Option<&str>) -> String {
        charge_category.unwrap_or("").into()
    }
}
