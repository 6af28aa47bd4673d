//! Reading billing files into the canonical FOCUS frame.
//!
//! `normalize` detects the format of one file from its header and content
//! (never from its name) and returns a lazy frame of canonical columns.
//! `stage` runs that frame into a Parquet file in a temporary place, and
//! checks it: every value parsed, and the provider's own total reconciled to
//! the cent (see [`recount`]).
//!
//! Rows shorter than the header (some CUR files have them) are read with the
//! missing trailing fields empty; they are counted and reported, and because
//! the reconciliation re-reads the provider's cost column independently, no
//! cost can be dropped silently. Rows longer than the header are an error.
//! Blank lines are skipped and counted.

pub mod aws;
pub mod azure;
pub mod columns;
pub mod csv_reader;
pub mod cur_manifest;
pub mod focus;
pub mod gcp;
pub mod jsonl;
pub mod recount;
pub mod service_category;
pub mod source;

use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::schema;
use columns::{ROW_INDEX, SourceColumns};
use source::{Compression, Container, OpenedFile};

/// Every format Burnrate reads, for messages and the README table.
pub const KNOWN_FORMATS: &str = "AWS CUR legacy CSV (lineItem/...), AWS CUR Athena/Parquet \
(line_item_...), AWS CUR 2.0 / Data Exports, Azure EA / MCA / Cost Management / pay-as-you-go \
cost details (actual or amortized), GCP billing export (CSV or JSON lines), FOCUS 1.0-1.2";

/// Reduces a localized Azure header `Localized Name (EnglishName)` to
/// `EnglishName`; other headers are returned trimmed.
pub fn english_header(raw: &str) -> &str {
    let raw = raw.trim().trim_start_matches('\u{feff}');
    if let Some(open) = raw.rfind(" (")
        && let Some(inner) = raw[open + 2..].strip_suffix(')')
        && !inner.is_empty()
        && inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return inner;
    }
    raw
}

/// A file read and mapped, not yet run.
pub struct Normalized {
    pub opened: OpenedFile,
    pub format: &'static str,
    pub version: Option<&'static str>,
    /// Canonical columns, in schema order.
    pub frame: LazyFrame,
    /// The raw scan with a row index, for locating bad values.
    raw: LazyFrame,
    /// The header as written, for text files (CSV or converted JSON lines).
    text_header: Option<Vec<String>>,
    /// FOCUS text files write null as `NULL`.
    literal_null: bool,
    /// The filter and the expressions `frame` applies to `raw`.
    not_blank: Expr,
    exprs: Vec<Expr>,
    columns: SourceColumns,
    /// Raw name of the provider's cost column, and of GCP credits.
    pub native_cost_column: Option<String>,
    pub native_credits_column: Option<String>,
    pub native_currency_column: Option<String>,
    header_len: usize,
    /// The text the raw scan reads (the CSV made from a JSON-lines file, or
    /// the decompressed file); the recount re-reads the same text.
    text_path: PathBuf,
    /// Keeps a JSON-lines file's CSV conversion alive.
    _converted: Option<tempfile::TempPath>,
}

fn provider_key_fn(format: &str) -> fn(&str) -> String {
    match format {
        f if f.starts_with("aws") => aws::key,
        f if f.starts_with("azure") => azure::key,
        "gcp-billing" => gcp::key,
        _ => focus::key,
    }
}

fn detect(file: &Path, raw_names: &[String]) -> Result<(&'static str, Option<&'static str>)> {
    if let Some(layout) = aws::layout(raw_names) {
        return Ok((layout, None));
    }
    let focus_keys: Vec<String> = raw_names.iter().map(|n| focus::key(n)).collect();
    if focus::is_focus(&focus_keys) {
        return Ok(("focus", Some(focus::version(&focus_keys))));
    }
    let azure_keys: Vec<String> = raw_names.iter().map(|n| azure::key(n)).collect();
    if let Some(layout) = azure::layout(&azure_keys, raw_names) {
        return Ok((layout, None));
    }
    let gcp_keys: Vec<String> = raw_names.iter().map(|n| gcp::key(n)).collect();
    if gcp::is_gcp(&gcp_keys) {
        return Ok(("gcp-billing", None));
    }
    let mut seen: Vec<&str> = raw_names.iter().take(8).map(String::as_str).collect();
    if raw_names.len() > 8 {
        seen.push("...");
    }
    Err(Error::UnknownFormat {
        file: file.to_path_buf(),
        seen: format!("{} columns: {}", raw_names.len(), seen.join(", ")),
        known: KNOWN_FORMATS.to_string(),
    })
}

