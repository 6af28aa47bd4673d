//! AWS: Cost Explorer (daily cost per service and account) and CUR / Data
//! Exports deliveries in S3.

pub mod cost_explorer;
pub mod cur;
