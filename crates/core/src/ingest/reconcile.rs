//! Reconciliation: a staged file's totals against the provider's own total
//! (the independent recount, see [`super::recount`]), its row count against
//! the file's records, and the slices and notes of its [`FileReport`].

use std::path::Path;

use polars::prelude::*;

use super::format::Family;
use super::normalize::Normalized;
use super::source::Compression;
use super::stage::{merge_slice_totals, slice_totals, slices_from};
use super::{CurrencyCheck, FileReport};
use crate::error::{Error, Result};
use crate::money::agrees_to_the_cent;
use crate::schema;

pub(super) fn reconcile(
    path: &Path,
    normalized: &Normalized,
    staging: &Path,
    totals: Option<Vec<DataFrame>>,
) -> Result<FileReport> {
    let ctx = |e| Error::polars(format!("{}: checking the import", path.display()), e);
    let staged = LazyFrame::scan_parquet(
        PlRefPath::new(staging.to_string_lossy().as_ref()),
        crate::frame::literal_parquet(),
    )
    .map_err(ctx)?;
    let from_blocks = totals.is_some();
    let partitions = match totals {
        Some(parts) => merge_slice_totals(parts),
        None => slice_totals(staged.clone())
            .collect_with_engine(Engine::Streaming)
            .map(|r| r.unwrap_single())
            .and_then(|whole| merge_slice_totals(vec![whole])),
    }
    .map_err(ctx)?;
    // NaN never equals itself: name a bad value before anything compares
    // sums that hold one.
    if non_finite_count(&partitions) > 0 {
        return Err(non_finite_error(path, staged));
    }
    // One pass over what was written: totals per currency and charge
    // category, for the per-category check and the checksum below.
    let stored = stored_totals(staged.clone()).map_err(ctx)?;
    // Added up from the blocks before writing: check the file holds them.
    if from_blocks && !stored_matches(&stored, &partitions).map_err(ctx)? {
        return Err(Error::Reconciliation {
            file: path.to_path_buf(),
            message: "the staged Parquet file does not hold the rows that were read; \
                      nothing was imported"
                .into(),
        });
    }

    let stats = slices_from(&partitions).map_err(ctx)?;
    let column_sum = |name: &str| -> u64 {
        partitions
            .column(name)
            .ok()
            .and_then(|c| c.cast(&DataType::UInt64).ok()?.u64().ok()?.sum())
            .unwrap_or(0)
    };
    let (billed_differs, effective_differs) = (
        column_sum("billed_differs"),
        column_sum("effective_differs"),
    );
    let currencies: std::collections::BTreeSet<String> =
        stats.iter().map(|s| s.currency.clone()).collect();
    let rows: u64 = stats.iter().map(|p| p.rows).sum();
    if stats.iter().any(|p| p.period == crate::period::NO_PERIOD) {
        return Err(undated_row_error(path, staged));
    }
    let sums_finite = stats.iter().all(|s| {
        [s.billed_cost, s.effective_cost, s.list_cost]
            .iter()
            .all(|v| v.is_finite())
    });
    if !sums_finite {
        return Err(non_finite_error(path, staged));
    }

    // Which measure the provider's own total is. Azure rows either keep the
    // row cost in both measures, or move it to one of them; a file whose
    // billed measure differs from the row cost is an amortized export.
    let is_azure = normalized.format.family() == Family::Azure;
    let cost_view = if is_azure {
        match (billed_differs > 0, effective_differs > 0) {
            (true, true) => {
                return Err(Error::Reconciliation {
                    file: path.to_path_buf(),
                    message:
                        "the file mixes amortized commitment usage with commitment purchases; \
                              import the actual-cost and amortized-cost exports as separate files"
                            .into(),
                });
            }
            (true, false) => "amortized",
            _ => "actual",
        }
    } else {
        "billed"
    };

    // Every file is re-read, whatever its size: the check must not rest on
    // the pipeline it checks.
    let recount = normalized.recount()?;
    let mut notes = Vec::new();
    // Each Azure export holds one of the two costs of commitments: say which
    // one this file cannot fill, and how to fill it.
    match cost_view {
        "actual" if effective_differs > 0 => notes.push(
            "actual-cost export: the amortized cost of commitment-covered usage is not in it \
             (EffectiveCost leaves out the purchases; import the amortized export of the same \
             months to pair them)"
                .to_string(),
        ),
        "amortized" => notes.push(
            "amortized-cost export: commitment purchases are not in it (BilledCost leaves out \
             covered usage; import the actual export of the same months to pair them)"
                .to_string(),
        ),
        _ => {}
    }
    // Every data record the file holds must be a row of the import.
    let (blank_rows, short_rows) = (recount.blank_rows, recount.short_rows);
    if recount.rows != rows {
        return Err(Error::Reconciliation {
            file: path.to_path_buf(),
            message: format!(
                "the file has {} data rows but {rows} were read; nothing was imported",
                recount.rows
            ),
        });
    }
    if short_rows > 0 {
        notes.push(format!(
            "{short_rows} rows have fewer fields than the header; their missing trailing fields were read as empty"
        ));
    }
    if blank_rows > 0 {
        notes.push(format!("{blank_rows} blank lines skipped"));
    }

    let by_category = by_category(&stored, cost_view).map_err(ctx)?;
    let adapter = normalized.format.adapter();
    let mut checks = Vec::new();
    for currency in &currencies {
        let in_currency = stats.iter().filter(|p| &p.currency == currency);
        let billed: f64 = in_currency.clone().map(|p| p.billed_cost).sum();
        let effective: f64 = in_currency.clone().map(|p| p.effective_cost).sum();
        let list: f64 = in_currency.map(|p| p.list_cost).sum();
        let native = recount.total_for(currency);
        let (measure, normalized_total) = if cost_view == "amortized" {
            ("EffectiveCost", effective)
        } else {
            ("BilledCost", billed)
        };
        if !agrees_to_the_cent(native, normalized_total) {
            return Err(Error::Reconciliation {
                file: path.to_path_buf(),
                message: format!(
                    "{currency}: the provider's total is {native:.6} but the normalized {measure} totals \
                     {normalized_total:.6}; nothing was imported"
                ),
            });
        }
        // Each charge category on its own: credits that cancel usage must
        // not hide usage read as zero.
        let native_by_category = recount.by_category(currency, |t| adapter.charge_category(t));
        let normalized_by_category = by_category.get(currency.as_str());
        let categories: std::collections::BTreeSet<&String> = native_by_category
            .keys()
            .chain(normalized_by_category.into_iter().flat_map(|m| m.keys()))
            .collect();
        for category in categories {
            let native = native_by_category.get(category).copied().unwrap_or(0.0);
            let normalized = normalized_by_category
                .and_then(|m| m.get(category))
                .copied()
                .unwrap_or(0.0);
            if !agrees_to_the_cent(native, normalized) {
                let name = if category.is_empty() {
                    "(no charge category)"
                } else {
                    category
                };
                return Err(Error::Reconciliation {
                    file: path.to_path_buf(),
                    message: format!(
                        "{currency} {name}: the provider's total is {native:.6} but the normalized \
                         {measure} totals {normalized:.6}; nothing was imported"
                    ),
                });
            }
        }
        if normalized.native_credits_column.is_some() {
            let native_credits = recount.credits_for(currency);
            if !agrees_to_the_cent(native + native_credits, effective) {
                return Err(Error::Reconciliation {
                    file: path.to_path_buf(),
                    message: format!(
                        "{currency}: cost + credits is {:.6} but the normalized EffectiveCost totals {effective:.6}",
                        native + native_credits
                    ),
                });
            }
        }
        checks.push(CurrencyCheck {
            currency: currency.clone(),
            native_total: native,
            measure: measure.to_string(),
            normalized_total,
            billed_cost: billed,
            effective_cost: effective,
            list_cost: list,
        });
    }
    let focus_conformance = match normalized.format.family() {
        Family::Focus => Some(super::conformance::focus_conformance(staged).map_err(ctx)?),
        _ => None,
    };
    let mut periods: Vec<String> = stats.iter().map(|p| p.period.clone()).collect();
    periods.sort();
    periods.dedup();
    Ok(FileReport {
        path: path.to_path_buf(),
        format: normalized.format.name().to_string(),
        version: normalized.version.map(str::to_string),
        compression: match normalized.opened.compression {
            Compression::None => "none",
            Compression::Gzip => "gzip",
            Compression::Zip => "zip",
        }
        .to_string(),
        rows,
        blank_rows,
        short_rows,
        cost_view: cost_view.to_string(),
        native_check: "independent re-read".to_string(),
        periods,
        currencies: checks,
        slices: stats,
        notes,
        focus_conformance,
    })
}

