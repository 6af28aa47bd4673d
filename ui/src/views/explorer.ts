import { api } from "../api";
import type { CostMeasure, Explore, ExploreQuery, Period } from "../bindings";
import { MEASURES, PERIODS } from "../bindings";
import { chart, periodLabel, stackedOption, treemapOption } from "../charts";
import { toCsv } from "../csv";
import { h, mount, notice } from "../dom";
import { groupLabel, measureLabel, money } from "../format";
import { DIMENSIONS, withFilter, withoutFilter } from "../state";
import { linesPanel } from "./lines";

export interface ExplorerState {
  query: ExploreQuery;
  area: boolean;
}

function select(
  id: string,
  value: string,
  options: [string, string][],
  onchange: (v: string) => void,
): HTMLSelectElement {
  const element = h(
    "select",
    {
      id,
      "data-testid": id,
      onchange: (e: Event) => onchange((e.target as HTMLSelectElement).value),
    },
    options.map(([v, label]) => h("option", { value: v, selected: v === value }, label)),
  ) as HTMLSelectElement;
  return element;
}

let latestRender = 0;

/** The periods as the axis shows them: months as 2026-10, weeks and days
 * by their first day; a period the data covers only in part says so. */
export function periodLabels(result: Explore, period: Period): string[] {
  return result.periods.map((start, i) =>
    periodLabel(period === "month" ? start.slice(0, 7) : start, result.partial[i]),
  );
}

