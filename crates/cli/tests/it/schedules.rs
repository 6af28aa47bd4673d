//! Scheduled exports from the command line: adding and listing schedules,
//! catching up once, recording failures, and the daemon.

use std::path::Path;
use std::process::Command;

use crate::support::Env;

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
    let listing = env.rows(&["schedule", "list"]);
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
    assert!(env.rows(&["schedule", "list"]).is_empty());
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
    let listing = env.rows(&["schedule", "list"]);
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
    // Wait until the run is in the run log, not only until its file exists:
    // killing the daemon between writing the file and recording the run
    // would leave the hour due again.
    let recorded = || env.rows(&["schedule", "list"])[0]["last_outcome"].is_string();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while (schedule_files(&out_dir).is_empty() || !recorded())
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let still_running = daemon.try_wait().unwrap().is_none();
    let _ = daemon.kill();
    let _ = daemon.wait();
    assert!(still_running, "the daemon keeps running after a run");
    assert_eq!(schedule_files(&out_dir).len(), 1);
    assert!(env.ok(&["schedule", "run-due"]).contains("nothing due"));
}

/// Issue 18: a window with no data (the demo ends 2026-10-31; yesterday is
/// later than that) writes nothing and is a warning naming the last day
/// with data, or a failure with `--when-empty fail`; a window with data
/// writes a file named by the days it covers and says its rows.
#[test]
fn a_window_without_data_is_a_warning_not_an_empty_file() {
    let env = Env::with_demo();
    let out_dir = env.path("exports");
    let add = |name: &str, window: &str, when_empty: &str| {
        env.ok(&[
            "schedule",
            "add",
            name,
            "--report",
            "cost_by_account",
            "--cron",
            "0 6 * * *",
            "--window",
            window,
            "--when-empty",
            when_empty,
            "--output-dir",
            out_dir.to_str().unwrap(),
        ]);
    };
    add("daily", "yesterday", "warn");
    let out = env.ok(&["schedule", "run", "daily"]);
    assert!(
        out.contains("WARNING (0 files)") && out.contains("the data ends 2026-10-31"),
        "{out}"
    );
    assert!(schedule_files(&out_dir).is_empty(), "nothing written");
    let listing = env.rows(&["schedule", "list"]);
    assert!(
        listing[0]["last_outcome"]
            .as_str()
            .unwrap()
            .starts_with("WARNING"),
        "{listing:?}"
    );

    add("strict", "yesterday", "fail");
    let out = env.run(&["schedule", "run", "strict"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("FAILED"));
    assert!(schedule_files(&out_dir).is_empty());

    add("everything", "all", "warn");
    let out = env.ok(&["schedule", "run", "everything"]);
    assert!(out.contains("ok (1 files)"), "{out}");
    assert_eq!(
        schedule_files(&out_dir),
        ["cost_by_account-2026-08-01_2026-10-31.csv"]
    );
    let rows = std::fs::read_to_string(out_dir.join("cost_by_account-2026-08-01_2026-10-31.csv"))
        .unwrap()
        .lines()
        .count()
        - 1;
    assert!(out.contains(&format!("({rows} rows)")), "{out}");
}
