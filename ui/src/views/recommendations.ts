import { api } from "../api";
import type { Recommendation } from "../bindings";
import { toCsv } from "../csv";
import { h, mount, notice } from "../dom";
import { groupLabel, money } from "../format";
import { potentialSavings } from "../savings";

export interface RecommendationsState {
  kind: string;
  account: string;
  confidence: string;
  showDismissed: boolean;
  sortAscending: boolean;
  selected: string | null;
}

export function defaultRecommendationsState(): RecommendationsState {
  return {
    kind: "",
    account: "",
    confidence: "",
    showDismissed: false,
    sortAscending: false,
    selected: null,
  };
}

/** The findings the filters keep, sorted by savings. */
export function visibleFindings(all: Recommendation[], s: RecommendationsState): Recommendation[] {
  return all
    .filter(
      (r) =>
        (s.showDismissed || !r.dismissed) &&
        (!s.kind || r.kind === s.kind) &&
        (!s.account || r.account === s.account) &&
        (!s.confidence || r.confidence === s.confidence),
    )
    .sort(
      (a, b) =>
        (s.sortAscending ? 1 : -1) * (a.estimated_monthly_savings - b.estimated_monthly_savings),
    );
}

/** Options for a filter; `label` says how a value reads (an account by name). */
function options(
  values: string[],
  current: string,
  all: string,
  label: (value: string) => string = (v) => v,
): HTMLElement[] {
  return [
    h("option", { value: "", selected: current === "" }, all),
    ...[...new Set(values)]
      .sort()
      .map((v) => h("option", { value: v, selected: v === current }, label(v))),
  ];
}

export async function recommendationsView(
  root: HTMLElement,
  s: RecommendationsState,
  toast: (m: string) => void,
): Promise<void> {
  mount(
    root,
    h("h1", {}, "Recommendations"),
    notice("loading", "Checking for idle resources, rightsizing and commitments…"),
  );
  const all = await api.recommendations();
  draw(root, all, s, toast);
}

