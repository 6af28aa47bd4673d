//! The built-in demo dataset: three months (August to October 2026) of AWS
//! and Azure billing for a small company, written as real export files (AWS
//! legacy CUR, Azure EA cost details) and imported through the same adapters
//! as any user's files. Deterministic: the same bytes on every run.
//!
//! What is in it, on purpose:
//! - AWS: payer 111111111111 with linked accounts prod (222222222222),
//!   staging (333333333333) and shared (444444444444); EC2, EBS, S3, RDS,
//!   Lambda, CloudWatch, NAT gateways and tax. Compute dips at weekends and
//!   grows slowly month over month.
//! - Azure: EA billing account 90000001 with subscriptions prod and dev:
//!   VMs, managed disks, storage, SQL Database and bandwidth.
//! - Tags with gaps and key-case variants (`team` and `Team`; Azure tags with
//!   and without outer braces).
//! - Waste for the optimizer to find (see [`INJECTED_WASTE`]).

pub mod synth;

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};

use crate::demo::synth::{CurLine, CurWriter, Rng};
use crate::error::{Error, Result};
use crate::store::Dataset;
use crate::store::batch::Attempt;

/// First and last (exclusive) day of the demo data.
pub const FIRST_DAY: (i32, u32, u32) = (2026, 8, 1);
pub const END_DAY: (i32, u32, u32) = (2026, 11, 1);

/// The waste the demo carries, for documentation and tests:
/// (what, resource id).
pub const INJECTED_WASTE: &[(&str, &str)] = &[
    ("idle Elastic IP", "eipalloc-0demoidle00000001"),
    ("idle Elastic IP", "eipalloc-0demoidle00000002"),
    ("gp2 volume", "vol-0demogp2000000001"),
    ("gp2 volume", "vol-0demogp2000000002"),
    ("gp2 volume", "vol-0demogp2000000003"),
    (
        "previous-generation instance m4.xlarge",
        "i-0demom4xl00000001",
    ),
    (
        "previous-generation instance t2.medium",
        "i-0demot2md00000001",
    ),
    (
        "previous-generation instance c4.large",
        "i-0democ4lg00000001",
    ),
    ("idle NAT gateway", "nat-0demoidle0000001"),
    (
        "cost spike: AWS Lambda in staging on 2026-09-17",
        "(service)",
    ),
    (
        "Azure public IP with no VM in its resource group",
        "pip-orphaned",
    ),
];

const PAYER: &str = "111111111111";
const PROD: &str = "222222222222";
const STAGING: &str = "333333333333";
const SHARED: &str = "444444444444";

fn days() -> impl Iterator<Item = NaiveDate> {
    let first = NaiveDate::from_ymd_opt(FIRST_DAY.0, FIRST_DAY.1, FIRST_DAY.2).expect("valid");
    let end = NaiveDate::from_ymd_opt(END_DAY.0, END_DAY.1, END_DAY.2).expect("valid");
    (0..)
        .map(move |i| first + Duration::days(i))
        .take_while(move |d| *d < end)
}

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Slow growth: 1.5% a month, applied daily.
fn growth(day: NaiveDate) -> f64 {
    let first = NaiveDate::from_ymd_opt(FIRST_DAY.0, FIRST_DAY.1, FIRST_DAY.2).expect("valid");
    1.0 + 0.015 * ((day - first).num_days() as f64 / 30.0)
}

/// Loads the demo dataset into `dataset`: writes the files into its
/// temporary folder, imports them (a second load changes nothing), and
/// removes them again. What the CLI's `burnrate demo` and the app's "Load
/// demo data" both do.
pub fn load(dataset: &Dataset, now: DateTime<Utc>) -> Result<Vec<Attempt>> {
    let dir = dataset.temp_dir().join("demo");
    let files = write_demo_files(&dir)?;
    let attempts = dataset.import_all(&files, now, &mut |_| {}, &AtomicBool::new(false));
    let _ = fs::remove_dir_all(&dir);
    Ok(attempts)
}

