//! Building blocks the adapters use to turn raw text columns into typed
//! canonical columns: header lookup, and strict parsers for numbers, dates
//! and tags.
//!
//! Parsing is strict: a value that cannot be read fails the import. The fast
//! path only learns *that* something failed; [`SourceColumns::locate_bad_value`]
//! then finds the exact row and column for the message.

use std::cell::RefCell;
use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use polars::prelude::*;

use crate::schema::{datetime_dtype, tags_dtype};

/// What a raw column is parsed as; used to find a bad value after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParsedAs {
    Number,
    Timestamp,
}

/// The raw columns of one file, looked up by a format-specific key.
pub struct SourceColumns {
    /// lookup key -> the column name as it appears in the scanned frame
    by_key: HashMap<String, String>,
    /// raw columns that were parsed strictly, for error location
    parsed: RefCell<Vec<(String, ParsedAs)>>,
    /// raw columns the mapping reads
    used: RefCell<std::collections::BTreeSet<String>>,
}

impl SourceColumns {
    pub fn new(raw_names: &[String], key: impl Fn(&str) -> String) -> Self {
        let mut by_key = HashMap::new();
        for name in raw_names {
            by_key.entry(key(name)).or_insert_with(|| name.clone());
        }
        SourceColumns {
            by_key,
            parsed: RefCell::new(Vec::new()),
            used: RefCell::new(Default::default()),
        }
    }

    pub fn has(&self, key: &str) -> bool {
        self.by_key.contains_key(key)
    }

    pub fn raw_name(&self, key: &str) -> Option<&str> {
        self.by_key.get(key).map(String::as_str)
    }

    /// The first key (in the given order) that the file has.
    pub fn first_of<'a>(&self, keys: &[&'a str]) -> Option<&'a str> {
        keys.iter().copied().find(|k| self.has(k))
    }

    /// The raw text of a column, trimmed, with empty strings as null; a typed
    /// null when the file does not have the column.
    ///
    /// Empty fields are already null: the scan reads them that way.
    pub fn text(&self, key: &str) -> Expr {
        match self.raw_name(key) {
            Some(raw) => self.raw(raw),
            None => lit(NULL).cast(DataType::String),
        }
    }

    /// A raw column by its name in the file, recorded as used.
    pub fn raw(&self, raw_name: &str) -> Expr {
        self.used.borrow_mut().insert(raw_name.to_string());
        col(raw_name)
    }

    /// The raw columns the mapping reads. Only these are materialized, so
    /// the other columns of a wide export cost nothing but tokenizing.
    pub fn used(&self) -> Vec<String> {
        self.used.borrow().iter().cloned().collect()
    }

    /// The first of several columns that the file has, as text.
    pub fn text_any(&self, keys: &[&str]) -> Expr {
        match self.first_of(keys) {
            Some(k) => self.text(k),
            None => lit(NULL).cast(DataType::String),
        }
    }

    /// A decimal number column (plain or scientific notation); null stays null.
    pub fn number(&self, key: &str) -> Expr {
        match self.raw_name(key) {
            Some(raw) => {
                self.parsed
                    .borrow_mut()
                    .push((raw.to_string(), ParsedAs::Number));
                self.text(key).strict_cast(DataType::Float64)
            }
            None => lit(NULL).cast(DataType::Float64),
        }
    }

    pub fn number_any(&self, keys: &[&str]) -> Expr {
        match self.first_of(keys) {
            Some(k) => self.number(k),
            None => lit(NULL).cast(DataType::Float64),
        }
    }

    /// A date or date-time column in any of the layouts billing exports use.
    pub fn timestamp(&self, key: &str) -> Expr {
        match self.raw_name(key) {
            Some(raw) => {
                self.parsed
                    .borrow_mut()
                    .push((raw.to_string(), ParsedAs::Timestamp));
                parse_timestamps(self.text(key), raw.to_string())
            }
            None => lit(NULL).cast(datetime_dtype()),
        }
    }

    pub fn timestamp_any(&self, keys: &[&str]) -> Expr {
        match self.first_of(keys) {
            Some(k) => self.timestamp(k),
            None => lit(NULL).cast(datetime_dtype()),
        }
    }

    /// After a failed import: scans the raw frame for the first value that
    /// does not parse, returning `(row, column, value, what)`.
    pub fn locate_bad_value(&self, raw: LazyFrame) -> Option<(u64, String, String, &'static str)> {
        for (name, kind) in self.parsed.borrow().iter() {
            let stripped = col(name.as_str()).str().strip_chars(lit(NULL));
            // Numbers are parsed as written: a value padded with spaces is
            // not a number either, and is named here like any other.
            let text = match kind {
                ParsedAs::Number => col(name.as_str()),
                ParsedAs::Timestamp => stripped,
            };
            let (bad, what) = match kind {
                ParsedAs::Number => (
                    text.clone()
                        .neq(lit(""))
                        .and(text.clone().cast(DataType::Float64).is_null()),
                    "is not a number (a number is written without spaces or thousands separators)",
                ),
                ParsedAs::Timestamp => (
                    text.clone().neq(lit("")).and(
                        text.clone()
                            .map(
                                |c| Ok(lenient_timestamps(&c)),
                                |_, f| Ok(Field::new(f.name().clone(), datetime_dtype())),
                            )
                            .is_null(),
                    ),
                    "is not a date or date-time Burnrate can read",
                ),
            };
            let found = raw
                .clone()
                .filter(bad)
                .select([col(ROW_INDEX), text.alias("value")])
                .limit(1)
                .collect()
                .ok()?;
            if found.height() > 0 {
                let row = found
                    .column(ROW_INDEX)
                    .ok()?
                    .get(0)
                    .ok()?
                    .extract::<u64>()?;
                let value = found
                    .column("value")
                    .ok()?
                    .str()
                    .ok()?
                    .get(0)
                    .unwrap_or("")
                    .to_string();
                return Some((row, name.clone(), value, what));
            }
        }
        None
    }
}

