//! The Burnrate desktop app: a window over the bundled UI (`ui/`) and thin
//! commands over burnrate-api.
//!
//! - `commands.rs`: the commands the UI calls; `command_names.rs` the one
//!   list of their names (build.rs checks the handler, the capability file
//!   and `ui/src/api.ts` against it)
//! - `scheduler.rs`: runs due schedules while the window is open

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

// The same allocator as the CLI: imports churn through large buffers.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod commands;
mod scheduler;

use std::path::PathBuf;
use std::sync::Arc;

use burnrate_api::Backend;
use burnrate_core::config::locations;
use tauri::Manager;

/// The same places the CLI uses (`BURNRATE_DATA_DIR` / `BURNRATE_CONFIG`,
/// else the platform's data and config dirs); with no platform dir, where
/// the CLI asks for a flag, a folder beside the app.
fn locations() -> (PathBuf, PathBuf) {
    let given = |var: &str| std::env::var_os(var).map(PathBuf::from);
    let data_dir = locations::data_dir(given(locations::DATA_DIR_VAR))
        .unwrap_or_else(|| PathBuf::from("burnrate-data"));
    let config = locations::config_file(given(locations::CONFIG_VAR))
        .map(|(path, _)| path)
        .unwrap_or_else(|| PathBuf::from("burnrate.toml"));
    (data_dir, config)
}

fn main() {
    let (data_dir, config_path) = locations();
    let backend = Backend::new(data_dir, config_path);
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(commands::AppState {
            backend: backend.clone(),
            cancel_import: Arc::default(),
        })
        .setup(move |app| {
            scheduler::start(backend.clone());
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.set_title("Burnrate");
            }
            Ok(())
        })
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!())
        .expect("the Burnrate window failed to start");
}
