//! End-to-end tests of the `burnrate` binary over the project's own fixtures
//! (tests/fixtures), each in a fresh data directory.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::support::{Env, fixture};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn every_format_imports_and_reconciles() {
    // (fixture, format, version, rows, currency, billed, effective)
    #[allow(clippy::type_complexity)] // a table of cases
    let cases: &[(&str, &str, Option<&str>, u64, &str, f64, f64)] = &[
        (
            "aws_cur_legacy.csv",
            "aws-cur-legacy",
            None,
            6,
            "USD",
            0.1844931507,
            0.2439931507,
        ),
        (
            "aws_cur_legacy.csv.gz",
            "aws-cur-legacy",
            None,
            6,
            "USD",
            0.1844931507,
            0.2439931507,
        ),
        (
            "aws_cur_legacy.zip",
            "aws-cur-legacy",
            None,
            6,
            "USD",
            0.1844931507,
            0.2439931507,
        ),
        (
            "aws_cur_short_rows.csv",
            "aws-cur-legacy",
            None,
            6,
            "USD",
            0.1844931507,
            0.2439931507,
        ),
        // BilledCost is net unblended: 0 + 100.44 + 0.2875; effective: RI 0.15 + 0 + 0.2875.
        (
            "aws_cur_athena.csv",
            "aws-cur-athena",
            None,
            3,
            "USD",
            100.7275,
            0.4375,
        ),
        ("aws_cur2.csv", "aws-cur2", None, 3, "USD", 0.592, 0.592),
        // Purchase 100 is billed, not effective (amortized into usage).
        (
            "azure_ea.csv",
            "azure-ea",
            None,
            4,
            "CAD",
            102.3040564902,
            2.3040564902,
        ),
        // Amortized: SP-covered usage and unused SP are effective, not billed.
        (
            "azure_mca_amortized.csv",
            "azure-mca",
            None,
            3,
            "USD",
            0.87,
            4.25,
        ),
        (
            "azure_payg_german.csv",
            "azure-payg-legacy",
            None,
            2,
            "EUR",
            0.07510368,
            0.07510368,
        ),
        ("gcp_billing.csv", "gcp-billing", None, 3, "USD", 1.89, 1.64),
        (
            "gcp_billing.jsonl",
            "gcp-billing",
            None,
            2,
            "USD",
            1.75,
            1.5,
        ),
        ("focus_1_2.csv", "focus", Some("1.2"), 2, "USD", 5.0, 1.0),
        (
            "azure_header_only.csv",
            "azure-ea",
            None,
            0,
            "CAD",
            0.0,
            0.0,
        ),
    ];
    for (name, format, version, rows, currency, billed, effective) in cases {
        let env = Env::new();
        let result = env.import_json(&fixture(name));
        let outcome = &result[0];
        assert_eq!(outcome["status"], "imported", "{name}: {outcome}");
        let report = &outcome["reports"][0];
        assert_eq!(report["format"], *format, "{name}");
        assert_eq!(report["version"].as_str(), *version, "{name}");
        assert_eq!(report["rows"], *rows, "{name}");
        let (b, e, _) = env.totals(currency);
        assert!(close(b, *billed), "{name}: billed {b} != {billed}");
        assert!(close(e, *effective), "{name}: effective {e} != {effective}");
        for check in report["currencies"].as_array().unwrap() {
            let native = check["native_total"].as_f64().unwrap();
            let normalized = check["normalized_total"].as_f64().unwrap();
            assert!((native - normalized).abs() < 0.005, "{name}: {check}");
        }
    }
}

#[test]
fn focus_literal_null_and_currencies_kept_apart() {
    let env = Env::new();
    env.import_json(&fixture("focus_1_0.csv"));
    assert_eq!(env.totals("USD"), (10.0, 7.5, 15.0));
    assert_eq!(env.totals("EUR"), (3.25, 3.25, 3.25));
    // `NULL` is null, not a region called "NULL".
    let regions = env.json(&["summary", "--by", "region", "--format", "json"]);
    assert!(
        regions
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["region"] != "NULL")
    );
    assert!(
        regions
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["region"] == "(none)")
    );
}

#[test]
fn short_rows_are_counted_and_keep_their_cost() {
    let env = Env::new();
    let result = env.import_json(&fixture("aws_cur_short_rows.csv"));
    let report = &result[0]["reports"][0];
    assert_eq!(report["short_rows"], 2);
    assert!(
        report["notes"][0]
            .as_str()
            .unwrap()
            .contains("2 rows have fewer fields")
    );
}

