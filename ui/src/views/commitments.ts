// Commitments: the Savings Plan to buy and how it splits over instances,
// and how the commitments already owned are used and what they cover. The
// same figures as `burnrate commitments` and the Recommendations view's
// commitment findings: one story, one figure.

import { api } from "../api";
import type { Commitments, Finding, SavingsPlanRecommendation } from "../bindings";
import { h, mount, notice } from "../dom";
import { groupLabel, money } from "../format";
import { shortResource } from "./recommendations";
import { reportTable } from "./reports";

/** The plan in one sentence a buyer reads. */
export function planSentence(plan: SavingsPlanRecommendation): string {
  const c = plan.currency;
  // Savings Plans are bought in steps of $0.001 an hour.
  const hourly = plan.hourly_commitment.toLocaleString("en-US", {
    style: "currency",
    currency: c,
    minimumFractionDigits: 3,
    maximumFractionDigits: 3,
  });
  return (
    `Commit ${hourly}/hour (${money(plan.monthly_commitment, c)}/month) ` +
    `to a 1-year no-upfront Compute Savings Plan: it covers ${money(plan.monthly_on_demand_covered, c)}/month ` +
    `of on-demand EC2 spend and saves ${money(plan.monthly_net_savings, c)}/month net ` +
    `(effective cost, at an assumed ${(plan.assumed_discount * 100).toFixed(0)}% discount).`
  );
}

/** The shares' savings, which add up to the plan's net savings. */
export function sharesTotal(shares: Finding[]): number {
  return shares.reduce((sum, f) => sum + f.estimated_monthly_savings, 0);
}

function planPanel(plan: SavingsPlanRecommendation, shares: Finding[]): HTMLElement {
  const c = plan.currency;
  const total = sharesTotal(shares);
  const risk = (saving: number) =>
    saving >= 0 ? `still saves ${money(saving, c)}/month` : `loses ${money(-saving, c)}/month`;
  return h(
    "section",
    { class: "panel", "data-testid": "savings-plan" },
    h("h2", {}, "Savings Plan to buy"),
    h("p", { class: "big" }, planSentence(plan)),
    h(
      "dl",
      {},
      h("dt", {}, "Baseline"),
      h(
        "dd",
        {},
        `Hourly on-demand spend over ${plan.hours} hours (${plan.window}): lowest ${money(plan.hourly_spend_min, c)}, median ${money(plan.hourly_spend_median, c)}, highest ${money(plan.hourly_spend_max, c)}; the plan pays for itself in any hour above ${money(plan.break_even_hourly_spend, c)}.`,
      ),
      h("dt", {}, "If usage drops"),
      h(
        "dd",
        {},
        `by 20%: ${risk(plan.monthly_net_savings_if_usage_drops_20pct)}; by 50%: ${risk(plan.monthly_net_savings_if_usage_drops_50pct)}.`,
      ),
      h("dt", {}, "Instances"),
      h(
        "dd",
        {},
        `${plan.instances_covered} covered; ${plan.instances_after_a_change} counted as they will be after their recommended change (a resize or a move to Graviton), so the plan is not sized for spend that is about to go.`,
      ),
    ),
    h("h3", {}, "How it splits over instances"),
    h(
      "table",
      { "data-testid": "plan-shares" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["Instance", "Account", "Owner", "On-demand / month", "Saves / month"].map((c, i) =>
            h("th", { class: i >= 3 ? "num" : "" }, c),
          ),
        ),
      ),
      h(
        "tbody",
        {},
        shares.map((f) =>
          h(
            "tr",
            {},
            h("td", { class: "mono", title: f.resource_id }, shortResource(f.resource_id)),
            h("td", {}, groupLabel({ name: f.account, account_name: f.account_name })),
            h("td", {}, f.owner ?? ""),
            h("td", { class: "num" }, money(f.monthly_cost, f.currency)),
            h("td", { class: "num" }, money(f.estimated_monthly_savings, f.currency)),
          ),
        ),
      ),
      h(
        "tfoot",
        {},
        h(
          "tr",
          {},
          h("th", { colspan: 4 }, "Total: the plan's net savings"),
          h("th", { class: "num", "data-testid": "plan-shares-total" }, money(total, c)),
        ),
      ),
    ),
  );
}

export async function commitmentsView(root: HTMLElement): Promise<void> {
  mount(root, h("h1", {}, "Commitments"), notice("loading", "Sizing the Savings Plan…"));
  const view: Commitments = await api.commitments();
  const owned = view.utilization.rows.length > 0;
  mount(
    root,
    h("h1", {}, "Commitments"),
    view.savings_plan
      ? planPanel(view.savings_plan, view.shares)
      : notice(
          "empty",
          "No Savings Plan to buy",
          "Steady on-demand EC2 spend is what a plan covers; the data has too little of it to save.",
        ),
    h(
      "section",
      { class: "panel", "data-testid": "commitment-utilization" },
      h("h2", {}, "Utilization of the commitments owned"),
      h(
        "p",
        { class: "muted" },
        "Effective cost: used / (used + unused), per reservation or Savings Plan.",
      ),
      owned
        ? reportTable(view.utilization)
        : notice(
            "empty",
            "No commitments in the data",
            "The billing data has no reservation or Savings Plan charges.",
          ),
    ),
    h(
      "section",
      { class: "panel", "data-testid": "commitment-coverage" },
      h("h2", {}, "Coverage"),
      h(
        "p",
        { class: "muted" },
        "On-demand-equivalent cost covered by commitments, of the cost commitments could cover, per service.",
      ),
      reportTable(view.coverage),
    ),
  );
}
