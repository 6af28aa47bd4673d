//! Forecast of month-end and the next three months, with a prediction
//! interval and a backtest.
//!
//! Model: the last `history_days` days of daily cost, decomposed into
//! multiplicative weekday factors (cloud cost follows the working week) and
//! a linear trend fitted by least squares on the adjusted values. The 95% interval for a sum of k future days is
//! ±1.96·σ·√k, σ being the model's residual standard deviation. The
//! backtest refits the model without the last `backtest_days` days, predicts
//! them, and reports the mean absolute percentage error (MAPE) of the daily
//! figures, so the user can see how far to trust the forecast.

use chrono::{Datelike, Duration, NaiveDate};
use polars::prelude::*;

use crate::analysis::trend::daily;
use crate::config::{Config, ForecastSettings};
use crate::error::{Error, Result};
use crate::frame::column_of;
use crate::money::CostMeasure;
use crate::period::{month_start, next_month};
use crate::query::dimension::Dimension;

const Z_95: f64 = 1.96;

/// A fitted daily model: cost = (a + b·t) × weekday factor.
#[derive(Debug, Clone)]
pub struct Model {
    intercept: f64,
    slope: f64,
    /// Multiplicative weekday factors (Monday first), averaging 1; all 1
    /// with less than three weeks of history.
    weekday: [f64; 7],
    first_day: NaiveDate,
    pub residual_sd: f64,
}

fn dow(day: NaiveDate) -> usize {
    day.weekday().num_days_from_monday() as usize
}

/// Classical decomposition: each day's ratio to the centred 7-day moving
/// average, the median ratio per weekday, normalised to average 1.
fn weekday_factors(points: &[(NaiveDate, f64)]) -> [f64; 7] {
    let mut factors = [1.0; 7];
    if points.len() < 21 {
        return factors;
    }
    let mut ratios: [Vec<f64>; 7] = Default::default();
    for i in 3..points.len() - 3 {
        let average = points[i - 3..=i + 3].iter().map(|(_, c)| c).sum::<f64>() / 7.0;
        if average > 0.0 {
            ratios[dow(points[i].0)].push(points[i].1 / average);
        }
    }
    for (factor, values) in factors.iter_mut().zip(ratios.iter_mut()) {
        if !values.is_empty() {
            values.sort_by(f64::total_cmp);
            *factor = values[values.len() / 2].max(0.0);
        }
    }
    let mean = factors.iter().sum::<f64>() / 7.0;
    if mean > 0.0 {
        for f in factors.iter_mut() {
            *f /= mean;
        }
    } else {
        factors = [1.0; 7];
    }
    factors
}

impl Model {
    /// Fits on the given days; `None` with no data.
    pub fn fit(points: &[(NaiveDate, f64)]) -> Option<Model> {
        let first_day = points.first()?.0;
        let weekday = weekday_factors(points);
        // Trend on the seasonally adjusted values (a factor of 0, a weekday
        // that never costs anything, contributes nothing to the trend).
        let ts: Vec<f64> = points
            .iter()
            .filter(|(d, _)| weekday[dow(*d)] > 0.0)
            .map(|(d, _)| (*d - first_day).num_days() as f64)
            .collect();
        let adjusted: Vec<f64> = points
            .iter()
            .filter(|(d, _)| weekday[dow(*d)] > 0.0)
            .map(|(d, c)| c / weekday[dow(*d)])
            .collect();
        let (intercept, slope) = if ts.is_empty() {
            (0.0, 0.0)
        } else {
            fit_line(&ts, &adjusted)
        };
        let mut model = Model {
            intercept,
            slope,
            weekday,
            first_day,
            residual_sd: 0.0,
        };
        let dof = (points.len() as f64 - 2.0).max(1.0);
        let sse: f64 = points
            .iter()
            .map(|(d, c)| (c - model.predict(*d)).powi(2))
            .sum();
        model.residual_sd = (sse / dof).sqrt();
        Some(model)
    }

    /// The expected cost of one day (never below zero).
    pub fn predict(&self, day: NaiveDate) -> f64 {
        let t = (day - self.first_day).num_days() as f64;
        ((self.intercept + self.slope * t) * self.weekday[dow(day)]).max(0.0)
    }
}

