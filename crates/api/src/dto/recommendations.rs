//! Recommendations as the Recommendations view shows them: the engine's
//! finding with whether the user dismissed it.

use serde::Serialize;
use ts_rs::TS;

pub use burnrate_core::optimize::savings_plan::SavingsPlanRecommendation;
pub use burnrate_core::optimize::{Confidence, Evidence, Finding, FindingKind};

use crate::dto::Table;

#[derive(Debug, Clone, Serialize, TS)]
pub struct Recommendation {
    #[serde(flatten)]
    #[ts(flatten)]
    pub finding: Finding,
    pub dismissed: bool,
}

/// The Commitments view: how the commitments owned are used, how much of the
/// eligible spend they cover, and the Savings Plan to buy with its split
/// over instances (the AWS `commitment_candidate` findings, whose savings
/// add up to the plan's).
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct Commitments {
    /// Per commitment: used and unused effective cost, utilization %.
    pub utilization: Table,
    /// Per service: covered and eligible on-demand-equivalent cost, coverage %.
    pub coverage: Table,
    pub savings_plan: Option<SavingsPlanRecommendation>,
    /// The plan's share per instance.
    pub shares: Vec<Finding>,
}
