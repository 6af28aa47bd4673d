//! Staging: a normalized file run into a Parquet file in the dataset's
//! temporary folder, block by block for text files, with slice totals
//! added up on the way; then reconciled (see [`super::reconcile`]).

use std::path::Path;

use polars::prelude::*;

use super::csv_reader;
use super::normalize::{Normalized, normalize};
use super::reconcile::reconcile;
use super::{Slice, Staged};
use crate::error::{Error, Result};
use crate::schema;

/// Runs a file into Parquet in `temp_dir` and reconciles it.
pub fn stage(path: &Path, temp_dir: &Path) -> Result<Staged> {
    let normalized = normalize(path, temp_dir)?;
    let staging = tempfile::Builder::new()
        .prefix("staging-")
        .suffix(".parquet")
        .tempfile_in(temp_dir)
        .map_err(|e| {
            Error::io(
                format!("creating a staging file in {}", temp_dir.display()),
                e,
            )
        })?
        .into_temp_path();
    let totals = match &normalized.text_header {
        Some(header) => {
            let (_counts, totals) = stage_text(
                path,
                &normalized,
                header,
                &staging,
                csv_reader::block_bytes_for(normalized.columns.used().len()),
            )?;
            Some(totals)
        }
        None => {
            let sink = normalized.frame.clone().sink(
                SinkDestination::File {
                    target: SinkTarget::Path(PlRefPath::new(staging.to_string_lossy().as_ref())),
                },
                FileWriteFormat::Parquet(parquet_options()),
                UnifiedSinkArgs::default(),
            );
            let run = sink.and_then(|lf| lf.collect_with_engine(Engine::Streaming));
            if let Err(e) = run {
                return Err(explain_failure(path, &normalized, e));
            }
            None
        }
    };
    let report = reconcile(path, &normalized, &staging, totals)?;
    Ok(Staged {
        report,
        parquet: staging,
    })
}

/// Runs a text file through [`csv_reader`]: each block is split and mapped
/// on a worker, then written to the staging Parquet file in file order.
fn stage_text(
    path: &Path,
    normalized: &Normalized,
    header: &[String],
    staging: &Path,
    block_bytes: usize,
) -> Result<(csv_reader::Counts, Vec<DataFrame>)> {
    let ctx = |e| Error::polars(format!("{}: writing the staging file", path.display()), e);
    let schema = normalized.frame.clone().collect_schema().map_err(ctx)?;
    let file =
        std::fs::File::create(staging).map_err(|e| Error::io(staging.display().to_string(), e))?;
    // The same settings as the streaming sink for Parquet inputs.
    let options = parquet_options();
    let mut writer = ParquetWriter::new(std::io::BufWriter::with_capacity(1 << 20, file))
        .with_compression(options.compression)
        .with_statistics(options.statistics)
        .batched(&schema)
        .map_err(ctx)?;
    let wanted = normalized.columns.used();
    let spec = csv_reader::CsvSpec {
        path,
        text_path: &normalized.text_path,
        header,
        wanted: &wanted,
        literal_null: normalized.literal_null,
    };
    let (not_blank, exprs) = (&normalized.not_blank, &normalized.exprs);
    let map_block = |block: csv_reader::Block| -> PolarsResult<(DataFrame, DataFrame)> {
        let mut mapped = block
            .frame
            .lazy()
            .filter(not_blank.clone())
            .select(exprs.clone())
            .collect()?;
        // One chunk per column: the Parquet writer needs aligned chunks, and
        // a block becomes one row group.
        mapped.rechunk_mut();
        let totals = slice_totals(mapped.clone().lazy()).collect()?;
        Ok((mapped, totals))
    };
    let mut totals = Vec::new();
    let counts = csv_reader::for_each_block(
        &spec,
        block_bytes,
        |block| map_block(block).map_err(|e| Error::polars("mapping", e)),
        |(mut mapped, block_totals), records_before| {
            // Row numbers in a block start at 1; place them in the file.
            let rows = mapped
                .column("x_SourceRow")
                .map_err(ctx)?
                .u64()
                .map_err(ctx)?
                + records_before;
            mapped.with_column(rows.into_column()).map_err(ctx)?;
            totals.push(block_totals);
            writer.write_batch(&mapped).map_err(ctx)
        },
    );
    match counts {
        Ok(counts) => {
            writer.finish().map_err(ctx)?;
            Ok((counts, totals))
        }
        Err(Error::Polars { cause, .. }) => Err(explain_failure(path, normalized, cause)),
        Err(e) => Err(e),
    }
}

