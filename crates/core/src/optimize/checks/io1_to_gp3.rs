//! io1 volumes whose provisioned IOPS fit gp3 (up to 16,000), where gp3
//! costs less.

use super::{Check, Draft, Inputs};
use crate::optimize::usage::DAYS_PER_MONTH;
use crate::optimize::usage::Usage;
use crate::optimize::{Confidence, FindingKind};

/// gp3 list prices (us-east-1) and limits.
const GP3_GB_MONTH: f64 = 0.08;
const GP3_IOPS_MONTH: f64 = 0.005;
const GP3_FREE_IOPS: f64 = 3000.0;
const GP3_MAX_IOPS: f64 = 16000.0;

pub struct Io1ToGp3;

impl Check for Io1ToGp3 {
    fn run<'a>(&self, inputs: &Inputs<'a>) -> Vec<Draft<'a>> {
        let window = inputs.window;
        let mut out = Vec::new();
        for usages in inputs.by_resource.values() {
            let io1_storage: Vec<&&Usage> = usages
                .iter()
                .filter(|u| u.usage_type.contains("VolumeUsage.piops"))
                .collect();
            let Some(first) = io1_storage.first() else {
                continue;
            };
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
                    kind: FindingKind::Io1ToGp3,
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
        out
    }
}
