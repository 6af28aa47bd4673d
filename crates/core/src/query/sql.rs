//! SQL over the `billing` table (and any other table a caller registers,
//! such as `focus`, the stored rows in FOCUS shape).

use polars::prelude::*;
use polars::sql::SQLContext;

use crate::error::{Error, Result};

/// Runs Polars SQL over the named tables.
pub fn query(tables: Vec<(&str, LazyFrame)>, sql: &str) -> Result<DataFrame> {
    let mut ctx = SQLContext::new();
    for (name, frame) in tables {
        ctx.register(name, frame);
    }
    ctx.execute(sql)
        .and_then(|lf| lf.collect())
        .map_err(|e| Error::Usage(format!("the query failed: {e}")))
}

/// Whether the query reads the table `name` (so a caller builds a table
/// that costs a pass over the data only when it is used).
pub fn reads_table(sql: &str, name: &str) -> Result<bool> {
    let tables = polars::sql::extract_table_identifiers(sql, false, true)
        .map_err(|e| Error::Usage(format!("the query failed: {e}")))?;
    Ok(tables.iter().any(|t| t.eq_ignore_ascii_case(name)))
}
