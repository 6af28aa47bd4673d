//! What one import does to the sources it meets: replace, add beside as
//! another part, or pair (Azure actual/amortized); decided before anything
//! is written.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::delivery::{self, CostView, Delivery, Relation};
use super::manifest::Manifest;
use super::{Dataset, scan_files};
use crate::error::{Error, Result};
use crate::ingest::Slice;
use crate::period::{NO_PERIOD, period_number_expr};

/// What an import replaces of the data already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replace {
    /// Each (provider, billing account, sub-account, month) it contains: a
    /// file may hold some sub-accounts only (an Azure export per
    /// subscription).
    Slices,
    /// Each (provider, billing account, month) it contains, whatever the
    /// sub-accounts: an account with no cost in the new data loses its old
    /// figures.
    BillingAccountMonths,
}

impl Replace {
    fn key(self, slice: &Slice) -> (String, String, String, String) {
        let mut key = slice.key();
        if self == Replace::BillingAccountMonths {
            key.2 = String::new();
        }
        key
    }
}

/// A slice key as one string, laid out like [`slice_key_expr`]: the period
/// as its number (`202403`), so rows need no date formatting.
fn key_string(key: &(String, String, String, String)) -> String {
    format!(
        "{}\u{1f}{}\u{1f}{}\u{1f}{}",
        key.0,
        key.1,
        key.2,
        key.3.replace('-', "")
    )
}

/// (provider, billing account, sub account, period).
pub(super) type SliceKey = (String, String, String, String);

/// What one import does to the sources it meets (see [`Dataset::plan`]).
#[derive(Default)]
pub(super) struct Plan {
    /// Source id -> the slices of it the import replaces.
    pub(super) replacing: BTreeMap<String, BTreeSet<SliceKey>>,
    /// Sources the new file is another part of the delivery of.
    pub(super) parts_of: Vec<String>,
    /// Source id -> (the new file's half of the pair, that source's paired
    /// slices).
    pub(super) pairing: BTreeMap<String, (CostView, BTreeSet<SliceKey>)>,
    /// The new file's paired slices.
    pub(super) new_paired: BTreeSet<SliceKey>,
    /// What the new file's report should say about the decisions.
    pub(super) notes: Vec<String>,
}

impl Plan {
    pub(super) fn pairs_with(&self) -> Vec<String> {
        self.pairing.keys().cloned().collect()
    }

    /// The new file's half of its pairs and the slices it pairs in.
    pub(super) fn new_half(
        &self,
        view: Option<CostView>,
    ) -> Option<(CostView, BTreeSet<SliceKey>)> {
        let view = view.filter(|_| !self.pairing.is_empty())?;
        Some((view, self.new_paired.clone()))
    }
}

/// The note a paired file's report gets.
pub(super) fn pair_note(view: CostView, others: &[String]) -> String {
    let (kept, other) = match view {
        CostView::Actual => ("BilledCost", "EffectiveCost, ListCost and quantities"),
        CostView::Amortized => ("EffectiveCost, ListCost and quantities", "BilledCost"),
    };
    format!(
        "paired with source {} (the {} export of the same months): this file gives {kept}, \
         the other gives {other}",
        others.join(", "),
        match view {
            CostView::Actual => "amortized",
            CostView::Amortized => "actual",
        }
    )
}

/// Rows in any of these slices.
pub(super) fn in_slices(keys: &BTreeSet<SliceKey>) -> Expr {
    slice_key_expr().is_in(
        lit(Series::new(
            "keys".into(),
            keys.iter().map(key_string).collect::<Vec<_>>(),
        ))
        .implode(false),
        false,
    )
}

/// The slice key of each row, as one string (same layout as [`key_string`]).
fn slice_key_expr() -> Expr {
    concat_str(
        [
            col("ProviderName").fill_null(lit("(none)")),
            col("BillingAccountId").fill_null(lit("(none)")),
            col("SubAccountId").fill_null(lit("(none)")),
            period_number_expr()
                .cast(DataType::String)
                .fill_null(lit(NO_PERIOD)),
        ],
        "\u{1f}",
        false,
    )
}

