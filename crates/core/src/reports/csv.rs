//! Report output as text: one cell, and RFC 4180 CSV of a frame.

use std::io::Write;

use polars::prelude::*;

/// `v` with `decimals` decimals, never "-0.00" (float noise such as
/// -1e-14 from subtracting equal sums, or an empty sum's -0.0).
fn fixed(v: f64, decimals: usize) -> String {
    let scale = 10f64.powi(decimals as i32);
    let rounded = (v * scale).round() / scale + 0.0;
    format!("{rounded:.decimals$}")
}

/// One cell as text: money-like floats with six decimals (no float noise,
/// no thousands separators, a plain decimal point), dates in ISO form.
pub fn cell(column: &Column, row: usize, decimals: usize) -> Option<String> {
    let value = column.get(row).ok()?;
    Some(match value {
        AnyValue::Null => return None,
        AnyValue::Float64(v) => fixed(v, decimals),
        AnyValue::Float32(v) => fixed(v as f64, decimals),
        AnyValue::String(s) => s.to_string(),
        AnyValue::StringOwned(s) => s.to_string(),
        AnyValue::Date(_) | AnyValue::Datetime(..) | AnyValue::DatetimeOwned(..) => {
            value.to_string().trim_matches('"').replace(' ', "T")
        }
        other => other.to_string().trim_matches('"').to_string(),
    })
}

/// RFC 4180 CSV: UTF-8, a header row, CRLF line ends, quoting as needed.
pub fn write_csv(out: &mut dyn Write, df: &DataFrame) -> std::io::Result<()> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    writer.write_record(&names).map_err(std::io::Error::other)?;
    for row in 0..df.height() {
        let record: Vec<String> = df
            .columns()
            .iter()
            .map(|c| cell(c, row, 6).unwrap_or_default())
            .collect();
        writer
            .write_record(&record)
            .map_err(std::io::Error::other)?;
    }
    writer.flush()
}
