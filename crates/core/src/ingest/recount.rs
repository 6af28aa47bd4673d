//! The independent half of the reconciliation: re-reads the provider's cost
//! straight from the file, with a plain CSV tokenizer (or the Parquet
//! column as stored) and exact decimal arithmetic, without the import's
//! mapping, so that a parsing or mapping mistake in the import pipeline
//! cannot agree with itself.
//!
//! The cost of a row is picked by the provider's rule from the raw text: the
//! native cost column, or where that cell is empty the first fallback column
//! with a value (AWS: net unblended cost, else unblended cost). Totals are
//! kept per currency and per the provider's own charge type, so that the
//! reconciliation can compare each charge category, not only the sum.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use rust_decimal::Decimal;

use super::columns::credit_total_exact;
use super::source::Container;
use crate::error::{Error, Result};
use crate::money::parse_exact;

/// The raw columns the recount reads, by their names in the file.
pub struct NativeColumns<'a> {
    /// The cost column, then the columns a row falls back to, in order,
    /// when its cell is empty.
    pub cost: &'a [String],
    pub credits: Option<&'a str>,
    pub currency: Option<&'a str>,
    /// The provider's charge type (line item type, ChargeType, cost_type...).
    pub charge_type: Option<&'a str>,
}

#[derive(Debug, Default)]
pub struct Recount {
    /// Non-blank data records.
    pub rows: u64,
    pub blank_rows: u64,
    /// Records with fewer fields than the header.
    pub short_rows: u64,
    /// Exact sum of the row costs per (currency, native charge type); the
    /// charge type is `None` when the file has no such column.
    totals: BTreeMap<(String, Option<String>), Decimal>,
    credits: BTreeMap<String, Decimal>,
}

fn to_f64(d: &Decimal) -> f64 {
    d.to_string().parse().unwrap_or(f64::NAN)
}

impl Recount {
    pub fn total_for(&self, currency: &str) -> f64 {
        let in_currency = self.totals.iter().filter(|((c, _), _)| c == currency);
        to_f64(&in_currency.fold(Decimal::ZERO, |sum, (_, d)| sum.saturating_add(*d)))
    }

    /// The totals of one currency per charge category, the native charge
    /// types mapped by `category`.
    pub fn by_category(
        &self,
        currency: &str,
        category: impl Fn(Option<&str>) -> String,
    ) -> BTreeMap<String, f64> {
        let mut out: BTreeMap<String, Decimal> = BTreeMap::new();
        for ((c, native), total) in &self.totals {
            if c == currency {
                let sum = out.entry(category(native.as_deref())).or_default();
                *sum = sum.saturating_add(*total);
            }
        }
        out.into_iter().map(|(k, d)| (k, to_f64(&d))).collect()
    }

    pub fn credits_for(&self, currency: &str) -> f64 {
        self.credits.get(currency).map(to_f64).unwrap_or(0.0)
    }

    /// Adds one row's cost; a sum beyond what a decimal holds is an error,
    /// never a panic.
    fn add(
        &mut self,
        path: &Path,
        currency: &str,
        charge_type: Option<&str>,
        value: Decimal,
    ) -> Result<()> {
        let total = self
            .totals
            .entry((currency.to_string(), charge_type.map(str::to_string)))
            .or_default();
        *total = total.checked_add(value).ok_or_else(|| too_large(path))?;
        Ok(())
    }

    fn add_credits(&mut self, path: &Path, currency: &str, value: Decimal) -> Result<()> {
        let total = self.credits.entry(currency.to_string()).or_default();
        *total = total.checked_add(value).ok_or_else(|| too_large(path))?;
        Ok(())
    }
}

fn too_large(path: &Path) -> Error {
    Error::Reconciliation {
        file: path.to_path_buf(),
        message: "the costs add up past the largest number Burnrate can hold; nothing was imported"
            .into(),
    }
}

/// Why a cost cell could not be read exactly.
fn not_exact(value: &str) -> String {
    let shown = crate::error::quoted(value);
    match value.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => format!(
            "{shown} is a number too large or too precise to add exactly (costs are added as \
             decimals of up to 28 digits, about ±7.9e28); nothing was imported"
        ),
        _ => format!("{shown} is not a number"),
    }
}

/// An empty cell, or the literal null FOCUS files write.
fn is_empty(text: &str) -> bool {
    text.is_empty() || text == "NULL" || text == "null"
}

pub fn recount(
    path: &Path,
    text_path: &Path,
    container: &Container,
    columns: &NativeColumns,
    header_len: usize,
) -> Result<Recount> {
    match container {
        Container::Parquet { .. } => recount_parquet(path, text_path, columns),
        _ => recount_csv(path, text_path, columns, header_len),
    }
}

