//! Cloud connectors against real protocol servers on loopback: moto's
//! server for AWS Cost Explorer and S3, Azurite for Blob storage, and a
//! local stand-in for the Azure token endpoint and Cost Management Query
//! API (`support/azure_query_server.rs`). `moto_server` and `azurite-blob`
//! must be on PATH (`.ci/run` installs them); without them those tests
//! skip, except in CI (`CI=true`).

#[path = "support/azure_query_server.rs"]
mod azure_query_server;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A test server process on loopback (moto's server, Azurite), stopped
/// when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

type Moto = Server;
type Azurite = Server;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn post(url: &str, body: &str) {
    let status = Command::new("curl")
        .args([
            "-sf",
            "-o",
            "/dev/null",
            "-X",
            "POST",
            "-H",
            "Content-Type: application/json",
            "--data",
            body,
            url,
        ])
        .status()
        .expect("curl runs");
    assert!(status.success(), "POST {url} failed");
}

/// One moto server at a time: a port found free can otherwise be taken by
/// another test's server before this one binds it.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Starts moto's server, or returns None (skip) outside CI when it is absent.
fn moto() -> Option<Moto> {
    let port = free_port();
    let child = match Command::new("moto_server")
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => {
            assert!(
                !std::env::var("CI").is_ok_and(|v| v == "true"),
                "moto_server is required in CI: {e}"
            );
            eprintln!(
                "moto_server not found ({e}); cloud tests skipped (pip install 'moto[server]')"
            );
            return None;
        }
    };
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let up = Command::new("curl")
            .args(["-sf", "-o", "/dev/null", &format!("{url}/moto-api/")])
            .status()
            .is_ok_and(|s| s.success());
        if up {
            return Some(Server { child, url });
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("moto_server did not start on {url}");
}

/// (service, linked account, unblended cost) of one group.
type GroupCost<'a> = (&'a str, &'a str, f64);

/// One GetCostAndUsage response: per day, per (service, account), costs.
fn page(days: &[(&str, &[GroupCost])], next: Option<&str>) -> Value {
    let results: Vec<Value> = days
        .iter()
        .map(|(day, groups)| {
            let start = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
            json!({
                "TimePeriod": {"Start": day, "End": (start + chrono::Duration::days(1)).to_string()},
                "Total": {},
                "Groups": groups.iter().map(|(service, account, cost)| json!({
                    "Keys": [service, account],
                    "Metrics": {
                        "UnblendedCost": {"Amount": cost.to_string(), "Unit": "USD"},
                        "AmortizedCost": {"Amount": (cost * 0.9).to_string(), "Unit": "USD"},
                        "UsageQuantity": {"Amount": "24", "Unit": "N/A"}
                    }
                })).collect::<Vec<_>>(),
                "Estimated": false
            })
        })
        .collect();
    let mut response = json!({
        "GroupDefinitions": [
            {"Type": "DIMENSION", "Key": "SERVICE"},
            {"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}
        ],
        "ResultsByTime": results,
        "DimensionValueAttributes": []
    });
    if let Some(token) = next {
        response["NextPageToken"] = json!(token);
    }
    response
}

fn seed(moto: &Moto, pages: &[Value]) {
    post(&format!("{}/moto-api/reset", moto.url), "{}");
    post(
        &format!("{}/moto-api/static/ce/cost-and-usage-results", moto.url),
        &json!({ "results": pages }).to_string(),
    );
}

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        let env = Env {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::write(env.dir.path().join("config.toml"), "").unwrap();
        env
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn burnrate(&self, args: &[&str], credentials: bool) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_burnrate"));
        command
            .args(args)
            .env("BURNRATE_DATA_DIR", self.data())
            .env("BURNRATE_CONFIG", self.dir.path().join("config.toml"))
            // No shared config, no instance metadata: only what a test gives.
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
        command.output().unwrap()
    }

    fn pull(&self, moto: &Moto, from: &str, to: &str, extra: &[&str]) -> Output {
        let mut args = vec![
            "pull",
            "aws-ce",
            "--from",
            from,
            "--to",
            to,
            "--billing-account",
            "999999999999",
            "--endpoint-url",
            &moto.url,
        ];
        args.extend(extra);
        self.burnrate(&args, true)
    }

    fn total(&self) -> (f64, f64) {
        let out = self.burnrate(&["summary", "--by", "provider", "--format", "json"], false);
        let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap_or_default();
        rows.iter().fold((0.0, 0.0), |t, r| {
            (
                t.0 + r["billed_cost"].as_f64().unwrap(),
                t.1 + r["effective_cost"].as_f64().unwrap(),
            )
        })
    }

    fn manifest(&self) -> Option<Vec<u8>> {
        std::fs::read(Path::new(&self.data()).join("manifest.json")).ok()
    }
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn cost_explorer_pages_restatement_and_failures() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let Some(moto) = moto() else { return };
    let env = Env::new();
    // Two pages: the client must follow NextPageToken to the end.
    seed(
        &moto,
        &[
            page(
                &[(
                    "2026-10-01",
                    &[
                        (
                            "Amazon Elastic Compute Cloud - Compute",
                            "111111111111",
                            10.0,
                        ),
                        ("Tax", "111111111111", 1.0),
                    ],
                )],
                Some("page-2"),
            ),
            page(
                &[(
                    "2026-10-02",
                    &[("Amazon Simple Storage Service", "222222222222", 2.5)],
                )],
                None,
            ),
        ],
    );
    let out = ok(&env.pull(&moto, "2026-10-01", "2026-11-01", &[]));
    assert!(
        out.contains("pulled 3 rows in 2 request(s) for 2026-10"),
        "{out}"
    );
    let (billed, effective) = env.total();
    assert!(
        (billed - 13.5).abs() < 1e-9 && (effective - 13.5 * 0.9).abs() < 1e-9,
        "{billed} {effective}"
    );
    let by_account = env.burnrate(
        &["summary", "--by", "subaccount,service", "--format", "json"],
        false,
    );
    let rows: Vec<Value> = serde_json::from_slice(&by_account.stdout).unwrap();
    assert!(
        rows.iter().any(|r| r["subaccount"] == "222222222222"
            && r["service"] == "Amazon Simple Storage Service")
    );

    // October ended weeks ago and was pulled after that: final, so a
    // second pull makes no request at all.
    let out = ok(&env.pull(&moto, "2026-10-01", "2026-11-01", &[]));
    assert!(
        out.contains("2026-10: already pulled and final") && out.contains("nothing to pull"),
        "{out}"
    );

    // AWS corrected the month: --refresh re-pulls it, and it is replaced,
    // not added.
    seed(
        &moto,
        &[page(
            &[(
                "2026-10-01",
                &[(
                    "Amazon Elastic Compute Cloud - Compute",
                    "111111111111",
                    12.0,
                )],
            )],
            None,
        )],
    );
    let out = ok(&env.pull(&moto, "2026-10-01", "2026-11-01", &["--refresh"]));
    assert!(out.contains("replacing the earlier pull"), "{out}");
    assert!((env.total().0 - 12.0).abs() < 1e-9);

    // A page that fails mid-way: nothing of the pull lands.
    let before = env.manifest();
    seed(
        &moto,
        &[
            page(
                &[(
                    "2026-10-01",
                    &[(
                        "Amazon Elastic Compute Cloud - Compute",
                        "111111111111",
                        99.0,
                    )],
                )],
                Some("page-2"),
            ),
            json!({"ResultsByTime": [{"TimePeriod": {"Start": "2026-10-02", "End": "2026-10-03"}, "Groups": [{"Keys": ["X", "1"], "Metrics": {"UnblendedCost": {"Amount": "lots", "Unit": "USD"}}}]}]}),
        ],
    );
    let out = env.pull(&moto, "2026-10-01", "2026-11-01", &["--refresh"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a number"));
    assert_eq!(env.manifest(), before, "the dataset is unchanged");

    // The server goes away: a clear error, the dataset unchanged.
    let url = moto.url.clone();
    drop(moto);
    let out = env.burnrate(
        &[
            "pull",
            "aws-ce",
            "--from",
            "2026-10-01",
            "--to",
            "2026-11-01",
            "--billing-account",
            "999999999999",
            "--endpoint-url",
            &url,
            "--refresh",
        ],
        true,
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(env.manifest(), before);
}

#[test]
fn missing_credentials_say_how_to_fix_them() {
    let env = Env::new();
    let out = env.burnrate(
        &[
            "pull",
            "aws-ce",
            "--from",
            "2026-10-01",
            "--to",
            "2026-11-01",
            "--endpoint-url",
            "http://127.0.0.1:9",
        ],
        false,
    );
    assert_eq!(out.status.code(), Some(1));
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(
        message.contains("credentials") && message.contains("AWS_PROFILE"),
        "{message}"
    );
    assert!(env.manifest().is_none() || env.manifest().is_some_and(|m| !m.is_empty()));
}

/// curl signing its requests like the SDK: moto denies anonymous access to
/// the objects it stores.
fn signed_curl() -> Command {
    let mut curl = Command::new("curl");
    curl.args([
        "--aws-sigv4",
        "aws:amz:us-east-1:s3",
        "--user",
        "testing:testing",
    ]);
    curl
}

fn put(url: &str, body: &[u8]) {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), body).unwrap();
    // --upload-file sends the bytes as they are (--data-binary would be a
    // form post that moto's server parses away).
    let out = signed_curl()
        .args([
            "-s",
            "-w",
            "%{http_code}",
            "-o",
            "/dev/null",
            "--upload-file",
        ])
        .arg(file.path())
        .arg(url)
        .output()
        .unwrap();
    let code = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        code.starts_with('2'),
        "PUT {url}: HTTP {code} {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name)
}

/// Uploads one delivery: the parts under the assembly folder and the
/// period's manifest naming them (plus the assembly's own manifest copy,
/// which must be ignored).
fn deliver(moto: &Moto, assembly: &str, parts: &[(&str, &str)]) {
    let period = "exports/daily/20240301-20240401";
    let keys: Vec<String> = parts
        .iter()
        .map(|(name, _)| format!("{period}/{assembly}/{name}"))
        .collect();
    for ((_, text), key) in parts.iter().zip(&keys) {
        put(&format!("{}/cur-bucket/{key}", moto.url), text.as_bytes());
    }
    let manifest = json!({
        "assemblyId": assembly,
        "reportKeys": keys,
        "billingPeriod": {"start": "20240301T000000.000Z", "end": "20240401T000000.000Z"}
    })
    .to_string();
    put(
        &format!(
            "{}/cur-bucket/{period}/{assembly}/daily-Manifest.json",
            moto.url
        ),
        manifest.as_bytes(),
    );
    put(
        &format!("{}/cur-bucket/{period}/daily-Manifest.json", moto.url),
        manifest.as_bytes(),
    );
}

#[test]
fn cur_in_s3_latest_assembly_only_changed_objects_and_restatement() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let Some(moto) = moto() else { return };
    let env = Env::new();
    let pull = |env: &Env, url: &str| {
        env.burnrate(&["pull", "aws-cur", url, "--endpoint-url", &moto.url], true)
    };
    let created = signed_curl()
        .args(["-sf", "-o", "/dev/null", "-X", "PUT"])
        .arg(format!("{}/cur-bucket", moto.url))
        .status()
        .unwrap();
    assert!(created.success());
    let text = std::fs::read_to_string(fixture("aws_cur_legacy.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (head, first_half, second_half) = (lines[0], &lines[1..3], &lines[3..]);
    let part = |rows: &[&str]| [&[head][..], rows].concat().join("\n");
    deliver(
        &moto,
        "asm-1",
        &[
            ("daily-1.csv", &part(first_half)),
            ("daily-2.csv", &part(second_half)),
        ],
    );

    let out = ok(&pull(&env, "s3://cur-bucket/exports/daily"));
    assert!(
        out.contains("daily-Manifest.json: imported (3 downloaded, 0 unchanged)"),
        "{out}"
    );
    let expected = 0.1844931507;
    // (JSON output carries six decimals.)
    assert!((env.total().0 - expected).abs() < 1e-6, "{}", env.total().0);

    // Nothing changed: nothing downloaded, nothing imported.
    let out = ok(&pull(&env, "s3://cur-bucket/exports/daily"));
    assert!(
        out.contains("unchanged (0 downloaded, 2 unchanged)"),
        "{out}"
    );

    // Re-delivered with a corrected figure: the month is replaced.
    let corrected = text.replacen(",0.096,m5.large hour", ",0.192,m5.large hour", 1);
    assert_ne!(corrected, text);
    let corrected_lines: Vec<&str> = corrected.lines().collect();
    deliver(
        &moto,
        "asm-2",
        &[("daily-1.csv", &part(&corrected_lines[1..]))],
    );
    let out = ok(&pull(&env, "s3://cur-bucket/exports/daily"));
    assert!(out.contains("replacing the earlier delivery"), "{out}");
    assert!(
        (env.total().0 - (expected + 0.096)).abs() < 1e-6,
        "{}",
        env.total().0
    );

    // A bucket that does not exist: a clear error, nothing changes.
    let before = env.manifest();
    let out = pull(&env, "s3://no-such-bucket/exports");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("does not exist"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(env.manifest(), before);
}

#[test]
fn pull_all_runs_every_saved_connection() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let Some(moto) = moto() else { return };
    let env = Env::new();
    let today = chrono::Utc::now().date_naive().to_string();
    seed(
        &moto,
        &[page(
            &[(today.as_str(), &[("AWS Lambda", "111111111111", 4.0)])],
            None,
        )],
    );
    std::fs::write(
        env.dir.path().join("config.toml"),
        format!(
            r#"
[[connections]]
name = "ce"
kind = "aws-ce"
billing_account = "999999999999"
endpoint_url = "{url}"

[[connections]]
name = "missing-bucket"
kind = "aws-cur"
url = "s3://no-such-bucket/cur"
endpoint_url = "{url}"
"#,
            url = moto.url
        ),
    )
    .unwrap();
    // Checking pulls nothing and makes no billed request.
    let out = env.burnrate(&["pull", "--all", "--check"], true);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("ce (aws-ce): ok: AWS credentials found"),
        "{text}"
    );
    assert!(
        text.contains("missing-bucket (aws-cur): FAILED") && text.contains("does not exist"),
        "{text}"
    );
    assert!(env.manifest().is_none(), "a check lands nothing");
    let out = env.burnrate(&["pull", "--all"], true);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "one connection failed: {text}");
    assert!(
        text.contains("== ce (aws-ce)") && text.contains("pulled 1 rows"),
        "{text}"
    );
    assert!(
        text.contains("missing-bucket: FAILED") && text.contains("does not exist"),
        "{text}"
    );
    assert!(
        (env.total().0 - 4.0).abs() < 1e-6,
        "the working connection landed"
    );
    // A schedule can pull before it exports.
    let mut config = std::fs::read_to_string(env.dir.path().join("config.toml")).unwrap();
    config.push_str(&format!(
        "\n[[schedules]]\nname = \"daily\"\nreports = [\"cost_by_account\"]\ncron = \"0 6 * * *\"\nwindow = \"all\"\noutput_dir = \"{}\"\npull = true\n",
        env.dir.path().join("out").display()
    ));
    std::fs::write(env.dir.path().join("config.toml"), config).unwrap();
    let out = env.burnrate(&["schedule", "run", "daily"], true);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("FAILED") && text.contains("pull:") && text.contains("missing-bucket"),
        "{text}"
    );
    assert!(text.contains("wrote"), "the report still ran: {text}");
}

