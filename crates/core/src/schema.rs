//! The canonical billing schema: every FOCUS 1.2 column, the columns FOCUS
//! 1.3 adds, and Burnrate's `x_` extension columns.
//!
//! Every adapter produces exactly these columns, in this order, with these
//! types; everything downstream (summary, SQL, the app) reads only this shape.
//!
//! Conventions:
//! - Money columns are `Float64` in the billing currency. Totals are summed in
//!   f64 and rounded to the cent only for display; the reconciliation check
//!   compares them with the provider's own total to half a cent.
//! - Date/times are `Datetime(ms)` without a time zone and always mean UTC.
//! - `Tags` is a list of `{key, value}` structs. Keys keep the case they were
//!   written with; lookups compare keys case-insensitively.

use polars::prelude::*;

/// The data type of the `Tags` column: a list of `{key, value}` pairs.
pub fn tags_dtype() -> DataType {
    DataType::List(Box::new(DataType::Struct(vec![
        Field::new("key".into(), DataType::String),
        Field::new("value".into(), DataType::String),
    ])))
}

/// UTC timestamps, stored without a zone.
pub fn datetime_dtype() -> DataType {
    DataType::Datetime(TimeUnit::Milliseconds, None)
}

/// The kind of a canonical column, which decides its Polars type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Money,
    Quantity,
    Timestamp,
    Tags,
    RowNumber,
}

impl Kind {
    pub fn dtype(self) -> DataType {
        match self {
            Kind::Text => DataType::String,
            Kind::Money | Kind::Quantity => DataType::Float64,
            Kind::Timestamp => datetime_dtype(),
            Kind::Tags => tags_dtype(),
            Kind::RowNumber => DataType::UInt64,
        }
    }
}

/// Every column of the stored dataset, in order.
pub const COLUMNS: &[(&str, Kind)] = &[
    // FOCUS 1.2 (../shared/data/reference/focus-spec lists them per version).
    ("BilledCost", Kind::Money),
    ("EffectiveCost", Kind::Money),
    ("ListCost", Kind::Money),
    ("ContractedCost", Kind::Money),
    ("BillingCurrency", Kind::Text),
    ("BillingAccountId", Kind::Text),
    ("BillingAccountName", Kind::Text),
    ("SubAccountId", Kind::Text),
    ("SubAccountName", Kind::Text),
    ("BillingPeriodStart", Kind::Timestamp),
    ("BillingPeriodEnd", Kind::Timestamp),
    ("ChargePeriodStart", Kind::Timestamp),
    ("ChargePeriodEnd", Kind::Timestamp),
    ("ChargeCategory", Kind::Text),
    ("ChargeClass", Kind::Text),
    ("ChargeDescription", Kind::Text),
    ("ChargeFrequency", Kind::Text),
    ("PricingCategory", Kind::Text),
    ("ProviderName", Kind::Text),
    ("PublisherName", Kind::Text),
    ("InvoiceIssuerName", Kind::Text),
    ("InvoiceId", Kind::Text),
    ("ServiceName", Kind::Text),
    ("ServiceCategory", Kind::Text),
    ("RegionId", Kind::Text),
    ("RegionName", Kind::Text),
    ("AvailabilityZone", Kind::Text),
    ("ResourceId", Kind::Text),
    ("ResourceName", Kind::Text),
    ("ResourceType", Kind::Text),
    ("SkuId", Kind::Text),
    ("SkuPriceId", Kind::Text),
    ("ListUnitPrice", Kind::Money),
    ("ContractedUnitPrice", Kind::Money),
    ("ConsumedQuantity", Kind::Quantity),
    ("ConsumedUnit", Kind::Text),
    ("PricingQuantity", Kind::Quantity),
    ("PricingUnit", Kind::Text),
    ("CommitmentDiscountId", Kind::Text),
    ("CommitmentDiscountName", Kind::Text),
    ("CommitmentDiscountType", Kind::Text),
    ("CommitmentDiscountCategory", Kind::Text),
    ("CommitmentDiscountStatus", Kind::Text),
    ("CommitmentDiscountQuantity", Kind::Quantity),
    ("CommitmentDiscountUnit", Kind::Text),
    ("Tags", Kind::Tags),
    // FOCUS 1.1 and 1.2 columns most bills leave empty (FOCUS files carry
    // them; native adapters fill ServiceSubcategory). SkuPriceDetails is
    // JSON kept as its text.
    ("ServiceSubcategory", Kind::Text),
    ("BillingAccountType", Kind::Text),
    ("SubAccountType", Kind::Text),
    ("CapacityReservationId", Kind::Text),
    ("CapacityReservationStatus", Kind::Text),
    ("SkuMeter", Kind::Text),
    ("SkuPriceDetails", Kind::Text),
    ("PricingCurrency", Kind::Text),
    ("PricingCurrencyContractedUnitPrice", Kind::Money),
    ("PricingCurrencyEffectiveCost", Kind::Money),
    ("PricingCurrencyListUnitPrice", Kind::Money),
    // FOCUS 1.3. ServiceProviderName and HostProviderName replace the
    // deprecated ProviderName and PublisherName; each pair is filled from the
    // other where a file has only one (see `conform`). The JSON columns
    // (ContractApplied, AllocatedMethodDetails) are kept as their text.
    ("ServiceProviderName", Kind::Text),
    ("HostProviderName", Kind::Text),
    ("ContractApplied", Kind::Text),
    ("AllocatedMethodId", Kind::Text),
    ("AllocatedMethodDetails", Kind::Text),
    ("AllocatedResourceId", Kind::Text),
    ("AllocatedResourceName", Kind::Text),
    ("AllocatedTags", Kind::Tags),
    // Provider detail the optimizers need (AWS CUR product/lineItem columns).
    ("x_UsageType", Kind::Text),
    ("x_Operation", Kind::Text),
    ("x_ProductFamily", Kind::Text),
    ("x_InstanceType", Kind::Text),
    ("x_InstanceFamily", Kind::Text),
    ("x_VolumeType", Kind::Text),
    // Azure meter columns and resource group.
    ("x_MeterCategory", Kind::Text),
    ("x_MeterSubcategory", Kind::Text),
    ("x_MeterName", Kind::Text),
    ("x_ResourceGroup", Kind::Text),
    // The provider's own cost figure for the row exactly as the file gives it
    // (AWS net/unblended cost, Azure Cost/CostInBillingCurrency/PreTaxCost,
    // GCP cost, FOCUS BilledCost) and, for GCP, the sum of its credits. The
    // reconciliation compares their totals with BilledCost/EffectiveCost.
    ("x_SourceCost", Kind::Money),
    ("x_SourceCredits", Kind::Money),
    // Evidence: where each row came from. `x_SourceRow` is the 1-based data
    // row in the source file (the header is not counted).
    ("x_SourceFile", Kind::Text),
    ("x_SourceRow", Kind::RowNumber),
];