fn recount_csv(
    path: &Path,
    text_path: &Path,
    columns: &NativeColumns,
    header_len: usize,
) -> Result<Recount> {
    let file = File::open(text_path).map_err(|e| Error::io(path.display().to_string(), e))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(BufReader::with_capacity(1 << 20, file));
    let headers = reader
        .headers()
        .map_err(|e| Error::bad_input(path, format!("the header cannot be read: {e}")))?
        .clone();
    let index_of = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}') == name)
    };
    let cost_idx: Vec<usize> = columns.cost.iter().filter_map(|c| index_of(c)).collect();
    let credits_idx = columns.credits.and_then(index_of);
    let currency_idx = columns.currency.and_then(index_of);
    let charge_type_idx = columns.charge_type.and_then(index_of);
    let header_len = header_len.max(headers.len());
    let mut out = Recount::default();
    let mut record = csv::ByteRecord::new();
    // Only a few fields of each record are decoded; the rest are tokenized.
    let text = |record: &csv::ByteRecord, i: Option<usize>| -> String {
        i.and_then(|i| record.get(i))
            .map(|b| String::from_utf8_lossy(b).trim().to_string())
            .unwrap_or_default()
    };
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let row = e.position().map(|p| p.record()).unwrap_or(0);
                return Err(Error::bad_input(
                    path,
                    format!("record {row} cannot be read: {e}"),
                ));
            }
        }
        let data_row = out.rows + out.blank_rows + 1;
        if record.iter().all(|f| f.trim_ascii().is_empty()) {
            out.blank_rows += 1;
            continue;
        }
        if record.len() > header_len {
            return Err(Error::BadValue {
                file: path.to_path_buf(),
                row: data_row,
                column: format!("field {}", header_len + 1),
                message: format!(
                    "the row has {} fields but the header has {header_len}; the file is damaged or \
                     uses a different delimiter",
                    record.len()
                ),
            });
        }
        if record.len() < header_len {
            out.short_rows += 1;
        }
        out.rows += 1;
        let mut currency = text(&record, currency_idx);
        if is_empty(&currency) {
            currency = "(none)".into();
        }
        let charge_type = charge_type_idx.map(|i| text(&record, Some(i)));
        // The provider's rule: the first cost column with a value in this row.
        let cost = cost_idx.iter().find_map(|&i| {
            let value = text(&record, Some(i));
            (!is_empty(&value)).then_some((i, value))
        });
        if let Some((i, value)) = cost {
            let parsed = parse_exact(&value).ok_or_else(|| Error::BadValue {
                file: path.to_path_buf(),
                row: data_row,
                column: headers.get(i).unwrap_or("").to_string(),
                message: not_exact(&value),
            })?;
            out.add(path, &currency, charge_type.as_deref(), parsed)?;
        }
        if let Some(i) = credits_idx {
            let value = text(&record, Some(i));
            let parsed = credit_total_exact(&value).ok_or_else(|| Error::BadValue {
                file: path.to_path_buf(),
                row: data_row,
                column: headers.get(i).unwrap_or("").to_string(),
                message: format!("{} is not a list of credits", crate::error::quoted(&value)),
            })?;
            out.add_credits(path, &currency, parsed)?;
        }
    }
    Ok(out)
}

/// Parquet has no text to re-read: the cost columns are read as stored
/// (text parsed as exact decimals, floats by their shortest round-trip
/// digits) and picked row by row by the same rule as CSV.
fn recount_parquet(path: &Path, parquet_path: &Path, columns: &NativeColumns) -> Result<Recount> {
    use polars::prelude::*;
    let ctx = |e| Error::polars(format!("{}: re-reading the cost column", path.display()), e);
    let lf = LazyFrame::scan_parquet(
        PlRefPath::new(parquet_path.to_string_lossy().as_ref()),
        crate::frame::literal_parquet(),
    )
    .map_err(ctx)?;
    let as_text = |name: Option<&str>| match name {
        Some(c) => col(c).cast(DataType::String),
        None => lit(NULL).cast(DataType::String),
    };
    let mut select = vec![
        as_text(columns.currency).alias("currency"),
        as_text(columns.charge_type).alias("charge_type"),
    ];
    for (i, cost) in columns.cost.iter().enumerate() {
        select.push(as_text(Some(cost)).alias(format!("cost{i}")));
    }
    let df = lf
        .select(select)
        .collect_with_engine(Engine::Streaming)
        .map(|r| r.unwrap_single())
        .map_err(ctx)?;
    let text_column = |name: &str| -> Result<StringChunked> {
        Ok(df.column(name).map_err(ctx)?.str().map_err(ctx)?.clone())
    };
    let currencies = text_column("currency")?;
    let charge_types = text_column("charge_type")?;
    let costs: Vec<StringChunked> = (0..columns.cost.len())
        .map(|i| text_column(&format!("cost{i}")))
        .collect::<Result<_>>()?;
    let mut out = Recount::default();
    for row in 0..df.height() {
        out.rows += 1;
        let currency = currencies
            .get(row)
            .map(str::trim)
            .filter(|c| !is_empty(c))
            .unwrap_or("(none)");
        let charge_type = columns
            .charge_type
            .map(|_| charge_types.get(row).unwrap_or("").trim());
        let cost = costs.iter().enumerate().find_map(|(i, c)| {
            c.get(row)
                .map(str::trim)
                .filter(|v| !is_empty(v))
                .map(|v| (i, v))
        });
        if let Some((i, value)) = cost {
            let parsed = parse_exact(value).ok_or_else(|| Error::BadValue {
                file: path.to_path_buf(),
                row: row as u64 + 1,
                column: columns.cost[i].clone(),
                message: not_exact(value),
            })?;
            out.add(path, currency, charge_type, parsed)?;
        }
    }
    Ok(out)
}
