//! Optimization findings from billing data alone: what to change and what it
//! is worth, with the billing lines that prove it.
//!
//! One pass over the dataset aggregates every (resource, usage type) over
//! the window (the last `window_days` days of data) and over all history
//! (first seen) into [`usage`] records; each check in [`checks`] then runs
//! on those small records, and [`SUPERSEDED_BY`] drops findings that give
//! way to another on the same resource. The findings left on one instance
//! are alternatives ([`alternatives`]): one is chosen and counted; a
//! commitment covers what the chosen change leaves, and the AWS commitment
//! findings are the shares of one Savings Plan ([`savings_plan`]). Costs are effective (amortized)
//! cost; a monthly figure is the window's cost scaled to 30.44 days. Every
//! check, its rule, default threshold and how its saving is computed is
//! listed in the README ("Recommendations").

pub mod alternatives;
pub mod catalog;
pub mod checks;
pub mod metrics;
pub mod savings_plan;
pub mod usage;

use std::collections::{BTreeSet, HashMap};

use chrono::Duration;
use polars::prelude::*;
use serde::Serialize;

use crate::config::OptimizeSettings;
use crate::error::{Error, Result};
use crate::frame::{column_of, text_at};
pub use alternatives::potential_savings;
use checks::{CHECKS, Draft, Inputs};
use savings_plan::{HourlySpend, SavingsPlanRecommendation};
pub use usage::{Usage, Window, usage_records};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn label(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// Why a finding was made.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Evidence {
    /// The rule that fired, with its threshold.
    pub rule: String,
    /// The days looked at, `FROM..TO` (inclusive).
    pub window: String,
    /// The figures the rule compared.
    pub figures: String,
    /// Billing lines, `file:row` (a few per usage type).
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Finding {
    /// Stable across runs: a hash of kind, provider, account and resource.
    pub id: String,
    pub kind: FindingKind,
    pub provider: String,
    pub account: String,
    /// The account's name, where the data or the `[accounts]` config has
    /// one (see [`label`]).
    pub account_name: Option<String>,
    /// Who owns the resource: its value of the `team` allocation key (the
    /// tag `team` unless the config file defines the key, e.g. from an
    /// account map); the value carrying most of its cost.
    pub owner: Option<String>,
    pub region: String,
    pub service: String,
    pub resource_id: String,
    /// Effective cost of the resource (the usage the finding is about), per month.
    pub monthly_cost: f64,
    pub estimated_monthly_savings: f64,
    pub confidence: Confidence,
    pub action: String,
    pub currency: String,
    pub evidence: Evidence,
    /// Findings that are alternatives for the same cost (the ways to change
    /// or commit to one instance) share a group; any other finding is a
    /// group of its own.
    pub group: String,
    /// Whether the potential savings count this finding: one per group.
    pub counted: bool,
}

/// What a finding proposes. The names are stable: `--kind`, CSV and JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    CommitmentCandidate,
    SpotCandidate,
    AzurePremiumSnapshot,
    IdleInstance,
    Rightsize,
    IdleIp,
    IdleNatGateway,
    IdleLoadBalancer,
    Gp2ToGp3,
    Io1ToGp3,
    PreviousGeneration,
    Graviton,
    OldSnapshot,
    ExtendedSupport,
    OrphanedAzureResource,
}

impl FindingKind {
    /// Every kind, in the order the docs list them.
    pub const ALL: [FindingKind; 15] = [
        FindingKind::CommitmentCandidate,
        FindingKind::SpotCandidate,
        FindingKind::AzurePremiumSnapshot,
        FindingKind::IdleInstance,
        FindingKind::Rightsize,
        FindingKind::IdleIp,
        FindingKind::IdleNatGateway,
        FindingKind::IdleLoadBalancer,
        FindingKind::Gp2ToGp3,
        FindingKind::Io1ToGp3,
        FindingKind::PreviousGeneration,
        FindingKind::Graviton,
        FindingKind::OldSnapshot,
        FindingKind::ExtendedSupport,
        FindingKind::OrphanedAzureResource,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FindingKind::CommitmentCandidate => "commitment_candidate",
            FindingKind::SpotCandidate => "spot_candidate",
            FindingKind::AzurePremiumSnapshot => "azure_premium_snapshot",
            FindingKind::IdleInstance => "idle_instance",
            FindingKind::Rightsize => "rightsize",
            FindingKind::IdleIp => "idle_ip",
            FindingKind::IdleNatGateway => "idle_nat_gateway",
            FindingKind::IdleLoadBalancer => "idle_load_balancer",
            FindingKind::Gp2ToGp3 => "gp2_to_gp3",
            FindingKind::Io1ToGp3 => "io1_to_gp3",
            FindingKind::PreviousGeneration => "previous_generation",
            FindingKind::Graviton => "graviton",
            FindingKind::OldSnapshot => "old_snapshot",
            FindingKind::ExtendedSupport => "extended_support",
            FindingKind::OrphanedAzureResource => "orphaned_azure_resource",
        }
    }

    pub fn parse(text: &str) -> Option<FindingKind> {
        FindingKind::ALL.into_iter().find(|k| k.name() == text)
    }
}

