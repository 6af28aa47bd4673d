//! The checks on hand-made usage records: each rule, its threshold and
//! its saving.

use super::checks::finding_id;
use super::*;
use chrono::NaiveDate;

fn window() -> Window {
    Window {
        first: NaiveDate::from_ymd_opt(2026, 10, 2).unwrap(),
        last: NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(),
    }
}

fn usage(resource: &str, usage_type: &str, cost: f64, quantity: f64) -> Usage {
    Usage {
        resource_id: resource.into(),
        usage_type: usage_type.into(),
        provider: "AWS".into(),
        account: "222222222222".into(),
        region: "us-east-1".into(),
        currency: "USD".into(),
        cost,
        quantity,
        first_seen: NaiveDate::from_ymd_opt(2026, 8, 1),
        sources: vec!["cur.csv:2".into()],
        ..Usage::default()
    }
}

fn run(records: Vec<Usage>) -> Vec<Finding> {
    run_with(&records, &[]).0
}

/// The findings and the Savings Plan, with each on-demand AWS instance
/// running its `quantity` hours from the start of the window at a flat rate.
fn run_with(
    records: &[Usage],
    utilization: &[metrics::Utilization],
) -> (Vec<Finding>, Option<SavingsPlanRecommendation>) {
    let hours = 720;
    let mut hourly = HourlySpend {
        currency: "USD".into(),
        window: window().label(),
        hours,
        ..HourlySpend::default()
    };
    for u in records.iter().filter(|u| {
        u.provider == "AWS" && u.pricing_category == "Standard" && u.usage_type.contains("BoxUsage")
    }) {
        let running = (u.quantity as usize).min(hours);
        let spend = hourly
            .by_resource
            .entry(u.resource_id.clone())
            .or_insert_with(|| vec![0.0; hours]);
        for s in spend.iter_mut().take(running) {
            *s += u.cost / running as f64;
        }
    }
    findings(
        records,
        &window(),
        &OptimizeSettings::default(),
        utilization,
        &hourly,
    )
}

fn stats(
    id: &str,
    avg: f64,
    p95: f64,
    max: f64,
    memory: Option<f64>,
    network_mb: Option<f64>,
) -> metrics::Utilization {
    metrics::Utilization {
        resource_id: id.into(),
        cpu_avg: avg,
        cpu_p95: p95,
        cpu_max: max,
        memory_p95: memory,
        memory_max: memory,
        network_bytes_per_day: network_mb.map(|m| m * 1e6),
        days: 30.0,
    }
}

