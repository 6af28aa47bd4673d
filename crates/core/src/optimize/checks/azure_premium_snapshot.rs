//! Azure snapshots on Premium SSD snapshot storage, which Standard HDD
//! (incremental) snapshot storage keeps for less.

use super::{Check, Draft, Inputs};
use crate::optimize::{Confidence, FindingKind};

/// Azure snapshot list prices per GB-month (LRS): Premium SSD against
/// Standard HDD, and the saving of moving from one to the other.
const PREMIUM_SNAPSHOT_GB_MONTH: f64 = 0.12;
const STANDARD_SNAPSHOT_GB_MONTH: f64 = 0.05;
const PREMIUM_SNAPSHOT_SAVING: f64 = 1.0 - STANDARD_SNAPSHOT_GB_MONTH / PREMIUM_SNAPSHOT_GB_MONTH;

pub struct AzurePremiumSnapshot;

impl Check for AzurePremiumSnapshot {
    fn run<'a>(&self, inputs: &Inputs<'a>) -> Vec<Draft<'a>> {
        let mut out = Vec::new();
        for u in inputs.records {
            let meter = u.meter.to_lowercase();
            if u.provider == "Microsoft" && meter.contains("snapshot") && meter.contains("premium")
            {
                out.push(Draft {
                    action: format!("Keep snapshot {} on Standard HDD snapshot storage (incremental)", u.resource_id),
                    rule: "snapshot billed on a Premium SSD snapshot meter".into(),
                    figures: format!(
                        "meter {}; {:.2} {} in the window; Standard snapshots ${}/GB-month vs Premium ${}/GB-month (list)",
                        u.meter, u.cost, u.currency, STANDARD_SNAPSHOT_GB_MONTH, PREMIUM_SNAPSHOT_GB_MONTH
                    ),
                    ..Draft::of(FindingKind::AzurePremiumSnapshot, u, u.cost * PREMIUM_SNAPSHOT_SAVING, Confidence::Medium)
                });
            }
        }
        out
    }
}
