//! Azure connectors: Cost Management exports in Blob storage (Azurite) and
//! the Cost Management Query API (a local server speaking its protocol,
//! `support/azure_query_server.rs`).

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::azure_query_server;
use crate::support::servers::{AZURITE_ACCOUNT, AZURITE_KEY, azurite, upload};
use crate::support::{Env, fixture, ok};

#[test]
fn azure_exports_in_blob_storage() {
    let Some(azurite) = azurite() else { return };
    let env = Env::new();
    let url = format!("{}/{AZURITE_ACCOUNT}/exports/cost/daily", azurite.url);
    let pull = |key: bool| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_burnrate"));
        command
            .args(["pull", "azure-export", &url])
            .env("BURNRATE_DATA_DIR", env.data_dir())
            .env("BURNRATE_CONFIG", env.dir.path().join("config.toml"))
            .env_remove("AZURE_STORAGE_KEY")
            .env_remove("AZURE_STORAGE_SAS_TOKEN");
        if key {
            command.env("AZURE_STORAGE_KEY", AZURITE_KEY);
        }
        command.output().unwrap()
    };
    let text = std::fs::read_to_string(fixture("azure_ea.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let part = |rows: &[&str]| [&[lines[0]][..], rows].concat().join("\n") + "\n";
    let period = "cost/daily/20230901-20230930";
    // A partitioned run in two parts, with its manifest.
    upload(
        &azurite,
        "exports",
        &[
            (&format!("{period}/run-1/part_1.csv"), part(&lines[1..3])),
            (&format!("{period}/run-1/part_2.csv"), part(&lines[3..])),
            (
                &format!("{period}/run-1/manifest.json"),
                "{\"blobs\": []}".into(),
            ),
        ],
        true,
    );
    let out = ok(&pull(true));
    assert!(
        out.contains("20230901-20230930: imported (2 downloaded, 0 unchanged)"),
        "{out}"
    );
    let imported = env.billed_and_effective().0;
    let whole = Command::new(env!("CARGO_BIN_EXE_burnrate"))
        .args([
            "summary",
            "--by",
            "provider",
            "--format",
            "json",
            "--files",
            fixture("azure_ea.csv").to_str().unwrap(),
        ])
        .env("BURNRATE_CONFIG", env.dir.path().join("config.toml"))
        .output()
        .unwrap();
    let rows: Vec<Value> = serde_json::from_slice(&whole.stdout).unwrap();
    let expected: f64 = rows
        .iter()
        .map(|r| r["billed_cost"].as_f64().unwrap())
        .sum();
    assert!(
        (imported - expected).abs() < 1e-6,
        "the two parts make the whole file: {imported} vs {expected}"
    );

    // Nothing new: nothing downloaded.
    let out = ok(&pull(true));
    assert!(
        out.contains("unchanged (0 downloaded, 2 unchanged)"),
        "{out}"
    );

    // A newer run with corrected figures replaces the period.
    let corrected = part(&lines[1..]).replacen(",2.304,", ",4.608,", 1);
    upload(
        &azurite,
        "exports",
        &[
            (&format!("{period}/run-2/part_1.csv"), corrected),
            (
                &format!("{period}/run-2/manifest.json"),
                "{\"blobs\": []}".into(),
            ),
        ],
        false,
    );
    let out = ok(&pull(true));
    assert!(out.contains("replacing the earlier run"), "{out}");
    assert!(
        (env.billed_and_effective().0 - (expected + 2.304)).abs() < 1e-6,
        "{}",
        env.billed_and_effective().0
    );

    // No key: says which variables to set; nothing changes.
    let before = env.manifest();
    let out = pull(false);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("AZURE_STORAGE_KEY"));
    assert_eq!(env.manifest(), before);
}

/// Runs `burnrate pull azure-query` with the given Azure environment (and
/// nothing inherited from the machine: no Azure CLI login, no variables).
fn azure_query(env: &Env, azure: &[(&str, String)], args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_burnrate"));
    command
        .args(["pull", "azure-query"])
        .args(args)
        .env("BURNRATE_DATA_DIR", env.data_dir())
        .env("BURNRATE_CONFIG", env.dir.path().join("config.toml"))
        .env("HOME", env.dir.path())
        .env("PATH", "/usr/bin:/bin");
    for name in [
        "AZURE_AUTHORITY_HOST",
        "AZURE_TENANT_ID",
        "AZURE_CLIENT_ID",
        "AZURE_CLIENT_SECRET",
        "AZURE_FEDERATED_TOKEN_FILE",
        "IDENTITY_ENDPOINT",
        "MSI_ENDPOINT",
    ] {
        command.env_remove(name);
    }
    for (name, value) in azure {
        command.env(name, value);
    }
    command.output().unwrap()
}

