//! The report library and a report's result table.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
pub struct ReportInfo {
    pub name: String,
    pub title: String,
    pub description: String,
    pub origin: String,
    /// The report's chart, if its header declares one.
    pub chart: Option<ReportChart>,
}

/// A report's declared chart: `bar`, `line` or `stacked`, over columns.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ReportChart {
    pub kind: String,
    pub x: String,
    pub y: String,
    pub series: Option<String>,
}

/// A report's result: text and numbers as they came out of the query.
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct Table {
    pub columns: Vec<String>,
    #[ts(type = "Array<Array<string | number | null>>")]
    pub rows: Vec<Vec<serde_json::Value>>,
}
