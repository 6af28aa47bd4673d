//! Opening, detecting and mapping one billing file: the lazy frame of
//! canonical columns that staging runs.

use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::columns::{ROW_INDEX, SourceColumns};
use super::format::{Format, detect};
use super::source::{Container, OpenedFile};
use super::{jsonl, recount};
use crate::error::{Error, Result};
use crate::schema;

/// A file read and mapped, not yet run.
pub struct Normalized {
    pub opened: OpenedFile,
    pub format: Format,
    pub version: Option<&'static str>,
    /// Canonical columns, in schema order.
    pub frame: LazyFrame,
    /// The raw scan with a row index, for locating bad values.
    pub(super) raw: LazyFrame,
    /// The header as written, for text files (CSV or converted JSON lines).
    pub(super) text_header: Option<Vec<String>>,
    /// FOCUS text files write null as `NULL`.
    pub(super) literal_null: bool,
    /// The filter and the expressions `frame` applies to `raw`.
    pub(super) not_blank: Expr,
    pub(super) exprs: Vec<Expr>,
    pub(super) columns: SourceColumns,
    /// Raw names of the provider's cost column and the columns a row falls
    /// back to where it is empty, of GCP credits, the currency and the
    /// provider's charge type: what the independent recount reads.
    pub native_cost_columns: Vec<String>,
    pub native_credits_column: Option<String>,
    pub native_currency_column: Option<String>,
    pub native_charge_type_column: Option<String>,
    pub(super) header_len: usize,
    /// The text the raw scan reads (the CSV made from a JSON-lines file, or
    /// the decompressed file); the recount re-reads the same text.
    pub(super) text_path: PathBuf,
    /// Keeps a JSON-lines file's CSV conversion alive.
    _converted: Option<tempfile::TempPath>,
}

/// Opens, detects and maps one billing file.
pub fn normalize(path: &Path, temp_dir: &Path) -> Result<Normalized> {
    let opened = OpenedFile::open(path, temp_dir)?;
    if let Container::Parquet { columns } = &opened.container
        && let Some(reason) = super::source::status_table(columns)
    {
        return Err(Error::bad_input(
            path,
            format!("{reason}; nothing was imported"),
        ));
    }
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
    let raw = match &opened.container {
        Container::Csv { .. } if format == Format::Focus => scan_csv(&opened.scan_path, true)
            .map_err(|e| Error::bad_input(path, format!("cannot be read as CSV: {e}")))?,
        _ => raw,
    };
    let adapter = format.adapter();
    let columns = SourceColumns::new(&raw_names, |raw| adapter.key(raw));
    let produced = adapter.mapping(&columns, &raw_names);
    let name_of = |keys: &[&str]| {
        columns
            .first_of(keys)
            .and_then(|k| columns.raw_name(k))
            .map(str::to_string)
    };
    // Without the provider's own cost column nothing can be reconciled: the
    // file is refused rather than imported as zero cost.
    let Some(native_cost_column) = name_of(adapter.native_cost_keys()) else {
        return Err(Error::bad_input(
            path,
            format!(
                "it looks like {} but has no cost column ({}); nothing was imported",
                format.name(),
                adapter.native_cost_keys().join(" or ")
            ),
        ));
    };
    let mut native_cost_columns = vec![native_cost_column];
    for key in adapter.native_cost_fallback_keys() {
        if let Some(name) = name_of(&[key])
            && !native_cost_columns.contains(&name)
        {
            native_cost_columns.push(name);
        }
    }
    let native_credits_column = adapter.credits_key().and_then(|k| name_of(&[k]));
    let native_currency_column = name_of(adapter.currency_keys());
    let native_charge_type_column = name_of(adapter.charge_type_keys());

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
        literal_null: format == Format::Focus,
        text_header,
        not_blank,
        exprs,
        opened,
        format,
        version,
        frame,
        raw,
        columns,
        native_cost_columns,
        native_credits_column,
        native_currency_column,
        native_charge_type_column,
        header_len,
        text_path,
        _converted: converted,
    })
}

impl Normalized {
    /// The independent re-read of the provider's cost column.
    pub(super) fn recount(&self) -> Result<recount::Recount> {
        let columns = recount::NativeColumns {
            cost: &self.native_cost_columns,
            credits: self.native_credits_column.as_deref(),
            currency: self.native_currency_column.as_deref(),
            charge_type: self.native_charge_type_column.as_deref(),
        };
        recount::recount(
            &self.opened.original,
            &self.text_path,
            &self.opened.container,
            &columns,
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
        // The path is a file name, not a pattern.
        .with_glob(false)
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
///
/// Text columns read as an empty CSV field does: `""`, `NULL` and `null`
/// are null (AWS's Athena Parquet writes numbers as text with `""` for null;
/// exports written by query engines write `NULL`). A Parquet file has real
/// nulls for text, so a literal `NULL` is never a value there.
fn scan_parquet_as_text(path: &Path) -> PolarsResult<LazyFrame> {
    let mut lf = LazyFrame::scan_parquet(
        PlRefPath::new(path.to_string_lossy().as_ref()),
        ScanArgsParquet {
            row_index: Some(RowIndex {
                name: ROW_INDEX.into(),
                offset: 1,
            }),
            ..crate::frame::literal_parquet()
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
                DataType::String => {
                    let is_null = c
                        .clone()
                        .eq(lit(""))
                        .or(c.clone().eq(lit("NULL")))
                        .or(c.clone().eq(lit("null")));
                    when(is_null)
                        .then(lit(NULL).cast(DataType::String))
                        .otherwise(c)
                        .alias(name.clone())
                }
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
