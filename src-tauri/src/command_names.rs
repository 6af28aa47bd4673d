// The app's commands, the one list: `build.rs` includes this file to grant
// each an `allow-<name>` permission, and checks that the handler list in
// `commands.rs`, the capability file and `ui/src/api.ts` name exactly
// these. Adding a command: its function in commands.rs, its name here and
// in `handler()`, its `allow-` line in capabilities/main.json, and its
// call in ui/src/api.ts.

pub const COMMANDS: &[&str] = &[
    "status",
    "load_demo",
    "import_paths",
    "pick_and_import",
    "cancel_import",
    "sources",
    "remove_source",
    "overview",
    "explore",
    "dimension_values",
    "tag_keys",
    "saved_views",
    "save_view",
    "remove_view",
    "line_items",
    "export_line_items",
    "anomalies",
    "recommendations",
    "commitments",
    "set_dismissed",
    "reports",
    "run_report",
    "export_report",
    "export_csv",
    "export_focus",
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
