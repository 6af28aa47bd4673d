//! Findings that are alternatives for the same cost form one group, and a
//! headline counts each group once.
//!
//! The ways to change an instance (stop it, resize it, move its family,
//! run it on spot) act on the same compute cost, so those findings on one
//! instance are one group, and the one with the largest saving is chosen.
//! A commitment is not one of them: it is sized on what the chosen change
//! leaves (a Compute Savings Plan covers any family and size, but neither
//! a stopped instance nor spot), so it adds to the change instead of
//! repeating it, and it is a group of its own, as is every other finding.

use std::collections::{BTreeMap, BTreeSet};

use super::checks::Draft;
use super::{Confidence, Finding, FindingKind};

/// The kinds that change an instance, each excluding the others.
const INSTANCE_CHANGES: &[FindingKind] = &[
    FindingKind::IdleInstance,
    FindingKind::Rightsize,
    FindingKind::PreviousGeneration,
    FindingKind::Graviton,
    FindingKind::SpotCandidate,
];

/// The group a finding belongs to: the instance for the instance changes,
/// else the finding itself.
pub(super) fn group_of(
    kind: FindingKind,
    provider: &str,
    account: &str,
    resource_id: &str,
    id: &str,
) -> String {
    if INSTANCE_CHANGES.contains(&kind) {
        let key = format!("instance|{provider}|{account}|{resource_id}");
        blake3::hash(key.as_bytes()).to_hex()[..12].to_string()
    } else {
        id.to_string()
    }
}

/// The change chosen for an instance, and the share of its cost that is
/// left for a commitment to cover once it is made: none after a stop or a
/// move to spot (neither is covered by a commitment), the cost minus the
/// saving after a resize or a family move.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChosenChange {
    pub kind: FindingKind,
    pub remaining: f64,
}

/// Chooses each instance's change by saving (ties: the higher
/// confidence), by resource id.
pub(super) fn chosen_changes<'a>(drafts: &[Draft<'a>]) -> BTreeMap<&'a str, ChosenChange> {
    let mut best: BTreeMap<&'a str, (f64, Confidence, ChosenChange)> = BTreeMap::new();
    for d in drafts.iter().filter(|d| INSTANCE_CHANGES.contains(&d.kind)) {
        let remaining = match d.kind {
            FindingKind::IdleInstance | FindingKind::SpotCandidate => 0.0,
            _ if d.cost > 0.0 => (1.0 - d.savings / d.cost).clamp(0.0, 1.0),
            _ => 0.0,
        };
        let better =
            best.get(d.usage.resource_id.as_str())
                .is_none_or(|(savings, confidence, _)| {
                    (d.savings, d.confidence) > (*savings, *confidence)
                });
        if better {
            best.insert(
                d.usage.resource_id.as_str(),
                (
                    d.savings,
                    d.confidence,
                    ChosenChange {
                        kind: d.kind,
                        remaining,
                    },
                ),
            );
        }
    }
    best.into_iter().map(|(id, (_, _, c))| (id, c)).collect()
}

/// Marks the one finding each group counts: its largest saving (ties: the
/// higher confidence).
pub(super) fn mark_counted(findings: &mut [Finding]) {
    let counted: BTreeSet<String> = counted_in(findings.iter())
        .into_iter()
        .map(str::to_string)
        .collect();
    for f in findings.iter_mut() {
        f.counted = counted.contains(f.id.as_str());
    }
}

/// The ids of the findings a set of findings counts, one per group.
fn counted_in<'a>(findings: impl Iterator<Item = &'a Finding>) -> BTreeSet<&'a str> {
    let mut chosen: BTreeMap<&str, &Finding> = BTreeMap::new();
    for f in findings {
        let better = chosen.get(f.group.as_str()).is_none_or(|c| {
            (f.estimated_monthly_savings, f.confidence)
                > (c.estimated_monthly_savings, c.confidence)
        });
        if better {
            chosen.insert(f.group.as_str(), f);
        }
    }
    chosen.into_values().map(|f| f.id.as_str()).collect()
}

/// The potential savings per month of a set of findings (say, the ones a
/// filter keeps, or the ones not dismissed), per currency: each group of
/// alternatives counted once, by the same rule as `counted`.
pub fn potential_savings<'a>(
    findings: impl IntoIterator<Item = &'a Finding>,
) -> BTreeMap<String, f64> {
    let findings: Vec<&Finding> = findings.into_iter().collect();
    let counted = counted_in(findings.iter().copied());
    let mut totals = BTreeMap::new();
    for f in findings.iter().filter(|f| counted.contains(f.id.as_str())) {
        *totals.entry(f.currency.clone()).or_insert(0.0) += f.estimated_monthly_savings;
    }
    totals
}
