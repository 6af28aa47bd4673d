import { api } from "../api";
import { h, mount, notice } from "../dom";

export async function settingsView(root: HTMLElement): Promise<void> {
  mount(root, h("h1", {}, "Settings"), notice("loading", "Reading the configuration…"));
  const [settings, status] = await Promise.all([api.settings(), api.status()]);
  const row = (label: string, value: string) => [h("dt", {}, label), h("dd", { class: "mono" }, value)];
  mount(
    root,
    h("h1", {}, "Settings"),
    h(
      "dl",
      { class: "settings", "data-testid": "settings" },
      row("Data directory", settings.data_dir),
      row("Dataset", `${status.sources} sources, ${status.rows.toLocaleString("en-US")} rows`),
      row("Config file", settings.config_path),
      row("Reporting currency", settings.reporting_currency ?? "none: figures stay in each bill's currency"),
      row("FX table", settings.fx_table ?? "none"),
      row("Anomaly threshold", `${settings.anomaly_threshold} (robust z-score)`),
      row("Tag aliases", settings.tag_aliases.join("; ") || "none (keys always compare case-insensitively)"),
      row("Allocation keys", settings.allocation_keys.join(", ") || "none"),
    ),
    h("p", { class: "muted" }, "Edit the config file to change these (the README's “The config file” lists every setting); the app reads it on every view, so changes apply without a restart. Set BURNRATE_DATA_DIR or BURNRATE_CONFIG before starting the app to use another dataset or file."),
  );
}
