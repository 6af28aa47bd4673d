//! `burnrate export focus` checked by the FinOps Foundation's own validator
//! (`focus-validator` from PyPI, installed by scripts/focus-validator.sh;
//! rule model 1.2).
//!
//! The validator runs on the 1.2 export of the demo dataset, of every
//! fixture and of every billing file in ../shared/data that imports. A rule
//! that fails is a test failure unless it is a known gap of that source
//! (below, with the reason; the README's FOCUS section lists them) or the
//! validator's own InvoiceId pair: InvoiceId-C-004-C ("MUST be null when
//! not invoiced") and InvoiceId-C-005-C ("MUST NOT be null when invoiced")
//! are each checked on every row without their condition, so one of the
//! two fails on any dataset; their parent InvoiceId-C-003-C (either one)
//! must pass. Results per file go to `target/tmp/focus-validator.md`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{Env, fixture};

/// Rules a source cannot meet because the value was never in it. Each
/// entry: a path prefix (under ../shared/data, or `fixture:`), the failing
/// rule ids (parents included, as the validator reports them), and why.
const SOURCE_GAPS: &[(&str, &[&str], &str)] = &[
    (
        "focus-spec-examples/",
        &[
            "BillingAccountId-C-000-M",
            "BillingAccountId-C-001-M",
            "BillingCurrency-C-000-M",
            "BillingCurrency-C-004-M",
            "ChargeDescription-C-000-M",
            "ChargeDescription-C-003-O",
            "ContractedCost-C-000-M",
            "ContractedCost-C-003-M",
            "ContractedCost-C-004-M",
            "InvoiceIssuerName-C-000-M",
            "InvoiceIssuerName-C-003-M",
            "ListCost-C-003-M",
            "ListCost-C-004-M",
            "ProviderName-C-000-M",
            "ProviderName-C-003-M",
            "PublisherName-C-000-M",
            "PublisherName-C-003-M",
            "ServiceName-C-000-M",
            "ServiceName-C-003-M",
        ],
        "the spec's worked examples show only the columns of their scenario: \
         no account, currency, provider, service or contracted cost",
    ),
    (
        "aws-workshop-cur-parquet/",
        &["PricingUnit-C-000-M", "PricingUnit-C-003-O"],
        "AWS wrote the unit `64K-Chunks`, which UnitFormat cannot spell",
    ),
    (
        "focus-sample-data/focus_sample.csv",
        &[
            "ContractedCost-C-000-M",
            "ContractedCost-C-003-M",
            "ContractedCost-C-004-M",
            "PricingUnit-C-000-M",
            "PricingUnit-C-003-O",
        ],
        "the FOCUS 1.0 sample has no ContractedCost on 7 rows and the unit \
         `GiB/Second-Months`, which UnitFormat cannot spell",
    ),
    (
        "koku/azure/",
        &[
            "BillingCurrency-C-000-M",
            "BillingCurrency-C-003-M",
            "BillingCurrency-C-006-M",
        ],
        "azure_version_2 has no currency column",
    ),
    (
        "opencost-azure-billingexports/",
        &[
            "BillingAccountId-C-000-M",
            "BillingAccountId-C-001-M",
            "BillingCurrency-C-000-M",
            "BillingCurrency-C-004-M",
            "ChargeDescription-C-000-M",
            "ChargeDescription-C-003-O",
            "ServiceName-C-000-M",
            "ServiceName-C-003-M",
        ],
        "OpenCost's header and value test files have no currency or \
         description column (BOM.csv: no account or service either)",
    ),
    // The project's own fixtures are minimal: each has only the columns its
    // import test needs.
    (
        "fixture:aws_cur2",
        &["ChargeDescription-C-000-M", "ChargeDescription-C-003-O"],
        "the CUR 2.0 fixtures have no line item description column",
    ),
    (
        "fixture:aws_cur_athena.csv",
        &["ChargeDescription-C-000-M", "ChargeDescription-C-003-O"],
        "the Athena-style CUR fixture has no line item description column",
    ),
    (
        "fixture:focus_1_0.csv",
        &[
            "ChargeFrequency-C-000-O",
            "ChargeFrequency-C-002-M",
            "ContractedCost-C-000-M",
            "ContractedCost-C-003-M",
            "ContractedCost-C-004-M",
        ],
        "the FOCUS 1.0 fixture has no ChargeFrequency or ContractedCost column",
    ),
    (
        "fixture:focus_1_2.csv",
        &[
            "ChargeDescription-C-000-M",
            "ChargeDescription-C-003-O",
            "ChargeFrequency-C-000-O",
            "ChargeFrequency-C-002-M",
            "PublisherName-C-000-M",
            "PublisherName-C-003-M",
        ],
        "the FOCUS 1.2 fixture has no ChargeDescription, ChargeFrequency or PublisherName column",
    ),
    (
        "fixture:gcp_billing.csv",
        &["ChargeDescription-C-000-M", "ChargeDescription-C-003-O"],
        "the GCP fixture has no SKU description column",
    ),
];

/// The validator's InvoiceId pair (see the module comment).
const INVOICE_ID_PAIR: [&str; 2] = ["InvoiceId-C-004-C", "InvoiceId-C-005-C"];

/// The script that runs the validator, installed on demand.
fn validator() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("BURNRATE_FOCUS_VALIDATOR") {
        return Some(PathBuf::from(path));
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/focus-validator.sh");
    let out = Command::new(script).output().ok()?;
    out.status
        .success()
        .then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
}

/// The validator's verdict on one file.
struct Verdict {
    total: String,
    failed: Vec<String>,
}

