//! The independent half of the reconciliation: re-reads the provider's cost
//! column straight from the file with a plain CSV reader and exact decimal
//! arithmetic, without Polars or any mapping, so that a parsing or mapping
//! mistake in the import pipeline cannot agree with itself.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use rust_decimal::Decimal;

use super::columns::credit_total_exact;
use super::source::Container;
use crate::error::{Error, Result};
use crate::money::parse_exact;

pub struct Recount {
    /// Non-blank data records.
    pub rows: u64,
    pub blank_rows: u64,
    /// Records with fewer fields than the header.
    pub short_rows: u64,
    /// Exact sum of the cost column per currency (as written in the file).
    totals: BTreeMap<String, Decimal>,
    credits: BTreeMap<String, Decimal>,
}

impl Recount {
    pub fn total_for(&self, currency: &str) -> f64 {
        self.totals
            .get(currency)
            .map(|d| d.to_string().parse().unwrap_or(f64::NAN))
            .unwrap_or(0.0)
    }

    pub fn credits_for(&self, currency: &str) -> f64 {
        self.credits
            .get(currency)
            .map(|d| d.to_string().parse().unwrap_or(f64::NAN))
            .unwrap_or(0.0)
    }
}

pub fn recount(
    path: &Path,
    text_path: &Path,
    container: &Container,
    cost_column: Option<&str>,
    credits_column: Option<&str>,
    currency_column: Option<&str>,
    header_len: usize,
) -> Result<Recount> {
    match container {
        Container::Parquet { .. } => recount_parquet(path, text_path, cost_column, currency_column),
        _ => recount_csv(
            path,
            text_path,
            cost_column,
            credits_column,
            currency_column,
            header_len,
        ),
    }
}

fn recount_csv(
    path: &Path,
    text_path: &Path,
    cost_column: Option<&str>,
    credits_column: Option<&str>,
    currency_column: Option<&str>,
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
    let index_of = |name: Option<&str>| {
        name.and_then(|n| {
            headers
                .iter()
                .position(|h| h.trim_start_matches('\u{feff}') == n)
        })
    };
    let cost_idx = index_of(cost_column);
    let credits_idx = index_of(credits_column);
    let currency_idx = index_of(currency_column);
    let header_len = header_len.max(headers.len());
    let mut out = Recount {
        rows: 0,
        blank_rows: 0,
        short_rows: 0,
        totals: BTreeMap::new(),
        credits: BTreeMap::new(),
    };
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
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
        if record.iter().all(|f| f.trim().is_empty()) {
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
        let currency = currency_idx
            .and_then(|i| record.get(i))
            .map(str::trim)
            .filter(|c| !c.is_empty() && *c != "NULL" && *c != "null")
            .unwrap_or("(none)")
            .to_string();
        if let Some(i) = cost_idx {
            let text = record.get(i).unwrap_or("").trim();
            let total = out.totals.entry(currency.clone()).or_default();
            if !text.is_empty() && text != "NULL" && text != "null" {
                let value = parse_exact(text).ok_or_else(|| Error::BadValue {
                    file: path.to_path_buf(),
                    row: data_row,
                    column: headers.get(i).unwrap_or("").to_string(),
                    message: format!("{text:?} is not a number"),
                })?;
                *total += value;
            }
        }
        if let Some(i) = credits_idx {
            let text = record.get(i).unwrap_or("");
            let value = credit_total_exact(text).ok_or_else(|| Error::BadValue {
                file: path.to_path_buf(),
                row: data_row,
                column: headers.get(i).unwrap_or("").to_string(),
                message: format!("{text:?} is not a list of credits"),
            })?;
            *out.credits.entry(currency).or_default() += value;
        }
    }
    Ok(out)
}

fn recount_parquet(
    path: &Path,
    parquet_path: &Path,
    cost_column: Option<&str>,
    currency_column: Option<&str>,
) -> Result<Recount> {
    use polars::prelude::*;
    let ctx = |e| Error::polars(format!("{}: re-reading the cost column", path.display()), e);
    let lf = LazyFrame::scan_parquet(
        PlRefPath::new(parquet_path.to_string_lossy().as_ref()),
        crate::frame::literal_parquet(),
    )
    .map_err(ctx)?;
    let currency = match currency_column {
        Some(c) => col(c).cast(DataType::String).fill_null(lit("(none)")),
        None => lit("(none)"),
    };
    let cost = match cost_column {
        Some(c) => col(c).cast(DataType::Float64),
        None => lit(0.0),
    };
    let df = lf
        .group_by([currency.alias("currency")])
        .agg([
            len().cast(DataType::UInt64).alias("rows"),
            cost.sum().alias("total"),
        ])
        .collect()
        .map_err(ctx)?;
    let mut out = Recount {
        rows: 0,
        blank_rows: 0,
        short_rows: 0,
        totals: BTreeMap::new(),
        credits: BTreeMap::new(),
    };
    let currencies = df
        .column("currency")
        .map_err(ctx)?
        .str()
        .map_err(ctx)?
        .clone();
    let rows = df.column("rows").map_err(ctx)?.u64().map_err(ctx)?.clone();
    let totals = df.column("total").map_err(ctx)?.f64().map_err(ctx)?.clone();
    for i in 0..df.height() {
        out.rows += rows.get(i).unwrap_or(0);
        let total = Decimal::from_f64_retain(totals.get(i).unwrap_or(0.0)).unwrap_or_default();
        out.totals
            .insert(currencies.get(i).unwrap_or("(none)").to_string(), total);
    }
    Ok(out)
}
