//! Pulls from cost APIs land whole months: the dataset replaces a billing
//! account's month as a unit, so a pull always fetches whole months. A
//! month pulled more than `FINAL_AFTER_DAYS` after it ended is final and is
//! not requested again; the current month and a recently ended one are
//! re-pulled and replace what was there.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::PullError;
use burnrate_core::period::{month_start, next_month};
use burnrate_core::store::Dataset;

/// Days after a month's end before a cost API's figures for it count as
/// final (both AWS and Azure settle a closed month within about 72 hours).
pub const FINAL_AFTER_DAYS: i64 = 3;

/// The months `[from, to)` touches.
pub fn months(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut m = month_start(from);
    while m < to {
        out.push(m);
        m = next_month(m);
    }
    out
}

/// What a pull will fetch, decided before any request is made.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Months to fetch.
    pub months: Vec<NaiveDate>,
    /// Months already pulled after they became final: not requested.
    pub skipped_final: Vec<NaiveDate>,
    /// The first month's start to the last month's end (never past
    /// tomorrow); None when nothing is left to fetch.
    pub range: Option<(NaiveDate, NaiveDate)>,
}

/// Plans a pull of `[from, to)`. `staged_name` names the file a month of
/// this connection is staged as: the manifest's record of that file is how
/// an earlier final pull is recognised.
pub fn plan(
    dataset: &Dataset,
    from: NaiveDate,
    to: NaiveDate,
    refresh: bool,
    now: DateTime<Utc>,
    staged_name: impl Fn(NaiveDate) -> String,
) -> Result<Plan, PullError> {
    if from >= to {
        return Err(PullError::Core(burnrate_core::Error::Usage(
            "--from must be before --to".into(),
        )));
    }
    let all = months(from, to);
    let skipped_final = if refresh {
        Vec::new()
    } else {
        final_months(dataset, &all, staged_name)?
    };
    let months: Vec<NaiveDate> = all
        .into_iter()
        .filter(|m| !skipped_final.contains(m))
        .collect();
    let range = match (months.first(), months.last()) {
        (Some(first), Some(last)) => {
            let end = next_month(*last).min(now.date_naive() + Duration::days(1));
            (*first < end).then_some((*first, end))
        }
        _ => None,
    };
    Ok(Plan {
        months,
        skipped_final,
        range,
    })
}

/// Months whose pull in the dataset happened after they became final.
fn final_months(
    dataset: &Dataset,
    months: &[NaiveDate],
    staged_name: impl Fn(NaiveDate) -> String,
) -> Result<Vec<NaiveDate>, PullError> {
    let manifest = dataset.snapshot()?.manifest.sources;
    let mut done = Vec::new();
    for month in months {
        let name = staged_name(*month);
        let final_from = next_month(*month) + Duration::days(FINAL_AFTER_DAYS);
        let pulled_final = manifest.iter().any(|s| {
            s.paths
                .iter()
                .any(|p| p.file_name().is_some_and(|n| n == name.as_str()))
                && s.imported_at.date_naive() >= final_from
        });
        if pulled_final {
            done.push(*month);
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_cover_the_range() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(
            months(d(2026, 11, 20), d(2027, 1, 2)),
            vec![d(2026, 11, 1), d(2026, 12, 1), d(2027, 1, 1)]
        );
        assert_eq!(months(d(2026, 10, 1), d(2026, 11, 1)), vec![d(2026, 10, 1)]);
    }
}
