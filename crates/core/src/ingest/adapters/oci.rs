//! Oracle Cloud Infrastructure (OCI) native cost reports
//! (`reports/cost-csv/*.csv`): slash names like AWS CUR's
//! (`lineItem/intervalUsageStart`, `cost/myCost`, `tags/NS.key`) but a set
//! of their own. OCI's FOCUS reports are read by the FOCUS adapter.
//!
//! Mapping to FOCUS (after the FinOps Foundation focus_converters `oci`
//! rules, with one deliberate difference):
//! - BilledCost = EffectiveCost = ContractedCost = cost/myCost. focus_converters
//!   takes BilledCost from cost/myCostOverage, which is the overage part only
//!   and empty on every row of a real report: that rule would bill 0.
//! - ListCost = the billed cost (the report has no public list price).
//! - ChargeCategory Usage; ChargeClass Correction where lineItem/isCorrection is true.
//! - BillingAccountId = cost/subscriptionId, SubAccountId = lineItem/tenantId.
//! - BillingPeriod = the calendar month of lineItem/intervalUsageStart.
//! - ChargePeriod = lineItem/intervalUsageStart .. lineItem/intervalUsageEnd
//!   (OCI writes the start without seconds, `2023-11-13T10:00Z`).
//! - ServiceName = product/service, RegionId = product/region,
//!   AvailabilityZone = product/availabilityDomain, ResourceId = product/resourceId,
//!   SkuId = cost/productSku, ContractedUnitPrice = cost/unitPrice,
//!   Consumed/PricingQuantity = usage/billedQuantity, units = cost/skuUnitDescription.
//! - x_ResourceGroup = product/compartmentName (the compartment groups resources).
//! - Tags = the `tags/NAMESPACE.key` columns, keyed `NAMESPACE.key` as written
//!   (a backslash in a header stays part of its key).

use polars::prelude::*;

use crate::ingest::columns::{SourceColumns, tags_from_columns};
use crate::ingest::format::{Adapter, Format};

/// Header names compared as written, trimmed and lower-cased.
pub fn key(raw: &str) -> String {
    raw.trim()
        .trim_start_matches('\u{feff}')
        .to_ascii_lowercase()
}

/// An OCI cost report has OCI's own line item and cost columns.
pub fn is_oci(raw_names: &[String]) -> bool {
    let has = |k: &str| raw_names.iter().any(|n| key(n) == k);
    has("cost/mycost") && has("lineitem/intervalusagestart")
}

pub fn mapping(c: &SourceColumns, raw_names: &[String]) -> Vec<(&'static str, Expr)> {
    let cost = c.number("cost/mycost").fill_null(lit(0.0));
    let start = c.timestamp("lineitem/intervalusagestart");
    let period_start = start.clone().dt().truncate(lit("1mo"));
    let resource = c.text("product/resourceid");
    let region = c.text("product/region");
    let unit = c.text("cost/skuunitdescription");
    let quantity = c.number("usage/billedquantity");
    vec![
        ("BilledCost", cost.clone()),
        ("EffectiveCost", cost.clone()),
        ("ListCost", cost.clone()),
        ("ContractedCost", cost.clone()),
        ("x_SourceCost", cost),
        ("BillingCurrency", c.text("cost/currencycode")),
        ("BillingAccountId", c.text("cost/subscriptionid")),
        ("SubAccountId", c.text("lineitem/tenantid")),
        ("BillingPeriodStart", period_start.clone()),
        ("BillingPeriodEnd", period_start.dt().offset_by(lit("1mo"))),
        ("ChargePeriodStart", start),
        ("ChargePeriodEnd", c.timestamp("lineitem/intervalusageend")),
        ("ChargeCategory", lit("Usage")),
        (
            "ChargeClass",
            when(
                c.text("lineitem/iscorrection")
                    .str()
                    .to_lowercase()
                    .eq(lit("true")),
            )
            .then(lit("Correction"))
            .otherwise(lit(NULL).cast(DataType::String)),
        ),
        ("ChargeDescription", c.text("product/description")),
        ("ChargeFrequency", lit("Usage-Based")),
        ("ProviderName", lit("Oracle")),
        ("PublisherName", lit("Oracle")),
        ("InvoiceIssuerName", lit("Oracle")),
        ("ServiceName", c.text("product/service")),
        (
            "ServiceCategory",
            super::service_category::oci(c.text("product/service")),
        ),
        ("RegionId", region.clone()),
        ("RegionName", region),
        ("AvailabilityZone", c.text("product/availabilitydomain")),
        ("ResourceId", resource.clone()),
        ("ResourceName", resource),
        ("SkuId", c.text("cost/productsku")),
        ("ContractedUnitPrice", c.number("cost/unitprice")),
        ("ConsumedQuantity", quantity.clone()),
        ("ConsumedUnit", unit.clone()),
        ("PricingQuantity", quantity),
        ("PricingUnit", unit),
        ("Tags", tags(c, raw_names)),
        ("x_ResourceGroup", c.text("product/compartmentname")),
    ]
}

fn tags(c: &SourceColumns, raw_names: &[String]) -> Expr {
    let (mut keys, mut values) = (Vec::new(), Vec::new());
    for raw in raw_names {
        if let Some(name) = raw.trim().strip_prefix("tags/") {
            keys.push(name.to_string());
            values.push(c.raw(raw));
        }
    }
    if keys.is_empty() {
        return lit(NULL).cast(crate::schema::tags_dtype());
    }
    tags_from_columns(keys, values)
}

/// Oracle Cloud native cost reports.
pub struct Oci;

impl Adapter for Oci {
    fn key(&self, raw: &str) -> String {
        key(raw)
    }

    fn detect(&self, raw_names: &[String]) -> Option<(Format, Option<&'static str>)> {
        is_oci(raw_names).then_some((Format::OciCostReport, None))
    }

    fn mapping(&self, columns: &SourceColumns, raw_names: &[String]) -> Vec<(&'static str, Expr)> {
        mapping(columns, raw_names)
    }

    fn native_cost_keys(&self) -> &'static [&'static str] {
        &["cost/mycost"]
    }

    fn currency_keys(&self) -> &'static [&'static str] {
        &["cost/currencycode"]
    }

    fn charge_type_keys(&self) -> &'static [&'static str] {
        &[]
    }

    fn charge_category(&self, _: Option<&str>) -> String {
        "Usage".into()
    }
}

#[cfg(test)]
mod tests {
    use crate::ingest::format::{Format, detect};

    fn names(header: &str) -> Vec<String> {
        header.split(',').map(str::to_string).collect()
    }

    #[test]
    fn an_oci_report_is_never_read_as_a_cur() {
        let oci = names(
            "lineItem/referenceNo,lineItem/tenantId,lineItem/intervalUsageStart,\
             lineItem/intervalUsageEnd,product/service,cost/myCost,cost/currencyCode",
        );
        let found = detect(std::path::Path::new("x.csv"), &oci).unwrap();
        assert_eq!(found.0, Format::OciCostReport);
        let cur = names("identity/LineItemId,bill/PayerAccountId,lineItem/UnblendedCost");
        let found = detect(std::path::Path::new("x.csv"), &cur).unwrap();
        assert_eq!(found.0, Format::AwsCurLegacy);
        // `lineItem/` names alone are neither.
        let neither = names("lineItem/referenceNo,lineItem/UnblendedCost");
        assert!(detect(std::path::Path::new("x.csv"), &neither).is_err());
    }
}