const SUBSCRIPTION: &str = "subscriptions/11111111-2222-3333-4444-555555555555";

fn query_path() -> String {
    format!("/{SUBSCRIPTION}/providers/Microsoft.CostManagement/query")
}

/// One cost type's page: (day, service, cost), columns in the given order.
fn cost_page(order: &[&str], rows: &[(u32, &str, f64)], next: Option<&str>) -> String {
    use azure_query_server::query_body;
    let columns: Vec<(&str, &str)> = order
        .iter()
        .map(|c| {
            (
                *c,
                if matches!(*c, "Cost" | "UsageDate") {
                    "Number"
                } else {
                    "String"
                },
            )
        })
        .collect();
    let rows: Vec<Value> = rows
        .iter()
        .map(|(day, service, cost)| {
            Value::Array(
                order
                    .iter()
                    .map(|c| match *c {
                        "Cost" => json!(cost),
                        "UsageDate" => json!(day),
                        "ServiceName" => json!(service),
                        "SubscriptionId" => json!("11111111-2222-3333-4444-555555555555"),
                        "Currency" => json!("EUR"),
                        other => panic!("unknown column {other}"),
                    })
                    .collect(),
            )
        })
        .collect();
    query_body(&columns, Value::Array(rows), next)
}

/// `pull azure-query` of October 2026 for the test subscription.
fn pull_october(env: &Env, server: &azure_query_server::QueryServer, extra: &[&str]) -> Output {
    let mut args = vec![
        "--scope",
        SUBSCRIPTION,
        "--from",
        "2026-10-01",
        "--to",
        "2026-11-01",
        "--endpoint-url",
        &server.url,
    ];
    args.extend(extra);
    azure_query(env, &server.env(), &args)
}

#[test]
fn azure_query_api_pages_throttling_types_and_restatement() {
    use azure_query_server::{QueryServer, Reply};
    let server = QueryServer::start();
    let env = Env::new();
    let actual_order = [
        "Cost",
        "UsageDate",
        "ServiceName",
        "SubscriptionId",
        "Currency",
    ];
    // The amortized answer lists its columns in another order: they are
    // found by name.
    let amortized_order = [
        "UsageDate",
        "Currency",
        "SubscriptionId",
        "ServiceName",
        "Cost",
    ];
    let next = format!(
        "{{{{BASE}}}}{}?api-version=2024-08-01&$skiptoken=page2",
        query_path()
    );
    let script = |vm: f64| {
        vec![
            Reply::Json(
                200,
                vec![],
                cost_page(
                    &actual_order,
                    &[
                        (20261001, "Virtual Machines", vm),
                        (20261001, "Storage", 2.5),
                    ],
                    Some(&next),
                ),
            ),
            // Throttled on the second page, with Cost Management's own
            // retry-after header (seconds).
            Reply::Json(
                429,
                vec![(
                    "x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after".into(),
                    "2".into(),
                )],
                azure_query_server::azure_error("429", "Too many requests."),
            ),
            Reply::Json(
                200,
                vec![],
                cost_page(
                    &actual_order,
                    &[
                        (20261002, "Virtual Machines", 11.25),
                        (20261031, "Reservations", 700.0),
                    ],
                    None,
                ),
            ),
            Reply::Json(
                200,
                vec![],
                cost_page(
                    &amortized_order,
                    &[
                        (20261001, "Virtual Machines", 6.0),
                        (20261001, "Storage", 2.5),
                        (20261002, "Virtual Machines", 6.75),
                    ],
                    None,
                ),
            ),
        ]
    };
    server.script(script(10.125));
    let started = Instant::now();
    let out = ok(&pull_october(&env, &server, &[]));
    assert!(
        out.contains("API ActualCost total: 723.88 EUR -> BilledCost"),
        "{out}"
    );
    assert!(
        out.contains("API AmortizedCost total: 15.25 EUR -> EffectiveCost"),
        "{out}"
    );
    let (billed, effective) = env.billed_and_effective();
    assert!((billed - 723.875).abs() < 0.005, "{billed}");
    assert!((effective - 15.25).abs() < 0.005, "{effective}");

    // What the client sent: a token from the token endpoint, POSTs to the
    // scope's query path, the pinned api-version, the same body on the
    // nextLink, and one query per cost type.
    let queries = server.queries();
    assert_eq!(queries.len(), 4, "{queries:#?}");
    for query in &queries {
        assert_eq!(query.method, "POST");
        assert!(query.target.starts_with(&query_path()), "{}", query.target);
        assert!(
            query.target.contains("api-version=2024-08-01"),
            "{}",
            query.target
        );
    }
    assert!(queries[1].target.contains("skiptoken=page2"));
    assert!(
        queries[2].at.duration_since(queries[1].at) >= Duration::from_secs(2),
        "the retry waited for the retry-after header"
    );
    let body = queries[0].json();
    assert_eq!(body["type"], "ActualCost");
    assert_eq!(body["timeframe"], "Custom");
    assert_eq!(body["timePeriod"]["from"], "2026-10-01T00:00:00Z");
    assert_eq!(body["timePeriod"]["to"], "2026-10-31T23:59:59Z");
    assert_eq!(body["dataset"]["granularity"], "Daily");
    assert_eq!(body["dataset"]["aggregation"]["totalCost"]["name"], "Cost");
    assert_eq!(
        body["dataset"]["grouping"],
        json!([
            {"type": "Dimension", "name": "ServiceName"},
            {"type": "Dimension", "name": "SubscriptionId"}
        ])
    );
    assert_eq!(queries[1].json(), body, "the next page posts the same body");
    assert_eq!(queries[3].json()["type"], "AmortizedCost");
    let tokens = server.requests().len() - queries.len();
    assert_eq!(tokens, 1, "one token, cached for every request");
    assert!(started.elapsed() < Duration::from_secs(60));

    // October is final now: not requested again.
    server.clear();
    let out = ok(&pull_october(&env, &server, &[]));
    assert!(out.contains("2026-10: already pulled and final"), "{out}");
    assert!(server.queries().is_empty());

    // Azure corrected October: --refresh replaces it, never adds to it.
    server.script(script(20.125));
    let out = ok(&pull_october(&env, &server, &["--refresh"]));
    assert!(out.contains("replacing the earlier pull"), "{out}");
    let (billed, effective) = env.billed_and_effective();
    assert!((billed - 733.875).abs() < 0.005, "{billed}");
    assert!((effective - 15.25).abs() < 0.005, "{effective}");
    // The landed rows keep their dimensions.
    let by_service = env.burnrate(&["summary", "--by", "service", "--format", "json"], false);
    let text = String::from_utf8_lossy(&by_service.stdout);
    assert!(
        text.contains("Reservations") && text.contains("Virtual Machines"),
        "{text}"
    );
}

