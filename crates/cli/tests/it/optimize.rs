//! Recommendations, rightsizing from imported metrics, and commitments over
//! the demo dataset, whose waste is planted with known dollar figures.

use serde_json::Value;

use crate::support::Env;

#[test]
fn recommend_finds_the_demo_waste_with_its_dollars_and_nothing_else() {
    let env = Env::with_demo();
    let findings = env.rows(&["recommend"]);
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
            // The demo's instances and VMs run on demand.
            "commitment_candidate" => assert!(
                resource.starts_with("i-0demo") || resource.contains("/virtualMachines/vm-"),
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
    assert_eq!(env.rows(&["recommend", "--kind", "idle_ip"]).len(), 2);
    assert!(
        env.rows(&["recommend", "--min-savings", "10"])
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
    let findings = env.rows(&["recommend"]);
    let of =
        |id: &str| -> Vec<&Value> { findings.iter().filter(|f| f["resource_id"] == id).collect() };
    // One change per instance; a commitment covers what the resize leaves.
    let (commitment, api): (Vec<&Value>, Vec<&Value>) = of("i-0demoapi000000001")
        .into_iter()
        .partition(|f| f["kind"] == "commitment_candidate");
    assert!(
        commitment.iter().all(|f| f["action"]
            .as_str()
            .unwrap()
            .starts_with("After the resize")),
        "{commitment:?}"
    );
    assert_eq!(api.len(), 1, "one change per instance: {api:?}");
    assert_eq!(api[0]["kind"], "rightsize");
    assert_eq!(api[0]["confidence"], "high");
    // c6i.xlarge -> c6i.large: half of what the instance costs, which the
    // demo's Savings Plan makes $0.1224 an hour (24 x 30.4375 hours a month).
    let expected = 0.1224 * 24.0 * 30.4375 / 2.0;
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
    // The demo's reservation covers every hour it pays for; its Savings
    // Plan ($3.00 a day) is used for $2.9376 of each day (24 hours of a
    // c6i.xlarge at the plan's $0.1224).
    let utilization = out["utilization"].as_array().unwrap();
    let pct = |kind: &str| {
        utilization
            .iter()
            .find(|r| r["type"] == kind)
            .map(|r| r["utilization_pct"].as_f64().unwrap())
            .unwrap()
    };
    assert_eq!(utilization.len(), 2, "{utilization:?}");
    assert!((pct("Reserved Instance") - 100.0).abs() < 1e-9);
    assert!((pct("Savings Plan") - 2.9376 / 3.0 * 100.0).abs() < 0.005);
    let coverage = |service: &str| {
        let row = out["coverage"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["service"] == service)
            .unwrap()
            .clone();
        let (covered, eligible) = (
            row["covered_cost"].as_f64().unwrap(),
            row["eligible_cost"].as_f64().unwrap(),
        );
        assert!((row["coverage_pct"].as_f64().unwrap() - covered / eligible * 100.0).abs() < 1e-6);
        covered / eligible
    };
    assert_eq!(coverage("Amazon Relational Database Service"), 1.0);
    let ec2 = coverage("Amazon Elastic Compute Cloud");
    assert!(
        ec2 > 0.05 && ec2 < 0.2,
        "one of nine instances is covered: {ec2}"
    );
    let plan = &out["savings_plan"];
    // One story: the AWS commitment findings are the plan, split.
    let shares: f64 = env
        .rows(&["recommend", "--kind", "commitment_candidate"])
        .iter()
        .filter(|f| f["provider"] == "AWS")
        .map(|f| f["estimated_monthly_savings"].as_f64().unwrap())
        .sum();
    assert!(
        (shares - plan["monthly_net_savings"].as_f64().unwrap()).abs() < 0.005,
        "{shares} {plan}"
    );
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
