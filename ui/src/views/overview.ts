import { api } from "../api";
import type { CurrencyOverview, Overview, Recommendation } from "../bindings";
import { barsOption, chart, lineOption } from "../charts";
import { h, mount, notice } from "../dom";
import { dataAge, groupLabel, money, monthName, percent } from "../format";
import type { Navigate } from "../main";
import { potentialSavings } from "../savings";

function card(title: string, value: string, detail: string | null, testid: string): HTMLElement {
  return h(
    "div",
    { class: "card", "data-testid": testid },
    h("div", { class: "card-title" }, title),
    h("div", { class: "card-value" }, value),
    detail ? h("div", { class: "card-detail" }, detail) : null,
  );
}

/** The YYYY-MM before a YYYY-MM. */
function monthBefore(month: string): string {
  const [year, m] = month.split("-").map(Number);
  return m === 1 ? `${year - 1}-12` : `${year}-${String(m - 1).padStart(2, "0")}`;
}

function currencySection(c: CurrencyOverview, month: string, latestDay: string): HTMLElement {
  const cur = c.total.currency;
  const forecast = c.forecast;
  // When the data stops in a month that is over, "this month" would lie:
  // the cards name the month they are about.
  const { monthOver } = dataAge(latestDay, new Date());
  const monthComplete = forecast !== null && forecast.month > month;
  const monthLabel = monthOver ? monthName(month) : "this month";
  const spendTitle = monthOver
    ? `Spend in ${monthName(month)}${monthComplete ? " (whole month)" : ` to ${latestDay}`}`
    : "Spend this month so far";
  const forecastDetail = forecast
    ? [
        `95% interval ${money(forecast.lower_95, cur)} – ${money(forecast.upper_95, cur)}`,
        forecast.expected_recurring !== 0
          ? `incl. ${money(forecast.expected_recurring, cur)} recurring charges (tax, fees) still to post`
          : null,
        forecast.backtest_mape !== null
          ? `backtest error ${forecast.backtest_mape.toFixed(1)}%`
          : null,
      ]
        .filter((t) => t !== null)
        .join(" · ")
    : "not enough history";
  const trend = h("div", { class: "chart", "data-testid": `trend-${cur}` });
  const services = h("div", { class: "chart" });
  const accounts = h("div", { class: "chart" });
  const section = h(
    "section",
    { class: "currency", "data-currency": cur },
    h("h2", {}, `${cur} · ${monthName(month)} (data through ${latestDay})`),
    h(
      "div",
      { class: "cards" },
      card(
        spendTitle,
        money(c.month_to_date_effective, cur),
        "effective cost (amortized)",
        `mtd-${cur}`,
      ),
      card(
        forecast ? `Forecast ${monthName(forecast.month)}` : "Forecast",
        forecast ? money(forecast.forecast, cur) : "n/a",
        forecastDetail,
        `forecast-${cur}`,
      ),
      card(
        monthOver ? `Change vs ${monthName(monthBefore(month))}` : "Change vs last month",
        percent(c.change_pct),
        `same days of last month: ${money(c.previous_month_same_days_effective, cur)}`,
        `change-${cur}`,
      ),
      h(
        "div",
        { class: "card", "data-testid": `total-${cur}` },
        h("div", { class: "card-title" }, "All data"),
        h(
          "div",
          {
            class: "card-value",
            "data-testid": `total-billed-${cur}`,
            "data-value": c.total.billed.toFixed(2),
          },
          money(c.total.billed, cur),
        ),
        h(
          "div",
          { class: "card-detail" },
          `billed · effective ${money(c.total.effective, cur)} · list ${money(c.total.list, cur)}`,
        ),
      ),
    ),
    h(
      "div",
      { class: "grid-2" },
      h("div", { class: "panel" }, h("h3", {}, `By service, ${monthLabel} (effective)`), services),
      h("div", { class: "panel" }, h("h3", {}, `By account, ${monthLabel} (effective)`), accounts),
    ),
    h("div", { class: "panel" }, h("h3", {}, "Daily effective cost, last 90 days"), trend),
  );
  queueMicrotask(() => {
    chart(
      trend,
      lineOption(
        c.daily.map((p) => p.day),
        c.daily.map((p) => p.cost),
        cur,
      ),
    );
    chart(services, barsOption(c.by_service, cur));
    chart(accounts, barsOption(c.by_account, cur));
  });
  return section;
}

/** A note when the data is more than two days old: how old, and what the
 * month below is (billing data trails the clock by a day or two). */