/// Opens, detects and maps one billing file.
pub fn normalize(path: &Path, temp_dir: &Path) -> Result<Normalized> {
    let opened = OpenedFile::open(path, temp_dir)?;
    let mut converted = None;
    let mut text_path = opened.scan_path.clone();
    let (raw, raw_names, header_len) = match &opened.container {
        Container::Csv { header } => {
            let raw = scan_csv(&opened.scan_path, false)
                .map_err(|e| Error::bad_input(path, format!("cannot be read as CSV: {e}")))?;
            (raw, header.clone(), header.len())
        }
        Container::NdJson => {
            let csv = jsonl::json_lines_to_csv(path, &opened.scan_path, temp_dir)?;
            let header = csv_header(&csv).map_err(|e| Error::io(path.display().to_string(), e))?;
            let raw = scan_csv(&csv, false)
                .map_err(|e| Error::bad_input(path, format!("cannot be read: {e}")))?;
            let len = header.len();
            text_path = csv.to_path_buf();
            converted = Some(csv);
            (raw, header, len)
        }
        Container::Parquet { columns } => {
            let raw = scan_parquet_as_text(&opened.scan_path).map_err(|e| {
                Error::bad_input(path, format!("the Parquet file cannot be read: {e}"))
            })?;
            (raw, columns.clone(), columns.len())
        }
    };
    let (format, version) = detect(path, &raw_names)?;
    // FOCUS files write nulls as the literal string NULL/null: rescan with that.
    let raw = if format == "focus" && matches!(opened.container, Container::Csv { .. }) {
        scan_csv(&opened.scan_path, true)
            .map_err(|e| Error::bad_input(path, format!("cannot be read as CSV: {e}")))?
    } else {
        raw
    };
    let columns = SourceColumns::new(&raw_names, provider_key_fn(format));
    let produced = match format {
        f if f.starts_with("aws") => aws::mapping(&columns, &raw_names),
        f if f.starts_with("azure") => azure::mapping(&columns),
        "gcp-billing" => gcp::mapping(&columns),
        _ => focus::mapping(&columns),
    };
    let native_cost_key: &[&str] = match format {
        f if f.starts_with("aws") => &["line_item_net_unblended_cost", "line_item_unblended_cost"],
        f if f.starts_with("azure") => &["costinbillingcurrency", "cost", "pretaxcost"],
        "gcp-billing" => &["cost"],
        _ => &["billedcost"],
    };
    let currency_key: &[&str] = match format {
        f if f.starts_with("aws") => &["line_item_currency_code"],
        f if f.starts_with("azure") => &["billingcurrencycode", "billingcurrency", "currency"],
        "gcp-billing" => &["currency"],
        _ => &["billingcurrency"],
    };
    let name_of = |keys: &[&str]| {
        columns
            .first_of(keys)
            .and_then(|k| columns.raw_name(k))
            .map(str::to_string)
    };
    let native_cost_column = name_of(native_cost_key);
    let native_credits_column = if format == "gcp-billing" {
        name_of(&["credits"])
    } else {
        None
    };
    let native_currency_column = name_of(currency_key);

    // Blank lines come through as all-null rows: keep a row when any column
    // the mapping reads has a value. (A row with values only in columns
    // Burnrate does not read is not kept, and then fails the row count of
    // the reconciliation instead of vanishing.)
    let presence: Vec<Expr> = columns
        .used()
        .iter()
        .map(|n| col(n.as_str()).is_not_null())
        .collect();
    let not_blank =
        any_horizontal(presence).map_err(|e| Error::polars("building the import", e))?;

    let mut exprs = schema::conform(&produced);
    let source_name = path.display().to_string();
    for e in exprs.iter_mut() {
        let name = e.clone().meta().output_name().ok().map(|n| n.to_string());
        match name.as_deref() {
            Some("x_SourceFile") => *e = lit(source_name.clone()).alias("x_SourceFile"),
            Some("x_SourceRow") => *e = col(ROW_INDEX).cast(DataType::UInt64).alias("x_SourceRow"),
            _ => {}
        }
    }
    let frame = raw.clone().filter(not_blank.clone()).select(exprs.clone());
    let text_header = match &opened.container {
        Container::Parquet { .. } => None,
        _ => Some(raw_names.clone()),
    };
    Ok(Normalized {
        literal_null: format == "focus",
        text_header,
        not_blank,
        exprs,
        opened,
        format,
        version,
        frame,
        raw,
        columns,
        native_cost_column,
        native_credits_column,
        native_currency_column,
        header_len,
        text_path,
        _converted: converted,
    })
}

