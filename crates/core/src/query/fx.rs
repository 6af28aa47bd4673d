//! Converting costs into one reporting currency with a user-supplied, dated
//! FX table. Without a reporting currency Burnrate never adds different
//! currencies: every figure is grouped by BillingCurrency instead.
//!
//! The table is a CSV with columns `date, from, to, rate` (1 `from` = `rate`
//! `to`). A charge uses the rate of its charge date or the latest one before
//! it; a pair given only the other way round is inverted. A charge older
//! than every rate for its currency is an error, never a silent 1.0.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::{Duration, NaiveDate};
use polars::prelude::*;

use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct FxTable {
    pub file: PathBuf,
    /// (from, to) -> date -> rate
    rates: BTreeMap<(String, String), BTreeMap<NaiveDate, f64>>,
}

impl FxTable {
    pub fn load(path: &Path) -> Result<FxTable> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_path(path)
            .map_err(|e| Error::bad_input(path, format!("cannot read the FX table: {e}")))?;
        let [date_at, from_at, to_at, rate_at] = crate::frame::column_positions(
            path,
            &mut reader,
            "the FX table",
            ["date", "from", "to", "rate"],
        )?;
        let mut rates: BTreeMap<(String, String), BTreeMap<NaiveDate, f64>> = BTreeMap::new();
        for (index, record) in reader.records().enumerate() {
            let row = index as u64 + 1;
            let record = record.map_err(|e| Error::bad_input(path, e.to_string()))?;
            let field = |at: usize| record.get(at).unwrap_or("");
            let bad = |column: &str, message: String| Error::BadValue {
                file: path.to_path_buf(),
                row,
                column: column.to_string(),
                message,
            };
            let date = NaiveDate::parse_from_str(field(date_at), "%Y-%m-%d").map_err(|_| {
                bad(
                    "date",
                    format!("{:?} is not a YYYY-MM-DD date", field(date_at)),
                )
            })?;
            let rate: f64 = field(rate_at)
                .parse()
                .ok()
                .filter(|r: &f64| r.is_finite() && *r > 0.0)
                .ok_or_else(|| {
                    bad(
                        "rate",
                        format!("{:?} is not a positive number", field(rate_at)),
                    )
                })?;
            let from = field(from_at).to_uppercase();
            let to = field(to_at).to_uppercase();
            if from.len() != 3 || to.len() != 3 {
                return Err(bad("from", "currencies are three-letter codes".into()));
            }
            rates.entry((from, to)).or_default().insert(date, rate);
        }
        Ok(FxTable {
            file: path.to_path_buf(),
            rates,
        })
    }

    /// Rates from `from` into `to` by date, inverting the reverse pair when
    /// only that is given.
    fn series(&self, from: &str, to: &str) -> Option<BTreeMap<NaiveDate, f64>> {
        if let Some(direct) = self.rates.get(&(from.to_string(), to.to_string())) {
            return Some(direct.clone());
        }
        self.rates
            .get(&(to.to_string(), from.to_string()))
            .map(|inverse| inverse.iter().map(|(d, r)| (*d, 1.0 / r)).collect())
    }
}

