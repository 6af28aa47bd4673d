//! The one harness of the integration tests: [`Env`] runs the `burnrate`
//! binary in a fresh data dir with its own config file, isolated from the
//! user's configuration and from any AWS or Azure credentials.

pub mod azure_query_server;
pub mod servers;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// A file of the project's own fixtures (tests/fixtures).
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name)
}

/// The output of a run that must have succeeded.
pub fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Two totals of the same money agree to the cent.
pub fn cents(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.005
}

/// Two figures are the same number (a tight bound for exact sums).
pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

/// Writes a frame as Parquet for the tests below.
pub fn write_parquet(mut df: polars::prelude::DataFrame, path: &Path) {
    use polars::prelude::*;
    let file = std::fs::File::create(path).unwrap();
    ParquetWriter::new(file).finish(&mut df).unwrap();
}

pub fn read_csv(path: &Path, infer_types: bool) -> polars::prelude::DataFrame {
    use polars::prelude::*;
    CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(if infer_types { Some(100) } else { Some(0) })
        .try_into_reader_with_file_path(Some(path.to_path_buf()))
        .unwrap()
        .finish()
        .unwrap()
}

/// A temporary folder with a data dir (`data/`) and a config file.
pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    /// An empty data dir and an empty config file (which keeps the user's
    /// own config out of the tests).
    pub fn new() -> Self {
        let env = Env {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        env.write_config("");
        env
    }

    /// A data dir with the demo dataset and an empty config file.
    pub fn with_demo() -> Self {
        let env = Env::new();
        env.ok(&["demo"]);
        env
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn config(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    pub fn write_config(&self, text: &str) {
        std::fs::write(self.config(), text).expect("config file");
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs `burnrate` with no cloud credentials.
    pub fn run(&self, args: &[&str]) -> Output {
        self.burnrate(args, false)
    }

    /// Runs `burnrate`; with `credentials`, the static AWS test credentials
    /// moto accepts. No shared AWS config, no instance metadata: only what
    /// a test gives.
    pub fn burnrate(&self, args: &[&str], credentials: bool) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_burnrate"));
        command
            .args(args)
            .env("BURNRATE_DATA_DIR", self.data_dir())
            .env("BURNRATE_CONFIG", self.config())
            .env("AWS_CONFIG_FILE", self.dir.path().join("no-aws-config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                self.dir.path().join("no-aws-credentials"),
            )
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env_remove("AWS_SESSION_TOKEN");
        if credentials {
            command
                .env("AWS_ACCESS_KEY_ID", "testing")
                .env("AWS_SECRET_ACCESS_KEY", "testing");
        }
        command.output().expect("burnrate runs")
    }

    /// The standard output of a run that must succeed.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "burnrate {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 output")
    }

    /// A run's output parsed as JSON (the command is given `--format json`).
    pub fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).expect("json output")
    }

    /// The rows of a command run with `--format json` added.
    pub fn rows(&self, args: &[&str]) -> Vec<Value> {
        let mut all = args.to_vec();
        all.extend(["--format", "json"]);
        self.json(&all)
            .as_array()
            .expect("an array of rows")
            .clone()
    }

    pub fn import_json(&self, path: &Path) -> Value {
        self.json(&["import", path.to_str().unwrap(), "--format", "json"])
    }

    /// Billed, effective and list totals of the dataset in one currency.
    pub fn totals(&self, currency: &str) -> (f64, f64, f64) {
        let rows = self.json(&["summary", "--by", "provider", "--format", "json"]);
        let mut t = (0.0, 0.0, 0.0);
        for row in rows.as_array().unwrap() {
            if row["currency"] == currency {
                t.0 += row["billed_cost"].as_f64().unwrap();
                t.1 += row["effective_cost"].as_f64().unwrap();
                t.2 += row["list_cost"].as_f64().unwrap();
            }
        }
        t
    }

    /// Sum of `field` over the rows of a command in `currency`.
    pub fn total(&self, args: &[&str], field: &str, currency: &str) -> f64 {
        self.rows(args)
            .iter()
            .filter(|r| r["currency"] == currency)
            .map(|r| r[field].as_f64().unwrap())
            .sum()
    }

    /// Billed and effective cost of the whole dataset, every currency (a
    /// missing or empty dataset is zero).
    pub fn billed_and_effective(&self) -> (f64, f64) {
        let out = self.run(&["summary", "--by", "provider", "--format", "json"]);
        let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap_or_default();
        rows.iter().fold((0.0, 0.0), |t, r| {
            (
                t.0 + r["billed_cost"].as_f64().unwrap(),
                t.1 + r["effective_cost"].as_f64().unwrap(),
            )
        })
    }

    pub fn manifest(&self) -> Option<String> {
        std::fs::read_to_string(self.data_dir().join("manifest.json")).ok()
    }
}
