//! The commands the UI calls: each takes the app's state and its
//! arguments, runs the backend's answer off the main thread
//! (`spawn_blocking`: Polars is CPU-bound) and returns it or its
//! `{code, message}` error. Files are reached only through the open and
//! save dialogs opened here, paths the user drops on the window or types,
//! and the data dir.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use burnrate_api::*;
use burnrate_core::analysis::lines::{LineItems, LineQuery};
use burnrate_core::store::Delivery;
use tauri::State;
use tauri::ipc::Channel;
use tauri_plugin_dialog::DialogExt;

pub struct AppState {
    pub backend: Backend,
    /// Set by `cancel_import`; the import stops before its next file.
    pub cancel_import: Arc<AtomicBool>,
}

type Answer<T> = Result<T, ApiError>;

/// Runs blocking work off the main thread.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Answer<T> + Send + 'static,
) -> Answer<T> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::new(Code::Internal, format!("the worker stopped: {e}")))?
}

#[tauri::command]
pub async fn status(state: State<'_, AppState>) -> Answer<Status> {
    let backend = state.backend.clone();
    blocking(move || backend.status()).await
}

#[tauri::command]
pub async fn load_demo(state: State<'_, AppState>) -> Answer<Vec<ImportResult>> {
    let backend = state.backend.clone();
    blocking(move || backend.load_demo()).await
}

fn import_with_progress(
    state: &AppState,
    paths: Vec<PathBuf>,
    delivery: Delivery,
    progress: Channel<ImportProgress>,
) -> impl FnOnce() -> Answer<Vec<ImportResult>> + Send + 'static {
    let backend = state.backend.clone();
    let cancel = state.cancel_import.clone();
    cancel.store(false, Ordering::SeqCst);
    move || {
        Ok(backend.import(
            &paths,
            delivery,
            &mut |p| {
                let _ = progress.send(p);
            },
            &cancel,
        ))
    }
}

/// Imports paths the user dropped on the window or typed; `delivery` is the
/// user's answer for a file that could be a part or a restatement
/// (`as_parts` or `replace`), none at first.
#[tauri::command]
pub async fn import_paths(
    state: State<'_, AppState>,
    paths: Vec<String>,
    delivery: Option<String>,
    progress: Channel<ImportProgress>,
) -> Answer<Vec<ImportResult>> {
    let delivery = delivery_choice(delivery.as_deref())?;
    let paths = paths.into_iter().map(PathBuf::from).collect();
    blocking(import_with_progress(&state, paths, delivery, progress)).await
}

/// Opens the file (or folder) dialog and imports what the user picks.
#[tauri::command]
pub async fn pick_and_import(
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
    blocking(import_with_progress(
        &state,
        picked,
        Delivery::Detect,
        progress,
    ))
    .await
}

#[tauri::command]
pub fn cancel_import(state: State<'_, AppState>) {
    state.cancel_import.store(true, Ordering::SeqCst);
}

#[tauri::command]
pub async fn sources(state: State<'_, AppState>) -> Answer<Vec<Source>> {
    let backend = state.backend.clone();
    blocking(move || backend.sources()).await
}

#[tauri::command]
pub async fn remove_source(state: State<'_, AppState>, id: String) -> Answer<Vec<String>> {
    let backend = state.backend.clone();
    blocking(move || backend.remove_source(&id)).await
}

#[tauri::command]
pub async fn overview(state: State<'_, AppState>) -> Answer<Overview> {
    let backend = state.backend.clone();
    blocking(move || backend.overview()).await
}

#[tauri::command]
pub async fn explore(state: State<'_, AppState>, query: ExploreQuery) -> Answer<Explore> {
    let backend = state.backend.clone();
    blocking(move || backend.explore(&query)).await
}

#[tauri::command]
pub async fn dimension_values(
    state: State<'_, AppState>,
    dimension: String,
) -> Answer<Vec<DimensionValue>> {
    let backend = state.backend.clone();
    blocking(move || backend.dimension_values(&dimension)).await
}

#[tauri::command]
pub async fn tag_keys(state: State<'_, AppState>) -> Answer<Vec<String>> {
    let backend = state.backend.clone();
    blocking(move || backend.tag_keys()).await
}

#[tauri::command]
pub async fn saved_views(state: State<'_, AppState>) -> Answer<Vec<SavedView>> {
    let backend = state.backend.clone();
    blocking(move || backend.saved_views()).await
}

#[tauri::command]
pub async fn save_view(state: State<'_, AppState>, view: SavedView) -> Answer<Vec<SavedView>> {
    let backend = state.backend.clone();
    blocking(move || backend.save_view(view)).await
}

#[tauri::command]
pub async fn remove_view(state: State<'_, AppState>, name: String) -> Answer<Vec<SavedView>> {
    let backend = state.backend.clone();
    blocking(move || backend.remove_view(&name)).await
}

#[tauri::command]
pub async fn anomalies(
    state: State<'_, AppState>,
    since: Option<String>,
) -> Answer<Vec<AnomalyRow>> {
    let backend = state.backend.clone();
    blocking(move || backend.anomalies(since)).await
}

#[tauri::command]
pub async fn recommendations(state: State<'_, AppState>) -> Answer<Vec<Recommendation>> {
    let backend = state.backend.clone();
    blocking(move || backend.recommendations()).await
}

#[tauri::command]
pub async fn set_dismissed(state: State<'_, AppState>, id: String, dismissed: bool) -> Answer<()> {
    let backend = state.backend.clone();
    blocking(move || backend.set_dismissed(&id, dismissed)).await
}

