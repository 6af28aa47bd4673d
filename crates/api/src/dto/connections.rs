//! Saved cloud connections as the app's form has them, and a pull's result.

use serde::Serialize;
use ts_rs::TS;

use super::*;

/// A saved cloud connection (no secrets: credentials come from each
/// provider's chain). Which fields apply depends on `kind`.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, TS)]
pub struct ConnectionForm {
    pub name: String,
    /// aws-ce, aws-cur, azure-query or azure-export.
    pub kind: String,
    /// aws-ce: the payer account.
    pub billing_account: Option<String>,
    /// aws-ce, azure-query: whole months back (default 2).
    pub months: Option<u32>,
    /// aws-ce: account or tag:KEY; azure-query: one or two groupings.
    pub group_by: Option<String>,
    /// aws-cur: s3://bucket/prefix; azure-export: the container URL and path.
    pub url: Option<String>,
    /// aws-cur: the bucket's region.
    pub region: Option<String>,
    /// aws-ce, aws-cur: a shared-config profile name.
    pub profile: Option<String>,
    /// A compatible or local endpoint.
    pub endpoint_url: Option<String>,
    /// azure-query: the Cost Management scope.
    pub scope: Option<String>,
    /// azure-query: actual, amortized or both.
    pub cost_type: Option<String>,
}

/// What a pull did: its log, and the error that stopped it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PullResult {
    pub connection: String,
    pub ok: bool,
    pub log: Vec<String>,
    pub error: Option<ApiError>,
}
