//! End-to-end tests of the analysis commands (reports, schedules, tag rules,
//! allocation, currency conversion, forecast, anomalies) over the built-in
//! demo dataset, which is deterministic: report outputs are snapshot-tested.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    /// A data dir with the demo dataset and an empty config file.
    fn with_demo() -> Self {
        let env = Env {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        env.write_config("");
        env.ok(&["demo"]);
        env
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    fn write_config(&self, text: &str) {
        std::fs::write(self.config(), text).expect("config file");
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_burnrate"))
            .args(args)
            .env("BURNRATE_DATA_DIR", self.dir.path().join("data"))
            .env("BURNRATE_CONFIG", self.config())
            .output()
            .expect("burnrate runs")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "burnrate {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 output")
    }

    fn json(&self, args: &[&str]) -> Vec<Value> {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        serde_json::from_str::<Value>(&self.ok(&all))
            .expect("json output")
            .as_array()
            .expect("an array of rows")
            .clone()
    }

    /// Sum of `field` over rows in `currency`.
    fn total(&self, args: &[&str], field: &str, currency: &str) -> f64 {
        self.json(args)
            .iter()
            .filter(|r| r["currency"] == currency)
            .map(|r| r[field].as_f64().unwrap())
            .sum()
    }
}

fn cents(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.005
}

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
    let listing = env.json(&["reports"]);
    assert!(listing.len() >= 10);
    for report in &listing {
        assert_eq!(report["status"], "ok", "{report}");
        let name = report["name"].as_str().unwrap();
        let csv = env.ok(&["report", name, "--format", "csv"]);
        insta::assert_snapshot!(name, to_cents(&csv));
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
    let listing = env.json(&["reports"]);
    let typo = listing.iter().find(|r| r["name"] == "typo").unwrap();
    assert!(typo["status"].as_str().unwrap().contains("BiledCost"));
}