#[test]
fn rightsizing_from_utilization() {
    let instance = |id: &str, kind: &str| Usage {
        instance_type: kind.into(),
        ..usage(id, &format!("BoxUsage:{kind}"), 138.24, 720.0)
    };
    let records = vec![
        instance("i-idle", "m5.xlarge"),
        instance("i-small-load", "m5.xlarge"),
        instance("i-45", "m5.xlarge"),
        instance("i-memory", "m5.xlarge"),
        instance("i-busy-net", "m5.xlarge"),
        instance("i-odd", "x9z.4xlarge"),
        instance("i-smallest", "m5.large"),
        instance("i-low-memory", "m5.xlarge"),
    ];
    let utilization = vec![
        stats("i-idle", 1.2, 3.0, 8.0, Some(20.0), Some(2.0)),
        stats("i-small-load", 15.0, 30.0, 55.0, Some(35.0), Some(900.0)),
        stats("i-45", 30.0, 45.0, 58.0, Some(35.0), Some(900.0)),
        stats("i-memory", 15.0, 30.0, 55.0, Some(80.0), Some(900.0)),
        stats("i-busy-net", 2.0, 4.0, 9.0, None, Some(5000.0)),
        stats("i-odd", 10.0, 20.0, 30.0, None, None),
        stats("i-smallest", 10.0, 20.0, 30.0, None, None),
        stats("i-low-memory", 15.0, 30.0, 55.0, Some(15.0), Some(900.0)),
    ];
    let (found, _) = run_with(&records, &utilization);
    let get = |id: &str| found.iter().find(|f| f.resource_id == id);
    let idle = get("i-idle").unwrap();
    assert_eq!(
        (idle.kind.name(), idle.confidence),
        ("idle_instance", Confidence::Medium)
    );
    assert!(close(idle.estimated_monthly_savings, monthly(138.24)));
    // m5.xlarge $0.192 -> m5.large $0.096: half.
    let small = get("i-small-load").unwrap();
    assert_eq!(
        (small.kind.name(), small.confidence),
        ("rightsize", Confidence::High)
    );
    assert!(close(small.estimated_monthly_savings, monthly(69.12)));
    assert!(small.action.contains("m5.large"));
    // The near misses: 45% CPU p95, memory too full to halve.
    assert_eq!(get("i-45").unwrap().kind, "graviton");
    assert_eq!(get("i-memory").unwrap().kind, "graviton");
    // Low CPU but a lot of traffic: not idle, but oversized.
    assert_eq!(get("i-busy-net").unwrap().kind, "rightsize");
    // A family the catalog does not know: assumed, low confidence.
    let odd = get("i-odd").unwrap();
    assert_eq!(
        (odd.kind.name(), odd.confidence),
        ("rightsize", Confidence::Low)
    );
    assert!(close(odd.estimated_monthly_savings, monthly(69.12)));
    // Memory p95 15% of 16 GiB needs 3 GiB: c5.large/c6i.large ($0.085,
    // 2 vCPU, 4 GiB) beat m5.large ($0.096).
    let low = get("i-low-memory").unwrap();
    assert!(low.action.contains("c5.large"), "{}", low.action);
    assert!(close(
        low.estimated_monthly_savings,
        monthly(138.24 * (1.0 - 0.085 / 0.192))
    ));
    // m5.large is the smallest m5: no size down (Graviton instead).
    assert_eq!(get("i-smallest").unwrap().kind, "graviton");
}

/// 30 days in the window: monthly = cost x 30.4375 / 30.
fn monthly(cost: f64) -> f64 {
    cost * 30.4375 / 30.0
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn idle_ip_fires_and_an_attached_ip_does_not() {
    let found = run(vec![
        usage("eipalloc-1", "USE1-ElasticIP:IdleAddress", 3.6, 720.0),
        usage("eipalloc-2", "USE1-ElasticIP:AdditionalAddress", 3.6, 720.0),
        usage("eipalloc-3", "USE1-PublicIPv4:IdleAddress", 1.8, 360.0),
    ]);
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].kind, "idle_ip");
    assert!(close(found[0].estimated_monthly_savings, monthly(3.6)));
    assert_eq!(found[1].resource_id, "eipalloc-3");
}

#[test]
fn nat_gateway_idle_versus_moving_data() {
    let found = run(vec![
        usage("nat-idle", "USE1-NatGateway-Hours", 32.4, 720.0),
        usage("nat-busy", "USE1-NatGateway-Hours", 32.4, 720.0),
        usage("nat-busy", "USE1-NatGateway-Bytes", 2.25, 50.0),
        usage("nat-trickle", "USE1-NatGateway-Hours", 32.4, 720.0),
        usage("nat-trickle", "USE1-NatGateway-Bytes", 0.0225, 0.5),
    ]);
    let ids: Vec<&str> = found.iter().map(|f| f.resource_id.as_str()).collect();
    // 0.5 GB is under the 1 GB threshold; 50 GB is not.
    assert_eq!(ids, vec!["nat-trickle", "nat-idle"]);
    let idle = found.iter().find(|f| f.resource_id == "nat-idle").unwrap();
    assert!(close(idle.estimated_monthly_savings, monthly(32.4)));
    let trickle = found
        .iter()
        .find(|f| f.resource_id == "nat-trickle")
        .unwrap();
    assert!(close(trickle.estimated_monthly_savings, monthly(32.4225)));
}

