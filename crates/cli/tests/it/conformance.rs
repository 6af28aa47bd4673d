//! Conformance over the real public billing files in ../shared/data (or
//! `BURNRATE_SAMPLES_DIR`): every billing file imports and reconciles to the
//! cent, or fails with the documented error. Expected figures were computed
//! independently (exact decimal sums of the provider's cost column).
//!
//! When the folder is absent the test says so and passes, except in CI
//! (`CI=true`), where its absence is a failure. Every billing file in the
//! folder must have an expectation here, so new samples cannot slip by.
//! The file-by-file results are written to `target/tmp/conformance.md`.
//!
//! Every imported file is also compared with `EXPECTED.json` in that folder:
//! totals per currency and charge category computed outside the project (a
//! plain reader and Decimal, with the column rule per family stated in each
//! entry). It shares no code or column choice with Burnrate's own recount.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

enum Expect {
    /// format, rows, provider total, normalized BilledCost, EffectiveCost
    Imports(&'static str, u64, f64, f64, f64),
    /// words the error must contain
    Fails(&'static [&'static str]),
}
use Expect::*;

const EXPECTATIONS: &[(&str, Expect)] = &[
    (
        "finops-toolkit/EA_ActualCost_Small.csv",
        Imports(
            "azure-cost-details",
            11,
            8.5450077867,
            8.5450077867,
            5.2950077867,
        ),
    ),
    // Amortized: reservation/savings-plan usage is effective, not billed.
    (
        "finops-toolkit/EA_AmortizedCost_Small.csv",
        Imports(
            "azure-cost-details",
            28,
            16.2969321366,
            15.7977801366,
            16.2969321366,
        ),
    ),
    (
        "finops-toolkit/EA_NoRows.csv",
        Imports("azure-cost-details", 0, 0.0, 0.0, 0.0),
    ),
    // Real Athena-integration Parquet: numbers as text, "" for null.
    (
        "aws-workshop-cur-parquet/Nov2018-WorkshopCUR-00001.snappy.parquet",
        Imports(
            "aws-cur-athena",
            124340,
            3505.3269681268,
            3505.3269681268,
            3632.5598464973,
        ),
    ),
    // The Athena status table AWS writes beside the data (a folder import
    // skips it with a note; imported on its own it is refused).
    (
        "aws-workshop-cur-parquet/cost_and_usage_data_status.parquet",
        Fails(&["status table", "not billing data", "nothing was imported"]),
    ),
    (
        "focus-converters/sample-anonymous-aws-export-dataset.csv",
        Imports(
            "aws-cur-legacy",
            1281,
            1.6823086974,
            1.6823086974,
            1.6823086974,
        ),
    ),
    (
        "focus-converters/sample-anonymous-ea-export-dataset.csv",
        Imports("azure-ea", 27, 1.2613692651, 1.2613692651, 1.2613692651),
    ),
    (
        "focus-sample-data/focus_sample.csv",
        Imports("focus", 1000, 20.520226729, 20.520226729, 14.9765141859),
    ),
    (
        "focus-spec-examples/commitment_discount_flexibility/one_hundred_percent_utilization_with_commitment_discount_flexibility_with_1_resource.csv",
        Imports("focus", 3, 2.75, 2.75, 2.75),
    ),
    (
        "focus-spec-examples/commitment_discount_flexibility/one_hundred_percent_utilization_with_commitment_discount_flexibility_with_2_resources.csv",
        Imports("focus", 3, 2.0, 2.0, 2.0),
    ),
    (
        "focus-spec-examples/commitment_discount_flexibility/one_hundred_percent_utilization_without_commitment_discount_flexibility.csv",
        Imports("focus", 2, 1.5, 1.5, 1.5),
    ),
    (
        "focus-spec-examples/commitment_discount_flexibility/zero_percent_utilization_without_commitment_discount_flexibility.csv",
        Imports("focus", 3, 3.5, 3.5, 3.5),
    ),
    (
        "focus-spec-examples/commitment_discount_scenarios/commitment_discount_purchase_scenario_1.csv",
        Imports("focus", 1, 8760.0, 8760.0, 0.0),
    ),
    // The spec example itself has an impossible time (hour 30).
    (
        "focus-spec-examples/commitment_discount_scenarios/commitment_discount_purchase_scenario_2.csv",
        Fails(&["row 3", "ChargePeriodEnd", "2023-02-01T30:00:00Z"]),
    ),
    (
        "focus-spec-examples/commitment_discount_scenarios/commitment_discount_purchase_scenario_3.csv",
        Fails(&["row 4", "ChargePeriodEnd", "2023-02-01T30:00:00Z"]),
    ),
    // Oracle Cloud's native cost report: `lineItem/...` names like a CUR's,
    // never read as one.
    (
        "oci/reports_cost-csv_0000000030000269.csv",
        Imports(
            "oci-cost-report",
            506,
            2.5235893254,
            2.5235893254,
            2.5235893254,
        ),
    ),
    (
        "focus-spec-examples/commitment_discount_scenarios/commitment_discount_usage_scenario_1.csv",
        Imports("focus", 1, 0.0, 0.0, 1.0),
    ),
    (
        "focus-spec-examples/commitment_discount_scenarios/commitment_discount_usage_scenario_2.csv",
        Imports("focus", 1, 0.0, 0.0, 1.0),
    ),
    (
        "focus-spec-examples/commitment_discount_scenarios/commitment_discount_usage_scenario_3.csv",
        Imports("focus", 2, 0.0, 0.0, 1.0),
    ),
    (
        "focus-spec-examples/commitment_discount_scenarios/commitment_discount_usage_scenario_4.csv",
        Imports("focus", 2, 0.5, 0.5, 1.5),
    ),
    // SavingsPlanCoveredUsage: billed at the on-demand rate, effective at the SP rate.
    (
        "koku/aws/2023-06-01.csv",
        Imports("aws-cur-legacy", 3, 30.0, 30.0, 0.3),
    ),
    (
        "koku/azure/azure_camelCased.csv",
        Imports("azure-payg-legacy", 3, 0.00011016, 0.00011016, 0.00011016),
    ),
    (
        "koku/azure/azure_version_2.csv",
        Imports("azure-ea", 5, 19.998413754, 19.998413754, 19.998413754),
    ),
    (
        "koku/azure/costreport_a243c6f2-199f-4074-9a2c-40e671cf1584.csv",
        Imports("azure-payg-legacy", 3, 0.00011016, 0.00011016, 0.00011016),
    ),
    // Effective = cost + credits (the free-trial credits cancel the cost).
    (
        "koku/gcp/202011_30c31bca571d9b7f3b2c8459dd8bc34a_2020-11-08:2020-11-11.csv",
        Imports("gcp-billing", 25, 0.000032, 0.000032, 0.0),
    ),
    (
        "koku/test_cur.csv",
        Imports(
            "aws-cur-legacy",
            19,
            0.0827499841,
            0.0827499841,
            0.0827499841,
        ),
    ),
    (
        "koku/test_cur.csv.gz",
        Imports(
            "aws-cur-legacy",
            19,
            0.0827499841,
            0.0827499841,
            0.0827499841,
        ),
    ),
    (
        "koku/test_local_bucket/koku-local-1.csv.gz",
        Imports(
            "aws-cur-legacy",
            13380,
            143227.7636781876,
            143227.7636781876,
            143227.7636781876,
        ),
    ),
    (
        "koku/test_local_bucket/koku-local-Manifest.json",
        Imports(
            "aws-cur-legacy",
            13380,
            143227.7636781876,
            143227.7636781876,
            143227.7636781876,
        ),
    ),
    (
        "opencost-azure-billingexports/headersets/BOM.csv",
        Imports("azure-payg-legacy", 1, 0.0, 0.0, 0.0),
    ),
    (
        "opencost-azure-billingexports/headersets/Enterprise.csv",
        Imports("azure-ea", 1, 0.0, 0.0, 0.0),
    ),
    (
        "opencost-azure-billingexports/headersets/German.csv",
        Imports("azure-payg-legacy", 1, 0.075, 0.075, 0.075),
    ),
    (
        "opencost-azure-billingexports/headersets/PayAsYouGo.csv",
        Imports("azure-payg-legacy", 1, 0.075, 0.075, 0.075),
    ),
    (
        "opencost-azure-billingexports/values/MissingBrackets.csv",
        Imports("azure-ea", 1, 4.0, 4.0, 4.0),
    ),
    (
        "opencost-azure-billingexports/values/Template.csv",
        Imports("azure-ea", 87, 16.3935062122, 16.3935062122, 16.3935062122),
    ),
    (
        "opencost-azure-billingexports/values/VirtualMachine.csv",
        Imports("azure-ea", 1, 4.0, 4.0, 4.0),
    ),
];