impl std::fmt::Display for FindingKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl PartialEq<&str> for FindingKind {
    fn eq(&self, other: &&str) -> bool {
        self.name() == *other
    }
}

/// Findings that give way to another finding on the same resource (account
/// and resource id): measured utilization beats a family change at the same
/// size; a previous-generation move beats the ARM one; and an instance that
/// is resized or moved is not one to move to spot. (A commitment is sized
/// on what the change leaves: `alternatives`.)
pub const SUPERSEDED_BY: &[(FindingKind, &[FindingKind])] = &[
    (
        FindingKind::PreviousGeneration,
        &[FindingKind::IdleInstance, FindingKind::Rightsize],
    ),
    (
        FindingKind::Graviton,
        &[
            FindingKind::IdleInstance,
            FindingKind::Rightsize,
            FindingKind::PreviousGeneration,
        ],
    ),
    (
        FindingKind::SpotCandidate,
        &[
            FindingKind::IdleInstance,
            FindingKind::Rightsize,
            FindingKind::PreviousGeneration,
        ],
    ),
];

/// Drops the drafts that [`SUPERSEDED_BY`] says give way. Rules apply in
/// order, so a draft dropped by one rule does not drop another.
fn drop_superseded<'a>(mut drafts: Vec<Draft<'a>>) -> Vec<Draft<'a>> {
    for (kind, by) in SUPERSEDED_BY {
        let resource = |d: &Draft<'a>| -> (&'a str, &'a str) {
            let usage: &'a Usage = d.usage;
            (usage.account.as_str(), usage.resource_id.as_str())
        };
        let taken: BTreeSet<(&str, &str)> = drafts
            .iter()
            .filter(|d| by.contains(&d.kind))
            .map(resource)
            .collect();
        drafts.retain(|d| d.kind != *kind || !taken.contains(&resource(d)));
    }
    drafts
}

/// What the recommendations are: the findings, ranked by saving, and the
/// Savings Plan the AWS commitment findings are shares of.
#[derive(Debug, Clone)]
pub struct Recommendations {
    pub findings: Vec<Finding>,
    pub window: Window,
    pub savings_plan: Option<SavingsPlanRecommendation>,
}

/// Runs every check over the usage records (and the utilization metrics,
/// for rightsizing), drops superseded findings, chooses among the
/// alternatives on each instance, sizes the Savings Plan on the hourly
/// on-demand spend of the instances to commit to and splits it over them,
/// and ranks the findings by saving.
pub fn findings(
    records: &[Usage],
    window: &Window,
    settings: &OptimizeSettings,
    utilization: &[metrics::Utilization],
    hourly: &HourlySpend,
) -> (Vec<Finding>, Option<SavingsPlanRecommendation>) {
    let inputs = Inputs::new(records, window, settings, utilization);
    let drafts: Vec<Draft> = CHECKS.iter().flat_map(|c| c.run(&inputs)).collect();
    let mut drafts = drop_superseded(drafts);
    let changes = alternatives::chosen_changes(&drafts);
    // The checks draft commitments for Azure VMs only; they cover what
    // the instance's change leaves. AWS commitments are the plan's shares.
    for d in drafts
        .iter_mut()
        .filter(|d| d.kind == FindingKind::CommitmentCandidate)
    {
        if let Some(change) = changes.get(d.usage.resource_id.as_str()) {
            checks::on_demand::after_change(d, change);
        }
    }
    drafts.retain(|d| d.kind != FindingKind::CommitmentCandidate || d.savings > 0.0);
    let plan = savings_plan::size(hourly, settings.savings_plan_discount, &changes);
    if let Some((plan, shares)) = &plan {
        drafts.extend(checks::on_demand::plan_shares(
            records, plan, shares, hourly, &changes,
        ));
    }
    let mut findings: Vec<Finding> = drafts.into_iter().map(|d| d.finish(window)).collect();
    alternatives::mark_counted(&mut findings);
    findings.sort_by(|a, b| {
        b.estimated_monthly_savings
            .total_cmp(&a.estimated_monthly_savings)
            .then_with(|| a.id.cmp(&b.id))
    });
    (findings, plan.map(|(plan, _)| plan))
}