impl Normalized {
    /// The independent re-read of the provider's cost column.
    fn recount(&self) -> Result<recount::Recount> {
        recount::recount(
            &self.opened.original,
            &self.text_path,
            &self.opened.container,
            self.native_cost_column.as_deref(),
            self.native_credits_column.as_deref(),
            self.native_currency_column.as_deref(),
            self.header_len,
        )
    }
}

fn csv_header(path: &Path) -> std::io::Result<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(path)
        .map_err(std::io::Error::other)?;
    Ok(reader
        .headers()
        .map_err(std::io::Error::other)?
        .iter()
        .map(str::to_string)
        .collect())
}

fn scan_csv(path: &Path, literal_null: bool) -> PolarsResult<LazyFrame> {
    let null_values =
        literal_null.then(|| NullValues::AllColumns(vec!["NULL".into(), "null".into()]));
    LazyCsvReader::new(PlRefPath::new(path.to_string_lossy().as_ref()))
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .with_missing_is_null(true)
        .with_null_values(null_values)
        .with_row_index(Some(RowIndex {
            name: ROW_INDEX.into(),
            offset: 1,
        }))
        .finish()
}

/// Scans Parquet with every plain column cast to text, so adapters see the
/// same shape as CSV. Map columns (CUR 2.0 `resource_tags`, `product`) come
/// out of Parquet as lists of key/value structs and are turned into JSON
/// objects.
fn scan_parquet_as_text(path: &Path) -> PolarsResult<LazyFrame> {
    let mut lf = LazyFrame::scan_parquet(
        PlRefPath::new(path.to_string_lossy().as_ref()),
        ScanArgsParquet {
            row_index: Some(RowIndex {
                name: ROW_INDEX.into(),
                offset: 1,
            }),
            ..Default::default()
        },
    )?;
    let schema = lf.collect_schema()?;
    let exprs: Vec<Expr> = schema
        .iter()
        .map(|(name, dtype)| {
            let c = col(name.clone());
            if name.as_str() == ROW_INDEX {
                return c;
            }
            match dtype {
                DataType::String => c,
                DataType::List(inner) if matches!(**inner, DataType::Struct(_)) => {
                    map_list_to_json(c).alias(name.clone())
                }
                DataType::Datetime(_, _) | DataType::Date => c
                    .dt()
                    .to_string("%Y-%m-%dT%H:%M:%S%.3f")
                    .alias(name.clone()),
                _ => c.cast(DataType::String),
            }
        })
        .collect();
    Ok(lf.select(exprs))
}

fn map_list_to_json(expr: Expr) -> Expr {
    expr.map(
        |c| {
            let list = c.list()?;
            let mut out: Vec<Option<String>> = Vec::with_capacity(list.len());
            for entry in list.amortized_iter() {
                out.push(entry.map(|s| {
                    let s = s.as_ref();
                    let mut map = serde_json::Map::new();
                    if let Ok(sc) = s.struct_() {
                        let fields = sc.fields_as_series();
                        if fields.len() >= 2 {
                            let keys = fields[0]
                                .cast(&DataType::String)
                                .unwrap_or_else(|_| fields[0].clone());
                            let values = fields[1]
                                .cast(&DataType::String)
                                .unwrap_or_else(|_| fields[1].clone());
                            if let (Ok(k), Ok(v)) = (keys.str(), values.str()) {
                                for (k, v) in k.iter().zip(v.iter()) {
                                    if let (Some(k), Some(v)) = (k, v) {
                                        map.insert(
                                            k.to_string(),
                                            serde_json::Value::String(v.to_string()),
                                        );
                                    }
                                }
                            }
                        }
                    }
                    serde_json::Value::Object(map).to_string()
                }));
            }
            Ok(StringChunked::from_iter_options(c.name().clone(), out.into_iter()).into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), DataType::String)),
    )
}