#[tauri::command]
pub async fn reports(state: State<'_, AppState>) -> Answer<Vec<ReportInfo>> {
    let backend = state.backend.clone();
    blocking(move || backend.reports()).await
}

#[tauri::command]
pub async fn run_report(
    state: State<'_, AppState>,
    name: String,
    from: Option<String>,
    to: Option<String>,
) -> Answer<ReportResult> {
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
pub async fn export_report(
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

#[tauri::command]
pub async fn commitments(state: State<'_, AppState>) -> Answer<Commitments> {
    let backend = state.backend.clone();
    blocking(move || backend.commitments()).await
}

#[tauri::command]
pub async fn line_items(state: State<'_, AppState>, query: LineQuery) -> Answer<LineItems> {
    let backend = state.backend.clone();
    blocking(move || backend.line_items(&query)).await
}

/// Writes every selected billing line as CSV where the user chooses; None
/// when the dialog was cancelled.
#[tauri::command]
pub async fn export_line_items(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    query: LineQuery,
    suggested_name: String,
) -> Answer<Option<String>> {
    let backend = state.backend.clone();
    blocking(move || {
        let Some(path) = ask_save_path(&app, &suggested_name) else {
            return Ok(None);
        };
        backend.export_line_items(&query, &path)?;
        Ok(Some(path.display().to_string()))
    })
    .await
}

/// Saves CSV text the UI made (the explorer's or recommendations' table)
/// where the user chooses.
#[tauri::command]
pub async fn export_csv(
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

/// Exports the dataset as FOCUS to `path`, or where the user chooses in a
/// save (or, by billing period, folder) dialog when `path` is empty;
/// returns None when the dialog was cancelled.
#[tauri::command]
pub async fn export_focus(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    request: FocusExportRequest,
    path: Option<String>,
    progress: Channel<FocusExportProgress>,
) -> Answer<Option<FocusExportResult>> {
    let backend = state.backend.clone();
    blocking(move || {
        let typed = path.map(|p| p.trim().to_string()).filter(|p| !p.is_empty());
        let target = match typed {
            Some(p) => PathBuf::from(p),
            None => {
                let dialog = app.dialog().file().set_title("Export as FOCUS");
                let chosen = if request.by_period {
                    dialog.blocking_pick_folder()
                } else {
                    let extension = request.format.to_ascii_lowercase();
                    dialog
                        .set_file_name(format!("focus-{}.{extension}", request.version))
                        .add_filter(extension.to_uppercase(), &[extension.as_str()])
                        .blocking_save_file()
                };
                match chosen.and_then(|p| p.into_path().ok()) {
                    Some(p) => p,
                    None => return Ok(None),
                }
            }
        };
        let result = backend.export_focus(&request, &target, &mut |p| {
            let _ = progress.send(p);
        })?;
        Ok(Some(result))
    })
    .await
}

#[tauri::command]
pub async fn schedules(state: State<'_, AppState>) -> Answer<Schedules> {
    let backend = state.backend.clone();
    blocking(move || backend.schedules()).await
}

#[tauri::command]
pub async fn save_schedule(
    state: State<'_, AppState>,
    original: Option<String>,
    form: ScheduleForm,
) -> Answer<()> {
    let backend = state.backend.clone();
    blocking(move || backend.save_schedule(original, form)).await
}

#[tauri::command]
pub async fn remove_schedule(state: State<'_, AppState>, name: String) -> Answer<()> {
    let backend = state.backend.clone();
    blocking(move || backend.remove_schedule(&name)).await
}

#[tauri::command]
pub async fn run_schedule(state: State<'_, AppState>, name: String) -> Answer<ScheduleRun> {
    let backend = state.backend.clone();
    blocking(move || backend.run_schedule(&name)).await
}

#[tauri::command]
pub async fn update_settings(state: State<'_, AppState>, update: SettingsUpdate) -> Answer<()> {
    let backend = state.backend.clone();
    blocking(move || backend.update_settings(update)).await
}

#[tauri::command]
pub async fn connections(state: State<'_, AppState>) -> Answer<Vec<ConnectionForm>> {
    let backend = state.backend.clone();
    blocking(move || backend.connections()).await
}

#[tauri::command]
pub async fn save_connection(
    state: State<'_, AppState>,
    original: Option<String>,
    form: ConnectionForm,
) -> Answer<()> {
    let backend = state.backend.clone();
    blocking(move || backend.save_connection(original, form)).await
}

#[tauri::command]
pub async fn remove_connection(state: State<'_, AppState>, name: String) -> Answer<()> {
    let backend = state.backend.clone();
    blocking(move || backend.remove_connection(&name)).await
}

/// Checks a saved connection without pulling.
#[tauri::command]
pub async fn check_connection(state: State<'_, AppState>, name: String) -> Answer<String> {
    let backend = state.backend.clone();
    blocking(move || backend.check_connection(&name)).await
}

/// Pulls a saved connection, streaming its log lines to the UI.
#[tauri::command]
pub async fn pull_connection(
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
pub async fn settings(state: State<'_, AppState>) -> Answer<Settings> {
    let backend = state.backend.clone();
    blocking(move || backend.settings()).await
}

/// The handler of every command in `command_names.rs` (build.rs checks the
/// two lists agree).
pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        status,
        load_demo,
        import_paths,
        pick_and_import,
        cancel_import,
        sources,
        remove_source,
        overview,
        explore,
        dimension_values,
        tag_keys,
        saved_views,
        save_view,
        remove_view,
        line_items,
        export_line_items,
        commitments,
        anomalies,
        recommendations,
        set_dismissed,
        reports,
        run_report,
        export_report,
        export_csv,
        export_focus,
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
    ]
}
