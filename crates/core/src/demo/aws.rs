//! The demo's AWS side: a legacy CUR per month with the planted waste, and
//! the lines that make billed, effective and list cost differ as they do on
//! a real bill: a Compute Savings Plan covering one API instance, a
//! reserved RDS instance bought with an upfront fee in August, an EDP
//! discount on on-demand usage, a promotional credit in September and a
//! Marketplace subscription (a third party's charge on the AWS invoice).

use super::*;
use crate::demo::synth::Commitment;
use crate::period::next_month;

/// The Compute Savings Plan (1 year, no upfront) prod bought: $0.125 an
/// hour, covering i-0demoapi000000001 at the plan's rate.
pub const SAVINGS_PLAN_ARN: &str =
    "arn:aws:savingsplans::222222222222:savingsplan/0demo-compute-sp-1yr";
const SAVINGS_PLAN_HOURLY: f64 = 0.125;
/// The instance the plan covers and its rate under the plan (28% below
/// the c6i.xlarge on-demand $0.17).
const SAVINGS_PLAN_COVERS: &str = "i-0demoapi000000001";
const SAVINGS_PLAN_RATE: f64 = 0.1224;

/// The reserved db.m5.large (1 year, partial upfront) of the payments
/// database: $700 upfront on 2026-08-01 and $0.04 an hour.
pub const RESERVATION_ARN: &str = "arn:aws:rds:us-east-1:222222222222:ri:demo-payments-db-1yr";
const RESERVATION_UPFRONT: f64 = 700.0;
const RESERVATION_HOURLY: f64 = 0.04;

/// The reservation's columns on a line: every hour of it is used, so
/// nothing is ever unused.
fn reservation(effective_cost: f64) -> Commitment<'static> {
    Commitment::Reservation {
        arn: RESERVATION_ARN,
        effective_cost,
        unused_upfront: 0.0,
        unused_recurring: 0.0,
    }
}

/// The Enterprise Discount Program's share off on-demand AWS usage.
const EDP_DISCOUNT: f64 = 0.03;

/// The AWS accounts' names, as `aws organizations list-accounts` lists them
/// (legacy CURs carry none): what the demo's account names file holds.
pub const ACCOUNT_NAMES: &[(&str, &str)] = &[
    (PAYER, "demo-payer"),
    (PROD, "demo-prod"),
    (STAGING, "demo-staging"),
    (SHARED, "demo-shared"),
];

struct Instance {
    id: &'static str,
    account: &'static str,
    instance_type: &'static str,
    rate: f64,
    team: Option<&'static str>,
    team_capitalized: bool,
    env: &'static str,
    /// Scaled down at weekends (a web tier that autoscales).
    weekend_dip: bool,
}

const INSTANCES: &[Instance] = &[
    Instance {
        id: "i-0demoweb000000001",
        account: PROD,
        instance_type: "m5.large",
        rate: 0.096,
        team: Some("web"),
        team_capitalized: false,
        env: "prod",
        weekend_dip: true,
    },
    Instance {
        id: "i-0demoweb000000002",
        account: PROD,
        instance_type: "m5.large",
        rate: 0.096,
        team: Some("web"),
        team_capitalized: false,
        env: "prod",
        weekend_dip: true,
    },
    Instance {
        id: "i-0demoweb000000003",
        account: PROD,
        instance_type: "m5.large",
        rate: 0.096,
        team: Some("Web"),
        team_capitalized: true,
        env: "prod",
        weekend_dip: true,
    },
    Instance {
        id: "i-0demoapi000000001",
        account: PROD,
        instance_type: "c6i.xlarge",
        rate: 0.17,
        team: Some("payments"),
        team_capitalized: false,
        env: "prod",
        weekend_dip: false,
    },
    Instance {
        id: "i-0demoapi000000002",
        account: PROD,
        instance_type: "c6i.xlarge",
        rate: 0.17,
        team: Some("payments"),
        team_capitalized: true,
        env: "prod",
        weekend_dip: false,
    },
    Instance {
        id: "i-0demom4xl00000001",
        account: PROD,
        instance_type: "m4.xlarge",
        rate: 0.20,
        team: Some("data"),
        team_capitalized: false,
        env: "prod",
        weekend_dip: false,
    },
    Instance {
        id: "i-0demot2md00000001",
        account: STAGING,
        instance_type: "t2.medium",
        rate: 0.0464,
        team: None,
        team_capitalized: false,
        env: "staging",
        weekend_dip: false,
    },
    Instance {
        id: "i-0democ4lg00000001",
        account: STAGING,
        instance_type: "c4.large",
        rate: 0.10,
        team: Some("search"),
        team_capitalized: false,
        env: "staging",
        weekend_dip: false,
    },
    Instance {
        id: "i-0demoshr000000001",
        account: SHARED,
        instance_type: "m6i.large",
        rate: 0.096,
        team: Some("platform"),
        team_capitalized: false,
        env: "shared",
        weekend_dip: false,
    },
];

