//! Hostile and broken input (issue 14): each finding is pinned by a test
//! named after it.

use std::path::Path;
use std::process::Command;

use crate::support::{Env, cents, fixture};

/// `file` with the cell of `column` in data row `row` (1-based) replaced.
fn with_cell(file: &str, column: &str, row: usize, value: &str, out: &Path) {
    let mut reader = csv::Reader::from_path(fixture(file)).unwrap();
    let header = reader.headers().unwrap().clone();
    let at = header.iter().position(|h| h == column).unwrap();
    let mut writer = csv::Writer::from_path(out).unwrap();
    writer.write_record(&header).unwrap();
    for (i, record) in reader.records().enumerate() {
        let mut fields: Vec<String> = record.unwrap().iter().map(str::to_string).collect();
        if i + 1 == row {
            fields[at] = value.to_string();
        }
        writer.write_record(&fields).unwrap();
    }
    writer.flush().unwrap();
}

/// A NaN, an infinity or a number past f64 in any measure used to import,
/// store `null` in the manifest and leave the dataset unreadable. Now it is
/// an error naming the row and the column, and the dataset is unchanged.
#[test]
fn a_non_finite_number_in_any_measure_is_refused_and_the_dataset_stays_readable() {
    let env = Env::new();
    env.import_json(&fixture("azure_ea.csv"));
    let before = env.manifest().expect("a manifest");
    let cases = [
        ("focus_1_2.csv", "EffectiveCost", "NaN", "EffectiveCost"),
        ("focus_1_2.csv", "ListCost", "Infinity", "ListCost"),
        ("focus_1_2.csv", "EffectiveCost", "1e400", "EffectiveCost"),
        ("focus_1_2.csv", "ListCost", "-inf", "ListCost"),
        (
            "aws_cur_legacy.csv",
            "pricing/publicOnDemandCost",
            "NaN",
            "ListCost",
        ),
    ];
    for (file, column, value, measure) in cases {
        let bad = env.path(&format!("bad-{value}-{file}"));
        with_cell(file, column, 2, value, &bad);
        let out = env.run(&["import", bad.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{file} {column}={value}: {stderr}"
        );
        for word in ["row 2", measure, "nothing was imported"] {
            assert!(
                stderr.contains(word),
                "{file} {column}={value}: {word:?} not in {stderr}"
            );
        }
        assert_eq!(env.manifest().as_deref(), Some(before.as_str()));
        assert!(env.run(&["summary", "--by", "provider"]).status.success());
        assert!(env.run(&["sources"]).status.success());
    }
}

/// A legacy CUR without `lineItem/UnblendedCost` used to import with
/// BilledCost 0 and no reconciliation. A file without its provider's cost
/// column is an error.
#[test]
fn a_file_without_its_cost_column_is_refused() {
    let env = Env::new();
    let source = fixture("aws_cur_legacy.csv");
    let mut reader = csv::Reader::from_path(&source).unwrap();
    let header = reader.headers().unwrap().clone();
    let cost = header
        .iter()
        .position(|h| h == "lineItem/UnblendedCost")
        .unwrap();
    let keep = |record: &csv::StringRecord| -> Vec<String> {
        record
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != cost)
            .map(|(_, v)| v.to_string())
            .collect()
    };
    let without = env.path("no-cost-column.csv");
    let mut writer = csv::Writer::from_path(&without).unwrap();
    writer.write_record(keep(&header)).unwrap();
    for record in reader.records() {
        writer.write_record(keep(&record.unwrap())).unwrap();
    }
    writer.flush().unwrap();
    let out = env.run(&["import", without.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("no-cost-column.csv") && stderr.contains("no cost column"),
        "{stderr}"
    );
    assert!(env.manifest().is_none());
}

/// A stray `"` at the start of a header field made the rest of the file one
/// header field: 0 rows, $0, exit 0, and the re-read agreed. It is an error.
#[test]
fn a_stray_quote_in_the_header_is_refused() {
    let env = Env::new();
    let text = std::fs::read_to_string(fixture("focus_1_2.csv")).unwrap();
    let broken = env.path("stray-quote.csv");
    std::fs::write(&broken, format!("\"{text}")).unwrap();
    let out = env.run(&["import", broken.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("stray-quote.csv") && stderr.contains("never closes"),
        "{stderr}"
    );
    assert!(env.manifest().is_none());
}

/// Paths went to Polars as glob patterns: `focus?.parquet` also read
/// `focus1.parquet` (double the rows, "reconciled"), and a `[` in a data-dir
/// name failed. Every path is literal.
#[test]
fn paths_with_pattern_characters_are_read_literally() {
    use crate::support::{read_csv, write_parquet};
    let env = Env::new();
    let focus = read_csv(&fixture("focus_1_2.csv"), false);
    let rows = focus.height() as u64;
    let literal = env.path("focus?.parquet");
    write_parquet(focus.clone(), &literal);
    write_parquet(focus, &env.path("focus1.parquet"));
    let imported = env.import_json(&literal);
    assert_eq!(imported[0]["reports"][0]["rows"], rows, "{imported}");

    let odd_dir = env.path("data[1]");
    let dir = odd_dir.to_str().unwrap();
    let azure = fixture("azure_ea.csv");
    for args in [
        vec!["import", azure.to_str().unwrap(), "--data-dir", dir],
        vec!["summary", "--by", "provider", "--data-dir", dir],
    ] {
        let out = env.run(&args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// `sources remove ""` removed the only source (every id starts with "").
#[test]
fn an_empty_source_id_removes_nothing() {
    let env = Env::new();
    env.import_json(&fixture("azure_ea.csv"));
    let before = env.manifest().expect("a manifest");
    for id in ["", "  "] {
        let out = env.run(&["sources", "remove", id]);
        assert_eq!(out.status.code(), Some(2), "{id:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("give the id"));
        assert_eq!(env.manifest().as_deref(), Some(before.as_str()));
    }
}

/// A JSON-lines cost written as an object (`"cost": {...}`) where other
/// lines have a number imported as 0 without an error.
#[test]
fn a_json_lines_field_that_is_an_object_on_one_line_and_a_value_on_another_is_refused() {
    let env = Env::new();
    let text = std::fs::read_to_string(fixture("gcp_billing.jsonl")).unwrap();
    let mut lines: Vec<serde_json::Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines.len() >= 2 && lines[0]["cost"].is_number());
    lines[1]["cost"] = serde_json::json!({"amount": 1.5});
    let broken = env.path("object-cost.jsonl");
    let body: Vec<String> = lines.iter().map(|v| v.to_string()).collect();
    std::fs::write(&broken, body.join("\n") + "\n").unwrap();
    let out = env.run(&["import", broken.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("line 2") && stderr.contains("\"cost\"") && stderr.contains("object"),
        "{stderr}"
    );
    assert!(env.manifest().is_none());
    // The file as written imports (nulls and objects coexist).
    env.import_json(&fixture("gcp_billing.jsonl"));
}

/// A folder with a link back to itself is read once and the loop is
/// skipped with a note, instead of walking forever.
#[test]
fn a_symlink_loop_in_a_folder_is_skipped_not_walked_forever() {
    let env = Env::new();
    let folder = env.path("exports/2024");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::copy(fixture("aws_cur_legacy.csv"), folder.join("cur.csv")).unwrap();
    std::os::unix::fs::symlink(env.path("exports"), folder.join("back")).unwrap();
    let out = env.run(&["import", env.path("exports").to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("a link to a folder already read"),
        "{stderr}"
    );
    assert!(cents(env.totals("USD").0, 0.1844931507));
}

/// Costs that add up past what an exact decimal holds are an error naming
/// the file, not a panic.
#[test]
fn costs_beyond_an_exact_decimal_are_an_error_not_a_panic() {
    let env = Env::new();
    let row = "70000000000000000000000000000,70000000000000000000000000000,2024-01-01,USD";
    let huge = [row, row, row];
    let path = env.path("huge.csv");
    let header = "BilledCost,EffectiveCost,ChargePeriodStart,BillingCurrency";
    std::fs::write(&path, format!("{header}\n{}\n", huge.join("\n"))).unwrap();
    let before = env.manifest();
    let out = env.run(&["import", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("huge.csv"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(env.manifest(), before);
}

/// `keep` prunes only files the schedule wrote (its run log): with
/// `--file-name "{date}.csv" --keep 1`, the user's `budget-2026.csv` in the
/// same folder and the export just written both stay.
#[test]
fn schedule_keep_prunes_only_what_the_schedule_wrote() {
    let env = Env::with_demo();
    let out_dir = env.path("exports");
    std::fs::create_dir_all(&out_dir).unwrap();
    std::fs::write(out_dir.join("budget-2026.csv"), "the user's own").unwrap();
    env.ok(&[
        "schedule",
        "add",
        "daily",
        "--report",
        "cost_by_account",
        "--cron",
        "0 6 * * *",
        "--window",
        "all",
        "--output-dir",
        out_dir.to_str().unwrap(),
        "--file-name",
        "{date}.csv",
        "--keep",
        "1",
    ]);
    for _ in 0..2 {
        let out = env.ok(&["schedule", "run", "daily"]);
        assert!(out.contains("ok (1 files)"), "{out}");
    }
    let mut names: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(names[1], "budget-2026.csv", "{names:?}");
    assert!(
        names[0].ends_with(".csv") && names[0].starts_with("20"),
        "{names:?}"
    );
    assert_eq!(
        std::fs::read_to_string(out_dir.join("budget-2026.csv")).unwrap(),
        "the user's own"
    );
}

/// A tag value that a spreadsheet would run as a formula comes out of every
/// CSV export with a leading `'` (OWASP), while costs stay numbers.
#[test]
fn csv_exports_neutralise_formula_injection_in_tag_values() {
    let env = Env::new();
    let text = std::fs::read_to_string(fixture("aws_cur_legacy.csv")).unwrap();
    let header = text.lines().next().unwrap();
    // The fixture has `Team` and `team`; keys compare case-insensitively.
    let team_columns: Vec<usize> = header
        .split(',')
        .enumerate()
        .filter(|(_, c)| c.eq_ignore_ascii_case("resourceTags/user:team"))
        .map(|(i, _)| i)
        .collect();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut fields: Vec<String> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(lines[1].as_bytes())
        .records()
        .next()
        .unwrap()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    for at in team_columns {
        fields[at] = "=HYPERLINK(\"http://evil.example\",\"x\")".into();
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&fields).unwrap();
    lines[1] = String::from_utf8(writer.into_inner().unwrap())
        .unwrap()
        .trim_end()
        .to_string();
    let path = env.path("hostile.csv");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    env.import_json(&path);
    let out = env.ok(&["summary", "--by", "tag:team", "--format", "csv"]);
    assert!(out.contains("\"'=HYPERLINK("), "{out}");
    assert!(
        !out.contains(",=HYPERLINK") && !out.contains("\"=HYPERLINK"),
        "{out}"
    );
    let report = env.ok(&["report", "cost_by_team", "--format", "csv"]);
    assert!(!report.contains("\"=HYPERLINK"), "{report}");
}

/// Unclear errors made clear: a number padded with spaces is named with its
/// row and column; a finite number too large to add exactly says so instead
/// of "not a number".
#[test]
fn padded_and_huge_numbers_get_errors_that_say_where_and_why() {
    let env = Env::new();
    let header = "BilledCost,EffectiveCost,ChargePeriodStart,BillingCurrency";
    let padded = env.path("padded.csv");
    std::fs::write(
        &padded,
        format!("{header}\n1.5,1.5,2024-01-01,USD\n\" 2.5\",2.5,2024-01-02,USD\n"),
    )
    .unwrap();
    let out = env.run(&["import", padded.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("row 2") && stderr.contains("BilledCost"),
        "{stderr}"
    );

    let huge = env.path("huge.csv");
    std::fs::write(&huge, format!("{header}\n1e308,1,2024-01-01,USD\n")).unwrap();
    let out = env.run(&["import", huge.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("too large or too precise to add exactly"),
        "{stderr}"
    );
    assert!(env.manifest().is_none(), "nothing was imported");
}

/// Manifest trust: a manifest from a newer Burnrate, one that names the same
/// part twice, and a part swapped for another file are each refused with a
/// message saying what to do, never counted.
#[test]
fn an_untrustworthy_manifest_or_part_is_refused_clearly() {
    let setup = || {
        let env = Env::new();
        env.import_json(&fixture("aws_cur_legacy.csv"));
        env.import_json(&fixture("azure_ea.csv"));
        let manifest: serde_json::Value = serde_json::from_str(&env.manifest().unwrap()).unwrap();
        (env, manifest)
    };
    let refused = |env: &Env, words: &[&str]| {
        let out = env.run(&["summary"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        for w in words {
            assert!(stderr.contains(w), "{w:?} in {stderr}");
        }
    };

    let (env, mut manifest) = setup();
    manifest["version"] = 99.into();
    std::fs::write(env.data_dir().join("manifest.json"), manifest.to_string()).unwrap();
    refused(&env, &["version 99", "newer Burnrate"]);

    let (env, mut manifest) = setup();
    manifest["sources"][1]["file"] = manifest["sources"][0]["file"].clone();
    std::fs::write(env.data_dir().join("manifest.json"), manifest.to_string()).unwrap();
    refused(&env, &["named by two sources"]);

    let (env, manifest) = setup();
    let part = |i: usize| {
        env.data_dir()
            .join(manifest["sources"][i]["file"].as_str().unwrap())
    };
    std::fs::copy(part(0), part(1)).unwrap();
    refused(&env, &["rows but manifest.json says", "sources remove"]);
}

/// A CUR manifest that lists the same part twice is refused, not counted
/// twice.
#[test]
fn a_cur_manifest_listing_a_part_twice_is_refused() {
    let env = Env::new();
    let folder = env.path("cur/20240301-20240401");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::copy(fixture("aws_cur_legacy.csv"), folder.join("report-1.csv")).unwrap();
    let manifest = serde_json::json!({
        "assemblyId": "a1",
        "reportKeys": ["p/report/20240301-20240401/report-1.csv",
                       "p/report/20240301-20240401/report-1.csv"],
        "billingPeriod": {"start": "20240301T000000.000Z", "end": "20240401T000000.000Z"}
    });
    let path = folder.join("report-Manifest.json");
    std::fs::write(&path, manifest.to_string()).unwrap();
    let out = env.run(&["import", path.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("twice"), "{stderr}");
    assert!(env.manifest().is_none());
}

/// A data dir the user may read but not write (read-only media, a shared
/// folder) answers questions; only writing says it cannot. As root the
/// test drops to `nobody`, whom the folder does not let write.
#[test]
fn a_read_only_data_dir_can_still_be_read() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    env.import_json(&fixture("aws_cur_legacy.csv"));
    // No lock file yet: a reader without write access cannot create one.
    let _ = std::fs::remove_file(env.data_dir().join(".lock"));
    let read_only = |path: &std::path::Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    for dir in [
        env.dir.path().to_path_buf(),
        env.data_dir(),
        env.data_dir().join("parts"),
    ] {
        read_only(&dir, 0o555);
    }
    // Parts are private to their owner (0600); the reader here may read them.
    for part in std::fs::read_dir(env.data_dir().join("parts")).unwrap() {
        read_only(&part.unwrap().path(), 0o444);
    }
    read_only(&env.config(), 0o444);
    // The test's own files are owned by whoever runs it.
    let as_root =
        std::os::unix::fs::MetadataExt::uid(&std::fs::metadata(env.dir.path()).unwrap()) == 0;
    let run = |args: &[&str]| {
        let mut command = if as_root {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=nobody", "--regid=nogroup", "--clear-groups"])
                .arg(env!("CARGO_BIN_EXE_burnrate"));
            c
        } else {
            Command::new(env!("CARGO_BIN_EXE_burnrate"))
        };
        command
            .args(args)
            .env("BURNRATE_DATA_DIR", env.data_dir())
            .env("BURNRATE_CONFIG", env.config())
            .output()
            .unwrap()
    };
    let summary = run(&["summary", "--format", "json"]);
    let import = run(&["import", fixture("azure_ea.csv").to_str().unwrap()]);
    for dir in [
        env.dir.path().to_path_buf(),
        env.data_dir(),
        env.data_dir().join("parts"),
    ] {
        read_only(&dir, 0o755);
    }
    assert!(
        summary.status.success(),
        "{}",
        String::from_utf8_lossy(&summary.stderr)
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&summary.stdout).unwrap();
    assert!(cents(
        rows[0]["billed_cost"].as_f64().unwrap(),
        0.1844931507
    ));
    assert!(!import.status.success(), "writing must fail");
}

/// Error messages never echo more of a file than the offending field: a
/// 1 MB bad value is quoted by its start and length, and a file that is not
/// a CSV at all (here a password-file-like line) is not repeated.
#[test]
fn errors_do_not_echo_file_content() {
    let env = Env::new();
    let header = "BilledCost,EffectiveCost,ChargePeriodStart,BillingCurrency";
    let big = env.path("big.csv");
    let junk = "x".repeat(1_000_000);
    std::fs::write(
        &big,
        format!("{header}\n1,1,2024-01-01,USD\n{junk},1,2024-01-01,USD\n"),
    )
    .unwrap();
    let out = env.run(&["import", big.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.len() < 2_000, "{} bytes of error", stderr.len());
    assert!(
        stderr.contains("(1000000 characters)") && stderr.contains("row 2"),
        "{stderr}"
    );

    let secret = env.path("shadow");
    std::fs::write(&secret, "root:$6$saltsalt$secrethash:19000:0:99999:7:::\n").unwrap();
    let out = env.run(&["import", secret.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(!stderr.contains("secrethash"), "{stderr}");
    assert!(stderr.contains("not a billing export"), "{stderr}");
}

/// A reader that meets an import in progress says it is waiting instead of
/// hanging silently, and answers once the lock is free.
#[test]
fn a_reader_waiting_for_an_import_says_so() {
    let env = Env::new();
    env.import_json(&fixture("aws_cur_legacy.csv"));
    // Hold the writer's lock as an import does.
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .open(env.data_dir().join(".lock"))
        .unwrap();
    lock.lock().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_burnrate"))
        .args(["summary", "--format", "json"])
        .env("BURNRATE_DATA_DIR", env.data_dir())
        .env("BURNRATE_CONFIG", env.config())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    lock.unlock().unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("waiting for the import in progress"),
        "{stderr}"
    );
}
