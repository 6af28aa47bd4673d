//! Azure cost details exports: Enterprise Agreement (PascalCase,
//! `CostInBillingCurrency`), Microsoft Customer Agreement (camelCase,
//! `costInBillingCurrency`), current Cost Management exports (`Cost`,
//! `BillingCurrency`) and legacy pay-as-you-go usage details (`PreTaxCost`,
//! `UsageDateTime`), actual or amortized.
//!
//! Headers are matched case-insensitively, after the UTF-8 BOM is dropped and
//! localized headers of the form `Localized Name (EnglishName)` are reduced
//! to the English name.
//!
//! Mapping to FOCUS (source: FinOps Foundation focus_converters `azure`
//! rules and the FinOps toolkit's Cost Management transforms):
//! - The row cost is CostInBillingCurrency / Cost / PreTaxCost (`x_SourceCost`).
//! - Usage covered by a reservation or savings plan (ChargeType Usage with
//!   PricingModel Reservation/SavingsPlan) and unused-commitment rows
//!   (UnusedReservation, UnusedSavingsPlan): BilledCost 0, EffectiveCost =
//!   the row cost (amortized exports carry the amortized figure there; actual
//!   exports carry 0).
//! - Commitment purchases (ChargeType Purchase with PricingModel
//!   Reservation/SavingsPlan): BilledCost = the row cost, EffectiveCost 0 (the
//!   purchase is amortized into the usage it covers).
//! - Everything else: BilledCost = EffectiveCost = the row cost.
//! - ListCost = paygCostInBillingCurrency (MCA) when present; else PayGPrice x
//!   Quantity where PayGPrice > 0 (EA); else the row's effective cost.
//! - ServiceName = MeterCategory (what the Azure portal groups by), falling
//!   back to ServiceName (legacy) and ConsumedService.
//! - BillingAccountId = BillingAccountId; legacy pay-as-you-go files have none,
//!   so the subscription is its own billing account.
//! - BillingPeriodStart/End from BillingPeriodStartDate/EndDate (the end date
//!   is inclusive in Azure and exclusive in FOCUS, so one day is added); when
//!   absent, the calendar month of the charge date.
//! - ChargePeriod = the usage date, one day long.

use polars::prelude::*;

use crate::ingest::columns::{SourceColumns, tags_from_json};
use crate::ingest::format::{Adapter, Format};

/// Lower-case English header name.
pub fn key(raw: &str) -> String {
    crate::ingest::english_header(raw).to_ascii_lowercase()
}

pub fn layout(keys: &[String], raw_names: &[String]) -> Option<Format> {
    let has = |k: &str| keys.iter().any(|x| x == k);
    if has("costinbillingcurrency") {
        let camel = raw_names
            .iter()
            .any(|n| crate::ingest::english_header(n) == "costInBillingCurrency");
        Some(if camel {
            Format::AzureMca
        } else {
            Format::AzureEa
        })
    } else if has("pretaxcost") {
        Some(Format::AzurePaygLegacy)
    } else if has("cost")
        && (has("billingcurrency") || has("billingcurrencycode"))
        && (has("metercategory") || has("chargetype") || has("subscriptionid"))
    {
        Some(Format::AzureCostDetails)
    } else {
        None
    }
}

