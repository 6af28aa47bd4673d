//! Anomaly detection on daily cost per service and per account.
//!
//! For each day, the expected cost is learned from the `window_days` days
//! before it, robustly and seasonally adjusted:
//! 1. weekday factors: the median of each weekday over the window divided
//!    by the window's median, so weekend dips are expected, not flagged;
//! 2. the level: the median of the last 7 adjusted days, which follows
//!    slow growth instead of lagging a whole window behind;
//! 3. the spread: 1.4826 x the median absolute deviation of the adjusted
//!    window (a standard deviation estimate that one spike cannot inflate),
//!    floored at 5% of the level and $0.50 so a perfectly flat series does
//!    not turn every cent into an alert.
//!
//! score = (actual - expected) / (spread x weekday factor). A day is an
//! anomaly when |score| >= threshold and |actual - expected| >= min_impact.
//!
//! Only usage charges are scanned: purchases, recurring fees (monthly RI
//! fees, support), taxes and credits follow the calendar, not usage, and
//! would otherwise be "anomalies" every 1st of the month.

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use crate::analysis::trend::daily;
use crate::config::{AnomalySettings, Config};
use crate::error::{Error, Result};
use crate::frame::column_of;
use crate::money::CostMeasure;
use crate::query::accounts::AccountNames;
use crate::query::dimension::Dimension;

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AnomalyRow"))]
pub struct Anomaly {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub date: NaiveDate,
    /// "service" or "account".
    pub dimension: String,
    pub value: String,
    /// An account's name (the value is its id); none for services.
    pub account_name: Option<String>,
    pub expected_cost: f64,
    pub actual_cost: f64,
    pub impact: f64,
    pub score: f64,
    pub currency: String,
}

fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

/// The minimum history before a day can be judged.
const MIN_HISTORY_DAYS: usize = 14;

/// Scans one dense daily series; returns (day index, expected, score) for
/// the anomalous days.
pub fn scan_series(
    points: &[(NaiveDate, f64)],
    settings: &AnomalySettings,
) -> Vec<(usize, f64, f64)> {
    let mut found = Vec::new();
    for t in MIN_HISTORY_DAYS..points.len() {
        let window = &points[t.saturating_sub(settings.window_days.max(MIN_HISTORY_DAYS))..t];
        let mut all: Vec<f64> = window.iter().map(|(_, c)| *c).collect();
        let overall = median(&mut all);
        let mut factor = [1.0f64; 7];
        if overall > 0.0 {
            for (dow, f) in factor.iter_mut().enumerate() {
                let mut same: Vec<f64> = window
                    .iter()
                    .filter(|(d, _)| d.weekday().num_days_from_monday() as usize == dow)
                    .map(|(_, c)| *c)
                    .collect();
                if same.len() >= 2 {
                    *f = (median(&mut same) / overall).clamp(0.05, 20.0);
                }
            }
        }
        let dow_of = |d: NaiveDate| d.weekday().num_days_from_monday() as usize;
        let adjusted: Vec<f64> = window.iter().map(|(d, c)| c / factor[dow_of(*d)]).collect();
        let mut recent: Vec<f64> = adjusted[adjusted.len().saturating_sub(7)..].to_vec();
        let level = median(&mut recent);
        let mut centre = adjusted.clone();
        let centre = median(&mut centre);
        let mut deviations: Vec<f64> = adjusted.iter().map(|a| (a - centre).abs()).collect();
        let spread = (1.4826 * median(&mut deviations))
            .max(0.05 * level.abs())
            .max(0.5);
        let (day, actual) = points[t];
        let f = factor[dow_of(day)];
        let expected = level * f;
        let score = (actual - expected) / (spread * f);
        if score.abs() >= settings.threshold && (actual - expected).abs() >= settings.min_impact {
            found.push((t, expected, score));
        }
    }
    found
}

