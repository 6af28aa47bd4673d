//! The Burnrate desktop app: a window over the bundled UI (`ui/`) and thin
//! commands over burnrate-api. Each command moves its work off the main
//! thread (`spawn_blocking`: Polars is CPU-bound) and returns the API's
//! answer or its `{code, message}` error. Files are reached only through the
//! open and save dialogs opened here, paths the user drops on the window or
//! types, and the data dir.
//!
//! While the window is open, the CLI's scheduler runs in a background thread
//! (the same `schedule::run_due`, under the same lock as `burnrate schedule
//! daemon`).

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

// The same allocator as the CLI: imports churn through large buffers.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use burnrate_api::*;
use tauri::ipc::Channel;
use tauri::{Manager, State};
use tauri_plugin_dialog::DialogExt;

struct AppState {
    backend: Backend,
    /// Set by `cancel_import`; the import stops before its next file.
    cancel_import: Arc<AtomicBool>,
}

type Answer<T> = Result<T, ApiError>;

/// Runs blocking work off the main thread.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Answer<T> + Send + 'static,
) -> Answer<T> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| ApiError {
            code: "internal".into(),
            message: format!("the worker stopped: {e}"),
        })?
}

#[tauri::command]
async fn status(state: State<'_, AppState>) -> Answer<Status> {
    let backend = state.backend.clone();
    blocking(move || backend.status()).await
}

#[tauri::command]
async fn load_demo(state: State<'_, AppState>) -> Answer<Vec<ImportResult>> {
    let backend = state.backend.clone();
    blocking(move || backend.load_demo()).await
}

fn import_with_progress(
    state: &AppState,
    paths: Vec<PathBuf>,
    progress: Channel<ImportProgress>,
) -> impl FnOnce() -> Answer<Vec<ImportResult>> + Send + 'static {
    let backend = state.backend.clone();
    let cancel = state.cancel_import.clone();
    cancel.store(false, Ordering::SeqCst);
    move || {
        Ok(backend.import(
            &paths,
            &mut |p| {
                let _ = progress.send(p);
            },
            &cancel,
        ))
    }
}

/// Imports paths the user dropped on the window or typed.
#[tauri::command]
async fn import_paths(
    state: State<'_, AppState>,
    paths: Vec<String>,
    progress: Channel<ImportProgress>,
) -> Answer<Vec<ImportResult>> {
    let paths = paths.into_iter().map(PathBuf::from).collect();
    blocking(import_with_progress(&state, paths, progress)).await
}

/// Opens the file (or folder) dialog and imports what the user picks.
#[tauri::command]
async fn pick_and_import(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    folder: bool,
    progress: Channel<ImportProgress>,
) -> Answer<Vec<ImportResult>> {
    let picked = blocking(move || {
        let dialog = app.dialog().file().set_title("Import billing files");
        let chosen = if folder {
            dialog.blocking_pick_folder().map(|p| vec![p])
        } else {
            dialog
                .add_filter(
                    "Billing files",
                    &["csv", "gz", "zip", "parquet", "json", "jsonl"],
                )
                .blocking_pick_files()
        };
        Ok(chosen
            .unwrap_or_default()
            .into_iter()
            .filter_map(|p| p.into_path().ok())
            .collect::<Vec<PathBuf>>())
    })
    .await?;
    if picked.is_empty() {
        return Ok(Vec::new());
    }
    blocking(import_with_progress(&state, picked, progress)).await
}

#[tauri::command]
fn cancel_import(state: State<'_, AppState>) {
    state.cancel_import.store(true, Ordering::SeqCst);
}

#[tauri::command]
async fn sources(state: State<'_, AppState>) -> Answer<Vec<Source>> {
    let backend = state.backend.clone();
    blocking(move || backend.sources()).await
}

#[tauri::command]
async fn remove_source(state: State<'_, AppState>, id: String) -> Answer<()> {
    let backend = state.backend.clone();
    blocking(move || backend.remove_source(&id)).await
}

