//! AWS Cost and Usage Report: legacy CSV (`lineItem/UnblendedCost`), the
//! Athena/Parquet layout (`line_item_unblended_cost`) and CUR 2.0 / Data
//! Exports (the same underscore names plus `product`, `resource_tags`,
//! `cost_category` and `discount` map columns).
//!
//! All three are read through one mapping: legacy names are turned into the
//! underscore names first (`lineItem/UnblendedCost` -> `line_item_unblended_cost`).
//!
//! Mapping to FOCUS (source: FinOps Foundation focus_converters, `aws-cur`
//! rules, and the AWS FOCUS 1.2 table dictionary):
//! - BilledCost      = line_item_net_unblended_cost where that cell has a value, else
//!   line_item_unblended_cost, row by row (CUR 2.0 exports can carry a net column
//!   that is empty on every row)
//! - EffectiveCost   = SavingsPlanCoveredUsage: savings_plan_savings_plan_effective_cost;
//!   SavingsPlanRecurringFee: total_commitment_to_date - used_commitment (the unused part);
//!   SavingsPlanNegation, SavingsPlanUpfrontFee: 0;
//!   DiscountedUsage: reservation_effective_cost;
//!   RIFee: unused amortized upfront fee + unused recurring fee;
//!   Fee with a reservation ARN (RI upfront purchase): 0;
//!   otherwise the billed cost.
//! - ListCost        = pricing_public_on_demand_cost (0 when absent on a row)
//! - ChargeCategory  = Tax -> Tax; *Fee -> Purchase; Credit, Refund -> Credit; else Usage
//! - ChargeClass     = Correction for Refund line items
//! - ConsumedQuantity, PricingQuantity = line_item_usage_amount, but none on
//!   SavingsPlanNegation (it repeats the covered usage's amount); PricingCategory
//!   Committed on covered usage, discounted usage and the negation
//! - BillingAccountId = bill_payer_account_id, SubAccountId = line_item_usage_account_id
//! - ServiceName     = product_product_name (falls back to line_item_product_code)
//! - RegionId        = product_region_code (falls back to product_region)
//! - Tags            = resourceTags/user:* columns (legacy), resource_tags_user_* columns
//!   (Athena) or the resource_tags map (CUR 2.0); the `user:`/`user_` prefix is dropped,
//!   `aws:` system tags keep theirs.

use polars::prelude::*;

use crate::ingest::columns::{SourceColumns, tags_from_columns, tags_from_json};
use crate::ingest::format::{Adapter, Format};

/// `lineItem/UnblendedCost` -> `line_item_unblended_cost`; underscore names
/// are only lower-cased.
pub fn key(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 8);
    let mut prev: Option<char> = None;
    for ch in raw.chars() {
        if ch == '/' {
            out.push('_');
        } else if ch.is_ascii_uppercase() {
            if matches!(prev, Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit()) {
                out.push('_');
            }
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
        prev = Some(ch);
    }
    out
}

/// Which of the three CUR layouts a header is.
pub fn layout(raw_names: &[String]) -> Option<Format> {
    let has = |name: &str| raw_names.iter().any(|n| n.eq_ignore_ascii_case(name));
    // Legacy CUR: `lineItem/` names with the `identity/` or `bill/` columns
    // every CUR has (OCI reports share the `lineItem/` prefix, not these).
    let legacy_section = |n: &String| n.starts_with("identity/") || n.starts_with("bill/");
    if raw_names.iter().any(|n| n.starts_with("lineItem/")) && raw_names.iter().any(legacy_section)
    {
        Some(Format::AwsCurLegacy)
    } else if has("line_item_unblended_cost") {
        if has("bill_payer_account_name") || has("resource_tags") || has("product") {
            Some(Format::AwsCur2)
        } else {
            Some(Format::AwsCurAthena)
        }
    } else {
        None
    }
}