/// Ordinary least squares for y = a + b·t: (a, b).
fn fit_line(ts: &[f64], ys: &[f64]) -> (f64, f64) {
    let n = ts.len() as f64;
    let mean_t = ts.iter().sum::<f64>() / n;
    let mean_y = ys.iter().sum::<f64>() / n;
    let covariance: f64 = ts
        .iter()
        .zip(ys)
        .map(|(t, y)| (t - mean_t) * (y - mean_y))
        .sum();
    let variance: f64 = ts.iter().map(|t| (t - mean_t).powi(2)).sum();
    let slope = if variance > 0.0 {
        covariance / variance
    } else {
        0.0
    };
    (mean_y - slope * mean_t, slope)
}

/// How far the model missed on the held-out days.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backtest {
    /// Mean absolute percentage error of the daily figures (days with a
    /// zero actual are skipped), in percent.
    pub mape: Option<f64>,
    /// Error of the held-out total, in percent of the actual total.
    pub total_error_pct: Option<f64>,
}

pub fn backtest(points: &[(NaiveDate, f64)], settings: &ForecastSettings) -> Backtest {
    let none = Backtest {
        mape: None,
        total_error_pct: None,
    };
    if points.len() < settings.backtest_days + 14 {
        return none;
    }
    let split = points.len() - settings.backtest_days;
    let train_start = split.saturating_sub(settings.history_days);
    let Some(model) = Model::fit(&points[train_start..split]) else {
        return none;
    };
    let held_out = &points[split..];
    let errors: Vec<f64> = held_out
        .iter()
        .filter(|(_, actual)| *actual != 0.0)
        .map(|(d, actual)| ((model.predict(*d) - actual) / actual).abs() * 100.0)
        .collect();
    let actual_total: f64 = held_out.iter().map(|(_, c)| c).sum();
    let predicted_total: f64 = held_out.iter().map(|(d, _)| model.predict(*d)).sum();
    Backtest {
        mape: (!errors.is_empty()).then(|| errors.iter().sum::<f64>() / errors.len() as f64),
        total_error_pct: (actual_total != 0.0)
            .then(|| (predicted_total - actual_total) / actual_total.abs() * 100.0),
    }
}

/// One forecast month of one series.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
// The app shows it as the month end of the overview.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "MonthEnd"))]
pub struct MonthForecast {
    pub value: String,
    pub currency: String,
    /// YYYY-MM
    pub month: String,
    /// Cost already in the data for this month.
    pub actual_to_date: f64,
    /// Actual to date plus the predicted remaining days.
    pub forecast: f64,
    pub lower_95: f64,
    pub upper_95: f64,
    pub backtest_mape: Option<f64>,
}

/// Forecasts the month holding the last day of data and the three after it.
pub fn forecast_series(
    value: &str,
    currency: &str,
    points: &[(NaiveDate, f64)],
    settings: &ForecastSettings,
) -> Vec<MonthForecast> {
    let Some(&(last_day, _)) = points.last() else {
        return Vec::new();
    };
    let start = points.len().saturating_sub(settings.history_days);
    let Some(model) = Model::fit(&points[start..]) else {
        return Vec::new();
    };
    let check = backtest(points, settings);
    let mut months = Vec::new();
    let mut month = month_start(last_day);
    for _ in 0..4 {
        let end = next_month(month);
        let actual: f64 = points
            .iter()
            .filter(|(d, _)| *d >= month && *d < end)
            .map(|(_, c)| c)
            .sum();
        let mut predicted = 0.0;
        let mut future_days = 0usize;
        let mut day = month.max(last_day + Duration::days(1));
        while day < end {
            predicted += model.predict(day);
            future_days += 1;
            day += Duration::days(1);
        }
        let half_width = Z_95 * model.residual_sd * (future_days as f64).sqrt();
        months.push(MonthForecast {
            value: value.to_string(),
            currency: currency.to_string(),
            month: month.format("%Y-%m").to_string(),
            actual_to_date: actual,
            forecast: actual + predicted,
            lower_95: (actual + predicted - half_width).max(actual.min(actual + predicted)),
            upper_95: actual + predicted + half_width,
            backtest_mape: check.mape,
        });
        month = end;
    }
    months
}

/// Forecasts the total (and each value of `by`) from the data.
pub fn forecast(
    frame: LazyFrame,
    config: &Config,
    by: Option<&Dimension>,
    measure: CostMeasure,
) -> Result<Vec<MonthForecast>> {
    let (series, _) = daily(frame, by.map(|d| d.expr(config)), measure)?;
    if series.is_empty() {
        return Err(Error::Usage(
            "the dataset is empty: nothing to forecast".into(),
        ));
    }
    let mut out = Vec::new();
    for ((value, currency), points) in &series {
        out.extend(forecast_series(value, currency, points, &config.forecast));
    }
    Ok(out)
}

