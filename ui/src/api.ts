// The typed command layer: the only place the UI talks to the backend.
// Types come from bindings.ts, generated from the Rust answers.

import { Channel, invoke } from "@tauri-apps/api/core";
import type {
  AnomalyRow,
  ApiError,
  Code,
  Commitments,
  ConnectionForm,
  DimensionValue,
  Explore,
  ExploreQuery,
  FocusExportProgress,
  FocusExportRequest,
  FocusExportResult,
  ImportProgress,
  ImportResult,
  LineItems,
  LineQuery,
  Overview,
  PullResult,
  Recommendation,
  ReportInfo,
  ReportResult,
  SavedView,
  ScheduleForm,
  ScheduleRun,
  Schedules,
  Settings,
  SettingsUpdate,
  Source,
  Status,
} from "./bindings";

export type { ApiError };

/** An error from the backend (`{code, message}`) or a failure to reach it. */
export class CommandError extends Error {
  readonly code: Code;
  constructor(code: Code, message: string) {
    super(message);
    this.code = code;
  }
}

export function isApiError(value: unknown): value is ApiError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as ApiError).code === "string" &&
    typeof (value as ApiError).message === "string"
  );
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    if (isApiError(error)) throw new CommandError(error.code, error.message);
    throw new CommandError("internal", String(error));
  }
}

export const api = {
  status: () => call<Status>("status"),
  loadDemo: () => call<ImportResult[]>("load_demo"),
  /** `delivery`: the user's answer for a file that could be another part of
   * an imported delivery or a restatement of it. */
  importPaths: (
    paths: string[],
    onProgress: (p: ImportProgress) => void,
    delivery?: "as_parts" | "replace",
  ) => {
    const progress = new Channel<ImportProgress>();
    progress.onmessage = onProgress;
    return call<ImportResult[]>("import_paths", { paths, delivery: delivery ?? null, progress });
  },
  pickAndImport: (folder: boolean, onProgress: (p: ImportProgress) => void) => {
    const progress = new Channel<ImportProgress>();
    progress.onmessage = onProgress;
    return call<ImportResult[]>("pick_and_import", { folder, progress });
  },
  cancelImport: () => call<void>("cancel_import"),
  sources: () => call<Source[]>("sources"),
  /** Resolves to notes on what the removal did to other sources. */
  removeSource: (id: string) => call<string[]>("remove_source", { id }),
  overview: () => call<Overview>("overview"),
  explore: (query: ExploreQuery) => call<Explore>("explore", { query }),
  /** What a filter on the dimension can take, the costliest first. */
  dimensionValues: (dimension: string) => call<DimensionValue[]>("dimension_values", { dimension }),
  tagKeys: () => call<string[]>("tag_keys"),
  savedViews: () => call<SavedView[]>("saved_views"),
  /** Saves (or replaces by name) a view; resolves to every saved view. */
  saveView: (view: SavedView) => call<SavedView[]>("save_view", { view }),
  removeView: (name: string) => call<SavedView[]>("remove_view", { name }),
  /** The billing lines behind a bar or a finding: the first 500 and the totals of all. */
  lineItems: (query: LineQuery) => call<LineItems>("line_items", { query }),
  /** Every selected line as CSV where the user picks; null when cancelled. */
  exportLineItems: (query: LineQuery, suggestedName: string) =>
    call<string | null>("export_line_items", { query, suggestedName }),
  anomalies: (since?: string) => call<AnomalyRow[]>("anomalies", { since: since ?? null }),
  recommendations: () => call<Recommendation[]>("recommendations"),
  commitments: () => call<Commitments>("commitments"),
  setDismissed: (id: string, dismissed: boolean) => call<void>("set_dismissed", { id, dismissed }),
  reports: () => call<ReportInfo[]>("reports"),
  runReport: (name: string, from?: string, to?: string) =>
    call<ReportResult>("run_report", { name, from: from || null, to: to || null }),
  exportReport: (name: string, from?: string, to?: string) =>
    call<string | null>("export_report", { name, from: from || null, to: to || null }),
  exportCsv: (suggestedName: string, contents: string) =>
    call<string | null>("export_csv", { suggestedName, contents }),
  /** Exports the dataset as FOCUS to `path`, or where the user picks in a
   * dialog when `path` is empty; null when the dialog was cancelled. */
  exportFocus: (
    request: FocusExportRequest,
    path: string,
    onProgress: (p: FocusExportProgress) => void,
  ) => {
    const progress = new Channel<FocusExportProgress>();
    progress.onmessage = onProgress;
    return call<FocusExportResult | null>("export_focus", {
      request,
      path: path || null,
      progress,
    });
  },
  schedules: () => call<Schedules>("schedules"),
  saveSchedule: (original: string | null, form: ScheduleForm) =>
    call<void>("save_schedule", { original, form }),
  removeSchedule: (name: string) => call<void>("remove_schedule", { name }),
  runSchedule: (name: string) => call<ScheduleRun>("run_schedule", { name }),
  settings: () => call<Settings>("settings"),
  connections: () => call<ConnectionForm[]>("connections"),
  saveConnection: (original: string | null, form: ConnectionForm) =>
    call<void>("save_connection", { original, form }),
  removeConnection: (name: string) => call<void>("remove_connection", { name }),
  checkConnection: (name: string) => call<string>("check_connection", { name }),
  pullConnection: (name: string, onLine: (line: string) => void) => {
    const progress = new Channel<string>();
    progress.onmessage = onLine;
    return call<PullResult>("pull_connection", { name, progress });
  },
  updateSettings: (update: SettingsUpdate) => call<void>("update_settings", { update }),
};
