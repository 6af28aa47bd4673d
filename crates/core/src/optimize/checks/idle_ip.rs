//! Public IP addresses billed while not attached to anything.

use super::{Check, Draft, Inputs};
use crate::optimize::{Confidence, FindingKind};

pub struct IdleIp;

impl Check for IdleIp {
    fn run<'a>(&self, inputs: &Inputs<'a>) -> Vec<Draft<'a>> {
        let mut out = Vec::new();
        for u in inputs.records {
            let ut = u.usage_type.as_str();
            if ut.ends_with("ElasticIP:IdleAddress") || ut.ends_with("PublicIPv4:IdleAddress") {
                out.push(Draft {
                    action: format!("Release the unattached public IP address {}", u.resource_id),
                    rule: format!(
                        "usage type {ut} (billed only while the address is not attached)"
                    ),
                    figures: format!("{:.1} idle hours, {:.2} {}", u.quantity, u.cost, u.currency),
                    ..Draft::of(FindingKind::IdleIp, u, u.cost, Confidence::High)
                });
            }
        }
        out
    }
}