/// How the dataset's Parquet files are written: LZ4 compresses less than
/// zstd but costs a tenth of the time, on import and on every read.
pub fn parquet_options() -> Arc<ParquetWriteOptions> {
    Arc::new(ParquetWriteOptions {
        compression: ParquetCompression::Lz4Raw,
        ..Default::default()
    })
}

/// Turns a failed import into an error that names the row and column.
fn explain_failure(path: &Path, normalized: &Normalized, error: PolarsError) -> Error {
    if let Some((row, column, value, what)) =
        normalized.columns.locate_bad_value(normalized.raw.clone())
    {
        return Error::BadValue {
            file: path.to_path_buf(),
            row,
            column,
            message: format!("{} {what}", crate::error::quoted(&value)),
        };
    }
    let text = error.to_string();
    if text.contains("more fields") {
        // The plain re-read names the first row that is too long.
        if let Err(located) = normalized.recount() {
            return located;
        }
    }
    let message = if text.contains("more fields") || text.contains("ragged") {
        "a row has more fields than the header; the file is damaged or uses a different delimiter"
            .to_string()
    } else if text.contains("utf-8") || text.contains("utf8") {
        format!("the file is not valid UTF-8 text ({text}); re-export it as UTF-8 CSV")
    } else {
        format!("cannot be read: {text}")
    };
    Error::bad_input(path, message)
}

const SLICE_KEYS: [&str; 5] = [
    "provider",
    "billing_account",
    "sub_account",
    "period",
    "currency",
];

/// Rows and cost totals per slice and currency of normalized rows; partial
/// results (one per block) add up with [`merge_slice_totals`].
pub(super) fn slice_totals(rows: LazyFrame) -> LazyFrame {
    let unknown = |c: &str| col(c).fill_null(lit("(none)"));
    rows.group_by([
        unknown("ProviderName").alias("provider"),
        unknown("BillingAccountId").alias("billing_account"),
        unknown("SubAccountId").alias("sub_account"),
        // The month is taken after grouping (see `merge_slice_totals`):
        // grouping by the timestamp costs less than computing it per row.
        crate::period::period_start_expr().alias("period_start"),
        unknown("BillingCurrency").alias("currency"),
    ])
    .agg([
        len().cast(DataType::UInt64).alias("rows"),
        col("BilledCost").sum().alias("billed_cost"),
        col("EffectiveCost").sum().alias("effective_cost"),
        col("ListCost").sum().alias("list_cost"),
        col("BilledCost")
            .neq(col("x_SourceCost"))
            .sum()
            .cast(DataType::UInt64)
            .alias("billed_differs"),
        col("EffectiveCost")
            .neq(col("x_SourceCost"))
            .sum()
            .cast(DataType::UInt64)
            .alias("effective_differs"),
        // NaN and infinities parse as numbers; they are bad values, found
        // here in the same pass and located by `reconcile`.
        any_horizontal(
            schema::numeric_columns()
                .map(schema::is_non_finite)
                .collect::<Vec<_>>(),
        )
        .expect("the schema has numeric columns")
        .sum()
        .cast(DataType::UInt64)
        .alias("non_finite"),
    ])
}

