import { api } from "../api";
import type { ChartData, ReportInfo, Table } from "../bindings";
import { chart, reportPanelOption } from "../charts";
import { h, mount, notice } from "../dom";
import { money } from "../format";
import { schedulesPanel } from "./schedules";

/** A report column's header as people read it: `billed_cost` is "Billed
 * cost", `savings_pct` "Savings %". */
export function readableHeader(column: string): string {
  const words = column.replace(/_pct$/, " %").replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Money columns by name, in a table with a currency column. */
function isMoney(column: string): boolean {
  return /(cost|savings|change)$/.test(column);
}

/** One cell: money in its row's currency, percentages with %, other
 * numbers rounded (below a cent is 0, never -0). */
export function reportCell(
  column: string,
  value: string | number | null,
  currency: string | null,
): string {
  if (value === null) return "";
  if (typeof value !== "number") return value;
  const rounded = Math.round(value * 100) / 100 + 0;
  if (column.endsWith("_pct")) return `${rounded.toFixed(1)}%`;
  if (currency && isMoney(column)) return money(rounded, currency);
  return rounded.toLocaleString("en-US", { maximumFractionDigits: 2 });
}

/** The report's rows as a table whose every column sorts (the first 200
 * rows shown; the CSV has them all). */
export function reportTable(table: Table): HTMLElement {
  const currencyAt = table.columns.indexOf("currency");
  let sortBy = -1;
  let ascending = true;
  const body = h("tbody", {});
  const fill = () => {
    const rows = [...table.rows];
    if (sortBy >= 0) {
      rows.sort((a, b) => {
        const [x, y] = [a[sortBy], b[sortBy]];
        const order =
          typeof x === "number" && typeof y === "number"
            ? x - y
            : String(x ?? "").localeCompare(String(y ?? ""));
        return ascending ? order : -order;
      });
    }
    mount(
      body,
      rows.slice(0, 200).map((row) =>
        h(
          "tr",
          {},
          row.map((cell, i) =>
            h(
              "td",
              { class: typeof cell === "number" ? "num" : "" },
              reportCell(
                table.columns[i],
                cell,
                currencyAt >= 0 ? String(row[currencyAt] ?? "") || null : null,
              ),
            ),
          ),
        ),
      ),
    );
  };
  const headers = table.columns.map((c, i) =>
    h(
      "th",
      {
        class: "clickable",
        title: `Sort by ${readableHeader(c)}`,
        onclick: () => {
          ascending = sortBy === i ? !ascending : typeof table.rows[0]?.[i] !== "number";
          sortBy = i;
          headers.forEach((th, j) => {
            th.textContent =
              readableHeader(table.columns[j]) + (j === sortBy ? (ascending ? " ▲" : " ▼") : "");
          });
          fill();
        },
      },
      readableHeader(c),
    ),
  );
  fill();
  return h("table", { "data-testid": "report-table" }, h("thead", {}, h("tr", {}, headers)), body);
}

/** The report's chart as the engine reduced it: one chart per currency
 * (never dollars and euros on one axis), what it leaves out said above it. */
export function reportCharts(drawn: ChartData): HTMLElement | null {
  if (drawn.panels.length === 0) return null;
  const partial = drawn.panels.some((p) => p.partial.some(Boolean));
  const about = [
    `${readableHeader(drawn.y)} by ${readableHeader(drawn.x).toLowerCase()}`,
    drawn.note,
    drawn.panels.length > 1 ? "one chart per currency" : null,
    partial ? "(part): the data covers that period only in part" : null,
  ].filter(Boolean);
  return h(
    "div",
    { "data-testid": "report-charts" },
    h("p", { class: "muted" }, `Chart: ${about.join("; ")}.`),
    drawn.panels.map((panel) => {
      const box = h("div", { class: "chart", "data-currency": panel.currency });
      queueMicrotask(() => chart(box, reportPanelOption(drawn, panel)));
      return h("div", {}, drawn.panels.length > 1 ? h("h3", {}, panel.currency) : null, box);
    }),
  );
}

export async function reportsView(root: HTMLElement, toast: (m: string) => void): Promise<void> {
  mount(root, h("h1", {}, "Reports and schedules"), notice("loading", "Loading reports…"));
  const [reports, schedules] = await Promise.all([api.reports(), api.schedules()]);
  const schedulesBox = h("div", {});
  const refreshSchedules = async () =>
    mount(
      schedulesBox,
      schedulesPanel(reports, await api.schedules(), toast, () => void refreshSchedules()),
    );
  mount(
    schedulesBox,
    schedulesPanel(reports, schedules, toast, () => void refreshSchedules()),
  );
  const preview = h("div", {});
  let from = "";
  let to = "";
  const runReport = async (report: ReportInfo) => {
    mount(preview, notice("loading", `Running ${report.title}…`));
    try {
      const { table, chart: drawn } = await api.runReport(report.name, from, to);
      mount(
        preview,
        h(
          "div",
          { class: "panel-head" },
          h("h2", {}, report.title),
          h(
            "button",
            {
              "data-testid": "export-report",
              onclick: async () => {
                const saved = await api.exportReport(report.name, from, to);
                if (saved) toast(`Saved ${saved}`);
              },
            },
            "Export CSV",
          ),
        ),
        h("p", { class: "muted" }, report.description),
        drawn ? reportCharts(drawn) : null,
        reportTable(table),
        table.rows.length > 200
          ? h(
              "p",
              { class: "muted" },
              `Showing 200 of ${table.rows.length} rows; the CSV has all of them.`,
            )
          : null,
        table.rows.length === 0
          ? notice("empty", "The report returned no rows", "Widen the date range or import data.")
          : null,
      );
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
      h(
        "label",
        {},
        "From ",
        h("input", {
          type: "date",
          onchange: (e: Event) => {
            from = (e.target as HTMLInputElement).value;
          },
        }),
      ),
      h(
        "label",
        {},
        "To (excl.) ",
        h("input", {
          type: "date",
          onchange: (e: Event) => {
            to = (e.target as HTMLInputElement).value;
          },
        }),
      ),
    ),
    h(
      "div",
      { class: "reports-split" },
      h(
        "ul",
        { class: "report-list", "data-testid": "report-list" },
        reports.map((r) =>
          h(
            "li",
            {},
            h(
              "button",
              {
                class: "link",
                "data-report": r.name,
                onclick: () => runReport(r),
                title: r.description,
              },
              r.title,
            ),
          ),
        ),
      ),
      preview,
    ),
    schedulesBox,
  );
}
