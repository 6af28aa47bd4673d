import { api } from "../api";
import type {
  Compare,
  ComparedGroup,
  CostMeasure,
  DateRange,
  Explore,
  ExploreQuery,
  Filter,
  Period,
} from "../bindings";
import { MEASURES, PERIODS, RANGES } from "../bindings";
import { chart, periodLabel, stackedOption, treemapOption } from "../charts";
import { toCsv } from "../csv";
import { h, mount, notice } from "../dom";
import { groupLabel, measureLabel, money, percent } from "../format";
import {
  DIMENSIONS,
  defaultQuery,
  drillInto,
  filterLabel,
  withoutFilter,
  withValue,
} from "../state";
import { linesPanel } from "./lines";

export interface ExplorerState {
  query: ExploreQuery;
  area: boolean;
  /** The days the last answer showed: "Custom dates" start from them, so a
   * date field is never blank (WebKit greys today's date into a blank one). */
  shown: { from: string | null; to: string | null };
  /** The data's tag keys, asked once. */
  tagKeys: string[] | null;
}

export function defaultExplorerState(): ExplorerState {
  return { query: defaultQuery(), area: false, shown: { from: null, to: null }, tagKeys: null };
}

/** Chart series the explorer can name before summing the rest as "(other)". */
const TOPS = [5, 10, 12, 20, 50];
const DEFAULT_TOP = 12;

const COMPARES: [string, string][] = [
  ["", "No comparison"],
  ["previous_period", "Previous period"],
  ["year_before", "Same days a year before"],
];

function select(
  id: string,
  value: string,
  options: [string, string][],
  onchange: (v: string) => void,
): HTMLSelectElement {
  return h(
    "select",
    {
      id,
      "data-testid": id,
      onchange: (e: Event) => onchange((e.target as HTMLSelectElement).value),
    },
    options.map(([v, label]) => h("option", { value: v, selected: v === value }, label)),
  ) as HTMLSelectElement;
}

let latestRender = 0;

/** The periods as the axis shows them: months as 2026-10, weeks and days
 * by their first day; a period the data covers only in part says so. */
export function periodLabels(result: Explore, period: Period): string[] {
  return result.periods.map((start, i) =>
    periodLabel(period === "month" ? start.slice(0, 7) : start, result.partial[i]),
  );
}

/** Dimensions to group or filter by: the engine's, then the data's tag keys. */
export function dimensionChoices(tagKeys: string[], current?: string): [string, string][] {
  const choices: [string, string][] = [
    ...DIMENSIONS,
    ...tagKeys.map((k): [string, string] => [`tag:${k}`, `Tag: ${k}`]),
  ];
  if (current && !choices.some(([v]) => v === current)) choices.push([current, current]);
  return choices;
}

/** The value the user meant: a suggestion spelled alike but for case and
 * spaces ("amazon ec2" is "Amazon EC2"), else what was typed. */
export function matchSuggestion(typed: string, suggestions: string[]): string {
  const text = typed.trim();
  if (suggestions.includes(text)) return text;
  return suggestions.find((s) => s.trim().toLowerCase() === text.toLowerCase()) ?? text;
}

/** A labelled date field; a cleared field gives null. */
function dateInput(
  label: string,
  id: string,
  value: string | null,
  onchange: (day: string | null) => void,
): HTMLElement {
  return h(
    "label",
    {},
    label,
    h("input", {
      type: "date",
      value: value ?? "",
      "data-testid": id,
      onchange: (e: Event) => onchange((e.target as HTMLInputElement).value || null),
    }),
  );
}

/** The range select's value for a query: a preset, custom dates, or all. */
function rangeChoice(q: ExploreQuery): string {
  if (q.range) return q.range;
  return q.from || q.to ? "custom" : "";
}

function compareFrom(value: string): Compare | null {
  if (value === "previous_period") return { kind: "previous_period" };
  if (value === "year_before") return { kind: "year_before" };
  return null;
}

