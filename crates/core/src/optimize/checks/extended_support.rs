//! Extended-support charges for engine or Kubernetes versions past
//! standard support.

use super::{Check, Draft, Inputs};
use crate::optimize::{Confidence, FindingKind};

pub struct ExtendedSupport;

impl Check for ExtendedSupport {
    fn run<'a>(&self, inputs: &Inputs<'a>) -> Vec<Draft<'a>> {
        let mut out = Vec::new();
        for u in inputs.records {
            let ut = u.usage_type.as_str();
            if ut.contains("ExtendedSupport") {
                out.push(Draft {
                    action: format!("Upgrade {} to a version in standard support to stop extended-support charges", u.resource_id),
                    rule: format!("usage type {ut} (charged for engine or Kubernetes versions past standard support)"),
                    figures: format!("{:.2} {} of extended-support charges", u.cost, u.currency),
                    ..Draft::of(FindingKind::ExtendedSupport, u, u.cost, Confidence::High)
                });
            }
        }
        out
    }
}
