//! The usage records every check reads: one per (resource, usage type)
//! over the window, aggregated from the billing view in one pass.

use chrono::{Duration, NaiveDate};
use polars::prelude::*;

use crate::config::OptimizeSettings;
use crate::error::{Error, Result};
use crate::frame::{number_at, text_at};

/// Average days per month (365.25 / 12).
pub(crate) const DAYS_PER_MONTH: f64 = 30.4375;

/// One resource's use of one usage type.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Usage {
    pub resource_id: String,
    pub usage_type: String,
    pub instance_type: String,
    pub provider: String,
    pub account: String,
    pub region: String,
    pub service: String,
    pub resource_group: String,
    pub resource_type: String,
    /// FOCUS PricingCategory: Standard (on demand), Committed, Dynamic (spot).
    pub pricing_category: String,
    /// Azure meter category / subcategory / name, for meter-based checks.
    pub meter: String,
    pub currency: String,
    /// Effective cost in the window.
    pub cost: f64,
    /// Consumed quantity in the window (hours, GB, GB-months...).
    pub quantity: f64,
    /// First day the resource was billed, over all history.
    pub first_seen: Option<NaiveDate>,
    pub sources: Vec<String>,
}

/// The window and the scale from window cost to monthly cost.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl Window {
    pub(crate) fn days(&self) -> f64 {
        ((self.last - self.first).num_days() + 1) as f64
    }

    pub(crate) fn monthly(&self, cost: f64) -> f64 {
        cost * DAYS_PER_MONTH / self.days()
    }

    pub(crate) fn label(&self) -> String {
        format!("{}..{}", self.first, self.last)
    }
}

/// Aggregates the dataset into usage records for the window ending at the
/// last day of data.
pub fn usage_records(
    frame: LazyFrame,
    settings: &OptimizeSettings,
) -> Result<(Vec<Usage>, Window)> {
    let last = frame
        .clone()
        .select([col("ChargePeriodStart")
            .max()
            .cast(DataType::Date)
            .alias("last")])
        .collect()
        .map_err(|e| Error::polars("finding the last day of data", e))?;
    let last = match last.column("last").ok().and_then(|c| c.get(0).ok()) {
        Some(AnyValue::Date(days)) => {
            NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch") + Duration::days(days as i64)
        }
        _ => {
            return Err(Error::Usage(
                "the dataset is empty: nothing to recommend".into(),
            ));
        }
    };
    let window = Window {
        first: last - Duration::days(settings.window_days.max(1) as i64 - 1),
        last,
    };
    let start = window.first.and_hms_opt(0, 0, 0).expect("midnight");
    let in_window = col("ChargePeriodStart").gt_eq(lit(start));

    // Two plain streaming aggregations (filters inside aggregations would
    // push Polars off the streaming engine and materialize the dataset):
    // the window's usage per resource and usage type, and each resource's
    // first day over all history. Few grouping keys, because string keys
    // are what a 4M-row group-by pays for; attributes that are constant per
    // resource come out as max().
    let df = frame
        .clone()
        .filter(col("ResourceId").is_not_null().and(in_window))
        .group_by([
            col("ResourceId"),
            col("x_UsageType"),
            col("PricingCategory"),
            // Azure has no usage type: its meter tells a VM's compute hours
            // from the bandwidth and disks billed on the same resource.
            col("x_MeterName"),
        ])
        .agg([
            col("EffectiveCost").sum().alias("cost"),
            col("ConsumedQuantity").sum().alias("quantity"),
            col("ProviderName").max(),
            col("SubAccountId").max(),
            col("BillingCurrency").max(),
            col("x_MeterCategory").max(),
            col("x_MeterSubcategory").max(),
            col("x_InstanceType").max().alias("instance_type"),
            col("RegionId").max().alias("region"),
            col("ServiceName").max().alias("service"),
            col("x_ResourceGroup").max().alias("resource_group"),
            col("ResourceType").max().alias("resource_type"),
            // The first and last billing line and how many: the evidence.
            col("x_SourceFile").max().alias("source_file"),
            col("x_SourceRow").min().alias("first_row"),
            col("x_SourceRow").max().alias("last_row"),
            col("x_SourceRow").count().alias("lines"),
        ])
        .collect_with_engine(Engine::Streaming)
        .map(|r| r.unwrap_single())
        .map_err(|e| Error::polars("aggregating usage for recommendations", e))?;
    let first_days = frame
        .filter(col("ResourceId").is_not_null())
        .group_by([col("ResourceId")])
        .agg([col("ChargePeriodStart")
            .min()
            .cast(DataType::Date)
            .cast(DataType::Int32)
            .alias("first_seen")])
        .collect_with_engine(Engine::Streaming)
        .map(|r| r.unwrap_single())
        .map_err(|e| Error::polars("finding when resources were first billed", e))?;
    let mut first_seen_of = std::collections::HashMap::with_capacity(first_days.height());
    for row in 0..first_days.height() {
        let days = number_at(&first_days, "first_seen", row) as i64;
        first_seen_of.insert(text_at(&first_days, "ResourceId", row), days);
    }
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
    let mut records = Vec::with_capacity(df.height());
    for row in 0..df.height() {
        let first_seen = first_seen_of
            .get(&text_at(&df, "ResourceId", row))
            .map(|days| epoch + Duration::days(*days));
        records.push(Usage {
            resource_id: text_at(&df, "ResourceId", row),
            usage_type: text_at(&df, "x_UsageType", row),
            instance_type: text_at(&df, "instance_type", row),
            provider: text_at(&df, "ProviderName", row),
            account: text_at(&df, "SubAccountId", row),
            region: text_at(&df, "region", row),
            service: text_at(&df, "service", row),
            resource_group: text_at(&df, "resource_group", row),
            resource_type: text_at(&df, "resource_type", row),
            pricing_category: text_at(&df, "PricingCategory", row),
            meter: [
                text_at(&df, "x_MeterCategory", row),
                text_at(&df, "x_MeterSubcategory", row),
                text_at(&df, "x_MeterName", row),
            ]
            .join(" / "),
            currency: text_at(&df, "BillingCurrency", row),
            cost: number_at(&df, "cost", row),
            quantity: number_at(&df, "quantity", row),
            first_seen,
            sources: evidence_lines(
                &text_at(&df, "source_file", row),
                number_at(&df, "first_row", row) as u64,
                number_at(&df, "last_row", row) as u64,
                number_at(&df, "lines", row) as u64,
            ),
        });
    }
    records.sort_by(|a, b| (&a.resource_id, &a.usage_type).cmp(&(&b.resource_id, &b.usage_type)));
    Ok((records, window))
}

