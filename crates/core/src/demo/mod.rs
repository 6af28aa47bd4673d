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
//! - Billed, effective and list cost that differ as on a real bill: a
//!   Compute Savings Plan, a reserved RDS instance with its upfront fee in
//!   August (amortized over its year in effective cost), an EDP discount, a
//!   promotional credit and a Marketplace subscription (see `aws.rs`).
//! - Account names: the Azure files carry theirs; the AWS accounts' are an
//!   `aws organizations list-accounts` file the config's `[accounts]` names.
//! - Tags with gaps and key-case variants (`team` and `Team`, values `web`
//!   and `Web`; Azure tags with and without outer braces).
//! - Waste for the optimizer to find (see [`INJECTED_WASTE`]).

mod aws;
mod azure;
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

/// Loads the demo dataset into `dataset`: writes the files into the data
/// dir's `demo/` folder and imports them (a second load writes the same
/// bytes and changes nothing). The files stay: the sources list and every
/// finding's evidence (`file:row`) point at them, so they must exist. The
/// AWS accounts get their names through the config at `config_path` (see
/// [`name_accounts`]). What the CLI's `burnrate demo` and the app's "Load
/// demo data" both do. Returns each file's import and the names file when
/// the config was pointed at it.
pub fn load(
    dataset: &Dataset,
    config_path: &Path,
    now: DateTime<Utc>,
) -> Result<(Vec<Attempt>, Option<PathBuf>)> {
    let dir = dataset.dir().join("demo");
    let files = write_demo_files(&dir)?;
    let named = name_accounts(&dir, config_path)?;
    let attempts = dataset.import_all(
        &files,
        now,
        crate::store::Delivery::Detect,
        &mut |_| {},
        &AtomicBool::new(false),
    );
    Ok((attempts, named))
}

/// Writes the demo's AWS account names into `dir` as the JSON `aws
/// organizations list-accounts` prints, as a user would save it, and points
/// the config's `[accounts] file` at it, unless the config names a file of
/// its own already (the user's list wins; edits keep the file's comments).
/// Returns the names file when the config was changed.
pub fn name_accounts(dir: &Path, config_path: &Path) -> Result<Option<PathBuf>> {
    let file = dir.join("aws-accounts.json");
    let accounts: Vec<serde_json::Value> = aws::ACCOUNT_NAMES
        .iter()
        .map(|(id, name)| serde_json::json!({ "Id": id, "Name": name, "Status": "ACTIVE" }))
        .collect();
    let text = serde_json::to_string_pretty(&serde_json::json!({ "Accounts": accounts }))
        .expect("JSON serializes");
    crate::fsutil::write_atomically(&file, |out| out.write_all(text.as_bytes()))?;
    let config = crate::config::Config::load(config_path, false)?;
    if config.accounts.file.is_some() {
        return Ok(None);
    }
    crate::config::edit::edit(config_path, |e| {
        e.set(
            &["accounts"],
            "file",
            Some(file.display().to_string().into()),
        )
    })?;
    Ok(Some(file))
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
        aws::write_aws_month(BufWriter::new(file), *year, *month)
            .map_err(|e| Error::io(path.display().to_string(), e))?;
        files.push(path);
        let path = dir.join(format!("azure-ea-{year}-{month:02}.csv"));
        let file = File::create(&path).map_err(|e| Error::io(path.display().to_string(), e))?;
        azure::write_azure_month(BufWriter::new(file), *year, *month)
            .map_err(|e| Error::io(path.display().to_string(), e))?;
        files.push(path);
    }
    Ok(files)
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
