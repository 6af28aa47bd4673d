//! Thresholds and windows of the optimization checks (`[optimize]`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct OptimizeSettings {
    /// Days of data (ending at the last day in the dataset) a check looks at.
    pub window_days: u32,
    /// A NAT gateway processing at most this many GB in the window is idle.
    pub nat_idle_gb: f64,
    /// Snapshots first billed more than this many days before the end of
    /// the data are old.
    pub snapshot_age_days: i64,
    /// gp3 is this much cheaper than gp2 per GB-month.
    pub gp3_discount: f64,
    /// Suggest ARM (Graviton) equivalents of x86 instances (low confidence).
    pub graviton: bool,
    /// Rightsizing: an instance averaging less CPU than this (percent)...
    pub idle_cpu_avg: f64,
    /// ...and moving less than this many MB a day (in + out) is idle.
    pub idle_network_mb_per_day: f64,
    /// An instance whose CPU p95 and max stay under these is oversized.
    pub oversized_cpu_p95: f64,
    pub oversized_cpu_max: f64,
    /// ...unless its memory p95 is above this (one size down halves memory).
    pub oversized_memory_p95: f64,
    /// Fewer days of metrics than this: no rightsizing finding.
    pub min_metric_days: f64,
    /// Discount a 1-year no-upfront Compute Savings Plan gives on on-demand
    /// compute (AWS quotes up to 66% for 3-year all-upfront; ~28% is typical
    /// for 1-year no-upfront): used for commitment candidates and the
    /// Savings Plan recommendation.
    pub savings_plan_discount: f64,
    /// Share of hours in the window an on-demand instance must run to be a
    /// commitment candidate.
    pub always_on_share: f64,
}

impl Default for OptimizeSettings {
    fn default() -> Self {
        OptimizeSettings {
            window_days: 30,
            nat_idle_gb: 1.0,
            snapshot_age_days: 90,
            gp3_discount: 0.20,
            graviton: true,
            idle_cpu_avg: 5.0,
            idle_network_mb_per_day: 50.0,
            oversized_cpu_p95: 40.0,
            oversized_cpu_max: 60.0,
            oversized_memory_p95: 50.0,
            min_metric_days: 3.0,
            savings_plan_discount: 0.28,
            always_on_share: 0.95,
        }
    }
}
