//! FOCUS out: round trips of `burnrate export focus` (export, import the
//! export: the same totals and rows), its CSV shape, one file per period,
//! and the `focus` SQL table. The validator's verdict is in
//! [`crate::focus_validator`].

use crate::support::{Env, cents};

/// Totals per currency, billing period and account, as the CLI sums them.
fn slice_totals(env: &Env) -> Vec<(String, String, String, f64, f64, f64)> {
    let mut rows: Vec<_> = env
        .rows(&["summary", "--by", "account,month"])
        .iter()
        .map(|r| {
            (
                r["currency"].as_str().unwrap_or("").to_string(),
                r["month"].as_str().unwrap_or("").to_string(),
                r["account"].as_str().unwrap_or("").to_string(),
                r["billed_cost"].as_f64().unwrap(),
                r["effective_cost"].as_f64().unwrap(),
                r["list_cost"].as_f64().unwrap(),
            )
        })
        .collect();
    rows.sort_by(|a, b| (&a.0, &a.1, &a.2).cmp(&(&b.0, &b.1, &b.2)));
    rows
}

#[test]
fn every_version_and_format_round_trips_to_the_cent() {
    let original = Env::with_demo();
    let expected = slice_totals(&original);
    for version in ["1.0", "1.1", "1.2", "1.3"] {
        for format in ["parquet", "csv"] {
            let file = original.path(&format!("focus-{version}.{format}"));
            original.ok(&[
                "export",
                "focus",
                "--version",
                version,
                "--format",
                format,
                "--out",
                &file.to_string_lossy(),
            ]);
            let again = Env::new();
            again.ok(&["import", &file.to_string_lossy()]);
            let got = slice_totals(&again);
            assert_eq!(got.len(), expected.len(), "{version} {format}: slices");
            for (g, e) in got.iter().zip(&expected) {
                assert_eq!((&g.0, &g.1, &g.2), (&e.0, &e.1, &e.2), "{version} {format}");
                assert!(
                    cents(g.3, e.3) && cents(g.4, e.4) && cents(g.5, e.5),
                    "{version} {format}: {g:?} != {e:?}"
                );
            }
        }
    }
}

/// The FOCUS 1.3 CSV export (FOCUS columns only) of a dataset, its rows
/// sorted: row order is not part of a dataset.
fn focus_1_3_rows(env: &Env, name: &str) -> (String, Vec<String>) {
    let file = env.path(name);
    env.ok(&[
        "export",
        "focus",
        "--version",
        "1.3",
        "--format",
        "csv",
        "--focus-only",
        "--out",
        &file.to_string_lossy(),
    ]);
    let text = std::fs::read_to_string(&file).unwrap();
    let mut lines = text.lines().map(str::to_string);
    let header = lines.next().unwrap();
    let mut rows: Vec<String> = lines.collect();
    rows.sort();
    (header, rows)
}

#[test]
fn focus_1_3_round_trips_row_for_row() {
    let original = Env::with_demo();
    let (header, first) = focus_1_3_rows(&original, "first.csv");
    let again = Env::new();
    again.ok(&["import", &original.path("first.csv").to_string_lossy()]);
    let (header_again, second) = focus_1_3_rows(&again, "second.csv");
    assert_eq!(header, header_again);
    // FOCUS 1.3 has 65 columns; BillingAccountType is left out, as FOCUS
    // asks of a conditional column that may not be null and that the demo's
    // sources do not have.
    assert_eq!(header.split(',').count(), 64, "{header}");
    assert!(!header.contains("BillingAccountType"), "{header}");
    assert_eq!(first.len(), 3688);
    for (a, b) in first.iter().zip(&second) {
        assert_eq!(a, b, "the 1.3 export of the re-imported export differs");
    }
    assert_eq!(first.len(), second.len());
}

#[test]
fn csv_export_writes_ids_as_quoted_text_and_utc_times() {
    let env = Env::with_demo();
    let file = env.path("focus.csv");
    let printed = env.ok(&[
        "export",
        "focus",
        "--format",
        "csv",
        "--provider",
        "aws",
        "--from",
        "2026-09-01",
        "--to",
        "2026-10-01",
        "--out",
        &file.to_string_lossy(),
    ]);
    assert!(printed.contains("as FOCUS 1.2 (csv)"), "{printed}");
    let text = std::fs::read_to_string(&file).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row = lines.next().unwrap();
    assert!(header.contains(&"\"BillingAccountId\""), "{header:?}");
    // A 12-digit AWS account id stays text, and times carry their zone.
    assert!(
        row.contains(",\"111111111111\",") || row.contains(",\"222222222222\","),
        "{row}"
    );
    assert!(row.contains("\"2026-09-01T00:00:00Z\""), "{row}");
    assert!(
        !text.contains("\"Microsoft\""),
        "--provider aws kept Azure rows"
    );
    assert!(
        text.lines().skip(1).all(|l| l.contains("2026-09-")),
        "--from/--to"
    );
}

