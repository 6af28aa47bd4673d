//! Commitment discounts (reservations, savings plans): utilization,
//! coverage, and a Savings Plan purchase recommendation.
//!
//! Read from the FOCUS commitment columns, which the AWS, Azure and FOCUS
//! adapters fill (AWS: DiscountedUsage and SavingsPlanCoveredUsage lines are
//! `Used`; RIFee and SavingsPlanRecurringFee lines carry the unused part as
//! effective cost and are `Unused`).
//!
//! - Utilization of a commitment = used / (used + unused), in effective
//!   cost: what was paid for and consumed, against what was paid for.
//! - Coverage of a service = covered usage / all usage of that service, in
//!   on-demand-equivalent (list) cost: how much of the eligible spend the
//!   commitments absorb. Services count as eligible when any of their usage
//!   is covered, or their FOCUS ServiceCategory is Compute or Databases.
//!
//! The Savings Plan recommendation is a recommendation like the others:
//! `optimize::savings_plan`.

use polars::prelude::*;

use crate::error::{Error, Result};

fn collect(frame: LazyFrame, context: &str) -> Result<DataFrame> {
    frame
        .collect_with_engine(Engine::Streaming)
        .map(|r| r.unwrap_single())
        .map_err(|e| Error::polars(context.to_string(), e))
}

/// Used and unused effective cost per commitment.
pub fn utilization(frame: LazyFrame) -> Result<DataFrame> {
    let status = col("CommitmentDiscountStatus");
    let cost = |which: &str| {
        col("EffectiveCost")
            .filter(status.clone().eq(lit(which.to_string())))
            .sum()
    };
    collect(
        frame
            .filter(col("CommitmentDiscountId").is_not_null())
            .group_by([
                col("CommitmentDiscountId").alias("commitment_id"),
                col("BillingCurrency")
                    .fill_null(lit("(none)"))
                    .alias("currency"),
            ])
            .agg([
                col("ProviderName").drop_nulls().first().alias("provider"),
                col("CommitmentDiscountType")
                    .drop_nulls()
                    .first()
                    .alias("type"),
                col("CommitmentDiscountCategory")
                    .drop_nulls()
                    .first()
                    .alias("category"),
                cost("Used").alias("used_cost"),
                cost("Unused").alias("unused_cost"),
            ])
            .with_column(
                when((col("used_cost") + col("unused_cost")).neq(lit(0.0)))
                    .then(col("used_cost") / (col("used_cost") + col("unused_cost")) * lit(100.0))
                    .otherwise(lit(NULL).cast(DataType::Float64))
                    .alias("utilization_pct"),
            )
            .select([
                col("commitment_id"),
                col("provider"),
                col("type"),
                col("category"),
                col("used_cost"),
                col("unused_cost"),
                col("utilization_pct"),
                col("currency"),
            ])
            .sort(
                ["commitment_id", "currency"],
                SortMultipleOptions::default(),
            ),
        "computing commitment utilization",
    )
}

/// Coverage per eligible service, in on-demand-equivalent (list) cost.
pub fn coverage(frame: LazyFrame) -> Result<DataFrame> {
    // List cost where the file has it; else effective cost for covered
    // usage (billed is 0 there) and billed cost for the rest.
    let on_demand_equivalent = col("ListCost").fill_null(
        when(col("CommitmentDiscountStatus").eq(lit("Used")))
            .then(col("EffectiveCost"))
            .otherwise(col("BilledCost")),
    );
    let covered = col("CommitmentDiscountStatus").eq(lit("Used"));
    collect(
        frame
            .filter(col("ChargeCategory").eq(lit("Usage")))
            .group_by([
                col("ServiceName").fill_null(lit("(none)")).alias("service"),
                col("BillingCurrency")
                    .fill_null(lit("(none)"))
                    .alias("currency"),
            ])
            .agg([
                on_demand_equivalent
                    .clone()
                    .filter(covered.clone())
                    .sum()
                    .alias("covered_cost"),
                on_demand_equivalent.sum().alias("eligible_cost"),
                covered.any(true).alias("has_commitments"),
                col("ServiceCategory")
                    .drop_nulls()
                    .first()
                    .alias("category"),
            ])
            .filter(
                col("has_commitments").or(col("category")
                    .eq(lit("Compute"))
                    .or(col("category").eq(lit("Databases")))),
            )
            .with_column(
                when(col("eligible_cost").neq(lit(0.0)))
                    .then(col("covered_cost") / col("eligible_cost") * lit(100.0))
                    .otherwise(lit(NULL).cast(DataType::Float64))
                    .alias("coverage_pct"),
            )
            .select([
                col("service"),
                col("covered_cost"),
                col("eligible_cost"),
                col("coverage_pct"),
                col("currency"),
            ])
            .sort_by_exprs(
                [col("eligible_cost"), col("service")],
                SortMultipleOptions::default()
                    .with_order_descending_multi([true, false])
                    .with_maintain_order(true),
            ),
        "computing commitment coverage",
    )
}
