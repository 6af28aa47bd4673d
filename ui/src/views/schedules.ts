// Creating, editing, running and deleting schedules (the config file's
// [[schedules]]), with their next runs and the run history.

import { api } from "../api";
import type { ReportInfo, ScheduleForm, ScheduleRun, Schedules } from "../bindings";
import { confirmButton, h, mount } from "../dom";

export const WINDOWS: [string, string][] = [
  ["last_full_month", "Last full month"],
  ["month_to_date", "Month to date"],
  ["yesterday", "Yesterday"],
  ["last_7_days", "Last 7 days"],
  ["last_30_days", "Last 30 days"],
  ["all", "All data"],
];

export function emptyForm(): ScheduleForm {
  return {
    name: "",
    reports: [],
    cron: "0 6 1 * *",
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
    window: "last_full_month",
    output_dir: "",
    file_name: "{report}-{from}_{to}.csv",
    chart: null,
    keep: null,
    pull: false,
    when_empty: "warn",
  };
}

/** Reads the form's fields; `keep` empty means keep every file. */
export function readForm(form: HTMLFormElement, reports: string[]): ScheduleForm {
  const value = (name: string) =>
    (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value.trim();
  const keep = value("keep");
  return {
    name: value("name"),
    reports,
    cron: value("cron"),
    timezone: value("timezone"),
    window: value("window"),
    output_dir: value("output_dir"),
    file_name: value("file_name"),
    chart: value("chart") || null,
    keep: keep ? Number(keep) : null,
    pull: (form.elements.namedItem("pull") as HTMLInputElement).checked,
    when_empty: value("when_empty"),
  };
}

/** One run's outcome in words: ok, a warning (no data, or only part), or failed. */
export function runOutcome(run: ScheduleRun): { label: string; detail: string; css: string } {
  if (!run.ok) {
    return { label: "failed", detail: run.failures.join("; "), css: "failed" };
  }
  const files = run.files
    .map((f) => (f.rows === null ? f.path : `${f.path} (${f.rows} rows)`))
    .join(", ");
  if (run.warnings.length > 0) {
    return {
      label: "warning",
      detail: [run.warnings.join("; "), files].filter((t) => t !== "").join(" · "),
      css: "warning",
    };
  }
  return { label: "ok", detail: files, css: "" };
}

export function schedulesPanel(
  reports: ReportInfo[],
  schedules: Schedules,
  toast: (m: string) => void,
  refresh: () => void,
): HTMLElement {
  const editor = h("div", {});
  const edit = (original: string | null, start: ScheduleForm) => {
    const error = h("p", { class: "failed", role: "alert" });
    const field = (
      label: string,
      name: string,
      value: string,
      attrs: Record<string, string> = {},
    ) =>
      h(
        "label",
        {},
        label,
        h("input", { name, value, "data-testid": `schedule-${name}`, ...attrs }),
      );
    const reportBoxes = reports.map((r) =>
      h(
        "label",
        { class: "check" },
        h("input", { type: "checkbox", value: r.name, checked: start.reports.includes(r.name) }),
        ` ${r.title}`,
      ),
    );
    const form = h(
      "form",
      {
        class: "schedule-form",
        "data-testid": "schedule-form",
        // The engine's checks name the field; the browser's are silent.
        novalidate: true,
        onsubmit: async (e: Event) => {
          e.preventDefault();
          const chosen = reportBoxes
            .map((b) => b.querySelector("input"))
            .filter((i): i is HTMLInputElement => i?.checked === true)
            .map((i) => i.value);
          try {
            await api.saveSchedule(original, readForm(form as HTMLFormElement, chosen));
            toast(original ? `Saved ${original}` : "Schedule added");
            refresh();
          } catch (err) {
            error.textContent = (err as Error).message;
          }
        },
      },
      h("h3", {}, original ? `Edit ${original}` : "New schedule"),
      field("Name ", "name", start.name, { required: "required" }),
      field("Cron ", "cron", start.cron, {
        title: "minute hour day-of-month month day-of-week, e.g. 0 6 1 * * = 06:00 on the 1st",
      }),
      field("Time zone ", "timezone", start.timezone),
      h(
        "label",
        {},
        "Window ",
        h(
          "select",
          { name: "window" },
          WINDOWS.map(([v, l]) => h("option", { value: v, selected: v === start.window }, l)),
        ),
      ),
      field("Output folder ", "output_dir", start.output_dir, { required: "required", size: "40" }),
      field("File name ", "file_name", start.file_name, {
        title:
          "{report} {schedule} {date} (the run's day), {from} {to} (the window's first and last day)",
      }),
      h(
        "label",
        {},
        "When the window has no data ",
        h(
          "select",
          { name: "when_empty" },
          [
            ["warn", "warn, write nothing"],
            ["fail", "fail, write nothing"],
          ].map(([v, l]) => h("option", { value: v, selected: start.when_empty === v }, l)),
        ),
      ),
      h(
        "label",
        {},
        "Chart ",
        h(
          "select",
          { name: "chart" },
          [
            ["", "none"],
            ["png", "PNG"],
            ["svg", "SVG"],
          ].map(([v, l]) => h("option", { value: v, selected: (start.chart ?? "") === v }, l)),
        ),
      ),
      field("Keep files ", "keep", start.keep === null ? "" : String(start.keep), {
        type: "number",
        min: "1",
        placeholder: "all",
      }),
      h(
        "label",
        {},
        h("input", { type: "checkbox", name: "pull", checked: start.pull }),
        " pull cloud connections first (runs from the CLI scheduler)",
      ),
      h("fieldset", {}, h("legend", {}, "Reports"), reportBoxes),
      error,
      h(
        "div",
        {},
        h("button", { type: "submit", class: "primary", "data-testid": "schedule-save" }, "Save"),
        h("button", { type: "button", onclick: () => mount(editor) }, "Cancel"),
      ),
    );
    mount(editor, form);
  };
  return h(
    "div",
    {},
    h(
      "div",
      { class: "panel-head" },
      h("h2", {}, "Schedules"),
      h(
        "button",
        { "data-testid": "schedule-new", onclick: () => edit(null, emptyForm()) },
        "New schedule",
      ),
    ),
    editor,
    schedules.schedules.length === 0
      ? h(
          "p",
          { class: "muted" },
          "No schedules yet. A schedule exports reports as CSV files on a cron; it runs while this app is open, or from cron or systemd with `burnrate schedule run-due`.",
        )
      : h(
          "table",
          { "data-testid": "schedule-table" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ["Name", "Cron", "Window", "Reports", "Next run", ""].map((c) => h("th", {}, c)),
            ),
          ),
          h(
            "tbody",
            {},
            schedules.schedules.map((s) =>
              h(
                "tr",
                {},
                h("td", {}, s.form.name),
                h("td", { class: "mono" }, `${s.form.cron} (${s.form.timezone})`),
                h("td", {}, s.form.window),
                h("td", {}, s.form.reports.join(", ")),
                h("td", {}, s.next_run_local ?? "never"),
                h(
                  "td",
                  {},
                  h("button", { onclick: () => edit(s.form.name, s.form) }, "Edit"),
                  h(
                    "button",
                    {
                      onclick: async () => {
                        try {
                          const run = await api.runSchedule(s.form.name);
                          const outcome = runOutcome(run);
                          toast(
                            outcome.label === "ok"
                              ? `Wrote ${run.outputs.length} file(s)`
                              : `${outcome.label === "failed" ? "Failed" : "Warning"}: ${outcome.detail}`,
                          );
                        } catch (err) {
                          toast((err as Error).message);
                        }
                        refresh();
                      },
                    },
                    "Run now",
                  ),
                  confirmButton("Delete", "Delete? Files it wrote stay", async () => {
                    await api.removeSchedule(s.form.name);
                    toast(`Deleted ${s.form.name}`);
                    refresh();
                  }),
                ),
              ),
            ),
          ),
        ),
    h("h2", {}, "Run history"),
    schedules.runs.length === 0
      ? h("p", { class: "muted" }, "No runs yet.")
      : h(
          "table",
          { "data-testid": "run-history" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ["Schedule", "Due", "Result", "Files (rows), or what went wrong"].map((c) =>
                h("th", {}, c),
              ),
            ),
          ),
          h(
            "tbody",
            {},
            schedules.runs.map((r) => {
              const outcome = runOutcome(r);
              return h(
                "tr",
                { class: outcome.css },
                h("td", {}, r.schedule),
                h("td", {}, `${r.due.slice(0, 16).replace("T", " ")} UTC`),
                h("td", {}, outcome.label),
                h("td", { class: "mono" }, outcome.detail),
              );
            }),
          ),
        ),
  );
}
