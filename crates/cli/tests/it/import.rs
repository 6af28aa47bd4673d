//! End-to-end tests of the `burnrate` binary over the project's own fixtures
//! (tests/fixtures), each in a fresh data directory.

use std::process::Command;

use serde_json::Value;

use crate::support::{Env, close, fixture};

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
    // Issue 18: the files the sources (and every finding's evidence) name
    // exist after the load: they are kept in the data dir's demo/ folder.
    for source in sources.as_array().unwrap() {
        let path = std::path::Path::new(source["path"].as_str().unwrap());
        assert!(path.is_file(), "{} is gone", path.display());
        assert!(
            path.starts_with(env.data_dir().join("demo")),
            "{}",
            path.display()
        );
    }
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
