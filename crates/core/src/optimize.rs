//! Optimization findings from billing data alone: what to change and what it
//! is worth, with the billing lines that prove it.
//!
//! One pass over the dataset aggregates every (resource, usage type) over
//! the window (the last `window_days` days of data) and over all history
//! (first seen); the checks below then run on those small records. Costs
//! are effective (amortized) cost; a monthly figure is the window's cost
//! scaled to 30.44 days. Every check, its rule, default threshold and how
//! its saving is computed is listed in the README ("Recommendations").

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Average days per month (365.25 / 12).
const DAYS_PER_MONTH: f64 = 30.4375;

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct OptimizeSettings {
    /// Days of data (ending at the last day in the dataset) a check looks at.
    pub window_days: u32,
    /// A NAT gateway processing at most this many GB in the window is idle.
    pub nat_idle_gb: f64,
    /// Snapshots first billed more than this many days before the end of
    /// the data are old.
    pub snapshot_age_days: i64,
    /// gp3 is this much cheaper than gp2 per GB-month.
    pub gp3_discount: f64,
    /// Suggest ARM (Graviton) equivalents of x86 instances (low confidence).
    pub graviton: bool,
    /// Rightsizing: an instance averaging less CPU than this (percent)...
    pub idle_cpu_avg: f64,
    /// ...and moving less than this many MB a day (in + out) is idle.
    pub idle_network_mb_per_day: f64,
    /// An instance whose CPU p95 and max stay under these is oversized.
    pub oversized_cpu_p95: f64,
    pub oversized_cpu_max: f64,
    /// ...unless its memory p95 is above this (one size down halves memory).
    pub oversized_memory_p95: f64,
    /// Fewer days of metrics than this: no rightsizing finding.
    pub min_metric_days: f64,
    /// Discount a 1-year no-upfront Compute Savings Plan gives on on-demand
    /// compute (AWS quotes up to 66% for 3-year all-upfront; ~28% is typical
    /// for 1-year no-upfront): used for commitment candidates and the
    /// Savings Plan recommendation.
    pub savings_plan_discount: f64,
    /// Share of hours in the window an on-demand instance must run to be a
    /// commitment candidate.
    pub always_on_share: f64,
}

impl Default for OptimizeSettings {
    fn default() -> Self {
        OptimizeSettings {
            window_days: 30,
            nat_idle_gb: 1.0,
            snapshot_age_days: 90,
            gp3_discount: 0.20,
            graviton: true,
            idle_cpu_avg: 5.0,
            idle_network_mb_per_day: 50.0,
            oversized_cpu_p95: 40.0,
            oversized_cpu_max: 60.0,
            oversized_memory_p95: 50.0,
            min_metric_days: 3.0,
            savings_plan_discount: 0.28,
            always_on_share: 0.95,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn label(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// Why a finding was made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    /// The rule that fired, with its threshold.
    pub rule: String,
    /// The days looked at, `FROM..TO` (inclusive).
    pub window: String,
    /// The figures the rule compared.
    pub figures: String,
    /// Billing lines, `file:row` (a few per usage type).
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Stable across runs: a hash of kind, provider, account and resource.
    pub id: String,
    pub kind: &'static str,
    pub provider: String,
    pub account: String,
    pub region: String,
    pub service: String,
    pub resource_id: String,
    /// Effective cost of the resource (the usage the finding is about), per month.
    pub monthly_cost: f64,
    pub estimated_monthly_savings: f64,
    pub confidence: Confidence,
    pub action: String,
    pub currency: String,
    pub evidence: Evidence,
}

/// The kinds of finding, for `--kind` and the docs.
pub const KINDS: &[&str] = &[
    "commitment_candidate",
    "spot_candidate",
    "azure_premium_snapshot",
    "idle_instance",
    "rightsize",
    "idle_ip",
    "idle_nat_gateway",
    "idle_load_balancer",
    "gp2_to_gp3",
    "io1_to_gp3",
    "previous_generation",
    "graviton",
    "old_snapshot",
    "extended_support",
    "orphaned_azure_resource",
];

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
    fn days(&self) -> f64 {
        ((self.last - self.first).num_days() + 1) as f64
    }

    fn monthly(&self, cost: f64) -> f64 {
        cost * DAYS_PER_MONTH / self.days()
    }

    fn label(&self) -> String {
        format!("{}..{}", self.first, self.last)
    }
}

fn text(df: &DataFrame, name: &str, row: usize) -> String {
    df.column(name)
        .ok()
        .and_then(|c| c.get(row).ok())
        .and_then(|v| v.get_str().map(str::to_string))
        .unwrap_or_default()
}

fn number(df: &DataFrame, name: &str, row: usize) -> f64 {
    df.column(name)
        .ok()
        .and_then(|c| c.get(row).ok())
        .and_then(|v| v.extract::<f64>())
        .unwrap_or(0.0)
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
        let days = number(&first_days, "first_seen", row) as i64;
        first_seen_of.insert(text(&first_days, "ResourceId", row), days);
    }
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
    let mut records = Vec::with_capacity(df.height());
    for row in 0..df.height() {
        let first_seen = first_seen_of
            .get(&text(&df, "ResourceId", row))
            .map(|days| epoch + Duration::days(*days));
        records.push(Usage {
            resource_id: text(&df, "ResourceId", row),
            usage_type: text(&df, "x_UsageType", row),
            instance_type: text(&df, "instance_type", row),
            provider: text(&df, "ProviderName", row),
            account: text(&df, "SubAccountId", row),
            region: text(&df, "region", row),
            service: text(&df, "service", row),
            resource_group: text(&df, "resource_group", row),
            resource_type: text(&df, "resource_type", row),
            pricing_category: text(&df, "PricingCategory", row),
            meter: [
                text(&df, "x_MeterCategory", row),
                text(&df, "x_MeterSubcategory", row),
                text(&df, "x_MeterName", row),
            ]
            .join(" / "),
            currency: text(&df, "BillingCurrency", row),
            cost: number(&df, "cost", row),
            quantity: number(&df, "quantity", row),
            first_seen,
            sources: evidence_lines(
                &text(&df, "source_file", row),
                number(&df, "first_row", row) as u64,
                number(&df, "last_row", row) as u64,
                number(&df, "lines", row) as u64,
            ),
        });
    }
    records.sort_by(|a, b| (&a.resource_id, &a.usage_type).cmp(&(&b.resource_id, &b.usage_type)));
    Ok((records, window))
}

/// `file:row` of the first and last line, and how many lines in between.
fn evidence_lines(file: &str, first: u64, last: u64, lines: u64) -> Vec<String> {
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

/// A row of the instance catalog (`data/instance-catalog.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogEntry {
    pub instance_type: String,
    pub family: String,
    pub previous_generation: bool,
    pub vcpu: f64,
    pub memory_gib: f64,
    pub arm: bool,
    pub hourly_usd: f64,
}

pub fn catalog() -> BTreeMap<String, CatalogEntry> {
    let mut entries = BTreeMap::new();
    let mut reader =
        csv::Reader::from_reader(include_str!("../data/instance-catalog.csv").as_bytes());
    for record in reader.records().flatten() {
        let number = |i: usize| {
            record
                .get(i)
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        let entry = CatalogEntry {
            instance_type: record.get(1).unwrap_or("").to_string(),
            family: record.get(2).unwrap_or("").to_string(),
            previous_generation: record.get(3) == Some("previous"),
            vcpu: number(4),
            memory_gib: number(5),
            arm: record.get(6) == Some("arm64"),
            hourly_usd: number(8),
        };
        entries.insert(entry.instance_type.clone(), entry);
    }
    entries
}

/// Previous-generation family -> its current equivalent at the same size.
const CURRENT_FAMILY: &[(&str, &str)] = &[
    ("t2", "t3"),
    ("m3", "m6i"),
    ("m4", "m6i"),
    ("c3", "c6i"),
    ("c4", "c6i"),
    ("r3", "r6i"),
    ("r4", "r6i"),
    ("i2", "i3"),
];

/// x86 family -> the ARM (Graviton) family with the same vCPU and memory.
const ARM_FAMILY: &[(&str, &str)] = &[
    ("t3", "t4g"),
    ("m5", "m7g"),
    ("m6i", "m7g"),
    ("c5", "c7g"),
    ("c6i", "c7g"),
    ("r5", "r7g"),
    ("r6i", "r7g"),
];

/// When a size is missing from the catalog: the saving assumed, at low
/// confidence.
const UNKNOWN_PRICE_SAVING: f64 = 0.10;

fn finding_id(kind: &str, u: &Usage) -> String {
    let key = format!("{kind}|{}|{}|{}", u.provider, u.account, u.resource_id);
    blake3::hash(key.as_bytes()).to_hex()[..12].to_string()
}

struct Draft<'a> {
    kind: &'static str,
    usage: &'a Usage,
    cost: f64,
    savings: f64,
    confidence: Confidence,
    action: String,
    rule: String,
    figures: String,
    sources: Vec<String>,
}

impl Draft<'_> {
    fn finish(self, window: &Window) -> Finding {
        Finding {
            id: finding_id(self.kind, self.usage),
            kind: self.kind,
            provider: self.usage.provider.clone(),
            account: self.usage.account.clone(),
            region: self.usage.region.clone(),
            service: self.usage.service.clone(),
            resource_id: self.usage.resource_id.clone(),
            monthly_cost: window.monthly(self.cost),
            estimated_monthly_savings: window.monthly(self.savings),
            confidence: self.confidence,
            action: self.action,
            currency: self.usage.currency.clone(),
            evidence: Evidence {
                rule: self.rule,
                window: window.label(),
                figures: self.figures,
                sources: self.sources,
            },
        }
    }
}