pub fn mapping(c: &SourceColumns, raw_names: &[String]) -> Vec<(&'static str, Expr)> {
    let line_type = c.text("line_item_line_item_type");
    let is_type = |t: &str| line_type.clone().eq(lit(t));
    let unblended = c.number("line_item_unblended_cost");
    let billed =
        coalesce(&[c.number("line_item_net_unblended_cost"), unblended]).fill_null(lit(0.0));
    let zero = || lit(0.0);
    let reservation_arn = c.text("reservation_reservation_arn");
    let sp_arn = c.text("savings_plan_savings_plan_arn");
    let effective = when(is_type("SavingsPlanCoveredUsage"))
        .then(
            c.number("savings_plan_savings_plan_effective_cost")
                .fill_null(zero()),
        )
        .when(is_type("SavingsPlanRecurringFee"))
        .then(
            c.number("savings_plan_total_commitment_to_date")
                .fill_null(zero())
                - c.number("savings_plan_used_commitment").fill_null(zero()),
        )
        .when(is_type("SavingsPlanNegation").or(is_type("SavingsPlanUpfrontFee")))
        .then(zero())
        .when(is_type("DiscountedUsage"))
        .then(c.number("reservation_effective_cost").fill_null(zero()))
        .when(is_type("RIFee"))
        .then(
            c.number("reservation_unused_amortized_upfront_fee_for_billing_period")
                .fill_null(zero())
                + c.number("reservation_unused_recurring_fee")
                    .fill_null(zero()),
        )
        .when(is_type("Fee").and(reservation_arn.clone().is_not_null()))
        .then(zero())
        .otherwise(billed.clone());
    let charge_category = when(is_type("Tax"))
        .then(lit("Tax"))
        .when(line_type.clone().str().ends_with(lit("Fee")))
        .then(lit("Purchase"))
        .when(is_type("Credit").or(is_type("Refund")))
        .then(lit("Credit"))
        .otherwise(lit("Usage"));
    let bill_type = c.text("bill_bill_type");
    let charge_frequency = when(
        line_type.clone().str().ends_with(lit("Fee")).and(
            bill_type
                .clone()
                .eq(lit("Purchase"))
                .or(is_type("SavingsPlanUpfrontFee")),
        ),
    )
    .then(lit("One-Time"))
    .when(is_type("RIFee").or(is_type("SavingsPlanRecurringFee")))
    .then(lit("Recurring"))
    .otherwise(lit("Usage-Based"));
    let commitment_id = when(sp_arn.clone().is_not_null())
        .then(sp_arn.clone())
        .otherwise(reservation_arn.clone());
    let commitment_type = when(sp_arn.clone().is_not_null())
        .then(lit("Savings Plan"))
        .when(reservation_arn.clone().is_not_null())
        .then(lit("Reserved Instance"))
        .otherwise(lit(NULL).cast(DataType::String));
    let commitment_category = when(sp_arn.clone().is_not_null())
        .then(lit("Spend"))
        .when(reservation_arn.clone().is_not_null())
        .then(lit("Usage"))
        .otherwise(lit(NULL).cast(DataType::String));
    let usage_amount = when(is_type("SavingsPlanNegation"))
        .then(lit(NULL).cast(DataType::Float64))
        .otherwise(c.number("line_item_usage_amount"));
    let pricing_category = when(
        is_type("SavingsPlanCoveredUsage")
            .or(is_type("DiscountedUsage"))
            .or(is_type("SavingsPlanNegation")),
    )
    .then(lit("Committed"))
    .when(
        c.text("pricing_term").eq(lit("Spot")).or(c
            .text("line_item_usage_type")
            .str()
            .contains_literal(lit("SpotUsage"))),
    )
    .then(lit("Dynamic"))
    .when(charge_category.clone().eq(lit("Usage")))
    .then(lit("Standard"))
    .otherwise(lit(NULL).cast(DataType::String));
    let instance_type = c.text_any(&["product_instance_type"]);
    let usage_type = c.text_any(&["line_item_usage_type", "product_usagetype"]);
    let product_map = product_map_value(c);
    let volume_type = coalesce(&[
        c.text_any(&["product_volume_api_name", "product_volume_type"]),
        product_map("volume_api_name"),
        product_map("volume_type"),
    ]);
    let service_name = coalesce(&[
        c.text_any(&["product_product_name"]),
        product_map("product_name"),
        c.text("line_item_product_code"),
    ]);

    vec![
        ("BilledCost", billed.clone()),
        ("EffectiveCost", effective),
        // ListCost: the public on-demand cost; rows without one (tax, fees,
        // credits) have no list price, so their list cost is what was billed.
        (
            "ListCost",
            c.number("pricing_public_on_demand_cost")
                .fill_null(billed.clone()),
        ),
        ("ContractedCost", billed.clone()),
        ("x_SourceCost", billed),
        ("BillingCurrency", c.text("line_item_currency_code")),
        ("BillingAccountId", c.text("bill_payer_account_id")),
        ("BillingAccountName", c.text("bill_payer_account_name")),
        ("SubAccountId", c.text("line_item_usage_account_id")),
        ("SubAccountName", c.text("line_item_usage_account_name")),
        (
            "BillingPeriodStart",
            c.timestamp("bill_billing_period_start_date"),
        ),
        (
            "BillingPeriodEnd",
            c.timestamp("bill_billing_period_end_date"),
        ),
        (
            "ChargePeriodStart",
            c.timestamp("line_item_usage_start_date"),
        ),
        ("ChargePeriodEnd", c.timestamp("line_item_usage_end_date")),
        ("ChargeCategory", charge_category),
        (
            "ChargeClass",
            when(is_type("Refund"))
                .then(lit("Correction"))
                .otherwise(lit(NULL).cast(DataType::String)),
        ),
        (
            "ChargeDescription",
            c.text("line_item_line_item_description"),
        ),
        ("ChargeFrequency", charge_frequency),
        ("PricingCategory", pricing_category),
        ("ProviderName", lit("AWS")),
        (
            "PublisherName",
            coalesce(&[c.text("line_item_legal_entity"), lit("Amazon Web Services")]),
        ),
        (
            "InvoiceIssuerName",
            coalesce(&[
                c.text_any(&["bill_invoicing_entity", "bill_billing_entity"]),
                lit("Amazon Web Services"),
            ]),
        ),
        ("InvoiceId", c.text("bill_invoice_id")),
        ("ServiceName", service_name),
        (
            "ServiceCategory",
            super::service_category::aws(c.text("line_item_product_code")),
        ),
        (
            "ServiceSubcategory",
            super::service_category::aws_subcategory(c.text("line_item_product_code")),
        ),
        (
            "RegionId",
            coalesce(&[c.text("product_region_code"), c.text("product_region")]),
        ),
        ("RegionName", c.text("product_location")),
        ("AvailabilityZone", c.text("line_item_availability_zone")),
        ("ResourceId", c.text("line_item_resource_id")),
        ("ResourceName", c.text("line_item_resource_id")),
        ("SkuId", c.text("product_sku")),
        (
            "SkuPriceId",
            c.text_any(&["pricing_rate_code", "pricing_rate_id"]),
        ),
        ("ListUnitPrice", c.number("pricing_public_on_demand_rate")),
        // A Savings Plan negation repeats its covered usage's amount to take
        // that usage's on-demand cost off the bill: counting it again would
        // double the hours the resource ran.
        ("ConsumedQuantity", usage_amount.clone()),
        ("ConsumedUnit", c.text("pricing_unit")),
        ("PricingQuantity", usage_amount),
        ("PricingUnit", c.text("pricing_unit")),
        ("CommitmentDiscountId", commitment_id),
        ("CommitmentDiscountType", commitment_type),
        ("CommitmentDiscountCategory", commitment_category),
        (
            "CommitmentDiscountStatus",
            when(is_type("SavingsPlanCoveredUsage").or(is_type("DiscountedUsage")))
                .then(lit("Used"))
                .when(is_type("RIFee").or(is_type("SavingsPlanRecurringFee")))
                .then(lit("Unused"))
                .otherwise(lit(NULL).cast(DataType::String)),
        ),
        ("Tags", tags(c, raw_names)),
        ("x_UsageType", usage_type),
        ("x_Operation", c.text("line_item_operation")),
        (
            "x_ProductFamily",
            coalesce(&[
                c.text("product_product_family"),
                product_map("product_family"),
            ]),
        ),
        ("x_InstanceType", instance_type.clone()),
        (
            "x_InstanceFamily",
            coalesce(&[
                instance_type.str().split(lit(".")).list().first(),
                c.text("product_instance_family"),
            ]),
        ),
        ("x_VolumeType", volume_type),
    ]
}