#[test]
fn tag_rules_apply_to_history_without_reimport() {
    let env = Env::with_demo();
    let teams = |env: &Env| -> Vec<String> {
        env.json(&["summary", "--by", "tag:team"])
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
    let rows = env.json(&["summary", "--by", "alloc:team"]);
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
    let rows = env.json(&["untagged", "--cost", "billed"]);
    let total = env.total(&["summary", "--by", "provider"], "billed_cost", "USD");
    let team = rows
        .iter()
        .find(|r| r["tag_key"] == "team" && r["currency"] == "USD")
        .unwrap();
    assert!(cents(team["total_cost"].as_f64().unwrap(), total));
    let untagged = team["untagged_cost"].as_f64().unwrap();
    let tagged = total
        - env
            .json(&["summary", "--by", "tag:team"])
            .iter()
            .filter(|r| r["currency"] == "USD" && r["tag:team"] != "(untagged)")
            .map(|r| r["billed_cost"].as_f64().unwrap())
            .sum::<f64>();
    assert!(cents(untagged, tagged), "{untagged} vs {tagged}");
    let top = env.json(&[
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
        let rows = env.json(&["allocate", "--key", "team", "--cost", "billed"]);
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
    let rows = env.json(&["forecast"]);
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
    let by_service = env.json(&["forecast", "--by", "service"]);
    assert!(by_service.iter().any(|r| r["service"] == "AWS Lambda"));
    let trend = env.json(&["trend", "--period", "week", "--by", "provider"]);
    assert!(trend.iter().any(|r| r["change"].is_number()));
    let movers = env.json(&["movers", "--by", "service", "--days", "7"]);
    assert!(!movers.is_empty());
}

#[test]
fn anomalies_find_the_demo_spike_only() {
    let env = Env::with_demo();
    let csv = env.ok(&["anomalies", "--since", "2026-08-01", "--format", "csv"]);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "date,dimension,value,expected_cost,actual_cost,impact,score,currency"
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

fn schedule_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().to_string())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn schedules_from_the_command_line() {
    let env = Env::with_demo();
    env.write_config("# my settings\n[tags]\nlowercase_values = true\n");
    let out_dir = env.path("exports");
    env.ok(&[
        "schedule",
        "add",
        "monthly",
        "--report",
        "cost_by_account",
        "--report",
        "cost_by_service_month",
        "--cron",
        "0 6 1 * *",
        "--timezone",
        "Europe/Berlin",
        "--window",
        "all",
        "--output-dir",
        out_dir.to_str().unwrap(),
        "--chart",
        "png",
        "--keep",
        "3",
    ]);
    let text = std::fs::read_to_string(env.config()).unwrap();
    assert!(
        text.starts_with("# my settings"),
        "comments survive: {text}"
    );
    // Just added: its first fire time is in the future.
    assert!(env.ok(&["schedule", "run-due"]).contains("nothing due"));
    let out = env.ok(&["schedule", "run", "monthly"]);
    assert!(out.contains("ok (4 files)"), "{out}");
    let files = schedule_files(&out_dir);
    assert_eq!(files.len(), 4, "{files:?}");
    assert!(
        files
            .iter()
            .any(|f| f.starts_with("cost_by_account-") && f.ends_with(".png"))
    );
    let listing = env.json(&["schedule", "list"]);
    assert_eq!(listing[0]["name"], "monthly");
    assert!(
        listing[0]["last_outcome"]
            .as_str()
            .unwrap()
            .starts_with("ok")
    );
    // Unknown report, bad cron, duplicate name: usage errors.
    for args in [
        vec![
            "schedule",
            "add",
            "x",
            "--report",
            "nope",
            "--cron",
            "0 6 * * *",
            "--output-dir",
            "o",
        ],
        vec![
            "schedule",
            "add",
            "x",
            "--report",
            "cost_by_account",
            "--cron",
            "61 6 * * *",
            "--output-dir",
            "o",
        ],
        vec![
            "schedule",
            "add",
            "monthly",
            "--report",
            "cost_by_account",
            "--cron",
            "0 6 * * *",
            "--output-dir",
            "o",
        ],
    ] {
        assert_eq!(env.run(&args).status.code(), Some(2), "{args:?}");
    }
    env.ok(&["schedule", "remove", "monthly"]);
    assert!(env.json(&["schedule", "list"]).is_empty());
}

#[test]
fn run_due_catches_up_once_and_records_failures() {
    let env = Env::with_demo();
    let out_dir = env.path("out");
    // No `created`: the latest fire time (today 00:00) is due once.
    env.write_config(&format!(
        r#"
[[schedules]]
name = "daily"
reports = ["cost_by_region", "missing_report"]
cron = "0 0 * * *"
window = "all"
output_dir = "{}"
"#,
        out_dir.display()
    ));
    let out = env.run(&["schedule", "run-due"]);
    assert_eq!(out.status.code(), Some(1), "one report failed");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("missing_report") && text.contains("FAILED"),
        "{text}"
    );
    assert_eq!(
        schedule_files(&out_dir).len(),
        1,
        "the other report was written"
    );
    assert!(
        env.ok(&["schedule", "run-due"]).contains("nothing due"),
        "never twice"
    );
    let listing = env.json(&["schedule", "list"]);
    assert!(
        listing[0]["last_outcome"]
            .as_str()
            .unwrap()
            .contains("no report \\\"missing_report\\\"")
            || listing[0]["last_outcome"]
                .as_str()
                .unwrap()
                .contains("missing_report")
    );
}

#[test]
fn recommend_finds_the_demo_waste_with_its_dollars_and_nothing_else() {
    let env = Env::with_demo();
    let findings = env.json(&["recommend"]);
    let savings = |resource: &str, kind: &str| -> f64 {
        let f = findings
            .iter()
            .find(|f| f["resource_id"] == resource && f["kind"] == kind)
            .unwrap_or_else(|| panic!("no {kind} finding for {resource}"));
        assert!(!f["evidence"]["sources"].as_array().unwrap().is_empty());
        assert_eq!(f["evidence"]["window"], "2026-10-02..2026-10-31");
        f["estimated_monthly_savings"].as_f64().unwrap()
    };
    // The last 30 days of data, scaled to a 30.4375-day month.
    let month = 30.4375;
    let near = |a: f64, b: f64| (a - b).abs() < 0.01;
    assert!(near(
        savings("eipalloc-0demoidle00000001", "idle_ip"),
        0.005 * 24.0 * month
    ));
    assert!(near(
        savings("eipalloc-0demoidle00000002", "idle_ip"),
        0.005 * 24.0 * month
    ));
    assert!(near(
        savings("nat-0demoidle0000001", "idle_nat_gateway"),
        0.045 * 24.0 * month
    ));
    for (volume, gb) in [
        ("vol-0demogp2000000001", 500.0),
        ("vol-0demogp2000000002", 200.0),
        ("vol-0demogp2000000003", 1000.0),
    ] {
        let monthly_cost = gb * 24.0 / 730.0 * 0.10 * month;
        assert!(
            near(savings(volume, "gp2_to_gp3"), monthly_cost * 0.2),
            "{volume}"
        );
    }
    // Catalog: m4.xlarge 0.20 -> m6i.xlarge 0.192; t2.medium 0.0464 -> t3.medium
    // 0.0416; c4.large 0.10 -> c6i.large 0.085.
    for (instance, rate, ratio) in [
        ("i-0demom4xl00000001", 0.20, 1.0 - 0.192 / 0.20),
        ("i-0demot2md00000001", 0.0464, 1.0 - 0.0416 / 0.0464),
        ("i-0democ4lg00000001", 0.10, 1.0 - 0.085 / 0.10),
    ] {
        let monthly_cost = rate * 24.0 * month;
        assert!(
            near(
                savings(instance, "previous_generation"),
                monthly_cost * ratio
            ),
            "{instance}"
        );
    }
    let orphan = findings
        .iter()
        .find(|f| f["kind"] == "orphaned_azure_resource")
        .unwrap();
    assert!(
        orphan["resource_id"]
            .as_str()
            .unwrap()
            .ends_with("/pip-orphaned")
    );
    // Nothing else, except low-confidence Graviton suggestions for x86
    // instances and commitment candidates for the always-on ones.
    let injected: Vec<&str> = vec![
        "eipalloc-0demoidle00000001",
        "eipalloc-0demoidle00000002",
        "nat-0demoidle0000001",
        "vol-0demogp2000000001",
        "vol-0demogp2000000002",
        "vol-0demogp2000000003",
        "i-0demom4xl00000001",
        "i-0demot2md00000001",
        "i-0democ4lg00000001",
    ];
    for f in &findings {
        let resource = f["resource_id"].as_str().unwrap();
        match f["kind"].as_str().unwrap() {
            "graviton" => assert_eq!(f["confidence"], "low"),
            // The demo's always-on instances and VMs run on demand.
            "commitment_candidate" => assert!(
                [
                    "i-0demoapi000000001",
                    "i-0demoapi000000002",
                    "i-0demoshr000000001"
                ]
                .contains(&resource)
                    || resource.contains("/virtualMachines/vm-"),
                "{f}"
            ),
            "orphaned_azure_resource" => assert!(resource.ends_with("/pip-orphaned")),
            kind => assert!(injected.contains(&resource), "spurious {kind} finding: {f}"),
        }
    }
    // Sorted by savings; filters; CSV columns.
    let values: Vec<f64> = findings
        .iter()
        .map(|f| f["estimated_monthly_savings"].as_f64().unwrap())
        .collect();
    assert!(values.windows(2).all(|w| w[0] >= w[1]));
    assert_eq!(env.json(&["recommend", "--kind", "idle_ip"]).len(), 2);
    assert!(
        env.json(&["recommend", "--min-savings", "10"])
            .iter()
            .all(|f| f["estimated_monthly_savings"].as_f64().unwrap() >= 10.0)
    );
    let csv = env.ok(&["recommend", "--format", "csv"]);
    assert!(csv.starts_with(
        "id,kind,provider,account,region,service,resource_id,monthly_cost,estimated_monthly_savings,confidence,action,"
    ));
    assert_eq!(
        env.run(&["recommend", "--kind", "nonsense"]).status.code(),
        Some(2)
    );
}

#[test]
fn the_daemon_runs_what_is_due_and_keeps_running() {
    let env = Env::with_demo();
    let out_dir = env.path("daemon-out");
    env.write_config(&format!(
        "[[schedules]]\nname = \"hourly\"\nreports = [\"cost_by_region\"]\ncron = \"0 * * * *\"\nwindow = \"all\"\noutput_dir = \"{}\"\n",
        out_dir.display()
    ));
    let mut daemon = Command::new(env!("CARGO_BIN_EXE_burnrate"))
        .args(["schedule", "daemon"])
        .env("BURNRATE_DATA_DIR", env.dir.path().join("data"))
        .env("BURNRATE_CONFIG", env.config())
        .spawn()
        .expect("daemon starts");
    // The hour's fire time has no recorded run: the daemon catches it up.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while schedule_files(&out_dir).is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let still_running = daemon.try_wait().unwrap().is_none();
    let _ = daemon.kill();
    let _ = daemon.wait();
    assert!(still_running, "the daemon keeps running after a run");
    assert_eq!(schedule_files(&out_dir).len(), 1);
    assert!(env.ok(&["schedule", "run-due"]).contains("nothing due"));
}

#[test]
fn rightsizing_from_imported_metrics() {
    let env = Env::with_demo();
    // Hourly metrics for October: the c6i.xlarge API server runs at 10-25%
    // CPU and 30% memory; the m6i.large shared box idles.
    let mut csv = String::from("resource_id,timestamp,metric,value\n");
    let mut idle_times = Vec::new();
    let mut idle_values = Vec::new();
    for day in 1..=31 {
        for hour in 0..24 {
            let t = format!("2026-10-{day:02}T{hour:02}:00:00Z");
            let cpu = 10.0 + ((day * 24 + hour) % 16) as f64;
            csv.push_str(&format!("i-0demoapi000000001,{t},cpu_percent,{cpu}\n"));
            csv.push_str(&format!("i-0demoapi000000001,{t},memory_percent,30\n"));
            csv.push_str(&format!(
                "i-0demoapi000000001,{t},network_in_bytes,900000000\n"
            ));
            idle_times.push(format!("\"{t}\""));
            idle_values.push("0.8".to_string());
        }
    }
    std::fs::write(env.path("api.csv"), csv).unwrap();
    std::fs::write(
        env.path("cloudwatch.json"),
        format!(
            "{{\"MetricDataResults\":[{{\"Id\":\"m1\",\"Label\":\"i-0demoshr000000001 CPUUtilization\",\"Timestamps\":[{}],\"Values\":[{}],\"StatusCode\":\"Complete\"}}]}}",
            idle_times.join(","),
            idle_values.join(",")
        ),
    )
    .unwrap();
    let out = env.ok(&[
        "metrics",
        "import",
        env.path("api.csv").to_str().unwrap(),
        env.path("cloudwatch.json").to_str().unwrap(),
    ]);
    assert!(
        out.contains("imported 2232 points") && out.contains("imported 744 points"),
        "{out}"
    );
    assert!(
        env.ok(&["metrics", "import", env.path("api.csv").to_str().unwrap()])
            .contains("already imported")
    );
    let findings = env.json(&["recommend"]);
    let of =
        |id: &str| -> Vec<&Value> { findings.iter().filter(|f| f["resource_id"] == id).collect() };
    let api = of("i-0demoapi000000001");
    assert_eq!(api.len(), 1, "one finding per instance: {api:?}");
    assert_eq!(api[0]["kind"], "rightsize");
    assert_eq!(api[0]["confidence"], "high");
    // c6i.xlarge $0.17 -> c6i.large $0.085: half of 0.17 x 24 x 30.4375.
    let expected = 0.17 * 24.0 * 30.4375 / 2.0;
    assert!((api[0]["estimated_monthly_savings"].as_f64().unwrap() - expected).abs() < 0.01);
    assert!(
        api[0]["evidence"]["figures"]
            .as_str()
            .unwrap()
            .contains("p95")
    );
    let shared = of("i-0demoshr000000001");
    assert_eq!(shared.len(), 1);
    assert_eq!(shared[0]["kind"], "idle_instance");
    assert_eq!(shared[0]["confidence"], "low", "no network metrics");
    // A bad metrics file names the row and column; nothing is imported.
    std::fs::write(
        env.path("bad.csv"),
        "resource_id,timestamp,metric,value\ni-1,2026-10-01T00:00:00Z,cpu_percent,lots\n",
    )
    .unwrap();
    let out = env.run(&["metrics", "import", env.path("bad.csv").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("row 1, column value"));
}

#[test]
fn commitments_utilization_coverage_and_a_savings_plan() {
    let env = Env::with_demo();
    let out: Value = serde_json::from_str(&env.ok(&["commitments", "--format", "json"])).unwrap();
    // The demo buys no commitments: nothing to utilize, nothing covered.
    assert!(out["utilization"].as_array().unwrap().is_empty());
    let ec2 = out["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["service"] == "Amazon Elastic Compute Cloud")
        .unwrap();
    assert_eq!(ec2["coverage_pct"].as_f64().unwrap(), 0.0);
    let plan = &out["savings_plan"];
    let (c, min, d) = (
        plan["hourly_commitment"].as_f64().unwrap(),
        plan["hourly_spend_min"].as_f64().unwrap(),
        plan["assumed_discount"].as_f64().unwrap(),
    );
    // A baseline that never dips below `min` is committed at min x (1 - d).
    assert!((c - min * (1.0 - d)).abs() < 1e-9, "{plan}");
    let saving = plan["monthly_net_savings"].as_f64().unwrap();
    assert!(saving > 0.0);
    assert!(
        plan["monthly_net_savings_if_usage_drops_20pct"]
            .as_f64()
            .unwrap()
            < saving
    );
    assert!(
        plan["monthly_net_savings_if_usage_drops_50pct"]
            .as_f64()
            .unwrap()
            < 0.0,
        "the risk shows"
    );
    assert_eq!(
        env.run(&["commitments", "--format", "csv"]).status.code(),
        Some(2)
    );
    assert!(
        env.ok(&["commitments", "--view", "coverage", "--format", "csv"])
            .starts_with("service,covered_cost,eligible_cost,coverage_pct,currency")
    );
}
