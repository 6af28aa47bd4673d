import { getCurrentWebview } from "@tauri-apps/api/webview";
import { api } from "../api";
import type {
  FileCheck,
  FocusExportProgress,
  FocusExportResult,
  ImportProgress,
  ImportResult,
  Source,
} from "../bindings";
import { confirmButton, h, mount, notice } from "../dom";
import { count, measureLabel, money } from "../format";
import { connectionsPanel } from "./connections";

type Choice = (path: string, delivery: "as_parts" | "replace") => void;

/** A file the content could not place waits for the user's answer: it did
 * not fail. */
const needsChoice = (r: ImportResult) => r.error?.code === "ambiguous_delivery";

/** Why a file was not imported, with the two answers when the content
 * could not tell a part of a delivery from a restatement. */
function notImported(r: ImportResult, choose: Choice): (HTMLElement | string)[] {
  if (!r.error) return [r.note ?? "already imported: nothing changed"];
  if (r.error.code !== "ambiguous_delivery") return [r.error.message];
  return [
    r.error.message,
    h(
      "div",
      { class: "actions" },
      h(
        "button",
        { "data-testid": "import-as-parts", onclick: () => choose(r.path, "as_parts") },
        "Add as another part",
      ),
      h(
        "button",
        { "data-testid": "import-replace", onclick: () => choose(r.path, "replace") },
        "Replace what is there",
      ),
    ),
  ];
}

function resultTable(results: ImportResult[], choose: Choice): HTMLElement {
  return h(
    "table",
    { "data-testid": "import-results" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        [
          "File",
          "Status",
          "Format",
          "Rows",
          "Periods",
          "Provider's total",
          "Normalized",
          "Check",
        ].map((c) => h("th", {}, c)),
      ),
    ),
    h(
      "tbody",
      {},
      results.flatMap((r) => {
        if (r.status !== "imported") {
          return [
            h(
              "tr",
              { class: r.status === "failed" && !needsChoice(r) ? "failed" : "" },
              h("td", { class: "mono" }, r.path),
              h("td", {}, needsChoice(r) ? "needs your choice" : r.status),
              h("td", { colspan: 6 }, ...notImported(r, choose)),
            ),
          ];
        }
        return r.files.flatMap((f) => [
          ...f.reconciliation.map((c) => {
            const ok = Math.abs(c.native_total - c.normalized_total) < 0.005;
            return h(
              "tr",
              { "data-testid": "reconciliation-row" },
              h("td", { class: "mono" }, f.path),
              h(
                "td",
                {},
                r.replaced.length
                  ? "imported (replaced an earlier delivery)"
                  : r.parts_of.length
                    ? "imported (another part of a delivery)"
                    : r.paired_with.length
                      ? "imported (paired: actual + amortized)"
                      : "imported",
              ),
              h("td", {}, `${f.format}${f.version ? ` ${f.version}` : ""}`),
              h("td", { class: "num" }, count(f.rows)),
              h("td", {}, f.periods.join(", ")),
              h("td", { class: "num" }, money(c.native_total, c.currency)),
              h("td", { class: "num" }, `${money(c.normalized_total, c.currency)} ${c.measure}`),
              h("td", { class: ok ? "ok" : "failed" }, ok ? "reconciled to the cent" : "MISMATCH"),
            );
          }),
          ...conformanceRow(f),
        ]);
      }),
    ),
  );
}

/** A FOCUS file's conformance summary, under its reconciliation: the
 * spec's cost rules it breaks. It informs; the file is imported as it is. */