/// Totals of one slice of a file in one currency. A slice is one (provider,
/// billing account, sub account, billing period): the unit an import
/// replaces in the dataset.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct Slice {
    pub provider: String,
    pub billing_account: String,
    pub sub_account: String,
    /// `YYYY-MM`
    pub period: String,
    pub currency: String,
    pub rows: u64,
    pub billed_cost: f64,
    pub effective_cost: f64,
    pub list_cost: f64,
}

impl Slice {
    pub fn key(&self) -> (String, String, String, String) {
        (
            self.provider.clone(),
            self.billing_account.clone(),
            self.sub_account.clone(),
            self.period.clone(),
        )
    }
}

/// The reconciliation of one currency in one file.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct CurrencyCheck {
    pub currency: String,
    /// The provider's own total as written in the file.
    pub native_total: f64,
    /// Which normalized measure the native total must equal.
    pub measure: String,
    pub normalized_total: f64,
    pub billed_cost: f64,
    pub effective_cost: f64,
    pub list_cost: f64,
}

/// What one import found, for the per-file reconciliation table.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct FileReport {
    pub path: PathBuf,
    pub format: String,
    pub version: Option<String>,
    pub compression: String,
    pub rows: u64,
    pub blank_rows: u64,
    pub short_rows: u64,
    /// `actual`, `amortized`, or `billed` (providers that give both measures per row).
    pub cost_view: String,
    /// How the native total was computed: `independent re-read` or `in-pipeline`.
    pub native_check: String,
    pub periods: Vec<String>,
    pub currencies: Vec<CurrencyCheck>,
    pub slices: Vec<Slice>,
    pub notes: Vec<String>,
}

/// A file run into a staging Parquet file and reconciled.
pub struct Staged {
    pub report: FileReport,
    pub parquet: tempfile::TempPath,
}

/// Files larger than this are not re-read for the independent recount; their
/// native total is the sum of the provider's cost column as parsed in the
/// import pipeline (`x_SourceCost`).
pub const RECOUNT_LIMIT_BYTES: u64 = 512 * 1024 * 1024;

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
    let (counts, totals) = match &normalized.text_header {
        Some(header) => {
            let (counts, totals) = stage_text(
                path,
                &normalized,
                header,
                &staging,
                csv_reader::block_bytes_for(normalized.columns.used().len()),
            )?;
            (Some(counts), Some(totals))
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
            (None, None)
        }
    };
    let report = reconcile(path, &normalized, &staging, counts, totals)?;
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
            message: format!("{value:?} {what}"),
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
fn slice_totals(rows: LazyFrame) -> LazyFrame {
    let unknown = |c: &str| col(c).fill_null(lit("(none)"));
    rows.group_by([
        unknown("ProviderName").alias("provider"),
        unknown("BillingAccountId").alias("billing_account"),
        unknown("SubAccountId").alias("sub_account"),
        // The month is taken after grouping (see `merge_slice_totals`):
        // grouping by the timestamp costs less than computing it per row.
        crate::store::period_start_expr().alias("period_start"),
        unknown("BillingCurrency").alias("currency"),
    ])
    .agg([
        len().cast(DataType::UInt64).alias("rows"),
        col("BilledCost").sum().alias("billed_cost"),
        col("EffectiveCost").sum().alias("effective_cost"),
        col("ListCost").sum().alias("list_cost"),
        col("x_SourceCost").sum().alias("source_cost"),
        col("x_SourceCredits").sum().alias("source_credits"),
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
    ])
}

