//! The optimization checks: one file per rule, each implementing [`Check`].
//!
//! A check reads the usage records and drafts findings; it never looks at
//! what other checks found. Where two findings on one resource are
//! alternatives (rightsizing or a family change), `optimize::SUPERSEDED_BY`
//! drops the one that gives way, after all checks ran, and
//! `optimize::alternatives` chooses among the changes left on one instance. Adding a check: a new file
//! here, its kind in `FindingKind`, and one line in [`CHECKS`].

mod azure_premium_snapshot;
mod extended_support;
mod family_change;
mod gp2_to_gp3;
mod idle_ip;
mod idle_load_balancer;
mod idle_nat_gateway;
mod io1_to_gp3;
mod old_snapshot;
pub(super) mod on_demand;
mod orphaned_azure_resource;
mod rightsizing;

use std::collections::BTreeMap;

use super::catalog::CatalogEntry;
use super::metrics::Utilization;
use super::usage::{Usage, Window};
use super::{Confidence, Evidence, Finding, FindingKind};
use crate::config::OptimizeSettings;

/// Every check, in no particular order (findings are ranked afterwards).
pub const CHECKS: &[&dyn Check] = &[
    &idle_ip::IdleIp,
    &gp2_to_gp3::Gp2ToGp3,
    &old_snapshot::OldSnapshot,
    &extended_support::ExtendedSupport,
    &rightsizing::Rightsizing,
    &family_change::FamilyChange,
    &idle_nat_gateway::IdleNatGateway,
    &io1_to_gp3::Io1ToGp3,
    &idle_load_balancer::IdleLoadBalancer,
    &orphaned_azure_resource::OrphanedAzureResource,
    &azure_premium_snapshot::AzurePremiumSnapshot,
    &on_demand::OnDemand,
];

/// One rule over the usage records.
pub trait Check: Sync {
    fn run<'a>(&self, inputs: &Inputs<'a>) -> Vec<Draft<'a>>;
}

/// What every check reads.
pub struct Inputs<'a> {
    pub records: &'a [Usage],
    /// Each resource's usage types, by (provider, account, resource id).
    pub by_resource: BTreeMap<(&'a str, &'a str, &'a str), Vec<&'a Usage>>,
    pub window: &'a Window,
    pub settings: &'a OptimizeSettings,
    /// Measured utilization by resource id (rightsizing).
    pub utilization: BTreeMap<&'a str, &'a Utilization>,
    pub catalog: BTreeMap<String, CatalogEntry>,
}

impl<'a> Inputs<'a> {
    pub fn new(
        records: &'a [Usage],
        window: &'a Window,
        settings: &'a OptimizeSettings,
        utilization: &'a [Utilization],
    ) -> Self {
        let mut by_resource: BTreeMap<(&str, &str, &str), Vec<&Usage>> = BTreeMap::new();
        for u in records {
            by_resource
                .entry((
                    u.provider.as_str(),
                    u.account.as_str(),
                    u.resource_id.as_str(),
                ))
                .or_default()
                .push(u);
        }
        Inputs {
            records,
            by_resource,
            window,
            settings,
            utilization: utilization
                .iter()
                .map(|u| (u.resource_id.as_str(), u))
                .collect(),
            catalog: super::catalog::catalog(),
        }
    }
}

/// A finding in window figures, before it is scaled to a month.
pub struct Draft<'a> {
    pub kind: FindingKind,
    /// The usage the finding is about (its resource, account, currency).
    pub usage: &'a Usage,
    pub cost: f64,
    pub savings: f64,
    pub confidence: Confidence,
    pub action: String,
    pub rule: String,
    pub figures: String,
    pub sources: Vec<String>,
}

impl<'a> Draft<'a> {
    /// A finding about one usage whose whole cost is the finding's cost,
    /// with that usage's billing lines as evidence; the caller adds the
    /// action, rule and figures.
    pub fn of(kind: FindingKind, usage: &'a Usage, savings: f64, confidence: Confidence) -> Self {
        Draft {
            kind,
            usage,
            cost: usage.cost,
            savings,
            confidence,
            action: String::new(),
            rule: String::new(),
            figures: String::new(),
            sources: usage.sources.clone(),
        }
    }

    pub fn finish(self, window: &Window) -> Finding {
        let id = finding_id(self.kind.name(), self.usage);
        let u = self.usage;
        Finding {
            group: super::alternatives::group_of(
                self.kind,
                &u.provider,
                &u.account,
                &u.resource_id,
                &id,
            ),
            counted: false,
            id,
            kind: self.kind,
            provider: self.usage.provider.clone(),
            account: self.usage.account.clone(),
            account_name: None,
            owner: None,
            region: self.usage.region.clone(),
            service: self.usage.service.clone(),
            resource_id: self.usage.resource_id.clone(),
            monthly_cost: window.monthly(self.cost),
            estimated_monthly_savings: window.monthly(self.savings),
            confidence: self.confidence,
            action: self.action,
            currency: self.usage.currency.clone(),
            evidence: Evidence {
                rule: self.rule,
                window: window.label(),
                figures: self.figures,
                sources: self.sources,
            },
        }
    }
}

/// Stable across runs: a hash of kind, provider, account and resource.
pub(super) fn finding_id(kind: &str, u: &Usage) -> String {
    let key = format!("{kind}|{}|{}|{}", u.provider, u.account, u.resource_id);
    blake3::hash(key.as_bytes()).to_hex()[..12].to_string()
}
