use super::*;

fn backend() -> (tempfile::TempDir, Backend) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "").unwrap();
    let backend = Backend::new(dir.path().join("data"), config);
    (dir, backend)
}

/// The committed TypeScript bindings match the Rust types. Run with
/// `BLESS_BINDINGS=1` to regenerate them after changing a type.
#[test]
fn typescript_bindings_are_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings.ts");
    let generated = typescript_bindings();
    if std::env::var("BLESS_BINDINGS").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "ui/src/bindings.ts is stale: run `BLESS_BINDINGS=1 cargo test --workspace --all-targets typescript_bindings` and commit it"
    );
}

#[test]
fn an_empty_dataset_answers_empty_not_errors() {
    let (_dir, backend) = backend();
    assert!(backend.overview().unwrap().empty);
    assert!(backend.recommendations().unwrap().is_empty());
    assert!(backend.sources().unwrap().is_empty());
}

#[test]
fn demo_overview_and_explorer_reconcile_with_the_summary() {
    let (_dir, backend) = backend();
    let results = backend.load_demo().unwrap();
    assert!(
        results.iter().all(|r| r.status == "imported"),
        "{results:?}"
    );
    assert!(
        results
            .iter()
            .all(|r| !r.files[0].reconciliation.is_empty())
    );

    let overview = backend.overview().unwrap();
    assert_eq!(overview.latest_day.as_deref(), Some("2026-10-31"));
    assert_eq!(overview.month.as_deref(), Some("2026-10"));
    // The totals are those of `burnrate summary` (core's summarize).
    let config = backend.config().unwrap();
    let frame = Dataset::open(&backend.data_dir)
        .unwrap()
        .snapshot()
        .unwrap()
        .scan()
        .unwrap();
    let summary = burnrate_core::summary::summarize(
        frame,
        &config,
        &burnrate_core::summary::SummaryRequest {
            by: vec![Dimension::Provider],
            from: None,
            to: None,
            sort_by: CostMeasure::Billed,
        },
    )
    .unwrap();
    let currencies = summary.column("currency").unwrap().str().unwrap().clone();
    let billed = summary
        .column("billed_cost")
        .unwrap()
        .f64()
        .unwrap()
        .clone();
    for c in &overview.currencies {
        let expected: f64 = (0..summary.height())
            .filter(|i| currencies.get(*i) == Some(c.total.currency.as_str()))
            .map(|i| billed.get(i).unwrap())
            .sum();
        assert!(
            (c.total.billed - expected).abs() < 0.005,
            "{}",
            c.total.currency
        );
        // Month-to-date is the service split's sum.
        let services: f64 = c.by_service.iter().map(|s| s.cost).sum();
        assert!((services - c.month_to_date_effective).abs() < 0.005);
        assert!(c.forecast.is_some());
        assert_eq!(c.daily.len(), 90);
    }
    assert!(!overview.top_recommendations.is_empty());
    assert!(overview.anomalies.is_empty() || overview.anomalies[0].date.as_str() >= "2026-10-02");

    // The explorer over everything totals the same, in any grouping.
    for group_by in ["service", "account", "region", "tag:team"] {
        let explore = backend
            .explore(&ExploreQuery {
                group_by: group_by.into(),
                measure: "billed".into(),
                period: "month".into(),
                from: None,
                to: None,
                filters: vec![],
            })
            .unwrap();
        assert_eq!(
            explore.periods,
            vec!["2026-08-01", "2026-09-01", "2026-10-01"]
        );
        for total in &explore.totals {
            let overview_total = overview
                .currencies
                .iter()
                .find(|c| c.total.currency == total.currency)
                .unwrap();
            assert!(
                (total.billed - overview_total.total.billed).abs() < 0.005,
                "{group_by}"
            );
            let series: f64 = explore
                .series
                .iter()
                .filter(|s| s.currency == total.currency)
                .map(|s| s.total)
                .sum();
            assert!((series - total.billed).abs() < 0.005, "{group_by}");
        }
    }
    // A filter narrows to one provider.
    let aws = backend
        .explore(&ExploreQuery {
            group_by: "service".into(),
            measure: "effective".into(),
            period: "day".into(),
            from: Some("2026-10-01".into()),
            to: Some("2026-11-01".into()),
            filters: vec![Filter {
                dimension: "provider".into(),
                value: "AWS".into(),
            }],
        })
        .unwrap();
    assert_eq!(aws.periods.len(), 31);
    assert!(aws.rows.iter().all(|r| r.currency == "USD"));
}

#[test]
fn dismissing_is_remembered_and_bad_imports_change_nothing() {
    let (dir, backend) = backend();
    backend.load_demo().unwrap();
    let first = backend.recommendations().unwrap()[0].clone();
    backend.set_dismissed(&first.id, true).unwrap();
    let again = backend.recommendations().unwrap();
    assert!(again.iter().find(|r| r.id == first.id).unwrap().dismissed);
    assert!(
        backend
            .overview()
            .unwrap()
            .top_recommendations
            .iter()
            .all(|r| r.id != first.id)
    );
    backend.set_dismissed(&first.id, false).unwrap();
    assert!(!backend.recommendations().unwrap()[0].dismissed);

    let sources = backend.sources().unwrap().len();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "not,a,bill\n1,2,3\n").unwrap();
    let mut seen = Vec::new();
    let results = backend.import(&[bad], &mut |p| seen.push(p.done));
    assert_eq!(results[0].status, "failed");
    assert_eq!(results[0].error.as_ref().unwrap().code, "unknown_format");
    assert_eq!(seen, vec![0, 1]);
    assert_eq!(backend.sources().unwrap().len(), sources);
}

#[test]
fn reports_run_and_bad_dates_are_usage_errors() {
    let (_dir, backend) = backend();
    backend.load_demo().unwrap();
    let reports = backend.reports().unwrap();
    assert!(reports.len() >= 10);
    let table = backend.run_report(&reports[0].name, None, None).unwrap();
    assert!(!table.columns.is_empty());
    let error = backend
        .run_report(&reports[0].name, Some("October".into()), None)
        .unwrap_err();
    assert_eq!(error.code, "usage");
}