pub fn forecast_frame(by: &str, rows: &[MonthForecast], measure: CostMeasure) -> Result<DataFrame> {
    let m = measure.column();
    DataFrame::new_infer_height(vec![
        column_of(by, rows, |r| r.value.clone()),
        column_of("month", rows, |r| r.month.clone()),
        Column::new(
            format!("actual_to_date_{m}").into(),
            rows.iter().map(|r| r.actual_to_date).collect::<Vec<_>>(),
        ),
        Column::new(
            format!("forecast_{m}").into(),
            rows.iter().map(|r| r.forecast).collect::<Vec<_>>(),
        ),
        column_of("lower_95", rows, |r| r.lower_95),
        column_of("upper_95", rows, |r| r.upper_95),
        column_of("backtest_mape_pct", rows, |r| r.backtest_mape),
        column_of("currency", rows, |r| r.currency.clone()),
    ])
    .map_err(|e| Error::polars("building the forecast table", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(days: usize, mut f: impl FnMut(usize, NaiveDate) -> f64) -> Vec<(NaiveDate, f64)> {
        let first = NaiveDate::from_ymd_opt(2026, 7, 6).unwrap(); // a Monday
        (0..days)
            .map(|i| {
                let d = first + Duration::days(i as i64);
                (d, f(i, d))
            })
            .collect()
    }

    fn weekday_factor(d: NaiveDate) -> f64 {
        if d.weekday().num_days_from_monday() >= 5 {
            0.5
        } else {
            1.0
        }
    }

    #[test]
    fn recovers_trend_and_weekly_cycle_exactly() {
        let points = series(84, |i, d| (100.0 + 2.0 * i as f64) * weekday_factor(d));
        let settings = ForecastSettings::default();
        let model = Model::fit(&points[28..]).unwrap();
        let next = points.last().unwrap().0 + Duration::days(1);
        let truth = (100.0 + 2.0 * 84.0) * weekday_factor(next);
        assert!(
            (model.predict(next) - truth).abs() / truth < 0.01,
            "{} vs {truth}",
            model.predict(next)
        );
        let check = backtest(&points, &settings);
        assert!(check.mape.unwrap() < 1.0, "{check:?}");
    }

    #[test]
    fn a_flat_series_forecasts_itself_with_a_tight_interval() {
        let points = series(61, |_, _| 50.0);
        let months = forecast_series("total", "USD", &points, &ForecastSettings::default());
        assert_eq!(months.len(), 4);
        // 2026-07-06 + 60 days = 2026-09-04: September has 4 actual days.
        assert_eq!(months[0].month, "2026-09");
        assert!((months[0].actual_to_date - 200.0).abs() < 1e-6);
        assert!((months[0].forecast - 1500.0).abs() < 1e-3);
        assert!((months[1].forecast - 1550.0).abs() < 1e-3);
        assert!(months[0].upper_95 - months[0].lower_95 < 1e-3);
        assert!(months[0].backtest_mape.unwrap() < 1e-6);
    }

    #[test]
    fn noise_widens_the_interval_and_the_truth_falls_inside() {
        let mut state = 7u64;
        let mut noise = move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 33) as f64 / (1u64 << 31) as f64) - 0.5
        };
        let all = series(120, |_, d| 200.0 * weekday_factor(d) + 20.0 * noise());
        let history = &all[..92];
        let months = forecast_series("total", "USD", history, &ForecastSettings::default());
        let next = &months[0];
        let (start, end) = (
            NaiveDate::parse_from_str(&format!("{}-01", next.month), "%Y-%m-%d").unwrap(),
            next_month(
                NaiveDate::parse_from_str(&format!("{}-01", next.month), "%Y-%m-%d").unwrap(),
            ),
        );
        let truth: f64 = all
            .iter()
            .filter(|(d, _)| *d >= start && *d < end)
            .map(|(_, c)| c)
            .sum();
        assert!(next.upper_95 > next.lower_95 + 10.0);
        if all.last().unwrap().0 >= end - Duration::days(1) {
            assert!(
                truth >= next.lower_95 && truth <= next.upper_95,
                "{truth} {next:?}"
            );
        }
    }
}