/// Azurite's well-known development account.
const AZURITE_ACCOUNT: &str = "devstoreaccount1";
const AZURITE_KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

fn azurite() -> Option<Azurite> {
    let port = free_port();
    let child = match Command::new("azurite-blob")
        .args(["--blobHost", "127.0.0.1", "--blobPort", &port.to_string()])
        .args(["--inMemoryPersistence", "--skipApiVersionCheck", "--silent"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => {
            assert!(
                !std::env::var("CI").is_ok_and(|v| v == "true"),
                "azurite-blob is required in CI: {e}"
            );
            eprintln!("azurite-blob not found ({e}); skipped (npm install -g azurite)");
            return None;
        }
    };
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some(Server { child, url });
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("azurite did not start on {url}");
}

/// Uploads blobs (name, bytes) into the container, creating it first.
fn upload(azurite: &Azurite, container: &str, blobs: &[(&str, String)], create: bool) {
    use azure_storage::{CloudLocation, StorageCredentials};
    use azure_storage_blobs::prelude::ClientBuilder;
    let client = ClientBuilder::with_location(
        CloudLocation::Custom {
            account: AZURITE_ACCOUNT.into(),
            uri: format!("{}/{AZURITE_ACCOUNT}", azurite.url),
        },
        StorageCredentials::access_key(AZURITE_ACCOUNT, AZURITE_KEY.to_string()),
    )
    .container_client(container);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        if create {
            client.create().await.unwrap();
        }
        for (name, body) in blobs {
            client
                .blob_client(name.to_string())
                .put_block_blob(body.clone().into_bytes())
                .await
                .unwrap();
            // Distinct modification times, so "the newest run" is defined.
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
}

#[test]
fn azure_exports_in_blob_storage() {
    let Some(azurite) = azurite() else { return };
    let env = Env::new();
    let url = format!("{}/{AZURITE_ACCOUNT}/exports/cost/daily", azurite.url);
    let pull = |key: bool| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_burnrate"));
        command
            .args(["pull", "azure-export", &url])
            .env("BURNRATE_DATA_DIR", env.data())
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
    let imported = env.total().0;
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
        (env.total().0 - (expected + 2.304)).abs() < 1e-6,
        "{}",
        env.total().0
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
        .env("BURNRATE_DATA_DIR", env.data())
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
    let (billed, effective) = env.total();
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
    let (billed, effective) = env.total();
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
    assert!((env.total().0 - 5.0).abs() < 1e-9);

    // A dropped connection mid-paging is retried and the pull completes.
    server.script(vec![
        Reply::Json(200, vec![], page(7.0, next.clone())),
        Reply::Drop,
        Reply::Json(200, vec![], page(1.0, None)),
    ]);
    ok(&pull(&server.env(), SUBSCRIPTION));
    assert!((env.total().0 - 8.0).abs() < 1e-9, "{}", env.total().0);

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
            .env("BURNRATE_DATA_DIR", env.data())
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
    assert!((env.total().0 - 8.0).abs() < 1e-9);
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
        .env("BURNRATE_DATA_DIR", env.data())
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
