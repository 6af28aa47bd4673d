//! Delivery identity: parts of one delivery are added, a restatement
//! replaces, and where the content cannot tell nothing is imported until
//! the user says `--as-parts` or `--replace`. See `store::delivery`.

use std::path::PathBuf;

use serde_json::Value;

use crate::support::{Env, cents, fixture};

/// The whole fixture's BilledCost (USD).
const WHOLE: f64 = 0.1844931507;

/// Writes files holding the given data rows (0-based) of a fixture, each
/// with its header, as a delivery split into parts would be.
fn parts_of(env: &Env, name: &str, parts: &[&[usize]]) -> Vec<PathBuf> {
    let text = std::fs::read_to_string(fixture(name)).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    parts
        .iter()
        .enumerate()
        .map(|(i, picked)| {
            let path = env.path(&format!("part-{i}-{}", name));
            let mut out = vec![header];
            out.extend(picked.iter().map(|&r| rows[r]));
            std::fs::write(&path, out.join("\n") + "\n").unwrap();
            path
        })
        .collect()
}

fn import(env: &Env, paths: &[PathBuf], extra: &[&str]) -> (bool, Vec<Value>, String) {
    let mut args = vec!["import".to_string()];
    args.extend(paths.iter().map(|p| p.display().to_string()));
    args.extend(["--format", "json"].map(String::from));
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = env.run(&args);
    let json: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap_or_default();
    (
        out.status.success(),
        json,
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn parts_given_in_one_command_add_up_to_the_whole() {
    let env = Env::new();
    let parts = parts_of(&env, "aws_cur_legacy.csv", &[&[0, 2, 4], &[1, 3, 5]]);
    let (ok, result, stderr) = import(&env, &parts, &[]);
    assert!(ok, "{stderr}");
    assert_eq!(result[0]["status"], "imported");
    assert_eq!(result[1]["status"], "imported");
    assert!(
        !result[1]["parts_of"].as_array().unwrap().is_empty(),
        "{result:?}"
    );
    assert!(result[1]["replaced"].as_array().unwrap().is_empty());
    assert!(cents(env.totals("USD").0, WHOLE), "{:?}", env.totals("USD"));
}

#[test]
fn parts_given_in_separate_commands_add_up_to_the_whole() {
    let env = Env::new();
    let parts = parts_of(&env, "aws_cur_legacy.csv", &[&[0, 1, 2], &[3, 4, 5]]);
    assert!(import(&env, &parts[1..], &[]).0);
    let (ok, result, stderr) = import(&env, &parts[..1], &[]);
    assert!(ok, "{stderr}");
    assert!(!result[0]["parts_of"].as_array().unwrap().is_empty());
    assert!(cents(env.totals("USD").0, WHOLE));
    // The same part again changes nothing.
    let (_, again, _) = import(&env, &parts[..1], &[]);
    assert_eq!(again[0]["status"], "unchanged");
    assert!(cents(env.totals("USD").0, WHOLE));
}

/// A re-delivered month with every line item again, one corrected,
/// replaces the earlier delivery; importing the earlier one again is
/// recognised as superseded and changes nothing, unless forced.
#[test]
fn a_restatement_replaces_and_the_superseded_delivery_stays_out() {
    let env = Env::new();
    let first = fixture("aws_cur_legacy.csv");
    import(&env, std::slice::from_ref(&first), &[]);
    let corrected = env.path("march-v2.csv");
    let text = std::fs::read_to_string(&first).unwrap();
    std::fs::write(
        &corrected,
        text.replacen(",1,USD,0.096,m5.large hour", ",1,USD,0.5,m5.large hour", 1),
    )
    .unwrap();
    let (ok, result, stderr) = import(&env, std::slice::from_ref(&corrected), &[]);
    assert!(ok, "{stderr}");
    assert!(!result[0]["replaced"].as_array().unwrap().is_empty());
    let restated = WHOLE - 0.096 + 0.5;
    assert!(cents(env.totals("USD").0, restated));

    let manifest = env.manifest();
    let (ok, again, _) = import(&env, std::slice::from_ref(&first), &[]);
    assert!(ok);
    assert_eq!(again[0]["status"], "unchanged", "{again:?}");
    assert!(again[0]["superseded_by"].is_string(), "{again:?}");
    assert_eq!(
        env.manifest(),
        manifest,
        "a superseded delivery changes nothing"
    );
    assert!(cents(env.totals("USD").0, restated));

    let (ok, forced, _) = import(&env, &[first], &["--replace"]);
    assert!(ok);
    assert_eq!(forced[0]["status"], "imported");
    assert!(cents(env.totals("USD").0, WHOLE));
}

/// A file with some of the imported line items but not all could be a
/// restatement that dropped some or a part already imported: nothing is
/// written until the user chooses.
#[test]
fn an_ambiguous_file_changes_nothing_until_the_user_chooses() {
    let env = Env::new();
    import(&env, &[fixture("aws_cur_legacy.csv")], &[]);
    let manifest = env.manifest();
    // Account 777788889999's covered usage without its negation row.
    let subset = parts_of(&env, "aws_cur_legacy.csv", &[&[2]]);
    let (ok, result, stderr) = import(&env, &subset, &[]);
    assert!(!ok);
    assert_eq!(result[0]["code"], "ambiguous_delivery", "{result:?}");
    assert!(
        stderr.contains("--as-parts") && stderr.contains("--replace"),
        "{stderr}"
    );
    assert_eq!(env.manifest(), manifest, "nothing was written");

    // Replacing drops the negation row (-0.085) of that account's March.
    let (ok, _, stderr) = import(&env, &subset, &["--replace"]);
    assert!(ok, "{stderr}");
    assert!(cents(env.totals("USD").0, WHOLE + 0.085));
}

#[test]
fn as_parts_adds_what_the_content_alone_would_not() {
    let env = Env::new();
    import(&env, &[fixture("aws_cur_legacy.csv")], &[]);
    let subset = parts_of(&env, "aws_cur_legacy.csv", &[&[0]]);
    let (ok, result, stderr) = import(&env, &subset, &["--as-parts"]);
    assert!(ok, "{stderr}");
    assert!(!result[0]["parts_of"].as_array().unwrap().is_empty());
    // Row 0 (the m5.large hour, 0.096) now counts twice, as asked.
    assert!(cents(env.totals("USD").0, WHOLE + 0.096));
}

/// Property: for any split of a file into parts, importing the parts in
/// any order, in one command or one by one, gives the file's totals.
#[test]
fn any_split_in_any_order_gives_the_whole() {
    // A small deterministic generator: the same cases on every run.
    let mut seed: u64 = 0x5eed;
    let mut next = move |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n
    };
    let whole = Env::new();
    import(&whole, &[fixture("aws_cur_legacy.csv")], &[]);
    let expected = whole.totals("USD");
    for case in 0..6 {
        let env = Env::new();
        let count = 2 + next(3);
        let mut groups: Vec<Vec<usize>> = vec![Vec::new(); count];
        for row in 0..6 {
            groups[next(count)].push(row);
        }
        groups.retain(|g| !g.is_empty());
        let slices: Vec<&[usize]> = groups.iter().map(Vec::as_slice).collect();
        let mut parts = parts_of(&env, "aws_cur_legacy.csv", &slices);
        // Shuffle the order.
        for i in (1..parts.len()).rev() {
            parts.swap(i, next(i + 1));
        }
        if case % 2 == 0 {
            let (ok, _, stderr) = import(&env, &parts, &[]);
            assert!(ok, "case {case}: {stderr}");
        } else {
            for part in &parts {
                let (ok, _, stderr) = import(&env, std::slice::from_ref(part), &[]);
                assert!(ok, "case {case}: {stderr}");
            }
        }
        let got = env.totals("USD");
        assert!(
            cents(got.0, expected.0) && cents(got.1, expected.1) && cents(got.2, expected.2),
            "case {case} ({groups:?}): {got:?} vs {expected:?}"
        );
    }
}

/// An AWS CUR and a FOCUS export of the same months hold the same costs:
/// the later import replaces the earlier and says so; nothing doubles.
#[test]
fn another_export_of_the_same_months_replaces_and_says_so() {
    let env = Env::new();
    import(&env, &[fixture("aws_cur_legacy.csv")], &[]);
    // The same costs as a FOCUS file (without the CUR's usage types).
    let focus = env.ok(&[
        "query",
        "SELECT BilledCost, EffectiveCost, ListCost, BillingCurrency, ProviderName, \
         BillingAccountId, SubAccountId, BillingPeriodStart, BillingPeriodEnd, ChargePeriodStart, \
         ChargePeriodEnd, ChargeCategory, ServiceName FROM billing",
        "--format",
        "csv",
    ]);
    let path = env.path("focus-export.csv");
    std::fs::write(&path, focus).unwrap();
    let (ok, result, stderr) = import(&env, std::slice::from_ref(&path), &[]);
    assert!(ok, "{stderr}");
    assert_eq!(result[0]["reports"][0]["format"], "focus", "{result:?}");
    assert!(
        !result[0]["replaced"].as_array().unwrap().is_empty(),
        "{result:?}"
    );
    let notes = result[0]["reports"][0]["notes"].to_string();
    assert!(
        notes.contains("another export of the same months"),
        "{notes}"
    );
    assert!(cents(env.totals("USD").0, WHOLE));
    assert_eq!(
        env.json(&["sources", "--format", "json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