#[tauri::command]
async fn overview(state: State<'_, AppState>) -> Answer<Overview> {
    let backend = state.backend.clone();
    blocking(move || backend.overview()).await
}

#[tauri::command]
async fn explore(state: State<'_, AppState>, query: ExploreQuery) -> Answer<Explore> {
    let backend = state.backend.clone();
    blocking(move || backend.explore(&query)).await
}

#[tauri::command]
async fn anomalies(state: State<'_, AppState>, since: Option<String>) -> Answer<Vec<AnomalyRow>> {
    let backend = state.backend.clone();
    blocking(move || backend.anomalies(since)).await
}

#[tauri::command]
async fn recommendations(state: State<'_, AppState>) -> Answer<Vec<Recommendation>> {
    let backend = state.backend.clone();
    blocking(move || backend.recommendations()).await
}

#[tauri::command]
async fn set_dismissed(state: State<'_, AppState>, id: String, dismissed: bool) -> Answer<()> {
    let backend = state.backend.clone();
    blocking(move || backend.set_dismissed(&id, dismissed)).await
}

#[tauri::command]
async fn reports(state: State<'_, AppState>) -> Answer<Vec<ReportInfo>> {
    let backend = state.backend.clone();
    blocking(move || backend.reports()).await
}

#[tauri::command]
async fn run_report(
    state: State<'_, AppState>,
    name: String,
    from: Option<String>,
    to: Option<String>,
) -> Answer<Table> {
    let backend = state.backend.clone();
    blocking(move || backend.run_report(&name, from, to)).await
}

/// Asks where to save (a save dialog); None when the user cancels.
fn ask_save_path(app: &tauri::AppHandle, suggested: &str) -> Option<PathBuf> {
    app.dialog()
        .file()
        .set_file_name(suggested)
        .add_filter("CSV", &["csv"])
        .blocking_save_file()
        .and_then(|p| p.into_path().ok())
}

/// Saves a report's CSV where the user chooses; returns the path, or None
/// when the dialog was cancelled.
#[tauri::command]
async fn export_report(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    name: String,
    from: Option<String>,
    to: Option<String>,
) -> Answer<Option<String>> {
    let backend = state.backend.clone();
    blocking(move || {
        let Some(path) = ask_save_path(&app, &format!("{name}.csv")) else {
            return Ok(None);
        };
        backend.export_report(&name, from, to, &path)?;
        Ok(Some(path.display().to_string()))
    })
    .await
}

/// Saves CSV text the UI made (the explorer's or recommendations' table)
/// where the user chooses.
#[tauri::command]
async fn export_csv(
    app: tauri::AppHandle,
    suggested_name: String,
    contents: String,
) -> Answer<Option<String>> {
    blocking(move || {
        let Some(path) = ask_save_path(&app, &suggested_name) else {
            return Ok(None);
        };
        burnrate_core::fsutil::write_atomically(&path, |out| out.write_all(contents.as_bytes()))?;
        Ok(Some(path.display().to_string()))
    })
    .await
}

#[tauri::command]
async fn schedules(state: State<'_, AppState>) -> Answer<Schedules> {
    let backend = state.backend.clone();
    blocking(move || backend.schedules()).await
}

#[tauri::command]
async fn save_schedule(
    state: State<'_, AppState>,
    original: Option<String>,
    form: ScheduleForm,
) -> Answer<()> {
    let backend = state.backend.clone();
    blocking(move || backend.save_schedule(original, form)).await
}

#[tauri::command]
async fn remove_schedule(state: State<'_, AppState>, name: String) -> Answer<()> {
    let backend = state.backend.clone();
    blocking(move || backend.remove_schedule(&name)).await
}

#[tauri::command]
async fn run_schedule(state: State<'_, AppState>, name: String) -> Answer<ScheduleRun> {
    let backend = state.backend.clone();
    blocking(move || backend.run_schedule(&name)).await
}

#[tauri::command]
async fn update_settings(state: State<'_, AppState>, update: SettingsUpdate) -> Answer<()> {
    let backend = state.backend.clone();
    blocking(move || backend.update_settings(update)).await
}

