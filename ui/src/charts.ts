// ECharts, with only the parts the views use (keeps the bundle small).

import { BarChart, LineChart, PieChart, TreemapChart } from "echarts/charts";
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
} from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import type { ChartData, ChartPanel } from "./bindings";
import { colorsFor } from "./colors";
import { groupLabel, money } from "./format";

echarts.use([
  BarChart,
  LineChart,
  PieChart,
  TreemapChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  DataZoomComponent,
  CanvasRenderer,
]);

const live = new Set<echarts.ECharts>();

function dark(): boolean {
  return window.matchMedia?.("(prefers-color-scheme: dark)").matches ?? false;
}

/** Draws into a fresh element, disposing charts of the previous view. */
export function chart(element: HTMLElement, option: echarts.EChartsCoreOption): echarts.ECharts {
  const instance = echarts.init(element, dark() ? "dark" : undefined, { renderer: "canvas" });
  instance.setOption({ backgroundColor: "transparent", animationDuration: 250, ...option });
  live.add(instance);
  return instance;
}

export function disposeCharts(): void {
  for (const instance of live) instance.dispose();
  live.clear();
}

window.addEventListener("resize", () => {
  for (const instance of live) instance.resize();
});

export interface NamedSeries {
  name: string;
  /** An account's name, shown as `name (id)`; the colour stays the id's. */
  account_name?: string | null;
  values: number[];
}

/** Stacked bars or areas over periods, one colour per series name. */
export function stackedOption(
  periods: string[],
  series: NamedSeries[],
  currency: string,
  area: boolean,
): echarts.EChartsCoreOption {
  const colors = colorsFor(series.map((s) => s.name));
  return {
    tooltip: {
      trigger: "axis",
      valueFormatter: (v: number) => money(v, currency),
    },
    legend: { type: "scroll", bottom: 0 },
    grid: { left: 70, right: 20, top: 20, bottom: 60 },
    xAxis: { type: "category", data: periods },
    yAxis: {
      type: "value",
      axisLabel: { formatter: (v: number) => money(v, currency, { compact: true }) },
    },
    series: series.map((s, i) => ({
      name: groupLabel(s),
      type: area ? "line" : "bar",
      stack: "total",
      areaStyle: area ? {} : undefined,
      symbol: "none",
      itemStyle: { color: colors[i] },
      lineStyle: area ? { width: 1 } : undefined,
      data: s.values,
    })),
  };
}

export function lineOption(
  days: string[],
  values: number[],
  currency: string,
): echarts.EChartsCoreOption {
  return {
    tooltip: { trigger: "axis", valueFormatter: (v: number) => money(v, currency) },
    grid: { left: 70, right: 20, top: 20, bottom: 30 },
    xAxis: { type: "category", data: days },
    yAxis: {
      type: "value",
      axisLabel: { formatter: (v: number) => money(v, currency, { compact: true }) },
    },
    series: [
      {
        type: "line",
        data: values,
        symbol: "none",
        areaStyle: { opacity: 0.15 },
        itemStyle: { color: "#2563eb" },
      },
    ],
  };
}

export function barsOption(
  slices: { name: string; account_name?: string | null; cost: number }[],
  currency: string,
): echarts.EChartsCoreOption {
  const ordered = [...slices].reverse();
  // The largest bar keeps its own colour first.
  const colors = colorsFor(slices.map((s) => s.name)).reverse();
  return {
    tooltip: { trigger: "item", valueFormatter: (v: number) => money(v, currency) },
    grid: { left: 160, right: 30, top: 10, bottom: 20 },
    xAxis: {
      type: "value",
      axisLabel: { formatter: (v: number) => money(v, currency, { compact: true }) },
    },
    yAxis: {
      type: "category",
      // An account's name first, so that truncation keeps what tells accounts apart.
      data: ordered.map((s) => groupLabel(s)),
      axisLabel: { width: 150, overflow: "truncate" },
    },
    series: [
      {
        type: "bar",
        data: ordered.map((s, i) => ({ value: s.cost, itemStyle: { color: colors[i] } })),
      },
    ],
  };
}

export function treemapOption(
  rows: { name: string; value: number }[],
  currency: string,
): echarts.EChartsCoreOption {
  const shown = rows.filter((r) => r.value > 0);
  const colors = colorsFor(shown.map((r) => r.name));
  return {
    tooltip: { valueFormatter: (v: number) => money(v, currency) },
    series: [
      {
        type: "treemap",
        roam: false,
        nodeClick: false,
        breadcrumb: { show: false },
        data: shown.map((r, i) => ({
          name: r.name,
          value: r.value,
          itemStyle: { color: colors[i] },
        })),
      },
    ],
  };
}

/** A report chart's label as the static charts write it: a period the
 * data covers only in part is "2026-11 (part)". */
export function periodLabel(label: string, partial: boolean): string {
  return partial ? `${label} (part)` : label;
}

/** One currency's panel of a report chart, as the engine reduced it (the
 * same data `burnrate report --chart` draws): bars for a ranking, lines or
 * stacked areas over a continuous time axis. */
export function reportPanelOption(chart: ChartData, panel: ChartPanel): echarts.EChartsCoreOption {
  const currency = panel.currency;
  const format = (v: number) => (currency ? money(v, currency) : v.toLocaleString("en-US"));
  const compact = (v: number) =>
    currency ? money(v, currency, { compact: true }) : v.toLocaleString("en-US");
  if (chart.kind === "bar") {
    const [series] = panel.series;
    return {
      tooltip: { trigger: "item", valueFormatter: format },
      grid: { left: 200, right: 30, top: 10, bottom: 30 },
      xAxis: { type: "value", axisLabel: { formatter: compact } },
      yAxis: {
        type: "category",
        // The first (largest) bar at the top.
        data: [...panel.labels].reverse(),
        axisLabel: { width: 190, overflow: "truncate" },
      },
      series: [
        {
          type: "bar",
          name: chart.y,
          itemStyle: { color: series.color },
          data: [...series.values].reverse(),
        },
      ],
    };
  }
  const area = chart.kind === "stacked";
  return {
    tooltip: { trigger: "axis", valueFormatter: format },
    legend: { type: "scroll", bottom: 0 },
    grid: { left: 70, right: 20, top: 20, bottom: panel.series.length > 1 ? 60 : 30 },
    xAxis: {
      type: "category",
      data: panel.labels.map((label, i) => periodLabel(label, panel.partial[i])),
    },
    yAxis: { type: "value", axisLabel: { formatter: compact } },
    series: panel.series.map((s) => ({
      name: s.name,
      type: "line",
      stack: area ? "total" : undefined,
      areaStyle: area ? { opacity: 0.8 } : undefined,
      symbol: "none",
      // A period without a value is a gap, not a line across it.
      connectNulls: false,
      itemStyle: { color: s.color },
      lineStyle: { width: area ? 1 : 2 },
      data: s.values,
    })),
  };
}