export function staleness(
  latestDay: string,
  month: string,
  today = new Date(),
): HTMLElement | null {
  const { days, monthOver } = dataAge(latestDay, today);
  if (days <= 2) return null;
  return h(
    "p",
    { class: "note", "data-testid": "data-age" },
    `The data ends ${latestDay}, ${days} days ago.`,
    monthOver
      ? ` The figures below are for ${monthName(month)}, the month of the latest data; import or pull newer bills to see this month.`
      : "",
  );
}

/** The open (not dismissed) findings with the most savings, and the total
 * potential savings per currency (alternatives counted once). */
export function topRecommendations(
  all: Recommendation[],
  count: number,
): { top: Recommendation[]; savings: Map<string, number> } {
  const open = all
    .filter((r) => !r.dismissed)
    .sort((a, b) => b.estimated_monthly_savings - a.estimated_monthly_savings);
  return { top: open.slice(0, count), savings: potentialSavings(open) };
}

function recommendationsPanel(box: HTMLElement, all: Recommendation[], navigate: Navigate): void {
  const { top, savings } = topRecommendations(all, 5);
  const total =
    [...savings].map(([currency, amount]) => money(amount, currency)).join(" + ") || "none";
  mount(
    box,
    h("h3", {}, "Top recommendations"),
    h(
      "p",
      { class: "big", "data-testid": "potential-savings" },
      `${total} / month potential savings`,
    ),
    h(
      "p",
      { class: "muted" },
      "Effective cost. The ways to change one instance are alternatives: only the largest counts. Commitments are sized on what the changes leave.",
    ),
    h(
      "table",
      {},
      h(
        "tbody",
        {},
        top.map((r) =>
          h(
            "tr",
            { class: "clickable", onclick: () => navigate("recommendations", { select: r.id }) },
            h("td", {}, r.action),
            h("td", { class: "num" }, money(r.estimated_monthly_savings, r.currency)),
          ),
        ),
      ),
    ),
  );
}

export async function overviewView(root: HTMLElement, navigate: Navigate): Promise<void> {
  mount(root, notice("loading", "Loading the overview…"));
  // The optimizer is the slow part: its panel fills in when it is done.
  const findings = api.recommendations();
  const overview: Overview = await api.overview();
  if (overview.empty) {
    findings.catch(() => undefined);
    const button = h(
      "button",
      {
        class: "primary",
        "data-testid": "load-demo",
        onclick: () => navigate("data", { loadDemo: true }),
      },
      "Load the demo dataset",
    );
    mount(
      root,
      h("h1", {}, "Overview"),
      notice(
        "empty",
        "No billing data yet",
        "Import your billing exports in Data, or explore three months of demo AWS and Azure billing.",
        button,
      ),
    );
    return;
  }
  const month = overview.month ?? "";
  const recommendationsBox = h(
    "div",
    { class: "panel", "data-testid": "overview-recommendations" },
    h("h3", {}, "Top recommendations"),
    h("p", { class: "muted" }, "Checking for savings…"),
  );
  findings
    .then((all) => recommendationsPanel(recommendationsBox, all, navigate))
    .catch((error: Error) =>
      mount(
        recommendationsBox,
        notice("error", "Recommendations could not be computed", error.message),
      ),
    );
  mount(
    root,
    h("h1", {}, "Overview"),
    overview.currency_note ? h("p", { class: "note" }, overview.currency_note) : null,
    staleness(overview.latest_day ?? "", month),
    overview.currencies.map((c) => currencySection(c, month, overview.latest_day ?? "")),
    h(
      "div",
      { class: "grid-2" },
      h(
        "div",
        { class: "panel", "data-testid": "overview-anomalies" },
        h("h3", {}, `Anomalies, last 30 days of data (${overview.anomalies.length})`),
        overview.anomalies.length === 0
          ? h("p", { class: "muted" }, "No unusual daily spend.")
          : h(
              "table",
              {},
              h(
                "thead",
                {},
                h(
                  "tr",
                  {},
                  h("th", {}, "Day"),
                  h("th", {}, "What"),
                  h("th", { class: "num" }, "Impact"),
                ),
              ),
              h(
                "tbody",
                {},
                overview.anomalies
                  .slice(0, 8)
                  .map((a) =>
                    h(
                      "tr",
                      { class: "clickable", onclick: () => navigate("anomalies") },
                      h("td", {}, a.date),
                      h(
                        "td",
                        {},
                        `${a.dimension}: ${groupLabel({ name: a.value, account_name: a.account_name })}`,
                      ),
                      h("td", { class: "num" }, money(a.impact, a.currency)),
                    ),
                  ),
              ),
            ),
      ),
      recommendationsBox,
    ),
  );
}