#[tauri::command]
async fn connections(state: State<'_, AppState>) -> Answer<Vec<ConnectionForm>> {
    let backend = state.backend.clone();
    blocking(move || backend.connections()).await
}

#[tauri::command]
async fn save_connection(
    state: State<'_, AppState>,
    original: Option<String>,
    form: ConnectionForm,
) -> Answer<()> {
    let backend = state.backend.clone();
    blocking(move || backend.save_connection(original, form)).await
}

#[tauri::command]
async fn remove_connection(state: State<'_, AppState>, name: String) -> Answer<()> {
    let backend = state.backend.clone();
    blocking(move || backend.remove_connection(&name)).await
}

/// Checks a saved connection without pulling.
#[tauri::command]
async fn check_connection(state: State<'_, AppState>, name: String) -> Answer<String> {
    let backend = state.backend.clone();
    blocking(move || backend.check_connection(&name)).await
}

/// Pulls a saved connection, streaming its log lines to the UI.
#[tauri::command]
async fn pull_connection(
    state: State<'_, AppState>,
    name: String,
    progress: Channel<String>,
) -> Answer<PullResult> {
    let backend = state.backend.clone();
    blocking(move || {
        backend.pull_connection(&name, &mut |line| {
            let _ = progress.send(line);
        })
    })
    .await
}

#[tauri::command]
async fn settings(state: State<'_, AppState>) -> Answer<Settings> {
    let backend = state.backend.clone();
    blocking(move || backend.settings()).await
}

/// The same places the CLI uses: `BURNRATE_DATA_DIR` / `BURNRATE_CONFIG`,
/// else the platform's data and config dirs.
fn locations() -> (PathBuf, PathBuf) {
    let data_dir = std::env::var_os("BURNRATE_DATA_DIR")
        .map(PathBuf::from)
        .or_else(|| dirs::data_dir().map(|d| d.join("burnrate")))
        .unwrap_or_else(|| PathBuf::from("burnrate-data"));
    let config = std::env::var_os("BURNRATE_CONFIG")
        .map(PathBuf::from)
        .or_else(|| dirs::config_dir().map(|d| d.join("burnrate").join("config.toml")))
        .unwrap_or_else(|| PathBuf::from("burnrate.toml"));
    (data_dir, config)
}

/// Fires due schedules while the app is open, like `burnrate schedule
/// daemon` (and under the same lock, so the two never double-run).
fn run_scheduler(backend: Backend) {
    std::thread::spawn(move || {
        loop {
            if let Ok(mut config) = backend.config() {
                // Schedules that pull first need the cloud connectors, which
                // run from the CLI's scheduler; the app leaves them to it.
                config.schedules.retain(|s| !s.pull);
                let log = burnrate_core::reports::schedule::RunLog::new(&backend.data_dir);
                let _ = burnrate_core::reports::schedule::run_due(
                    &config,
                    &backend.data_dir,
                    &log,
                    chrono::Utc::now(),
                    &|_, _| Vec::new(),
                );
            }
            std::thread::sleep(std::time::Duration::from_secs(60));
        }
    });
}

fn main() {
    let (data_dir, config_path) = locations();
    let backend = Backend::new(data_dir, config_path);
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(AppState {
            backend: backend.clone(),
            cancel_import: Arc::default(),
        })
        .setup(move |app| {
            run_scheduler(backend.clone());
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.set_title("Burnrate");
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            status,
            load_demo,
            import_paths,
            pick_and_import,
            cancel_import,
            sources,
            remove_source,
            overview,
            explore,
            anomalies,
            recommendations,
            set_dismissed,
            reports,
            run_report,
            export_report,
            export_csv,
            schedules,
            save_schedule,
            remove_schedule,
            run_schedule,
            settings,
            update_settings,
            connections,
            save_connection,
            remove_connection,
            pull_connection,
            check_connection,
        ])
        .run(tauri::generate_context!())
        .expect("the Burnrate window failed to start");
}