/// All findings for the dataset; `data_dir` holds the imported metrics.
pub fn recommend(
    frame: LazyFrame,
    settings: &OptimizeSettings,
    data_dir: Option<&std::path::Path>,
) -> Result<Recommendations> {
    let (records, window) = usage_records(frame.clone(), settings)?;
    let utilization = match data_dir {
        Some(dir) => metrics::utilization(
            dir,
            window.first.and_hms_opt(0, 0, 0).expect("midnight"),
            (window.last + Duration::days(1))
                .and_hms_opt(0, 0, 0)
                .expect("midnight"),
        )?,
        None => Vec::new(),
    };
    let hourly = savings_plan::hourly_on_demand(frame, &window)?;
    let (findings, savings_plan) = findings(&records, &window, settings, &utilization, &hourly);
    Ok(Recommendations {
        findings,
        window,
        savings_plan,
    })
}

/// The allocation key that names a resource's owner.
pub const OWNER_KEY: &str = "team";

/// Gives each finding its account's name and its resource's owner, read
/// from the billing view the findings came from.
pub fn label(
    frame: LazyFrame,
    config: &crate::config::Config,
    findings: &mut [Finding],
) -> Result<()> {
    let names = crate::query::accounts::AccountNames::of(frame.clone(), config)?;
    let owners = owners(frame, findings)?;
    for finding in findings {
        finding.account_name = names.name(&finding.account).map(str::to_string);
        finding.owner = owners.get(&finding.resource_id).cloned();
    }
    Ok(())
}

/// Resource id -> the owner value with the most effective cost, for the
/// findings' resources only.
fn owners(frame: LazyFrame, findings: &[Finding]) -> Result<HashMap<String, String>> {
    let owner = format!(
        "{}{OWNER_KEY}",
        crate::query::rules::ALLOCATION_COLUMN_PREFIX
    );
    let mut ids: Vec<String> = findings
        .iter()
        .map(|f| f.resource_id.clone())
        .filter(|id| !id.is_empty())
        .collect();
    ids.sort();
    ids.dedup();
    let has_owner = frame
        .clone()
        .collect_schema()
        .is_ok_and(|schema| schema.contains(&owner));
    if ids.is_empty() || !has_owner {
        return Ok(HashMap::new());
    }
    let wanted = Series::new("ids".into(), ids);
    let df = frame
        .filter(
            col("ResourceId")
                .is_in(lit(wanted).implode(false), false)
                .and(col(&owner).is_not_null()),
        )
        .group_by([col("ResourceId"), col(&owner).alias("owner")])
        .agg([col("EffectiveCost").sum().alias("cost")])
        .sort_by_exprs(
            [col("cost"), col("owner")],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .collect_with_engine(Engine::Streaming)
        .map(|r| r.unwrap_single())
        .map_err(|e| Error::polars("finding the owners of resources", e))?;
    let mut owners = HashMap::new();
    for row in 0..df.height() {
        owners
            .entry(text_at(&df, "ResourceId", row))
            .or_insert_with(|| text_at(&df, "owner", row));
    }
    Ok(owners)
}

pub fn findings_frame(findings: &[Finding]) -> Result<DataFrame> {
    let text = |f: fn(&Finding) -> String| findings.iter().map(f).collect::<Vec<_>>();
    DataFrame::new_infer_height(vec![
        Column::new("id".into(), text(|f| f.id.clone())),
        Column::new("kind".into(), text(|f| f.kind.name().to_string())),
        Column::new("provider".into(), text(|f| f.provider.clone())),
        Column::new("account".into(), text(|f| f.account.clone())),
        Column::new("region".into(), text(|f| f.region.clone())),
        Column::new("service".into(), text(|f| f.service.clone())),
        Column::new("resource_id".into(), text(|f| f.resource_id.clone())),
        column_of("monthly_cost", findings, |f| f.monthly_cost),
        column_of("estimated_monthly_savings", findings, |f| {
            f.estimated_monthly_savings
        }),
        Column::new(
            "confidence".into(),
            text(|f| f.confidence.label().to_string()),
        ),
        Column::new("action".into(), text(|f| f.action.clone())),
        Column::new("currency".into(), text(|f| f.currency.clone())),
        Column::new("rule".into(), text(|f| f.evidence.rule.clone())),
        Column::new("window".into(), text(|f| f.evidence.window.clone())),
        Column::new("figures".into(), text(|f| f.evidence.figures.clone())),
        Column::new("sources".into(), text(|f| f.evidence.sources.join(" "))),
        Column::new(
            "counted".into(),
            findings.iter().map(|f| f.counted).collect::<Vec<_>>(),
        ),
        Column::new("group".into(), text(|f| f.group.clone())),
        Column::new(
            "account_name".into(),
            text(|f| f.account_name.clone().unwrap_or_default()),
        ),
        Column::new(
            "owner".into(),
            text(|f| f.owner.clone().unwrap_or_default()),
        ),
    ])
    .map_err(|e| Error::polars("building the findings table", e))
}

#[cfg(test)]
mod tests;