/// Converts BilledCost, EffectiveCost, ListCost and ContractedCost into
/// `target` and sets BillingCurrency to it. Reads the date range per currency
/// first (a cheap pass) so a missing rate is an error naming the currency and
/// the first day without one.
pub fn convert(frame: LazyFrame, table: &FxTable, target: &str) -> Result<LazyFrame> {
    let target = target.to_uppercase();
    let ranges = frame
        .clone()
        .filter(col("BillingCurrency").neq(lit(target.clone())))
        .group_by([col("BillingCurrency")])
        .agg([
            col("ChargePeriodStart")
                .min()
                .cast(DataType::Date)
                .alias("first"),
            col("ChargePeriodStart")
                .max()
                .cast(DataType::Date)
                .alias("last"),
        ])
        .collect_with_engine(Engine::Streaming)
        .map(|r| r.unwrap_single())
        .map_err(|e| Error::polars("reading the currencies to convert", e))?;
    let mut currencies = Vec::new();
    let mut days = Vec::new();
    let mut factors = Vec::new();
    let currency_column = ranges
        .column("BillingCurrency")
        .map_err(|e| Error::polars("fx", e))?;
    let first_column = ranges.column("first").map_err(|e| Error::polars("fx", e))?;
    let last_column = ranges.column("last").map_err(|e| Error::polars("fx", e))?;
    let mut seen = BTreeSet::new();
    for row in 0..ranges.height() {
        let Some(currency) = currency_column.str().ok().and_then(|c| c.get(row)) else {
            continue; // rows without a currency stay as they are (null)
        };
        let as_date = |c: &Column| -> Option<NaiveDate> {
            match c.get(row).ok()? {
                AnyValue::Date(days) => {
                    NaiveDate::from_ymd_opt(1970, 1, 1).map(|e| e + Duration::days(days as i64))
                }
                _ => None,
            }
        };
        let (Some(first), Some(last)) = (as_date(first_column), as_date(last_column)) else {
            continue;
        };
        seen.insert(currency.to_string());
        let series = table.series(currency, &target).ok_or_else(|| {
            Error::bad_input(
                &table.file,
                format!("no rate from {currency} to {target} (the data has {currency} charges from {first})"),
            )
        })?;
        let mut day = first;
        while day <= last {
            let rate = series.range(..=day).next_back().map(|(_, r)| *r).ok_or_else(|| {
                Error::bad_input(
                    &table.file,
                    format!("no {currency}->{target} rate on or before {day}, the first {currency} charge day"),
                )
            })?;
            currencies.push(currency.to_string());
            days.push(day);
            factors.push(rate);
            day += Duration::days(1);
        }
    }
    let rates = DataFrame::new_infer_height(vec![
        Column::new("x_FxCurrency".into(), currencies),
        Column::new("x_FxDay".into(), days),
        Column::new("x_FxRate".into(), factors),
    ])
    .map_err(|e| Error::polars("building the FX table", e))?;
    let factor = when(col("BillingCurrency").eq(lit(target.clone())))
        .then(lit(1.0))
        .otherwise(col("x_FxRate"));
    let converted = frame
        .with_column(
            col("ChargePeriodStart")
                .cast(DataType::Date)
                .alias("x_FxDay"),
        )
        .join(
            rates.lazy(),
            [col("BillingCurrency"), col("x_FxDay")],
            [col("x_FxCurrency"), col("x_FxDay")],
            JoinArgs::new(JoinType::Left),
        )
        .with_columns([
            (col("BilledCost") * factor.clone()).alias("BilledCost"),
            (col("EffectiveCost") * factor.clone()).alias("EffectiveCost"),
            (col("ListCost") * factor.clone()).alias("ListCost"),
            (col("ContractedCost") * factor).alias("ContractedCost"),
            when(col("BillingCurrency").is_null())
                .then(col("BillingCurrency"))
                .otherwise(lit(target.clone()))
                .alias("BillingCurrency"),
        ])
        .drop(cols(["x_FxDay", "x_FxRate"]));
    Ok(converted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame() -> LazyFrame {
        let day = |d: u32| {
            NaiveDate::from_ymd_opt(2026, 9, d)
                .unwrap()
                .and_hms_opt(5, 0, 0)
                .unwrap()
        };
        df!(
            "ChargePeriodStart" => [day(1), day(2), day(5), day(2)],
            "BillingCurrency" => ["EUR", "EUR", "EUR", "USD"],
            "BilledCost" => [10.0, 10.0, 10.0, 7.0],
            "EffectiveCost" => [10.0, 10.0, 10.0, 7.0],
            "ListCost" => [10.0, 10.0, 10.0, 7.0],
            "ContractedCost" => [10.0, 10.0, 10.0, 7.0],
        )
        .unwrap()
        .lazy()
    }

    #[test]
    fn uses_the_rate_of_the_day_or_the_latest_before() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fx.csv");
        // Given as USD->EUR: inverted for EUR->USD.
        std::fs::write(
            &path,
            "date,from,to,rate\n2026-09-01,USD,EUR,0.5\n2026-09-02,USD,EUR,0.25\n",
        )
        .unwrap();
        let table = FxTable::load(&path).unwrap();
        let out = convert(frame(), &table, "USD").unwrap().collect().unwrap();
        let billed_column = out.column("BilledCost").unwrap().f64().unwrap();
        let billed: Vec<f64> = (0..billed_column.len())
            .map(|i| billed_column.get(i).unwrap())
            .collect();
        assert_eq!(billed, vec![20.0, 40.0, 40.0, 7.0]);
        let currencies = out.column("BillingCurrency").unwrap().str().unwrap();
        assert!((0..currencies.len()).all(|i| currencies.get(i) == Some("USD")));
    }

    #[test]
    fn a_missing_rate_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fx.csv");
        std::fs::write(&path, "date,from,to,rate\n2026-09-02,EUR,USD,1.1\n").unwrap();
        let table = FxTable::load(&path).unwrap();
        let error = convert(frame(), &table, "USD").err().unwrap().to_string();
        assert!(error.contains("2026-09-01"), "{error}");
        std::fs::write(&path, "date,from,to,rate\n2026-13-02,EUR,USD,1.1\n").unwrap();
        let error = FxTable::load(&path).unwrap_err().to_string();
        assert!(error.contains("row 1, column date"), "{error}");
    }
}