fn instance_type_of(u: &Usage) -> Option<String> {
    if !u.instance_type.is_empty() {
        return Some(u.instance_type.clone());
    }
    u.usage_type
        .split_once("BoxUsage:")
        .map(|(_, t)| t.to_string())
        .filter(|t| !t.is_empty())
}

fn is_box_usage(u: &Usage) -> bool {
    u.usage_type.starts_with("BoxUsage") || u.usage_type.contains("-BoxUsage")
}

/// A family change at the same size, valued from the catalog.
fn family_change(
    current: &str,
    family_map: &[(&str, &str)],
    catalog: &BTreeMap<String, CatalogEntry>,
) -> Option<(String, f64, bool, String)> {
    let (family, size) = current.split_once('.')?;
    let target_family = family_map.iter().find(|(f, _)| *f == family)?.1;
    let target = format!("{target_family}.{size}");
    let priced = match (catalog.get(current), catalog.get(&target)) {
        (Some(a), Some(b)) if a.hourly_usd > 0.0 => Some((a.hourly_usd, b.hourly_usd)),
        _ => None,
    };
    let (ratio, known, figures) = match priced {
        Some((old, new)) => (
            (1.0 - new / old).max(0.0),
            true,
            format!("catalog: {current} ${old}/h, {target} ${new}/h (us-east-1 on-demand)"),
        ),
        None => (
            UNKNOWN_PRICE_SAVING,
            false,
            format!(
                "{current} or {target} not in the catalog: assumed {:.0}% saving",
                UNKNOWN_PRICE_SAVING * 100.0
            ),
        ),
    };
    Some((target, ratio, known, figures))
}

/// The lower-cased Azure resource type: the ResourceType column, else the
/// `/providers/NAMESPACE/TYPE/` part of the resource id (EA exports have no
/// resource type column).
fn azure_resource_type(u: &Usage) -> String {
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

/// gp3 list prices (us-east-1) and limits.
const GP3_GB_MONTH: f64 = 0.08;
const GP3_IOPS_MONTH: f64 = 0.005;
const GP3_FREE_IOPS: f64 = 3000.0;
const GP3_MAX_IOPS: f64 = 16000.0;

/// Azure snapshot list prices per GB-month (LRS): Premium SSD against
/// Standard HDD, and the saving of moving from one to the other.
const PREMIUM_SNAPSHOT_GB_MONTH: f64 = 0.12;
const STANDARD_SNAPSHOT_GB_MONTH: f64 = 0.05;
const PREMIUM_SNAPSHOT_SAVING: f64 = 1.0 - STANDARD_SNAPSHOT_GB_MONTH / PREMIUM_SNAPSHOT_GB_MONTH;

/// Spot: compute running less than this share of the window's hours, and
/// the discount assumed (spot prices are typically 60-90% below on demand).
const SPOT_MAX_SHARE: f64 = 0.25;
const SPOT_SAVING: f64 = 0.6;

/// Instance sizes, smallest first: one step left is one size down.
const SIZES: &[&str] = &[
    "nano", "micro", "small", "medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge",
    "12xlarge", "16xlarge", "24xlarge",
];

/// When the smaller size is missing from the catalog: one size down halves
/// the price on AWS, assumed at low confidence.
const UNKNOWN_SIZE_DOWN_SAVING: f64 = 0.5;

fn size_down(instance_type: &str) -> Option<String> {
    let (family, size) = instance_type.split_once('.')?;
    let at = SIZES.iter().position(|s| *s == size)?;
    (at > 0).then(|| format!("{family}.{}", SIZES[at - 1]))
}

/// After a resize the p95 should stay under these utilizations.
const TARGET_CPU: f64 = 0.6;
const TARGET_MEMORY: f64 = 0.8;

/// The cheapest current-generation, non-burstable type of the same
/// architecture with at least the vCPU and memory needed.
fn cheaper_family<'c>(
    now: &CatalogEntry,
    needed_vcpu: f64,
    needed_memory: f64,
    catalog: &'c BTreeMap<String, CatalogEntry>,
) -> Option<&'c CatalogEntry> {
    catalog
        .values()
        .filter(|c| {
            !c.previous_generation
                && c.arm == now.arm
                && !c.family.starts_with('t')
                && c.provider_is_same(now)
                && c.vcpu >= needed_vcpu
                && c.memory_gib >= needed_memory
                && c.hourly_usd < now.hourly_usd
        })
        .min_by(|a, b| {
            a.hourly_usd
                .total_cmp(&b.hourly_usd)
                .then_with(|| a.instance_type.cmp(&b.instance_type))
        })
}

