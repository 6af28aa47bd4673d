//! NAT gateways billed by the hour that processed (almost) no traffic.

use super::{Check, Draft, Inputs};
use crate::optimize::usage::Usage;
use crate::optimize::{Confidence, FindingKind};

pub struct IdleNatGateway;

impl Check for IdleNatGateway {
    fn run<'a>(&self, inputs: &Inputs<'a>) -> Vec<Draft<'a>> {
        let settings = inputs.settings;
        let mut out = Vec::new();
        for usages in inputs.by_resource.values() {
            let hours: Vec<&&Usage> = usages
                .iter()
                .filter(|u| u.usage_type.contains("NatGateway-Hours"))
                .collect();
            let Some(first) = hours.first() else {
                continue;
            };
            let bytes_gb = usages
                .iter()
                .filter(|u| u.usage_type.contains("NatGateway-Bytes"))
                .map(|u| u.quantity)
                .sum::<f64>()
                // Processed bytes are never negative: a sum of float noise
                // would read "-0.000 GB".
                .max(0.0);
            let cost: f64 = usages.iter().map(|u| u.cost).sum();
            if bytes_gb <= settings.nat_idle_gb {
                out.push(Draft {
                    kind: FindingKind::IdleNatGateway,
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
        out
    }
}
