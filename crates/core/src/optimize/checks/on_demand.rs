//! On-demand compute by running time: always on -> a commitment; short
//! lived -> spot. (An instance that another finding resizes or moves gives
//! way to that finding: see `optimize::SUPERSEDED_BY`.)

use super::{Check, Draft, Inputs};
use crate::optimize::usage::{azure_resource_type, is_box_usage};
use crate::optimize::{Confidence, FindingKind};

/// Spot: compute running less than this share of the window's hours, and
/// the discount assumed (spot prices are typically 60-90% below on demand).
const SPOT_MAX_SHARE: f64 = 0.25;
const SPOT_SAVING: f64 = 0.6;

pub struct OnDemand;

impl Check for OnDemand {
    fn run<'a>(&self, inputs: &Inputs<'a>) -> Vec<Draft<'a>> {
        let (settings, window) = (inputs.settings, inputs.window);
        let window_hours = window.days() * 24.0;
        let mut out = Vec::new();
        for u in inputs.records {
            let is_vm = is_box_usage(u)
                || (azure_resource_type(u) == "microsoft.compute/virtualmachines"
                    && u.meter.to_lowercase().starts_with("virtual machines /"));
            if !is_vm || u.pricing_category != "Standard" {
                continue;
            }
            let share = u.quantity / window_hours;
            let new_in_window = u.first_seen.is_some_and(|d| d >= window.first);
            if share >= settings.always_on_share {
                out.push(Draft {
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
                    ..Draft::of(FindingKind::CommitmentCandidate, u, u.cost * settings.savings_plan_discount, Confidence::Medium)
                });
            } else if share < SPOT_MAX_SHARE && new_in_window {
                out.push(Draft {
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
                    ..Draft::of(FindingKind::SpotCandidate, u, u.cost * SPOT_SAVING, Confidence::Low)
                });
            }
        }
        out
    }
}
