//! Generates an `allow-<command>` permission for each app command, so the
//! capability file grants exactly the commands the UI uses (without an app
//! manifest, Tauri allows every app command).

const COMMANDS: &[&str] = &[
    "status",
    "load_demo",
    "import_paths",
    "pick_and_import",
    "cancel_import",
    "sources",
    "remove_source",
    "overview",
    "explore",
    "anomalies",
    "recommendations",
    "set_dismissed",
    "reports",
    "run_report",
    "export_report",
    "export_csv",
    "schedules",
    "save_schedule",
    "remove_schedule",
    "run_schedule",
    "settings",
    "update_settings",
    "connections",
    "save_connection",
    "remove_connection",
    "pull_connection",
    "check_connection",
];

fn main() {
    // The bundled UI is embedded at compile time: rebuild when it changes.
    println!("cargo:rerun-if-changed=../ui/dist");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script");
}