pub(super) fn write_aws_month(out: impl Write, year: i32, month: u32) -> std::io::Result<u64> {
    let mut rng = Rng::new(0xD3_0000 + (year as u64) * 100 + month as u64);
    let mut writer = CurWriter::new(out)?;
    let ec2 = ("AmazonEC2", "Amazon Elastic Compute Cloud");
    let mut month_total = 0.0;
    for day in days().filter(|d| d.year() == year && d.month() == month) {
        let start = day.and_hms_opt(0, 0, 0).expect("midnight");
        let g = growth(day);
        // Per account and product: the day's on-demand usage, which the
        // EDP discount lines take their share of.
        let mut on_demand: Vec<(String, String, String, f64)> = Vec::new();
        let mut line = |l: CurLine, total: &mut f64| -> std::io::Result<()> {
            *total += l.unblended_cost();
            let discounted = l.line_item_type == "Usage"
                && matches!(l.commitment, Commitment::None)
                && l.billing_entity.is_none();
            if discounted {
                match on_demand
                    .iter_mut()
                    .find(|(a, c, _, _)| a == l.account && c == l.product_code)
                {
                    Some(entry) => entry.3 += l.unblended_cost(),
                    None => on_demand.push((
                        l.account.to_string(),
                        l.product_code.to_string(),
                        l.product_name.to_string(),
                        l.unblended_cost(),
                    )),
                }
            }
            writer.write(&l)
        };
        let base = CurLine {
            payer: PAYER,
            line_item_type: "Usage",
            start,
            hours: 24,
            region: "us-east-1",
            ..Default::default()
        };
        for inst in INSTANCES {
            let hours = if inst.weekend_dip && is_weekend(day) {
                8.0
            } else {
                24.0
            };
            let usage_type = format!("BoxUsage:{}", inst.instance_type);
            let description = format!(
                "${} per On Demand Linux {} Instance Hour",
                inst.rate, inst.instance_type
            );
            let usage = CurLine {
                account: inst.account,
                product_code: ec2.0,
                product_name: ec2.1,
                usage_type: &usage_type,
                operation: "RunInstances",
                resource_id: inst.id,
                usage_amount: hours,
                rate: inst.rate,
                unit: "Hrs",
                description: &description,
                instance_type: inst.instance_type,
                product_family: "Compute Instance",
                team_tag: inst.team,
                team_tag_capitalized: inst.team_capitalized,
                env_tag: Some(inst.env),
                ..base.clone()
            };
            if inst.id != SAVINGS_PLAN_COVERS {
                line(usage, &mut month_total)?;
                continue;
            }
            // Covered by the Savings Plan: the usage at its on-demand cost,
            // the negation that takes that off the bill, and the plan's
            // hourly fee, which bills the commitment (the plan's effective
            // cost sits on the usage; the fee keeps only the unused part).
            let covered = hours * SAVINGS_PLAN_RATE;
            let on_demand_cost = usage.unblended_cost();
            let plan =
                |effective_cost, total_commitment, used_commitment| Commitment::SavingsPlan {
                    arn: SAVINGS_PLAN_ARN,
                    effective_cost,
                    total_commitment,
                    used_commitment,
                };
            line(
                CurLine {
                    line_item_type: "SavingsPlanCoveredUsage",
                    description: "Computed savings plan rate for c6i.xlarge usage",
                    commitment: plan(covered, 0.0, 0.0),
                    ..usage.clone()
                },
                &mut month_total,
            )?;
            line(
                CurLine {
                    line_item_type: "SavingsPlanNegation",
                    description: "SavingsPlanNegation used by AccountId : 222222222222 and UsageSku : c6i.xlarge",
                    cost: Some(-on_demand_cost),
                    on_demand_cost: Some(0.0),
                    commitment: plan(0.0, 0.0, 0.0),
                    ..usage.clone()
                },
                &mut month_total,
            )?;
            let commitment = SAVINGS_PLAN_HOURLY * 24.0;
            line(
                CurLine {
                    account: PROD,
                    line_item_type: "SavingsPlanRecurringFee",
                    product_code: "ComputeSavingsPlans",
                    product_name: "Savings Plans for AWS Compute usage",
                    usage_type: "ComputeSP:1yrNoUpfront",
                    operation: "",
                    resource_id: SAVINGS_PLAN_ARN,
                    usage_amount: 24.0,
                    rate: SAVINGS_PLAN_HOURLY,
                    unit: "Hrs",
                    description: "1 year No Upfront Compute Savings Plan",
                    on_demand_cost: Some(0.0),
                    instance_type: "",
                    product_family: "",
                    team_tag: None,
                    env_tag: None,
                    commitment: plan(0.0, commitment, covered),
                    ..usage
                },
                &mut month_total,
            )?;
        }
        // EBS: three gp2 volumes (waste: gp3 is 20% cheaper), two gp3.
        let volumes: [(&str, &str, f64, &str, Option<&str>); 5] = [
            ("vol-0demogp2000000001", PROD, 500.0, "gp2", Some("data")),
            ("vol-0demogp2000000002", PROD, 200.0, "gp2", Some("web")),
            ("vol-0demogp2000000003", STAGING, 1000.0, "gp2", None),
            (
                "vol-0demogp3000000001",
                PROD,
                300.0,
                "gp3",
                Some("payments"),
            ),
            (
                "vol-0demogp3000000002",
                SHARED,
                100.0,
                "gp3",
                Some("platform"),
            ),
        ];
        for (id, account, gb, kind, team) in volumes {
            let rate = if kind == "gp2" { 0.10 } else { 0.08 };
            let usage_type = format!("EBS:VolumeUsage.{kind}");
            let description = format!("${rate} per GB-month of {kind} provisioned storage");
            line(
                CurLine {
                    account,
                    product_code: ec2.0,
                    product_name: ec2.1,
                    usage_type: &usage_type,
                    operation: "CreateVolume-Gp2",
                    resource_id: id,
                    usage_amount: gb * 24.0 / 730.0,
                    rate,
                    unit: "GB-Mo",
                    description: &description,
                    product_family: "Storage",
                    volume_api_name: kind,
                    team_tag: team,
                    env_tag: Some("prod"),
                    ..base.clone()
                },
                &mut month_total,
            )?;
        }
        // Two idle Elastic IPs in prod.
        for id in ["eipalloc-0demoidle00000001", "eipalloc-0demoidle00000002"] {
            line(
                CurLine {
                    account: PROD,
                    product_code: ec2.0,
                    product_name: ec2.1,
                    usage_type: "USE1-ElasticIP:IdleAddress",
                    operation: "AssociateAddressVPC",
                    resource_id: id,
                    usage_amount: 24.0,
                    rate: 0.005,
                    unit: "Hrs",
                    description: "$0.005 per Elastic IP address not attached to a running instance per hour",
                    product_family: "IP Address",
                    ..base.clone()
                },
                &mut month_total,
            )?;
        }
        // NAT gateways: one busy, one idle (hours billed, no bytes).
        for (id, gb) in [
            ("nat-0demobusy0000001", 40.0 + rng.unit() * 20.0),
            ("nat-0demoidle0000001", 0.0),
        ] {
            line(
                CurLine {
                    account: SHARED,
                    product_code: ec2.0,
                    product_name: ec2.1,
                    usage_type: "USE1-NatGateway-Hours",
                    operation: "NatGateway",
                    resource_id: id,
                    usage_amount: 24.0,
                    rate: 0.045,
                    unit: "Hrs",
                    description: "$0.045 per NAT Gateway Hour",
                    product_family: "NAT Gateway",
                    team_tag: Some("platform"),
                    ..base.clone()
                },
                &mut month_total,
            )?;
            if gb > 0.0 {
                line(
                    CurLine {
                        account: SHARED,
                        product_code: ec2.0,
                        product_name: ec2.1,
                        usage_type: "USE1-NatGateway-Bytes",
                        operation: "NatGateway",
                        resource_id: id,
                        usage_amount: (gb * 1000.0f64).round() / 1000.0,
                        rate: 0.045,
                        unit: "GB",
                        description: "$0.045 per GB Data Processed by NAT Gateways",
                        product_family: "NAT Gateway",
                        team_tag: Some("platform"),
                        ..base.clone()
                    },
                    &mut month_total,
                )?;
            }
        }
        // S3, RDS, Lambda (with the spike), CloudWatch.
        let s3_gb = 12_000.0 * g * 24.0 / 730.0;
        line(
            CurLine {
                account: PROD,
                product_code: "AmazonS3",
                product_name: "Amazon Simple Storage Service",
                usage_type: "TimedStorage-ByteHrs",
                operation: "StandardStorage",
                resource_id: "demo-prod-assets",
                usage_amount: (s3_gb * 1000.0).round() / 1000.0,
                rate: 0.023,
                unit: "GB-Mo",
                description: "$0.023 per GB - first 50 TB / month of storage used",
                product_family: "Storage",
                team_tag: Some("web"),
                env_tag: Some("prod"),
                ..base.clone()
            },
            &mut month_total,
        )?;
        // The payments database runs on its reservation: no cost on the
        // usage line, the amortized fee as its effective cost.
        let reserved_hourly = RESERVATION_HOURLY + RESERVATION_UPFRONT / (365.0 * 24.0);
        line(
            CurLine {
                account: PROD,
                line_item_type: "DiscountedUsage",
                product_code: "AmazonRDS",
                product_name: "Amazon Relational Database Service",
                usage_type: "InstanceUsage:db.m5.large",
                operation: "CreateDBInstance:0014",
                resource_id: "arn:aws:rds:us-east-1:222222222222:db:payments",
                usage_amount: 24.0,
                rate: 0.178,
                unit: "Hrs",
                description: "PostgreSQL, db.m5.large reserved instance applied",
                instance_type: "db.m5.large",
                product_family: "Database Instance",
                team_tag: Some("payments"),
                env_tag: Some("prod"),
                cost: Some(0.0),
                on_demand_cost: Some(24.0 * 0.178),
                commitment: reservation(24.0 * reserved_hourly),
                ..base.clone()
            },
            &mut month_total,
        )?;
        // A Marketplace subscription in shared: ten monitored hosts, billed
        // on the AWS invoice for its seller.
        line(
            CurLine {
                account: SHARED,
                product_code: "9kz1demo0observability",
                product_name: "Acme Observability Pro",
                usage_type: "USE1-MP:ProHosts",
                operation: "Usage",
                resource_id: "",
                usage_amount: 240.0,
                rate: 0.023,
                unit: "Hrs",
                description: "Acme Observability Pro: $0.023 per host hour",
                product_family: "",
                team_tag: Some("platform"),
                env_tag: Some("shared"),
                billing_entity: Some("AWS Marketplace"),
                legal_entity: Some("Acme Observability, Inc."),
                ..base.clone()
            },
            &mut month_total,
        )?;
        let spike = if day == NaiveDate::from_ymd_opt(2026, 9, 17).expect("valid") {
            10.0
        } else {
            1.0
        };
        let requests = (2.0 + rng.unit()) * g * spike;
        line(
            CurLine {
                account: STAGING,
                product_code: "AWSLambda",
                product_name: "AWS Lambda",
                usage_type: "Request",
                operation: "Invoke",
                resource_id: "arn:aws:lambda:us-east-1:333333333333:function:thumbnailer",
                usage_amount: (requests * 1000.0).round() / 1000.0,
                rate: 0.20,
                unit: "Requests",
                description: "AWS Lambda - Total Requests - US East (Northern Virginia)",
                product_family: "Serverless",
                team_tag: Some("search"),
                env_tag: Some("staging"),
                ..base.clone()
            },
            &mut month_total,
        )?;
        line(
            CurLine {
                account: SHARED,
                product_code: "AmazonCloudWatch",
                product_name: "AmazonCloudWatch",
                usage_type: "CW:MetricMonitorUsage",
                operation: "MetricStorage",
                usage_amount: 10.0,
                rate: 0.3 * 12.0 / 365.0,
                unit: "Metrics",
                description: "$0.30 per metric-month for the first 10,000 metrics",
                product_family: "Metric",
                ..base.clone()
            },
            &mut month_total,
        )?;
        // The EDP discount: one line per account and product a day, a
        // share of the day's on-demand usage off the bill.
        for (account, product_code, product_name, cost) in &on_demand {
            let discount = CurLine {
                account,
                line_item_type: "EdpDiscount",
                product_code,
                product_name,
                usage_amount: 0.0,
                cost: Some(-(cost * EDP_DISCOUNT * 1e6).round() / 1e6),
                on_demand_cost: Some(0.0),
                description: "Enterprise Program Discount",
                ..base.clone()
            };
            month_total += discount.unblended_cost();
            writer.write(&discount)?;
        }
        if day == NaiveDate::from_ymd_opt(2026, 9, 30).expect("valid") {
            let credit = CurLine {
                account: STAGING,
                line_item_type: "Credit",
                product_code: ec2.0,
                product_name: ec2.1,
                usage_amount: 0.0,
                cost: Some(-75.0),
                on_demand_cost: Some(0.0),
                description: "AWS Activate promotional credit",
                ..base.clone()
            };
            month_total += credit.unblended_cost();
            writer.write(&credit)?;
        }
    }
    let month_first = NaiveDate::from_ymd_opt(year, month, 1).expect("valid");
    let hours_in_month = (next_month(month_first) - month_first).num_hours() as f64;
    let on_the_first = month_first.and_hms_opt(0, 0, 0).expect("midnight");
    let reservation_line = CurLine {
        payer: PAYER,
        account: PROD,
        start: on_the_first,
        hours: hours_in_month as i64,
        product_code: "AmazonRDS",
        product_name: "Amazon Relational Database Service",
        usage_type: "HeavyUsage:db.m5.large",
        operation: "CreateDBInstance:0014",
        // AWS leaves the resource empty on reservation fees; the ARN is
        // in reservation/ReservationARN.
        resource_id: "",
        region: "us-east-1",
        on_demand_cost: Some(0.0),
        instance_type: "db.m5.large",
        ..Default::default()
    };
    // The reservation's upfront fee, once, when it was bought.
    if month == 8 && year == 2026 {
        let upfront = CurLine {
            line_item_type: "Fee",
            bill_type: Some("Purchase"),
            usage_amount: 1.0,
            rate: RESERVATION_UPFRONT,
            hours: 1,
            description: "Sign up charge for subscription: demo-payments-db-1yr, planId: 1yr partial upfront",
            commitment: reservation(0.0),
            ..reservation_line.clone()
        };
        month_total += upfront.unblended_cost();
        writer.write(&upfront)?;
    }
    // Its recurring fee, on the first of each month (every hour was used,
    // so nothing of it is unused).
    let recurring = CurLine {
        line_item_type: "RIFee",
        usage_amount: hours_in_month,
        rate: RESERVATION_HOURLY,
        description: "USD 0.04 hourly fee per PostgreSQL, db.m5.large instance",
        commitment: reservation(0.0),
        ..reservation_line
    };
    month_total += recurring.unblended_cost();
    writer.write(&recurring)?;
    // Tax on the month, as one line on the first day.
    let first = NaiveDate::from_ymd_opt(year, month, 1)
        .expect("valid")
        .and_hms_opt(0, 0, 0)
        .expect("midnight");
    writer.write(&CurLine {
        payer: PAYER,
        account: PAYER,
        line_item_type: "Tax",
        start: first,
        hours: 24 * 28,
        product_code: "AmazonEC2",
        product_name: "Amazon Elastic Compute Cloud",
        usage_amount: 1.0,
        rate: ((month_total * 0.08) * 100.0).round() / 100.0,
        description: "Tax for product code AmazonEC2",
        ..Default::default()
    })?;
    writer.finish()
}
