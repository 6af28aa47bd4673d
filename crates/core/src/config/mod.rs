//! The user's configuration file (TOML): tag rules, allocation keys, shared
//! cost rules, currency conversion, analysis settings and schedules.
//!
//! Every section is optional; an absent file means the defaults. Relative
//! paths in the file (FX table, reports folder, schedule output folders) are
//! relative to the folder holding the file. The README documents each key
//! with an example.

pub mod connections;
pub mod edit;
pub mod locations;
pub mod optimize;
pub mod schedules;

pub use connections::Connection;
pub use optimize::OptimizeSettings;
pub use schedules::{ScheduleConfig, Window};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub currency: CurrencyConfig,
    /// Names for account ids (`[accounts]`): what every view shows beside
    /// an id the billing data carries no name for.
    pub accounts: AccountNamesConfig,
    pub tags: TagRules,
    /// Derived allocation keys (`[[allocation]]`), each a dimension
    /// `alloc:NAME` and a column `x_Allocation_NAME` in SQL.
    pub allocation: Vec<AllocationKey>,
    /// Rules that spread shared cost over an allocation key.
    pub shared_costs: Vec<SharedCostRule>,
    pub anomalies: AnomalySettings,
    pub forecast: ForecastSettings,
    /// Thresholds and windows of the optimization checks.
    pub optimize: OptimizeSettings,
    /// Folder of user reports (`.sql`); default `reports/` beside the file.
    pub reports_dir: Option<PathBuf>,
    pub schedules: Vec<ScheduleConfig>,
    /// Named cloud connections (`[[connections]]`) for `burnrate pull
    /// --all`. No secrets: credentials come from each provider's chain.
    pub connections: Vec<Connection>,
    /// The folder relative paths are resolved against (not in the file).
    #[serde(skip)]
    pub base_dir: PathBuf,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct CurrencyConfig {
    /// Convert every figure into this currency (needs `fx_table`). Without
    /// it, figures are reported per billing currency, never added across.
    pub reporting: Option<String>,
    /// CSV with columns date, from, to, rate.
    pub fx_table: Option<PathBuf>,
}

/// Account names the user supplies: legacy CURs carry none, so AWS users
/// map ids from AWS Organizations. The file wins over the data's own
/// names, and `names` wins over the file.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct AccountNamesConfig {
    /// A CSV with an id and a name column (`Id,Name`, as `aws organizations
    /// list-accounts` lists them), or that command's JSON output.
    pub file: Option<PathBuf>,
    /// Account id -> name, e.g. `"222222222222" = "web-prod"`.
    pub names: BTreeMap<String, String>,
}

/// How tag keys and values are cleaned up before analysis. Applied at query
/// time, so a change applies to all history without re-importing.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct TagRules {
    /// Canonical key -> other spellings, e.g. `team = ["owner_team", "Team"]`.
    /// Keys always compare case-insensitively.
    pub aliases: BTreeMap<String, Vec<String>>,
    /// Fold values to lower case (off by default: values are kept as written).
    pub lowercase_values: bool,
    /// Per canonical key, explicit value maps: `[tags.values.team]
    /// "Platform-Eng" = "platform"`.
    pub values: BTreeMap<String, BTreeMap<String, String>>,
}

/// A derived allocation key: the first source with a value wins, else the
/// fallback.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AllocationKey {
    pub name: String,
    /// Tried in order.
    pub from: Vec<AllocationSource>,
    #[serde(default = "unallocated")]
    pub fallback: String,
}