pub fn mapping(c: &SourceColumns) -> Vec<(&'static str, Expr)> {
    let cost = c
        .number_any(&["costinbillingcurrency", "cost", "pretaxcost"])
        .fill_null(lit(0.0));
    let charge_type = c.text("chargetype");
    let pricing_model = c.text("pricingmodel");
    let is_commitment_model = pricing_model
        .clone()
        .eq(lit("Reservation"))
        .or(pricing_model.clone().eq(lit("SavingsPlan")))
        .or(pricing_model.clone().eq(lit("Savings Plan")));
    let is_unused_commitment = charge_type
        .clone()
        .eq(lit("UnusedReservation"))
        .or(charge_type.clone().eq(lit("UnusedSavingsPlan")));
    let covered_or_unused = charge_type
        .clone()
        .eq(lit("Usage"))
        .and(is_commitment_model.clone())
        .or(is_unused_commitment.clone());
    let commitment_purchase = charge_type
        .clone()
        .eq(lit("Purchase"))
        .and(is_commitment_model.clone());
    let billed = when(covered_or_unused.clone())
        .then(lit(0.0))
        .otherwise(cost.clone());
    let effective = when(commitment_purchase)
        .then(lit(0.0))
        .otherwise(cost.clone());

    let quantity = c.number_any(&["quantity", "usagequantity", "consumedquantity"]);
    let payg_price = c.number_any(&["paygprice"]);
    let list = if c.has("paygcostinbillingcurrency") {
        c.number("paygcostinbillingcurrency")
            .fill_null(effective.clone())
    } else {
        when(payg_price.clone().gt(lit(0.0)))
            .then(payg_price * quantity.clone().fill_null(lit(0.0)))
            .otherwise(effective.clone())
    };

    let charge_date = c.timestamp_any(&["date", "usagedatetime", "usagedate"]);
    let month_start = charge_date.clone().dt().truncate(lit("1mo"));
    let period_start = if c.has("billingperiodstartdate") {
        coalesce(&[c.timestamp("billingperiodstartdate"), month_start.clone()])
    } else {
        month_start.clone()
    };
    let period_end = if c.has("billingperiodenddate") {
        coalesce(&[
            c.timestamp("billingperiodenddate")
                .dt()
                .offset_by(lit("1d")),
            month_start.clone().dt().offset_by(lit("1mo")),
        ])
    } else {
        month_start.dt().offset_by(lit("1mo"))
    };
    let subscription = c.text_any(&["subscriptionid", "subscriptionguid"]);
    let resource_id = c.text_any(&["resourceid", "instanceid"]);
    let resource_name = coalesce(&[
        c.text("resourcename"),
        resource_id.clone().str().split(lit("/")).list().last(),
    ]);
    let charge_category = if c.has("chargetype") {
        when(
            charge_type
                .clone()
                .eq(lit("Usage"))
                .or(is_unused_commitment.clone()),
        )
        .then(lit("Usage"))
        .when(charge_type.clone().eq(lit("Purchase")))
        .then(lit("Purchase"))
        .when(charge_type.clone().eq(lit("Tax")))
        .then(lit("Tax"))
        .otherwise(lit("Adjustment"))
    } else {
        lit("Usage")
    };
    let frequency = c.text("frequency");
    let charge_frequency = when(frequency.clone().eq(lit("OneTime")))
        .then(lit("One-Time"))
        .when(frequency.clone().eq(lit("Recurring")))
        .then(lit("Recurring"))
        .otherwise(lit("Usage-Based"));
    let pricing_category = when(is_commitment_model.clone())
        .then(lit("Committed"))
        .when(pricing_model.clone().eq(lit("Spot")))
        .then(lit("Dynamic"))
        .when(charge_category.clone().eq(lit("Usage")))
        .then(lit("Standard"))
        .otherwise(lit(NULL).cast(DataType::String));
    let benefit_id = c.text_any(&["benefitid", "reservationid"]);
    let benefit_lower = benefit_id.clone().str().to_lowercase();
    let commitment_type = when(
        benefit_lower
            .clone()
            .str()
            .contains_literal(lit("microsoft.billingbenefits")),
    )
    .then(lit("Savings Plan"))
    .when(benefit_id.clone().is_not_null())
    .then(lit("Reservation"))
    .otherwise(lit(NULL).cast(DataType::String));
    let location = c.text_any(&["resourcelocation", "location"]);
    let meter_category = c.text("metercategory");

    vec![
        ("BilledCost", billed),
        ("EffectiveCost", effective),
        ("ListCost", list),
        ("ContractedCost", cost.clone()),
        ("x_SourceCost", cost),
        (
            "BillingCurrency",
            c.text_any(&["billingcurrencycode", "billingcurrency", "currency"]),
        ),
        (
            "BillingAccountId",
            coalesce(&[c.text("billingaccountid"), subscription.clone()]),
        ),
        ("BillingAccountName", c.text("billingaccountname")),
        ("SubAccountId", subscription),
        ("SubAccountName", c.text("subscriptionname")),
        ("BillingPeriodStart", period_start),
        ("BillingPeriodEnd", period_end),
        ("ChargePeriodStart", charge_date.clone()),
        ("ChargePeriodEnd", charge_date.dt().offset_by(lit("1d"))),
        ("ChargeCategory", charge_category),
        (
            "ChargeClass",
            when(charge_type.clone().eq(lit("Refund")))
                .then(lit("Correction"))
                .otherwise(lit(NULL).cast(DataType::String)),
        ),
        (
            "ChargeDescription",
            c.text_any(&["productname", "product", "metername"]),
        ),
        ("ChargeFrequency", charge_frequency),
        ("PricingCategory", pricing_category),
        ("ProviderName", lit("Microsoft")),
        (
            "PublisherName",
            coalesce(&[c.text("publishername"), lit("Microsoft")]),
        ),
        ("InvoiceIssuerName", lit("Microsoft")),
        ("InvoiceId", c.text_any(&["invoiceid", "invoicenumber"])),
        (
            "ServiceName",
            coalesce(&[
                meter_category.clone(),
                c.text("servicename"),
                c.text("consumedservice"),
            ]),
        ),
        (
            "ServiceCategory",
            super::service_category::azure(c.text("consumedservice"), meter_category.clone()),
        ),
        (
            "RegionId",
            location
                .clone()
                .str()
                .to_lowercase()
                .str()
                .replace_all(lit(" "), lit(""), true),
        ),
        ("RegionName", location),
        ("AvailabilityZone", c.text("availabilityzone")),
        ("ResourceId", resource_id),
        ("ResourceName", resource_name),
        ("ResourceType", c.text("resourcetype")),
        ("SkuId", c.text_any(&["productid", "partnumber", "meterid"])),
        ("ListUnitPrice", c.number_any(&["paygprice"])),
        (
            "ContractedUnitPrice",
            c.number_any(&["unitprice", "resourcerate"]),
        ),
        ("ConsumedQuantity", quantity.clone()),
        ("ConsumedUnit", c.text("unitofmeasure")),
        ("PricingQuantity", quantity),
        ("PricingUnit", c.text("unitofmeasure")),
        ("CommitmentDiscountId", benefit_id.clone()),
        (
            "CommitmentDiscountName",
            c.text_any(&["benefitname", "reservationname"]),
        ),
        ("CommitmentDiscountType", commitment_type.clone()),
        (
            "CommitmentDiscountCategory",
            when(commitment_type.clone().eq(lit("Savings Plan")))
                .then(lit("Spend"))
                .when(commitment_type.is_not_null())
                .then(lit("Usage"))
                .otherwise(lit(NULL).cast(DataType::String)),
        ),
        (
            "CommitmentDiscountStatus",
            when(is_unused_commitment)
                .then(lit("Unused"))
                .when(charge_type.eq(lit("Usage")).and(is_commitment_model))
                .then(lit("Used"))
                .otherwise(lit(NULL).cast(DataType::String)),
        ),
        ("Tags", tags_from_json(c.text("tags"))),
        ("x_MeterCategory", meter_category),
        ("x_MeterSubcategory", c.text("metersubcategory")),
        ("x_MeterName", c.text("metername")),
        (
            "x_ResourceGroup",
            c.text_any(&["resourcegroup", "resourcegroupname"]),
        ),
    ]
}