/// A value from the CUR 2.0 `product` map column (JSON text in CSV
/// deliveries), or null when the file has no such column.
fn product_map_value(c: &SourceColumns) -> impl Fn(&str) -> Expr + '_ {
    move |key: &str| match c.raw_name("product") {
        Some(_) => c
            .text("product")
            .str()
            .json_path_match(lit(format!("$.{key}"))),
        None => lit(NULL).cast(DataType::String),
    }
}

fn coalesce(exprs: &[Expr]) -> Expr {
    polars::prelude::coalesce(exprs)
}

/// Tags from per-key columns (legacy and Athena) or the CUR 2.0 map.
fn tags(c: &SourceColumns, raw_names: &[String]) -> Expr {
    if c.has("resource_tags") {
        // CUR 2.0 in CSV: the map is JSON text; keys carry a `user_` prefix.
        return strip_user_prefix(tags_from_json(c.text("resource_tags")), "user_");
    }
    let mut keys = Vec::new();
    let mut values = Vec::new();
    for raw in raw_names {
        let key = if let Some(rest) = raw.strip_prefix("resourceTags/") {
            rest.strip_prefix("user:").unwrap_or(rest)
        } else if let Some(rest) = raw.strip_prefix("resource_tags_") {
            rest.strip_prefix("user_").unwrap_or(rest)
        } else {
            continue;
        };
        keys.push(key.to_string());
        values.push(c.raw(raw));
    }
    if keys.is_empty() {
        return lit(NULL).cast(crate::schema::tags_dtype());
    }
    tags_from_columns(keys, values)
}

