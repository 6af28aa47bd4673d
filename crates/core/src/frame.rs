//! Reading and building small frames: the positions of named columns in a
//! small CSV's header, columns of a collected frame as plain vectors, and a
//! column built from one field of each row.

use polars::prelude::*;

use crate::error::{Error, Result};

/// The positions of `wanted` columns (compared case-insensitively) in a
/// small CSV's header, or an error naming the file, what a `kind` file
/// needs and what it has.
pub fn column_positions<R: std::io::Read, const N: usize>(
    file: &std::path::Path,
    reader: &mut csv::Reader<R>,
    kind: &str,
    wanted: [&str; N],
) -> Result<[usize; N]> {
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| Error::bad_input(file, e.to_string()))?
        .iter()
        .map(|h| h.to_lowercase())
        .collect();
    let mut positions = [0; N];
    for (slot, name) in positions.iter_mut().zip(wanted) {
        *slot = headers.iter().position(|h| h == name).ok_or_else(|| {
            Error::bad_input(
                file,
                format!(
                    "{kind} needs columns {}; {name} is missing (it has {})",
                    wanted.join(", "),
                    headers.join(", ")
                ),
            )
        })?;
    }
    Ok(positions)
}

/// A column of a collected frame as text, nulls as "" (numbers are cast).
pub fn strings(df: &DataFrame, name: &str) -> Result<Vec<String>> {
    let read = || -> PolarsResult<Vec<String>> {
        let column = df.column(name)?.cast(&DataType::String)?;
        Ok(column
            .str()?
            .iter()
            .map(|v| v.unwrap_or_default().to_string())
            .collect())
    };
    read().map_err(|e| Error::polars(format!("reading column {name}"), e))
}

/// A column of a collected frame as numbers, nulls as 0.
pub fn numbers(df: &DataFrame, name: &str) -> Result<Vec<f64>> {
    let read = || -> PolarsResult<Vec<f64>> {
        let column = df.column(name)?.cast(&DataType::Float64)?;
        Ok(column.f64()?.iter().map(|v| v.unwrap_or(0.0)).collect())
    };
    read().map_err(|e| Error::polars(format!("reading column {name}"), e))
}

/// A column of a collected frame as numbers, nulls kept as None.
pub fn optional_numbers(df: &DataFrame, name: &str) -> Result<Vec<Option<f64>>> {
    let read = || -> PolarsResult<Vec<Option<f64>>> {
        let column = df.column(name)?.cast(&DataType::Float64)?;
        Ok(column.f64()?.iter().collect())
    };
    read().map_err(|e| Error::polars(format!("reading column {name}"), e))
}

/// One text cell; "" when the column is missing, null or not text.
pub fn text_at(df: &DataFrame, name: &str, row: usize) -> String {
    df.column(name)
        .ok()
        .and_then(|c| c.get(row).ok())
        .and_then(|v| v.get_str().map(str::to_string))
        .unwrap_or_default()
}

/// One number cell; 0 when the column is missing, null or not a number.
pub fn number_at(df: &DataFrame, name: &str, row: usize) -> f64 {
    df.column(name)
        .ok()
        .and_then(|c| c.get(row).ok())
        .and_then(|v| v.extract::<f64>())
        .unwrap_or(0.0)
}

/// A column named `name` holding `value(row)` for each row: how answers
/// become printable frames.
pub fn column_of<R, T>(name: &str, rows: &[R], value: impl Fn(&R) -> T) -> Column
where
    Series: NamedFrom<Vec<T>, [T]>,
{
    Column::new(name.into(), rows.iter().map(value).collect::<Vec<T>>())
}

/// Parquet scan settings with paths taken literally: a `?`, `*` or `[` in
/// a file or folder name is part of the name, never a pattern (a pattern
/// would read other files, or none).
pub fn literal_parquet() -> ScanArgsParquet {
    ScanArgsParquet {
        glob: false,
        ..Default::default()
    }
}

/// Maps each text value through `table` (values not in it, and nulls, give
/// `missing`), row by row. Unlike `replace_strict`, which the streaming
/// engine runs on whole columns (loading them into memory), this is an
/// elementwise function, so a streaming query stays streaming.
pub fn map_text(
    expr: Expr,
    table: std::collections::HashMap<String, String>,
    missing: Option<String>,
) -> Expr {
    let table = std::sync::Arc::new(table);
    expr.map(
        move |c| {
            let out: StringChunked = c
                .str()?
                .iter()
                .map(|v| {
                    v.and_then(|v| table.get(v))
                        .or(missing.as_ref())
                        .map(String::as_str)
                })
                .collect();
            Ok(out.with_name(c.name().clone()).into_column())
        },
        |_, f| Ok(Field::new(f.name().clone(), DataType::String)),
    )
}