/// `file:row` of the first and last line, and how many lines in between.
pub(crate) fn evidence_lines(file: &str, first: u64, last: u64, lines: u64) -> Vec<String> {
    if file.is_empty() {
        return Vec::new();
    }
    let mut out = vec![format!("{file}:{first}")];
    if last != first {
        out.push(format!("{file}:{last}"));
    }
    if lines > 2 {
        out.push(format!("({} more lines)", lines - 2));
    }
    out
}

pub(crate) fn instance_type_of(u: &Usage) -> Option<String> {
    if !u.instance_type.is_empty() {
        return Some(u.instance_type.clone());
    }
    u.usage_type
        .split_once("BoxUsage:")
        .map(|(_, t)| t.to_string())
        .filter(|t| !t.is_empty())
}

pub(crate) fn is_box_usage(u: &Usage) -> bool {
    u.usage_type.starts_with("BoxUsage") || u.usage_type.contains("-BoxUsage")
}

/// The lower-cased Azure resource type: the ResourceType column, else the
/// `/providers/NAMESPACE/TYPE/` part of the resource id (EA exports have no
/// resource type column).
pub(crate) fn azure_resource_type(u: &Usage) -> String {
    if !u.resource_type.is_empty() {
        return u.resource_type.to_lowercase();
    }
    let id = u.resource_id.to_lowercase();
    let Some((_, rest)) = id.rsplit_once("/providers/") else {
        return String::new();
    };
    let mut parts = rest.split('/');
    match (parts.next(), parts.next()) {
        (Some(namespace), Some(kind)) => format!("{namespace}/{kind}"),
        _ => String::new(),
    }
}