#[test]
fn load_balancer_without_traffic() {
    let found = run(vec![
        usage("arn:lb/idle", "USE1-LoadBalancerUsage", 16.2, 720.0),
        usage("arn:lb/busy", "USE1-LoadBalancerUsage", 16.2, 720.0),
        usage("arn:lb/busy", "USE1-LCUUsage", 4.0, 500.0),
    ]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].kind, "idle_load_balancer");
    assert!(close(found[0].estimated_monthly_savings, monthly(16.2)));
}

#[test]
fn gp2_volumes_save_twenty_percent() {
    let found = run(vec![
        usage("vol-gp2", "EBS:VolumeUsage.gp2", 50.0, 500.0),
        usage("vol-gp3", "EBS:VolumeUsage.gp3", 40.0, 500.0),
    ]);
    assert_eq!(found.len(), 1);
    assert!(close(found[0].estimated_monthly_savings, monthly(10.0)));
}

#[test]
fn instances_previous_generation_graviton_and_unknown_sizes() {
    let mut m4 = usage("i-m4", "BoxUsage:m4.xlarge", 144.0, 720.0);
    m4.instance_type = "m4.xlarge".into();
    let t2 = usage("i-t2", "USE2-BoxUsage:t2.medium", 33.408, 720.0);
    let m6i = usage("i-m6i", "BoxUsage:m6i.large", 69.12, 720.0);
    let odd = usage("i-c4", "BoxUsage:c4.8xlarge", 100.0, 720.0);
    let found = run(vec![m4, t2, m6i, odd]);
    let get = |id: &str| found.iter().find(|f| f.resource_id == id).unwrap();
    // m4.xlarge $0.20 -> m6i.xlarge $0.192: 4%.
    assert_eq!(get("i-m4").kind, "previous_generation");
    assert!(close(
        get("i-m4").estimated_monthly_savings,
        monthly(144.0 * 0.04)
    ));
    // t2.medium $0.0464 -> t3.medium $0.0416.
    assert!(close(
        get("i-t2").estimated_monthly_savings,
        monthly(33.408 * (1.0 - 0.0416 / 0.0464))
    ));
    assert_eq!(get("i-t2").confidence, Confidence::High);
    // m6i.large $0.096 -> m7g.large $0.0816: 15%, low confidence.
    assert_eq!(get("i-m6i").kind, "graviton");
    assert_eq!(get("i-m6i").confidence, Confidence::Low);
    assert!(close(
        get("i-m6i").estimated_monthly_savings,
        monthly(69.12 * 0.15)
    ));
    // Not in the catalog: still found, low confidence, assumed 10%.
    assert_eq!(get("i-c4").confidence, Confidence::Low);
    assert!(close(get("i-c4").estimated_monthly_savings, monthly(10.0)));
    assert_eq!(found.len(), 4, "one finding per instance");
}

#[test]
fn snapshots_older_than_ninety_days_only() {
    let mut old = usage("snap-old", "EBS:SnapshotUsage", 5.0, 100.0);
    old.first_seen = NaiveDate::from_ymd_opt(2026, 7, 31); // 92 days
    let mut recent = usage("snap-80", "EBS:SnapshotUsage", 5.0, 100.0);
    recent.first_seen = NaiveDate::from_ymd_opt(2026, 8, 12); // 80 days
    let found = run(vec![old, recent]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].resource_id, "snap-old");
    assert!(close(found[0].estimated_monthly_savings, monthly(5.0)));
}

#[test]
fn extended_support_charges() {
    let found = run(vec![
        usage(
            "arn:rds:db:old",
            "USE1-RDS:ExtendedSupport:Yr1-Yr2:MySQL5.7",
            72.0,
            1440.0,
        ),
        usage(
            "arn:rds:db:new",
            "USE1-InstanceUsage:db.m5.large",
            120.0,
            720.0,
        ),
    ]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].kind, "extended_support");
    assert!(close(found[0].estimated_monthly_savings, monthly(72.0)));
}