/// Rows, BilledCost and EffectiveCost of the staged file per currency and
/// charge category.
fn stored_totals(staged: LazyFrame) -> PolarsResult<DataFrame> {
    staged
        .group_by([
            col("BillingCurrency")
                .fill_null(lit("(none)"))
                .alias("currency"),
            col("ChargeCategory").fill_null(lit("")).alias("category"),
        ])
        .agg([
            len().cast(DataType::UInt64).alias("rows"),
            col("BilledCost").sum().alias("billed_cost"),
            col("EffectiveCost").sum().alias("effective_cost"),
        ])
        .collect()
}

/// The measure the provider's total is (BilledCost, or EffectiveCost for an
/// amortized export) per currency and charge category.
fn by_category(
    stored: &DataFrame,
    cost_view: &str,
) -> PolarsResult<std::collections::BTreeMap<String, std::collections::BTreeMap<String, f64>>> {
    let measure = if cost_view == "amortized" {
        "effective_cost"
    } else {
        "billed_cost"
    };
    let currencies = stored.column("currency")?.str()?.clone();
    let categories = stored.column("category")?.str()?.clone();
    let totals = stored.column(measure)?.f64()?.clone();
    let mut out: std::collections::BTreeMap<String, std::collections::BTreeMap<String, f64>> =
        Default::default();
    for i in 0..stored.height() {
        out.entry(currencies.get(i).unwrap_or("").to_string())
            .or_default()
            .insert(
                categories.get(i).unwrap_or("").to_string(),
                totals.get(i).unwrap_or(0.0),
            );
    }
    Ok(out)
}

