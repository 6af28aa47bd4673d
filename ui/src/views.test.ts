import { describe, expect, it } from "vitest";
import type { ScheduleRun } from "./bindings";
import { dimensionChoices, matchSuggestion } from "./views/explorer";
import { emptyForm, runOutcome } from "./views/schedules";

const run = (over: Partial<ScheduleRun>): ScheduleRun => ({
  schedule: "monthly",
  due: "2026-12-01T06:00:00+00:00",
  ok: true,
  outputs: [],
  files: [],
  failures: [],
  warnings: [],
  ...over,
});

describe("a schedule run's outcome", () => {
  it("is a warning, not ok, when the window had no data", () => {
    const outcome = runOutcome(
      run({ warnings: ["cost_by_account: no data in the window (2026-11-01 to 2026-11-30)"] }),
    );
    expect(outcome.label).toBe("warning");
    expect(outcome.detail).toContain("no data in the window");
  });
  it("lists each file with its rows, and charts without", () => {
    const outcome = runOutcome(
      run({
        outputs: ["a.csv", "a.png"],
        files: [
          { path: "a.csv", rows: 12 },
          { path: "a.png", rows: null },
        ],
      }),
    );
    expect(outcome).toEqual({ label: "ok", detail: "a.csv (12 rows), a.png", css: "" });
  });
  it("says why a failed run failed", () => {
    expect(runOutcome(run({ ok: false, failures: ["x: boom"] })).detail).toBe("x: boom");
  });
  it("names new files by the period they cover", () => {
    expect(emptyForm().file_name).toBe("{report}-{from}_{to}.csv");
  });
});

describe("accounts by name", () => {
  it("shows an account as name (id), anything else as itself", async () => {
    const { groupLabel } = await import("./format");
    expect(groupLabel({ name: "5a1d", account_name: "contoso-prod" })).toBe("contoso-prod (5a1d)");
    expect(groupLabel({ name: "Amazon EC2", account_name: null })).toBe("Amazon EC2");
    expect(groupLabel({ name: "222222222222" })).toBe("222222222222");
  });
});

describe("how old the data is", () => {
  it("counts days since the last day and says when its month is over", async () => {
    const { dataAge } = await import("./format");
    expect(dataAge("2026-10-31", new Date(Date.UTC(2026, 11, 1, 9)))).toEqual({
      days: 31,
      monthOver: true,
    });
    expect(dataAge("2026-12-01", new Date(Date.UTC(2026, 11, 2, 23)))).toEqual({
      days: 1,
      monthOver: false,
    });
  });
  it("the overview says what its month is when the data stopped", async () => {
    const { staleness } = await import("./views/overview");
    const note = staleness("2026-10-31", "2026-10", new Date(Date.UTC(2026, 11, 1)));
    expect(note?.textContent).toContain("The data ends 2026-10-31, 31 days ago.");
    expect(note?.textContent).toContain("for October 2026, the month of the latest data");
    expect(staleness("2026-11-30", "2026-11", new Date(Date.UTC(2026, 11, 1)))).toBeNull();
  });
});

describe("recommendations a team can act on", () => {
  it("name resources by their own name and sort by any column", async () => {
    const { shortResource, visibleFindings, defaultRecommendationsState, KIND_LABELS } =
      await import("./views/recommendations");
    expect(shortResource("arn:aws:ec2:us-east-1:1:instance/i-0abc")).toBe("i-0abc");
    expect(
      shortResource("/subscriptions/5a1d/resourceGroups/rg/providers/Microsoft.Compute/disks/d-1"),
    ).toBe("d-1");
    expect(shortResource("i-0abc")).toBe("i-0abc");
    const { shortAction } = await import("./views/recommendations");
    expect(
      shortAction({
        action:
          "Cover /subscriptions/5a1d/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-web-01 with a reservation",
        resource_id:
          "/subscriptions/5a1d/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-web-01",
      }),
    ).toBe("Cover vm-web-01 with a reservation");
    expect(KIND_LABELS.commitment_candidate).toBe("Commitment");
    const finding = (id: string, action: string, savings: number, confidence: string) =>
      ({
        id,
        action,
        kind: "idle_ip",
        provider: "AWS",
        account: "1",
        account_name: null,
        region: "r",
        service: "s",
        resource_id: id,
        monthly_cost: savings,
        estimated_monthly_savings: savings,
        confidence,
        currency: "USD",
        evidence: { rule: "", window: "", figures: "", sources: [] },
        group: id,
        counted: true,
        dismissed: false,
      }) as unknown as import("./bindings").Recommendation;
    const all = [finding("a", "Stop b", 5, "high"), finding("b", "Delete a", 9, "low")];
    const s = defaultRecommendationsState();
    expect(visibleFindings(all, s).map((r) => r.id)).toEqual(["b", "a"]);
    expect(
      visibleFindings(all, { ...s, sortBy: "action", sortAscending: true }).map((r) => r.id),
    ).toEqual(["b", "a"]);
    expect(
      visibleFindings(all, { ...s, sortBy: "confidence", sortAscending: false }).map((r) => r.id),
    ).toEqual(["a", "b"]);
  });
});