pub fn unallocated() -> String {
    "(unallocated)".to_string()
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub enum AllocationSource {
    /// The value of a tag (after aliases and value rules).
    Tag(String),
    /// A value per sub-account (AWS linked account, Azure subscription, GCP
    /// project), keyed by its id or its name.
    Account(BTreeMap<String, String>),
    /// A value per service name.
    Service(BTreeMap<String, String>),
}

/// Which rows are shared cost.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SharedMatch {
    /// Sub-account ids whose whole cost is shared.
    pub accounts: Vec<String>,
    /// Service names whose cost is shared (e.g. "AWS Support").
    pub services: Vec<String>,
    /// Service categories (FOCUS ServiceCategory) whose cost is shared...
    pub service_categories: Vec<String>,
    /// ...only where the allocation key has no value (e.g. untagged networking).
    pub only_unallocated: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SharedCostRule {
    pub name: String,
    /// The allocation key (or tag key) the cost is spread over.
    pub key: String,
    #[serde(rename = "match")]
    pub matches: SharedMatch,
    pub method: SplitMethod,
    /// For `method = "fixed"`: value -> share (shares must add up to 1).
    #[serde(default)]
    pub shares: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SplitMethod {
    /// In proportion to each value's direct (non-shared) cost.
    Proportional,
    /// The same amount to every value that has direct cost.
    Even,
    /// Fixed percentages from `shares`.
    Fixed,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct AnomalySettings {
    /// Robust z-score a day must exceed to be flagged (lower = more alerts).
    pub threshold: f64,
    /// Smallest dollar impact worth reporting.
    pub min_impact: f64,
    /// Days of history the expected cost is learned from.
    pub window_days: usize,
}

impl AnomalySettings {
    /// The highest threshold worth having: a day more than 20 robust
    /// standard deviations out is flagged at any sensible setting, so a
    /// higher one only turns detection off without saying so.
    pub const MAX_THRESHOLD: f64 = 20.0;

    /// What is wrong with a threshold, worded to follow "the threshold 1e23".
    pub fn threshold_problem(threshold: f64) -> Option<String> {
        (!(threshold > 0.0 && threshold <= Self::MAX_THRESHOLD)).then(|| {
            format!(
                "must be above 0 and at most {} (a robust z-score; 4 is the default, lower flags more days)",
                Self::MAX_THRESHOLD
            )
        })
    }

    /// What is wrong with a minimum impact, worded like the threshold's.
    pub fn min_impact_problem(min_impact: f64) -> Option<String> {
        (!(min_impact.is_finite() && min_impact >= 0.0)).then(|| {
            "must be a number of at least 0 (the smallest impact worth reporting)".to_string()
        })
    }

    fn validate(&self) -> std::result::Result<(), String> {
        if let Some(problem) = Self::threshold_problem(self.threshold) {
            return Err(format!("anomalies.threshold {} {problem}", self.threshold));
        }
        if let Some(problem) = Self::min_impact_problem(self.min_impact) {
            return Err(format!(
                "anomalies.min_impact {} {problem}",
                self.min_impact
            ));
        }
        Ok(())
    }
}

impl Default for AnomalySettings {
    fn default() -> Self {
        AnomalySettings {
            threshold: 4.0,
            min_impact: 1.0,
            window_days: 28,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ForecastSettings {
    /// Days of history the model is fitted on.
    pub history_days: usize,
    /// Days held out for the backtest.
    pub backtest_days: usize,
}

impl Default for ForecastSettings {
    fn default() -> Self {
        ForecastSettings {
            history_days: 56,
            backtest_days: 14,
        }
    }
}

impl Config {
    /// Reads the file; a missing file is the default configuration when
    /// `required` is false (the platform default path), an error otherwise.
    pub fn load(path: &Path, required: bool) -> Result<Config> {
        let base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                let mut config = Config {
                    base_dir,
                    ..Config::default()
                };
                config.add_default_team_key();
                return Ok(config);
            }
            Err(e) => return Err(Error::io(format!("reading {}", path.display()), e)),
        };
        let mut config: Config = toml::from_str(&text).map_err(|e| Error::Config {
            file: path.to_path_buf(),
            message: e.to_string(),
        })?;
        config.base_dir = base_dir;
        config.validate(path)?;
        config.add_default_team_key();
        Ok(config)
    }

    /// Unless the file defines one, the allocation key `team` is the tag
    /// `team` (through its aliases), else "(unallocated)": the key the
    /// built-in `cost_by_team` reports use.
    pub fn add_default_team_key(&mut self) {
        if self.allocation_key("team").is_none() {
            self.allocation.push(AllocationKey {
                name: "team".into(),
                from: vec![AllocationSource::Tag("team".into())],
                fallback: unallocated(),
            });
        }
    }

    fn validate(&self, path: &Path) -> Result<()> {
        let bad = |message: String| {
            Err(Error::Config {
                file: path.to_path_buf(),
                message,
            })
        };
        for rule in &self.shared_costs {
            if rule.method == SplitMethod::Fixed {
                let total: f64 = rule.shares.values().sum();
                if rule.shares.is_empty() || (total - 1.0).abs() > 1e-9 {
                    return bad(format!(
                        "shared cost rule {:?}: fixed shares must add up to 1 (they add up to {total})",
                        rule.name
                    ));
                }
            }
        }
        for key in &self.allocation {
            if key.name.is_empty() || !key.name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                return bad(format!(
                    "allocation key {:?}: use letters, digits and _ only",
                    key.name
                ));
            }
        }
        self.anomalies.validate().or_else(bad)?;
        if self.currency.reporting.is_some() && self.currency.fx_table.is_none() {
            return bad("currency.reporting needs currency.fx_table (date, from, to, rate)".into());
        }
        for schedule in &self.schedules {
            schedule.validate().or_else(bad)?;
        }
        for connection in &self.connections {
            connection.validate().or_else(bad)?;
        }
        Ok(())
    }

    /// A path from the file, resolved against the file's folder.
    pub fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.base_dir.join(path)
        }
    }

    pub fn reports_dir(&self) -> PathBuf {
        self.resolve(self.reports_dir.as_deref().unwrap_or(Path::new("reports")))
    }

    pub fn allocation_key(&self, name: &str) -> Option<&AllocationKey> {
        self.allocation
            .iter()
            .find(|k| k.name.eq_ignore_ascii_case(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_section() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            r#"
[currency]
reporting = "EUR"
fx_table = "fx.csv"

[tags]
aliases = { team = ["owner_team", "Team"] }
lowercase_values = true
[tags.values.team]
"Platform-Eng" = "platform"

[[allocation]]
name = "team"
from = [{ tag = "team" }, { account = { "111111111111" = "platform" } }]

[[shared_costs]]
name = "support"
key = "team"
match = { services = ["AWS Support"] }
method = "proportional"
"#,
        )
        .unwrap();
        let config = Config::load(&path, true).unwrap();
        assert_eq!(config.currency.reporting.as_deref(), Some("EUR"));
        assert_eq!(
            config.resolve(Path::new("fx.csv")),
            dir.path().join("fx.csv")
        );
        assert_eq!(config.allocation[0].fallback, "(unallocated)");
        assert_eq!(
            config.allocation.len(),
            1,
            "the file's team key replaces the default"
        );
        assert_eq!(config.allocation[0].from.len(), 2);
        assert_eq!(config.shared_costs[0].method, SplitMethod::Proportional);
    }

    #[test]
    fn names_the_file_and_the_problem() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "[tags]\nalias = 1\n").unwrap();
        let error = Config::load(&path, true).unwrap_err().to_string();
        assert!(error.contains("config.toml"), "{error}");
        assert!(error.contains("alias"), "{error}");
        assert!(Config::load(&dir.path().join("absent.toml"), false).is_ok());
        assert!(Config::load(&dir.path().join("absent.toml"), true).is_err());
    }
}