impl CatalogEntry {
    fn provider_is_same(&self, other: &CatalogEntry) -> bool {
        self.instance_type.starts_with("Standard_") == other.instance_type.starts_with("Standard_")
    }
}

/// Idle and oversized instances, from utilization metrics.
fn rightsizing<'a>(
    u: &'a Usage,
    stats: &crate::metrics::Utilization,
    settings: &OptimizeSettings,
    catalog: &BTreeMap<String, CatalogEntry>,
) -> Option<Draft<'a>> {
    if stats.days < settings.min_metric_days {
        return None;
    }
    let current = instance_type_of(u)?;
    let network_mb = stats.network_bytes_per_day.map(|b| b / 1e6);
    let measured = format!(
        "CPU avg {:.1}%, p95 {:.1}%, max {:.1}%{}{} over {:.1} days of metrics",
        stats.cpu_avg,
        stats.cpu_p95,
        stats.cpu_max,
        stats
            .memory_p95
            .map(|m| format!(", memory p95 {m:.1}%"))
            .unwrap_or_default(),
        network_mb
            .map(|n| format!(", network {n:.1} MB/day"))
            .unwrap_or_default(),
        stats.days
    );
    if stats.cpu_avg < settings.idle_cpu_avg
        && network_mb.is_none_or(|n| n < settings.idle_network_mb_per_day)
    {
        return Some(Draft {
            kind: "idle_instance",
            usage: u,
            cost: u.cost,
            savings: u.cost,
            confidence: if network_mb.is_some() {
                Confidence::Medium
            } else {
                Confidence::Low
            },
            action: format!(
                "Stop or terminate {} ({current}): it does almost nothing",
                u.resource_id
            ),
            rule: format!(
                "average CPU under {}% and network under {} MB/day",
                settings.idle_cpu_avg, settings.idle_network_mb_per_day
            ),
            figures: format!("{measured}; {:.2} {} in the window", u.cost, u.currency),
            sources: u.sources.clone(),
        });
    }
    let memory_fits = stats
        .memory_p95
        .is_none_or(|m| m <= settings.oversized_memory_p95);
    if stats.cpu_p95 < settings.oversized_cpu_p95
        && stats.cpu_max < settings.oversized_cpu_max
        && memory_fits
    {
        let smaller = size_down(&current)?;
        let family = current.split('.').next().unwrap_or_default();
        let family_known = catalog.values().any(|e| e.family == family);
        let (ratio, known, prices) = match (catalog.get(&current), catalog.get(&smaller)) {
            // A known family without the smaller size: it is the smallest.
            (_, None) if family_known => return None,
            (Some(a), Some(b)) if a.hourly_usd > 0.0 => (
                1.0 - b.hourly_usd / a.hourly_usd,
                true,
                format!(
                    "catalog: {current} ${}/h, {smaller} ${}/h",
                    a.hourly_usd, b.hourly_usd
                ),
            ),
            _ => (
                UNKNOWN_SIZE_DOWN_SAVING,
                false,
                format!(
                    "{current} or {smaller} not in the catalog: assumed {:.0}% saving",
                    UNKNOWN_SIZE_DOWN_SAVING * 100.0
                ),
            ),
        };
        // A cheaper current family with the vCPU and memory the p95 needs may
        // beat one size down (e.g. a compute-optimized type when memory use
        // is low).
        let (smaller, ratio, prices) = match catalog.get(&current).and_then(|now| {
            let needed_vcpu = now.vcpu * stats.cpu_p95 / 100.0 / TARGET_CPU;
            let needed_memory = match stats.memory_p95 {
                Some(m) => now.memory_gib * m / 100.0 / TARGET_MEMORY,
                None => now.memory_gib / 2.0, // what one size down keeps
            };
            cheaper_family(now, needed_vcpu, needed_memory, catalog)
                .filter(|c| 1.0 - c.hourly_usd / now.hourly_usd > ratio + 1e-9)
                .map(|c| (now, c, needed_vcpu, needed_memory))
        }) {
            Some((now, c, vcpu, memory)) => (
                c.instance_type.clone(),
                1.0 - c.hourly_usd / now.hourly_usd,
                format!(
                    "needs {vcpu:.1} vCPU and {memory:.1} GiB at the p95; catalog: {current} ${}/h, {} ${}/h ({} vCPU, {} GiB)",
                    now.hourly_usd, c.instance_type, c.hourly_usd, c.vcpu, c.memory_gib
                ),
            ),
            None => (smaller, ratio, prices),
        };
        let confidence = match (known, stats.memory_p95.is_some() && stats.days >= 14.0) {
            (true, true) => Confidence::High,
            (true, false) => Confidence::Medium,
            (false, _) => Confidence::Low,
        };
        return Some(Draft {
            kind: "rightsize",
            usage: u,
            cost: u.cost,
            savings: u.cost * ratio,
            confidence,
            action: format!("Resize {} from {current} to {smaller}", u.resource_id),
            rule: format!(
                "CPU p95 under {}% and max under {}% (memory p95 under {}% where measured): one size down",
                settings.oversized_cpu_p95,
                settings.oversized_cpu_max,
                settings.oversized_memory_p95
            ),
            figures: format!(
                "{measured}; {prices}; {:.2} {} in the window",
                u.cost, u.currency
            ),
            sources: u.sources.clone(),
        });
    }
    None
}

