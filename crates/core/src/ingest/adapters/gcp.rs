//! Google Cloud billing export (BigQuery), flattened to CSV with dotted names
//! (`service.description`, `usage.amount`) or as newline-delimited JSON with
//! nested objects (flattened to the same dotted names before mapping).
//!
//! Mapping to FOCUS (source: FinOps Foundation focus_converters `gcp` rules):
//! - BilledCost = cost (`x_SourceCost`)
//! - EffectiveCost = cost + the sum of credits[].amount (`x_SourceCredits`);
//!   credits are negative. The converters clamp this at 0; Burnrate does not,
//!   so that effective totals reconcile to cost + credits exactly.
//! - ListCost = cost_at_list when present, else cost.
//! - BillingPeriod = invoice.month (YYYYMM) as a calendar month.
//! - ChargeCategory from cost_type: tax -> Tax; adjustment, credit,
//!   rounding_error -> Adjustment; regular and anything else -> Usage.
//! - SubAccount = project.id / project.name; RegionId = location.region,
//!   falling back to location.location; Tags = labels.

use polars::prelude::*;

use crate::ingest::columns::{SourceColumns, sum_credit_amounts, tags_from_json};
use crate::ingest::format::{Adapter, Format};

/// Lower-case, with `.` and `_` treated alike (`service.description`).
pub fn key(raw: &str) -> String {
    raw.to_ascii_lowercase().replace('.', "_")
}

pub fn is_gcp(keys: &[String]) -> bool {
    let has = |k: &str| keys.iter().any(|x| x == k);
    has("cost")
        && has("usage_start_time")
        && (has("service_description") || has("billing_account_id"))
}

pub fn mapping(c: &SourceColumns) -> Vec<(&'static str, Expr)> {
    let cost = c.number("cost").fill_null(lit(0.0));
    let credits = match c.raw_name("credits") {
        Some(raw) => sum_credit_amounts(c.text("credits"), raw.to_string()).fill_null(lit(0.0)),
        None => lit(0.0),
    };
    let invoice_month = c.timestamp("invoice_month");
    let usage_start = c.timestamp("usage_start_time");
    let period_start = coalesce(&[invoice_month, usage_start.clone().dt().truncate(lit("1mo"))]);
    let cost_type = c.text("cost_type");
    vec![
        ("BilledCost", cost.clone()),
        ("EffectiveCost", cost.clone() + credits.clone()),
        (
            "ListCost",
            coalesce(&[c.number_any(&["cost_at_list"]), cost.clone()]),
        ),
        ("ContractedCost", cost.clone()),
        ("x_SourceCost", cost),
        ("x_SourceCredits", credits),
        ("BillingCurrency", c.text("currency")),
        ("BillingAccountId", c.text("billing_account_id")),
        ("SubAccountId", c.text("project_id")),
        ("SubAccountName", c.text("project_name")),
        ("BillingPeriodStart", period_start.clone()),
        ("BillingPeriodEnd", period_start.dt().offset_by(lit("1mo"))),
        ("ChargePeriodStart", usage_start),
        ("ChargePeriodEnd", c.timestamp("usage_end_time")),
        (
            "ChargeCategory",
            when(cost_type.clone().eq(lit("tax")))
                .then(lit("Tax"))
                .when(
                    cost_type
                        .clone()
                        .eq(lit("adjustment"))
                        .or(cost_type.clone().eq(lit("credit")))
                        .or(cost_type.eq(lit("rounding_error"))),
                )
                .then(lit("Adjustment"))
                .otherwise(lit("Usage")),
        ),
        ("ChargeDescription", c.text("sku_description")),
        ("ChargeFrequency", lit("Usage-Based")),
        ("ProviderName", lit("Google Cloud")),
        (
            "PublisherName",
            coalesce(&[c.text("seller_name"), lit("Google Cloud")]),
        ),
        ("InvoiceIssuerName", lit("Google Cloud")),
        ("ServiceName", c.text("service_description")),
        (
            "ServiceCategory",
            super::service_category::gcp(c.text("service_description")),
        ),
        (
            "RegionId",
            coalesce(&[c.text("location_region"), c.text("location_location")]),
        ),
        (
            "RegionName",
            coalesce(&[c.text("location_region"), c.text("location_location")]),
        ),
        ("AvailabilityZone", c.text("location_zone")),
        (
            "ResourceId",
            c.text_any(&["resource_global_name", "resource_name"]),
        ),
        ("ResourceName", c.text("resource_name")),
        ("SkuId", c.text("sku_id")),
        ("ConsumedQuantity", c.number("usage_amount")),
        ("ConsumedUnit", c.text("usage_unit")),
        ("PricingQuantity", c.number("usage_amount_in_pricing_units")),
        ("PricingUnit", c.text("usage_pricing_unit")),
        ("Tags", tags_from_json(c.text("labels"))),
    ]
}

/// The Google Cloud billing export (CSV or JSON lines).
pub struct Gcp;

impl Adapter for Gcp {
    fn key(&self, raw: &str) -> String {
        key(raw)
    }

    fn detect(&self, raw_names: &[String]) -> Option<(Format, Option<&'static str>)> {
        let keys: Vec<String> = raw_names.iter().map(|n| key(n)).collect();
        is_gcp(&keys).then_some((Format::GcpBilling, None))
    }

    fn mapping(&self, columns: &SourceColumns, _raw_names: &[String]) -> Vec<(&'static str, Expr)> {
        mapping(columns)
    }

    fn native_cost_keys(&self) -> &'static [&'static str] {
        &["cost"]
    }

    fn currency_keys(&self) -> &'static [&'static str] {
        &["currency"]
    }

    fn charge_type_keys(&self) -> &'static [&'static str] {
        &["cost_type"]
    }

    fn charge_category(&self, cost_type: Option<&str>) -> String {
        match cost_type.unwrap_or("") {
            "tax" => "Tax",
            "adjustment" | "credit" | "rounding_error" => "Adjustment",
            _ => "Usage",
        }
        .into()
    }

    fn credits_key(&self) -> Option<&'static str> {
        Some("credits")
    }
}
