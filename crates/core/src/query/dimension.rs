//! The dimensions a summary, a trend or the explorer groups by.

use polars::prelude::*;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::query::rules::tag_value;

/// A dimension a summary can group by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dimension {
    Provider,
    Account,
    SubAccount,
    Service,
    ServiceCategory,
    Region,
    Resource,
    /// The provider's usage type (AWS `lineItem/UsageType`, Azure meter,
    /// GCP SKU): what a service's cost is made of.
    UsageType,
    ChargeCategory,
    Month,
    Day,
    /// A tag key, matched case-insensitively and through the tag rules.
    Tag(String),
    /// A derived allocation key from the config file (`[[allocation]]`).
    Allocation(String),
}

/// Group label for rows without the requested tag.
pub const UNTAGGED: &str = "(untagged)";

/// Group label for rows without a value in a dimension.
pub const NONE: &str = "(none)";

impl Dimension {
    /// What the app's explorer offers to group by, with labels (its period
    /// stands for month and day; tags and allocation keys are typed).
    pub const EXPLORER: [(&'static str, &'static str); 9] = [
        ("service", "Service"),
        ("subaccount", "Account / subscription"),
        ("account", "Billing account"),
        ("provider", "Provider"),
        ("region", "Region"),
        ("resource", "Resource"),
        ("usage_type", "Usage type"),
        ("service_category", "Service category"),
        ("charge_category", "Charge category"),
    ];

    pub const NAMES: &'static str = "provider, account, subaccount, service, service_category, region, resource, usage_type, charge_category, month, day, tag:KEY, alloc:KEY";

    /// Parses a dimension name; `alloc:KEY` must name a key in `config`.
    pub fn parse(text: &str, config: &Config) -> Result<Self> {
        let t = text.trim();
        if let Some(key) = t.strip_prefix("alloc:") {
            return match config.allocation_key(key) {
                Some(k) => Ok(Dimension::Allocation(k.name.clone())),
                None => Err(Error::Usage(format!(
                    "no allocation key {key:?} in the config file; configured: {}",
                    if config.allocation.is_empty() {
                        "none".to_string()
                    } else {
                        config
                            .allocation
                            .iter()
                            .map(|k| k.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                ))),
            };
        }
        if let Some(key) = t.strip_prefix("tag:") {
            if key.is_empty() {
                return Err(Error::Usage("tag: needs a key, as in tag:team".into()));
            }
            return Ok(Dimension::Tag(key.to_string()));
        }
        Ok(match t {
            "provider" => Dimension::Provider,
            "account" => Dimension::Account,
            "subaccount" => Dimension::SubAccount,
            "service" => Dimension::Service,
            "service_category" => Dimension::ServiceCategory,
            "region" => Dimension::Region,
            "resource" => Dimension::Resource,
            "usage_type" => Dimension::UsageType,
            "charge_category" => Dimension::ChargeCategory,
            "month" => Dimension::Month,
            "day" => Dimension::Day,
            other => {
                return Err(Error::Usage(format!(
                    "unknown dimension {other:?}; use one of {}",
                    Self::NAMES
                )));
            }
        })
    }

    /// The output column name.
    pub fn label(&self) -> String {
        match self {
            Dimension::Provider => "provider".into(),
            Dimension::Account => "account".into(),
            Dimension::SubAccount => "subaccount".into(),
            Dimension::Service => "service".into(),
            Dimension::ServiceCategory => "service_category".into(),
            Dimension::Region => "region".into(),
            Dimension::Resource => "resource".into(),
            Dimension::UsageType => "usage_type".into(),
            Dimension::ChargeCategory => "charge_category".into(),
            Dimension::Month => "month".into(),
            Dimension::Day => "day".into(),
            Dimension::Tag(key) => format!("tag:{key}"),
            Dimension::Allocation(key) => format!("alloc:{key}"),
        }
    }

    /// The grouping expression over canonical columns, with the tag rules
    /// and allocation keys of `config`.
    pub fn expr(&self, config: &Config) -> Expr {
        let text = |c: &str| col(c).fill_null(lit(NONE));
        let e = match self {
            Dimension::Provider => text("ProviderName"),
            Dimension::Account => text("BillingAccountId"),
            Dimension::SubAccount => text("SubAccountId"),
            Dimension::Service => text("ServiceName"),
            Dimension::ServiceCategory => text("ServiceCategory"),
            Dimension::Region => text("RegionId"),
            Dimension::Resource => text("ResourceId"),
            Dimension::UsageType => text("x_UsageType"),
            Dimension::ChargeCategory => text("ChargeCategory"),
            // Grouped as dates and formatted after aggregating: formatting
            // millions of timestamps costs more than the whole group-by.
            Dimension::Month => col("ChargePeriodStart")
                .dt()
                .truncate(lit("1mo"))
                .cast(DataType::Date),
            Dimension::Day => col("ChargePeriodStart").cast(DataType::Date),
            Dimension::Tag(key) => tag_value(config, key).fill_null(lit(UNTAGGED)),
            Dimension::Allocation(key) => match config.allocation_key(key) {
                Some(k) => crate::query::rules::allocation_value(config, k),
                None => lit(NONE),
            },
        };
        e.alias(self.label())
    }

    /// Where a click on one of this dimension's groups goes next: the
    /// dimension that explains it, skipping any already filtered on (`done`).
    /// A service splits into usage types and then resources; an account
    /// into its services; a tag or an allocation key into services. A
    /// resource is the end (its billing lines come next).
    pub fn drill_next(&self, done: &[Dimension]) -> Option<Dimension> {
        let order = match self {
            Self::Service => vec![Self::UsageType, Self::Resource],
            Self::UsageType => vec![Self::Resource],
            Self::Account => vec![
                Self::SubAccount,
                Self::Service,
                Self::UsageType,
                Self::Resource,
            ],
            Self::Provider
            | Self::Region
            | Self::ServiceCategory
            | Self::ChargeCategory
            | Self::SubAccount
            | Self::Tag(_)
            | Self::Allocation(_)
            | Self::Month
            | Self::Day => vec![Self::Service, Self::UsageType, Self::Resource],
            Self::Resource => vec![],
        };
        order.into_iter().find(|d| d != self && !done.contains(d))
    }

    /// Turns the grouped key into its printed label (dates into text).
    pub fn label_expr(&self) -> Expr {
        let key = col(self.label());
        match self {
            Dimension::Month => key.dt().to_string("%Y-%m").fill_null(lit(NONE)),
            Dimension::Day => key.dt().to_string("%Y-%m-%d").fill_null(lit(NONE)),
            _ => key,
        }
        .alias(self.label())
    }
}
