//! Allocation: untagged cost per tag key, and spreading shared cost over an
//! allocation key.
//!
//! Shared cost (a shared account, a service such as Support, untagged
//! networking) is taken out of the key's values and handed back to them
//! proportionally to their direct cost, evenly, or by fixed shares. The
//! split is done per currency on aggregated figures, and the allocated total
//! is checked against the input total to the cent.

use std::collections::BTreeMap;

use polars::prelude::*;

use crate::config::{Config, SharedCostRule, SplitMethod};
use crate::error::{Error, Result};
use crate::frame::column_of;
use crate::money::CostMeasure;
use crate::query::dimension::{NONE, UNTAGGED};
use crate::query::rules::{canonical_key, key_spellings, tag_value};

fn cost(measure: CostMeasure) -> Expr {
    col(measure.focus_column())
}

fn currency() -> Expr {
    col("BillingCurrency")
        .fill_null(lit(NONE))
        .alias("currency")
}

/// A tag's key (inside `Tags.list().eval`), lower-cased and folded
/// through the configured aliases, so `Team`, `team` and an alias of it
/// are one key.
pub fn canonical_tag_key(config: &Config) -> Expr {
    // Map every spelling of an aliased key to its canonical name.
    let mut old = Vec::new();
    let mut new = Vec::new();
    for canonical in config.tags.aliases.keys() {
        for spelling in key_spellings(config, canonical) {
            old.push(spelling);
            new.push(canonical_key(config, canonical).to_lowercase());
        }
    }
    let mut key = col("").struct_().field_by_name("key").str().to_lowercase();
    if !old.is_empty() {
        key = key.replace(
            lit(Series::new("old".into(), old)),
            lit(Series::new("new".into(), new)),
        );
    }
    key
}

/// Per tag key: the cost of rows without it, the total, and the share.
/// Keys are lower-cased and folded through the configured aliases, so
/// `Team` and `team` are one key.
pub fn untagged_by_key(
    frame: LazyFrame,
    config: &Config,
    measure: CostMeasure,
) -> Result<DataFrame> {
    let totals = frame
        .clone()
        .group_by([currency()])
        .agg([cost(measure).sum().alias("total_cost")]);
    let key = canonical_tag_key(config);
    let tagged = frame
        .select([
            currency(),
            cost(measure).alias("cost"),
            col("Tags").list().eval(key.unique()).alias("tag_key"),
        ])
        .explode(
            by_name(["tag_key"], true, false),
            ExplodeOptions {
                empty_as_null: false,
                keep_nulls: false,
            },
        )
        .filter(col("tag_key").is_not_null())
        .group_by([col("tag_key"), col("currency")])
        .agg([col("cost").sum().alias("tagged_cost")]);
    tagged
        .join(
            totals,
            [col("currency")],
            [col("currency")],
            JoinArgs::new(JoinType::Inner),
        )
        .select([
            col("tag_key"),
            (col("total_cost") - col("tagged_cost")).alias("untagged_cost"),
            col("total_cost"),
            when(col("total_cost").neq(lit(0.0)))
                .then((col("total_cost") - col("tagged_cost")) / col("total_cost"))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("untagged_share"),
            col("currency"),
        ])
        .sort_by_exprs(
            [col("untagged_cost"), col("tag_key")],
            SortMultipleOptions::default()
                .with_order_descending_multi([true, false])
                .with_maintain_order(true),
        )
        .collect_with_engine(Engine::Streaming)
        .map(|r| r.unwrap_single())
        .map_err(|e| Error::polars("computing untagged cost", e))
}

/// The resources costing most without tag `key`.
pub fn untagged_resources(
    frame: LazyFrame,
    config: &Config,
    key: &str,
    measure: CostMeasure,
    top: usize,
) -> Result<DataFrame> {
    frame
        .filter(tag_value(config, key).is_null())
        .group_by([
            col("ResourceId").fill_null(lit(NONE)).alias("resource"),
            col("ServiceName").fill_null(lit(NONE)).alias("service"),
            col("SubAccountId").fill_null(lit(NONE)).alias("account"),
            currency(),
        ])
        .agg([cost(measure).sum().alias("untagged_cost")])
        .sort_by_exprs(
            [col("untagged_cost"), col("resource")],
            SortMultipleOptions::default()
                .with_order_descending_multi([true, false])
                .with_maintain_order(true),
        )
        .limit(top as IdxSize)
        .select([
            col("resource"),
            col("service"),
            col("account"),
            col("untagged_cost"),
            col("currency"),
        ])
        .collect_with_engine(Engine::Streaming)
        .map(|r| r.unwrap_single())
        .map_err(|e| Error::polars("finding untagged resources", e))
}