impl Dataset {
    /// Decides, before anything is written, what a staged file does to each
    /// source it meets: replaces it (with the full keys of the slices it
    /// takes), sits beside it as another part, or pairs with it (Azure
    /// actual/amortized). An ambiguous case is an error.
    #[allow(clippy::too_many_arguments)] // one call site; each is distinct
    pub(super) fn plan(
        &self,
        input: &Path,
        manifest: &Manifest,
        slices: &[Slice],
        staged_files: &[PathBuf],
        (format, view): (&str, Option<CostView>),
        scope: Replace,
        delivery: Delivery,
    ) -> Result<Plan> {
        let new_keys: BTreeSet<_> = slices.iter().map(|s| scope.key(s)).collect();
        let account_month = |s: &Slice| Replace::BillingAccountMonths.key(s);
        let new_months: BTreeSet<_> = slices.iter().map(account_month).collect();
        let mut plan = Plan::default();
        for source in &manifest.sources {
            // An Azure actual and amortized export of the same billing
            // account and month pair, whatever sub-accounts each holds.
            let old_view = source
                .reports
                .first()
                .and_then(|r| CostView::of(&r.cost_view));
            if let (Some(new_view), Some(old_view)) = (view, old_view)
                && new_view != old_view
                && delivery == Delivery::Detect
            {
                let paired: BTreeSet<_> = source
                    .slices
                    .iter()
                    .filter(|s| new_months.contains(&account_month(s)))
                    .map(Slice::key)
                    .collect();
                if !paired.is_empty() {
                    let old_months: BTreeSet<_> = source.slices.iter().map(account_month).collect();
                    plan.new_paired.extend(
                        slices
                            .iter()
                            .filter(|s| old_months.contains(&account_month(s)))
                            .map(Slice::key),
                    );
                    plan.pairing.insert(source.id.clone(), (new_view, paired));
                    continue;
                }
            }
            let gone: BTreeSet<_> = source
                .slices
                .iter()
                .filter(|s| new_keys.contains(&scope.key(s)))
                .map(Slice::key)
                .collect();
            if gone.is_empty() {
                continue;
            }
            let relation = match delivery {
                Delivery::Replace => Relation::Restatement,
                Delivery::AsParts => Relation::Parts,
                Delivery::Detect => delivery::relation(
                    scan_files(staged_files)?,
                    scan_files(&[self.dir.join(&source.file)])?,
                    in_slices(&gone),
                    source.format == format,
                )?,
            };
            match relation {
                Relation::Parts => plan.parts_of.push(source.id.clone()),
                Relation::Restatement => {
                    plan.replacing.insert(source.id.clone(), gone);
                }
                Relation::OtherExport => {
                    plan.notes.push(format!(
                        "source {} ({}) is another export of the same months; this later import \
                         replaces it, so the costs count once",
                        source.id, source.format
                    ));
                    plan.replacing.insert(source.id.clone(), gone);
                }
                Relation::Ambiguous(why) => {
                    return Err(Error::AmbiguousDelivery {
                        file: input.to_path_buf(),
                        message: format!(
                            "it meets source {} ({}) in the same months: {why}. Nothing was \
                             imported; import it again with --as-parts to add it beside that \
                             source, or --replace to replace it",
                            source.id,
                            source.paths_text()
                        ),
                    });
                }
            }
        }
        Ok(plan)
    }
}

/// Adds up the slices of a source's parts (a CUR delivery in several files
/// repeats the same slices).
pub(super) fn merge_slices(slices: impl Iterator<Item = Slice>) -> Vec<Slice> {
    let mut merged: Vec<Slice> = Vec::new();
    for slice in slices {
        match merged
            .iter_mut()
            .find(|m| m.key() == slice.key() && m.currency == slice.currency)
        {
            Some(m) => {
                m.rows += slice.rows;
                m.billed_cost += slice.billed_cost;
                m.effective_cost += slice.effective_cost;
                m.list_cost += slice.list_cost;
            }
            None => merged.push(slice),
        }
    }
    merged
}