/// Runs every check over the usage records (and the utilization metrics,
/// for rightsizing).
pub fn findings(
    records: &[Usage],
    window: &Window,
    settings: &OptimizeSettings,
    utilization: &[crate::metrics::Utilization],
) -> Vec<Finding> {
    let catalog = catalog();
    let stats: BTreeMap<&str, &crate::metrics::Utilization> = utilization
        .iter()
        .map(|u| (u.resource_id.as_str(), u))
        .collect();
    let mut out = Vec::new();
    let mut by_resource: BTreeMap<(&str, &str, &str), Vec<&Usage>> = BTreeMap::new();
    for u in records {
        by_resource
            .entry((
                u.provider.as_str(),
                u.account.as_str(),
                u.resource_id.as_str(),
            ))
            .or_default()
            .push(u);
    }
    for usages in by_resource.values() {
        for u in usages {
            let ut = u.usage_type.as_str();
            if ut.ends_with("ElasticIP:IdleAddress") || ut.ends_with("PublicIPv4:IdleAddress") {
                out.push(Draft {
                    kind: "idle_ip",
                    usage: u,
                    cost: u.cost,
                    savings: u.cost,
                    confidence: Confidence::High,
                    action: format!("Release the unattached public IP address {}", u.resource_id),
                    rule: format!(
                        "usage type {ut} (billed only while the address is not attached)"
                    ),
                    figures: format!("{:.1} idle hours, {:.2} {}", u.quantity, u.cost, u.currency),
                    sources: u.sources.clone(),
                });
            } else if ut.contains("VolumeUsage.gp2") {
                let savings = u.cost * settings.gp3_discount;
                out.push(Draft {
                    kind: "gp2_to_gp3",
                    usage: u,
                    cost: u.cost,
                    savings,
                    confidence: Confidence::High,
                    action: format!(
                        "Change volume {} from gp2 to gp3 (online, no downtime)",
                        u.resource_id
                    ),
                    rule: format!(
                        "gp2 volume; gp3 costs {:.0}% less per GB-month with a 3,000 IOPS baseline",
                        settings.gp3_discount * 100.0
                    ),
                    figures: format!("{:.2} GB-months, {:.2} {}", u.quantity, u.cost, u.currency),
                    sources: u.sources.clone(),
                });
            } else if ut.contains("SnapshotUsage") {
                if let Some(first) = u.first_seen {
                    let age = (window.last - first).num_days();
                    if age > settings.snapshot_age_days {
                        out.push(Draft {
                            kind: "old_snapshot",
                            usage: u,
                            cost: u.cost,
                            savings: u.cost,
                            confidence: Confidence::Medium,
                            action: format!("Delete snapshot {} unless a retention policy needs it", u.resource_id),
                            rule: format!("snapshot first billed more than {} days before the end of the data, still billed", settings.snapshot_age_days),
                            figures: format!("first seen {first} ({age} days), {:.2} {} in the window", u.cost, u.currency),
                            sources: u.sources.clone(),
                        });
                    }
                }
            } else if ut.contains("ExtendedSupport") {
                out.push(Draft {
                    kind: "extended_support",
                    usage: u,
                    cost: u.cost,
                    savings: u.cost,
                    confidence: Confidence::High,
                    action: format!("Upgrade {} to a version in standard support to stop extended-support charges", u.resource_id),
                    rule: format!("usage type {ut} (charged for engine or Kubernetes versions past standard support)"),
                    figures: format!("{:.2} {} of extended-support charges", u.cost, u.currency),
                    sources: u.sources.clone(),
                });
            } else if is_box_usage(u) {
                // Measured utilization first: an idle or oversized instance
                // gets that finding and no family-change one on top.
                if let Some(draft) = stats
                    .get(u.resource_id.as_str())
                    .and_then(|s| rightsizing(u, s, settings, &catalog))
                {
                    out.push(draft);
                    continue;
                }
                let Some(current) = instance_type_of(u) else {
                    continue;
                };
                if let Some((target, ratio, known, figures)) =
                    family_change(&current, CURRENT_FAMILY, &catalog)
                {
                    out.push(Draft {
                        kind: "previous_generation",
                        usage: u,
                        cost: u.cost,
                        savings: u.cost * ratio,
                        confidence: if known { Confidence::High } else { Confidence::Low },
                        action: format!("Move {} from previous-generation {current} to {target}", u.resource_id),
                        rule: "instance family is a previous generation; same size in the current family".into(),
                        figures: format!("{figures}; {:.1} hours, {:.2} {}", u.quantity, u.cost, u.currency),
                        sources: u.sources.clone(),
                    });
                } else if settings.graviton
                    && let Some((target, ratio, _, figures)) =
                        family_change(&current, ARM_FAMILY, &catalog)
                {
                    out.push(Draft {
                        kind: "graviton",
                        usage: u,
                        cost: u.cost,
                        savings: u.cost * ratio,
                        confidence: Confidence::Low,
                        action: format!(
                            "Consider {target} (ARM/Graviton) for {} if its software runs on arm64",
                            u.resource_id
                        ),
                        rule: "x86 instance with an ARM equivalent of the same vCPU and memory"
                            .into(),
                        figures: format!(
                            "{figures}; {:.1} hours, {:.2} {}",
                            u.quantity, u.cost, u.currency
                        ),
                        sources: u.sources.clone(),
                    });
                }
            }
        }
        // Checks that need all of a resource's usage types.
        let hours: Vec<&&Usage> = usages
            .iter()
            .filter(|u| u.usage_type.contains("NatGateway-Hours"))
            .collect();
        if let Some(first) = hours.first() {
            let bytes_gb: f64 = usages
                .iter()
                .filter(|u| u.usage_type.contains("NatGateway-Bytes"))
                .map(|u| u.quantity)
                .sum();
            let cost: f64 = usages.iter().map(|u| u.cost).sum();
            if bytes_gb <= settings.nat_idle_gb {
                out.push(Draft {
                    kind: "idle_nat_gateway",
                    usage: first,
                    cost,
                    savings: cost,
                    confidence: Confidence::High,
                    action: format!(
                        "Delete NAT gateway {} (it processed no traffic)",
                        first.resource_id
                    ),
                    rule: format!(
                        "NAT gateway hours billed with at most {} GB processed in the window",
                        settings.nat_idle_gb
                    ),
                    figures: format!(
                        "{:.1} hours, {bytes_gb:.3} GB processed, {cost:.2} {}",
                        first.quantity, first.currency
                    ),
                    sources: usages.iter().flat_map(|u| u.sources.clone()).collect(),
                });
            }
        }
        // io1 -> gp3 where the provisioned IOPS fit gp3 (up to 16,000).
        let io1_storage: Vec<&&Usage> = usages
            .iter()
            .filter(|u| u.usage_type.contains("VolumeUsage.piops"))
            .collect();
        if let Some(first) = io1_storage.first() {
            let months = window.days() / DAYS_PER_MONTH;
            let gb_months: f64 = io1_storage.iter().map(|u| u.quantity).sum();
            let iops_usages: Vec<&&Usage> = usages
                .iter()
                .filter(|u| u.usage_type.contains("VolumeP-IOPS.piops"))
                .collect();
            let iops = iops_usages.iter().map(|u| u.quantity).sum::<f64>() / months;
            let cost: f64 = io1_storage.iter().chain(&iops_usages).map(|u| u.cost).sum();
            let gp3_cost = gb_months * GP3_GB_MONTH
                + (iops - GP3_FREE_IOPS).max(0.0) * GP3_IOPS_MONTH * months;
            if iops <= GP3_MAX_IOPS && cost > gp3_cost {
                out.push(Draft {
                    kind: "io1_to_gp3",
                    usage: first,
                    cost,
                    savings: cost - gp3_cost,
                    confidence: Confidence::Medium,
                    action: format!(
                        "Change volume {} from io1 to gp3 with {iops:.0} IOPS (check it needs no more than 1,000 MiB/s)",
                        first.resource_id
                    ),
                    rule: format!(
                        "io1 volume provisioned with at most {GP3_MAX_IOPS:.0} IOPS; gp3 ${GP3_GB_MONTH}/GB-month, 3,000 IOPS included, ${GP3_IOPS_MONTH}/IOPS-month above"
                    ),
                    figures: format!(
                        "{gb_months:.1} GB-months, {iops:.0} IOPS provisioned, {cost:.2} {} on io1 vs {gp3_cost:.2} on gp3",
                        first.currency
                    ),
                    sources: usages.iter().flat_map(|u| u.sources.clone()).collect(),
                });
            }
        }
        let lb_hours: Vec<&&Usage> = usages
            .iter()
            .filter(|u| u.usage_type.contains("LoadBalancerUsage"))
            .collect();
        if let Some(first) = lb_hours.first() {
            let traffic: f64 = usages
                .iter()
                .filter(|u| {
                    u.usage_type.contains("LCUUsage")
                        || u.usage_type.contains("DataProcessing-Bytes")
                        || u.usage_type.contains("LCU-Hrs")
                })
                .map(|u| u.quantity)
                .sum();
            let cost: f64 = usages.iter().map(|u| u.cost).sum();
            if traffic <= 0.0 {
                out.push(Draft {
                    kind: "idle_load_balancer",
                    usage: first,
                    cost,
                    savings: cost,
                    confidence: Confidence::Medium,
                    action: format!("Delete load balancer {} (no capacity units or data processed)", first.resource_id),
                    rule: "load balancer hours billed with no LCU or processed-bytes usage in the window".into(),
                    figures: format!("{:.1} hours, 0 LCU/bytes, {cost:.2} {}", first.quantity, first.currency),
                    sources: usages.iter().flat_map(|u| u.sources.clone()).collect(),
                });
            }
        }
    }
    // Azure: public IPs and disks in a resource group with no VM billed.
    let mut groups_with_vm = std::collections::BTreeSet::new();
    for u in records {
        if azure_resource_type(u) == "microsoft.compute/virtualmachines" {
            groups_with_vm.insert((u.account.to_lowercase(), u.resource_group.to_lowercase()));
        }
    }
    for u in records {
        let kind = azure_resource_type(u);
        let what = if kind == "microsoft.network/publicipaddresses" {
            "public IP address"
        } else if kind == "microsoft.compute/disks" {
            "managed disk"
        } else {
            continue;
        };
        if u.resource_group.is_empty()
            || groups_with_vm.contains(&(u.account.to_lowercase(), u.resource_group.to_lowercase()))
        {
            continue;
        }
        out.push(Draft {
            kind: "orphaned_azure_resource",
            usage: u,
            cost: u.cost,
            savings: u.cost,
            confidence: Confidence::Low,
            action: format!(
                "Check and delete the {what} {} if nothing uses it",
                u.resource_id
            ),
            rule: format!(
                "{what} billed in resource group {} where no virtual machine is billed",
                u.resource_group
            ),
            figures: format!("{:.2} {} in the window", u.cost, u.currency),
            sources: u.sources.clone(),
        });
    }
    // Azure premium snapshots -> standard (HDD) snapshot storage.
    for u in records {
        let meter = u.meter.to_lowercase();
        if u.provider == "Microsoft" && meter.contains("snapshot") && meter.contains("premium") {
            out.push(Draft {
                kind: "azure_premium_snapshot",
                usage: u,
                cost: u.cost,
                savings: u.cost * PREMIUM_SNAPSHOT_SAVING,
                confidence: Confidence::Medium,
                action: format!("Keep snapshot {} on Standard HDD snapshot storage (incremental)", u.resource_id),
                rule: "snapshot billed on a Premium SSD snapshot meter".into(),
                figures: format!(
                    "meter {}; {:.2} {} in the window; Standard snapshots ${}/GB-month vs Premium ${}/GB-month (list)",
                    u.meter, u.cost, u.currency, STANDARD_SNAPSHOT_GB_MONTH, PREMIUM_SNAPSHOT_GB_MONTH
                ),
                sources: u.sources.clone(),
            });
        }
    }
    // On-demand compute by running time: always on -> commitment; short
    // lived -> spot. Not for instances with a finding that changes them.
    let changed: std::collections::BTreeSet<(String, String)> = out
        .iter()
        .filter(|d| {
            matches!(
                d.kind,
                "idle_instance" | "rightsize" | "previous_generation"
            )
        })
        .map(|d| (d.usage.account.clone(), d.usage.resource_id.clone()))
        .collect();
    let window_hours = window.days() * 24.0;
    for u in records {
        let is_vm = is_box_usage(u)
            || (azure_resource_type(u) == "microsoft.compute/virtualmachines"
                && u.meter.to_lowercase().starts_with("virtual machines /"));
        if !is_vm
            || u.pricing_category != "Standard"
            || changed.contains(&(u.account.clone(), u.resource_id.clone()))
        {
            continue;
        }
        let share = u.quantity / window_hours;
        let new_in_window = u.first_seen.is_some_and(|d| d >= window.first);
        if share >= settings.always_on_share {
            out.push(Draft {
                kind: "commitment_candidate",
                usage: u,
                cost: u.cost,
                savings: u.cost * settings.savings_plan_discount,
                confidence: Confidence::Medium,
                action: format!(
                    "Cover {} with a savings plan or reservation (it runs all the time on demand); see `burnrate commitments`",
                    u.resource_id
                ),
                rule: format!(
                    "on-demand compute running at least {:.0}% of the window's hours; saving at an assumed {:.0}% discount",
                    settings.always_on_share * 100.0,
                    settings.savings_plan_discount * 100.0
                ),
                figures: format!("{:.0} of {window_hours:.0} hours on demand, {:.2} {}", u.quantity, u.cost, u.currency),
                sources: u.sources.clone(),
            });
        } else if share < SPOT_MAX_SHARE && new_in_window {
            out.push(Draft {
                kind: "spot_candidate",
                usage: u,
                cost: u.cost,
                savings: u.cost * SPOT_SAVING,
                confidence: Confidence::Low,
                action: format!(
                    "If {}'s work can be interrupted, run it on spot capacity",
                    u.resource_id
                ),
                rule: format!(
                    "short-lived on-demand compute: first seen in the window, running under {:.0}% of its hours; saving at an assumed {:.0}% spot discount",
                    SPOT_MAX_SHARE * 100.0,
                    SPOT_SAVING * 100.0
                ),
                figures: format!("{:.0} of {window_hours:.0} hours, {:.2} {}", u.quantity, u.cost, u.currency),
                sources: u.sources.clone(),
            });
        }
    }
    let mut findings: Vec<Finding> = out.into_iter().map(|d| d.finish(window)).collect();
    findings.sort_by(|a, b| {
        b.estimated_monthly_savings
            .total_cmp(&a.estimated_monthly_savings)
            .then_with(|| a.id.cmp(&b.id))
    });
    findings
}

