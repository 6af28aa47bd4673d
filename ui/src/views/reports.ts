import { api } from "../api";
import type { ReportInfo, Table } from "../bindings";
import { barsOption, chart } from "../charts";
import { h, mount, notice } from "../dom";
import { schedulesPanel } from "./schedules";

/** The first text column and first money-like column, for a quick chart. */
export function chartColumns(table: Table): { label: number; value: number; currency: number } | null {
  const label = table.columns.findIndex((_, i) => table.rows.some((r) => typeof r[i] === "string"));
  const value = table.columns.findIndex((c, i) => /cost|savings|amount/i.test(c) && table.rows.some((r) => typeof r[i] === "number"));
  const currency = table.columns.findIndex((c) => c === "currency" || c === "BillingCurrency");
  return label >= 0 && value >= 0 ? { label, value, currency } : null;
}

function cellText(value: string | number | null): string {
  if (value === null) return "";
  // `+ 0` turns -0 into 0.
  return typeof value === "number" ? (value + 0).toLocaleString("en-US", { maximumFractionDigits: 2 }) : value;
}

export async function reportsView(root: HTMLElement, toast: (m: string) => void): Promise<void> {
  mount(root, h("h1", {}, "Reports and schedules"), notice("loading", "Loading reports…"));
  const [reports, schedules] = await Promise.all([api.reports(), api.schedules()]);
  const schedulesBox = h("div", {});
  const refreshSchedules = async () => mount(schedulesBox, schedulesPanel(reports, await api.schedules(), toast, () => void refreshSchedules()));
  mount(schedulesBox, schedulesPanel(reports, schedules, toast, () => void refreshSchedules()));
  const preview = h("div", {});
  let from = "";
  let to = "";
  const runReport = async (report: ReportInfo) => {
    mount(preview, notice("loading", `Running ${report.title}…`));
    try {
      const table = await api.runReport(report.name, from, to);
      const columns = chartColumns(table);
      const chartBox = h("div", { class: "chart" });
      mount(
        preview,
        h(
          "div",
          { class: "panel-head" },
          h("h2", {}, report.title),
          h("button", { "data-testid": "export-report", onclick: async () => { const saved = await api.exportReport(report.name, from, to); if (saved) toast(`Saved ${saved}`); } }, "Export CSV"),
        ),
        h("p", { class: "muted" }, report.description),
        columns ? chartBox : null,
        h(
          "table",
          { "data-testid": "report-table" },
          h("thead", {}, h("tr", {}, table.columns.map((c) => h("th", {}, c)))),
          h("tbody", {}, table.rows.slice(0, 200).map((row) => h("tr", {}, row.map((cell) => h("td", { class: typeof cell === "number" ? "num" : "" }, cellText(cell)))))),
        ),
        table.rows.length > 200 ? h("p", { class: "muted" }, `Showing 200 of ${table.rows.length} rows; the CSV has all of them.`) : null,
        table.rows.length === 0 ? notice("empty", "The report returned no rows", "Widen the date range or import data.") : null,
      );
      if (columns) {
        const currency = columns.currency >= 0 ? String(table.rows[0]?.[columns.currency] ?? "USD") : "USD";
        const slices = table.rows
          .filter((r) => columns.currency < 0 || r[columns.currency] === currency)
          .slice(0, 15)
          .map((r) => ({ name: String(r[columns.label] ?? ""), cost: Number(r[columns.value] ?? 0) }));
        queueMicrotask(() => chart(chartBox, barsOption(slices, currency)));
      }
    } catch (error) {
      mount(preview, notice("error", `${report.title} failed`, (error as Error).message));
    }
  };
  mount(
    root,
    h("h1", {}, "Reports and schedules"),
    h(
      "div",
      { class: "controls" },
      h("label", {}, "From ", h("input", { type: "date", onchange: (e: Event) => { from = (e.target as HTMLInputElement).value; } })),
      h("label", {}, "To (excl.) ", h("input", { type: "date", onchange: (e: Event) => { to = (e.target as HTMLInputElement).value; } })),
    ),
    h(
      "div",
      { class: "reports-split" },
      h("ul", { class: "report-list", "data-testid": "report-list" }, reports.map((r) => h("li", {}, h("button", { class: "link", "data-report": r.name, onclick: () => runReport(r), title: r.description }, r.title)))),
      preview,
    ),
    schedulesBox,
  );
}
