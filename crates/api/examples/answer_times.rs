//! Times the desktop app's answers over a dataset, best of 3 runs each:
//! the explorer's interactions (group-by, filter, date range, measure) are
//! meant to answer in under 300 ms on the ~4M-row benchmark dataset.
//!
//! `cargo run --release -p burnrate-api --example answer_times -- DATA_DIR`
//! (scripts/bench.sh runs it after importing the generated CUR).

use std::time::{Duration, Instant};

use burnrate_api::{Backend, ExploreQuery, Filter};
use burnrate_core::analysis::trend::Period;
use burnrate_core::money::CostMeasure;

fn best_of_3<T>(name: &str, mut work: impl FnMut() -> T) -> T {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..3 {
        let started = Instant::now();
        last = Some(work());
        best = best.min(started.elapsed());
    }
    println!("{name:<58} {:>7.0} ms", best.as_secs_f64() * 1000.0);
    last.expect("ran three times")
}

fn main() {
    let data_dir = std::env::args()
        .nth(1)
        .expect("usage: answer_times DATA_DIR");
    let config = tempfile::NamedTempFile::new().expect("a temporary config file");
    let backend = Backend::new(data_dir.into(), config.path().to_path_buf());
    let status = backend.status().expect("the dataset opens");
    println!(
        "dataset: {} rows in {} sources",
        status.rows, status.sources
    );

    let overview = best_of_3(
        "overview (cards, forecast, splits, trend, anomalies)",
        || backend.overview().expect("overview"),
    );
    let query = |group_by: &str, measure: &str, period: &str| ExploreQuery {
        group_by: group_by.into(),
        measure: CostMeasure::parse(measure).expect("a measure"),
        period: Period::parse(period).expect("a period"),
        ..ExploreQuery::default()
    };
    for (group_by, measure, period) in [
        ("service", "effective", "day"),
        ("service", "billed", "day"),
        ("subaccount", "effective", "day"),
        ("region", "effective", "week"),
        ("resource", "effective", "month"),
        ("tag:team", "effective", "day"),
    ] {
        best_of_3(
            &format!("explore by {group_by}, {measure}, per {period}"),
            || {
                backend
                    .explore(&query(group_by, measure, period))
                    .expect("explore")
            },
        );
    }
    let latest = overview.latest_day.clone().unwrap_or_default();
    let month = format!("{}-01", &latest[..7.min(latest.len())]);
    best_of_3("explore by service, last month of data only", || {
        backend
            .explore(&ExploreQuery {
                from: Some(month.clone()),
                ..query("service", "effective", "day")
            })
            .expect("explore")
    });
    let top = backend
        .explore(&query("service", "effective", "month"))
        .expect("explore")
        .rows
        .first()
        .map(|r| r.name.clone())
        .unwrap_or_default();
    best_of_3("explore by resource, filtered on the top service", || {
        backend
            .explore(&ExploreQuery {
                filters: vec![Filter::is("service", &top)],
                ..query("resource", "effective", "day")
            })
            .expect("explore")
    });
    best_of_3("anomalies (last 30 days of data)", || {
        backend.anomalies(None).expect("anomalies")
    });
    best_of_3("recommendations", || {
        backend.recommendations().expect("recommendations")
    });
}
