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

/// A text cell a spreadsheet would run as a formula (it starts with `=`,
/// `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, as OWASP
/// recommends for CSV injection: anyone who can tag a resource could
/// otherwise plant a formula in a finance spreadsheet. Numbers, and text
/// that is just a number, stay as they are. The app's CSV export (ui/src/csv.ts)
/// follows the same rule.
pub fn neutralise(text: String) -> String {
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && text.trim().parse::<f64>().is_err() {
        format!("'{text}")
    } else {
        text
    }
}

/// RFC 4180 CSV: UTF-8, a header row, CRLF line ends, quoting as needed;
/// text cells neutralised against formula injection ([`neutralise`]).
pub fn write_csv(out: &mut dyn Write, df: &DataFrame) -> std::io::Result<()> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let names: Vec<String> = names.into_iter().map(neutralise).collect();
    writer.write_record(&names).map_err(std::io::Error::other)?;
    for row in 0..df.height() {
        let record: Vec<String> = df
            .columns()
            .iter()
            .map(|c| {
                let text = cell(c, row, 6).unwrap_or_default();
                if c.dtype().is_string() {
                    neutralise(text)
                } else {
                    text
                }
            })
            .collect();
        writer
            .write_record(&record)
            .map_err(std::io::Error::other)?;
    }
    writer.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_that_would_run_as_formulas_are_neutralised_numbers_stay() {
        let df = df!(
            "tag" => ["=HYPERLINK(\"http://evil\")", "+1+cmd", "-2+3", "@SUM(A1)", "web", "-12.5"],
            "cost" => [-1.5, 2.0, 3.0, 4.0, 5.0, 6.0],
        )
        .unwrap();
        let mut out = Vec::new();
        write_csv(&mut out, &df).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], "\"'=HYPERLINK(\"\"http://evil\"\")\",-1.500000");
        assert_eq!(lines[2], "'+1+cmd,2.000000");
        assert_eq!(lines[3], "'-2+3,3.000000");
        assert_eq!(lines[4], "'@SUM(A1),4.000000");
        assert_eq!(lines[5], "web,5.000000");
        assert_eq!(lines[6], "-12.5,6.000000");
    }
}
