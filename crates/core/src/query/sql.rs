//! SQL over the `billing` table.

use polars::prelude::*;
use polars::sql::SQLContext;

use crate::error::{Error, Result};

/// Runs Polars SQL over the frame registered as `billing`.
pub fn query(frame: LazyFrame, sql: &str) -> Result<DataFrame> {
    let mut ctx = SQLContext::new();
    ctx.register("billing", frame);
    ctx.execute(sql)
        .and_then(|lf| lf.collect())
        .map_err(|e| Error::Usage(format!("the query failed: {e}")))
}
