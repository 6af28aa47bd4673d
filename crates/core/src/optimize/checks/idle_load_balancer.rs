//! Load balancers billed by the hour with no capacity units or processed
//! bytes.

use super::{Check, Draft, Inputs};
use crate::optimize::usage::Usage;
use crate::optimize::{Confidence, FindingKind};

pub struct IdleLoadBalancer;

impl Check for IdleLoadBalancer {
    fn run<'a>(&self, inputs: &Inputs<'a>) -> Vec<Draft<'a>> {
        let mut out = Vec::new();
        for usages in inputs.by_resource.values() {
            let lb_hours: Vec<&&Usage> = usages
                .iter()
                .filter(|u| u.usage_type.contains("LoadBalancerUsage"))
                .collect();
            let Some(first) = lb_hours.first() else {
                continue;
            };
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
                    kind: FindingKind::IdleLoadBalancer,
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
        out
    }
}