/// Commitment utilization (used / (used + unused) effective cost) the FOCUS
/// spec examples define, checked with `burnrate commitments`.
const UTILIZATION: &[(&str, f64)] = &[
    (
        "focus-spec-examples/commitment_discount_flexibility/one_hundred_percent_utilization_with_commitment_discount_flexibility_with_1_resource.csv",
        100.0,
    ),
    (
        "focus-spec-examples/commitment_discount_flexibility/one_hundred_percent_utilization_with_commitment_discount_flexibility_with_2_resources.csv",
        100.0,
    ),
    (
        "focus-spec-examples/commitment_discount_flexibility/one_hundred_percent_utilization_without_commitment_discount_flexibility.csv",
        100.0,
    ),
    (
        "focus-spec-examples/commitment_discount_flexibility/zero_percent_utilization_without_commitment_discount_flexibility.csv",
        0.0,
    ),
    (
        "focus-spec-examples/commitment_discount_scenarios/commitment_discount_usage_scenario_1.csv",
        100.0,
    ),
    (
        "focus-spec-examples/commitment_discount_scenarios/commitment_discount_usage_scenario_2.csv",
        0.0,
    ),
    (
        "focus-spec-examples/commitment_discount_scenarios/commitment_discount_usage_scenario_3.csv",
        75.0,
    ),
    (
        "focus-spec-examples/commitment_discount_scenarios/commitment_discount_usage_scenario_4.csv",
        100.0,
    ),
];

