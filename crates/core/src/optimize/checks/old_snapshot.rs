//! Snapshots still billed long after they were taken.

use super::{Check, Draft, Inputs};
use crate::optimize::{Confidence, FindingKind};

pub struct OldSnapshot;

impl Check for OldSnapshot {
    fn run<'a>(&self, inputs: &Inputs<'a>) -> Vec<Draft<'a>> {
        let (settings, window) = (inputs.settings, inputs.window);
        let mut out = Vec::new();
        for u in inputs.records {
            if !u.usage_type.contains("SnapshotUsage") {
                continue;
            }
            if let Some(first) = u.first_seen {
                let age = (window.last - first).num_days();
                if age > settings.snapshot_age_days {
                    out.push(Draft {
                        action: format!("Delete snapshot {} unless a retention policy needs it", u.resource_id),
                        rule: format!("snapshot first billed more than {} days before the end of the data, still billed", settings.snapshot_age_days),
                        figures: format!("first seen {first} ({age} days), {:.2} {} in the window", u.cost, u.currency),
                        ..Draft::of(FindingKind::OldSnapshot, u, u.cost, Confidence::Medium)
                    });
                }
            }
        }
        out
    }
}