/// Adds up partial slice totals, sorted by slice.
fn merge_slice_totals(mut parts: Vec<DataFrame>) -> PolarsResult<DataFrame> {
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
        "source_cost",
        "source_credits",
        "billed_differs",
        "effective_differs",
    ]
    .map(|c| col(c).sum());
    concat(parts, UnionArgs::default())?
        .with_column(crate::store::period_number_of(col("period_start")))
        .group_by(SLICE_KEYS.map(col))
        .agg(sums)
        .sort(SLICE_KEYS, Default::default())
        .collect()
}

fn reconcile(
    path: &Path,
    normalized: &Normalized,
    staging: &Path,
    counts: Option<csv_reader::Counts>,
    totals: Option<Vec<DataFrame>>,
) -> Result<FileReport> {
    let ctx = |e| Error::polars(format!("{}: checking the import", path.display()), e);
    let staged = LazyFrame::scan_parquet(
        PlRefPath::new(staging.to_string_lossy().as_ref()),
        ScanArgsParquet::default(),
    )
    .map_err(ctx)?;
    let partitions = match totals {
        // Added up from the blocks before writing: check the file holds them.
        Some(parts) => {
            let partitions = merge_slice_totals(parts).map_err(ctx)?;
            if !stored_matches(staged.clone(), &partitions).map_err(ctx)? {
                return Err(Error::Reconciliation {
                    file: path.to_path_buf(),
                    message: "the staged Parquet file does not hold the rows that were read; \
                              nothing was imported"
                        .into(),
                });
            }
            partitions
        }
        None => slice_totals(staged.clone())
            .collect_with_engine(Engine::Streaming)
            .map(|r| r.unwrap_single())
            .and_then(|whole| merge_slice_totals(vec![whole]))
            .map_err(ctx)?,
    };

    let get_str = |name: &str, i: usize| -> String {
        partitions
            .column(name)
            .ok()
            .and_then(|c| c.str().ok().and_then(|s| s.get(i).map(str::to_string)))
            .unwrap_or_default()
    };
    let get_f64 = |name: &str, i: usize| -> f64 {
        partitions
            .column(name)
            .ok()
            .and_then(|c| c.f64().ok().and_then(|s| s.get(i)))
            .unwrap_or(0.0)
    };
    let get_u64 = |name: &str, i: usize| -> u64 {
        partitions
            .column(name)
            .ok()
            .and_then(|c| c.get(i).ok().and_then(|v| v.extract::<u64>()))
            .unwrap_or(0)
    };
    let periods = crate::store::period_labels(&partitions).map_err(ctx)?;
    let mut stats = Vec::new();
    let mut source_by_currency: std::collections::BTreeMap<String, (f64, f64)> = Default::default();
    let (mut billed_differs, mut effective_differs) = (0u64, 0u64);
    for (i, period) in periods.into_iter().enumerate() {
        let currency = get_str("currency", i);
        let s = source_by_currency.entry(currency.clone()).or_default();
        s.0 += get_f64("source_cost", i);
        s.1 += get_f64("source_credits", i);
        billed_differs += get_u64("billed_differs", i);
        effective_differs += get_u64("effective_differs", i);
        stats.push(Slice {
            provider: get_str("provider", i),
            billing_account: get_str("billing_account", i),
            sub_account: get_str("sub_account", i),
            period,
            currency,
            rows: get_u64("rows", i),
            billed_cost: get_f64("billed_cost", i),
            effective_cost: get_f64("effective_cost", i),
            list_cost: get_f64("list_cost", i),
        });
    }
    let rows: u64 = stats.iter().map(|p| p.rows).sum();
    if stats.iter().any(|p| p.period == crate::store::NO_PERIOD) {
        return Err(undated_row_error(path, staged));
    }

    // Which measure the provider's own total is. Azure rows either keep the
    // row cost in both measures, or move it to one of them; a file whose
    // billed measure differs from the row cost is an amortized export.
    let is_azure = normalized.format.starts_with("azure");
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

    let file_size = std::fs::metadata(&normalized.text_path)
        .map(|m| m.len())
        .unwrap_or(u64::MAX);
    let recount = if file_size <= RECOUNT_LIMIT_BYTES && normalized.native_cost_column.is_some() {
        Some(normalized.recount()?)
    } else {
        None
    };

    let mut notes = Vec::new();
    // Every data record the file holds must be a row of the import: the
    // re-read counts them when there is one, else the CSV reader did.
    let (file_rows, blank_rows, short_rows, native_check) = match (&recount, counts) {
        (Some(r), _) => (
            Some(r.rows),
            r.blank_rows,
            r.short_rows,
            "independent re-read",
        ),
        (None, Some(c)) => (Some(c.rows), c.blank_rows, c.short_rows, "in-pipeline"),
        (None, None) => (None, 0, 0, "in-pipeline"),
    };
    if let Some(file_rows) = file_rows
        && file_rows != rows
    {
        return Err(Error::Reconciliation {
            file: path.to_path_buf(),
            message: format!(
                "the file has {file_rows} data rows but {rows} were read; nothing was imported"
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

    let mut checks = Vec::new();
    for (currency, (source, credits)) in &source_by_currency {
        let in_currency = stats.iter().filter(|p| &p.currency == currency);
        let billed: f64 = in_currency.clone().map(|p| p.billed_cost).sum();
        let effective: f64 = in_currency.clone().map(|p| p.effective_cost).sum();
        let list: f64 = in_currency.map(|p| p.list_cost).sum();
        let native = match &recount {
            Some(r) => r.total_for(currency),
            None => *source,
        };
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
        if normalized.native_credits_column.is_some() {
            let native_credits = match &recount {
                Some(r) => r.credits_for(currency),
                None => *credits,
            };
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
    let mut periods: Vec<String> = stats.iter().map(|p| p.period.clone()).collect();
    periods.sort();
    periods.dedup();
    Ok(FileReport {
        path: path.to_path_buf(),
        format: normalized.format.to_string(),
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
        native_check: native_check.to_string(),
        periods,
        currencies: checks,
        slices: stats,
        notes,
    })
}

/// Whether the staging file holds the rows and costs of the slice totals.
fn stored_matches(staged: LazyFrame, partitions: &DataFrame) -> PolarsResult<bool> {
    let stored = staged
        .select([
            len().cast(DataType::UInt64).alias("rows"),
            col("BilledCost").sum().alias("billed_cost"),
            col("EffectiveCost").sum().alias("effective_cost"),
        ])
        .collect()?;
    let sum_of = |frame: &DataFrame, name: &str| -> PolarsResult<f64> {
        Ok(frame
            .column(name)?
            .cast(&DataType::Float64)?
            .f64()?
            .sum()
            .unwrap_or(0.0))
    };
    if sum_of(&stored, "rows")? != sum_of(partitions, "rows")? {
        return Ok(false);
    }
    for cost in ["billed_cost", "effective_cost"] {
        // A checksum of what was written, not a reported figure: allow for
        // the order in which millions of values were added.
        let (stored, read) = (sum_of(&stored, cost)?, sum_of(partitions, cost)?);
        if (stored - read).abs() > 0.005 + 1e-9 * read.abs() {
            return Ok(false);
        }
    }
    Ok(true)
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

/// Two totals agree to the cent when they differ by less than half a cent.
pub fn agrees_to_the_cent(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.005
}

/// The billing files in a folder, recursively, in name order. In a folder
/// holding a CUR manifest, the manifest stands for its parts and the rest of
/// the delivery (older assemblies) is skipped; hidden files are ignored.
pub fn files_in_folder(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir.display().to_string(), e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    let manifests: Vec<&PathBuf> = entries
        .iter()
        .filter(|p| p.is_file() && cur_manifest::is_manifest(p))
        .collect();
    if !manifests.is_empty() {
        files.extend(manifests.into_iter().cloned());
        return Ok(());
    }
    for entry in entries {
        let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        if entry.is_dir() {
            files_in_folder(&entry, files)?;
        } else if !name.to_ascii_lowercase().ends_with(".json") || !name.contains("Manifest") {
            files.push(entry);
        }
    }
    Ok(())
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