/// Folders that hold reference tables and API examples, not billing files.
const NOT_BILLING: &[&str] = &["reference/", "azure-api-examples/"];

pub fn samples_dir() -> PathBuf {
    match std::env::var_os("BURNRATE_SAMPLES_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    }
}

pub fn billing_files(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if NOT_BILLING.iter().any(|p| rel.starts_with(p)) {
            continue;
        }
        if path.is_dir() {
            billing_files(root, &path, out);
        } else if rel.ends_with(".csv")
            || rel.ends_with(".parquet")
            || rel.ends_with(".gz")
            || rel.ends_with(".jsonl")
            || rel.ends_with("Manifest.json")
        {
            out.push(rel);
        }
    }
}

/// The FOCUS ChargeCategory Burnrate gives a native charge type named in
/// EXPECTED.json (`-` where the file has none). This is where Burnrate's
/// mapping deliberately differs from the plain per-file rule: the oracle
/// keeps each provider's own words (AWS line item types, Azure ChargeType,
/// GCP cost_type), which FOCUS folds into five categories. AWS credits and
/// refunds are `Credit`; Azure refunds and rounding are `Adjustment`.
fn focus_category(family: &str, native: &str) -> String {
    let aws = family.starts_with("aws");
    match native {
        "-" => "Usage",
        "Tax" | "tax" => "Tax",
        t if aws && t.ends_with("Fee") => "Purchase",
        "Credit" | "Refund" if aws => "Credit",
        "DiscountedUsage" | "SavingsPlanCoveredUsage" | "SavingsPlanNegation" | "regular" => {
            "Usage"
        }
        "UnusedReservation" | "UnusedSavingsPlan" => "Usage",
        "adjustment" | "rounding_error" => "Adjustment",
        other => other,
    }
    .to_string()
}

/// EXPECTED.json's totals of one file per (currency, FOCUS category), with
/// `?` (no currency column) as Burnrate's `(none)`.
fn oracle_by_category(entry: &Value) -> std::collections::BTreeMap<(String, String), f64> {
    let family = entry["family"].as_str().unwrap_or("");
    let mut out = std::collections::BTreeMap::new();
    for (key, total) in entry["by_currency_and_category"]
        .as_object()
        .into_iter()
        .flatten()
    {
        let (currency, native) = key.split_once(" / ").expect("CUR / category");
        let currency = if currency == "?" { "(none)" } else { currency };
        *out.entry((currency.to_string(), focus_category(family, native)))
            .or_insert(0.0) += total.as_f64().unwrap();
    }
    out
}