/// Writes the demo files into `dir` and returns their paths.
pub fn write_demo_files(dir: &Path) -> Result<Vec<PathBuf>> {
    fs::create_dir_all(dir).map_err(|e| Error::io(dir.display().to_string(), e))?;
    let mut files = Vec::new();
    let months: Vec<(i32, u32)> = {
        let mut m: Vec<(i32, u32)> = days().map(|d| (d.year(), d.month())).collect();
        m.dedup();
        m
    };
    for (year, month) in &months {
        let path = dir.join(format!("aws-cur-{year}-{month:02}.csv"));
        let file = File::create(&path).map_err(|e| Error::io(path.display().to_string(), e))?;
        write_aws_month(BufWriter::new(file), *year, *month)
            .map_err(|e| Error::io(path.display().to_string(), e))?;
        files.push(path);
        let path = dir.join(format!("azure-ea-{year}-{month:02}.csv"));
        let file = File::create(&path).map_err(|e| Error::io(path.display().to_string(), e))?;
        write_azure_month(BufWriter::new(file), *year, *month)
            .map_err(|e| Error::io(path.display().to_string(), e))?;
        files.push(path);
    }
    Ok(files)
}

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

fn write_aws_month(out: impl Write, year: i32, month: u32) -> std::io::Result<u64> {
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

const AZURE_HEADER: &str = "BillingAccountId,BillingAccountName,BillingPeriodStartDate,BillingPeriodEndDate,\
SubscriptionId,SubscriptionName,Date,ProductName,MeterCategory,MeterSubCategory,MeterName,Quantity,\
EffectivePrice,CostInBillingCurrency,UnitPrice,PayGPrice,BillingCurrencyCode,ResourceLocation,\
ConsumedService,ResourceId,ResourceName,ResourceGroup,Tags,ChargeType,Frequency,PricingModel,\
PublisherName,UnitOfMeasure";

fn write_azure_month(mut out: impl Write, year: i32, month: u32) -> std::io::Result<()> {
    writeln!(out, "{AZURE_HEADER}")?;
    let first = NaiveDate::from_ymd_opt(year, month, 1).expect("valid");
    let last = first
        .checked_add_months(chrono::Months::new(1))
        .expect("valid")
        - Duration::days(1);
    let subs = [
        ("5a1d0000-0000-4000-8000-000000000001", "contoso-prod"),
        ("5a1d0000-0000-4000-8000-000000000002", "contoso-dev"),
    ];
    // (sub, rg, resource, provider type, meter category, subcategory, meter, product, unit, qty/day, price, tags)
    #[allow(clippy::type_complexity)] // a table, read row by row below
    let resources: [(
        usize,
        &str,
        &str,
        &str,
        &str,
        &str,
        &str,
        &str,
        &str,
        f64,
        f64,
        &str,
    ); 7] = [
        (
            0,
            "rg-web",
            "vm-web-01",
            "Microsoft.Compute/virtualMachines",
            "Virtual Machines",
            "Dsv3 Series",
            "D4s v3",
            "Virtual Machines Dsv3 Series - D4s v3 - EU West",
            "1 Hour",
            24.0,
            0.192,
            r#"{"team": "web", "env": "prod"}"#,
        ),
        (
            0,
            "rg-web",
            "disk-web-01",
            "Microsoft.Compute/disks",
            "Storage",
            "Premium SSD Managed Disks",
            "P30 LRS Disk",
            "Premium SSD Managed Disks - P30 LRS - EU West",
            "1/Month",
            1.0 / 30.0,
            135.17,
            r#""team": "web","env": "prod""#,
        ),
        (
            0,
            "rg-data",
            "sql-orders",
            "Microsoft.Sql/servers",
            "SQL Database",
            "General Purpose - Compute Gen5",
            "vCore",
            "SQL Database General Purpose - Compute Gen5 - EU West",
            "1 Hour",
            48.0,
            0.2523,
            r#"{"Team": "payments"}"#,
        ),
        (
            0,
            "rg-data",
            "stcontosodata",
            "Microsoft.Storage/storageAccounts",
            "Storage",
            "Tiered Block Blob",
            "Hot LRS Data Stored",
            "Blob Storage - Hot LRS - EU West",
            "1 GB/Month",
            2000.0 / 30.0,
            0.0184,
            "",
        ),
        (
            1,
            "rg-dev",
            "vm-dev-01",
            "Microsoft.Compute/virtualMachines",
            "Virtual Machines",
            "Dsv3 Series",
            "D2s v3",
            "Virtual Machines Dsv3 Series - D2s v3 - EU West",
            "1 Hour",
            24.0,
            0.096,
            r#"{"team": "search", "env": "dev"}"#,
        ),
        (
            1,
            "rg-legacy",
            "pip-orphaned",
            "Microsoft.Network/publicIPAddresses",
            "Virtual Network",
            "IP Addresses",
            "Standard IPv4 Static Public IP",
            "IP Addresses - Standard IPv4 Static",
            "1 Hour",
            24.0,
            0.005,
            "",
        ),
        (
            0,
            "rg-web",
            "vm-web-01",
            "Microsoft.Compute/virtualMachines",
            "Bandwidth",
            "Rtn Preference: MGN",
            "Standard Data Transfer Out",
            "Rtn Preference: MGN - Data Transfer Out - Zone 1",
            "1 GB",
            15.0,
            0.087,
            r#"{"team": "web", "env": "prod"}"#,
        ),
    ];
    // Day-to-day noise on usage (not on VM hours), seeded per month so the
    // demo stays deterministic.
    let mut rng = Rng::new(0xA2_0000 + (year as u64) * 100 + month as u64);
    for day in days().filter(|d| d.year() == year && d.month() == month) {
        for (sub, rg, name, kind, category, subcategory, meter, product, unit, qty, price, tags) in
            resources
        {
            // Usage grows and varies; a VM's hours cannot (a day has 24).
            let scale = if unit == "1 Hour" {
                1.0
            } else {
                growth(day) * (0.94 + 0.12 * rng.unit())
            };
            let quantity = (qty * scale * 1_000_000.0).round() / 1_000_000.0;
            let cost = (quantity * price * 1e8).round() / 1e8;
            let (sub_id, sub_name) = subs[sub];
            let resource_id =
                format!("/subscriptions/{sub_id}/resourceGroups/{rg}/providers/{kind}/{name}");
            let consumed = kind.split('/').next().unwrap_or("");
            let tags_field = if tags.is_empty() {
                String::new()
            } else {
                format!("\"{}\"", tags.replace('"', "\"\""))
            };
            writeln!(
                out,
                "90000001,Contoso EA,{},{},{sub_id},{sub_name},{},{product},{category},{subcategory},{meter},{quantity},{price},{cost},{price},{price},EUR,westeurope,{consumed},{resource_id},{name},{rg},{tags_field},Usage,UsageBased,OnDemand,Microsoft,{unit}",
                first.format("%m/%d/%Y"),
                last.format("%m/%d/%Y"),
                day.format("%m/%d/%Y"),
            )?;
        }
    }
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::*;

    #[test]
    fn every_injected_waste_resource_is_in_the_demo_files() {
        let dir = tempfile::tempdir().unwrap();
        let files = write_demo_files(&dir.path().join("demo")).unwrap();
        let staged: Vec<_> = files
            .iter()
            .map(|f| crate::ingest::stage(f, dir.path()).expect("demo file stages"))
            .collect();
        let paths: Vec<PathBuf> = staged.iter().map(|s| s.parquet.to_path_buf()).collect();
        let resources = crate::store::scan_files(&paths)
            .unwrap()
            .select([col("ResourceName").unique()])
            .collect()
            .unwrap();
        let names: Vec<&str> = resources
            .column("ResourceName")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .flatten()
            .collect();
        for (what, id) in INJECTED_WASTE.iter().filter(|(_, id)| *id != "(service)") {
            assert!(
                names.contains(id),
                "{what}: {id} missing from the demo data"
            );
        }
    }
}
