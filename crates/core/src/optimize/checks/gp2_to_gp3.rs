//! gp2 volumes, which cost more per GB-month than gp3.

use super::{Check, Draft, Inputs};
use crate::optimize::{Confidence, FindingKind};

pub struct Gp2ToGp3;

impl Check for Gp2ToGp3 {
    fn run<'a>(&self, inputs: &Inputs<'a>) -> Vec<Draft<'a>> {
        let settings = inputs.settings;
        let mut out = Vec::new();
        for u in inputs.records {
            if u.usage_type.contains("VolumeUsage.gp2") {
                let savings = u.cost * settings.gp3_discount;
                out.push(Draft {
                    kind: FindingKind::Gp2ToGp3,
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
            }
        }
        out
    }
}