#[test]
fn azure_query_api_failures_leave_the_dataset_unchanged() {
    use azure_query_server::{QueryServer, Reply, azure_error, query_body};
    let server = QueryServer::start();
    let env = Env::new();
    let pull = |azure: &[(&str, String)], scope: &str| {
        azure_query(
            &env,
            azure,
            &[
                "--scope",
                scope,
                "--from",
                "2026-11-01",
                "--to",
                "2026-11-20",
                "--type",
                "actual",
                "--endpoint-url",
                &server.url,
            ],
        )
    };
    let failed = |out: &Output, expected: &str| {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains(expected),
            "expected {expected:?} in {stderr}"
        );
    };

    // No credentials at all: says how to sign in.
    let out = pull(
        &[("AZURE_AUTHORITY_HOST", server.url.clone())],
        SUBSCRIPTION,
    );
    failed(&out, "az login");
    assert!(server.queries().is_empty());

    // A wrong client secret: the token endpoint refuses it.
    let mut wrong = server.env();
    wrong.retain(|(n, _)| *n != "AZURE_CLIENT_SECRET");
    wrong.push(("AZURE_CLIENT_SECRET", "wrong".into()));
    failed(&pull(&wrong, SUBSCRIPTION), "AZURE_CLIENT_SECRET");
    assert!(server.queries().is_empty());

    // Not a scope: refused before any request.
    failed(
        &pull(&server.env(), "subscription/abc"),
        "not a Cost Management scope",
    );

    // The API refuses the token (expired, or no role on the scope).
    server.script(vec![Reply::Json(
        401,
        vec![],
        azure_error("AuthenticationFailed", "The access token has expired."),
    )]);
    failed(&pull(&server.env(), SUBSCRIPTION), "Cost Management Reader");

    // An unknown subscription.
    server.script(vec![Reply::Json(
        404,
        vec![],
        azure_error(
            "SubscriptionNotFound",
            "The subscription could not be found.",
        ),
    )]);
    failed(&pull(&server.env(), SUBSCRIPTION), "could not be found");

    // A good pull, then a failure on the second page of the next one:
    // nothing of the failed pull lands.
    let page = |cost: f64, next: Option<String>| {
        query_body(
            &[
                ("Cost", "Number"),
                ("UsageDate", "Number"),
                ("ServiceName", "String"),
                ("Currency", "String"),
            ],
            json!([[cost, 20261105, "Storage", "USD"]]),
            next.as_deref(),
        )
    };
    let next = Some(format!(
        "{{{{BASE}}}}{}?api-version=2024-08-01&$skiptoken=2",
        query_path()
    ));
    server.script(vec![Reply::Json(200, vec![], page(5.0, None))]);
    ok(&pull(&server.env(), SUBSCRIPTION));
    let before = env.manifest();
    assert!(before.is_some());
    server.script(vec![
        Reply::Json(200, vec![], page(7.0, next.clone())),
        Reply::Json(
            400,
            vec![],
            azure_error("BadRequest", "Invalid skip token."),
        ),
    ]);
    failed(&pull(&server.env(), SUBSCRIPTION), "Invalid skip token");
    assert_eq!(env.manifest(), before);
    assert!((env.billed_and_effective().0 - 5.0).abs() < 1e-9);

    // A dropped connection mid-paging is retried and the pull completes.
    server.script(vec![
        Reply::Json(200, vec![], page(7.0, next.clone())),
        Reply::Drop,
        Reply::Json(200, vec![], page(1.0, None)),
    ]);
    ok(&pull(&server.env(), SUBSCRIPTION));
    assert!(
        (env.billed_and_effective().0 - 8.0).abs() < 1e-9,
        "{}",
        env.billed_and_effective().0
    );

    // A saved connection checks its sign-in without querying.
    std::fs::write(
        env.dir.path().join("config.toml"),
        format!(
            "[[connections]]\nname = \"prod\"\nkind = \"azure-query\"\nscope = \"{SUBSCRIPTION}\"\nendpoint_url = \"{}\"\n",
            server.url
        ),
    )
    .unwrap();
    let check = |azure: &[(&str, String)]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_burnrate"));
        command
            .args(["pull", "--all", "--check"])
            .env("BURNRATE_DATA_DIR", env.data_dir())
            .env("BURNRATE_CONFIG", env.dir.path().join("config.toml"))
            .env("HOME", env.dir.path())
            .env("PATH", "/usr/bin:/bin")
            .env_remove("AZURE_CLIENT_SECRET");
        for (name, value) in azure {
            command.env(name, value);
        }
        command.output().unwrap()
    };
    let queries_before = server.queries().len();
    let out = check(&server.env());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("prod (azure-query): ok: signed in"),
        "{text}"
    );
    let out = check(&wrong);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("FAILED") && text.contains("AZURE_CLIENT_SECRET"),
        "{text}"
    );
    assert_eq!(
        server.queries().len(),
        queries_before,
        "a check makes no query"
    );

    // A nextLink to another host is not followed with the token.
    server.script(vec![Reply::Json(
        200,
        vec![],
        page(
            9.0,
            Some(
                "https://attacker.example/subscriptions/x/providers/Microsoft.CostManagement/query"
                    .into(),
            ),
        ),
    )]);
    failed(
        &pull(&server.env(), SUBSCRIPTION),
        "points away from the management endpoint",
    );
    assert!((env.billed_and_effective().0 - 8.0).abs() < 1e-9);
}

