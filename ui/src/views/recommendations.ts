import { api } from "../api";
import type { FindingKind, LineQuery, Recommendation } from "../bindings";
import { toCsv } from "../csv";
import { h, mount, notice } from "../dom";
import { groupLabel, money } from "../format";
import { potentialSavings } from "../savings";
import { is } from "../state";
import { linesPanel } from "./lines";

/** What each kind of finding is called in the app (every kind: the type
 * checker says when the engine gains one). */
export const KIND_LABELS: Record<FindingKind, string> = {
  commitment_candidate: "Commitment",
  spot_candidate: "Spot",
  azure_premium_snapshot: "Premium snapshot",
  idle_instance: "Idle instance",
  rightsize: "Rightsize",
  idle_ip: "Idle IP address",
  idle_nat_gateway: "Idle NAT gateway",
  idle_load_balancer: "Idle load balancer",
  gp2_to_gp3: "gp2 to gp3",
  io1_to_gp3: "io1 to gp3",
  previous_generation: "Previous generation",
  graviton: "Graviton",
  old_snapshot: "Old snapshot",
  extended_support: "Extended support",
  orphaned_azure_resource: "Orphaned resource",
};

/** The columns the table sorts by. */
export type SortColumn =
  | "action"
  | "kind"
  | "resource"
  | "account"
  | "owner"
  | "confidence"
  | "savings";

export interface RecommendationsState {
  kind: string;
  account: string;
  confidence: string;
  showDismissed: boolean;
  sortBy: SortColumn;
  sortAscending: boolean;
  selected: string | null;
}

/** A resource's own name: the last part of an ARN or an Azure resource id
 * (the full id is on hover and in the detail panel). */
export function shortResource(id: string): string {
  const tail = id.split(/[/:]/).filter((p) => p !== "");
  return tail.length > 0 ? tail[tail.length - 1] : id;
}

/** The action with the resource named short (the full id is in the
 * Resource column's hover and the detail panel): Azure ids would make a
 * row four lines tall. */
export function shortAction(r: { action: string; resource_id: string }): string {
  return r.resource_id
    ? r.action.split(r.resource_id).join(shortResource(r.resource_id))
    : r.action;
}

const CONFIDENCE_ORDER: Record<string, number> = { low: 0, medium: 1, high: 2 };

export function defaultRecommendationsState(): RecommendationsState {
  return {
    kind: "",
    account: "",
    confidence: "",
    showDismissed: false,
    sortBy: "savings",
    sortAscending: false,
    selected: null,
  };
}

/** The findings the filters keep, sorted by the chosen column (ties: the
 * larger saving first). */
export function visibleFindings(all: Recommendation[], s: RecommendationsState): Recommendation[] {
  const key = (r: Recommendation): string | number => {
    switch (s.sortBy) {
      case "action":
        return r.action;
      case "kind":
        return KIND_LABELS[r.kind];
      case "resource":
        return shortResource(r.resource_id);
      case "account":
        return groupLabel({ name: r.account, account_name: r.account_name });
      case "owner":
        return r.owner ?? "";
      case "confidence":
        return CONFIDENCE_ORDER[r.confidence.toLowerCase()] ?? -1;
      case "savings":
        return r.estimated_monthly_savings;
    }
  };
  const compare = (a: Recommendation, b: Recommendation) => {
    const [x, y] = [key(a), key(b)];
    const order =
      typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
    return (
      (s.sortAscending ? 1 : -1) * order ||
      b.estimated_monthly_savings - a.estimated_monthly_savings
    );
  };
  return all
    .filter(
      (r) =>
        (s.showDismissed || !r.dismissed) &&
        (!s.kind || r.kind === s.kind) &&
        (!s.account || r.account === s.account) &&
        (!s.confidence || r.confidence === s.confidence),
    )
    .sort(compare);
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
  // A finding the filters hide is not shown in the detail panel either.
  const selected = shown.find((r) => r.id === s.selected) ?? null;
  // Every billing line of the selected finding, full width below the table.
  const linesBox = h("div", { class: "lines-box" });
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
        "owner",
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
        r.owner ?? "",
      ]),
    );
    const saved = await api.exportCsv("recommendations.csv", csv);
    if (saved) toast(`Saved ${saved}`);
  };
  const accountNames = new Map(all.map((r) => [r.account, r.account_name]));
  const accountLabel = (id: string) => groupLabel({ name: id, account_name: accountNames.get(id) });
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
  const sortHeader = (label: string, column: SortColumn, css = "") =>
    h(
      "th",
      {
        class: `${css} clickable`,
        "data-sort": column,
        onclick: () => {
          s.sortAscending = s.sortBy === column ? !s.sortAscending : column !== "savings";
          s.sortBy = column;
          redraw();
        },
      },
      s.sortBy === column ? `${label} ${s.sortAscending ? "▲" : "▼"}` : label,
    );
  const detail = selected
    ? h(
        "aside",
        { class: "detail", "data-testid": "evidence" },
        h("h2", { title: selected.action }, shortAction(selected)),
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
          h(
            "dd",
            { class: "mono" },
            selected.resource_id || "(none)",
            selected.resource_id
              ? h(
                  "button",
                  {
                    class: "small",
                    "data-testid": "copy-resource",
                    onclick: async () => {
                      await navigator.clipboard.writeText(selected.resource_id);
                      toast("Resource id copied");
                    },
                  },
                  "Copy",
                )
              : null,
          ),
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
            selected.resource_id
              ? h(
                  "button",
                  {
                    "data-testid": "show-line-items",
                    onclick: () => {
                      void linesPanel(
                        linesBox,
                        `Billing lines of ${shortResource(selected.resource_id)}, ${selected.evidence.window}`,
                        evidenceQuery(selected),
                        `lines-${shortResource(selected.resource_id)}.csv`,
                        toast,
                      ).then(() => linesBox.scrollIntoView({ block: "start" }));
                    },
                  },
                  "Show every line",
                )
              : null,
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
        (kind) => KIND_LABELS[kind as FindingKind] ?? kind,
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
            sortHeader("Action", "action"),
            // The figure a reader looks for first, where a narrow window still shows it.
            sortHeader("Savings/mo", "savings", "num"),
            sortHeader("Kind", "kind"),
            sortHeader("Resource", "resource"),
            sortHeader("Account", "account"),
            sortHeader("Owner", "owner"),
            sortHeader("Confidence", "confidence"),
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
              h("td", { title: r.action }, shortAction(r)),
              h("td", { class: "num" }, money(r.estimated_monthly_savings, r.currency)),
              h(
                "td",
                { class: "words" },
                KIND_LABELS[r.kind],
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
              h("td", { class: "mono clip", title: r.resource_id }, shortResource(r.resource_id)),
              h(
                "td",
                { class: "clip", title: accountLabel(r.account) },
                r.account_name ?? r.account,
              ),
              h("td", { class: "clip", "data-testid": "owner" }, r.owner ?? ""),
              h("td", {}, r.confidence),
            ),
          ),
        ),
      ),
      detail,
    ),
    linesBox,
  );
}

/** The billing lines a finding looked at: its resource over its window
 * (`FROM..TO`, both days included). */
export function evidenceQuery(finding: Recommendation): LineQuery {
  const [from, last] = finding.evidence.window.split("..");
  const next = last ? new Date(`${last}T00:00:00Z`) : null;
  next?.setUTCDate(next.getUTCDate() + 1);
  return {
    filters: [is("resource", finding.resource_id)],
    from: from || null,
    to: next ? next.toISOString().slice(0, 10) : null,
  };
}
