// Saved cloud connections ([[connections]] in the config file): add, edit,
// remove, and pull one with its log streaming in. No secrets are entered
// here: each provider's own credential chain is used (AWS profiles and SSO,
// `az login`, environment variables).

import { api } from "../api";
import type { ConnectionForm } from "../bindings";
import { confirmButton, h, mount } from "../dom";

/** The fields each kind uses, with a label and a hint. */
export const KIND_FIELDS: Record<string, [keyof ConnectionForm, string, string][]> = {
  "aws-ce": [
    ["billing_account", "Payer account id", "111111111111"],
    ["profile", "AWS profile", "default chain when empty"],
    ["group_by", "Group by", "account, or tag:KEY"],
    ["months", "Months back", "2"],
    ["endpoint_url", "Endpoint URL", "only for compatible or local endpoints"],
  ],
  "aws-cur": [
    ["url", "CUR location", "s3://bucket/prefix"],
    ["region", "Bucket region", "us-east-1"],
    ["profile", "AWS profile", "default chain when empty"],
    ["endpoint_url", "Endpoint URL", "only for compatible or local endpoints"],
  ],
  "azure-query": [
    ["scope", "Scope", "subscriptions/ID or providers/Microsoft.Billing/billingAccounts/ID"],
    ["cost_type", "Cost type", "both, actual or amortized"],
    ["group_by", "Group by", "ServiceName,SubscriptionId"],
    ["months", "Months back", "2"],
    ["endpoint_url", "Management endpoint", "https://management.azure.com"],
  ],
  "azure-export": [
    ["url", "Export location", "https://ACCOUNT.blob.core.windows.net/CONTAINER/PATH"],
  ],
};

export function emptyConnection(kind: string): ConnectionForm {
  return {
    name: "",
    kind,
    billing_account: null,
    months: null,
    group_by: null,
    url: null,
    region: null,
    profile: null,
    endpoint_url: null,
    scope: null,
    cost_type: null,
  };
}

/** The form's values for `kind`: blank text is null, months a number. */
export function connectionFromFields(
  name: string,
  kind: string,
  values: Record<string, string>,
): ConnectionForm {
  const form = emptyConnection(kind);
  form.name = name.trim();
  for (const [field] of KIND_FIELDS[kind] ?? []) {
    const text = (values[field] ?? "").trim();
    if (field === "months") form.months = text ? Number(text) : null;
    else (form as unknown as Record<string, string | null>)[field] = text || null;
  }
  return form;
}

export async function connectionsPanel(
  box: HTMLElement,
  toast: (m: string) => void,
  onPulled: () => void,
): Promise<void> {
  const refresh = () => connectionsPanel(box, toast, onPulled);
  const connections = await api.connections();
  const editor = h("div", {});
  const log = h("pre", { class: "log", "data-testid": "pull-log", hidden: true });

  const edit = (original: string | null, start: ConnectionForm) => {
    const error = h("p", { class: "failed", role: "alert" });
    const kind = h(
      "select",
      { name: "kind", "data-testid": "connection-kind" },
      Object.keys(KIND_FIELDS).map((k) => h("option", { value: k, selected: k === start.kind }, k)),
    ) as HTMLSelectElement;
    const name = h("input", {
      name: "name",
      value: start.name,
      required: true,
      "data-testid": "connection-name",
    }) as HTMLInputElement;
    const fields = h("div", { class: "fields" });
    const inputs = new Map<string, HTMLInputElement>();
    const drawFields = () => {
      inputs.clear();
      mount(
        fields,
        (KIND_FIELDS[kind.value] ?? []).map(([field, label, hint]) => {
          const current = (start as unknown as Record<string, string | number | null>)[field];
          const input = h("input", {
            name: field,
            value: current === null || current === undefined ? "" : String(current),
            placeholder: hint,
            "data-testid": `connection-${field}`,
          }) as HTMLInputElement;
          inputs.set(field, input);
          return h("label", {}, label, input);
        }),
      );
    };
    kind.addEventListener("change", drawFields);
    drawFields();
    const form = h(
      "form",
      {
        class: "schedule-form",
        "data-testid": "connection-form",
        onsubmit: async (e: Event) => {
          e.preventDefault();
          const values: Record<string, string> = {};
          for (const [field, input] of inputs) values[field] = input.value;
          try {
            await api.saveConnection(
              original,
              connectionFromFields(name.value, kind.value, values),
            );
            toast(original ? `Saved ${original}` : "Connection added");
            await refresh();
          } catch (err) {
            error.textContent = (err as Error).message;
          }
        },
      },
      h("h3", {}, original ? `Edit ${original}` : "New connection"),
      h("label", {}, "Name", name),
      h("label", {}, "Kind", kind),
      fields,
      h(
        "p",
        { class: "muted" },
        "Credentials are never entered or stored here: AWS uses its standard chain (profiles, SSO, environment, instance roles), Azure `az login` or AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET, Blob exports AZURE_STORAGE_KEY or AZURE_STORAGE_SAS_TOKEN.",
      ),
      error,
      h(
        "div",
        {},
        h("button", { type: "submit", class: "primary", "data-testid": "connection-save" }, "Save"),
        h("button", { type: "button", onclick: () => mount(editor) }, "Cancel"),
      ),
    );
    mount(editor, form);
  };

  const pull = async (name: string) => {
    log.hidden = false;
    log.textContent = `Pulling ${name}…\n`;
    try {
      const result = await api.pullConnection(name, (line) => {
        log.textContent += `${line}\n`;
      });
      if (result.error)
        log.textContent += `FAILED: ${result.error.message}\nThe dataset is unchanged.\n`;
      toast(result.ok ? `Pulled ${name}` : `${name} failed: see the log`);
    } catch (err) {
      log.textContent += `FAILED: ${(err as Error).message}\n`;
    }
    onPulled();
  };

  const check = async (name: string) => {
    log.hidden = false;
    log.textContent = `Testing ${name}…\n`;
    try {
      log.textContent += `ok: ${await api.checkConnection(name)}\n`;
    } catch (err) {
      log.textContent += `FAILED: ${(err as Error).message}\n`;
    }
  };

  mount(
    box,
    h(
      "div",
      { class: "panel-head" },
      h("h2", {}, "Cloud connections"),
      h(
        "button",
        { "data-testid": "connection-new", onclick: () => edit(null, emptyConnection("aws-ce")) },
        "Add connection",
      ),
    ),
    editor,
    connections.length === 0
      ? h(
          "p",
          { class: "muted" },
          "No connections. Add AWS Cost Explorer, CUR in S3, the Azure Cost Management Query API or Azure exports in Blob storage; `burnrate pull --all` and schedules pull them too.",
        )
      : h(
          "table",
          { "data-testid": "connection-table" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              ["Name", "Kind", "Where", ""].map((c) => h("th", {}, c)),
            ),
          ),
          h(
            "tbody",
            {},
            connections.map((c) =>
              h(
                "tr",
                {},
                h("td", {}, c.name),
                h("td", {}, c.kind),
                h("td", { class: "mono" }, c.scope ?? c.url ?? c.billing_account ?? ""),
                h(
                  "td",
                  {},
                  h("button", { class: "primary", onclick: () => pull(c.name) }, "Pull now"),
                  h("button", { onclick: () => check(c.name) }, "Test"),
                  h("button", { onclick: () => edit(c.name, c) }, "Edit"),
                  confirmButton("Remove", "Remove? Data it pulled stays", async () => {
                    await api.removeConnection(c.name);
                    toast(`Removed ${c.name}`);
                    await refresh();
                  }),
                ),
              ),
            ),
          ),
        ),
    log,
  );
}
