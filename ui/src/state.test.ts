import { describe, expect, it } from "vitest";
import type { ChartKind, Recommendation } from "./bindings";
import { reportPanelOption } from "./charts";
import { potentialSavings } from "./savings";
import {
  anomalyQuery,
  defaultQuery,
  drillInto,
  filterLabel,
  is,
  withFilter,
  withoutFilter,
  withValue,
} from "./state";
import { topRecommendations } from "./views/overview";
import {
  defaultRecommendationsState,
  evidenceQuery,
  visibleFindings,
} from "./views/recommendations";

describe("explorer query state", () => {
  it("replaces a filter on the same dimension and removes it", () => {
    let q = withFilter(defaultQuery(), is("service", "EC2"));
    q = withFilter(q, is("service", "S3"));
    q = withFilter(q, is("region", "us-east-1"));
    expect(q.filters).toEqual([is("service", "S3"), is("region", "us-east-1")]);
    expect(withoutFilter(q, q.filters[0]).filters).toEqual([is("region", "us-east-1")]);
  });
  it("adds values to a dimension's filter, included and excluded apart", () => {
    let q = withValue(defaultQuery(), "service", "EC2", false);
    q = withValue(q, "service", "S3", false);
    q = withValue(q, "service", "S3", false);
    q = withValue(q, "service", "Lambda", true);
    expect(q.filters).toEqual([
      { dimension: "service", values: ["EC2", "S3"], exclude: false },
      { dimension: "service", values: ["Lambda"], exclude: true },
    ]);
    expect(q.filters.map(filterLabel)).toEqual(["service is EC2 or S3", "service is not Lambda"]);
  });
  it("drills into a group and moves to the next dimension", () => {
    const q = drillInto(defaultQuery(), "service", "EC2", "usage_type");
    expect(q.group_by).toBe("usage_type");
    expect(q.filters).toEqual([is("service", "EC2")]);
    expect(drillInto(q, "resource", "i-1", null).group_by).toBe("usage_type");
  });
  it("opens an anomaly's day on its service, grouped by account", () => {
    const q = anomalyQuery("2026-09-17", "service", "AWS Lambda", "2026-09-18");
    expect(q).toMatchObject({
      from: "2026-09-17",
      to: "2026-09-18",
      group_by: "subaccount",
      filters: [is("service", "AWS Lambda")],
    });
    expect(
      anomalyQuery("2026-09-17", "account", "222222222222", "2026-09-18").filters[0].dimension,
    ).toBe("subaccount");
  });
});

function finding(id: string, savings: number, extra: Partial<Recommendation> = {}): Recommendation {
  return {
    id,
    kind: "idle_ip",
    provider: "AWS",
    account: "1",
    account_name: null,
    owner: null,
    region: "us-east-1",
    service: "EC2",
    resource_id: id,
    monthly_cost: savings,
    estimated_monthly_savings: savings,
    confidence: "high",
    action: "release",
    currency: "USD",
    evidence: { rule: "r", window: "w", figures: "f", sources: [] },
    group: id,
    counted: true,
    dismissed: false,
    ...extra,
  };
}

describe("a finding's billing lines", () => {
  it("are its resource over its window, the last day included", () => {
    const f = finding("i-0abc", 3, {
      evidence: { rule: "r", window: "2026-10-02..2026-10-31", figures: "f", sources: [] },
    });
    expect(evidenceQuery(f)).toEqual({
      filters: [is("resource", "i-0abc")],
      from: "2026-10-02",
      to: "2026-11-01",
    });
  });
  it("sort by owner", () => {
    const all = [finding("a", 5, { owner: "web" }), finding("b", 1, { owner: "data" })];
    const s = { ...defaultRecommendationsState(), sortBy: "owner" as const, sortAscending: true };
    expect(visibleFindings(all, s).map((r) => r.owner)).toEqual(["data", "web"]);
  });
});

describe("recommendation filters", () => {
  it("sorts by savings, hides dismissed ones and filters by kind", () => {
    const all = [
      finding("a", 5),
      finding("b", 50),
      finding("c", 20, { dismissed: true }),
      finding("d", 1, { kind: "gp2_to_gp3" }),
    ];
    const s = defaultRecommendationsState();
    expect(visibleFindings(all, s).map((r) => r.id)).toEqual(["b", "a", "d"]);
    expect(
      visibleFindings(all, { ...s, showDismissed: true, sortAscending: true }).map((r) => r.id),
    ).toEqual(["d", "a", "c", "b"]);
    expect(visibleFindings(all, { ...s, kind: "gp2_to_gp3" }).map((r) => r.id)).toEqual(["d"]);
  });
});