/// The dataset's billed and effective totals per (currency, charge
/// category), from one `burnrate summary`.
fn burnrate_by_category(data: &Path) -> std::collections::BTreeMap<(String, String), (f64, f64)> {
    std::fs::write(data.join("no-config.toml"), "").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_burnrate"))
        .args(["summary", "--by", "charge_category", "--format", "json"])
        .env("BURNRATE_DATA_DIR", data)
        .env("BURNRATE_CONFIG", data.join("no-config.toml"))
        .output()
        .unwrap();
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let mut totals = std::collections::BTreeMap::new();
    for row in rows {
        let key = (
            row["currency"].as_str().unwrap_or("").to_string(),
            row["charge_category"].as_str().unwrap_or("").to_string(),
        );
        let sums = totals.entry(key).or_insert((0.0, 0.0));
        sums.0 += row["billed_cost"].as_f64().unwrap_or(f64::NAN);
        sums.1 += row["effective_cost"].as_f64().unwrap_or(f64::NAN);
    }
    totals
}

/// Compares one imported file with its EXPECTED.json entry: rows, total and
/// each (currency, category), in the measure the provider's total is.
fn compare_with_oracle(
    rel: &str,
    oracle: &Value,
    data: &Path,
    outcome: &Value,
    rows: u64,
) -> Result<String, String> {
    // A CUR manifest stands for its one part.
    let oracle_name = match rel {
        "koku/test_local_bucket/koku-local-Manifest.json" => {
            "koku/test_local_bucket/koku-local-1.csv.gz"
        }
        other => other,
    };
    let entry = &oracle["files"][oracle_name];
    if entry.is_null() {
        return Err(format!("{rel}: not in EXPECTED.json"));
    }
    if entry["rows"].as_u64() != Some(rows) {
        return Err(format!(
            "{rel}: {rows} rows, EXPECTED.json says {}",
            entry["rows"]
        ));
    }
    if entry["by_currency_and_category"].is_null() {
        return Ok("no rows, as expected".into());
    }
    let amortized = outcome["reports"][0]["cost_view"] == "amortized";
    let measure = if amortized {
        "effective_cost"
    } else {
        "billed_cost"
    };
    let expected = oracle_by_category(entry);
    let both = burnrate_by_category(data);
    let got: std::collections::BTreeMap<_, f64> = both
        .iter()
        .map(|(k, (billed, effective))| (k.clone(), if amortized { *effective } else { *billed }))
        .collect();
    let keys: std::collections::BTreeSet<_> = expected.keys().chain(got.keys()).collect();
    for key in keys {
        let (e, g) = (
            expected.get(key).copied().unwrap_or(0.0),
            got.get(key).copied().unwrap_or(0.0),
        );
        if (e - g).abs() >= 0.005 {
            return Err(format!(
                "{rel}: {} {}: EXPECTED.json {e:.6}, Burnrate {measure} {g:.6}",
                key.0, key.1
            ));
        }
    }
    if let Some(effective) = entry["effective_total"].as_f64() {
        let got: f64 = both.values().map(|(_, effective)| effective).sum();
        if (effective - got).abs() >= 0.005 {
            return Err(format!(
                "{rel}: EffectiveCost {got:.6}, EXPECTED.json {effective:.6}"
            ));
        }
    }
    Ok(format!(
        "matches EXPECTED.json ({} categories)",
        expected.len()
    ))
}