function conformanceRow(f: FileCheck): HTMLElement[] {
  const summary = f.focus_conformance;
  if (!summary) return [];
  const broken = summary.broken;
  const title = broken.length
    ? `FOCUS conformance: ${broken.length} of ${summary.rules_checked} cost rules broken (imported as the file has it)`
    : `FOCUS conformance: all ${summary.rules_checked} cost rules met`;
  return [
    h(
      "tr",
      { "data-testid": "focus-conformance", class: "subrow" },
      h(
        "td",
        { colspan: 8 },
        h("span", { class: broken.length ? "warn" : "ok" }, title),
        broken.length
          ? h(
              "ul",
              {},
              broken.map((rule) =>
                h(
                  "li",
                  {},
                  h("span", { class: "mono" }, rule.rule),
                  ` ${rule.requirement}: ${count(rule.rows)} rows, `,
                  rule.amounts
                    .map((a) => `${money(a.amount, a.currency)} ${measureLabel(rule.measure)}`)
                    .join(", "),
                  `. ${rule.consequence}.`,
                ),
              ),
            )
          : null,
      ),
    ),
  ];
}

/** The Data view's "Export as FOCUS" form: version, format, range and where;
 * progress while it writes; then where it went and what it holds. */
function focusExportPanel(toast: (m: string) => void): HTMLElement {
  const select = (testid: string, options: [string, string][], selected: string) =>
    h(
      "select",
      { "data-testid": testid },
      options.map(([value, label]) => h("option", { value, selected: value === selected }, label)),
    ) as HTMLSelectElement;
  const version = select(
    "focus-export-version",
    [
      ["1.3", "FOCUS 1.3"],
      ["1.2", "FOCUS 1.2"],
      ["1.1", "FOCUS 1.1"],
      ["1.0", "FOCUS 1.0"],
    ],
    "1.2",
  );
  const format = select(
    "focus-export-format",
    [
      ["parquet", "Parquet"],
      ["csv", "CSV"],
    ],
    "parquet",
  );
  const day = (testid: string) =>
    h("input", { type: "date", "data-testid": testid }) as HTMLInputElement;
  const from = day("focus-export-from");
  const to = day("focus-export-to");
  const checkbox = (testid: string) =>
    h("input", { type: "checkbox", "data-testid": testid }) as HTMLInputElement;
  const byPeriod = checkbox("focus-export-by-period");
  const focusOnly = checkbox("focus-export-focus-only");
  const path = h("input", {
    type: "text",
    size: 40,
    placeholder: "empty: choose in a dialog",
    "data-testid": "focus-export-path",
  }) as HTMLInputElement;
  const status = h("div", { "data-testid": "focus-export-status" });
  const button = h(
    "button",
    { class: "primary", "data-testid": "focus-export-button" },
    "Export as FOCUS",
  ) as HTMLButtonElement;

  const showProgress = (p: FocusExportProgress) =>
    mount(
      status,
      h(
        "div",
        { class: "progress" },
        h(
          "div",
          { class: "bar" },
          h("div", {
            class: "fill",
            style: `width:${((p.files_done / Math.max(p.files_total, 1)) * 100).toFixed(0)}%`,
          }),
        ),
        h("span", {}, `Writing file ${p.files_done + 1} of ${p.files_total}: ${p.writing}`),
      ),
    );
  const showResult = (r: FocusExportResult) =>
    mount(
      status,
      h(
        "p",
        { class: "ok", "data-testid": "focus-export-done" },
        `Wrote ${count(r.rows)} rows as FOCUS ${r.version} (${r.format}) to ${r.files.length === 1 ? r.files[0] : `${r.files.length} files`}`,
      ),
      r.files.length > 1
        ? h(
            "ul",
            { class: "mono" },
            r.files.map((f) => h("li", {}, f)),
          )
        : null,
      h(
        "table",
        { "data-testid": "focus-export-totals" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            ["Currency", "Billed cost", "Effective cost (amortized)", "List cost"].map((c) =>
              h("th", {}, c),
            ),
          ),
        ),
        h(
          "tbody",
          {},
          r.totals.map((t) =>
            h(
              "tr",
              { "data-currency": t.currency },
              h("td", {}, t.currency),
              h(
                "td",
                { class: "num", "data-value": t.billed_cost },
                money(t.billed_cost, t.currency),
              ),
              h("td", { class: "num" }, money(t.effective_cost, t.currency)),
              h("td", { class: "num" }, money(t.list_cost, t.currency)),
            ),
          ),
        ),
      ),
      r.notes.length
        ? h(
            "ul",
            { class: "muted" },
            r.notes.map((n) => h("li", {}, n)),
          )
        : null,
    );

  const run = async () => {
    button.disabled = true;
    mount(status, notice("loading", "Exporting…"));
    try {
      const result = await api.exportFocus(
        {
          version: version.value,
          format: format.value,
          from: from.value || null,
          to: to.value || null,
          by_period: byPeriod.checked,
          focus_only: focusOnly.checked,
        },
        path.value.trim(),
        showProgress,
      );
      if (result) {
        showResult(result);
        toast(`Exported ${count(result.rows)} rows as FOCUS ${result.version}`);
      } else {
        mount(status, h("p", { class: "muted" }, "Export cancelled: nothing was written."));
      }
    } catch (error) {
      mount(status, notice("error", "Export failed", (error as Error).message));
    }
    button.disabled = false;
  };
  button.addEventListener("click", () => void run());
  const field = (label: string, control: HTMLElement) => h("label", {}, `${label} `, control);
  return h(
    "section",
    { "data-testid": "focus-export" },
    h("h2", {}, "Export as FOCUS"),
    h(
      "p",
      { class: "muted" },
      "The stored rows as a FOCUS Cost and Usage dataset, for Power BI, the FinOps toolkit, DuckDB or a warehouse: the version's exact columns, Tags as JSON, UTC times, FOCUS units. Costs are written as stored; the totals below are what the files hold.",
    ),
    h(
      "div",
      { class: "inline" },
      field("Version", version),
      field("Format", format),
      field("From", from),
      field("To (exclusive)", to),
      field("One file per billing period (a folder)", byPeriod),
      field("FOCUS columns only (no x_ detail)", focusOnly),
    ),
    h("div", { class: "inline" }, field("Save to", path), button),
    status,
  );
}