/// Anomalies per service and per account on or after `since` (default: the
/// last 30 days of data), newest first, then by impact.
pub fn detect(
    frame: LazyFrame,
    config: &Config,
    measure: CostMeasure,
    since: Option<NaiveDate>,
) -> Result<Vec<Anomaly>> {
    let frame = frame.filter(crate::analysis::usage_driven());
    let mut anomalies = Vec::new();
    let mut last_day = None;
    for (label, dim) in [
        ("service", Dimension::Service),
        ("account", Dimension::SubAccount),
    ] {
        let (series, range) = daily(frame.clone(), Some(dim.expr(config)), measure)?;
        if let Some((_, last)) = range {
            last_day = Some(last);
        }
        for ((value, currency), points) in &series {
            for (t, expected, score) in scan_series(points, &config.anomalies) {
                let (date, actual) = points[t];
                anomalies.push(Anomaly {
                    date,
                    dimension: label.to_string(),
                    value: value.clone(),
                    account_name: None,
                    expected_cost: expected,
                    actual_cost: actual,
                    impact: actual - expected,
                    score,
                    currency: currency.clone(),
                });
            }
        }
    }
    let Some(last_day) = last_day else {
        return Err(Error::Usage("the dataset is empty".into()));
    };
    let since = since.unwrap_or(last_day - chrono::Duration::days(29));
    anomalies.retain(|a| a.date >= since);
    // Names are read only when an account is among the anomalies (usually
    // none is): one more pass over the rows otherwise for nothing.
    if anomalies.iter().any(|a| a.dimension == "account") {
        let accounts = AccountNames::of(frame, config)?;
        for anomaly in anomalies.iter_mut().filter(|a| a.dimension == "account") {
            anomaly.account_name = accounts.name(&anomaly.value).map(str::to_string);
        }
    }
    anomalies.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then_with(|| b.impact.abs().total_cmp(&a.impact.abs()))
    });
    Ok(anomalies)
}

pub fn anomaly_frame(rows: &[Anomaly]) -> Result<DataFrame> {
    DataFrame::new_infer_height(vec![
        column_of("date", rows, |a| a.date.to_string()),
        column_of("dimension", rows, |a| a.dimension.clone()),
        column_of("value", rows, |a| a.value.clone()),
        column_of("expected_cost", rows, |a| a.expected_cost),
        column_of("actual_cost", rows, |a| a.actual_cost),
        column_of("impact", rows, |a| a.impact),
        column_of("score", rows, |a| (a.score * 100.0).round() / 100.0),
        column_of("currency", rows, |a| a.currency.clone()),
        // Added after the columns scripts already read by position.
        column_of("account_name", rows, |a| {
            a.account_name.clone().unwrap_or_default()
        }),
    ])
    .map_err(|e| Error::polars("building the anomaly table", e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn series(days: usize, f: impl Fn(usize, NaiveDate) -> f64) -> Vec<(NaiveDate, f64)> {
        let first = NaiveDate::from_ymd_opt(2026, 8, 3).unwrap(); // a Monday
        (0..days)
            .map(|i| {
                let d = first + Duration::days(i as i64);
                (d, f(i, d))
            })
            .collect()
    }

    fn weekend_dip(d: NaiveDate) -> f64 {
        if d.weekday().num_days_from_monday() >= 5 {
            0.3
        } else {
            1.0
        }
    }

    fn jitter(i: usize) -> f64 {
        // Deterministic +-4% noise.
        1.0 + 0.04 * (((i * 7919) % 17) as f64 / 8.0 - 1.0)
    }

    #[test]
    fn weekend_dips_and_slow_growth_are_not_anomalies() {
        let points = series(90, |i, d| {
            400.0 * (1.01f64).powi(i as i32) * weekend_dip(d) * jitter(i)
        });
        assert_eq!(scan_series(&points, &AnomalySettings::default()), vec![]);
    }

    #[test]
    fn a_one_day_tenfold_spike_in_a_small_service_is_caught() {
        let spike_day = 70;
        let points = series(90, |i, d| {
            let base = 3.0 * weekend_dip(d) * jitter(i);
            if i == spike_day { base * 10.0 } else { base }
        });
        let found = scan_series(&points, &AnomalySettings::default());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, spike_day);
        assert!(found[0].2 > 4.0);
        // The day after the spike is back to normal: not flagged.
    }

    #[test]
    fn sensitivity_is_configurable() {
        let points = series(60, |i, d| {
            let base = 100.0 * weekend_dip(d) * jitter(i);
            if i == 50 { base * 1.5 } else { base }
        });
        let strict = AnomalySettings {
            threshold: 20.0,
            ..AnomalySettings::default()
        };
        assert!(scan_series(&points, &strict).is_empty());
        let loose = AnomalySettings {
            threshold: 3.0,
            ..AnomalySettings::default()
        };
        assert_eq!(
            scan_series(&points, &loose)
                .iter()
                .map(|f| f.0)
                .collect::<Vec<_>>(),
            vec![50]
        );
    }
}