#[test]
fn azure_ip_without_a_vm_in_its_resource_group() {
    let azure = |id: &str, rg: &str, kind: &str, cost: f64| Usage {
        provider: "Microsoft".into(),
        account: "sub-1".into(),
        resource_group: rg.into(),
        resource_type: kind.into(),
        ..usage(id, "", cost, 720.0)
    };
    let found = run(vec![
        azure(
            "/sub/rg-a/pip-alone",
            "rg-a",
            "Microsoft.Network/publicIPAddresses",
            3.6,
        ),
        azure(
            "/sub/rg-b/pip-vm",
            "rg-b",
            "Microsoft.Network/publicIPAddresses",
            3.6,
        ),
        azure(
            "/sub/rg-b/vm",
            "rg-b",
            "Microsoft.Compute/virtualMachines",
            70.0,
        ),
    ]);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].resource_id, "/sub/rg-a/pip-alone");
    assert_eq!(found[0].confidence, Confidence::Low);
    // EA exports: no resource type column, the type is in the id.
    let from_id = |id: &str, rg: &str| Usage {
        provider: "Microsoft".into(),
        account: "sub-1".into(),
        resource_group: rg.into(),
        ..usage(id, "", 3.0, 720.0)
    };
    let found = run(vec![
        from_id(
            "/subscriptions/s/resourceGroups/rg-c/providers/Microsoft.Network/publicIPAddresses/pip",
            "rg-c",
        ),
        from_id(
            "/subscriptions/s/resourceGroups/rg-d/providers/Microsoft.Compute/disks/d1",
            "rg-d",
        ),
        from_id(
            "/subscriptions/s/resourceGroups/rg-d/providers/Microsoft.Compute/virtualMachines/vm",
            "rg-d",
        ),
    ]);
    assert_eq!(found.len(), 1);
    assert!(found[0].resource_id.ends_with("/pip"));
}

#[test]
fn always_on_short_lived_and_premium_snapshots() {
    let on_demand = |id: &str, hours: f64, first: (u32, u32)| Usage {
        instance_type: "m5.large".into(),
        pricing_category: "Standard".into(),
        first_seen: NaiveDate::from_ymd_opt(2026, first.0, first.1),
        ..usage(id, "BoxUsage:m5.large", hours * 0.096, hours)
    };
    let mut covered = on_demand("i-covered", 720.0, (8, 1));
    covered.pricing_category = "Committed".into();
    let snapshot = Usage {
        provider: "Microsoft".into(),
        meter: "Premium SSD Managed Disks / P10 LRS Snapshot".into(),
        ..usage("/sub/snap-premium", "", 12.0, 100.0)
    };
    let vm = |id: &str, hours: f64| Usage {
        provider: "Microsoft".into(),
        pricing_category: "Standard".into(),
        meter: "Virtual Machines / Dv3 Series / D2 v3".into(),
        resource_type: "microsoft.compute/virtualmachines".into(),
        currency: "EUR".into(),
        ..usage(id, "", hours * 0.1, hours)
    };
    let (found, plan) = run_with(
        &[
            on_demand("i-always", 720.0, (8, 1)),
            on_demand("i-684h", 684.0, (8, 1)),
            on_demand("i-683h", 683.0, (8, 1)),
            on_demand("i-batch", 100.0, (10, 20)),
            on_demand("i-old-part-time", 100.0, (8, 1)),
            covered,
            snapshot,
            vm("/sub/vm-always", 684.0), // exactly 95%
            vm("/sub/vm-683h", 683.0),
        ],
        &[],
    );
    let plan = plan.expect("a plan");
    let kinds: Vec<(&str, &str)> = found
        .iter()
        .filter(|f| f.kind != "graviton")
        .map(|f| (f.resource_id.as_str(), f.kind.name()))
        .collect();
    // On AWS every on-demand instance the plan covers has its share of it,
    // part-time ones too; the short-lived one goes to spot instead and the
    // covered one needs nothing. On Azure an always-on VM is a candidate.
    for id in [
        "i-always",
        "i-684h",
        "i-683h",
        "i-old-part-time",
        "/sub/vm-always",
    ] {
        assert!(
            kinds.contains(&(id, "commitment_candidate")),
            "{id}: {kinds:?}"
        );
    }
    assert!(kinds.contains(&("i-batch", "spot_candidate")));
    assert!(kinds.contains(&("/sub/snap-premium", "azure_premium_snapshot")));
    assert_eq!(kinds.len(), 7, "{kinds:?}");
    // The AWS commitment findings are the plan, split.
    let aws_commitments: Vec<&Finding> = found
        .iter()
        .filter(|f| f.kind == "commitment_candidate" && f.provider == "AWS")
        .collect();
    let shares: f64 = aws_commitments
        .iter()
        .map(|f| f.estimated_monthly_savings)
        .sum();
    assert!(
        close(shares, plan.monthly_net_savings),
        "{shares} vs {plan:?}"
    );
    assert_eq!(plan.instances_covered, 4);
    let get = |id: &str, kind: &str| {
        found
            .iter()
            .find(|f| f.resource_id == id && f.kind == kind)
            .unwrap()
    };
    // Each instance moves to Graviton first (its only change) and the plan
    // covers what that leaves: the two add up to less than the instance
    // costs, and a share never beats the discount on what is left.
    for f in &aws_commitments {
        let graviton = get(&f.resource_id, "graviton");
        assert!(f.counted && graviton.counted);
        let left = graviton.monthly_cost - graviton.estimated_monthly_savings;
        assert!(f.estimated_monthly_savings <= left * 0.28 + 1e-9, "{f:?}");
        assert!(
            f.action.starts_with("After the move to Graviton, cover"),
            "{}",
            f.action
        );
    }
    // Spot and Graviton are alternatives for the batch instance: the larger counts.
    assert!(get("i-batch", "spot_candidate").counted);
    assert!(!get("i-batch", "graviton").counted);
    let azure = get("/sub/vm-always", "commitment_candidate");
    assert!(close(
        azure.estimated_monthly_savings,
        monthly(684.0 * 0.1 * 0.28)
    ));
    // The headline: every counted finding once.
    let counted: f64 = found
        .iter()
        .filter(|f| f.counted && f.currency == "USD")
        .map(|f| f.estimated_monthly_savings)
        .sum();
    assert!(close(potential_savings(&found)["USD"], counted));
    let snap = found
        .iter()
        .find(|f| f.kind == "azure_premium_snapshot")
        .unwrap();
    assert!(close(
        snap.estimated_monthly_savings,
        monthly(12.0 * (1.0 - 0.05 / 0.12))
    ));
}