fn strip_user_prefix(tags: Expr, prefix: &'static str) -> Expr {
    tags.list().eval(as_struct(vec![
        col("")
            .struct_()
            .field_by_name("key")
            .str()
            .strip_prefix(lit(prefix))
            .alias("key"),
        col("").struct_().field_by_name("value").alias("value"),
    ]))
}

/// AWS Cost and Usage Reports: legacy CSV, Athena/Parquet and CUR 2.0.
pub struct Aws;

impl Adapter for Aws {
    fn key(&self, raw: &str) -> String {
        key(raw)
    }

    fn detect(&self, raw_names: &[String]) -> Option<(Format, Option<&'static str>)> {
        layout(raw_names).map(|format| (format, None))
    }

    fn mapping(&self, columns: &SourceColumns, raw_names: &[String]) -> Vec<(&'static str, Expr)> {
        mapping(columns, raw_names)
    }

    fn native_cost_keys(&self) -> &'static [&'static str] {
        &["line_item_net_unblended_cost", "line_item_unblended_cost"]
    }

    fn native_cost_fallback_keys(&self) -> &'static [&'static str] {
        &["line_item_unblended_cost"]
    }

    fn currency_keys(&self) -> &'static [&'static str] {
        &["line_item_currency_code"]
    }

    fn charge_type_keys(&self) -> &'static [&'static str] {
        &["line_item_line_item_type"]
    }

    fn charge_category(&self, line_item_type: Option<&str>) -> String {
        match line_item_type.unwrap_or("") {
            "Tax" => "Tax",
            t if t.ends_with("Fee") => "Purchase",
            "Credit" | "Refund" => "Credit",
            _ => "Usage",
        }
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_names_become_athena_names() {
        assert_eq!(key("lineItem/UnblendedCost"), "line_item_unblended_cost");
        assert_eq!(key("bill/PayerAccountId"), "bill_payer_account_id");
        assert_eq!(key("product/instanceType"), "product_instance_type");
        assert_eq!(
            key("savingsPlan/SavingsPlanARN"),
            "savings_plan_savings_plan_arn"
        );
        assert_eq!(key("line_item_unblended_cost"), "line_item_unblended_cost");
        assert_eq!(key("product/usagetype"), "product_usagetype");
    }
}
