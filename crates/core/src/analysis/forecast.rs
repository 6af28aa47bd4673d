//! Forecast of month-end and the next three months, with a prediction
//! interval and a backtest.
//!
//! Model: the last `history_days` days of daily cost, decomposed into
//! multiplicative weekday factors (cloud cost follows the working week) and
//! a linear trend on the adjusted values. The trend is Theil-Sen (the median
//! of the slopes between every two days), so one spike in the window does
//! not tilt three months of forecast, and it is damped beyond the last day
//! (Gardner's damped trend, φ = 0.98 a day: a trend carries on for weeks,
//! not forever). The 95% interval for a sum of k future days is
//! ±1.96·σ·√k, σ being the model's residual standard deviation. The
//! backtest refits the model without the last `backtest_days` days, predicts
//! them, and reports the mean absolute percentage error (MAPE) of the daily
//! figures, so the user can see how far to trust the forecast.
//!
//! Only usage-driven cost is modelled day by day. Calendar-driven charges
//! (tax, support and subscription fees, RI fees on the 1st, purchases,
//! credits: [`crate::analysis::usage_driven`]) would read as a spike on one
//! day and be spread thin by the daily model, so they are their own
//! component: a month's recurring charges are the median of the last three
//! complete months' (when at least two had some), added once to each
//! future month, and to the current month only if none has posted yet.

use chrono::{Datelike, Duration, NaiveDate};
use polars::prelude::*;

use crate::analysis::trend::daily;
use crate::analysis::usage_driven;
use crate::config::{Config, ForecastSettings};
use crate::error::{Error, Result};
use crate::frame::column_of;
use crate::money::CostMeasure;
use crate::period::{month_start, next_month};
use crate::query::dimension::Dimension;

const Z_95: f64 = 1.96;

/// Daily damping of the trend beyond the fitted days: after h days the
/// trend has moved φ + φ² + … + φʰ days' worth, at most φ/(1-φ) = 49.
const TREND_DAMPING: f64 = 0.98;

/// A fitted daily model: cost = (a + b·t) × weekday factor.
#[derive(Debug, Clone)]
pub struct Model {
    intercept: f64,
    slope: f64,
    /// Multiplicative weekday factors (Monday first), averaging 1; all 1
    /// with less than three weeks of history.
    weekday: [f64; 7],
    first_day: NaiveDate,
    /// The last fitted day, where damping starts.
    last_day: NaiveDate,
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
            last_day: points.last()?.0,
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
        let fitted = (self.last_day - self.first_day).num_days() as f64;
        let t = (day - self.first_day).num_days() as f64;
        let t = if t <= fitted {
            t
        } else {
            let h = t - fitted;
            fitted + TREND_DAMPING * (1.0 - TREND_DAMPING.powf(h)) / (1.0 - TREND_DAMPING)
        };
        ((self.intercept + self.slope * t) * self.weekday[dow(day)]).max(0.0)
    }
}

