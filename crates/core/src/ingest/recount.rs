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
    /// Whether the file has a charge type column (else every row's native
    /// charge type is "none", which a category rule tells from an empty cell).
    has_charge_type: bool,
    /// Exact sum of the row costs per currency, then native charge type.
    /// Keyed by owned strings but looked up by the row's borrowed text, so a
    /// row allocates nothing.
    totals: BTreeMap<String, BTreeMap<String, Decimal>>,
    credits: BTreeMap<String, Decimal>,
}

fn to_f64(d: &Decimal) -> f64 {
    d.to_string().parse().unwrap_or(f64::NAN)
}

impl Recount {
    fn new(has_charge_type: bool) -> Recount {
        Recount {
            has_charge_type,
            ..Recount::default()
        }
    }

    pub fn total_for(&self, currency: &str) -> f64 {
        let in_currency = self
            .totals
            .get(currency)
            .into_iter()
            .flat_map(|m| m.values());
        to_f64(&in_currency.fold(Decimal::ZERO, |sum, d| sum.saturating_add(*d)))
    }

    /// The totals of one currency per charge category, the native charge
    /// types mapped by `category`.
    pub fn by_category(
        &self,
        currency: &str,
        category: impl Fn(Option<&str>) -> String,
    ) -> BTreeMap<String, f64> {
        let mut out: BTreeMap<String, Decimal> = BTreeMap::new();
        for (native, total) in self.totals.get(currency).into_iter().flatten() {
            let native = self.has_charge_type.then_some(native.as_str());
            let sum = out.entry(category(native)).or_default();
            *sum = sum.saturating_add(*total);
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
        charge_type: &str,
        value: Decimal,
    ) -> Result<()> {
        if !self.totals.contains_key(currency) {
            self.totals.insert(currency.to_string(), BTreeMap::new());
        }
        let by_type = self.totals.get_mut(currency).expect("inserted above");
        let total = match by_type.get_mut(charge_type) {
            Some(total) => total,
            None => by_type.entry(charge_type.to_string()).or_default(),
        };
        *total = total.checked_add(value).ok_or_else(|| too_large(path))?;
        Ok(())
    }

    fn add_credits(&mut self, path: &Path, currency: &str, value: Decimal) -> Result<()> {
        if !self.credits.contains_key(currency) {
            self.credits.insert(currency.to_string(), Decimal::ZERO);
        }
        let total = self.credits.get_mut(currency).expect("inserted above");
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
    let mut out = Recount::new(charge_type_idx.is_some());
    let mut record = csv::ByteRecord::new();
    // Only a few fields of each record are decoded (borrowed, not copied);
    // the rest are only tokenized.
    fn field(record: &csv::ByteRecord, i: Option<usize>) -> std::borrow::Cow<'_, str> {
        i.and_then(|i| record.get(i))
            .map(String::from_utf8_lossy)
            .unwrap_or_default()
    }
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
        let currency = field(&record, currency_idx);
        let currency = Some(currency.trim())
            .filter(|c| !is_empty(c))
            .unwrap_or("(none)");
        let charge_type = field(&record, charge_type_idx);
        // The provider's rule: the first cost column with a value in this row.
        let cost = cost_idx.iter().find_map(|&i| {
            let value = field(&record, Some(i));
            (!is_empty(value.trim())).then_some((i, value))
        });
        if let Some((i, value)) = cost {
            let value = value.trim();
            let parsed = parse_exact(value).ok_or_else(|| Error::BadValue {
                file: path.to_path_buf(),
                row: data_row,
                column: headers.get(i).unwrap_or("").to_string(),
                message: not_exact(value),
            })?;
            out.add(path, currency, charge_type.trim(), parsed)?;
        }
        if let Some(i) = credits_idx {
            let value = field(&record, Some(i));
            let value = value.trim();
            let parsed = credit_total_exact(value).ok_or_else(|| Error::BadValue {
                file: path.to_path_buf(),
                row: data_row,
                column: headers.get(i).unwrap_or("").to_string(),
                message: format!("{} is not a list of credits", crate::error::quoted(value)),
            })?;
            out.add_credits(path, currency, parsed)?;
        }
    }
    Ok(out)
}

/// Parquet has no text to re-read: the cost columns are read as stored
/// (text parsed as exact decimals, floats by their shortest round-trip
/// digits) and picked row by row by the same rule as CSV, a slice of rows at
/// a time so a large file is never held whole.
fn recount_parquet(path: &Path, parquet_path: &Path, columns: &NativeColumns) -> Result<Recount> {
    use polars::prelude::*;
    const SLICE_ROWS: usize = 1 << 20;
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
    let lf = lf.select(select);
    let mut out = Recount::new(columns.charge_type.is_some());
    loop {
        let df = lf
            .clone()
            .slice(out.rows as i64, SLICE_ROWS as IdxSize)
            .collect()
            .map_err(ctx)?;
        let text_column = |name: &str| -> Result<StringChunked> {
            Ok(df.column(name).map_err(ctx)?.str().map_err(ctx)?.clone())
        };
        let currencies = text_column("currency")?;
        let charge_types = text_column("charge_type")?;
        let costs: Vec<StringChunked> = (0..columns.cost.len())
            .map(|i| text_column(&format!("cost{i}")))
            .collect::<Result<_>>()?;
        for row in 0..df.height() {
            out.rows += 1;
            let currency = currencies
                .get(row)
                .map(str::trim)
                .filter(|c| !is_empty(c))
                .unwrap_or("(none)");
            let charge_type = charge_types.get(row).unwrap_or("").trim();
            let cost = costs.iter().enumerate().find_map(|(i, c)| {
                c.get(row)
                    .map(str::trim)
                    .filter(|v| !is_empty(v))
                    .map(|v| (i, v))
            });
            if let Some((i, value)) = cost {
                let parsed = parse_exact(value).ok_or_else(|| Error::BadValue {
                    file: path.to_path_buf(),
                    row: out.rows,
                    column: columns.cost[i].clone(),
                    message: not_exact(value),
                })?;
                out.add(path, currency, charge_type, parsed)?;
            }
        }
        if df.height() < SLICE_ROWS {
            return Ok(out);
        }
    }
}