export async function explorerView(
  root: HTMLElement,
  state: ExplorerState,
  toast: (m: string) => void,
  onViewsChanged: () => void,
): Promise<void> {
  // A newer render (the user changed the query meanwhile) wins over this one.
  const thisRender = ++latestRender;
  const render = () => explorerView(root, state, toast, onViewsChanged);
  const update = (query: ExploreQuery) => {
    state.query = query;
    void render();
  };
  const q = state.query;
  if (state.tagKeys === null) state.tagKeys = await api.tagKeys().catch(() => []);
  if (thisRender !== latestRender) return;
  const dimensions = dimensionChoices(state.tagKeys, q.group_by);

  const shownDates = h("span", { class: "muted", "data-testid": "shown-dates" }, "");
  const dates =
    rangeChoice(q) === "custom"
      ? [
          dateInput("From ", "from", q.from ?? state.shown.from, (from) => update({ ...q, from })),
          dateInput("To (excl.) ", "to", q.to ?? state.shown.to, (to) => update({ ...q, to })),
        ]
      : [];
  const controls = h(
    "div",
    { class: "controls" },
    h(
      "label",
      {},
      "Group by ",
      select("group-by", q.group_by, dimensions, (v) => update({ ...q, group_by: v })),
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
    h(
      "label",
      { title: "The largest groups the chart names; the rest are one (other) series" },
      "Top ",
      select(
        "top",
        String(q.top ?? DEFAULT_TOP),
        TOPS.map((n) => [String(n), String(n)]),
        (v) => update({ ...q, top: Number(v) }),
      ),
    ),
  );
  const dateControls = h(
    "div",
    { class: "controls" },
    h(
      "label",
      {},
      "Dates ",
      select(
        "range",
        rangeChoice(q),
        [["", "All data"], ...RANGES, ["custom", "Custom dates"]],
        (v) => {
          if (v === "custom")
            update({ ...q, range: null, from: state.shown.from, to: state.shown.to });
          else update({ ...q, range: v ? (v as DateRange) : null, from: null, to: null });
        },
      ),
    ),
    dates,
    h(
      "label",
      {},
      "Compare with ",
      select("compare", q.compare?.kind ?? "", COMPARES, (v) =>
        update({ ...q, compare: compareFrom(v) }),
      ),
    ),
    shownDates,
  );

  const filterDimension = select("filter-dimension", "service", dimensions, () => {
    void suggest();
  });
  const filterMode = select(
    "filter-mode",
    "is",
    [
      ["is", "is"],
      ["not", "is not"],
    ],
    () => undefined,
  );
  const suggestions = h("datalist", { id: "filter-suggestions" });
  let suggested: string[] = [];
  const suggest = async () => {
    const dimension = filterDimension.value;
    const values = await api.dimensionValues(dimension).catch(() => []);
    if (filterDimension.value !== dimension) return;
    suggested = values.map((v) => v.value);
    mount(
      suggestions,
      values.map((v) => h("option", { value: v.value }, v.account_name ?? "")),
    );
    suggestions.dataset.count = String(values.length);
  };
  const filterValue = h("input", {
    type: "text",
    list: "filter-suggestions",
    placeholder: "value (suggested from the data)",
    "data-testid": "filter-value",
    size: 24,
    onfocus: () => {
      if (suggested.length === 0) void suggest();
    },
  }) as HTMLInputElement;
  const addFilter = (e: Event) => {
    e.preventDefault();
    const text = filterValue.value.trim();
    if (!text) return;
    const value = matchSuggestion(text, suggested);
    update(withValue(q, filterDimension.value, value, filterMode.value === "not"));
  };
  const viewName = h("input", {
    type: "text",
    placeholder: "name this view",
    "data-testid": "view-name",
    size: 18,
  }) as HTMLInputElement;
  const saveView = async (e: Event) => {
    e.preventDefault();
    const name = viewName.value.trim();
    if (!name) {
      toast("Give the view a name first");
      return;
    }
    try {
      await api.saveView({ name, query: q, area: state.area });
      toast(`Saved view "${name}"`);
      onViewsChanged();
    } catch (error) {
      toast((error as Error).message);
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
      filterMode,
      filterValue,
      suggestions,
      h("button", { type: "submit", "data-testid": "add-filter" }, "Add"),
    ),
    q.filters.length === 0
      ? h("span", { class: "muted" }, "No filters: click a row to drill into it.")
      : null,
    q.filters.map((f: Filter) =>
      h(
        "span",
        { class: f.exclude ? "chip exclude" : "chip", "data-testid": "filter-chip" },
        `${filterLabel(f)} `,
        h(
          "button",
          {
            "aria-label": `remove filter ${filterLabel(f)}`,
            onclick: () => update(withoutFilter(q, f)),
          },
          "×",
        ),
      ),
    ),
  );
  const body = h("div", {}, notice("loading", "Computing…"));
  mount(
    root,
    h(
      "div",
      { class: "panel-head" },
      h("h1", {}, "Cost explorer"),
      h(
        "form",
        { class: "inline", onsubmit: saveView },
        viewName,
        h("button", { type: "submit", "data-testid": "save-view" }, "Save view"),
      ),
    ),
    controls,
    dateControls,
    filters,
    body,
  );

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
  state.shown = { from: result.from, to: result.to };
  if (result.from && result.to) {
    shownDates.textContent = `${result.from} to ${lastDay(result.to)}${
      result.last_day ? ` · data to ${result.last_day}` : ""
    }${result.comparison ? ` · compared with ${result.comparison.from} to ${lastDay(result.comparison.to)}` : ""}`;
  }
  const hints = result.hints.length
    ? h(
        "div",
        { class: "note", "data-testid": "explore-hints" },
        result.hints.map((hint) => h("p", {}, hint)),
      )
    : null;
  if (result.rows.length === 0) {
    mount(
      body,
      hints,
      notice(
        "empty",
        "No cost matches",
        "Widen the date range, remove a filter, or import data in Data.",
      ),
    );
    return;
  }
  const linesBox = h("div", { class: "lines-box" });
  const showLines = (name: string, label: string) => {
    const query = {
      filters: [...q.filters, { dimension: result.group_by, values: [name], exclude: false }],
      from: result.from,
      to: result.to,
    };
    void linesPanel(
      linesBox,
      `Billing lines: ${result.group_by} = ${label}`,
      query,
      `lines-${name.replace(/[^a-z0-9]+/gi, "-")}.csv`,
      toast,
    ).then(() => linesBox.scrollIntoView({ block: "start" }));
  };
  const next = result.next_group_by;
  const nextLabel = next ? (dimensions.find(([v]) => v === next)?.[1] ?? next) : null;
  const drill = (name: string, label: string) => {
    if (next) update(drillInto(q, result.group_by, name, next));
    else showLines(name, label);
  };
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
    const compared = result.comparison
      ? comparisonPanel(
          result.comparison.rows.filter((r) => r.currency === currency),
          result.comparison.totals.find((t) => t.currency === currency),
          currency,
          q.measure,
          result.group_by,
        )
      : null;
    return h(
      "section",
      { class: "currency" },
      h(
        "h2",
        {},
        `${currency}: ${money(total[q.measure], currency)} ${measureLabel(q.measure).toLowerCase()}`,
      ),
      h("div", { class: "panel" }, over),
      compared,
      h("div", { class: "panel" }, h("h3", {}, "Allocation"), tree),
      h(
        "div",
        { class: "panel" },
        h(
          "div",
          { class: "panel-head" },
          h(
            "h3",
            {},
            `By ${result.group_by} (${rows.length})`,
            h(
              "span",
              { class: "muted", "data-testid": "drill-hint" },
              nextLabel
                ? ` · click a row to filter on it and see it by ${nextLabel.toLowerCase()}`
                : " · click a row for its billing lines",
            ),
          ),
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
                  title: nextLabel
                    ? `Filter on ${groupLabel(r)}, by ${nextLabel.toLowerCase()}`
                    : `The billing lines behind ${groupLabel(r)}`,
                  onclick: () => drill(r.name, groupLabel(r)),
                  onkeydown: (e: KeyboardEvent) => {
                    if (e.key === "Enter") drill(r.name, groupLabel(r));
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
                        // The row's own click drills in; this opens its lines.
                        e.stopPropagation();
                        showLines(r.name, groupLabel(r));
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
    hints,
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

/** The day before `to` (the first day excluded): the last day shown. */
function lastDay(to: string): string {
  const day = new Date(`${to}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() - 1);
  return day.toISOString().slice(0, 10);
}

/** A share of a total (0..1) as `45.0%`; a dash when there was no total. */
function share(value: number | null): string {
  return value === null ? "–" : `${(value * 100).toFixed(1)}%`;
}

/** Each group's cost in both periods, the largest change first. */
function comparisonPanel(
  rows: ComparedGroup[],
  total: ComparedGroup | undefined,
  currency: string,
  measure: CostMeasure,
  groupBy: string,
): HTMLElement {
  const change = (value: number) =>
    h(
      "td",
      { class: value > 0 ? "num up" : value < 0 ? "num down" : "num" },
      `${value > 0 ? "+" : ""}${money(value, currency)}`,
    );
  const line = (g: ComparedGroup, cell: "td" | "th") =>
    h(
      "tr",
      {},
      h(cell, {}, groupLabel(g)),
      h(cell, { class: "num" }, money(g.current, currency)),
      h(cell, { class: "num" }, money(g.previous, currency)),
      change(g.change),
      h(cell, { class: "num" }, g.change_pct === null ? "new" : percent(g.change_pct * 100)),
      h(cell, { class: "num" }, share(g.share)),
      h(cell, { class: "num" }, share(g.previous_share)),
    );
  return h(
    "div",
    { class: "panel" },
    h("h3", {}, `Change by ${groupBy} (${measureLabel(measure).toLowerCase()})`),
    h(
      "table",
      { "data-testid": `compare-table-${currency}` },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", {}, groupBy),
          h("th", { class: "num" }, "This period"),
          h("th", { class: "num" }, "Compared"),
          h("th", { class: "num" }, "Change"),
          h("th", { class: "num" }, "Change %"),
          h("th", { class: "num" }, "Share"),
          h("th", { class: "num" }, "Share before"),
        ),
      ),
      h(
        "tbody",
        {},
        rows.slice(0, 500).map((g) => line(g, "td")),
      ),
      total ? h("tfoot", {}, line(total, "th")) : null,
    ),
  );
}
