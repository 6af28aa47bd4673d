//! End-to-end tests of the analysis commands (reports, schedules, tag rules,
//! allocation, currency conversion, forecast, anomalies) over the built-in
//! demo dataset, which is deterministic: report outputs are snapshot-tested.

use std::path::Path;

use serde_json::Value;

use crate::support::{Env, cents};

/// The CSV with money rounded to cents: parallel summation may change the
/// sixth decimal from run to run, never the cents.
fn to_cents(csv: &str) -> String {
    csv.lines()
        .map(|line| {
            line.split(',')
                .map(|field| match field.parse::<f64>() {
                    Ok(v) if field.contains('.') => format!("{:.2}", v + 0.0),
                    _ => field.to_string(),
                })
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_report_matches_its_snapshot() {
    let env = Env::with_demo();
    let listing = env.rows(&["reports"]);
    assert!(listing.len() >= 10);
    for report in &listing {
        assert_eq!(report["status"], "ok", "{report}");
        let name = report["name"].as_str().unwrap();
        let csv = env.ok(&["report", name, "--format", "csv"]);
        // The snapshots live in tests/snapshots, named as when this module
        // was its own test binary.
        let mut settings = insta::Settings::clone_current();
        settings
            .set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/snapshots"));
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| insta::assert_snapshot!(format!("analysis__{name}"), to_cents(&csv)));
    }
}

#[test]
fn report_dates_out_files_and_charts() {
    let env = Env::with_demo();
    let out = env.path("exports/by-service.csv");
    let chart = env.path("exports/by-service.svg");
    env.ok(&[
        "report",
        "cost_by_service_month",
        "--from",
        "2026-09-01",
        "--to",
        "2026-10-01",
        "--format",
        "csv",
        "--out",
        out.to_str().unwrap(),
        "--chart",
        chart.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.split("\r\n");
    assert_eq!(
        lines.next().unwrap(),
        "month,service,billed_cost,effective_cost,list_cost,currency"
    );
    assert!(
        lines
            .filter(|l| !l.is_empty())
            .all(|l| l.starts_with("2026-09,"))
    );
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert!(svg.contains("Cost by service by month"));
}

#[test]
fn a_bad_report_file_is_named_and_the_others_still_work() {
    let env = Env::with_demo();
    let reports = env.path("reports");
    std::fs::create_dir_all(&reports).unwrap();
    std::fs::write(
        reports.join("typo.sql"),
        "-- name: typo\n-- title: Typo\n-- description: d\n-- columns: cost, currency\nSELECT SUM(BiledCost) AS cost, BillingCurrency AS currency FROM billing GROUP BY 2",
    )
    .unwrap();
    std::fs::write(
        reports.join("syntax.sql"),
        "-- name: syntax\n-- title: t\n-- description: d\n-- columns: a\nSELEC 1",
    )
    .unwrap();
    let out = env.run(&["report", "typo"]);
    assert_eq!(out.status.code(), Some(1));
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(
        message.contains("typo.sql") && message.contains("BiledCost"),
        "{message}"
    );
    let out = env.run(&["report", "syntax"]);
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(message.contains("syntax.sql"), "{message}");
    env.ok(&["report", "cost_by_account"]);
    let listing = env.rows(&["reports"]);
    let typo = listing.iter().find(|r| r["name"] == "typo").unwrap();
    assert!(typo["status"].as_str().unwrap().contains("BiledCost"));
}

#[test]
fn tag_rules_apply_to_history_without_reimport() {
    let env = Env::with_demo();
    let teams = |env: &Env| -> Vec<String> {
        env.rows(&["summary", "--by", "tag:team"])
            .iter()
            .map(|r| r["tag:team"].as_str().unwrap().to_string())
            .collect()
    };
    // The demo writes "Web" as well as "web".
    assert!(teams(&env).contains(&"Web".to_string()));
    env.write_config("[tags]\nlowercase_values = true\n");
    let folded = teams(&env);
    assert!(!folded.contains(&"Web".to_string()) && folded.contains(&"web".to_string()));
    // Derived key: team from the tag, else by account, else unallocated.
    env.write_config(
        r#"
[[allocation]]
name = "team"
from = [{ tag = "team" }, { account = { "333333333333" = "sandbox" } }]
fallback = "nobody"
"#,
    );
    let rows = env.rows(&["summary", "--by", "alloc:team"]);
    let values: Vec<&str> = rows
        .iter()
        .map(|r| r["alloc:team"].as_str().unwrap())
        .collect();
    assert!(
        values.contains(&"sandbox") && values.contains(&"nobody"),
        "{values:?}"
    );
    let by_team = env.total(&["summary", "--by", "alloc:team"], "billed_cost", "USD");
    let by_provider = env.total(&["summary", "--by", "provider"], "billed_cost", "USD");
    assert!(cents(by_team, by_provider));
}

#[test]
fn untagged_cost_per_key_and_top_untagged_resources() {
    let env = Env::with_demo();
    let rows = env.rows(&["untagged", "--cost", "billed"]);
    let total = env.total(&["summary", "--by", "provider"], "billed_cost", "USD");
    let team = rows
        .iter()
        .find(|r| r["tag_key"] == "team" && r["currency"] == "USD")
        .unwrap();
    assert!(cents(team["total_cost"].as_f64().unwrap(), total));
    let untagged = team["untagged_cost"].as_f64().unwrap();
    let tagged = total
        - env
            .rows(&["summary", "--by", "tag:team"])
            .iter()
            .filter(|r| r["currency"] == "USD" && r["tag:team"] != "(untagged)")
            .map(|r| r["billed_cost"].as_f64().unwrap())
            .sum::<f64>();
    assert!(cents(untagged, tagged), "{untagged} vs {tagged}");
    let top = env.rows(&[
        "untagged", "--key", "team", "--top", "3", "--cost", "billed",
    ]);
    assert_eq!(top.len(), 3);
    assert_eq!(top[0]["resource"], "(none)");
}

#[test]
fn shared_cost_is_spread_and_nothing_is_created_or_lost() {
    let env = Env::with_demo();
    env.write_config(
        r#"
[[shared_costs]]
name = "storage"
key = "team"
match = { services = ["Amazon Simple Storage Service"] }
method = "proportional"

[[shared_costs]]
name = "legacy subscription"
key = "team"
match = { accounts = ["5a1d0000-0000-4000-8000-000000000002"] }
method = "fixed"
shares = { web = 0.25, payments = 0.75 }
"#,
    );
    for currency in ["USD", "EUR"] {
        let rows = env.rows(&["allocate", "--key", "team", "--cost", "billed"]);
        let allocated: f64 = rows
            .iter()
            .filter(|r| r["currency"] == currency)
            .map(|r| r["allocated_cost"].as_f64().unwrap())
            .sum();
        let shared: f64 = rows
            .iter()
            .filter(|r| r["currency"] == currency)
            .map(|r| r["shared_cost"].as_f64().unwrap())
            .sum();
        let total = env.total(&["summary", "--by", "provider"], "billed_cost", currency);
        assert!(
            cents(allocated, total),
            "{currency}: {allocated} vs {total}"
        );
        assert!(shared > 1.0, "{currency}: some cost was shared");
    }
}

#[test]
fn currencies_are_never_added_unless_converted() {
    let env = Env::with_demo();
    let usd = env.total(&["summary", "--by", "provider"], "billed_cost", "USD");
    let eur = env.total(&["summary", "--by", "provider"], "billed_cost", "EUR");
    assert!(usd > 0.0 && eur > 0.0, "reported per currency");
    std::fs::write(
        env.path("fx.csv"),
        "date,from,to,rate\n2026-07-01,EUR,USD,1.25\n",
    )
    .unwrap();
    env.write_config("[currency]\nreporting = \"USD\"\nfx_table = \"fx.csv\"\n");
    let out = env.run(&["summary", "--by", "provider", "--format", "json"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("converted to USD"));
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(rows.iter().all(|r| r["currency"] == "USD"));
    let converted: f64 = rows
        .iter()
        .map(|r| r["billed_cost"].as_f64().unwrap())
        .sum();
    assert!(cents(converted, usd + eur * 1.25), "{converted}");
    // A rate table starting after the data is an error naming the currency.
    std::fs::write(
        env.path("fx.csv"),
        "date,from,to,rate\n2026-09-01,EUR,USD,1.25\n",
    )
    .unwrap();
    let out = env.run(&["summary"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("EUR->USD"));
}

#[test]
fn forecast_trend_and_movers() {
    let env = Env::with_demo();
    let rows = env.rows(&["forecast"]);
    let usd: Vec<&Value> = rows.iter().filter(|r| r["currency"] == "USD").collect();
    assert_eq!(usd.len(), 4, "this month and the next three");
    assert_eq!(usd[0]["month"], "2026-10");
    let october = env.total(
        &["summary", "--from", "2026-10-01"],
        "effective_cost",
        "USD",
    );
    assert!(cents(
        usd[0]["actual_to_date_effective_cost"].as_f64().unwrap(),
        october
    ));
    for row in &usd[1..] {
        let (low, mid, high) = (
            row["lower_95"].as_f64().unwrap(),
            row["forecast_effective_cost"].as_f64().unwrap(),
            row["upper_95"].as_f64().unwrap(),
        );
        assert!(low < mid && mid < high && mid > 1000.0, "{row}");
        assert!(row["backtest_mape_pct"].as_f64().unwrap() < 25.0);
    }
    let by_service = env.rows(&["forecast", "--by", "service"]);
    assert!(by_service.iter().any(|r| r["service"] == "AWS Lambda"));
    let trend = env.rows(&["trend", "--period", "week", "--by", "provider"]);
    assert!(trend.iter().any(|r| r["change"].is_number()));
    let movers = env.rows(&["movers", "--by", "service", "--days", "7"]);
    assert!(!movers.is_empty());
}

#[test]
fn anomalies_find_the_demo_spike_only() {
    let env = Env::with_demo();
    let csv = env.ok(&["anomalies", "--since", "2026-08-01", "--format", "csv"]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "date,dimension,value,expected_cost,actual_cost,impact,score,currency,account_name"
    );
    let rows: Vec<&str> = lines.collect();
    assert!(
        rows.iter()
            .any(|l| l.starts_with("2026-09-17,service,AWS Lambda,")),
        "{csv}"
    );
    assert!(
        rows.iter().all(|l| l.starts_with("2026-09-17,")),
        "only the spike: {csv}"
    );
}

#[test]
fn overview_and_explore_answer_from_the_command_line_as_in_the_app() {
    let env = Env::with_demo();
    let overview = env.json(&["overview", "--format", "json"]);
    let currencies = overview["currencies"].as_array().unwrap();
    assert_eq!(currencies.len(), 2, "USD and EUR, never added together");
    for c in currencies {
        let currency = c["total"]["currency"].as_str().unwrap();
        for (field, measure) in [("billed", "billed_cost"), ("effective", "effective_cost")] {
            let summary = env.total(&["summary", "--by", "provider"], measure, currency);
            assert!(
                cents(c["total"][field].as_f64().unwrap(), summary),
                "{currency} {field}"
            );
        }
        let services: f64 = c["by_service"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["cost"].as_f64().unwrap())
            .sum();
        assert!(cents(
            services,
            c["month_to_date_effective"].as_f64().unwrap()
        ));
    }
    assert!(env.ok(&["overview"]).contains("month_to_date"));
    assert_eq!(
        env.run(&["overview", "--format", "csv"]).status.code(),
        Some(2)
    );

    let all = env.json(&["explore", "--by", "service", "--format", "json"]);
    let ec2 = all["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Amazon Elastic Compute Cloud")
        .unwrap()["effective"]
        .as_f64()
        .unwrap();
    let filtered = env.json(&[
        "explore",
        "--by",
        "region",
        "--filter",
        "service=Amazon Elastic Compute Cloud",
        "--format",
        "json",
    ]);
    let by_region: f64 = filtered["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["effective"].as_f64().unwrap())
        .sum();
    assert!(cents(by_region, ec2), "{by_region} vs {ec2}");
    let csv = env.ok(&["explore", "--by", "service", "--format", "csv"]);
    assert!(csv.starts_with("service,currency,billed_cost,effective_cost,list_cost"));
    assert_eq!(
        env.run(&["explore", "--filter", "service"]).status.code(),
        Some(2)
    );

    // Issue 18, item 5: a range counted back from the data's last day, a
    // comparison with the month before, several values and exclusions.
    let month = |from: &str, to: &str| {
        env.total(
            &["summary", "--by", "provider", "--from", from, "--to", to],
            "effective_cost",
            "USD",
        )
    };
    let compared = env.json(&[
        "explore",
        "--by",
        "service",
        "--range",
        "last-month",
        "--compare",
        "previous",
        "--format",
        "json",
    ]);
    assert_eq!(compared["from"], "2026-09-01");
    assert_eq!(compared["to"], "2026-10-01");
    let comparison = &compared["comparison"];
    assert_eq!(
        comparison["from"], "2026-08-01",
        "a whole month compares with the month before"
    );
    let usd = comparison["totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["currency"] == "USD")
        .unwrap();
    let (current, previous) = (
        usd["current"].as_f64().unwrap(),
        usd["previous"].as_f64().unwrap(),
    );
    assert!(
        cents(current, month("2026-09-01", "2026-10-01")),
        "{current}"
    );
    assert!(
        cents(previous, month("2026-08-01", "2026-09-01")),
        "{previous}"
    );
    let changes: f64 = comparison["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["currency"] == "USD")
        .map(|r| r["change"].as_f64().unwrap())
        .sum();
    assert!(
        cents(changes, current - previous),
        "the groups' changes add up"
    );
    let table = env.ok(&[
        "explore",
        "--range",
        "last-month",
        "--compare",
        "year-before",
    ]);
    assert!(table.starts_with("group"), "{table}");

    let services = |args: &[&str]| -> f64 {
        let mut all = vec!["explore", "--by", "service", "--format", "json"];
        all.extend_from_slice(args);
        env.json(&all)["totals"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["currency"] == "USD")
            .map(|t| t["effective"].as_f64().unwrap())
            .sum()
    };
    let (ec2_and_s3, without_ec2, everything) = (
        services(&[
            "--filter",
            "service=Amazon Elastic Compute Cloud",
            "--filter",
            "service=Amazon Simple Storage Service",
        ]),
        services(&["--exclude", "service=Amazon Elastic Compute Cloud"]),
        services(&[]),
    );
    let s3 = services(&["--filter", "service=Amazon Simple Storage Service"]);
    assert!(cents(ec2_and_s3 - s3 + without_ec2, everything));

    // The chart's series: the largest group per currency named, the rest "(other)".
    let top = env.json(&[
        "explore", "--by", "service", "--top", "1", "--format", "json",
    ]);
    let usd: Vec<&str> = top["series"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["currency"] == "USD")
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(usd, ["Amazon Elastic Compute Cloud", "(other)"]);

    // A filter value in the wrong case matches nothing and says what it meant.
    let out = env.run(&["explore", "--filter", "service=aws lambda"]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("did you mean \"AWS Lambda\""),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A view saved in the app, answered by name.
    let views = env.data_dir().join("app").join("saved-views.json");
    std::fs::create_dir_all(views.parent().unwrap()).unwrap();
    std::fs::write(
        &views,
        r#"[{"name":"Lambda by account","query":{"group_by":"subaccount","measure":"effective","period":"month","range":null,"from":null,"to":null,"filters":[{"dimension":"service","values":["AWS Lambda"],"exclude":false}],"top":null,"compare":null},"area":false}]"#,
    )
    .unwrap();
    let view = env.json(&["explore", "--view", "lambda BY account", "--format", "json"]);
    assert_eq!(view["group_by"], "subaccount");
    assert!(cents(
        view["totals"][0]["effective"].as_f64().unwrap(),
        services(&["--filter", "service=AWS Lambda"])
    ));
    let missing = env.run(&["explore", "--view", "nope"]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("saved: Lambda by account"));
}

/// Issue 18: what the user types is checked where it is typed, and every
/// closed set of values is listed in `--help`.
#[test]
fn typed_values_are_checked_and_their_choices_listed() {
    let env = Env::with_demo();
    let refused = |args: &[&str], words: &str| {
        let out = env.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(words), "{args:?}: {stderr}");
    };
    refused(
        &["summary", "--from", "2026-10-01", "--to", "2026-09-01"],
        "--to 2026-09-01 is not after --from 2026-10-01",
    );
    refused(
        &[
            "report",
            "cost_by_account",
            "--from",
            "2026-10-01",
            "--to",
            "2026-10-01",
        ],
        "is not after",
    );
    refused(&["anomalies", "--threshold", "1e23"], "at most 20");
    refused(&["anomalies", "--threshold=-5"], "must be above 0");
    refused(&["trend", "--period", "fortnight"], "day, week, month");

    // --out x.csv writes CSV without --format csv.
    let file = env.path("by-account.csv");
    env.ok(&["report", "cost_by_account", "--out", file.to_str().unwrap()]);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("billing_account,"), "{text}");

    let help = |args: &[&str]| env.ok(args);
    let recommend = help(&["recommend", "--help"]);
    for kind in burnrate_core::optimize::FindingKind::ALL {
        assert!(
            recommend.contains(kind.name()),
            "{kind} missing: {recommend}"
        );
    }
    let summary = help(&["summary", "--help"]);
    for measure in ["billed", "effective", "list"] {
        assert!(summary.contains(measure), "{summary}");
    }
    assert!(help(&["trend", "--help"]).contains("day, week, month"));
    assert!(help(&["forecast", "--help"]).contains("Forecast each value of a dimension"));
    assert!(help(&["query", "--help"]).contains("SELECT ServiceName"));
}

/// Issue 18: accounts by name. The data's own names (Azure subscriptions in
/// the demo), the `[accounts]` file (AWS Organizations' list) and table
/// name the ids every view groups by.
#[test]
fn accounts_are_shown_by_name_beside_their_id() {
    let env = Env::with_demo();
    let named = |rows: &[serde_json::Value], column: &str, id: &str| {
        rows.iter()
            .find(|r| r[column] == id)
            .map(|r| r[format!("{column}_name")].as_str().unwrap().to_string())
    };
    let rows = env.rows(&["summary", "--by", "subaccount"]);
    assert_eq!(
        named(&rows, "subaccount", "5a1d0000-0000-4000-8000-000000000001").as_deref(),
        Some("contoso-prod")
    );
    // Legacy CURs carry no names: the demo names its AWS accounts through
    // the config's [accounts] file, as `aws organizations list-accounts` writes it.
    assert_eq!(
        named(&rows, "subaccount", "222222222222").as_deref(),
        Some("demo-prod")
    );

    std::fs::write(
        env.path("accounts.csv"),
        "Id,Arn,Email,Name,Status\n222222222222,arn:aws:organizations::1:account/o/222222222222,web@example.com,web-prod,ACTIVE\n",
    )
    .unwrap();
    env.write_config(
        "[accounts]\nfile = \"accounts.csv\"\n[accounts.names]\n\"333333333333\" = \"data-platform\"\n",
    );
    let rows = env.rows(&["summary", "--by", "subaccount"]);
    assert_eq!(
        named(&rows, "subaccount", "222222222222").as_deref(),
        Some("web-prod")
    );
    assert_eq!(
        named(&rows, "subaccount", "333333333333").as_deref(),
        Some("data-platform")
    );
    let csv = env.ok(&["explore", "--by", "subaccount", "--format", "csv"]);
    assert!(
        csv.starts_with("subaccount,subaccount_name,currency,"),
        "{csv}"
    );
    assert!(csv.contains("222222222222,web-prod,USD,"), "{csv}");
    let recommend = env.ok(&["recommend", "--format", "csv"]);
    assert!(
        recommend
            .lines()
            .next()
            .unwrap()
            .ends_with(",account_name,owner"),
        "{recommend}"
    );
    // The owner is the resource's team (its tag in the demo).
    let findings = env.rows(&["recommend"]);
    let web = findings
        .iter()
        .find(|f| f["resource_id"] == "i-0demoweb000000001")
        .unwrap();
    assert_eq!(web["owner"], "web");
}

/// Issue 18 (items 5 and 8): the lines behind a number add up to it, and
/// each names the file and row it came from.
#[test]
fn the_billing_lines_behind_a_number_add_up_to_it_and_name_their_file_and_row() {
    let env = Env::with_demo();
    let dates = ["--from", "2026-10-01", "--to", "2026-11-01"];
    let ec2 = "service=Amazon Elastic Compute Cloud";
    let mut args = vec!["lines", "--filter", ec2];
    args.extend(dates);
    let lines = env.rows(&args);
    let mut args = vec!["summary", "--by", "service"];
    args.extend(dates);
    let summary = env.rows(&args);
    let expected = summary
        .iter()
        .find(|r| r["service"] == "Amazon Elastic Compute Cloud")
        .unwrap();
    for measure in ["billed_cost", "effective_cost", "list_cost"] {
        let sum: f64 = lines.iter().map(|l| l[measure].as_f64().unwrap()).sum();
        assert!(cents(sum, expected[measure].as_f64().unwrap()), "{measure}");
    }
    for line in &lines {
        assert!(line["day"].as_str().unwrap().starts_with("2026-10"));
        let file = line["source_file"].as_str().unwrap();
        assert!(Path::new(file).is_file(), "{file}");
        assert!(line["source_row"].as_u64().unwrap() >= 1);
    }
    // Largest effective cost first.
    let costs: Vec<f64> = lines
        .iter()
        .map(|l| l["effective_cost"].as_f64().unwrap())
        .collect();
    assert!(costs.windows(2).all(|w| w[0] >= w[1]));

    // A table shows the first 50 and says how many there are.
    let mut args = vec!["lines", "--filter", ec2];
    args.extend(dates);
    let out = env.run(&args);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("50 of {} lines", lines.len())),
        "{stderr}"
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 52);
    assert_eq!(
        env.run(&["lines", "--filter", "service"]).status.code(),
        Some(2)
    );
}