fn validate(run: &Path, file: &Path) -> Verdict {
    let out = Command::new(run)
        .arg(file)
        .output()
        .expect("run focus-validator");
    let text = String::from_utf8_lossy(&out.stdout);
    let total = text
        .lines()
        .find(|l| l.starts_with("Total:"))
        .unwrap_or_else(|| {
            panic!(
                "focus-validator gave no result for {}: {}",
                file.display(),
                String::from_utf8_lossy(&out.stderr)
            )
        })
        .to_string();
    let failed = text
        .lines()
        .filter_map(|l| l.strip_prefix("❌ "))
        .filter_map(|l| l.split(':').next())
        .map(str::to_string)
        .collect();
    Verdict { total, failed }
}

/// The failing rules a source is not excused from.
fn unexplained(source: &str, failed: &[String]) -> Vec<String> {
    let gaps: Vec<&str> = SOURCE_GAPS
        .iter()
        .filter(|(prefix, _, _)| source.starts_with(prefix))
        .flat_map(|(_, rules, _)| rules.iter().copied())
        .collect();
    let pair_fails = failed
        .iter()
        .filter(|r| INVOICE_ID_PAIR.contains(&r.as_str()))
        .count();
    failed
        .iter()
        .filter(|r| !gaps.contains(&r.as_str()))
        // One of the pair is the validator's; both failing is a real fault.
        .filter(|r| !(INVOICE_ID_PAIR.contains(&r.as_str()) && pair_fails == 1))
        .cloned()
        .collect()
}

/// Imports `input` into a fresh dataset and exports FOCUS 1.2 Parquet; None
/// when the file does not import (conformance checks those errors).
fn export_of(input: Option<&Path>) -> Option<(Env, PathBuf)> {
    let env = match input {
        None => Env::with_demo(),
        Some(path) => {
            let env = Env::new();
            let out = env.run(&["import", &path.to_string_lossy()]);
            if !out.status.success() {
                return None;
            }
            env
        }
    };
    let target = env.path("focus.parquet");
    let out = env.run(&["export", "focus", "--out", &target.to_string_lossy()]);
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        // A file with no rows has nothing to export.
        assert!(err.contains("nothing to export"), "{input:?}: {err}");
        return None;
    }
    Some((env, target))
}

fn sample_files() -> Vec<(String, PathBuf)> {
    let root = crate::conformance::samples_dir();
    let mut files = Vec::new();
    if root.is_dir() {
        let mut rel = Vec::new();
        crate::conformance::billing_files(&root, &root, &mut rel);
        rel.sort();
        for r in rel {
            files.push((r.clone(), root.join(r)));
        }
    }
    let fixtures = fixture("");
    let mut names: Vec<String> = std::fs::read_dir(&fixtures)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| !n.ends_with(".md"))
        .collect();
    names.sort();
    for n in names {
        files.push((format!("fixture:{n}"), fixtures.join(&n)));
    }
    files
}

#[test]
fn focus_export_passes_the_foundations_validator() {
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let Some(run) = validator() else {
        assert!(!in_ci, "focus-validator could not be installed in CI");
        eprintln!("focus-validator is not available; skipped (scripts/focus-validator.sh)");
        return;
    };
    let mut sources: Vec<(String, Option<PathBuf>)> = vec![("demo dataset".into(), None)];
    sources.extend(sample_files().into_iter().map(|(n, p)| (n, Some(p))));

    // Two at a time: the validator is single-threaded Python.
    let results: Vec<(String, Option<Verdict>)> = std::thread::scope(|scope| {
        let chunks: Vec<Vec<(String, Option<PathBuf>)>> = {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            for (i, s) in sources.into_iter().enumerate() {
                if i % 2 == 0 { a.push(s) } else { b.push(s) }
            }
            vec![a, b]
        };
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let run = run.clone();
                scope.spawn(move || {
                    chunk
                        .into_iter()
                        .map(|(name, path)| {
                            let verdict = export_of(path.as_deref())
                                .map(|(_env, file)| validate(&run, &file));
                            (name, verdict)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all: Vec<_> = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    });

    let mut report = String::from(
        "# FOCUS 1.2 export, focus-validator 2.2.1 (rule model 1.2.0.1)\n\n\
         | source | result | failing rules (known source gaps; validator's InvoiceId pair) |\n|---|---|---|\n",
    );
    let mut faults = Vec::new();
    let mut validated = 0;
    for (name, verdict) in &results {
        let Some(verdict) = verdict else {
            report.push_str(&format!(
                "| {name} | not exported (does not import, or no rows) | |\n"
            ));
            continue;
        };
        validated += 1;
        let bad = unexplained(name, &verdict.failed);
        report.push_str(&format!(
            "| {name} | {} | {} |\n",
            verdict.total,
            verdict.failed.join(", ")
        ));
        if !bad.is_empty() {
            faults.push(format!("{name}: {}", bad.join(", ")));
        }
    }
    // A gap no source fails any more is stale: the export got better, and
    // the list must say so instead of excusing a failure that could return.
    for (prefix, rules, _) in SOURCE_GAPS {
        let failing: Vec<&String> = results
            .iter()
            .filter(|(name, _)| name.starts_with(prefix))
            .filter_map(|(_, verdict)| verdict.as_ref())
            .flat_map(|v| &v.failed)
            .collect();
        if !results
            .iter()
            .any(|(name, v)| name.starts_with(prefix) && v.is_some())
        {
            continue;
        }
        for rule in rules.iter().filter(|r| !failing.iter().any(|f| f == *r)) {
            faults.push(format!(
                "{prefix}: source gap {rule} no longer fails; remove it"
            ));
        }
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/tmp");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("focus-validator.md"), &report).unwrap();
    assert!(
        validated >= 20 || !in_ci,
        "only {validated} exports were validated"
    );
    assert!(
        faults.is_empty(),
        "the FOCUS export fails validator rules no source gap explains:\n{}",
        faults.join("\n")
    );
}