#[test]
fn sample_billing_files_import_and_reconcile() {
    let root = samples_dir();
    if !root.is_dir() {
        let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
        assert!(
            !in_ci,
            "the sample data folder {} is missing in CI",
            root.display()
        );
        eprintln!(
            "conformance: {} is absent; skipped (set BURNRATE_SAMPLES_DIR)",
            root.display()
        );
        return;
    }
    let mut found = Vec::new();
    billing_files(&root, &root, &mut found);
    found.sort();
    for rel in &found {
        assert!(
            EXPECTATIONS.iter().any(|(p, _)| p == rel),
            "{rel} has no expectation in crates/cli/tests/it/conformance.rs"
        );
    }

    let oracle: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("EXPECTED.json")).expect("EXPECTED.json in the samples"),
    )
    .expect("EXPECTED.json is JSON");
    let mut report = String::from(
        "| file | result | format | rows | provider total | BilledCost | EffectiveCost | EXPECTED.json |\n|---|---|---|---|---|---|---|---|\n",
    );
    let mut failures = Vec::new();
    for (rel, expect) in EXPECTATIONS {
        let path = root.join(rel);
        assert!(
            path.exists(),
            "{rel} is expected but missing from {}",
            root.display()
        );
        let data = tempfile::tempdir().unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_burnrate"))
            .args(["import", path.to_str().unwrap(), "--format", "json"])
            .env("BURNRATE_DATA_DIR", data.path())
            .output()
            .unwrap();
        let json: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        let outcome = &json[0];
        match expect {
            Imports(format, rows, native, billed, effective) => {
                let reports = outcome["reports"].as_array().cloned().unwrap_or_default();
                let sum = |field: &str| -> f64 {
                    reports
                        .iter()
                        .flat_map(|r| r["currencies"].as_array().cloned().unwrap_or_default())
                        .map(|c| c[field].as_f64().unwrap_or(f64::NAN))
                        .sum()
                };
                let got_rows: u64 = reports
                    .iter()
                    .map(|r| r["rows"].as_u64().unwrap_or(0))
                    .sum();
                let got = (
                    sum("native_total"),
                    sum("billed_cost"),
                    sum("effective_cost"),
                );
                let ok = outcome["status"] == "imported"
                    && reports.iter().all(|r| r["format"] == *format)
                    && got_rows == *rows
                    && (got.0 - native).abs() < 0.005
                    && (got.1 - billed).abs() < 0.005
                    && (got.2 - effective).abs() < 0.005;
                let oracle_check =
                    compare_with_oracle(rel, &oracle, data.path(), outcome, got_rows);
                report.push_str(&format!(
                    "| {rel} | {} | {format} | {got_rows} | {:.6} | {:.6} | {:.6} | {} |\n",
                    if ok {
                        "imported, reconciled"
                    } else {
                        "MISMATCH"
                    },
                    got.0,
                    got.1,
                    got.2,
                    match &oracle_check {
                        Ok(note) => note.clone(),
                        Err(_) => "MISMATCH".into(),
                    }
                ));
                if let Err(why) = oracle_check {
                    failures.push(why);
                }
                if !ok {
                    failures.push(format!(
                        "{rel}: expected {format} {rows} rows {native}/{billed}/{effective}, got {outcome} {}",
                        String::from_utf8_lossy(&out.stderr)
                    ));
                }
                if let Some((_, expected)) = UTILIZATION.iter().find(|(p, _)| p == rel) {
                    std::fs::write(data.path().join("no-config.toml"), "").unwrap();
                    let out = Command::new(env!("CARGO_BIN_EXE_burnrate"))
                        .args(["commitments", "--view", "utilization", "--format", "json"])
                        .env("BURNRATE_DATA_DIR", data.path())
                        .env("BURNRATE_CONFIG", data.path().join("no-config.toml"))
                        .output()
                        .unwrap();
                    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
                    let got = json["utilization"][0]["utilization_pct"].as_f64();
                    report.push_str(&format!(
                        "| {rel} (commitment utilization) | {} | | | {expected:.1}% expected | {} | | |\n",
                        if got.is_some_and(|g| (g - expected).abs() < 1e-6) { "matches the spec" } else { "MISMATCH" },
                        got.map(|g| format!("{g:.1}%")).unwrap_or_default()
                    ));
                    if !got.is_some_and(|g| (g - expected).abs() < 1e-6) {
                        failures.push(format!(
                            "{rel}: utilization {got:?}, the spec says {expected}% ({})",
                            String::from_utf8_lossy(&out.stderr)
                        ));
                    }
                }
            }
            Fails(words) => {
                let stderr = String::from_utf8_lossy(&out.stderr);
                let ok = out.status.code() == Some(1) && words.iter().all(|w| stderr.contains(w));
                let first_line = stderr.lines().last().unwrap_or("").replace('|', "/");
                report.push_str(&format!(
                    "| {rel} | {} | | | | | | |\n",
                    if ok {
                        format!("fails as documented: {first_line}")
                    } else {
                        "UNEXPECTED".into()
                    }
                ));
                if !ok {
                    failures.push(format!(
                        "{rel}: expected an error with {words:?}, got {stderr}"
                    ));
                }
            }
        }
    }
    let results = Path::new(env!("CARGO_TARGET_TMPDIR")).join("conformance.md");
    std::fs::write(&results, &report).unwrap();
    println!("{report}");
    assert!(
        failures.is_empty(),
        "conformance failures:\n{}",
        failures.join("\n")
    );
}

/// The sample folder, or None (skip) outside CI when it is absent.
pub fn samples_or_skip() -> Option<PathBuf> {
    let root = samples_dir();
    if root.is_dir() {
        return Some(root);
    }
    assert!(
        !std::env::var("CI").is_ok_and(|v| v == "true"),
        "the sample data folder {} is missing in CI",
        root.display()
    );
    None
}