#[test]
fn tags_compare_keys_case_insensitively_and_keep_values() {
    let env = Env::new();
    env.import_json(&fixture("aws_cur_legacy.csv"));
    let csv = env.ok(&["summary", "--by", "tag:TEAM", "--format", "csv"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "tag:TEAM,billed_cost,effective_cost,list_cost,currency"
    );
    let groups: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split(',').next().unwrap())
        .collect();
    for expected in ["Payments", "search", "payments", "(untagged)"] {
        assert!(groups.contains(&expected), "{groups:?}");
    }
    assert!(
        csv.contains("Payments,0.096000,0.096000,0.096000,USD"),
        "{csv}"
    );
    // System tags keep their prefix.
    let by_creator = env.ok(&["summary", "--by", "tag:aws:createdBy", "--format", "csv"]);
    assert!(by_creator.contains("alice,0.005000"), "{by_creator}");
}

#[test]
fn bad_inputs_fail_clearly_and_leave_the_dataset_alone() {
    // (file, words the message must contain)
    let cases: &[(&str, &[&str])] = &[
        ("bad/empty.csv", &["bad/empty.csv", "empty"]),
        ("bad/zero-bytes.parquet", &["zero-bytes.parquet", "empty"]),
        ("bad/truncated.csv.gz", &["truncated.csv.gz", "truncated"]),
        ("bad/garbage.bin", &["garbage.bin", "binary"]),
        ("bad/semicolon.csv", &["semicolon.csv", "';'", "comma"]),
        ("bad/latin1.csv", &["latin1.csv", "UTF-8", "line 2"]),
        (
            "bad/unknown.csv",
            &["unknown.csv", "name, age, city", "FOCUS"],
        ),
        ("bad/long_row.csv", &["long_row.csv", "row 3", "fields"]),
        (
            "bad/bad_number.csv",
            &[
                "bad_number.csv",
                "row 4",
                "lineItem/UnblendedCost",
                "minus 0.085",
            ],
        ),
    ];
    let env = Env::new();
    env.import_json(&fixture("azure_ea.csv"));
    let before = env.manifest().expect("manifest after first import");
    let totals_before = env.totals("CAD");
    for (name, words) in cases {
        let out = env.run(&["import", fixture(name).to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        for word in *words {
            assert!(stderr.contains(word), "{name}: {word:?} not in {stderr}");
        }
        assert_eq!(
            env.manifest().as_deref(),
            Some(before.as_str()),
            "{name} changed the dataset"
        );
        assert_eq!(env.totals("CAD"), totals_before);
    }
}

#[test]
fn importing_the_same_file_twice_changes_nothing() {
    let env = Env::new();
    env.import_json(&fixture("aws_cur_legacy.csv"));
    let before = env.manifest().unwrap();
    let again = env.import_json(&fixture("aws_cur_legacy.csv"));
    assert_eq!(again[0]["status"], "unchanged");
    assert_eq!(env.manifest().unwrap(), before);
    assert!(close(env.totals("USD").0, 0.1844931507));
}

#[test]
fn a_cur_delivery_folder_imports_the_latest_assembly_only() {
    let env = Env::new();
    let text = std::fs::read_to_string(fixture("aws_cur_legacy.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let period = env.dir.path().join("cur/report/20240301-20240401");
    let new = period.join("asm-new");
    let old = period.join("asm-old");
    std::fs::create_dir_all(&new).unwrap();
    std::fs::create_dir_all(&old).unwrap();
    std::fs::write(
        new.join("report-1.csv"),
        [&lines[..1], &lines[1..4]].concat().join("\n"),
    )
    .unwrap();
    std::fs::write(
        new.join("report-2.csv"),
        [&lines[..1], &lines[4..]].concat().join("\n"),
    )
    .unwrap();
    std::fs::write(old.join("report-1.csv"), text.replace("0.096", "9.096")).unwrap();
    let manifest = serde_json::json!({
        "assemblyId": "asm-new",
        "reportKeys": ["prefix/report/20240301-20240401/asm-new/report-1.csv",
                       "prefix/report/20240301-20240401/asm-new/report-2.csv"],
        "billingPeriod": {"start": "20240301T000000.000Z", "end": "20240401T000000.000Z"}
    });
    std::fs::write(period.join("report-Manifest.json"), manifest.to_string()).unwrap();
    let result = env.json(&[
        "import",
        env.dir.path().join("cur").to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(result.as_array().unwrap().len(), 1, "{result}");
    assert_eq!(result[0]["reports"].as_array().unwrap().len(), 2);
    assert!(close(env.totals("USD").0, 0.1844931507));
}

#[test]
fn summary_from_files_does_not_touch_the_dataset() {
    let env = Env::new();
    let csv = env.ok(&[
        "summary",
        "--files",
        fixture("gcp_billing.csv").to_str().unwrap(),
        "--by",
        "service",
        "--format",
        "csv",
    ]);
    assert!(
        csv.contains("Compute Engine,1.250000,1.000000,1.250000,USD"),
        "{csv}"
    );
    assert!(env.manifest().is_none());
}

#[test]
fn sql_over_billing() {
    let env = Env::new();
    env.import_json(&fixture("aws_cur_legacy.csv"));
    let csv = env.ok(&[
        "query",
        "SELECT ServiceName, SUM(BilledCost) AS billed FROM billing GROUP BY ServiceName",
        "--format",
        "csv",
    ]);
    assert_eq!(
        csv.trim(),
        "ServiceName,billed\r\nAmazon Elastic Compute Cloud,0.184493"
    );
    let bad = env.run(&["query", "SELECT nope FROM billing"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn usage_errors_exit_2_and_data_dir_goes_anywhere() {
    let env = Env::new();
    assert_eq!(
        env.run(&["summary", "--by", "colour"]).status.code(),
        Some(2)
    );
    assert_eq!(env.run(&["no-such-command"]).status.code(), Some(2));
    let other = env.dir.path().join("other");
    let out = Command::new(env!("CARGO_BIN_EXE_burnrate"))
        .args([
            "import",
            fixture("focus_1_2.csv").to_str().unwrap(),
            "--data-dir",
            other.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(other.join("manifest.json").exists());
    let out = Command::new(env!("CARGO_BIN_EXE_burnrate"))
        .args([
            "--data-dir",
            other.to_str().unwrap(),
            "sources",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        serde_json::from_slice::<Value>(&out.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn removing_a_source_removes_its_rows() {
    let env = Env::new();
    env.import_json(&fixture("aws_cur_legacy.csv"));
    let gcp = env.import_json(&fixture("gcp_billing.csv"));
    let id = gcp[0]["id"].as_str().unwrap();
    env.ok(&["sources", "remove", &id[..8]]);
    assert!(close(env.totals("USD").0, 0.1844931507));
    assert_eq!(
        env.run(&["sources", "remove", "ffffffff"]).status.code(),
        Some(2)
    );
}

#[test]
fn concurrent_imports_both_land() {
    let env = Env::new();
    let spawn = |name: &str| {
        Command::new(env!("CARGO_BIN_EXE_burnrate"))
            .args(["import", fixture(name).to_str().unwrap()])
            .env("BURNRATE_DATA_DIR", env.data_dir())
            .spawn()
            .unwrap()
    };
    let mut a = spawn("aws_cur_legacy.csv");
    let mut b = spawn("gcp_billing.csv");
    assert!(a.wait().unwrap().success());
    assert!(b.wait().unwrap().success());
    assert!(close(env.totals("USD").0, 0.1844931507 + 1.89));
}

#[test]
fn a_killed_import_leaves_the_dataset_as_it_was() {
    let env = Env::new();
    env.import_json(&fixture("azure_ea.csv"));
    let before = env.manifest().unwrap();
    let big = env.dir.path().join("big-cur.csv");
    env.ok(&[
        "dev",
        "gen-cur",
        "--rows",
        "200000",
        "--out",
        big.to_str().unwrap(),
    ]);
    for delay_ms in [20u64, 150, 400, 900] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_burnrate"))
            .args(["import", big.to_str().unwrap()])
            .env("BURNRATE_DATA_DIR", env.data_dir())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        if status.success() {
            // Finished before the kill: the import is whole, take it out again.
            let sources = env.json(&["sources", "--format", "json"]);
            let id = sources
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["format"] == "aws-cur-legacy")
                .unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string();
            env.ok(&["sources", "remove", &id]);
        }
        assert_eq!(
            env.manifest().unwrap(),
            before,
            "after a kill at {delay_ms} ms"
        );
        assert!(close(env.totals("CAD").0, 102.3040564902));
    }
    // The next writer clears what the killed imports left behind.
    env.import_json(&fixture("focus_1_2.csv"));
    let leftovers: Vec<_> = std::fs::read_dir(env.data_dir().join("tmp"))
        .unwrap()
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert_eq!(
        std::fs::read_dir(env.data_dir().join("parts"))
            .unwrap()
            .count(),
        2
    );
}

#[test]
fn the_demo_dataset_loads_and_reconciles() {
    let env = Env::new();
    let out = env.ok(&["demo"]);
    assert!(out.contains("6 files imported"), "{out}");
    let again = env.ok(&["demo"]);
    assert!(
        again.contains("0 files imported, 6 already there"),
        "{again}"
    );
    let sources = env.json(&["sources", "--format", "json"]);
    assert_eq!(sources.as_array().unwrap().len(), 6);
    let by_provider = env.json(&["summary", "--by", "provider", "--format", "json"]);
    let providers: Vec<&str> = by_provider
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["provider"].as_str().unwrap())
        .collect();
    assert_eq!(providers.len(), 2, "{providers:?}");
    let months = env.json(&["summary", "--by", "month", "--format", "json"]);
    let mut names: Vec<&str> = months
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["month"].as_str().unwrap())
        .collect();
    names.sort();
    names.dedup();
    assert_eq!(names, ["2026-08", "2026-09", "2026-10"]);
}

/// Writes a frame as Parquet for the tests below.
pub(crate) fn write_parquet(mut df: polars::prelude::DataFrame, path: &Path) {
    use polars::prelude::*;
    let file = std::fs::File::create(path).unwrap();
    ParquetWriter::new(file).finish(&mut df).unwrap();
}

pub(crate) fn read_csv(path: &Path, infer_types: bool) -> polars::prelude::DataFrame {
    use polars::prelude::*;
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(if infer_types { Some(100) } else { Some(0) })
        .try_into_reader_with_file_path(Some(path.to_path_buf()))
        .unwrap()
        .finish()
        .unwrap()
}

#[test]
fn parquet_exports_import_like_their_csv() {
    use polars::prelude::*;
    let env = Env::new();
    // Athena-style CUR Parquet with typed columns (costs as doubles).
    let athena = env.dir.path().join("athena.parquet");
    write_parquet(read_csv(&fixture("aws_cur_athena.csv"), true), &athena);
    let result = env.import_json(&athena);
    assert_eq!(
        result[0]["reports"][0]["format"], "aws-cur-athena",
        "{result}"
    );
    assert!(close(env.totals("USD").0, 100.7275));

    // CUR 2.0 Parquet: resource_tags is a map (a list of key/value structs).
    let env = Env::new();
    let cur2 = df!(
        "bill_payer_account_id" => ["998877665544", "998877665544"],
        "bill_payer_account_name" => ["Acme Payer", "Acme Payer"],
        "bill_billing_period_start_date" => ["2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z"],
        "line_item_usage_start_date" => ["2025-01-05T00:00:00Z", "2025-01-06T00:00:00Z"],
        "line_item_line_item_type" => ["Usage", "Usage"],
        "line_item_product_code" => ["AmazonEC2", "AmazonS3"],
        "line_item_currency_code" => ["USD", "USD"],
        "line_item_unblended_cost" => [0.192f64, 2.5],
    )
    .unwrap()
    .lazy()
    .with_column(
        concat_list([as_struct(vec![
            lit("user_team").alias("key"),
            lit("web").alias("value"),
        ])])
        .unwrap()
        .alias("resource_tags"),
    )
    .collect()
    .unwrap();
    let path = env.dir.path().join("cur2.parquet");
    write_parquet(cur2, &path);
    let result = env.import_json(&path);
    assert_eq!(result[0]["reports"][0]["format"], "aws-cur2", "{result}");
    assert!(close(env.totals("USD").0, 2.692));
    let by_team = env.ok(&["summary", "--by", "tag:team", "--format", "csv"]);
    assert!(by_team.contains("web,2.692000"), "{by_team}");

    // FOCUS Parquet.
    let env = Env::new();
    let focus = env.dir.path().join("focus.parquet");
    write_parquet(read_csv(&fixture("focus_1_2.csv"), false), &focus);
    let result = env.import_json(&focus);
    assert_eq!(result[0]["reports"][0]["format"], "focus", "{result}");
    assert_eq!(env.totals("USD").0, 5.0);
    assert_eq!(env.totals("USD").1, 1.0);
}

/// The shape of a real CUR 2.0 Data Export: `line_item_net_unblended_cost`
/// is present but empty on every row, and credits cancel the usage. Each
/// row's cost falls back to unblended cost, credits are FOCUS `Credit`, and
/// the per-category reconciliation is what would catch usage read as zero
/// (the grand total is 0 either way).
#[test]
fn cur2_empty_net_cost_falls_back_row_by_row_and_credits_stay_credits() {
    let env = Env::new();
    let result = env.import_json(&fixture("aws_cur2_empty_net_credits.csv"));
    assert_eq!(result[0]["status"], "imported", "{result}");
    assert_eq!(result[0]["reports"][0]["format"], "aws-cur2");
    let by_category = env.rows(&["summary", "--by", "charge_category"]);
    let billed = |category: &str| -> f64 {
        by_category
            .iter()
            .filter(|r| r["charge_category"] == category)
            .map(|r| r["billed_cost"].as_f64().unwrap())
            .sum()
    };
    assert!(close(billed("Usage"), 47.68), "{by_category:?}");
    assert!(close(billed("Credit"), -47.68), "{by_category:?}");
    assert_eq!(by_category.len(), 2, "{by_category:?}");
}

/// Writes a CSV fixture as Parquet the way AWS's Athena integration does:
/// every column text, numbers included, with `""` where a value is absent.
/// `edit` changes the frame first (another month, a dropped column).
fn athena_parquet(
    csv: &Path,
    out: &Path,
    edit: impl Fn(polars::prelude::DataFrame) -> polars::prelude::DataFrame,
) {
    use polars::prelude::*;
    let frame = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .map_parse_options(|o| o.with_missing_is_null(false))
        .try_into_reader_with_file_path(Some(csv.to_path_buf()))
        .unwrap()
        .finish()
        .unwrap();
    let mut frame = edit(frame);
    let empty_strings = frame
        .columns()
        .iter()
        .filter_map(|c| c.str().ok())
        .map(|s| {
            s.iter()
                .filter(|v| matches!(v, Some("") | Some("NULL")))
                .count()
        })
        .sum::<usize>();
    assert!(empty_strings > 0, "the fixture must have empty cells");
    let file = std::fs::File::create(out).unwrap();
    ParquetWriter::new(file).finish(&mut frame).unwrap();
}

/// Athena Parquet stores numbers as text with `""` (or `NULL`) for null, and
/// other writers store money as decimals; months drift
/// in schema (a column present in one is absent in the next); AWS writes a
/// status table beside the data. The folder imports both months, each to
/// the cent of the CSV it was made from, and skips the status table with a
/// note.
#[test]
fn athena_parquet_with_text_numbers_and_schema_drift_imports_exactly() {
    use polars::prelude::*;
    let csv_env = Env::new();
    csv_env.import_json(&fixture("aws_cur_athena.csv"));
    let (billed, effective, _) = csv_env.totals("USD");

    let env = Env::new();
    let folder = env.path("cur");
    std::fs::create_dir_all(folder.join("year=2024/month=5")).unwrap();
    std::fs::create_dir_all(folder.join("year=2024/month=6")).unwrap();
    std::fs::create_dir_all(folder.join("cost_and_usage_data_status")).unwrap();
    let csv = fixture("aws_cur_athena.csv");
    athena_parquet(
        &csv,
        &folder.join("year=2024/month=5/cur-00001.snappy.parquet"),
        // The cost as a Parquet decimal, as some writers store money.
        |mut f| {
            let cost = f
                .column("line_item_unblended_cost")
                .unwrap()
                .cast(&DataType::Decimal(18, 10))
                .unwrap();
            f.replace("line_item_unblended_cost", cost).unwrap();
            f
        },
    );
    athena_parquet(
        &csv,
        &folder.join("year=2024/month=6/cur-00001.snappy.parquet"),
        |f| {
            let mut f = f.drop("product_product_name").unwrap();
            // This month writes its absent values as NULL instead of "".
            let names: Vec<String> = f.get_column_names().iter().map(|n| n.to_string()).collect();
            for name in &names {
                let nulls: StringChunked =
                    f.column(name).unwrap().str().unwrap().apply_values(|v| {
                        if v.is_empty() {
                            "NULL".into()
                        } else {
                            v.to_string().into()
                        }
                    });
                f.replace(name, nulls.into_column()).unwrap();
            }
            for name in [
                "bill_billing_period_start_date",
                "bill_billing_period_end_date",
                "line_item_usage_start_date",
                "line_item_usage_end_date",
            ] {
                let moved: StringChunked =
                    f.column(name).unwrap().str().unwrap().apply_values(|v| {
                        v.replace("2024-06", "2024-07")
                            .replace("2024-05", "2024-06")
                            .into()
                    });
                f.replace(name, moved.into_column()).unwrap();
            }
            f
        },
    );
    let mut status = df!("status" => ["READY"]).unwrap();
    ParquetWriter::new(
        std::fs::File::create(
            folder.join("cost_and_usage_data_status/cost_and_usage_data_status.parquet"),
        )
        .unwrap(),
    )
    .finish(&mut status)
    .unwrap();

    let out = env.run(&["import", folder.to_str().unwrap(), "--format", "json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("skipped")
            && stderr.contains("cost_and_usage_data_status.parquet")
            && stderr.contains("not billing data"),
        "{stderr}"
    );
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result.as_array().unwrap().len(), 2, "{result}");
    for outcome in result.as_array().unwrap() {
        assert_eq!(
            outcome["reports"][0]["format"], "aws-cur-athena",
            "{outcome}"
        );
    }
    let months = env.rows(&["summary", "--by", "month"]);
    assert_eq!(months.len(), 2, "{months:?}");
    for month in &months {
        assert!(
            close(month["billed_cost"].as_f64().unwrap(), billed),
            "{month}"
        );
        assert!(
            close(month["effective_cost"].as_f64().unwrap(), effective),
            "{month}"
        );
    }
}

/// OCI's quirks: CRLF, start times without seconds, scientific notation,
/// 18-decimal values, a correction row, a tag header with a backslash.
#[test]
fn an_oci_cost_report_imports_to_the_cent_with_its_tags() {
    let env = Env::new();
    let result = env.import_json(&fixture("oci_cost_report.csv"));
    let report = &result[0]["reports"][0];
    assert_eq!(report["format"], "oci-cost-report", "{result}");
    assert_eq!(report["rows"], 4);
    assert_eq!(report["periods"], serde_json::json!(["2024-02"]));
    let (billed, effective, _) = env.totals("EUR");
    assert!(close(billed, 0.31875000232376), "{billed}");
    assert!(close(effective, billed));
    let by_tag = env.rows(&["summary", "--by", "tag:Team\\Ops.cost-center"]);
    let tagged: Vec<&Value> = by_tag
        .iter()
        .filter(|r| r["tag:Team\\Ops.cost-center"] == "cc-7")
        .collect();
    assert_eq!(tagged.len(), 1, "{by_tag:?}");
    assert!(close(tagged[0]["billed_cost"].as_f64().unwrap(), 0.025));
    let corrections = env.rows(&[
        "query",
        "SELECT SUM(BilledCost) AS cost FROM billing WHERE ChargeClass = 'Correction'",
    ]);
    assert!(
        close(corrections[0]["cost"].as_f64().unwrap(), -0.025),
        "{corrections:?}"
    );
}

/// FOCUS 1.3 as the FinOps Foundation's toolkit writes it: the new columns
/// are kept; a file with only the 1.3 provider names gets the deprecated
/// ProviderName and PublisherName from ServiceProviderName.
#[test]
fn focus_1_3_columns_are_kept_and_deprecated_names_derived() {
    let env = Env::new();
    let result = env.import_json(&fixture("focus_1_3_aws.csv"));
    let report = &result[0]["reports"][0];
    assert_eq!(report["format"], "focus", "{result}");
    assert_eq!(report["version"], "1.3");
    assert!(close(env.totals("USD").0, 1_004.365_004_641_771_7));
    let kept = env.rows(&[
        "query",
        "SELECT COUNT(*) AS n, COUNT(AllocatedMethodId) AS allocated, COUNT(ContractApplied) AS contract, \
         COUNT(HostProviderName) AS host, SUM(ARRAY_LENGTH(AllocatedTags)) AS allocated_tags FROM billing",
    ]);
    assert_eq!(kept[0]["n"], 40, "{kept:?}");
    assert!(kept[0]["allocated"].as_u64().unwrap() > 0, "{kept:?}");
    assert!(kept[0]["contract"].as_u64().unwrap() > 0, "{kept:?}");
    assert_eq!(kept[0]["host"], 40, "{kept:?}");
    assert!(kept[0]["allocated_tags"].as_u64().unwrap() > 0, "{kept:?}");

    // The same file with only the 1.3 names.
    let text = std::fs::read_to_string(fixture("focus_1_3_aws.csv")).unwrap();
    let only_new: String = text
        .lines()
        .map(|line| line.splitn(3, ',').nth(2).unwrap_or("").to_string() + "\n")
        .collect();
    assert!(only_new.starts_with("ServiceProviderName,"));
    let path = env.path("only-1-3-names.csv");
    std::fs::write(&path, only_new).unwrap();
    let fresh = Env::new();
    fresh.import_json(&path);
    let providers = fresh.rows(&["summary", "--by", "provider"]);
    assert_eq!(providers.len(), 1, "{providers:?}");
    assert_eq!(providers[0]["provider"], "AWS", "{providers:?}");
    let publishers = fresh.rows(&[
        "query",
        "SELECT COUNT(*) AS n FROM billing WHERE PublisherName = 'AWS'",
    ]);
    assert_eq!(publishers[0]["n"], 40);
}

#[test]
fn a_focus_file_gets_a_conformance_summary_beside_its_reconciliation() {
    let env = Env::new();
    let header = "BilledCost,EffectiveCost,ListCost,BillingCurrency,BillingAccountId,\
                  ChargePeriodStart,ChargePeriodEnd,ChargeCategory,ProviderName,\
                  InvoiceIssuerName,PublisherName,ServiceName,CommitmentDiscountId";
    let rows = [
        // conformant usage
        "10.00,10.00,10.00,USD,111,2025-03-01T00:00:00Z,2025-03-02T00:00:00Z,Usage,AWS,Amazon Web Services Inc.,AWS,Amazon EC2,",
        // a marketplace charge billed to the provider's invoice: BilledCost must be 0
        "4.00,4.00,4.00,USD,111,2025-03-01T00:00:00Z,2025-03-02T00:00:00Z,Usage,AWS,Acme Software LLC,Acme,Acme Firewall,",
        // a commitment purchase with an effective cost: counted twice once amortized
        "30.00,30.00,30.00,USD,111,2025-03-01T00:00:00Z,2025-04-01T00:00:00Z,Purchase,AWS,AWS,AWS,Savings Plans,arn:sp",
    ];
    let file = env.path("focus_with_faults.csv");
    std::fs::write(&file, format!("{header}\n{}\n", rows.join("\n"))).unwrap();

    let text = env.ok(&["import", file.to_str().unwrap()]);
    assert!(
        text.contains("FOCUS conformance: 2 of 8 cost rules broken"),
        "{text}"
    );
    assert!(text.contains("BilledCost-C-005-C"), "{text}");
    assert!(text.contains("EffectiveCost-C-005-C"), "{text}");

    // It informs: the file is imported whole and reconciled.
    assert!(close(env.totals("USD").0, 44.0));
    let again = Env::new();
    let result = again.import_json(&file);
    let report = &result[0]["reports"][0];
    assert_eq!(report["focus_conformance"]["rules_checked"], 8, "{result}");
    let broken = report["focus_conformance"]["broken"].as_array().unwrap();
    let summary: Vec<(String, u64, f64)> = broken
        .iter()
        .map(|r| {
            (
                r["rule"].as_str().unwrap().to_string(),
                r["rows"].as_u64().unwrap(),
                r["amounts"][0]["amount"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("BilledCost-C-005-C".to_string(), 1, 4.0),
            ("EffectiveCost-C-005-C".to_string(), 1, 30.0),
        ]
    );

    // A conformant FOCUS file says so; other formats have no summary.
    let clean = Env::new();
    let text = clean.ok(&["import", fixture("focus_1_2.csv").to_str().unwrap()]);
    assert!(
        text.contains("FOCUS conformance: all 8 cost rules met"),
        "{text}"
    );
    let text = clean.ok(&["import", fixture("aws_cur_legacy.csv").to_str().unwrap()]);
    assert!(!text.contains("FOCUS conformance"), "{text}");
}
