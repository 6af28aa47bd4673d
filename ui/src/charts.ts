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
import { colorFor } from "./colors";
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
    series: series.map((s) => ({
      name: groupLabel(s),
      type: area ? "line" : "bar",
      stack: "total",
      areaStyle: area ? {} : undefined,
      symbol: "none",
      itemStyle: { color: colorFor(s.name) },
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
        data: ordered.map((s) => ({ value: s.cost, itemStyle: { color: colorFor(s.name) } })),
      },
    ],
  };
}

export function treemapOption(
  rows: { name: string; value: number }[],
  currency: string,
): echarts.EChartsCoreOption {
  return {
    tooltip: { valueFormatter: (v: number) => money(v, currency) },
    series: [
      {
        type: "treemap",
        roam: false,
        nodeClick: false,
        breadcrumb: { show: false },
        data: rows
          .filter((r) => r.value > 0)
          .map((r) => ({ name: r.name, value: r.value, itemStyle: { color: colorFor(r.name) } })),
      },
    ],
  };
}