/// The value of allocation key `name`: a configured `[[allocation]]` key,
/// else the tag of that name with rows lacking it as "(untagged)".
pub fn key_value(config: &Config, name: &str) -> (Expr, String) {
    match config.allocation_key(name) {
        Some(key) => (
            crate::query::rules::allocation_value(config, key),
            key.fallback.clone(),
        ),
        None => (
            tag_value(config, name).fill_null(lit(UNTAGGED)),
            UNTAGGED.to_string(),
        ),
    }
}

fn in_list(column: &str, values: &[String]) -> Expr {
    if values.is_empty() {
        return lit(false);
    }
    col(column).is_in(
        lit(Series::new("v".into(), values.to_vec())).implode(false),
        false,
    )
}

fn rule_matches(rule: &SharedCostRule, key: Expr, fallback: &str) -> Expr {
    let m = &rule.matches;
    let by_category = in_list("ServiceCategory", &m.service_categories);
    let by_category = if m.only_unallocated {
        by_category.and(key.eq(lit(fallback.to_string())))
    } else {
        by_category
    };
    in_list("SubAccountId", &m.accounts)
        .or(in_list("ServiceName", &m.services))
        .or(by_category)
}

/// One line of an allocation: a value of the key with its direct cost and
/// the shared cost it received.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Allocated {
    pub value: String,
    pub currency: String,
    pub direct_cost: f64,
    pub shared_cost: f64,
}

/// Direct cost per value of `key` plus each shared-cost pool spread by its
/// rule. Rules for other keys are ignored; a row matching several rules
/// belongs to the first.
pub fn allocate(
    frame: LazyFrame,
    config: &Config,
    key: &str,
    measure: CostMeasure,
) -> Result<Vec<Allocated>> {
    let (value, fallback) = key_value(config, key);
    let rules: Vec<&SharedCostRule> = config
        .shared_costs
        .iter()
        .filter(|r| r.key.eq_ignore_ascii_case(key))
        .collect();
    // pool = index of the first matching rule, or -1 for direct cost.
    let mut pool = lit(-1i32);
    for (index, rule) in rules.iter().enumerate().rev() {
        pool = when(rule_matches(rule, value.clone(), &fallback))
            .then(lit(index as i32))
            .otherwise(pool);
    }
    let grouped = frame
        .group_by([pool.alias("pool"), value.alias("value"), currency()])
        .agg([cost(measure).sum().alias("cost")])
        .collect_with_engine(Engine::Streaming)
        .map(|r| r.unwrap_single())
        .map_err(|e| Error::polars("allocating cost", e))?;
    let pools = grouped.column("pool").and_then(|c| c.i32().cloned());
    let values = grouped.column("value").and_then(|c| c.str().cloned());
    let currencies = grouped.column("currency").and_then(|c| c.str().cloned());
    let costs = grouped.column("cost").and_then(|c| c.f64().cloned());
    let (pools, values, currencies, costs) = match (pools, values, currencies, costs) {
        (Ok(p), Ok(v), Ok(c), Ok(x)) => (p, v, c, x),
        _ => return Err(Error::Usage("unexpected allocation frame".into())),
    };
    // currency -> (direct per value, amount per pool)
    let mut direct: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
    let mut shared: BTreeMap<String, BTreeMap<usize, f64>> = BTreeMap::new();
    let mut input_total: BTreeMap<String, f64> = BTreeMap::new();
    for row in 0..grouped.height() {
        let currency = currencies.get(row).unwrap_or(NONE).to_string();
        let amount = costs.get(row).unwrap_or(0.0);
        *input_total.entry(currency.clone()).or_default() += amount;
        match pools.get(row).unwrap_or(-1) {
            -1 => {
                *direct
                    .entry(currency)
                    .or_default()
                    .entry(values.get(row).unwrap_or(NONE).to_string())
                    .or_default() += amount;
            }
            p => {
                *shared
                    .entry(currency)
                    .or_default()
                    .entry(p as usize)
                    .or_default() += amount
            }
        }
    }
    let mut lines = Vec::new();
    for (currency, total) in &input_total {
        let direct_here = direct.get(currency).cloned().unwrap_or_default();
        let mut received: BTreeMap<String, f64> = BTreeMap::new();
        for (index, amount) in shared.get(currency).cloned().unwrap_or_default() {
            let rule = rules[index];
            let recipients: Vec<(String, f64)> = direct_here
                .iter()
                .filter(|(v, _)| **v != fallback)
                .map(|(v, c)| (v.clone(), *c))
                .collect();
            for (value, part) in
                split_pool(amount, &recipients, rule.method, &rule.shares, &fallback)
            {
                *received.entry(value).or_default() += part;
            }
        }
        let mut all_values: Vec<String> = direct_here.keys().cloned().collect();
        all_values.extend(received.keys().cloned());
        all_values.sort();
        all_values.dedup();
        let mut allocated_total = 0.0;
        for value in all_values {
            let line = Allocated {
                direct_cost: direct_here.get(&value).copied().unwrap_or(0.0),
                shared_cost: received.get(&value).copied().unwrap_or(0.0),
                value,
                currency: currency.clone(),
            };
            allocated_total += line.direct_cost + line.shared_cost;
            lines.push(line);
        }
        if !crate::money::agrees_to_the_cent(allocated_total, *total) {
            return Err(Error::Usage(format!(
                "allocation of {currency} does not add up: {allocated_total:.2} allocated, {total:.2} in the data"
            )));
        }
    }
    lines.sort_by(|a, b| {
        (b.direct_cost + b.shared_cost)
            .total_cmp(&(a.direct_cost + a.shared_cost))
            .then_with(|| a.value.cmp(&b.value))
    });
    Ok(lines)
}

