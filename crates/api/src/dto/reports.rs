//! The report library and a report's result table.

use serde::Serialize;
use ts_rs::TS;

use burnrate_core::reports::chart::ChartData;

#[derive(Debug, Clone, Serialize, TS)]
pub struct ReportInfo {
    pub name: String,
    pub title: String,
    pub description: String,
    pub origin: String,
}

/// A report run in the app: its rows, and the chart its header declares,
/// reduced to what is drawn (the same data the static PNG/SVG charts draw).
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct ReportResult {
    pub table: Table,
    pub chart: Option<ChartData>,
}

/// A report's result: text and numbers as they came out of the query.
#[derive(Debug, Clone, Default, Serialize, TS)]
pub struct Table {
    pub columns: Vec<String>,
    #[ts(type = "Array<Array<string | number | null>>")]
    pub rows: Vec<Vec<serde_json::Value>>,
}