/// The row-number column added while scanning (1-based data rows).
pub const ROW_INDEX: &str = "__source_row";

fn parse_timestamps(text: Expr, column: String) -> Expr {
    text.map(
        move |c| {
            let ca = c.str()?;
            // Billing files repeat the same few hundred timestamps millions
            // of times: parse each distinct text once.
            let mut parsed: PlHashMap<&str, i64> = PlHashMap::new();
            let mut out = Vec::with_capacity(ca.len());
            for value in ca.iter() {
                out.push(match value {
                    None => None,
                    Some(s) => match parsed.get(s) {
                        Some(&ms) => Some(ms),
                        None => {
                            let ms = parse_timestamp_ms(s).ok_or_else(|| {
                                polars_err!(ComputeError: "column {column:?}: {} is not a date or date-time", crate::error::quoted(s))
                            })?;
                            parsed.insert(s, ms);
                            Some(ms)
                        }
                    },
                });
            }
            let ca = Int64Chunked::from_iter_options(c.name().clone(), out.into_iter());
            Ok(ca.into_datetime(TimeUnit::Milliseconds, None).into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), datetime_dtype())),
    )
}

fn lenient_timestamps(c: &Column) -> Column {
    let ca = match c.str() {
        Ok(ca) => ca,
        Err(_) => return Column::full_null(c.name().clone(), c.len(), &datetime_dtype()),
    };
    let ca: Int64Chunked = ca.iter().map(|v| v.and_then(parse_timestamp_ms)).collect();
    ca.with_name(c.name().clone())
        .into_datetime(TimeUnit::Milliseconds, None)
        .into_column()
}

/// Parses the date and date-time layouts found in billing exports into
/// milliseconds since the epoch, UTC:
/// - ISO dates and date-times, with `T` or a space, optional fractional
///   seconds, and `Z` or a `+HH:MM` offset (converted to UTC);
/// - US `M/D/YYYY` and `MM/DD/YYYY` (Azure), optionally followed by a time;
/// - `YYYYMMDD` (Azure Query API) and `YYYYMM` (GCP invoice month, the 1st).
pub fn parse_timestamp_ms(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.contains('/') {
        let (date_part, time_part) = match s.split_once(' ') {
            Some((d, t)) => (d, Some(t.trim())),
            None => (s, None),
        };
        let mut it = date_part.split('/');
        let month: u32 = it.next()?.parse().ok()?;
        let day: u32 = it.next()?.parse().ok()?;
        let year: i32 = it.next()?.parse().ok()?;
        if it.next().is_some() || year < 1000 {
            return None;
        }
        let date = NaiveDate::from_ymd_opt(year, month, day)?;
        let dt = match time_part {
            None | Some("") => date.and_hms_opt(0, 0, 0)?,
            Some(t) => parse_time(date, t)?.0,
        };
        return Some(dt.and_utc().timestamp_millis());
    }
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        let date = NaiveDate::parse_from_str(s, "%Y%m%d").ok()?;
        return Some(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis());
    }
    if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) {
        let date = NaiveDate::from_ymd_opt(s[..4].parse().ok()?, s[4..].parse().ok()?, 1)?;
        return Some(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis());
    }
    if s.len() < 10 {
        return None;
    }
    let date = NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()?;
    let rest = &s[10..];
    if rest.is_empty() {
        return Some(date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis());
    }
    let rest = rest.strip_prefix(['T', ' '])?;
    let (dt, offset_secs) = parse_time(date, rest)?;
    Some(
        (dt - chrono::Duration::seconds(offset_secs))
            .and_utc()
            .timestamp_millis(),
    )
}