/// Without a key or SAS, Blob exports sign in through azure_identity's
/// chain: the token comes from the (local) authority host and is sent as a
/// bearer token; a refusal names the role the identity needs.
#[test]
fn azure_exports_sign_in_with_azure_identity_without_a_key() {
    use azure_query_server::{QueryServer, Reply, azure_error};
    let server = QueryServer::start();
    let env = Env::new();
    server.script(vec![Reply::Json(
        403,
        vec![],
        azure_error(
            "AuthorizationPermissionMismatch",
            "This request is not authorized to perform this operation using this permission.",
        ),
    )]);
    let mut command = Command::new(env!("CARGO_BIN_EXE_burnrate"));
    command
        .args([
            "pull",
            "azure-export",
            &format!("{}/devstoreaccount1/exports/cost", server.url),
        ])
        .env("BURNRATE_DATA_DIR", env.data_dir())
        .env("BURNRATE_CONFIG", env.dir.path().join("config.toml"))
        .env("HOME", env.dir.path())
        .env("PATH", "/usr/bin:/bin")
        .env_remove("AZURE_STORAGE_KEY")
        .env_remove("AZURE_STORAGE_SAS_TOKEN");
    for (name, value) in server.env() {
        command.env(name, value);
    }
    let out = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("Storage Blob Data Reader"), "{stderr}");
    let listing = server
        .queries()
        .into_iter()
        .find(|r| r.target.starts_with("/devstoreaccount1/exports?"))
        .expect("the container was listed");
    assert_eq!(
        listing.header("authorization"),
        Some(format!("Bearer {}", azure_query_server::TOKEN).as_str())
    );
    assert!(env.manifest().is_none());
}
