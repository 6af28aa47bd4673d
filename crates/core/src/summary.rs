//! Cost summaries by dimension, and SQL over the `billing` table.
//!
//! Money is never added across currencies: every summary groups by
//! BillingCurrency as well as the requested dimensions.

use chrono::NaiveDate;
use polars::prelude::*;
use polars::sql::SQLContext;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::rules::tag_value;

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
    pub const NAMES: &'static str = "provider, account, subaccount, service, service_category, region, resource, charge_category, month, day, tag:KEY, alloc:KEY";

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
                Some(k) => crate::rules::allocation_value(config, k),
                None => lit(NONE),
            },
        };
        e.alias(self.label())
    }

    /// Turns the grouped key into its printed label (dates into text).
    fn label_expr(&self) -> Expr {
        let key = col(self.label());
        match self {
            Dimension::Month => key.dt().to_string("%Y-%m").fill_null(lit(NONE)),
            Dimension::Day => key.dt().to_string("%Y-%m-%d").fill_null(lit(NONE)),
            _ => key,
        }
        .alias(self.label())
    }
}

/// Which cost measure a figure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostMeasure {
    Billed,
    Effective,
    List,
}

impl CostMeasure {
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "billed" => Ok(CostMeasure::Billed),
            "effective" | "amortized" => Ok(CostMeasure::Effective),
            "list" => Ok(CostMeasure::List),
            other => Err(Error::Usage(format!(
                "unknown cost {other:?}; use billed, effective or list"
            ))),
        }
    }

    pub fn column(self) -> &'static str {
        match self {
            CostMeasure::Billed => "billed_cost",
            CostMeasure::Effective => "effective_cost",
            CostMeasure::List => "list_cost",
        }
    }
}

pub struct SummaryRequest {
    pub by: Vec<Dimension>,
    /// Inclusive first day of charge.
    pub from: Option<NaiveDate>,
    /// Exclusive end day.
    pub to: Option<NaiveDate>,
    /// The measure to sort by (all three are always reported).
    pub sort_by: CostMeasure,
}

/// Rows restricted to `[from, to)` by charge period start.
pub fn filter_dates(frame: LazyFrame, from: Option<NaiveDate>, to: Option<NaiveDate>) -> LazyFrame {
    let mut frame = frame;
    if let Some(from) = from {
        let start = from.and_hms_opt(0, 0, 0).expect("midnight exists");
        frame = frame.filter(col("ChargePeriodStart").gt_eq(lit(start)));
    }
    if let Some(to) = to {
        let end = to.and_hms_opt(0, 0, 0).expect("midnight exists");
        frame = frame.filter(col("ChargePeriodStart").lt(lit(end)));
    }
    frame
}

/// Billed, effective and list cost by the requested dimensions and currency,
/// largest first.
pub fn summarize(frame: LazyFrame, config: &Config, request: &SummaryRequest) -> Result<DataFrame> {
    let mut keys: Vec<Expr> = request.by.iter().map(|d| d.expr(config)).collect();
    keys.push(
        col("BillingCurrency")
            .fill_null(lit(NONE))
            .alias("currency"),
    );
    let labels: Vec<String> = request.by.iter().map(Dimension::label).collect();
    let mut order: Vec<Expr> = vec![col(request.sort_by.column())];
    let mut descending = vec![true];
    for label in &labels {
        order.push(col(label.as_str()));
        descending.push(false);
    }
    let mut columns: Vec<Expr> = request.by.iter().map(Dimension::label_expr).collect();
    columns.extend([
        col("billed_cost"),
        col("effective_cost"),
        col("list_cost"),
        col("currency"),
    ]);
    filter_dates(frame, request.from, request.to)
        .group_by(keys)
        .agg([
            col("BilledCost").sum().alias("billed_cost"),
            col("EffectiveCost").sum().alias("effective_cost"),
            col("ListCost").sum().alias("list_cost"),
        ])
        .sort_by_exprs(
            order,
            SortMultipleOptions::default()
                .with_order_descending_multi(descending)
                .with_maintain_order(true),
        )
        .select(columns)
        .collect_with_engine(Engine::Streaming)
        .map(|r| r.unwrap_single())
        .map_err(|e| Error::polars("computing the summary", e))
}

/// Runs Polars SQL over the frame registered as `billing`.
pub fn query(frame: LazyFrame, sql: &str) -> Result<DataFrame> {
    let mut ctx = SQLContext::new();
    ctx.register("billing", frame);
    ctx.execute(sql)
        .and_then(|lf| lf.collect())
        .map_err(|e| Error::Usage(format!("the query failed: {e}")))
}