/// Parses `HH:MM[:SS[.fff]][Z|±HH:MM|±HHMM]` on `date`; returns the local
/// date-time and the zone offset in seconds.
fn parse_time(date: NaiveDate, s: &str) -> Option<(NaiveDateTime, i64)> {
    let (clock, offset) = if let Some(c) = s.strip_suffix('Z') {
        (c, 0)
    } else if let Some(pos) = s.rfind(['+', '-']).filter(|&p| p >= 5) {
        let (c, z) = s.split_at(pos);
        let sign = if z.starts_with('-') { -1 } else { 1 };
        let digits: String = z[1..].chars().filter(|c| c.is_ascii_digit()).collect();
        if digits.len() != 4 {
            return None;
        }
        let h: i64 = digits[..2].parse().ok()?;
        let m: i64 = digits[2..].parse().ok()?;
        (c, sign * (h * 3600 + m * 60))
    } else {
        (s, 0)
    };
    let mut parts = clock.trim().split(':');
    let hour: u32 = parts.next()?.parse().ok()?;
    let minute: u32 = parts.next()?.parse().ok()?;
    let (second, millis) = match parts.next() {
        None => (0, 0),
        Some(sec) => match sec.split_once('.') {
            Some((whole, frac)) => {
                let frac3: String = frac.chars().chain("000".chars()).take(3).collect();
                (whole.parse().ok()?, frac3.parse().ok()?)
            }
            None => (sec.parse().ok()?, 0),
        },
    };
    if parts.next().is_some() {
        return None;
    }
    let dt = date.and_hms_milli_opt(hour, minute, second, millis)?;
    Some((dt, offset))
}

/// Builds the `Tags` column from a text column holding tags as JSON, in any
/// of the shapes exports use:
/// - a JSON object `{"k": "v"}`, or its members without the outer braces
///   (`"k": "v","k2": "v2"`, Azure EA);
/// - a list of `{"key": .., "value": ..}` objects (GCP labels), also in the
///   Python-repr style with single quotes.
pub fn tags_from_json(text: Expr) -> Expr {
    text.map(
        |c| {
            let ca = c.str()?;
            let normalized: StringChunked =
                ca.iter().map(|v| v.map(tags_to_canonical_json)).collect();
            let decoded = normalized
                .with_name(c.name().clone())
                .into_series()
                .str()?
                .json_decode(Some(tags_dtype()), None)?;
            Ok(decoded.into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), tags_dtype())),
    )
}

/// Builds the `Tags` column from one column per tag key (legacy and Athena
/// CUR `resourceTags/user:*`), keeping only the keys a row has a value for.
/// Written against Arrow arrays directly: the equivalent list expressions
/// cost more than the whole CSV parse on wide CURs.
pub fn tags_from_columns(keys: Vec<String>, values: Vec<Expr>) -> Expr {
    let fields: Vec<Expr> = values
        .into_iter()
        .enumerate()
        .map(|(i, v)| v.alias(format!("tag_{i}")))
        .collect();
    as_struct(fields).map(
        move |c| {
            let sc = c.struct_()?;
            let columns = sc.fields_as_series();
            let mut iters = Vec::with_capacity(columns.len());
            for column in &columns {
                iters.push(column.str()?.iter());
            }
            let mut offsets: Vec<i64> = Vec::with_capacity(c.len() + 1);
            offsets.push(0);
            let mut out_keys: Vec<&str> = Vec::new();
            let mut out_values: Vec<&str> = Vec::new();
            for _ in 0..c.len() {
                for (j, it) in iters.iter_mut().enumerate() {
                    if let Some(Some(v)) = it.next()
                        && !v.is_empty()
                    {
                        out_keys.push(keys[j].as_str());
                        out_values.push(v);
                    }
                }
                offsets.push(out_keys.len() as i64);
            }
            let key_series =
                StringChunked::from_iter_values("key".into(), out_keys.into_iter()).into_series();
            let value_series =
                StringChunked::from_iter_values("value".into(), out_values.into_iter())
                    .into_series();
            let pairs = StructChunked::from_series(
                "pairs".into(),
                key_series.len(),
                [key_series, value_series].iter(),
            )?;
            let pairs = pairs.rechunk();
            let pair_array = pairs.downcast_iter().next().expect("one chunk").clone();
            let offsets = polars_arrow::offset::Offsets::try_from(offsets)
                .map_err(|e| polars_err!(ComputeError: "tag offsets: {e}"))?;
            let list = polars_arrow::array::ListArray::<i64>::new(
                polars_arrow::array::ListArray::<i64>::default_datatype(
                    polars_arrow::array::Array::dtype(&pair_array).clone(),
                ),
                offsets.into(),
                Box::new(pair_array),
                None,
            );
            Ok(ListChunked::with_chunk(c.name().clone(), list).into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), tags_dtype())),
    )
}

