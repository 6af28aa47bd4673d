//! A report's frame as the UI's table: numbers stay numbers (for charts),
//! everything else is text.

use polars::prelude::*;

use crate::ApiError;
use crate::dto::Table;

type Result<T> = std::result::Result<T, ApiError>;

/// A frame as a table of JSON cells: numbers stay numbers (for charts),
/// everything else is text.
pub fn table(df: &DataFrame) -> Result<Table> {
    let columns: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let mut cells: Vec<Vec<serde_json::Value>> = vec![Vec::new(); df.height()];
    for column in df.columns() {
        let numeric = column.dtype().is_primitive_numeric();
        if numeric {
            let values = burnrate_core::frame::numbers(df, column.name())?;
            let nulls = column.is_null();
            for (row, value) in values.into_iter().enumerate() {
                cells[row].push(if nulls.get(row).unwrap_or(false) {
                    serde_json::Value::Null
                } else {
                    serde_json::json!(value)
                });
            }
        } else {
            for (row, cell) in cells.iter_mut().enumerate() {
                cell.push(
                    burnrate_core::reports::csv::cell(column, row, 2)
                        .map(serde_json::Value::String)
                        .unwrap_or(serde_json::Value::Null),
                );
            }
        }
    }
    Ok(Table {
        columns,
        rows: cells,
    })
}