/// All findings for the dataset.
/// All findings for the dataset; `data_dir` holds the imported metrics.
pub fn recommend(
    frame: LazyFrame,
    settings: &OptimizeSettings,
    data_dir: Option<&std::path::Path>,
) -> Result<(Vec<Finding>, Window)> {
    let (records, window) = usage_records(frame, settings)?;
    let utilization = match data_dir {
        Some(dir) => crate::metrics::utilization(
            dir,
            window.first.and_hms_opt(0, 0, 0).expect("midnight"),
            (window.last + Duration::days(1))
                .and_hms_opt(0, 0, 0)
                .expect("midnight"),
        )?,
        None => Vec::new(),
    };
    Ok((findings(&records, &window, settings, &utilization), window))
}

pub fn findings_frame(findings: &[Finding]) -> Result<DataFrame> {
    let text = |f: fn(&Finding) -> String| findings.iter().map(f).collect::<Vec<_>>();
    DataFrame::new_infer_height(vec![
        Column::new("id".into(), text(|f| f.id.clone())),
        Column::new("kind".into(), text(|f| f.kind.to_string())),
        Column::new("provider".into(), text(|f| f.provider.clone())),
        Column::new("account".into(), text(|f| f.account.clone())),
        Column::new("region".into(), text(|f| f.region.clone())),
        Column::new("service".into(), text(|f| f.service.clone())),
        Column::new("resource_id".into(), text(|f| f.resource_id.clone())),
        Column::new(
            "monthly_cost".into(),
            findings.iter().map(|f| f.monthly_cost).collect::<Vec<_>>(),
        ),
        Column::new(
            "estimated_monthly_savings".into(),
            findings
                .iter()
                .map(|f| f.estimated_monthly_savings)
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "confidence".into(),
            text(|f| f.confidence.label().to_string()),
        ),
        Column::new("action".into(), text(|f| f.action.clone())),
        Column::new("currency".into(), text(|f| f.currency.clone())),
        Column::new("rule".into(), text(|f| f.evidence.rule.clone())),
        Column::new("window".into(), text(|f| f.evidence.window.clone())),
        Column::new("figures".into(), text(|f| f.evidence.figures.clone())),
        Column::new("sources".into(), text(|f| f.evidence.sources.join(" "))),
    ])
    .map_err(|e| Error::polars("building the findings table", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window() -> Window {
        Window {
            first: NaiveDate::from_ymd_opt(2026, 10, 2).unwrap(),
            last: NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(),
        }
    }

    fn usage(resource: &str, usage_type: &str, cost: f64, quantity: f64) -> Usage {
        Usage {
            resource_id: resource.into(),
            usage_type: usage_type.into(),
            provider: "AWS".into(),
            account: "222222222222".into(),
            region: "us-east-1".into(),
            currency: "USD".into(),
            cost,
            quantity,
            first_seen: NaiveDate::from_ymd_opt(2026, 8, 1),
            sources: vec!["cur.csv:2".into()],
            ..Usage::default()
        }
    }

    fn run(records: Vec<Usage>) -> Vec<Finding> {
        findings(&records, &window(), &OptimizeSettings::default(), &[])
    }

    fn stats(
        id: &str,
        avg: f64,
        p95: f64,
        max: f64,
        memory: Option<f64>,
        network_mb: Option<f64>,
    ) -> crate::metrics::Utilization {
        crate::metrics::Utilization {
            resource_id: id.into(),
            cpu_avg: avg,
            cpu_p95: p95,
            cpu_max: max,
            memory_p95: memory,
            memory_max: memory,
            network_bytes_per_day: network_mb.map(|m| m * 1e6),
            days: 30.0,
        }
    }

    #[test]
    fn rightsizing_from_utilization() {
        let instance = |id: &str, kind: &str| Usage {
            instance_type: kind.into(),
            ..usage(id, &format!("BoxUsage:{kind}"), 138.24, 720.0)
        };
        let records = vec![
            instance("i-idle", "m5.xlarge"),
            instance("i-small-load", "m5.xlarge"),
            instance("i-45", "m5.xlarge"),
            instance("i-memory", "m5.xlarge"),
            instance("i-busy-net", "m5.xlarge"),
            instance("i-odd", "x9z.4xlarge"),
            instance("i-smallest", "m5.large"),
            instance("i-low-memory", "m5.xlarge"),
        ];
        let utilization = vec![
            stats("i-idle", 1.2, 3.0, 8.0, Some(20.0), Some(2.0)),
            stats("i-small-load", 15.0, 30.0, 55.0, Some(35.0), Some(900.0)),
            stats("i-45", 30.0, 45.0, 58.0, Some(35.0), Some(900.0)),
            stats("i-memory", 15.0, 30.0, 55.0, Some(80.0), Some(900.0)),
            stats("i-busy-net", 2.0, 4.0, 9.0, None, Some(5000.0)),
            stats("i-odd", 10.0, 20.0, 30.0, None, None),
            stats("i-smallest", 10.0, 20.0, 30.0, None, None),
            stats("i-low-memory", 15.0, 30.0, 55.0, Some(15.0), Some(900.0)),
        ];
        let found = findings(
            &records,
            &window(),
            &OptimizeSettings::default(),
            &utilization,
        );
        let get = |id: &str| found.iter().find(|f| f.resource_id == id);
        let idle = get("i-idle").unwrap();
        assert_eq!(
            (idle.kind, idle.confidence),
            ("idle_instance", Confidence::Medium)
        );
        assert!(close(idle.estimated_monthly_savings, monthly(138.24)));
        // m5.xlarge $0.192 -> m5.large $0.096: half.
        let small = get("i-small-load").unwrap();
        assert_eq!(
            (small.kind, small.confidence),
            ("rightsize", Confidence::High)
        );
        assert!(close(small.estimated_monthly_savings, monthly(69.12)));
        assert!(small.action.contains("m5.large"));
        // The near misses: 45% CPU p95, memory too full to halve.
        assert_eq!(get("i-45").unwrap().kind, "graviton");
        assert_eq!(get("i-memory").unwrap().kind, "graviton");
        // Low CPU but a lot of traffic: not idle, but oversized.
        assert_eq!(get("i-busy-net").unwrap().kind, "rightsize");
        // A family the catalog does not know: assumed, low confidence.
        let odd = get("i-odd").unwrap();
        assert_eq!((odd.kind, odd.confidence), ("rightsize", Confidence::Low));
        assert!(close(odd.estimated_monthly_savings, monthly(69.12)));
        // Memory p95 15% of 16 GiB needs 3 GiB: c5.large/c6i.large ($0.085,
        // 2 vCPU, 4 GiB) beat m5.large ($0.096).
        let low = get("i-low-memory").unwrap();
        assert!(low.action.contains("c5.large"), "{}", low.action);
        assert!(close(
            low.estimated_monthly_savings,
            monthly(138.24 * (1.0 - 0.085 / 0.192))
        ));
        // m5.large is the smallest m5: no size down (Graviton instead).
        assert_eq!(get("i-smallest").unwrap().kind, "graviton");
    }

    /// 30 days in the window: monthly = cost x 30.4375 / 30.
    fn monthly(cost: f64) -> f64 {
        cost * 30.4375 / 30.0
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn idle_ip_fires_and_an_attached_ip_does_not() {
        let found = run(vec![
            usage("eipalloc-1", "USE1-ElasticIP:IdleAddress", 3.6, 720.0),
            usage("eipalloc-2", "USE1-ElasticIP:AdditionalAddress", 3.6, 720.0),
            usage("eipalloc-3", "USE1-PublicIPv4:IdleAddress", 1.8, 360.0),
        ]);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].kind, "idle_ip");
        assert!(close(found[0].estimated_monthly_savings, monthly(3.6)));
        assert_eq!(found[1].resource_id, "eipalloc-3");
    }

    #[test]
    fn nat_gateway_idle_versus_moving_data() {
        let found = run(vec![
            usage("nat-idle", "USE1-NatGateway-Hours", 32.4, 720.0),
            usage("nat-busy", "USE1-NatGateway-Hours", 32.4, 720.0),
            usage("nat-busy", "USE1-NatGateway-Bytes", 2.25, 50.0),
            usage("nat-trickle", "USE1-NatGateway-Hours", 32.4, 720.0),
            usage("nat-trickle", "USE1-NatGateway-Bytes", 0.0225, 0.5),
        ]);
        let ids: Vec<&str> = found.iter().map(|f| f.resource_id.as_str()).collect();
        // 0.5 GB is under the 1 GB threshold; 50 GB is not.
        assert_eq!(ids, vec!["nat-trickle", "nat-idle"]);
        let idle = found.iter().find(|f| f.resource_id == "nat-idle").unwrap();
        assert!(close(idle.estimated_monthly_savings, monthly(32.4)));
        let trickle = found
            .iter()
            .find(|f| f.resource_id == "nat-trickle")
            .unwrap();
        assert!(close(trickle.estimated_monthly_savings, monthly(32.4225)));
    }

    #[test]
    fn load_balancer_without_traffic() {
        let found = run(vec![
            usage("arn:lb/idle", "USE1-LoadBalancerUsage", 16.2, 720.0),
            usage("arn:lb/busy", "USE1-LoadBalancerUsage", 16.2, 720.0),
            usage("arn:lb/busy", "USE1-LCUUsage", 4.0, 500.0),
        ]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, "idle_load_balancer");
        assert!(close(found[0].estimated_monthly_savings, monthly(16.2)));
    }

    #[test]
    fn gp2_volumes_save_twenty_percent() {
        let found = run(vec![
            usage("vol-gp2", "EBS:VolumeUsage.gp2", 50.0, 500.0),
            usage("vol-gp3", "EBS:VolumeUsage.gp3", 40.0, 500.0),
        ]);
        assert_eq!(found.len(), 1);
        assert!(close(found[0].estimated_monthly_savings, monthly(10.0)));
    }

    #[test]
    fn instances_previous_generation_graviton_and_unknown_sizes() {
        let mut m4 = usage("i-m4", "BoxUsage:m4.xlarge", 144.0, 720.0);
        m4.instance_type = "m4.xlarge".into();
        let t2 = usage("i-t2", "USE2-BoxUsage:t2.medium", 33.408, 720.0);
        let m6i = usage("i-m6i", "BoxUsage:m6i.large", 69.12, 720.0);
        let odd = usage("i-c4", "BoxUsage:c4.8xlarge", 100.0, 720.0);
        let found = run(vec![m4, t2, m6i, odd]);
        let get = |id: &str| found.iter().find(|f| f.resource_id == id).unwrap();
        // m4.xlarge $0.20 -> m6i.xlarge $0.192: 4%.
        assert_eq!(get("i-m4").kind, "previous_generation");
        assert!(close(
            get("i-m4").estimated_monthly_savings,
            monthly(144.0 * 0.04)
        ));
        // t2.medium $0.0464 -> t3.medium $0.0416.
        assert!(close(
            get("i-t2").estimated_monthly_savings,
            monthly(33.408 * (1.0 - 0.0416 / 0.0464))
        ));
        assert_eq!(get("i-t2").confidence, Confidence::High);
        // m6i.large $0.096 -> m7g.large $0.0816: 15%, low confidence.
        assert_eq!(get("i-m6i").kind, "graviton");
        assert_eq!(get("i-m6i").confidence, Confidence::Low);
        assert!(close(
            get("i-m6i").estimated_monthly_savings,
            monthly(69.12 * 0.15)
        ));
        // Not in the catalog: still found, low confidence, assumed 10%.
        assert_eq!(get("i-c4").confidence, Confidence::Low);
        assert!(close(get("i-c4").estimated_monthly_savings, monthly(10.0)));
        assert_eq!(found.len(), 4, "one finding per instance");
    }

    #[test]
    fn snapshots_older_than_ninety_days_only() {
        let mut old = usage("snap-old", "EBS:SnapshotUsage", 5.0, 100.0);
        old.first_seen = NaiveDate::from_ymd_opt(2026, 7, 31); // 92 days
        let mut recent = usage("snap-80", "EBS:SnapshotUsage", 5.0, 100.0);
        recent.first_seen = NaiveDate::from_ymd_opt(2026, 8, 12); // 80 days
        let found = run(vec![old, recent]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].resource_id, "snap-old");
        assert!(close(found[0].estimated_monthly_savings, monthly(5.0)));
    }

    #[test]
    fn extended_support_charges() {
        let found = run(vec![
            usage(
                "arn:rds:db:old",
                "USE1-RDS:ExtendedSupport:Yr1-Yr2:MySQL5.7",
                72.0,
                1440.0,
            ),
            usage(
                "arn:rds:db:new",
                "USE1-InstanceUsage:db.m5.large",
                120.0,
                720.0,
            ),
        ]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].kind, "extended_support");
        assert!(close(found[0].estimated_monthly_savings, monthly(72.0)));
    }

    #[test]
    fn azure_ip_without_a_vm_in_its_resource_group() {
        let azure = |id: &str, rg: &str, kind: &str, cost: f64| Usage {
            provider: "Microsoft".into(),
            account: "sub-1".into(),
            resource_group: rg.into(),
            resource_type: kind.into(),
            ..usage(id, "", cost, 720.0)
        };
        let found = run(vec![
            azure(
                "/sub/rg-a/pip-alone",
                "rg-a",
                "Microsoft.Network/publicIPAddresses",
                3.6,
            ),
            azure(
                "/sub/rg-b/pip-vm",
                "rg-b",
                "Microsoft.Network/publicIPAddresses",
                3.6,
            ),
            azure(
                "/sub/rg-b/vm",
                "rg-b",
                "Microsoft.Compute/virtualMachines",
                70.0,
            ),
        ]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].resource_id, "/sub/rg-a/pip-alone");
        assert_eq!(found[0].confidence, Confidence::Low);
        // EA exports: no resource type column, the type is in the id.
        let from_id = |id: &str, rg: &str| Usage {
            provider: "Microsoft".into(),
            account: "sub-1".into(),
            resource_group: rg.into(),
            ..usage(id, "", 3.0, 720.0)
        };
        let found = run(vec![
            from_id(
                "/subscriptions/s/resourceGroups/rg-c/providers/Microsoft.Network/publicIPAddresses/pip",
                "rg-c",
            ),
            from_id(
                "/subscriptions/s/resourceGroups/rg-d/providers/Microsoft.Compute/disks/d1",
                "rg-d",
            ),
            from_id(
                "/subscriptions/s/resourceGroups/rg-d/providers/Microsoft.Compute/virtualMachines/vm",
                "rg-d",
            ),
        ]);
        assert_eq!(found.len(), 1);
        assert!(found[0].resource_id.ends_with("/pip"));
    }

    #[test]
    fn always_on_short_lived_and_premium_snapshots() {
        let on_demand = |id: &str, hours: f64, first: (u32, u32)| Usage {
            instance_type: "m5.large".into(),
            pricing_category: "Standard".into(),
            first_seen: NaiveDate::from_ymd_opt(2026, first.0, first.1),
            ..usage(id, "BoxUsage:m5.large", hours * 0.096, hours)
        };
        let mut covered = on_demand("i-covered", 720.0, (8, 1));
        covered.pricing_category = "Committed".into();
        let snapshot = Usage {
            provider: "Microsoft".into(),
            meter: "Premium SSD Managed Disks / P10 LRS Snapshot".into(),
            ..usage("/sub/snap-premium", "", 12.0, 100.0)
        };
        let found = run(vec![
            on_demand("i-always", 720.0, (8, 1)),
            on_demand("i-684h", 684.0, (8, 1)), // exactly 95%
            on_demand("i-683h", 683.0, (8, 1)),
            on_demand("i-batch", 100.0, (10, 20)),
            on_demand("i-old-part-time", 100.0, (8, 1)),
            covered,
            snapshot,
        ]);
        let kinds: Vec<(&str, &str)> = found
            .iter()
            .filter(|f| f.kind != "graviton")
            .map(|f| (f.resource_id.as_str(), f.kind))
            .collect();
        assert!(kinds.contains(&("i-always", "commitment_candidate")));
        assert!(kinds.contains(&("i-684h", "commitment_candidate")));
        assert!(kinds.contains(&("i-batch", "spot_candidate")));
        assert!(kinds.contains(&("/sub/snap-premium", "azure_premium_snapshot")));
        assert_eq!(kinds.len(), 4, "{kinds:?}");
        let always = found
            .iter()
            .find(|f| f.resource_id == "i-always" && f.kind == "commitment_candidate")
            .unwrap();
        assert!(close(
            always.estimated_monthly_savings,
            monthly(720.0 * 0.096 * 0.28)
        ));
        let snap = found
            .iter()
            .find(|f| f.kind == "azure_premium_snapshot")
            .unwrap();
        assert!(close(
            snap.estimated_monthly_savings,
            monthly(12.0 * (1.0 - 0.05 / 0.12))
        ));
    }

    #[test]
    fn io1_volumes_that_fit_gp3() {
        // 500 GB io1 at $0.125 and 4,000 IOPS at $0.065 for the 30 days.
        let months = 30.0 / 30.4375;
        let found = run(vec![
            usage(
                "vol-io1",
                "EBS:VolumeUsage.piops",
                62.5 * months,
                500.0 * months,
            ),
            usage(
                "vol-io1",
                "EBS:VolumeP-IOPS.piops",
                260.0 * months,
                4000.0 * months,
            ),
            usage(
                "vol-io1-big",
                "EBS:VolumeUsage.piops",
                62.5 * months,
                500.0 * months,
            ),
            usage(
                "vol-io1-big",
                "EBS:VolumeP-IOPS.piops",
                1300.0 * months,
                20000.0 * months,
            ),
        ]);
        assert_eq!(found.len(), 1, "20,000 IOPS do not fit gp3");
        assert_eq!(found[0].kind, "io1_to_gp3");
        // gp3: 500 x 0.08 + 1,000 x 0.005 = 45 a month against 322.5.
        assert!(
            close(found[0].estimated_monthly_savings, 322.5 - 45.0),
            "{}",
            found[0].estimated_monthly_savings
        );
    }

    #[test]
    fn ids_are_stable_and_distinct() {
        let a = finding_id("idle_ip", &usage("eipalloc-1", "", 0.0, 0.0));
        assert_eq!(
            a,
            finding_id("idle_ip", &usage("eipalloc-1", "x", 1.0, 0.0))
        );
        assert_ne!(a, finding_id("idle_ip", &usage("eipalloc-2", "", 0.0, 0.0)));
        assert_eq!(a.len(), 12);
    }
}