/// Rewrites any supported tag text as `[{"key":..,"value":..}]`. Values that
/// are not strings (numbers, booleans) are kept as their JSON text.
pub fn tags_to_canonical_json(s: &str) -> String {
    let pairs = parse_tag_pairs(s);
    let list: Vec<serde_json::Value> = pairs
        .into_iter()
        .map(|(k, v)| serde_json::json!({"key": k, "value": v}))
        .collect();
    serde_json::Value::Array(list).to_string()
}

pub fn parse_tag_pairs(s: &str) -> Vec<(String, String)> {
    let trimmed = s.trim();
    if trimmed.is_empty() {
        return Vec::new();
    }
    let value: Option<serde_json::Value> = serde_json::from_str(trimmed)
        .ok()
        .or_else(|| serde_json::from_str(&format!("{{{trimmed}}}")).ok())
        .or_else(|| serde_json::from_str(&python_repr_to_json(trimmed)).ok());
    let as_text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    match value {
        Some(serde_json::Value::Object(map)) => {
            map.iter().map(|(k, v)| (k.clone(), as_text(v))).collect()
        }
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|item| {
                let key = item.get("key")?.as_str()?.to_string();
                let value = item.get("value").map(as_text).unwrap_or_default();
                Some((key, value))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Turns the Python `repr` of a list of dicts (as in GCP exports flattened by
/// Python tools) into JSON: single quotes, `None`, `True`, `False`.
pub fn python_repr_to_json(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // The quote that opened the string we are in: Python uses `"` for strings
    // that contain a `'`.
    let mut open_quote: Option<char> = None;
    let mut chars = s.chars().peekable();
    while let Some(ch) = chars.next() {
        match open_quote {
            Some(quote) => match ch {
                '\\' => {
                    out.push(ch);
                    if let Some(next) = chars.next() {
                        out.push(next);
                    }
                }
                c if c == quote => {
                    open_quote = None;
                    out.push('"');
                }
                '"' => out.push_str("\\\""),
                _ => out.push(ch),
            },
            None if ch == '\'' || ch == '"' => {
                open_quote = Some(ch);
                out.push('"');
            }
            None if ch.is_ascii_alphabetic() => {
                let mut word = String::from(ch);
                while let Some(&c) = chars.peek() {
                    if c.is_ascii_alphanumeric() {
                        word.push(c);
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push_str(match word.as_str() {
                    "None" => "null",
                    "True" => "true",
                    "False" => "false",
                    other => other,
                });
            }
            None => out.push(ch),
        }
    }
    out
}

/// Sums the `amount` fields of a credits list (GCP), JSON or Python repr.
pub fn sum_credit_amounts(text: Expr, column: String) -> Expr {
    text.map(
        move |c| {
            let ca = c.str()?;
            let mut out = Vec::with_capacity(ca.len());
            for v in ca.iter() {
                out.push(match v {
                    None => None,
                    Some(s) => Some(credit_total(s).ok_or_else(|| {
                        polars_err!(ComputeError: "column {column:?}: {} is not a list of credits", crate::error::quoted(s))
                    })?),
                });
            }
            Ok(Float64Chunked::from_iter_options(c.name().clone(), out.into_iter()).into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), DataType::Float64)),
    )
}

/// The sum of a GCP credits list's amounts as f64, for the import pipeline.
pub fn credit_total(s: &str) -> Option<f64> {
    sum_credits(s, |n| n.as_f64(), |t| t.trim().parse().ok())
}

/// The exact sum of a GCP credits list's amounts, for the independent
/// recount (the same rule as the costs: Decimal, never f64).
pub fn credit_total_exact(s: &str) -> Option<rust_decimal::Decimal> {
    sum_credits(
        s,
        |n| crate::money::parse_exact(&n.to_string()),
        crate::money::parse_exact,
    )
}

/// Adds up the `amount` of each item of a credits list (JSON, or the
/// Python repr some exports write), reading numbers and numeric text with
/// the given parsers: f64 in the import pipeline, Decimal in the recount.
fn sum_credits<T: Default + std::ops::AddAssign>(
    s: &str,
    number: impl Fn(&serde_json::Number) -> Option<T>,
    text: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    let trimmed = s.trim();
    if trimmed.is_empty() || trimmed == "[]" {
        return Some(T::default());
    }
    let value: serde_json::Value = serde_json::from_str(trimmed)
        .ok()
        .or_else(|| serde_json::from_str(&python_repr_to_json(trimmed)).ok())?;
    let mut total = T::default();
    for item in value.as_array()? {
        total += match item.get("amount")? {
            serde_json::Value::Number(n) => number(n)?,
            serde_json::Value::String(t) => text(t)?,
            _ => return None,
        };
    }
    Some(total)
}

#[cfg(test)]
mod tests;
