import { api } from "../api";
import type { ReportChart, ReportInfo, Table } from "../bindings";
import { barsOption, chart, lineOption } from "../charts";
import { h, mount, notice } from "../dom";
import { money } from "../format";
import { schedulesPanel } from "./schedules";

/** The columns to chart: the report's declared x and y, else the first
 * text column and the first money-like column. */
export function chartColumns(
  table: Table,
  chart: ReportChart | null = null,
): { label: number; value: number; currency: number } | null {
  const currency = table.columns.findIndex((c) => c === "currency" || c === "BillingCurrency");
  if (chart) {
    const label = table.columns.indexOf(chart.x);
    const value = table.columns.indexOf(chart.y);
    if (label >= 0 && value >= 0) return { label, value, currency };
  }
  const label = table.columns.findIndex((_, i) => table.rows.some((r) => typeof r[i] === "string"));
  const value = table.columns.findIndex(
    (c, i) => /cost|savings|amount/i.test(c) && table.rows.some((r) => typeof r[i] === "number"),
  );
  return label >= 0 && value >= 0 ? { label, value, currency } : null;
}

/** The currency with the largest total in a column: one currency per axis. */
export function largestCurrency(table: Table, value: number, currency: number): string {
  if (currency < 0) return "USD";
  const totals = new Map<string, number>();
  for (const row of table.rows) {
    const code = String(row[currency] ?? "");
    totals.set(code, (totals.get(code) ?? 0) + Math.abs(Number(row[value] ?? 0)));
  }
  return [...totals].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "USD";
}

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
function reportTable(table: Table): HTMLElement {
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
      const table = await api.runReport(report.name, from, to);
      const columns = chartColumns(table, report.chart);
      const chartBox = h("div", { class: "chart" });
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
        columns ? chartBox : null,
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
      if (columns) {
        const currency = largestCurrency(table, columns.value, columns.currency);
        const rows = table.rows.filter(
          (r) => columns.currency < 0 || r[columns.currency] === currency,
        );
        if (report.chart && report.chart.kind !== "bar") {
          // Over time: one point per x, summed across series.
          const sums = new Map<string, number>();
          for (const r of rows)
            sums.set(
              String(r[columns.label] ?? ""),
              (sums.get(String(r[columns.label] ?? "")) ?? 0) + Number(r[columns.value] ?? 0),
            );
          const xs = [...sums.keys()].sort();
          queueMicrotask(() =>
            chart(
              chartBox,
              lineOption(
                xs,
                xs.map((x) => sums.get(x) ?? 0),
                currency,
              ),
            ),
          );
        } else {
          const slices = rows.slice(0, 15).map((r) => ({
            name: String(r[columns.label] ?? ""),
            cost: Number(r[columns.value] ?? 0),
          }));
          queueMicrotask(() => chart(chartBox, barsOption(slices, currency)));
        }
        chartBox.before(
          h(
            "p",
            { class: "muted" },
            `Chart: ${table.columns[columns.value]} by ${table.columns[columns.label]}, ${currency} rows (one currency per axis).`,
          ),
        );
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