/// Whether the staging file holds the rows and costs of the slice totals.
fn stored_matches(stored: &DataFrame, partitions: &DataFrame) -> PolarsResult<bool> {
    let sum_of = |frame: &DataFrame, name: &str| -> PolarsResult<f64> {
        Ok(frame
            .column(name)?
            .cast(&DataType::Float64)?
            .f64()?
            .sum()
            .unwrap_or(0.0))
    };
    if sum_of(stored, "rows")? != sum_of(partitions, "rows")? {
        return Ok(false);
    }
    for cost in ["billed_cost", "effective_cost"] {
        // A checksum of what was written, not a reported figure: allow for
        // the order in which millions of values were added.
        let (stored, read) = (sum_of(stored, cost)?, sum_of(partitions, cost)?);
        if !crate::money::same_sum(stored, read) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// How many rows of the slice totals' input held NaN or an infinity.
fn non_finite_count(partitions: &DataFrame) -> u64 {
    partitions
        .column("non_finite")
        .ok()
        .and_then(|c| c.cast(&DataType::UInt64).ok()?.u64().ok()?.sum())
        .unwrap_or(0)
}

/// Names the first row and column holding NaN or an infinity, or says that
/// finite values add up past what f64 holds.
fn non_finite_error(path: &Path, staged: LazyFrame) -> Error {
    let columns: Vec<&str> = schema::numeric_columns().collect();
    let first = any_horizontal(
        columns
            .iter()
            .map(|c| schema::is_non_finite(c))
            .collect::<Vec<_>>(),
    )
    .ok()
    .and_then(|bad| {
        let mut select = vec![col("x_SourceRow")];
        select.extend(columns.iter().map(|c| col(*c)));
        staged.filter(bad).select(select).limit(1).collect().ok()
    });
    if let Some(df) = first.filter(|df| df.height() == 1) {
        let row = df
            .column("x_SourceRow")
            .ok()
            .and_then(|c| c.get(0).ok()?.extract::<u64>())
            .unwrap_or(0);
        let found = columns.iter().find_map(|c| {
            let v = df.column(c).ok()?.get(0).ok()?.extract::<f64>()?;
            (!v.is_finite()).then(|| (c.to_string(), v))
        });
        if let Some((column, value)) = found {
            return Error::BadValue {
                file: path.to_path_buf(),
                row,
                column: format!("{column} (as mapped from the file)"),
                message: format!(
                    "the value reads as {value}: NaN, an infinity or a number beyond ±1.8e308 cannot be a cost or a quantity; nothing was imported"
                ),
            };
        }
    }
    Error::Reconciliation {
        file: path.to_path_buf(),
        message: "the costs add up past the largest number Burnrate can hold; nothing was imported"
            .into(),
    }
}

/// Names the first row that has neither a charge date nor a billing period.
fn undated_row_error(path: &Path, staged: LazyFrame) -> Error {
    let row = staged
        .filter(
            col("BillingPeriodStart")
                .is_null()
                .and(col("ChargePeriodStart").is_null()),
        )
        .select([col("x_SourceRow")])
        .limit(1)
        .collect()
        .ok()
        .and_then(|df| df.column("x_SourceRow").ok()?.get(0).ok()?.extract::<u64>());
    Error::BadValue {
        file: path.to_path_buf(),
        row: row.unwrap_or(0),
        column: "(charge date)".into(),
        message: "the row has no charge date and no billing period, so it cannot be placed in time"
            .into(),
    }
}
