//! Idle and oversized instances, from measured utilization (CPU, memory,
//! network): stop the idle ones, move the oversized ones one size down or
//! to a cheaper current family with the vCPU and memory the p95 needs.

use std::collections::BTreeMap;

use super::{Check, Draft, Inputs};
use crate::config::OptimizeSettings;
use crate::optimize::catalog::{CatalogEntry, UNKNOWN_SIZE_DOWN_SAVING, cheaper_family, size_down};
use crate::optimize::metrics::Utilization;
use crate::optimize::usage::{Usage, instance_type_of, is_box_usage};
use crate::optimize::{Confidence, FindingKind};

pub struct Rightsizing;

impl Check for Rightsizing {
    fn run<'a>(&self, inputs: &Inputs<'a>) -> Vec<Draft<'a>> {
        inputs
            .records
            .iter()
            .filter(|u| is_box_usage(u))
            .filter_map(|u| {
                let stats = inputs.utilization.get(u.resource_id.as_str())?;
                rightsizing(u, stats, inputs.settings, &inputs.catalog)
            })
            .collect()
    }
}

/// After a resize the p95 should stay under these utilizations.
const TARGET_CPU: f64 = 0.6;
const TARGET_MEMORY: f64 = 0.8;

/// Idle and oversized instances, from utilization metrics.
fn rightsizing<'a>(
    u: &'a Usage,
    stats: &Utilization,
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
            action: format!(
                "Stop or terminate {} ({current}): it does almost nothing",
                u.resource_id
            ),
            rule: format!(
                "average CPU under {}% and network under {} MB/day",
                settings.idle_cpu_avg, settings.idle_network_mb_per_day
            ),
            figures: format!("{measured}; {:.2} {} in the window", u.cost, u.currency),
            ..Draft::of(
                FindingKind::IdleInstance,
                u,
                u.cost,
                if network_mb.is_some() {
                    Confidence::Medium
                } else {
                    Confidence::Low
                },
            )
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
            kind: FindingKind::Rightsize,
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