#[test]
fn by_period_writes_one_file_per_billing_period() {
    let env = Env::with_demo();
    let dir = env.path("focus");
    let printed = env.ok(&[
        "export",
        "focus",
        "--by-period",
        "--out",
        &dir.to_string_lossy(),
    ]);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "focus-2026-08.parquet",
            "focus-2026-09.parquet",
            "focus-2026-10.parquet"
        ],
        "{printed}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join(&names[0]))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o644, "an export is readable by other tools");
    }
    let again = Env::new();
    again.ok(&["import", &dir.to_string_lossy()]);
    assert_eq!(slice_totals(&again).len(), slice_totals(&env).len());
}

#[test]
fn exporting_nothing_is_an_error_and_writes_nothing() {
    let env = Env::with_demo();
    let file = env.path("focus.parquet");
    let out = env.run(&[
        "export",
        "focus",
        "--from",
        "2030-01-01",
        "--out",
        &file.to_string_lossy(),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing to export"));
    assert!(!file.exists());
}

#[test]
fn the_focus_sql_table_is_the_export_shape() {
    let env = Env::with_demo();
    let export = env.path("focus.parquet");
    env.ok(&[
        "export",
        "focus",
        "--focus-only",
        "--out",
        export.to_str().unwrap(),
    ]);
    // The same rows and totals as the export, in its columns.
    let from_sql = env.json(&[
        "query",
        "SELECT BillingCurrency, count(*) AS n, sum(BilledCost) AS billed, \
         count(DISTINCT Tags) AS tag_sets FROM focus GROUP BY BillingCurrency \
         ORDER BY BillingCurrency",
        "--format",
        "json",
    ]);
    let sql = format!(
        "SELECT BillingCurrency, count(*) AS n, sum(BilledCost) AS billed, \
         count(DISTINCT Tags) AS tag_sets FROM read_parquet('{}') GROUP BY BillingCurrency \
         ORDER BY BillingCurrency",
        export.display()
    );
    let from_file = env.json(&["query", &sql, "--format", "json"]);
    assert_eq!(from_sql, from_file);
    // Exactly FOCUS 1.2's columns, with Tags as JSON text.
    let columns = env.json(&["query", "SELECT * FROM focus LIMIT 1", "--format", "json"]);
    let row = columns[0].as_object().unwrap();
    let names: Vec<&str> = row.keys().map(String::as_str).collect();
    assert!(!names.iter().any(|n| n.starts_with("x_")), "{names:?}");
    assert!(names.contains(&"ServiceSubcategory"), "{names:?}");
    assert!(
        !names.contains(&"ServiceProviderName"),
        "1.3 only: {names:?}"
    );
    let tags = env.json(&[
        "query",
        "SELECT Tags FROM focus WHERE Tags IS NOT NULL LIMIT 1",
        "--format",
        "json",
    ]);
    let text = tags[0]["Tags"].as_str().unwrap();
    assert!(
        serde_json::from_str::<serde_json::Value>(text)
            .unwrap()
            .is_object()
    );
    // `billing` keeps its own columns beside it.
    let billing = env.json(&["query", "SELECT * FROM billing LIMIT 1", "--format", "json"]);
    assert!(billing[0].as_object().unwrap().contains_key("x_SourceRow"));
}

#[test]
fn report_files_read_the_focus_table_too() {
    let env = Env::with_demo();
    let reports = env.path("reports");
    std::fs::create_dir_all(&reports).unwrap();
    let sql = "SELECT ServiceCategory AS category, ServiceSubcategory AS subcategory, \
               BillingCurrency AS currency, sum(EffectiveCost) AS effective_cost FROM focus \
               GROUP BY 1, 2, 3 ORDER BY 1, 2, 3";
    std::fs::write(
        reports.join("focus_services.sql"),
        format!(
            "-- name: focus_services\n-- title: FOCUS services\n-- description: d\n\
             -- columns: category, subcategory, currency, effective_cost\n{sql}"
        ),
    )
    .unwrap();
    let listing = env.rows(&["reports"]);
    let report = listing
        .iter()
        .find(|r| r["name"] == "focus_services")
        .unwrap();
    assert_eq!(report["status"], "ok", "{report}");
    let from_report = env.json(&["report", "focus_services", "--format", "json"]);
    let from_query = env.json(&["query", sql, "--format", "json"]);
    assert_eq!(from_report, from_query);
    // The AWS half has subcategories by product code.
    assert!(
        from_report
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["subcategory"] == "Virtual Machines"),
        "{from_report}"
    );
}