describe("report tables people read", () => {
  it("have readable headers and money in its currency", async () => {
    const { readableHeader, reportCell } = await import("./views/reports");
    expect(readableHeader("billed_cost")).toBe("Billed cost");
    expect(readableHeader("savings_pct")).toBe("Savings %");
    expect(reportCell("effective_cost", 970, "USD")).toBe("$970.00");
    expect(reportCell("list_cost", 283.4, "EUR")).toBe("€283.40");
    expect(reportCell("change", -0.001, "EUR")).toBe("€0.00");
    expect(reportCell("savings_pct", 66.666, "USD")).toBe("66.7%");
    expect(reportCell("quantity", 1234.5, "USD")).toBe("1,234.5");
    expect(reportCell("service", "EC2", "USD")).toBe("EC2");
  });
});

describe("commitments", () => {
  it("say the plan in one sentence and add its shares up", async () => {
    const { planSentence, sharesTotal } = await import("./views/commitments");
    const plan = {
      hourly_commitment: 0.5557,
      monthly_commitment: 405.94,
      monthly_on_demand_covered: 563.8,
      monthly_net_savings: 157.86,
      assumed_discount: 0.28,
      break_even_hourly_spend: 0.5557,
      monthly_net_savings_if_usage_drops_20pct: 111.87,
      monthly_net_savings_if_usage_drops_50pct: -82.31,
      hourly_spend_min: 0.77,
      hourly_spend_median: 0.93,
      hourly_spend_max: 0.93,
      hours: 720,
      window: "2026-10-02..2026-10-31",
      currency: "USD",
      instances_covered: 9,
      instances_after_a_change: 9,
    };
    expect(planSentence(plan)).toBe(
      "Commit $0.556/hour ($405.94/month) to a 1-year no-upfront Compute Savings Plan: it covers $563.80/month of on-demand EC2 spend and saves $157.86/month net (effective cost, at an assumed 28% discount).",
    );
    const share = (savings: number) => ({ estimated_monthly_savings: savings }) as never;
    expect(sharesTotal([share(100), share(57.86)])).toBeCloseTo(157.86, 6);
  });
});

describe("the explorer's filter box", () => {
  it("takes the data's spelling of a value typed in another case", () => {
    const values = ["Amazon Elastic Compute Cloud", "AWS Lambda"];
    expect(matchSuggestion(" amazon elastic compute cloud", values)).toBe(
      "Amazon Elastic Compute Cloud",
    );
    expect(matchSuggestion("AWS Lambda", values)).toBe("AWS Lambda");
    // Nothing alike: what was typed (the engine's hint names near misses).
    expect(matchSuggestion("S3", values)).toBe("S3");
  });
  it("offers the data's tag keys beside the engine's dimensions", () => {
    const choices = dimensionChoices(["team", "env"], "alloc:owner");
    expect(choices.map(([v]) => v)).toEqual(
      expect.arrayContaining(["service", "tag:team", "tag:env", "alloc:owner"]),
    );
    expect(choices.find(([v]) => v === "tag:team")?.[1]).toBe("Tag: team");
  });
});
