//! A short FOCUS conformance summary for an imported FOCUS file: the rules of
//! the spec that decide whether its costs add up right, each checked over
//! the staged rows in one pass. It informs and never refuses a file (the
//! reconciliation does that): a provider's export that breaks a rule is
//! still the provider's bill, and the user should know where its totals
//! cannot be trusted as FOCUS defines them.
//!
//! A null ChargePeriodStart is not here: such a row has no billing period,
//! and the import refuses it.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::schema;

/// One rule of the summary and how often a file breaks it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RuleCheck {
    /// The validator's rule id where it has one for this requirement.
    pub rule: String,
    /// The requirement, as the spec states it.
    pub requirement: String,
    /// Rows that break it.
    pub rows: u64,
    /// What those rows carry, per currency, in `measure`.
    pub amounts: Vec<CurrencyAmount>,
    /// The cost measure the amounts are in.
    pub measure: String,
    /// What breaking it does to the totals.
    pub consequence: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CurrencyAmount {
    pub currency: String,
    pub amount: f64,
}

/// The summary of one FOCUS file: how many rules were checked and the ones
/// the file breaks.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FocusConformance {
    pub rules_checked: u32,
    pub broken: Vec<RuleCheck>,
}

/// A requirement and the rows that break it.
struct Rule {
    id: &'static str,
    requirement: &'static str,
    breaks: fn() -> Expr,
    measure: &'static str,
    consequence: &'static str,
}

const CHARGE_CATEGORIES: [&str; 5] = ["Usage", "Purchase", "Tax", "Credit", "Adjustment"];

const RULES: &[Rule] = &[
    Rule {
        id: "BilledCost-C-003-M",
        requirement: "BilledCost MUST NOT be null",
        breaks: || col("BilledCost").is_null(),
        measure: "EffectiveCost",
        consequence: "these rows are left out of every billed total",
    },
    Rule {
        id: "EffectiveCost-C-003-M",
        requirement: "EffectiveCost MUST NOT be null",
        breaks: || col("EffectiveCost").is_null(),
        measure: "BilledCost",
        consequence: "these rows are left out of every effective (amortized) total",
    },
    Rule {
        id: "BillingCurrency-C-004-M",
        requirement: "BillingCurrency MUST NOT be null",
        breaks: || col("BillingCurrency").is_null(),
        measure: "BilledCost",
        consequence: "these costs are in no currency and are shown apart, as (none)",
    },
    Rule {
        id: "ChargeCategory-C-003-M",
        requirement: "ChargeCategory MUST be Usage, Purchase, Tax, Credit or Adjustment",
        breaks: || {
            let allowed = Series::new("allowed".into(), CHARGE_CATEGORIES);
            col("ChargeCategory")
                .is_in(lit(allowed).implode(false), false)
                .fill_null(lit(false))
                .not()
        },
        measure: "BilledCost",
        consequence: "these rows fall outside every per-category figure (usage, credits, tax)",
    },
    Rule {
        id: "ChargePeriodEnd-C-004-M",
        requirement: "ChargePeriodEnd MUST be after ChargePeriodStart",
        breaks: || col("ChargePeriodEnd").lt_eq(col("ChargePeriodStart")),
        measure: "BilledCost",
        consequence: "daily and hourly figures cannot place these costs in time",
    },
    Rule {
        id: "BilledCost-C-005-C",
        requirement: "BilledCost MUST be 0 for charges invoiced by a third party \
                      (InvoiceIssuerName other than the provider: marketplace)",
        breaks: || {
            schema::invoice_issuer_as_focus()
                .neq(col("ProviderName"))
                .and(col("BilledCost").neq(lit(0.0)))
                .fill_null(lit(false))
        },
        measure: "BilledCost",
        consequence: "the provider's invoice and the third party's both claim these costs",
    },
    Rule {
        id: "EffectiveCost-C-005-C",
        requirement: "EffectiveCost MUST be 0 for a commitment purchase (it is amortized \
                      onto the usage the commitment covers)",
        breaks: || {
            col("ChargeCategory")
                .eq(lit("Purchase"))
                .and(col("CommitmentDiscountId").is_not_null())
                .and(col("EffectiveCost").neq(lit(0.0)))
                .fill_null(lit(false))
        },
        measure: "EffectiveCost",
        consequence: "effective (amortized) totals count the commitment twice: \
                      as the purchase and as the covered usage",
    },
    Rule {
        id: "EffectiveCost-C-010-C",
        requirement: "EffectiveCost of a credit MUST match its BilledCost",
        breaks: || {
            col("ChargeCategory")
                .eq(lit("Credit"))
                .and(col("EffectiveCost").neq(col("BilledCost")))
                .fill_null(lit(false))
        },
        measure: "EffectiveCost",
        consequence: "billed and effective (amortized) totals disagree by these credits",
    },
];