export async function explorerView(
  root: HTMLElement,
  state: ExplorerState,
  toast: (m: string) => void,
): Promise<void> {
  // A newer render (the user changed the query meanwhile) wins over this one.
  const thisRender = ++latestRender;
  const render = () => explorerView(root, state, toast);
  const update = (query: ExploreQuery) => {
    state.query = query;
    void render();
  };
  const q = state.query;
  const groupOptions: [string, string][] = [...DIMENSIONS];
  if (!groupOptions.some(([v]) => v === q.group_by)) groupOptions.push([q.group_by, q.group_by]);
  const tagInput = h("input", {
    type: "text",
    placeholder: "tag key, e.g. team",
    "data-testid": "tag-key",
    size: 14,
  }) as HTMLInputElement;
  const controls = h(
    "div",
    { class: "controls" },
    h(
      "label",
      {},
      "Group by ",
      select("group-by", q.group_by, groupOptions, (v) => update({ ...q, group_by: v })),
    ),
    h(
      "form",
      {
        class: "inline",
        onsubmit: (e: Event) => {
          e.preventDefault();
          if (tagInput.value.trim()) update({ ...q, group_by: `tag:${tagInput.value.trim()}` });
        },
      },
      tagInput,
      h("button", { type: "submit" }, "Group by tag"),
    ),
    h(
      "label",
      {},
      "Cost ",
      select("measure", q.measure, MEASURES, (v) => update({ ...q, measure: v as CostMeasure })),
    ),
    h(
      "label",
      {},
      "Per ",
      select("period", q.period, PERIODS, (v) => update({ ...q, period: v as Period })),
    ),
    h(
      "label",
      {},
      "From ",
      h("input", {
        type: "date",
        value: q.from ?? "",
        "data-testid": "from",
        onchange: (e: Event) =>
          update({ ...q, from: (e.target as HTMLInputElement).value || null }),
      }),
    ),
    h(
      "label",
      {},
      "To (excl.) ",
      h("input", {
        type: "date",
        value: q.to ?? "",
        "data-testid": "to",
        onchange: (e: Event) => update({ ...q, to: (e.target as HTMLInputElement).value || null }),
      }),
    ),
    h(
      "label",
      {},
      "Chart ",
      select(
        "chart-kind",
        state.area ? "area" : "bars",
        [
          ["bars", "Stacked bars"],
          ["area", "Stacked area"],
        ],
        (v) => {
          state.area = v === "area";
          void render();
        },
      ),
    ),
  );
  const filterDimension = select(
    "filter-dimension",
    "service",
    [...DIMENSIONS.map(([v, l]) => [v, l] as [string, string]), ["tag:", "Tag (key:value)"]],
    () => undefined,
  );
  const filterValue = h("input", {
    type: "text",
    placeholder: "value, e.g. AWS Lambda",
    "data-testid": "filter-value",
    size: 20,
  }) as HTMLInputElement;
  const addFilter = (e: Event) => {
    e.preventDefault();
    const text = filterValue.value.trim();
    if (!text) return;
    if (filterDimension.value === "tag:") {
      const [key, ...rest] = text.split(":");
      if (!key || rest.length === 0) return;
      update(withFilter(q, { dimension: `tag:${key.trim()}`, value: rest.join(":").trim() }));
    } else {
      update(withFilter(q, { dimension: filterDimension.value, value: text }));
    }
  };
  const filters = h(
    "div",
    { class: "filters", "data-testid": "filters" },
    h(
      "form",
      { class: "inline", onsubmit: addFilter },
      "Filter ",
      filterDimension,
      filterValue,
      h("button", { type: "submit" }, "Add"),
    ),
    q.filters.length === 0
      ? h("span", { class: "muted" }, "No filters: click a row to drill into it.")
      : null,
    q.filters.map((f) =>
      h(
        "span",
        { class: "chip" },
        `${f.dimension} = ${f.value} `,
        h(
          "button",
          {
            "aria-label": `remove filter ${f.dimension}`,
            onclick: () => update(withoutFilter(q, f.dimension)),
          },
          "×",
        ),
      ),
    ),
  );
  const body = h("div", {}, notice("loading", "Computing…"));
  mount(root, h("h1", {}, "Cost explorer"), controls, filters, body);

  let result: Explore;
  const started = performance.now();
  try {
    result = await api.explore(q);
  } catch (error) {
    if (thisRender === latestRender)
      mount(body, notice("error", "This view could not be computed", (error as Error).message));
    return;
  }
  if (thisRender !== latestRender) return;
  const elapsed = performance.now() - started;
  root.dataset.elapsedMs = elapsed.toFixed(0);
  if (result.rows.length === 0) {
    mount(
      body,
      notice(
        "empty",
        "No cost matches",
        "Widen the date range, remove a filter, or import data in Data.",
      ),
    );
    return;
  }
  const linesBox = h("div", { class: "lines-box" });
  const sections = result.totals.map((total) => {
    const currency = total.currency;
    const series = result.series.filter((s) => s.currency === currency);
    const rows = result.rows.filter((r) => r.currency === currency);
    const labels = periodLabels(result, q.period);
    const over = h("div", {
      class: "chart tall",
      "data-testid": `explore-chart-${currency}`,
      // Every period from the first to the last (a continuous axis), for tests.
      "data-periods": result.periods.join(","),
    });
    const tree = h("div", { class: "chart" });
    queueMicrotask(() => {
      chart(over, stackedOption(labels, series, currency, state.area));
      chart(
        tree,
        treemapOption(
          rows.map((r) => ({
            name: groupLabel(r),
            value: r[q.measure],
          })),
          currency,
        ),
      );
    });
    const exportCsv = async () => {
      // Accounts get their name beside the id, as `burnrate explore` writes them.
      const named = rows.some((r) => r.account_name !== null);
      const csv = toCsv(
        [
          result.group_by,
          ...(named ? [`${result.group_by}_name`] : []),
          "currency",
          "billed_cost",
          "effective_cost",
          "list_cost",
        ],
        rows.map((r) => [
          r.name,
          ...(named ? [r.account_name ?? ""] : []),
          r.currency,
          r.billed.toFixed(2),
          r.effective.toFixed(2),
          r.list.toFixed(2),
        ]),
      );
      const saved = await api.exportCsv(
        `explore-${result.group_by.replace(/[^a-z0-9]+/gi, "-")}.csv`,
        csv,
      );
      if (saved) toast(`Saved ${saved}`);
    };
    return h(
      "section",
      { class: "currency" },
      h(
        "h2",
        {},
        `${currency}: ${money(total[q.measure], currency)} ${measureLabel(q.measure).toLowerCase()}`,
      ),
      h("div", { class: "panel" }, over),
      h("div", { class: "panel" }, h("h3", {}, "Allocation"), tree),
      h(
        "div",
        { class: "panel" },
        h(
          "div",
          { class: "panel-head" },
          h("h3", {}, `By ${result.group_by} (${rows.length})`),
          h("button", { onclick: exportCsv, "data-testid": "export-explore" }, "Export CSV"),
        ),
        h(
          "table",
          { "data-testid": "explore-table" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", {}, result.group_by),
              h("th", { class: "num" }, "Billed"),
              h("th", { class: "num" }, "Effective"),
              h("th", { class: "num" }, "List"),
              h("th", {}, ""),
            ),
          ),
          h(
            "tbody",
            {},
            rows.slice(0, 500).map((r) =>
              h(
                "tr",
                {
                  class: "clickable",
                  tabindex: 0,
                  title: `Filter on ${groupLabel(r)}`,
                  onclick: () =>
                    update(withFilter(q, { dimension: result.group_by, value: r.name })),
                  onkeydown: (e: KeyboardEvent) => {
                    if (e.key === "Enter")
                      update(withFilter(q, { dimension: result.group_by, value: r.name }));
                  },
                },
                h("td", {}, groupLabel(r)),
                h("td", { class: "num" }, money(r.billed, currency)),
                h("td", { class: "num" }, money(r.effective, currency)),
                h("td", { class: "num" }, money(r.list, currency)),
                h(
                  "td",
                  {},
                  h(
                    "button",
                    {
                      class: "small",
                      "data-testid": "group-lines",
                      title: `The billing lines behind ${groupLabel(r)}`,
                      onclick: (e: Event) => {
                        // The row's own click filters; this opens its lines.
                        e.stopPropagation();
                        const query = {
                          filters: [...q.filters, { dimension: result.group_by, value: r.name }],
                          from: q.from,
                          to: q.to,
                        };
                        void linesPanel(
                          linesBox,
                          `Billing lines: ${result.group_by} = ${groupLabel(r)}`,
                          query,
                          `lines-${r.name.replace(/[^a-z0-9]+/gi, "-")}.csv`,
                          toast,
                        ).then(() => linesBox.scrollIntoView({ block: "start" }));
                      },
                    },
                    "Lines",
                  ),
                ),
              ),
            ),
          ),
          h(
            "tfoot",
            {},
            h(
              "tr",
              {},
              h("th", {}, "Total"),
              h(
                "th",
                { class: "num", "data-testid": `explore-total-billed-${currency}` },
                money(total.billed, currency),
              ),
              h("th", { class: "num" }, money(total.effective, currency)),
              h("th", { class: "num" }, money(total.list, currency)),
              h("th", {}, ""),
            ),
          ),
        ),
      ),
    );
  });
  mount(
    body,
    result.currency_note ? h("p", { class: "note" }, result.currency_note) : null,
    result.partial.some(Boolean)
      ? h(
          "p",
          { class: "muted" },
          `(part): the data or the chosen dates cover that ${q.period} only in part; every ${q.period} between the first and the last is on the axis, with no cost where there are no charges.`,
        )
      : null,
    h(
      "p",
      { class: "muted", "data-testid": "explore-timing" },
      `${result.rows.length} groups · answered in ${elapsed.toFixed(0)} ms`,
    ),
    sections,
    linesBox,
  );
}