/// Azure cost details: EA, MCA, pay-as-you-go and Cost Management exports.
pub struct Azure;

impl Adapter for Azure {
    fn key(&self, raw: &str) -> String {
        key(raw)
    }

    fn detect(&self, raw_names: &[String]) -> Option<(Format, Option<&'static str>)> {
        let keys: Vec<String> = raw_names.iter().map(|n| key(n)).collect();
        layout(&keys, raw_names).map(|format| (format, None))
    }

    fn mapping(&self, columns: &SourceColumns, _raw_names: &[String]) -> Vec<(&'static str, Expr)> {
        mapping(columns)
    }

    fn native_cost_keys(&self) -> &'static [&'static str] {
        &["costinbillingcurrency", "cost", "pretaxcost"]
    }

    fn currency_keys(&self) -> &'static [&'static str] {
        &["billingcurrencycode", "billingcurrency", "currency"]
    }

    fn charge_type_keys(&self) -> &'static [&'static str] {
        &["chargetype"]
    }

    fn charge_category(&self, charge_type: Option<&str>) -> String {
        match charge_type {
            None | Some("Usage" | "UnusedReservation" | "UnusedSavingsPlan") => "Usage",
            Some("Purchase") => "Purchase",
            Some("Tax") => "Tax",
            Some(_) => "Adjustment",
        }
        .into()
    }
}
