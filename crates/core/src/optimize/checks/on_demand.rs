//! On-demand compute by running time: always on -> a commitment; short
//! lived -> spot. (An instance that another finding resizes or moves gives
//! way to that finding: see `optimize::SUPERSEDED_BY`.) A commitment covers
//! what an instance's chosen change leaves ([`after_change`]). This check
//! drafts commitments for Azure VMs; on AWS the commitment findings are the
//! instances' shares of one Savings Plan ([`plan_shares`]).

use std::collections::BTreeMap;

use super::{Check, Draft, Inputs};
use crate::optimize::alternatives::ChosenChange;
use crate::optimize::savings_plan::{HourlySpend, SavingsPlanRecommendation, Share};
use crate::optimize::usage::{Usage, azure_resource_type, is_box_usage};
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
                if u.provider == "AWS" {
                    // AWS commitments are shares of one Savings Plan
                    // instead (`plan_shares`), part-time instances too.
                    continue;
                }
                out.push(Draft {
                    action: format!(
                        "Cover {} with a reservation or savings plan (it runs all the time on demand)",
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

/// What the kind of change is called in an action.
fn change_label(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::Rightsize => "resize",
        FindingKind::PreviousGeneration => "move to a current generation",
        FindingKind::Graviton => "move to Graviton",
        FindingKind::IdleInstance => "stop",
        _ => "move to spot",
    }
}

/// A commitment draft for an instance with a chosen change: it saves on
/// what the change leaves, so the two add up.
pub(crate) fn after_change(draft: &mut Draft, change: &ChosenChange) {
    draft.savings *= change.remaining;
    draft.action = after_the(change, &draft.action);
    draft.figures = format!(
        "{}; after the {} {:.0}% of that is left to cover",
        draft.figures,
        change_label(change.kind),
        change.remaining * 100.0
    );
}

/// "After the resize, cover ..." for an action that follows a change.
fn after_the(change: &ChosenChange, action: &str) -> String {
    let mut chars = action.chars();
    let action: String = match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    };
    format!("After the {}, {action}", change_label(change.kind))
}

/// The AWS commitment findings: each covered instance's share of the
/// recommended Savings Plan, in window figures (so they add up to the
/// plan's net saving).
pub(crate) fn plan_shares<'a>(
    records: &'a [Usage],
    plan: &SavingsPlanRecommendation,
    shares: &[Share],
    hourly: &HourlySpend,
    changes: &BTreeMap<&str, ChosenChange>,
) -> Vec<Draft<'a>> {
    // Each instance's on-demand compute record (the largest, should its
    // type have changed in the window) carries its account and lines.
    let mut record_of: BTreeMap<&str, &'a Usage> = BTreeMap::new();
    for u in records
        .iter()
        .filter(|u| u.provider == "AWS" && u.pricing_category == "Standard" && is_box_usage(u))
    {
        let largest = record_of.entry(u.resource_id.as_str()).or_insert(u);
        if u.cost > largest.cost {
            *largest = u;
        }
    }
    let instances = shares.len();
    let mut out = Vec::new();
    for share in shares {
        let Some(usage) = record_of.get(share.resource_id.as_str()).copied() else {
            continue;
        };
        let spend = &hourly.by_resource[&share.resource_id];
        let on_demand: f64 = spend.iter().sum();
        let running = spend.iter().filter(|s| **s > 0.0).count();
        let currency = &plan.currency;
        let mut action = format!(
            "Cover {} with the recommended Compute Savings Plan ({:.2} {currency}/hour, 1 year, no upfront)",
            share.resource_id, plan.hourly_commitment
        );
        let mut after = String::new();
        if let Some(change) = changes.get(share.resource_id.as_str()) {
            action = after_the(change, &action);
            after = format!(
                "; after the {} it would cost {:.2}",
                change_label(change.kind),
                on_demand * change.remaining
            );
        }
        out.push(Draft {
            cost: on_demand,
            action,
            rule: format!(
                "this instance's share of one Savings Plan sized on the window's hourly on-demand EC2 spend \
                 as it will be after each instance's chosen change, split by the on-demand spend it absorbs; \
                 assumed {:.0}% discount",
                plan.assumed_discount * 100.0
            ),
            figures: format!(
                "{running} of {} hours on demand in the window, {on_demand:.2} {currency}{after}; the plan absorbs {:.2} \
                 of it and nets {:.2} for it in the window (the plan nets {:.2} {currency} a month over {instances} instances)",
                hourly.hours, share.on_demand_covered, share.net_savings, plan.monthly_net_savings
            ),
            ..Draft::of(
                FindingKind::CommitmentCandidate,
                usage,
                share.net_savings,
                Confidence::Medium,
            )
        });
    }
    out
}