/// Checks the staged rows of a FOCUS file against [`RULES`] in one pass.
pub fn focus_conformance(staged: LazyFrame) -> PolarsResult<FocusConformance> {
    let mut aggs = Vec::new();
    for (i, rule) in RULES.iter().enumerate() {
        let breaks = (rule.breaks)();
        aggs.push(
            breaks
                .clone()
                .sum()
                .cast(DataType::UInt64)
                .alias(format!("rows_{i}")),
        );
        aggs.push(
            when(breaks)
                .then(col(rule.measure))
                .otherwise(lit(0.0))
                .sum()
                .alias(format!("amount_{i}")),
        );
    }
    let per_currency = staged
        .group_by([col("BillingCurrency")
            .fill_null(lit("(none)"))
            .alias("currency")])
        .agg(aggs)
        .sort(["currency"], SortMultipleOptions::default())
        .collect_with_engine(Engine::Streaming)?
        .unwrap_single();
    let currencies = per_currency.column("currency")?.str()?.clone();
    let mut broken = Vec::new();
    for (i, rule) in RULES.iter().enumerate() {
        let rows = per_currency.column(&format!("rows_{i}"))?.u64()?.clone();
        let amounts = per_currency.column(&format!("amount_{i}"))?.f64()?.clone();
        let total_rows: u64 = rows.iter().flatten().sum();
        if total_rows == 0 {
            continue;
        }
        broken.push(RuleCheck {
            rule: rule.id.to_string(),
            requirement: rule.requirement.to_string(),
            rows: total_rows,
            amounts: (0..per_currency.height())
                .filter(|&row| rows.get(row).unwrap_or(0) > 0)
                .map(|row| CurrencyAmount {
                    currency: currencies.get(row).unwrap_or("(none)").to_string(),
                    amount: amounts.get(row).unwrap_or(0.0),
                })
                .collect(),
            measure: rule.measure.to_string(),
            consequence: rule.consequence.to_string(),
        });
    }
    Ok(FocusConformance {
        rules_checked: RULES.len() as u32,
        broken,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> LazyFrame {
        let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let end = start + chrono::Duration::days(1);
        df!(
            "BilledCost" => [Some(10.0), Some(5.0), None, Some(100.0), Some(-2.0)],
            "EffectiveCost" => [Some(10.0), None, Some(1.0), Some(100.0), Some(0.0)],
            "BillingCurrency" => [Some("USD"), Some("USD"), Some("USD"), Some("EUR"), None],
            "ChargeCategory" => ["Usage", "Usage", "Refund", "Purchase", "Credit"],
            "ChargePeriodStart" => [start, start, start, start, start],
            "ChargePeriodEnd" => [end, end, start, end, end],
            "ProviderName" => ["AWS", "AWS", "AWS", "AWS", "AWS"],
            "InvoiceIssuerName" => [
                Some("Amazon Web Services, Inc."),
                Some("Acme Resale"),
                None,
                Some("AWS"),
                Some("AWS"),
            ],
            "CommitmentDiscountId" => [None, None, None, Some("arn:ri"), None],
        )
        .unwrap()
        .lazy()
    }

    #[test]
    fn each_broken_rule_counts_its_rows_and_their_cost_per_currency() {
        let summary = focus_conformance(rows()).unwrap();
        assert_eq!(summary.rules_checked as usize, RULES.len());
        let by_rule: Vec<String> = summary
            .broken
            .iter()
            .map(|r| {
                let amounts: Vec<String> = r
                    .amounts
                    .iter()
                    .map(|a| format!("{} {}", a.currency, a.amount))
                    .collect();
                format!("{} {} rows: {}", r.rule, r.rows, amounts.join(", "))
            })
            .collect();
        assert_eq!(
            by_rule,
            [
                "BilledCost-C-003-M 1 rows: USD 1",
                "EffectiveCost-C-003-M 1 rows: USD 5",
                "BillingCurrency-C-004-M 1 rows: (none) -2",
                "ChargeCategory-C-003-M 1 rows: USD 0",
                "ChargePeriodEnd-C-004-M 1 rows: USD 0",
                // The provider's own entity is not a third party.
                "BilledCost-C-005-C 1 rows: USD 5",
                "EffectiveCost-C-005-C 1 rows: EUR 100",
                "EffectiveCost-C-010-C 1 rows: (none) 0",
            ]
        );
    }

    #[test]
    fn a_conformant_file_breaks_nothing() {
        let clean = rows().filter(col("BilledCost").eq(lit(10.0)));
        assert_eq!(focus_conformance(clean).unwrap().broken, vec![]);
    }
}