/// Splits `pool` over the recipients. The last recipient takes the
/// remainder, so the parts always add up to the pool exactly; with no
/// recipient to take it, the pool goes to `fallback` rather than vanish.
pub fn split_pool(
    pool: f64,
    recipients: &[(String, f64)],
    method: SplitMethod,
    shares: &BTreeMap<String, f64>,
    fallback: &str,
) -> Vec<(String, f64)> {
    let weights: Vec<(String, f64)> = match method {
        SplitMethod::Proportional => recipients
            .iter()
            .map(|(v, c)| (v.clone(), c.max(0.0)))
            .filter(|(_, w)| *w > 0.0)
            .collect(),
        SplitMethod::Even => recipients.iter().map(|(v, _)| (v.clone(), 1.0)).collect(),
        SplitMethod::Fixed => shares.iter().map(|(v, s)| (v.clone(), *s)).collect(),
    };
    let total_weight: f64 = weights.iter().map(|(_, w)| w).sum();
    if weights.is_empty() || total_weight <= 0.0 {
        return vec![(fallback.to_string(), pool)];
    }
    let mut parts = Vec::with_capacity(weights.len());
    let mut given = 0.0;
    for (i, (value, weight)) in weights.iter().enumerate() {
        let part = if i + 1 == weights.len() {
            pool - given
        } else {
            pool * weight / total_weight
        };
        given += part;
        parts.push((value.clone(), part));
    }
    parts
}