/// One [`Slice`] per row of (merged) slice totals.
pub(super) fn slices_from(partitions: &DataFrame) -> PolarsResult<Vec<Slice>> {
    let text =
        |name: &str| -> PolarsResult<StringChunked> { Ok(partitions.column(name)?.str()?.clone()) };
    let number = |name: &str| -> PolarsResult<Float64Chunked> {
        Ok(partitions
            .column(name)?
            .cast(&DataType::Float64)?
            .f64()?
            .clone())
    };
    let (provider, account, sub_account, currency) = (
        text("provider")?,
        text("billing_account")?,
        text("sub_account")?,
        text("currency")?,
    );
    let rows = partitions.column("rows")?.cast(&DataType::UInt64)?;
    let rows = rows.u64()?;
    let (billed, effective, list) = (
        number("billed_cost")?,
        number("effective_cost")?,
        number("list_cost")?,
    );
    let periods = crate::period::period_labels(partitions)?;
    Ok(periods
        .into_iter()
        .enumerate()
        .map(|(i, period)| Slice {
            provider: provider.get(i).unwrap_or_default().to_string(),
            billing_account: account.get(i).unwrap_or_default().to_string(),
            sub_account: sub_account.get(i).unwrap_or_default().to_string(),
            period,
            currency: currency.get(i).unwrap_or_default().to_string(),
            rows: rows.get(i).unwrap_or(0),
            billed_cost: billed.get(i).unwrap_or(0.0),
            effective_cost: effective.get(i).unwrap_or(0.0),
            list_cost: list.get(i).unwrap_or(0.0),
        })
        .collect())
}

/// The slices of canonical rows (a stored or staged file), as an import
/// reports them.
pub fn slices_of(rows: LazyFrame) -> Result<Vec<Slice>> {
    let ctx = |e| Error::polars("adding up the slices", e);
    let totals = slice_totals(rows)
        .collect_with_engine(Engine::Streaming)
        .map(|r| r.unwrap_single())
        .map_err(ctx)?;
    slices_from(&merge_slice_totals(vec![totals]).map_err(ctx)?).map_err(ctx)
}

/// Adds up partial slice totals, sorted by slice.
pub(super) fn merge_slice_totals(mut parts: Vec<DataFrame>) -> PolarsResult<DataFrame> {
    if parts.is_empty() {
        // A header-only file: no rows, the same columns.
        let empty = DataFrame::empty_with_schema(&schema::schema());
        parts.push(slice_totals(empty.lazy()).collect()?);
    }
    let parts: Vec<LazyFrame> = parts.into_iter().map(IntoLazy::lazy).collect();
    let sums = [
        "rows",
        "billed_cost",
        "effective_cost",
        "list_cost",
        "billed_differs",
        "effective_differs",
        "non_finite",
    ]
    .map(|c| col(c).sum());
    concat(parts, UnionArgs::default())?
        .with_column(crate::period::period_number_of(col("period_start")))
        .group_by(SLICE_KEYS.map(col))
        .agg(sums)
        .sort(SLICE_KEYS, Default::default())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Stages a file in blocks of `block_bytes` and reads the result back.
    fn staged(file: &str, block_bytes: usize) -> (DataFrame, csv_reader::Counts, DataFrame) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures")
            .join(file);
        let dir = tempfile::tempdir().unwrap();
        let normalized = normalize(&path, dir.path()).unwrap();
        let staging = dir.path().join("staged.parquet");
        let header = normalized.text_header.clone().unwrap();
        let (counts, totals) =
            stage_text(&path, &normalized, &header, &staging, block_bytes).unwrap();
        let rows = LazyFrame::scan_parquet(
            PlRefPath::new(staging.to_string_lossy().as_ref()),
            ScanArgsParquet::default(),
        )
        .unwrap()
        .collect()
        .unwrap();
        (rows, counts, merge_slice_totals(totals).unwrap())
    }

    #[test]
    fn small_blocks_stage_the_same_rows_in_the_same_order() {
        for file in [
            "aws_cur_legacy.csv",
            "aws_cur_short_rows.csv",
            "azure_ea.csv",
            "focus_1_0.csv",
        ] {
            let (whole, whole_counts, whole_totals) = staged(file, csv_reader::BLOCK_BYTES);
            let (blocks, block_counts, block_totals) = staged(file, 200);
            assert!(whole.height() > 0, "{file}");
            assert!(whole.equals_missing(&blocks), "{file}: rows differ");
            assert_eq!(whole_counts, block_counts, "{file}");
            assert!(
                whole_totals.equals_missing(&block_totals),
                "{file}: totals differ"
            );
            let numbers: Vec<u64> = blocks
                .column("x_SourceRow")
                .unwrap()
                .u64()
                .unwrap()
                .into_no_null_iter()
                .collect();
            assert!(
                numbers.windows(2).all(|w| w[0] < w[1]),
                "{file}: {numbers:?}"
            );
        }
    }
}
