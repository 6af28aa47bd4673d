//! Recommendations as the Recommendations view shows them: the engine's
//! finding with whether the user dismissed it.

use serde::Serialize;
use ts_rs::TS;

pub use burnrate_core::optimize::{Confidence, Evidence, Finding, FindingKind};

#[derive(Debug, Clone, Serialize, TS)]
pub struct Recommendation {
    #[serde(flatten)]
    #[ts(flatten)]
    pub finding: Finding,
    pub dismissed: bool,
}