#[test]
fn io1_volumes_that_fit_gp3() {
    // 500 GB io1 at $0.125 and 4,000 IOPS at $0.065 for the 30 days.
    let months = 30.0 / 30.4375;
    let found = run(vec![
        usage(
            "vol-io1",
            "EBS:VolumeUsage.piops",
            62.5 * months,
            500.0 * months,
        ),
        usage(
            "vol-io1",
            "EBS:VolumeP-IOPS.piops",
            260.0 * months,
            4000.0 * months,
        ),
        usage(
            "vol-io1-big",
            "EBS:VolumeUsage.piops",
            62.5 * months,
            500.0 * months,
        ),
        usage(
            "vol-io1-big",
            "EBS:VolumeP-IOPS.piops",
            1300.0 * months,
            20000.0 * months,
        ),
    ]);
    assert_eq!(found.len(), 1, "20,000 IOPS do not fit gp3");
    assert_eq!(found[0].kind, "io1_to_gp3");
    // gp3: 500 x 0.08 + 1,000 x 0.005 = 45 a month against 322.5.
    assert!(
        close(found[0].estimated_monthly_savings, 322.5 - 45.0),
        "{}",
        found[0].estimated_monthly_savings
    );
}

#[test]
fn ids_are_stable_and_distinct() {
    let a = finding_id("idle_ip", &usage("eipalloc-1", "", 0.0, 0.0));
    assert_eq!(
        a,
        finding_id("idle_ip", &usage("eipalloc-1", "x", 1.0, 0.0))
    );
    assert_ne!(a, finding_id("idle_ip", &usage("eipalloc-2", "", 0.0, 0.0)));
    assert_eq!(a.len(), 12);
}