function draw(
  root: HTMLElement,
  all: Recommendation[],
  s: RecommendationsState,
  toast: (m: string) => void,
): void {
  const redraw = () => draw(root, all, s, toast);
  if (all.length === 0) {
    mount(
      root,
      h("h1", {}, "Recommendations"),
      notice(
        "empty",
        "No recommendations",
        "Nothing idle, oversized or uncommitted was found in the data. Import metrics (burnrate metrics import) for utilization-based rightsizing.",
      ),
    );
    return;
  }
  const shown = visibleFindings(all, s);
  const totals = potentialSavings(shown);
  const selected = all.find((r) => r.id === s.selected) ?? null;
  const exportCsv = async () => {
    const csv = toCsv(
      [
        "id",
        "kind",
        "provider",
        "account",
        "region",
        "service",
        "resource_id",
        "monthly_cost",
        "estimated_monthly_savings",
        "currency",
        "confidence",
        "action",
        "rule",
        "window",
        "figures",
        "sources",
        "counted",
        "group",
        "account_name",
      ],
      shown.map((r) => [
        r.id,
        r.kind,
        r.provider,
        r.account,
        r.region,
        r.service,
        r.resource_id,
        r.monthly_cost.toFixed(2),
        r.estimated_monthly_savings.toFixed(2),
        r.currency,
        r.confidence,
        r.action,
        r.evidence.rule,
        r.evidence.window,
        r.evidence.figures,
        r.evidence.sources.join(" "),
        String(r.counted),
        r.group,
        r.account_name ?? "",
      ]),
    );
    const saved = await api.exportCsv("recommendations.csv", csv);
    if (saved) toast(`Saved ${saved}`);
  };
  const accountLabel = (id: string) =>
    groupLabel({ name: id, account_name: all.find((r) => r.account === id)?.account_name });
  const select = (
    key: "kind" | "account" | "confidence",
    values: string[],
    all: string,
    label?: (value: string) => string,
  ) =>
    h(
      "select",
      {
        "data-testid": `filter-${key}`,
        onchange: (e: Event) => {
          s[key] = (e.target as HTMLSelectElement).value;
          redraw();
        },
      },
      options(values, s[key], all, label),
    );
  const detail = selected
    ? h(
        "aside",
        { class: "detail", "data-testid": "evidence" },
        h("h2", {}, selected.action),
        h(
          "dl",
          {},
          h("dt", {}, "Estimated savings"),
          h(
            "dd",
            {},
            `${money(selected.estimated_monthly_savings, selected.currency)} / month (of ${money(selected.monthly_cost, selected.currency)} effective cost per month)`,
          ),
          h("dt", {}, "Confidence"),
          h("dd", {}, selected.confidence),
          h("dt", {}, "Resource"),
          h("dd", { class: "mono" }, selected.resource_id || "(none)"),
          h("dt", {}, "Where"),
          h(
            "dd",
            {},
            `${selected.provider} · ${accountLabel(selected.account)} · ${selected.region} · ${selected.service}`,
          ),
          h("dt", {}, "Rule"),
          h("dd", { "data-testid": "evidence-rule" }, selected.evidence.rule),
          h("dt", {}, "Window"),
          h("dd", {}, selected.evidence.window),
          h("dt", {}, "Figures"),
          h("dd", {}, selected.evidence.figures),
          h("dt", {}, "Billing lines"),
          h(
            "dd",
            { class: "mono" },
            selected.evidence.sources.length
              ? h(
                  "ul",
                  {},
                  selected.evidence.sources.map((src) => h("li", {}, src)),
                )
              : "(none)",
          ),
        ),
        h(
          "button",
          {
            "data-testid": "dismiss",
            onclick: async () => {
              await api.setDismissed(selected.id, !selected.dismissed);
              selected.dismissed = !selected.dismissed;
              toast(
                selected.dismissed
                  ? "Dismissed: hidden from the list and the overview"
                  : "Restored",
              );
              redraw();
            },
          },
          selected.dismissed ? "Restore" : "Dismiss",
        ),
      )
    : h(
        "aside",
        { class: "detail muted" },
        "Select a recommendation to see the evidence behind it.",
      );
  mount(
    root,
    h("h1", {}, "Recommendations"),
    h(
      "div",
      { class: "controls" },
      select(
        "kind",
        all.map((r) => r.kind),
        "All kinds",
      ),
      select(
        "account",
        all.map((r) => r.account),
        "All accounts",
        accountLabel,
      ),
      select(
        "confidence",
        all.map((r) => r.confidence),
        "Any confidence",
      ),
      h(
        "label",
        {},
        h("input", {
          type: "checkbox",
          checked: s.showDismissed,
          onchange: (e: Event) => {
            s.showDismissed = (e.target as HTMLInputElement).checked;
            redraw();
          },
        }),
        " show dismissed",
      ),
      h("button", { onclick: exportCsv, "data-testid": "export-recommendations" }, "Export CSV"),
    ),
    h(
      "p",
      { class: "big", "data-testid": "savings-total" },
      [...totals].map(([c, v]) => money(v, c)).join(" + ") || "0",
      " / month potential savings in ",
      String(shown.length),
      " findings (effective cost; alternatives on one instance counted once)",
    ),
    h(
      "div",
      { class: "split" },
      h(
        "table",
        { "data-testid": "recommendation-table" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", {}, "Action"),
            h("th", {}, "Kind"),
            h("th", {}, "Account"),
            h("th", {}, "Confidence"),
            h(
              "th",
              {
                class: "num clickable",
                onclick: () => {
                  s.sortAscending = !s.sortAscending;
                  redraw();
                },
              },
              `Savings / month ${s.sortAscending ? "▲" : "▼"}`,
            ),
          ),
        ),
        h(
          "tbody",
          {},
          shown.map((r) =>
            h(
              "tr",
              {
                class: `clickable${r.id === s.selected ? " selected" : ""}${r.dismissed ? " dismissed" : ""}`,
                tabindex: 0,
                "data-id": r.id,
                onclick: () => {
                  s.selected = r.id;
                  redraw();
                },
                onkeydown: (e: KeyboardEvent) => {
                  if (e.key === "Enter") {
                    s.selected = r.id;
                    redraw();
                  }
                },
              },
              h("td", {}, r.action),
              h(
                "td",
                {},
                r.kind,
                r.counted
                  ? null
                  : h(
                      "span",
                      {
                        class: "muted",
                        title:
                          "Another change to the same instance saves more; only that one counts",
                      },
                      " (alternative)",
                    ),
              ),
              h("td", {}, accountLabel(r.account)),
              h("td", {}, r.confidence),
              h("td", { class: "num" }, money(r.estimated_monthly_savings, r.currency)),
            ),
          ),
        ),
      ),
      detail,
    ),
  );
}
