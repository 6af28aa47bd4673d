import { api } from "../api";
import { h, mount, notice } from "../dom";
import { groupLabel, money, nextDay } from "../format";
import type { Navigate } from "../main";
import { anomalyQuery } from "../state";

export interface AnomaliesState {
  /** First day to report, YYYY-MM-DD; empty for the last 30 days of data. */
  since: string;
}

let latestRender = 0;

export async function anomaliesView(
  root: HTMLElement,
  state: AnomaliesState,
  navigate: Navigate,
): Promise<void> {
  // A newer render (the user changed the date meanwhile) wins over this one.
  const render = ++latestRender;
  const since = state.since;
  const controls = h(
    "div",
    { class: "controls" },
    h(
      "label",
      {},
      "Since ",
      h("input", {
        type: "date",
        value: state.since,
        "data-testid": "anomalies-since",
        onchange: (e: Event) => {
          state.since = (e.target as HTMLInputElement).value;
          void anomaliesView(root, state, navigate);
        },
      }),
    ),
    h("span", { class: "muted" }, since ? "" : "(empty: the last 30 days of data)"),
  );
  mount(root, h("h1", {}, "Anomalies"), controls, notice("loading", "Scanning daily spend…"));
  const rows = await api.anomalies(since || undefined);
  if (render !== latestRender) return;
  if (rows.length === 0) {
    mount(
      root,
      h("h1", {}, "Anomalies"),
      controls,
      notice(
        "empty",
        since ? `No anomalies since ${since}` : "No anomalies in the last 30 days of data",
        "Pick an earlier day above to look further back. Days are compared with the same weekday's usual level; the threshold is in the config file ([anomalies]).",
      ),
    );
    return;
  }
  mount(
    root,
    h("h1", {}, "Anomalies"),
    controls,
    h(
      "p",
      { class: "muted" },
      "Usage charges only, effective cost; expected = the weekday-adjusted median of the 7 days before. Click a row to open the explorer on that day.",
    ),
    h(
      "table",
      { "data-testid": "anomaly-table" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["Day", "Dimension", "Value", "Expected", "Actual", "Impact", "Score"].map((c, i) =>
            h("th", { class: i >= 3 ? "num" : "" }, c),
          ),
        ),
      ),
      h(
        "tbody",
        {},
        rows.map((a) =>
          h(
            "tr",
            {
              class: "clickable",
              tabindex: 0,
              onclick: () =>
                navigate("explorer", {
                  query: anomalyQuery(a.date, a.dimension, a.value, nextDay(a.date)),
                }),
            },
            h("td", {}, a.date),
            h("td", {}, a.dimension),
            h("td", {}, groupLabel({ name: a.value, account_name: a.account_name })),
            h("td", { class: "num" }, money(a.expected_cost, a.currency)),
            h("td", { class: "num" }, money(a.actual_cost, a.currency)),
            h("td", { class: "num" }, money(a.impact, a.currency)),
            h("td", { class: "num" }, a.score.toFixed(1)),
          ),
        ),
      ),
    ),
  );
}