function sourcesTable(sources: Source[], onRemove: (s: Source) => void): HTMLElement {
  if (sources.length === 0)
    return notice(
      "empty",
      "No sources yet",
      "Import billing exports (AWS CUR, Azure cost details, GCP billing export, FOCUS) or load the demo dataset.",
    );
  return h(
    "table",
    { "data-testid": "sources" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ["Id", "Files", "Format", "Rows", "Periods", "Imported", ""].map((c) => h("th", {}, c)),
      ),
    ),
    h(
      "tbody",
      {},
      sources.map((s) =>
        h(
          "tr",
          {},
          h("td", { class: "mono" }, s.id),
          h("td", { class: "mono" }, s.paths.map((p) => p.split(/[\\/]/).pop()).join(", ")),
          h("td", {}, s.format),
          h("td", { class: "num" }, count(s.rows)),
          h("td", {}, s.periods.join(", ")),
          h("td", {}, s.imported_at.slice(0, 16).replace("T", " ")),
          h(
            "td",
            {},
            confirmButton("Remove", `Remove ${count(s.rows)} rows?`, () => onRemove(s)),
          ),
        ),
      ),
    ),
  );
}

let unlistenDrop: (() => void) | null = null;

export async function dataView(
  root: HTMLElement,
  options: { loadDemo?: boolean },
  toast: (m: string) => void,
  onChanged: () => void,
): Promise<void> {
  const progressBox = h("div", {
    class: "progress",
    "data-testid": "import-progress",
    hidden: true,
  });
  const results = h("div", {});
  const sourcesBox = h("div", {}, notice("loading", "Reading the dataset…"));

  const refreshSources = async () => {
    const sources = await api.sources();
    mount(
      sourcesBox,
      sourcesTable(sources, async (s) => {
        const notes = await api.removeSource(s.id);
        toast([`Removed ${s.id}`, ...notes].join("; "));
        onChanged();
        await refreshSources();
      }),
    );
  };

  const showProgress = (p: ImportProgress) => {
    progressBox.hidden = false;
    const fraction = p.total === 0 ? 1 : p.done / p.total;
    mount(
      progressBox,
      h(
        "div",
        { class: "bar" },
        h("div", { class: "fill", style: `width:${(fraction * 100).toFixed(0)}%` }),
      ),
      h(
        "span",
        {},
        p.current
          ? `Importing ${p.done + 1} of ${p.total}: ${p.current}`
          : `Done: ${p.total} file(s)`,
      ),
      p.current ? h("button", { onclick: () => void api.cancelImport() }, "Cancel") : null,
    );
  };

  const run = async (work: () => Promise<ImportResult[]>) => {
    mount(
      results,
      notice(
        "loading",
        "Importing… the window stays usable; each file is reconciled before it is kept.",
      ),
    );
    try {
      const outcome = await work();
      mount(
        results,
        outcome.length
          ? resultTable(
              outcome,
              (path, delivery) => void run(() => api.importPaths([path], showProgress, delivery)),
            )
          : h("p", { class: "muted" }, "Nothing selected."),
      );
      const asking = outcome.filter(needsChoice).length;
      const failed = outcome.filter((r) => r.status === "failed").length - asking;
      toast(
        failed
          ? `${failed} file(s) failed; the dataset keeps everything else`
          : asking
            ? `${asking} file(s) need your choice: another part, or a replacement?`
            : `Imported ${outcome.length} file(s)`,
      );
    } catch (error) {
      mount(results, notice("error", "Import failed", (error as Error).message));
    }
    progressBox.hidden = true;
    onChanged();
    await refreshSources();
  };

  const connectionsBox = h("div", {});
  const pathInput = h("input", {
    type: "text",
    placeholder: "/path/to/export.csv or a folder",
    "data-testid": "import-path",
    size: 48,
  }) as HTMLInputElement;
  mount(
    root,
    h("h1", {}, "Data"),
    h(
      "div",
      { class: "dropzone", "data-testid": "dropzone" },
      h("p", {}, "Drop billing files or folders here, or"),
      h(
        "button",
        { class: "primary", onclick: () => run(() => api.pickAndImport(false, showProgress)) },
        "Import files…",
      ),
      h(
        "button",
        { onclick: () => run(() => api.pickAndImport(true, showProgress)) },
        "Import a folder…",
      ),
      h(
        "button",
        { "data-testid": "load-demo-data", onclick: () => run(() => api.loadDemo()) },
        "Load demo data",
      ),
      h(
        "form",
        {
          class: "inline",
          onsubmit: (e: Event) => {
            e.preventDefault();
            const p = pathInput.value.trim();
            if (p) void run(() => api.importPaths([p], showProgress));
          },
        },
        pathInput,
        h("button", { type: "submit", "data-testid": "import-path-button" }, "Import path"),
      ),
      h(
        "p",
        { class: "muted" },
        "AWS CUR (legacy, Athena, 2.0), Azure cost details (EA, MCA, PAYG; actual and amortized, which pair up), GCP billing export, Oracle Cloud cost reports, FOCUS 1.0–1.3. Importing the same file twice changes nothing; another part of a delivery is added; a re-delivered month replaces the old one; where a file could be either, you choose.",
      ),
    ),
    progressBox,
    results,
    h("h2", {}, "Sources"),
    sourcesBox,
    focusExportPanel(toast),
    connectionsBox,
  );
  unlistenDrop?.();
  unlistenDrop = null;
  try {
    unlistenDrop = await getCurrentWebview().onDragDropEvent((event) => {
      if (event.payload.type === "drop" && event.payload.paths.length > 0) {
        const paths = event.payload.paths;
        void run(() => api.importPaths(paths, showProgress));
      }
    });
  } catch {
    // Outside the app window (tests): no drag and drop.
  }
  await Promise.all([
    refreshSources(),
    connectionsPanel(connectionsBox, toast, () => void refreshSources()),
  ]);
  if (options.loadDemo) await run(() => api.loadDemo());
}