/// The allocation as a frame for printing: value, direct, shared, total.
pub fn allocation_frame(key: &str, lines: &[Allocated]) -> Result<DataFrame> {
    DataFrame::new_infer_height(vec![
        column_of(key, lines, |l| l.value.clone()),
        column_of("direct_cost", lines, |l| l.direct_cost),
        column_of("shared_cost", lines, |l| l.shared_cost),
        column_of("allocated_cost", lines, |l| l.direct_cost + l.shared_cost),
        column_of("currency", lines, |l| l.currency.clone()),
    ])
    .map_err(|e| Error::polars("building the allocation table", e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_split_never_creates_or_loses_money(
            pool in -1e6f64..1e6,
            direct in proptest::collection::vec(-1e4f64..1e6, 0..12),
            method in 0..3u8,
        ) {
            let recipients: Vec<(String, f64)> =
                direct.iter().enumerate().map(|(i, c)| (format!("team{i}"), *c)).collect();
            let shares = BTreeMap::from([("a".to_string(), 0.25), ("b".to_string(), 0.75)]);
            let method = [SplitMethod::Proportional, SplitMethod::Even, SplitMethod::Fixed][method as usize];
            let parts = split_pool(pool, &recipients, method, &shares, "(unallocated)");
            let total: f64 = parts.iter().map(|(_, p)| p).sum();
            prop_assert!((total - pool).abs() < 0.005, "{total} vs {pool}");
        }
    }

    fn frame(rows: &[(u8, u8, f64, bool)]) -> LazyFrame {
        // (account, service, cost, in EUR)
        df!(
            "SubAccountId" => rows.iter().map(|r| format!("acct{}", r.0)).collect::<Vec<_>>(),
            "SubAccountName" => rows.iter().map(|r| format!("Account {}", r.0)).collect::<Vec<_>>(),
            "ServiceName" => rows.iter().map(|r| format!("svc{}", r.1)).collect::<Vec<_>>(),
            "ServiceCategory" => rows.iter().map(|r| if r.1 == 0 { "Networking" } else { "Compute" }).collect::<Vec<_>>(),
            "BilledCost" => rows.iter().map(|r| r.2).collect::<Vec<_>>(),
            "BillingCurrency" => rows.iter().map(|r| if r.3 { "EUR" } else { "USD" }).collect::<Vec<_>>(),
        )
        .unwrap()
        .lazy()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn allocating_a_dataset_keeps_every_currency_total(
            rows in proptest::collection::vec((0u8..4, 0u8..4, -50.0f64..5000.0, any::<bool>()), 1..40),
            method in 0..3u8,
        ) {
            use crate::config::{AllocationKey, AllocationSource, SharedMatch};
            let method = [SplitMethod::Proportional, SplitMethod::Even, SplitMethod::Fixed][method as usize];
            let config = Config {
                allocation: vec![AllocationKey {
                    name: "team".into(),
                    from: vec![AllocationSource::Account(BTreeMap::from([
                        ("acct0".into(), "red".into()),
                        ("acct1".into(), "blue".into()),
                    ]))],
                    fallback: "(unallocated)".into(),
                }],
                shared_costs: vec![
                    SharedCostRule {
                        name: "svc3".into(),
                        key: "team".into(),
                        matches: SharedMatch { services: vec!["svc3".into()], ..SharedMatch::default() },
                        method,
                        shares: BTreeMap::from([("red".into(), 0.4), ("green".into(), 0.6)]),
                    },
                    SharedCostRule {
                        name: "untagged networking".into(),
                        key: "team".into(),
                        matches: SharedMatch {
                            service_categories: vec!["Networking".into()],
                            only_unallocated: true,
                            ..SharedMatch::default()
                        },
                        method: SplitMethod::Even,
                        shares: BTreeMap::new(),
                    },
                ],
                ..Config::default()
            };
            let lines = allocate(frame(&rows), &config, "team", CostMeasure::Billed).unwrap();
            for (currency, eur) in [("USD", false), ("EUR", true)] {
                let input: f64 = rows.iter().filter(|r| r.3 == eur).map(|r| r.2).sum();
                let output: f64 = lines
                    .iter()
                    .filter(|l| l.currency == currency)
                    .map(|l| l.direct_cost + l.shared_cost)
                    .sum();
                prop_assert!((input - output).abs() < 0.005, "{currency}: {input} vs {output}");
            }
        }
    }

    #[test]
    fn proportional_even_and_fixed() {
        let recipients = vec![("a".to_string(), 300.0), ("b".to_string(), 100.0)];
        let none = BTreeMap::new();
        let parts = split_pool(100.0, &recipients, SplitMethod::Proportional, &none, "-");
        assert_eq!(parts, vec![("a".into(), 75.0), ("b".into(), 25.0)]);
        let parts = split_pool(100.0, &recipients, SplitMethod::Even, &none, "-");
        assert_eq!(parts, vec![("a".into(), 50.0), ("b".into(), 50.0)]);
        let shares = BTreeMap::from([("a".to_string(), 0.1), ("c".to_string(), 0.9)]);
        let parts = split_pool(100.0, &recipients, SplitMethod::Fixed, &shares, "-");
        assert_eq!(parts, vec![("a".into(), 10.0), ("c".into(), 90.0)]);
        let parts = split_pool(100.0, &[], SplitMethod::Even, &none, "(unallocated)");
        assert_eq!(parts, vec![("(unallocated)".into(), 100.0)]);
    }
}
