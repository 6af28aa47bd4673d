use super::*;
use burnrate_core::analysis::trend::Period;
use burnrate_core::money::CostMeasure;
use burnrate_core::query::dimension::Dimension;
use burnrate_core::store::Dataset;
use std::path::Path;

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
    let summary = burnrate_core::analysis::summary::summarize(
        frame,
        &config,
        &burnrate_core::analysis::summary::SummaryRequest {
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
    let spikes = backend.anomalies(Some("2026-08-01".into())).unwrap();
    assert!(
        spikes
            .iter()
            .any(|a| a.date.to_string() == "2026-09-17" && a.value == "AWS Lambda"),
        "{spikes:?}"
    );
    assert!(
        overview.anomalies.is_empty()
            || overview.anomalies[0].date.to_string().as_str() >= "2026-10-02"
    );

    // The explorer over everything totals the same, in any grouping.
    for group_by in ["service", "account", "region", "tag:team"] {
        let explore = backend
            .explore(&ExploreQuery {
                group_by: group_by.into(),
                measure: CostMeasure::Billed,
                period: Period::Month,
                ..ExploreQuery::default()
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
            measure: CostMeasure::Effective,
            period: Period::Day,
            from: Some("2026-10-01".into()),
            to: Some("2026-11-01".into()),
            filters: vec![Filter::is("provider", "AWS")],
            ..ExploreQuery::default()
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
    backend.set_dismissed(&first.finding.id, true).unwrap();
    let again = backend.recommendations().unwrap();
    assert!(
        again
            .iter()
            .find(|r| r.finding.id == first.finding.id)
            .unwrap()
            .dismissed
    );
    backend.set_dismissed(&first.finding.id, false).unwrap();
    assert!(!backend.recommendations().unwrap()[0].dismissed);

    let sources = backend.sources().unwrap().len();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "not,a,bill\n1,2,3\n").unwrap();
    let mut seen = Vec::new();
    let results = backend.import(
        &[bad],
        burnrate_core::store::Delivery::Detect,
        &mut |p| seen.push(p.done),
        &std::sync::atomic::AtomicBool::new(false),
    );
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
    let result = backend.run_report(&reports[0].name, None, None).unwrap();
    assert!(!result.table.columns.is_empty());

    // The chart the app draws is the report's rows: per currency, the
    // stacked layers add up to the table's total, and every month from the
    // first to the last is on the axis.
    let result = backend
        .run_report("cost_by_service_month", None, None)
        .unwrap();
    let chart = result.chart.expect("the report declares a chart");
    let column = |name: &str| result.table.columns.iter().position(|c| c == name).unwrap();
    let (cost, currency, month) = (
        column("effective_cost"),
        column("currency"),
        column("month"),
    );
    for panel in &chart.panels {
        let table_total: f64 = result
            .table
            .rows
            .iter()
            .filter(|r| r[currency].as_str() == Some(panel.currency.as_str()))
            .map(|r| r[cost].as_f64().unwrap_or(0.0))
            .sum();
        let drawn: f64 = panel
            .series
            .iter()
            .flat_map(|s| s.values.iter().flatten())
            .sum();
        assert!(
            (drawn - table_total).abs() < 0.01,
            "{}: {drawn} drawn, {table_total} in the table",
            panel.currency
        );
        let mut months: Vec<&str> = result
            .table
            .rows
            .iter()
            .filter_map(|r| r[month].as_str())
            .collect();
        months.sort();
        months.dedup();
        assert_eq!(
            panel.labels.first().map(String::as_str),
            months.first().copied()
        );
        assert_eq!(
            panel.labels.last().map(String::as_str),
            months.last().copied()
        );
    }
    let error = backend
        .run_report(&reports[0].name, Some("October".into()), None)
        .unwrap_err();
    assert_eq!(error.code, "usage");
}

#[test]
fn schedules_are_created_edited_run_and_deleted_in_the_config_file() {
    let (dir, backend) = backend();
    std::fs::write(&backend.config_path, "# team settings\n").unwrap();
    backend.load_demo().unwrap();
    let out = dir.path().join("exports");
    let form = ScheduleForm {
        name: "monthly".into(),
        reports: vec!["cost_by_account".into()],
        cron: "0 6 1 * *".into(),
        timezone: "Europe/Berlin".into(),
        window: "all".into(),
        output_dir: out.display().to_string(),
        file_name: "{report}-{date}.csv".into(),
        chart: None,
        keep: Some(3),
        pull: false,
        when_empty: "warn".into(),
    };
    backend.save_schedule(None, form.clone()).unwrap();
    let error = backend.save_schedule(None, form.clone()).unwrap_err();
    assert!(
        error.message.contains("already exists"),
        "{}",
        error.message
    );
    let bad = ScheduleForm {
        cron: "every day".into(),
        ..form.clone()
    };
    assert_eq!(
        backend
            .save_schedule(
                None,
                ScheduleForm {
                    name: "x".into(),
                    ..bad
                }
            )
            .unwrap_err()
            .code,
        "usage"
    );
    let unknown = ScheduleForm {
        name: "y".into(),
        reports: vec!["nope".into()],
        ..form.clone()
    };
    assert!(backend.save_schedule(None, unknown).is_err());

    let edited = ScheduleForm {
        cron: "0 7 * * 1".into(),
        ..form.clone()
    };
    backend
        .save_schedule(Some("monthly".into()), edited)
        .unwrap();
    let listed = backend.schedules().unwrap();
    assert_eq!(listed.schedules.len(), 1);
    assert_eq!(listed.schedules[0].form.cron, "0 7 * * 1");
    assert_eq!(listed.schedules[0].form.keep, Some(3));
    let text = std::fs::read_to_string(&backend.config_path).unwrap();
    assert!(text.contains("# team settings"), "{text}");

    let run = backend.run_schedule("monthly").unwrap();
    assert!(run.ok, "{:?}", run.failures);
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
    assert_eq!(backend.schedules().unwrap().runs[0].schedule, "monthly");

    backend.remove_schedule("monthly").unwrap();
    assert!(backend.schedules().unwrap().schedules.is_empty());
    assert_eq!(
        backend.remove_schedule("monthly").unwrap_err().code,
        "usage"
    );
}

#[test]
fn settings_edits_are_checked_before_the_file_changes() {
    let (dir, backend) = backend();
    std::fs::write(
        &backend.config_path,
        "# mine\n[anomalies]\nthreshold = 4.0\n",
    )
    .unwrap();
    let good = SettingsUpdate {
        reporting_currency: None,
        fx_table: None,
        anomaly_threshold: 3.0,
        anomaly_min_impact: 5.0,
        tag_aliases: vec!["team = owner_team, Team".into()],
        tag_values_ignore_case: true,
        account_names_file: None,
        account_names: vec!["222222222222 = web-prod".into()],
    };
    backend.update_settings(good.clone()).unwrap();
    let settings = backend.settings().unwrap();
    assert_eq!(settings.anomaly_threshold, 3.0);
    assert_eq!(settings.anomaly_min_impact, 5.0);
    assert_eq!(settings.tag_aliases, vec!["team = owner_team, Team"]);
    assert!(settings.tag_values_ignore_case);
    assert_eq!(settings.account_names, vec!["222222222222 = web-prod"]);
    let before = std::fs::read_to_string(&backend.config_path).unwrap();
    assert!(before.starts_with("# mine"));
    for bad in [
        SettingsUpdate {
            anomaly_threshold: 0.0,
            ..good.clone()
        },
        SettingsUpdate {
            reporting_currency: Some("EUR".into()),
            ..good.clone()
        },
        SettingsUpdate {
            tag_aliases: vec!["no equals sign".into()],
            ..good.clone()
        },
        // Issue 18: a threshold that silently turns detection off, and a
        // negative one, each refused with a message naming the field.
        SettingsUpdate {
            anomaly_threshold: 1e23,
            ..good.clone()
        },
        SettingsUpdate {
            anomaly_threshold: -5.0,
            ..good.clone()
        },
        SettingsUpdate {
            anomaly_min_impact: f64::INFINITY,
            ..good.clone()
        },
        SettingsUpdate {
            account_names: vec!["222222222222 web-prod".into()],
            ..good.clone()
        },
    ] {
        let error = backend.update_settings(bad).unwrap_err();
        assert_eq!(error.code, "usage", "{}", error.message);
        assert!(
            !error.message.contains("anomalies."),
            "the form's words, not the file's: {}",
            error.message
        );
        assert_eq!(
            std::fs::read_to_string(&backend.config_path).unwrap(),
            before
        );
    }
    // An account names file that cannot be read is refused, naming it.
    let missing = SettingsUpdate {
        account_names_file: Some(dir.path().join("no-such.csv").display().to_string()),
        ..good.clone()
    };
    let error = backend.update_settings(missing).unwrap_err();
    assert!(error.message.contains("no-such.csv"), "{}", error.message);
    assert_eq!(
        std::fs::read_to_string(&backend.config_path).unwrap(),
        before
    );
    // An FX table that starts after the data's first charge would break
    // every view once saved: refused, naming the currency and the day.
    backend.load_demo().unwrap();
    // Loading the demo names its AWS accounts in the config.
    let before = std::fs::read_to_string(&backend.config_path).unwrap();
    assert!(before.contains("aws-accounts.json"), "{before}");
    let fx = dir.path().join("fx.csv");
    std::fs::write(&fx, "date,from,to,rate\n2026-10-01,EUR,USD,1.08\n").unwrap();
    let late = SettingsUpdate {
        reporting_currency: Some("USD".into()),
        fx_table: Some(fx.display().to_string()),
        ..good.clone()
    };
    let error = backend.update_settings(late).unwrap_err();
    assert!(
        error
            .message
            .contains("no EUR->USD rate on or before 2026-08-0"),
        "{}",
        error.message
    );
    assert_eq!(
        std::fs::read_to_string(&backend.config_path).unwrap(),
        before
    );
    std::fs::write(&fx, "date,from,to,rate\n2026-01-01,EUR,USD,1.08\n").unwrap();
    backend
        .update_settings(SettingsUpdate {
            reporting_currency: Some("USD".into()),
            fx_table: Some(fx.display().to_string()),
            ..good.clone()
        })
        .unwrap();
    assert_eq!(
        backend.settings().unwrap().reporting_currency.as_deref(),
        Some("USD")
    );
    // Removing an alias line removes the key.
    backend
        .update_settings(SettingsUpdate {
            tag_aliases: vec![],
            ..good
        })
        .unwrap();
    assert!(backend.settings().unwrap().tag_aliases.is_empty());
}

#[test]
fn connections_are_saved_without_secrets_checked_and_pulled_with_a_log() {
    let (_dir, backend) = backend();
    let form = ConnectionForm {
        name: "exports".into(),
        kind: "azure-export".into(),
        billing_account: None,
        months: None,
        group_by: None,
        // Nothing listens here: the pull fails, and says why.
        url: Some("http://127.0.0.1:9/devstoreaccount1/exports/cost".into()),
        region: None,
        profile: Some("  ".into()),
        endpoint_url: None,
        scope: None,
        cost_type: None,
    };
    backend.save_connection(None, form.clone()).unwrap();
    let saved = backend.connections().unwrap();
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].profile, None, "blank fields are not written");
    assert!(
        backend.save_connection(None, form.clone()).is_err(),
        "names are unique"
    );
    let bad_scope = ConnectionForm {
        name: "q".into(),
        kind: "azure-query".into(),
        scope: Some("subscription/x".into()),
        ..form.clone()
    };
    assert_eq!(
        backend.save_connection(None, bad_scope).unwrap_err().code,
        "usage"
    );
    let renamed = ConnectionForm {
        name: "blob".into(),
        ..form.clone()
    };
    backend
        .save_connection(Some("exports".into()), renamed)
        .unwrap();
    assert_eq!(backend.connections().unwrap()[0].name, "blob");

    let mut seen = Vec::new();
    let result = backend
        .pull_connection("blob", &mut |line| seen.push(line))
        .unwrap();
    assert!(!result.ok);
    assert!(result.error.is_some());
    assert_eq!(seen, result.log);
    assert!(
        backend.sources().unwrap().is_empty(),
        "a failed pull lands nothing"
    );
    backend.remove_connection("blob").unwrap();
    assert!(backend.connections().unwrap().is_empty());
}
