//! Writing frames as a terminal table, CSV (RFC 4180) or JSON.
//!
//! Money is rounded only here, at display: to cents in tables, to six
//! decimals in CSV and JSON (enough for per-unit prices, free of float noise).

use std::io::Write;

use burnrate_core::reports::csv::{cell, write_csv};
use polars::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

impl Format {
    /// The format a file's name asks for: `.csv`, `.json`, else a table.
    pub fn of_file(path: &std::path::Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("csv") => Format::Csv,
            Some(e) if e.eq_ignore_ascii_case("json") => Format::Json,
            _ => Format::Table,
        }
    }
}

pub fn write_frame(out: &mut dyn Write, df: &DataFrame, format: Format) -> std::io::Result<()> {
    match format {
        Format::Csv => write_csv(out, df),
        Format::Json => write_json(out, df),
        Format::Table => write_table(out, df),
    }
}

fn write_json(out: &mut dyn Write, df: &DataFrame) -> std::io::Result<()> {
    let mut rows = Vec::with_capacity(df.height());
    for row in 0..df.height() {
        let mut object = serde_json::Map::new();
        for column in df.columns() {
            let value = match column.get(row).unwrap_or(AnyValue::Null) {
                AnyValue::Null => serde_json::Value::Null,
                AnyValue::Float64(v) => serde_json::json!((v * 1e6).round() / 1e6),
                AnyValue::Float32(v) => serde_json::json!(((v as f64) * 1e6).round() / 1e6),
                AnyValue::Int64(v) => serde_json::json!(v),
                AnyValue::Int32(v) => serde_json::json!(v),
                AnyValue::UInt64(v) => serde_json::json!(v),
                AnyValue::UInt32(v) => serde_json::json!(v),
                AnyValue::Boolean(v) => serde_json::json!(v),
                _ => serde_json::Value::String(cell(column, row, 6).unwrap_or_default()),
            };
            object.insert(column.name().to_string(), value);
        }
        rows.push(serde_json::Value::Object(object));
    }
    serde_json::to_writer_pretty(&mut *out, &rows)?;
    writeln!(out)
}

/// Thousands separators for a figure already formatted with a decimal point.
pub fn group_thousands(text: &str) -> String {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let mut grouped = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    match fraction {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

fn write_table(out: &mut dyn Write, df: &DataFrame) -> std::io::Result<()> {
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let numeric: Vec<bool> = df
        .columns()
        .iter()
        .map(|c| c.dtype().is_primitive_numeric())
        .collect();
    // Money to the cent; a unit price needs more (an m5.large hour is $0.096).
    let table_decimals = |name: &str| if name.ends_with("unit_price") { 4 } else { 2 };
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(df.height());
    for row in 0..df.height() {
        rows.push(
            df.columns()
                .iter()
                .map(|c| match cell(c, row, table_decimals(c.name())) {
                    Some(text) if c.dtype().is_float() => group_thousands(&text),
                    Some(text) => text,
                    None => String::new(),
                })
                .collect(),
        );
    }
    let widths: Vec<usize> = (0..names.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain(std::iter::once(names[i].chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| -> String {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if numeric[i] {
                    format!("{:>w$}", c, w = widths[i])
                } else {
                    format!("{:<w$}", c, w = widths[i])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    writeln!(out, "{}", line(&names))?;
    writeln!(
        out,
        "{}",
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("  ")
    )?;
    for r in &rows {
        writeln!(out, "{}", line(r))?;
    }
    if rows.is_empty() {
        writeln!(out, "(no rows)")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands() {
        assert_eq!(group_thousands("1234567.89"), "1,234,567.89");
        assert_eq!(group_thousands("-1234.5"), "-1,234.5");
        assert_eq!(group_thousands("999.00"), "999.00");
        assert_eq!(group_thousands("0.10"), "0.10");
    }
}