fn median_of(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

/// Theil-Sen line y = a + b·t: b the median of the slopes between every two
/// points, a the median of y - b·t. A few outliers (a spike, a credit) move
/// it hardly at all, where least squares would tilt.
fn fit_line(ts: &[f64], ys: &[f64]) -> (f64, f64) {
    let mut slopes = Vec::with_capacity(ts.len() * ts.len() / 2);
    for i in 0..ts.len() {
        for j in i + 1..ts.len() {
            if ts[j] != ts[i] {
                slopes.push((ys[j] - ys[i]) / (ts[j] - ts[i]));
            }
        }
    }
    let slope = if slopes.is_empty() {
        0.0
    } else {
        median_of(&mut slopes)
    };
    let mut intercepts: Vec<f64> = ts.iter().zip(ys).map(|(t, y)| y - slope * t).collect();
    (median_of(&mut intercepts), slope)
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
    /// Actual to date plus the predicted remaining days and the recurring
    /// charges still to come.
    pub forecast: f64,
    pub lower_95: f64,
    pub upper_95: f64,
    /// The calendar-driven charges the forecast expects this month and has
    /// not seen yet (included in `forecast`).
    pub expected_recurring: f64,
    /// The data covers the whole month: `forecast` is the actual figure.
    pub complete: bool,
    pub backtest_mape: Option<f64>,
}

/// The calendar-driven charges a month is expected to carry: the median of
/// the last three complete months before `month` when at least two of them
/// had some, else none (a one-off purchase is not a pattern).
fn recurring_per_month(calendar: &[(NaiveDate, f64)], month: NaiveDate) -> f64 {
    let mut totals = Vec::new();
    let mut start = month;
    for _ in 0..3 {
        let end = start;
        start = month_start(end - Duration::days(1));
        let total: f64 = calendar
            .iter()
            .filter(|(d, _)| *d >= start && *d < end)
            .map(|(_, c)| c)
            .sum();
        totals.push(total);
    }
    if totals.iter().filter(|t| t.abs() > 0.005).count() < 2 {
        return 0.0;
    }
    totals.sort_by(f64::total_cmp);
    totals[1]
}

/// Forecasts the month holding the last day of data and the three after it:
/// `usage` is the usage-driven daily cost, `calendar` the calendar-driven
/// (either may be empty), `last_day` the last day of all data.
pub fn forecast_series(
    value: &str,
    currency: &str,
    usage: &[(NaiveDate, f64)],
    calendar: &[(NaiveDate, f64)],
    last_day: NaiveDate,
    settings: &ForecastSettings,
) -> Vec<MonthForecast> {
    let start = usage.len().saturating_sub(settings.history_days);
    let Some(model) = Model::fit(&usage[start..]) else {
        return Vec::new();
    };
    let check = backtest(usage, settings);
    let current = month_start(last_day);
    // The complete months are the ones before the first the data does not
    // cover to its end (the current one, unless it ends on its last day).
    let first_incomplete = if last_day + Duration::days(1) == next_month(current) {
        next_month(current)
    } else {
        current
    };
    let recurring = recurring_per_month(calendar, first_incomplete);
    let mut months = Vec::new();
    let mut month = current;
    for _ in 0..4 {
        let end = next_month(month);
        let in_month = |points: &[(NaiveDate, f64)]| -> (f64, bool) {
            let mut seen = false;
            let mut total = 0.0;
            for (_, c) in points.iter().filter(|(d, _)| *d >= month && *d < end) {
                total += c;
                seen |= c.abs() > 0.005;
            }
            (total, seen)
        };
        let (usage_actual, _) = in_month(usage);
        let (calendar_actual, calendar_posted) = in_month(calendar);
        let actual = usage_actual + calendar_actual;
        let mut predicted = 0.0;
        let mut future_days = 0usize;
        let mut day = month.max(last_day + Duration::days(1));
        while day < end {
            predicted += model.predict(day);
            future_days += 1;
            day += Duration::days(1);
        }
        let complete = future_days == 0;
        let expected_recurring = if complete || calendar_posted {
            0.0
        } else {
            recurring
        };
        let forecast = actual + predicted + expected_recurring;
        let half_width = Z_95 * model.residual_sd * (future_days as f64).sqrt();
        months.push(MonthForecast {
            value: value.to_string(),
            currency: currency.to_string(),
            month: month.format("%Y-%m").to_string(),
            actual_to_date: actual,
            forecast,
            lower_95: (forecast - half_width).max(actual.min(forecast)),
            upper_95: forecast + half_width,
            expected_recurring,
            complete,
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
    let group = || by.map(|d| d.expr(config));
    let (usage, usage_days) = daily(frame.clone().filter(usage_driven()), group(), measure)?;
    let (calendar, calendar_days) = daily(frame.filter(usage_driven().not()), group(), measure)?;
    let Some(last_day) = [usage_days, calendar_days]
        .into_iter()
        .flatten()
        .map(|(_, last)| last)
        .max()
    else {
        return Err(Error::Usage(
            "the dataset is empty: nothing to forecast".into(),
        ));
    };
    let mut out = Vec::new();
    for (key, points) in &usage {
        let calendar = calendar.get(key).map(Vec::as_slice).unwrap_or_default();
        out.extend(forecast_series(
            &key.0,
            &key.1,
            points,
            calendar,
            last_day,
            &config.forecast,
        ));
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
        column_of("expected_recurring", rows, |r| r.expected_recurring),
        column_of("complete", rows, |r| r.complete),
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
        let last = points.last().unwrap().0;
        let months = forecast_series(
            "total",
            "USD",
            &points,
            &[],
            last,
            &ForecastSettings::default(),
        );
        assert_eq!(months.len(), 4);
        // 2026-07-06 + 60 days = 2026-09-04: September has 4 actual days.
        assert_eq!(months[0].month, "2026-09");
        assert!((months[0].actual_to_date - 200.0).abs() < 1e-6);
        assert!((months[0].forecast - 1500.0).abs() < 1e-3);
        assert!((months[1].forecast - 1550.0).abs() < 1e-3);
        assert!(months[0].upper_95 - months[0].lower_95 < 1e-3);
        assert!(months[0].backtest_mape.unwrap() < 1e-6);
    }

    /// Issue 18: a flat service with one spike early in the window (the
    /// demo's Lambda) is forecast flat, not decaying month after month; and
    /// a rising trend is damped three months out.
    #[test]
    fn a_spike_does_not_tilt_the_trend_and_trends_are_damped() {
        let flat = series(56, |i, _| if i == 10 { 40.0 } else { 0.5 });
        let model = Model::fit(&flat).unwrap();
        let far = flat.last().unwrap().0 + Duration::days(90);
        assert!(
            (model.predict(far) - 0.5).abs() < 0.01,
            "{}",
            model.predict(far)
        );

        let rising = series(56, |i, _| 100.0 + i as f64);
        let model = Model::fit(&rising).unwrap();
        let last = rising.last().unwrap().0;
        let next = model.predict(last + Duration::days(1));
        assert!(
            (next - 156.0).abs() < 0.1,
            "one day out the trend holds: {next}"
        );
        let later = model.predict(last + Duration::days(90));
        assert!(later > 156.0 && later < 155.0 + 50.0, "damped: {later}");
    }

    /// Issue 18: a fixed charge on each 1st (a $120 tax line) is forecast
    /// as its own monthly component, not spread over the days; a month
    /// that has its charge already expects no second one, and a one-off
    /// purchase is not a pattern.
    #[test]
    fn recurring_charges_are_their_own_component() {
        let usage = series(118, |_, _| 50.0); // 2026-07-06 .. 2026-10-31
        let last = usage.last().unwrap().0;
        assert_eq!(last, NaiveDate::from_ymd_opt(2026, 10, 31).unwrap());
        let first_of = |m: u32| NaiveDate::from_ymd_opt(2026, m, 1).unwrap();
        let calendar = vec![
            (first_of(8), 123.0),
            (first_of(9), 120.0),
            (first_of(10), 124.0),
            (NaiveDate::from_ymd_opt(2026, 9, 15).unwrap(), 900.0),
        ];
        let months = forecast_series(
            "total",
            "USD",
            &usage,
            &calendar,
            last,
            &ForecastSettings::default(),
        );
        // October is complete: actual, usage and its tax.
        assert_eq!(months[0].month, "2026-10");
        assert!(months[0].complete);
        assert!((months[0].forecast - (31.0 * 50.0 + 124.0)).abs() < 1e-6);
        assert_eq!(months[0].lower_95, months[0].upper_95);
        // November: 30 days of usage and the median month's charges, which
        // the one-off September purchase does not move (123, 124, 1020).
        assert!(!months[1].complete);
        assert!(
            (months[1].expected_recurring - 124.0).abs() < 1e-6,
            "{months:?}"
        );
        assert!((months[1].forecast - (30.0 * 50.0 + 124.0)).abs() < 1e-3);

        // Mid-month with the 1st's charge posted: none still to come.
        let mid = &usage[..usage.len() - 16]; // to 2026-10-15
        let months = forecast_series(
            "total",
            "USD",
            mid,
            &calendar,
            mid.last().unwrap().0,
            &ForecastSettings::default(),
        );
        assert_eq!(months[0].expected_recurring, 0.0);
        assert!((months[0].forecast - (31.0 * 50.0 + 124.0)).abs() < 1e-3);

        // A single purchase is no recurring charge.
        let once = [(NaiveDate::from_ymd_opt(2026, 9, 15).unwrap(), 900.0)];
        let months = forecast_series(
            "total",
            "USD",
            &usage,
            &once,
            last,
            &ForecastSettings::default(),
        );
        assert_eq!(months[1].expected_recurring, 0.0);
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
        let last = history.last().unwrap().0;
        let months = forecast_series(
            "total",
            "USD",
            history,
            &[],
            last,
            &ForecastSettings::default(),
        );
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
