//! AWS connectors against moto's server: Cost Explorer (paging,
//! restatement, failures), CUR deliveries in S3, and saved connections.

use std::process::Output;

use serde_json::{Value, json};

use crate::support::servers::{Moto, SERIAL, moto, post, put, signed_curl};
use crate::support::{Env, fixture, ok};

impl Env {
    /// `burnrate pull aws-ce` for the test payer account against `endpoint`.
    fn pull(&self, endpoint: &str, from: &str, to: &str, extra: &[&str]) -> Output {
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
            endpoint,
        ];
        args.extend(extra);
        self.burnrate(&args, true)
    }
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
    let out = ok(&env.pull(&moto.url, "2026-10-01", "2026-11-01", &[]));
    assert!(
        out.contains("pulled 3 rows in 2 request(s) for 2026-10"),
        "{out}"
    );
    let (billed, effective) = env.billed_and_effective();
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
    let out = ok(&env.pull(&moto.url, "2026-10-01", "2026-11-01", &[]));
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
    let out = ok(&env.pull(&moto.url, "2026-10-01", "2026-11-01", &["--refresh"]));
    assert!(out.contains("replacing the earlier pull"), "{out}");
    assert!((env.billed_and_effective().0 - 12.0).abs() < 1e-9);

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
    let out = env.pull(&moto.url, "2026-10-01", "2026-11-01", &["--refresh"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a number"));
    assert_eq!(env.manifest(), before, "the dataset is unchanged");

    // The server goes away: a clear error, the dataset unchanged.
    let url = moto.url.clone();
    drop(moto);
    let out = env.pull(&url, "2026-10-01", "2026-11-01", &["--refresh"]);
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
    assert!(
        (env.billed_and_effective().0 - expected).abs() < 1e-6,
        "{}",
        env.billed_and_effective().0
    );

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
        (env.billed_and_effective().0 - (expected + 0.096)).abs() < 1e-6,
        "{}",
        env.billed_and_effective().0
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
        (env.billed_and_effective().0 - 4.0).abs() < 1e-6,
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

/// A 403 without a modelled error (an SCP or a proxy) used to read
/// "unhandled error": it names the status and what the identity needs.
#[test]
fn cost_explorer_403_says_what_came_back_and_what_to_fix() {
    use std::io::{BufRead, BufReader, Read, Write};
    // A local endpoint that answers every request 403 with no body.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let _ = stream.write_all(
                b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    let env = Env::new();
    let out = env.pull(&url, "2026-10-01", "2026-11-01", &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("HTTP 403"), "{stderr}");
    assert!(stderr.contains("ce:GetCostAndUsage"), "{stderr}");
    assert!(!stderr.contains("unhandled error"), "{stderr}");
    assert!(env.manifest().is_none());
}
