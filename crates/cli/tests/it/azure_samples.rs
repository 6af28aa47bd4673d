//! The real Azure samples in ../shared/data beyond the billing files:
//! Microsoft's own Query API example responses (parsed by column name and
//! replayed through a local server) and actual/amortized export pairs.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::conformance::samples_or_skip;
use crate::support::azure_query_server;

fn example(root: &Path, name: &str) -> Value {
    let path = root.join("azure-api-examples").join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// Every official Query API example response parses: each column is found
/// by its name, every row is kept, the cost total equals the example's own
/// sum, the grouping lands in its FOCUS column and a nextLink is seen.
#[test]
fn azure_query_api_examples_parse_by_column_name() {
    use burnrate_cloud::azure::query::{page_from_json, rows_of};
    let Some(root) = samples_or_skip() else {
        return;
    };
    for name in [
        "SubscriptionQuery.json",
        "SubscriptionQueryGrouping.json",
        "MCABillingProfileQueryGrouping.json",
    ] {
        let example = example(&root, name);
        let body = &example["responses"]["200"]["body"];
        let properties = &body["properties"];
        let columns: Vec<&str> = properties["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        let at = |name: &str| columns.iter().position(|c| *c == name).unwrap();
        let rows = properties["rows"].as_array().unwrap();
        let expected_total: f64 = rows
            .iter()
            .map(|r| r[at("PreTaxCost")].as_f64().unwrap())
            .sum();

        let page = page_from_json(body.to_string().as_bytes()).unwrap();
        assert_eq!(
            page.next_link.as_deref(),
            properties["nextLink"].as_str(),
            "{name}"
        );
        let parsed = rows_of(&page, None).unwrap();
        assert_eq!(parsed.len(), rows.len(), "{name}");
        let total: f64 = parsed.iter().map(|r| r.cost).sum();
        assert!((total - expected_total).abs() < 1e-9, "{name}: {total}");
        for (row, raw) in parsed.iter().zip(rows) {
            assert_eq!(row.currency, raw[at("Currency")].as_str().unwrap());
            assert_eq!(
                row.dimensions["x_ResourceGroupName"],
                raw[at("ResourceGroup")].as_str().unwrap(),
                "{name}"
            );
            let has_date = columns.contains(&"UsageDate");
            assert_eq!(row.day.is_some(), has_date, "{name}");
        }
    }
}

/// Replays the daily subscription example through `burnrate pull
/// azure-query` against the local API server: the request goes to the
/// example's scope and api-version, and the dataset's BilledCost equals the
/// example's PreTaxCost total to the cent.
#[test]
fn azure_query_api_example_replays_end_to_end() {
    use azure_query_server::{QueryServer, Reply, query_body};
    let Some(root) = samples_or_skip() else {
        return;
    };
    let example = example(&root, "SubscriptionQuery.json");
    let scope = example["parameters"]["scope"].as_str().unwrap();
    let api_version = example["parameters"]["api-version"].as_str().unwrap();
    let properties = &example["responses"]["200"]["body"]["properties"];
    let columns: Vec<(&str, &str)> = properties["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["type"].as_str().unwrap()))
        .collect();
    let date_at = columns.iter().position(|c| c.0 == "UsageDate").unwrap();
    let cost_at = columns.iter().position(|c| c.0 == "PreTaxCost").unwrap();
    let rows = properties["rows"].as_array().unwrap();
    // The API answers one month per daily query: serve the example's rows
    // month by month (2018-03, then 2018-04).
    let month_rows = |month: u64| {
        json!(
            rows.iter()
                .filter(|r| r[date_at].as_u64().unwrap() / 100 == month)
                .cloned()
                .collect::<Vec<_>>()
        )
    };
    let server = QueryServer::start();
    server.script(vec![
        Reply::Json(200, vec![], query_body(&columns, month_rows(201803), None)),
        Reply::Json(200, vec![], query_body(&columns, month_rows(201804), None)),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_burnrate"));
    command
        .args(["pull", "azure-query", "--scope", scope, "--type", "actual"])
        .args(["--from", "2018-03-01", "--to", "2018-05-01"])
        .args(["--group-by", "ResourceGroup", "--endpoint-url", &server.url])
        .env("BURNRATE_DATA_DIR", dir.path().join("data"))
        .env("HOME", dir.path())
        .env("PATH", "/usr/bin:/bin");
    for (name, value) in server.env() {
        command.env(name, value);
    }
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let queries = server.queries();
    assert_eq!(queries.len(), 2);
    for query in &queries {
        assert!(
            query.target.starts_with(&format!(
                "/{scope}/providers/Microsoft.CostManagement/query?api-version={api_version}"
            )),
            "{}",
            query.target
        );
    }
    let expected: f64 = rows.iter().map(|r| r[cost_at].as_f64().unwrap()).sum();
    std::fs::write(dir.path().join("config.toml"), "").unwrap();
    let summary = Command::new(env!("CARGO_BIN_EXE_burnrate"))
        .args(["summary", "--by", "provider", "--format", "json"])
        .env("BURNRATE_DATA_DIR", dir.path().join("data"))
        .env("BURNRATE_CONFIG", dir.path().join("config.toml"))
        .output()
        .unwrap();
    assert!(
        summary.status.success(),
        "{}",
        String::from_utf8_lossy(&summary.stderr)
    );
    let totals: Vec<Value> = serde_json::from_slice(&summary.stdout).unwrap();
    let billed: f64 = totals
        .iter()
        .map(|r| r["billed_cost"].as_f64().unwrap())
        .sum();
    assert!(
        (billed - expected).abs() < 0.005,
        "billed {billed} vs the example's {expected}"
    );
}

/// The FinOps toolkit's EA actual and amortized exports of the same scope
/// and month pair: in either order, in one command or two, BilledCost is
/// the actual file's total and EffectiveCost the amortized file's, each to
/// the cent (EXPECTED.json's figures); importing either again changes
/// nothing; either alone imports as it always did.
#[test]
fn azure_actual_and_amortized_exports_pair_in_either_order() {
    use crate::support::{Env, cents};
    let Some(root) = samples_or_skip() else {
        return;
    };
    let actual = root.join("finops-toolkit/EA_ActualCost_Small.csv");
    let amortized = root.join("finops-toolkit/EA_AmortizedCost_Small.csv");
    let (billed, effective) = (8.545007786741937, 16.296932136636645);
    let path = |p: &PathBuf| p.to_str().unwrap().to_string();
    for (first, second) in [(&actual, &amortized), (&amortized, &actual)] {
        for together in [true, false] {
            let env = Env::new();
            if together {
                env.ok(&["import", &path(first), &path(second)]);
            } else {
                env.ok(&["import", &path(first)]);
                env.ok(&["import", &path(second)]);
            }
            let totals = env.totals("USD");
            let case = format!(
                "{} then {}, together {together}",
                first.display(),
                second.display()
            );
            assert!(cents(totals.0, billed), "{case}: billed {totals:?}");
            assert!(cents(totals.1, effective), "{case}: effective {totals:?}");
            assert_eq!(
                env.json(&["sources", "--format", "json"])
                    .as_array()
                    .unwrap()
                    .len(),
                2
            );
            // Either file again: nothing changes.
            let again = env.import_json(first);
            assert_eq!(again[0]["status"], "unchanged", "{case}: {again}");
            assert_eq!(env.totals("USD"), totals, "{case}");
        }
    }
    let alone = Env::new();
    alone.import_json(&actual);
    let totals = alone.totals("USD");
    assert!(
        cents(totals.0, billed) && cents(totals.1, 5.2950077867),
        "{totals:?}"
    );
}
