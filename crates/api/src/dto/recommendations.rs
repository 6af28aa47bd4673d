//! Recommendations with their evidence, as the Recommendations view shows them.

use serde::Serialize;
use ts_rs::TS;

pub use burnrate_core::optimize::Evidence;

#[derive(Debug, Clone, Serialize, TS)]
pub struct Recommendation {
    pub id: String,
    pub kind: String,
    pub provider: String,
    pub account: String,
    pub region: String,
    pub service: String,
    pub resource_id: String,
    /// Effective cost of what the finding is about, per month.
    pub monthly_cost: f64,
    pub estimated_monthly_savings: f64,
    /// high, medium or low.
    pub confidence: String,
    pub action: String,
    pub currency: String,
    pub evidence: Evidence,
    pub dismissed: bool,
}

impl Recommendation {
    pub fn from_finding(f: &burnrate_core::optimize::Finding, dismissed: bool) -> Recommendation {
        Recommendation {
            id: f.id.clone(),
            kind: f.kind.to_string(),
            provider: f.provider.clone(),
            account: f.account.clone(),
            region: f.region.clone(),
            service: f.service.clone(),
            resource_id: f.resource_id.clone(),
            monthly_cost: f.monthly_cost,
            estimated_monthly_savings: f.estimated_monthly_savings,
            confidence: f.confidence.label().to_string(),
            action: f.action.clone(),
            currency: f.currency.clone(),
            evidence: f.evidence.clone(),
            dismissed,
        }
    }
}