/// The Polars schema of the stored dataset.
pub fn schema() -> Schema {
    COLUMNS
        .iter()
        .map(|(name, kind)| Field::new((*name).into(), kind.dtype()))
        .collect()
}

/// Expressions that select every canonical column in order, filling any the
/// adapter did not produce with typed nulls and casting the rest to the
/// canonical type.
pub fn conform(produced: &[(&str, Expr)]) -> Vec<Expr> {
    let find = |name: &str| produced.iter().find(|(n, _)| *n == name).map(|(_, e)| e);
    COLUMNS
        .iter()
        .map(|(name, kind)| {
            // A FOCUS 1.3 file may have only the new provider names, an older
            // one (or a native export) only the deprecated ones.
            let derived = match *name {
                "ServiceProviderName" => find("ProviderName"),
                "ProviderName" | "PublisherName" => find("ServiceProviderName"),
                _ => None,
            };
            match find(name).or(derived) {
                Some(expr) => expr.clone().strict_cast(kind.dtype()),
                // The FOCUS rule for a service no subcategory fits.
                None if *name == "ServiceSubcategory" => match find("ServiceCategory") {
                    Some(category) => other_subcategory(category.clone()),
                    None => lit(NULL).cast(kind.dtype()),
                },
                None => lit(NULL).cast(kind.dtype()),
            }
            .alias(*name)
        })
        .collect()
}

/// FOCUS's subcategory for a service of `category` that fits none of the
/// named subcategories: `Other (Compute)`, `Other (Other)`.
pub fn other_subcategory(category: Expr) -> Expr {
    concat_str(
        [lit("Other ("), category.cast(DataType::String), lit(")")],
        "",
        false,
    )
}

/// The numeric columns (money and quantities): each value is finite or
/// null, never NaN or infinite.
pub fn numeric_columns() -> impl Iterator<Item = &'static str> {
    COLUMNS
        .iter()
        .filter(|(_, kind)| matches!(kind, Kind::Money | Kind::Quantity))
        .map(|(name, _)| *name)
}

/// True where a numeric column holds NaN or an infinity (null is not).
pub fn is_non_finite(column: &str) -> Expr {
    col(column)
        .is_not_null()
        .and(col(column).abs().lt(lit(f64::INFINITY)).not())
}

/// The issuer names that are a provider's own entity, per ProviderName.
fn is_providers_own_issuer(provider: &str, issuer: &str) -> bool {
    let issuer = issuer.to_ascii_lowercase();
    match provider {
        "AWS" => issuer.starts_with("amazon web services") || issuer.starts_with("aws"),
        "Microsoft" => issuer.starts_with("microsoft"),
        "Google Cloud" => issuer.starts_with("google"),
        "Oracle" => issuer.starts_with("oracle"),
        _ => issuer == provider.to_ascii_lowercase(),
    }
}

/// InvoiceIssuerName as FOCUS reads it: the provider's name where the
/// issuer is the provider's own entity (`Amazon Web Services, Inc.` under
/// `AWS` is `AWS`), the issuer otherwise; where a row names no issuer, the
/// provider. A row whose value differs from ProviderName is a charge someone
/// else invoices (a marketplace charge, to FOCUS).
pub fn invoice_issuer_as_focus() -> Expr {
    as_struct(vec![col("ProviderName"), col("InvoiceIssuerName")]).map(
        |c| {
            let fields = c.struct_()?.fields_as_series();
            let (providers, issuers) = (fields[0].str()?, fields[1].str()?);
            let out: StringChunked = providers
                .iter()
                .zip(issuers.iter())
                .map(|(p, i)| match (p, i) {
                    (Some(p), Some(i)) if is_providers_own_issuer(p, i) => Some(p.to_string()),
                    (p, i) => i.or(p).map(str::to_string),
                })
                .collect();
            Ok(out.with_name("InvoiceIssuerName".into()).into_column())
        },
        |_, _| Ok(Field::new("InvoiceIssuerName".into(), DataType::String)),
    )
}
