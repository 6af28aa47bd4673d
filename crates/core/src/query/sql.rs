//! SQL helpers; the tables SQL reads (`billing`, `focus`) are registered
//! by `reports::library::Tables`.

use crate::error::{Error, Result};

/// Whether the query reads the table `name` (so a caller builds a table
/// that costs a pass over the data only when it is used).
pub fn reads_table(sql: &str, name: &str) -> Result<bool> {
    let tables = polars::sql::extract_table_identifiers(sql, false, true)
        .map_err(|e| Error::Usage(format!("the query failed: {e}")))?;
    Ok(tables.iter().any(|t| t.eq_ignore_ascii_case(name)))
}