describe("the overview's recommendations", () => {
  it("show the five largest open findings and total the savings per currency", () => {
    const all = [
      finding("a", 5),
      finding("b", 50),
      finding("c", 20, { dismissed: true }),
      finding("d", 7, { currency: "EUR" }),
    ];
    const { top, savings } = topRecommendations(all, 2);
    expect(top.map((r) => r.id)).toEqual(["b", "d"]);
    expect([...savings]).toEqual([
      ["USD", 55],
      ["EUR", 7],
    ]);
  });
});

describe("potential savings", () => {
  it("count each group of alternatives once, its largest saving", () => {
    const instance = { group: "i-1", counted: false };
    const all = [
      finding("graviton", 18, { ...instance, kind: "graviton", confidence: "low" }),
      finding("spot", 30, { ...instance, kind: "spot_candidate", counted: true }),
      finding("commitment", 26, { kind: "commitment_candidate" }),
      finding("vm", 7, { currency: "EUR" }),
    ];
    expect([...potentialSavings(all)]).toEqual([
      ["USD", 56],
      ["EUR", 7],
    ]);
    // Without the larger alternative (dismissed, or filtered out), the next counts.
    expect(potentialSavings(all.filter((f) => f.id !== "spot")).get("USD")).toBe(44);
  });
  it("break a tie by confidence", () => {
    const all = [
      finding("low", 10, { group: "g", confidence: "low", currency: "EUR" }),
      finding("high", 10, { group: "g", confidence: "high" }),
    ];
    expect([...potentialSavings(all)]).toEqual([["USD", 10]]);
  });
});

describe("report charts", () => {
  const panel = {
    currency: "USD",
    labels: ["2026-08", "2026-09", "2026-10"],
    partial: [false, false, true],
    series: [
      { name: "EC2", color: "#2563eb", values: [10, 0, 12] },
      { name: "other", color: "#9ca3af", values: [1, null, 2] },
    ],
  };
  const drawn = (kind: ChartKind) => ({
    kind,
    x: "month",
    y: "effective_cost",
    note: null,
    panels: [panel],
  });
  it("draw the engine's periods, colours and gaps as they are", () => {
    const option = reportPanelOption(drawn("stacked"), panel) as {
      xAxis: { data: string[] };
      series: {
        name: string;
        stack?: string;
        connectNulls: boolean;
        itemStyle: { color: string };
        data: (number | null)[];
      }[];
    };
    expect(option.xAxis.data).toEqual(["2026-08", "2026-09", "2026-10 (part)"]);
    expect(option.series.map((s) => s.itemStyle.color)).toEqual(["#2563eb", "#9ca3af"]);
    expect(option.series[1].data).toEqual([1, null, 2]);
    expect(option.series.every((s) => s.stack === "total" && !s.connectNulls)).toBe(true);
    const lines = reportPanelOption(drawn("line"), panel) as { series: { stack?: string }[] };
    expect(lines.series.every((s) => s.stack === undefined)).toBe(true);
  });
  it("put the first bar at the top", () => {
    const bars = {
      currency: "EUR",
      labels: ["SQL", "VM"],
      partial: [false, false],
      series: [{ name: "effective_cost", color: "#2563eb", values: [40, 30] }],
    };
    const option = reportPanelOption({ ...drawn("bar"), panels: [bars] }, bars) as {
      yAxis: { data: string[] };
      series: { data: number[] }[];
    };
    expect(option.yAxis.data).toEqual(["VM", "SQL"]);
    expect(option.series[0].data).toEqual([30, 40]);
  });
});

import { connectionFromFields } from "./views/connections";
import { settingsUpdate } from "./views/settings";

describe("forms", () => {
  it("turn a connection's fields into its saved form, blanks as none", () => {
    const form = connectionFromFields(" prod ", "azure-query", {
      scope: "subscriptions/1",
      cost_type: "",
      months: "3",
      url: "ignored",
    });
    expect(form).toMatchObject({
      name: "prod",
      kind: "azure-query",
      scope: "subscriptions/1",
      cost_type: null,
      months: 3,
      url: null,
    });
  });
  it("turn settings into an update, alias lines trimmed", () => {
    expect(
      settingsUpdate({
        currency: "",
        fx: " ",
        threshold: "3.5",
        minImpact: "1",
        aliases: "team = a, b\n\n env = stage \n",
        ignoreCase: true,
        accountsFile: "",
        accountNames: " 222222222222 = web-prod \n",
      }),
    ).toEqual({
      reporting_currency: null,
      fx_table: null,
      anomaly_threshold: 3.5,
      anomaly_min_impact: 1,
      tag_aliases: ["team = a, b", "env = stage"],
      tag_values_ignore_case: true,
      account_names_file: null,
      account_names: ["222222222222 = web-prod"],
    });
  });
});
