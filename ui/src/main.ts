// The app shell: navigation, keyboard shortcuts, toasts, and the views.

import { api } from "./api";
import type { ExploreQuery } from "./bindings";
import { disposeCharts } from "./charts";
import { h, mount, notice } from "./dom";
import { type AnomaliesState, anomaliesView } from "./views/anomalies";
import { commitmentsView } from "./views/commitments";
import { dataView } from "./views/data";
import { defaultExplorerState, explorerView } from "./views/explorer";
import { overviewView } from "./views/overview";
import { defaultRecommendationsState, recommendationsView } from "./views/recommendations";
import { reportsView } from "./views/reports";
import { settingsView } from "./views/settings";

export type ViewName =
  | "overview"
  | "explorer"
  | "anomalies"
  | "recommendations"
  | "commitments"
  | "data"
  | "reports"
  | "settings";
export interface NavigateOptions {
  query?: ExploreQuery;
  select?: string;
  loadDemo?: boolean;
}
export type Navigate = (view: ViewName, options?: NavigateOptions) => void;

const VIEWS: [ViewName, string][] = [
  ["overview", "Overview"],
  ["explorer", "Cost explorer"],
  ["anomalies", "Anomalies"],
  ["recommendations", "Recommendations"],
  ["commitments", "Commitments"],
  ["data", "Data"],
  ["reports", "Reports"],
  ["settings", "Settings"],
];

const explorer = defaultExplorerState();
const recommendations = defaultRecommendationsState();
const anomalies: AnomaliesState = { since: "" };
let current: ViewName = "overview";
let generation = 0;

const app = document.getElementById("app");
if (!app) throw new Error("index.html has no #app element");
const nav = h("nav", { "aria-label": "Views" });
const main = h("main", { tabindex: -1 });
// Saved explorer views, one click away from every view.
const sidebar = h("aside", { class: "sidebar", "aria-label": "Saved views" });
const shell = h("div", { class: "shell no-views" }, sidebar, main);
const toastBox = h("div", {
  class: "toast",
  role: "status",
  "aria-live": "polite",
  "data-testid": "toast",
});
mount(
  app,
  h(
    "header",
    {},
    h("span", { class: "brand" }, h("span", { class: "logo", "aria-hidden": "true" }), "Burnrate"),
    nav,
  ),
  shell,
  toastBox,
);

async function drawSidebar(): Promise<void> {
  const views = await api.savedViews().catch((error: Error) => {
    shell.classList.remove("no-views");
    mount(sidebar, h("h3", {}, "Saved views"), h("p", { class: "muted" }, error.message));
    return null;
  });
  if (views === null) return;
  shell.classList.toggle("no-views", views.length === 0);
  mount(
    sidebar,
    h("h3", {}, "Saved views"),
    h(
      "ul",
      { "data-testid": "saved-views" },
      views.map((v) =>
        h(
          "li",
          {},
          h(
            "button",
            {
              class: "link",
              "data-testid": "saved-view",
              title: `Open "${v.name}" in the explorer`,
              onclick: () => {
                explorer.area = v.area;
                navigate("explorer", { query: v.query });
              },
            },
            v.name,
          ),
          h(
            "button",
            {
              class: "small",
              "aria-label": `remove view ${v.name}`,
              title: "Remove this view",
              onclick: async () => {
                await api.removeView(v.name).catch((e: Error) => toast(e.message));
                void drawSidebar();
              },
            },
            "×",
          ),
        ),
      ),
    ),
  );
}

let toastTimer: number | undefined;
function toast(message: string): void {
  toastBox.textContent = message;
  toastBox.classList.add("show");
  window.clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => toastBox.classList.remove("show"), 4000);
}

function drawNav(): void {
  mount(
    nav,
    VIEWS.map(([name, label], i) =>
      h(
        "button",
        {
          class: name === current ? "active" : "",
          "data-view": name,
          title: `${label} (Alt+${i + 1})`,
          "aria-current": name === current ? "page" : null,
          onclick: () => navigate(name),
        },
        label,
      ),
    ),
  );
}

const navigate: Navigate = (view, options = {}) => {
  current = view;
  if (options.query) explorer.query = options.query;
  if (options.select) recommendations.selected = options.select;
  drawNav();
  disposeCharts();
  const mine = ++generation;
  const root = h("div", { class: "view", "data-testid": `view-${view}` });
  mount(main, root);
  main.focus({ preventScroll: true });
  const run = async () => {
    switch (view) {
      case "overview":
        return overviewView(root, navigate);
      case "explorer":
        return explorerView(root, explorer, toast, () => void drawSidebar());
      case "anomalies":
        return anomaliesView(root, anomalies, navigate);
      case "recommendations":
        return recommendationsView(root, recommendations, toast);
      case "commitments":
        return commitmentsView(root);
      case "data":
        return dataView(root, options, toast, () => undefined);
      case "reports":
        return reportsView(root, toast);
      case "settings":
        return settingsView(root, toast);
    }
  };
  run().catch((error: Error) => {
    if (mine !== generation) return;
    mount(
      root,
      notice(
        "error",
        "Something went wrong",
        `${error.message}. Check the data in Data or the config file in Settings, then try again.`,
        h("button", { onclick: () => navigate(view, options) }, "Try again"),
      ),
    );
  });
};

// Alt+1…8 switch views; Escape returns to the overview.
window.addEventListener("keydown", (event) => {
  if (event.altKey && /^[1-8]$/.test(event.key)) {
    event.preventDefault();
    navigate(VIEWS[Number(event.key) - 1][0]);
  }
});

navigate("overview");
void drawSidebar();
