//! The demo's AWS side: a legacy CUR per month with the planted waste.

use super::*;

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
        let mut line = |l: CurLine, total: &mut f64| -> std::io::Result<()> {
            *total += l.usage_amount * l.rate;
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
            line(
                CurLine {
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
        line(
            CurLine {
                account: PROD,
                product_code: "AmazonRDS",
                product_name: "Amazon Relational Database Service",
                usage_type: "InstanceUsage:db.m5.large",
                operation: "CreateDBInstance:0014",
                resource_id: "arn:aws:rds:us-east-1:222222222222:db:payments",
                usage_amount: 24.0,
                rate: 0.178,
                unit: "Hrs",
                description: "$0.178 per RDS db.m5.large instance hour running PostgreSQL",
                instance_type: "db.m5.large",
                product_family: "Database Instance",
                team_tag: Some("payments"),
                env_tag: Some("prod"),
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
    }
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
