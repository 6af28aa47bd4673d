//! The settings the app shows and edits.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
pub struct Settings {
    pub data_dir: String,
    pub config_path: String,
    pub reporting_currency: Option<String>,
    pub fx_table: Option<String>,
    pub anomaly_threshold: f64,
    pub anomaly_min_impact: f64,
    /// `key = alias, alias`.
    pub tag_aliases: Vec<String>,
    /// `[tags] lowercase_values`: "Web" and "web" are one tag value.
    pub tag_values_ignore_case: bool,
    pub allocation_keys: Vec<String>,
    /// The `[accounts]` file (Id,Name CSV or AWS Organizations JSON).
    pub account_names_file: Option<String>,
    /// `id = name`, the `[accounts.names]` table.
    pub account_names: Vec<String>,
}

/// The settings the app edits; each is written to the config file.
#[derive(Debug, Clone, Serialize, serde::Deserialize, TS)]
pub struct SettingsUpdate {
    /// An ISO currency code, or none to keep each bill's currency.
    pub reporting_currency: Option<String>,
    /// A `date,from,to,rate` CSV; needed with a reporting currency.
    pub fx_table: Option<String>,
    pub anomaly_threshold: f64,
    pub anomaly_min_impact: f64,
    /// `key = alias, alias` per line.
    pub tag_aliases: Vec<String>,
    pub tag_values_ignore_case: bool,
    /// Id,Name CSV or AWS Organizations JSON; none for no file.
    pub account_names_file: Option<String>,
    /// `id = name` per line.
    pub account_names: Vec<String>,
}
