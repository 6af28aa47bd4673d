import { api } from "../api";
import type { Settings, SettingsUpdate } from "../bindings";
import { h, mount, notice } from "../dom";

/** The form's fields as an update; blank text means "none". */
export function settingsUpdate(values: {
  currency: string;
  fx: string;
  threshold: string;
  minImpact: string;
  aliases: string;
  ignoreCase: boolean;
  accountsFile: string;
  accountNames: string;
}): SettingsUpdate {
  const lines = (text: string) =>
    text
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l.length > 0);
  return {
    reporting_currency: values.currency.trim() || null,
    fx_table: values.fx.trim() || null,
    anomaly_threshold: Number(values.threshold),
    anomaly_min_impact: Number(values.minImpact),
    tag_aliases: lines(values.aliases),
    tag_values_ignore_case: values.ignoreCase,
    account_names_file: values.accountsFile.trim() || null,
    account_names: lines(values.accountNames),
  };
}

export async function settingsView(root: HTMLElement, toast: (m: string) => void): Promise<void> {
  mount(root, h("h1", {}, "Settings"), notice("loading", "Reading the configuration…"));
  const [settings, status]: [Settings, Awaited<ReturnType<typeof api.status>>] = await Promise.all([
    api.settings(),
    api.status(),
  ]);
  const row = (label: string, value: string) => [
    h("dt", {}, label),
    h("dd", { class: "mono" }, value),
  ];
  const input = (name: string, value: string, attrs: Record<string, string> = {}) =>
    h("input", { name, value, "data-testid": `setting-${name}`, ...attrs }) as HTMLInputElement;
  const currency = input("currency", settings.reporting_currency ?? "", {
    placeholder: "none: each bill's currency",
    size: "8",
  });
  const fx = input("fx", settings.fx_table ?? "", {
    placeholder: "/path/to/fx.csv (date,from,to,rate)",
    size: "48",
  });
  const threshold = input("threshold", String(settings.anomaly_threshold), {
    type: "number",
    step: "0.1",
    min: "0.1",
  });
  const minImpact = input("min-impact", String(settings.anomaly_min_impact), {
    type: "number",
    step: "0.01",
    min: "0",
  });
  const aliases = h(
    "textarea",
    {
      name: "aliases",
      rows: 4,
      cols: 48,
      "data-testid": "setting-aliases",
      placeholder: "team = owner_team, Team",
    },
    settings.tag_aliases.join("\n"),
  ) as HTMLTextAreaElement;
  const ignoreCase = h("input", {
    type: "checkbox",
    name: "ignore-case",
    "data-testid": "setting-ignore-case",
    checked: settings.tag_values_ignore_case,
  }) as HTMLInputElement;
  const accountsFile = input("accounts-file", settings.account_names_file ?? "", {
    placeholder: "/path/to/accounts.csv (Id,Name) or list-accounts JSON",
    size: "48",
  });
  const accountNames = h(
    "textarea",
    {
      name: "account-names",
      rows: 4,
      cols: 48,
      "data-testid": "setting-account-names",
      placeholder: "222222222222 = web-prod",
    },
    settings.account_names.join("\n"),
  ) as HTMLTextAreaElement;
  const error = h("p", { class: "failed", role: "alert" });
  const form = h(
    "form",
    {
      class: "settings-form",
      // The engine checks every value and says what is wrong; the
      // browser's own checks would refuse silently (no message in WebKit).
      novalidate: true,
      onsubmit: async (e: Event) => {
        e.preventDefault();
        error.textContent = "";
        try {
          await api.updateSettings(
            settingsUpdate({
              currency: currency.value,
              fx: fx.value,
              threshold: threshold.value,
              minImpact: minImpact.value,
              aliases: aliases.value,
              ignoreCase: ignoreCase.checked,
              accountsFile: accountsFile.value,
              accountNames: accountNames.value,
            }),
          );
          toast("Settings saved to the config file");
          await settingsView(root, toast);
        } catch (err) {
          error.textContent = (err as Error).message;
        }
      },
    },
    h("label", {}, "Reporting currency ", currency),
    h("label", {}, "FX table ", fx),
    h("label", {}, "Anomaly threshold (robust z-score) ", threshold),
    h("label", {}, "Anomaly minimum impact ", minImpact),
    h(
      "label",
      { class: "stack" },
      "Tag key aliases, one key per line (keys always compare case-insensitively)",
      aliases,
    ),
    h(
      "label",
      {},
      ignoreCase,
      " Tag values ignore case (“Web” and “web” are one team; shown in lower case)",
    ),
    h("label", {}, "Account names file ", accountsFile),
    h(
      "label",
      { class: "stack" },
      "Account names, one `id = name` per line (wins over the file and the bills' own names)",
      accountNames,
    ),
    error,
    h("button", { type: "submit", class: "primary", "data-testid": "settings-save" }, "Save"),
  );
  mount(
    root,
    h("h1", {}, "Settings"),
    h(
      "dl",
      { class: "settings", "data-testid": "settings" },
      row("Data directory", settings.data_dir),
      row("Dataset", `${status.sources} sources, ${status.rows.toLocaleString("en-US")} rows`),
      row("Config file", settings.config_path),
      row("Allocation keys", settings.allocation_keys.join(", ") || "none"),
    ),
    h("h2", {}, "Analysis settings"),
    form,
    h(
      "p",
      { class: "muted" },
      "Saved into the config file with its comments kept; an edit the engine could not load is refused and changes nothing. Other settings (allocation keys, shared costs, optimization thresholds) are in the file (the README's “The config file”). Start the app with BURNRATE_DATA_DIR or BURNRATE_CONFIG set to use another dataset or file.",
    ),
  );
}
