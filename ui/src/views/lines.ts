// The billing lines behind a number (an explorer group, a finding): what the
// provider billed on each line and the file and row it came from, with the
// totals of all of them and an export of every line.

import { api } from "../api";
import type { LineItem, LineItems, LineQuery } from "../bindings";
import { h, mount, notice } from "../dom";
import { money } from "../format";

/** Quantity and unit as a bill says them: "24 Hrs". */
export function quantityText(line: LineItem): string {
  if (line.quantity === null) return "";
  return `${line.quantity.toLocaleString("en-US", { maximumFractionDigits: 4 })} ${line.unit}`.trim();
}

/** The unit price to the tenth of a cent and below: $0.096, not $0.10. */
export function unitPrice(line: LineItem): string {
  if (line.list_unit_price === null) return "";
  return line.list_unit_price.toLocaleString("en-US", {
    style: "currency",
    currency: line.currency || "USD",
    maximumFractionDigits: 6,
  });
}

/** "N lines: $billed billed · $effective effective · $list list", per currency. */
export function linesSummary(items: LineItems): string {
  const totals = items.totals
    .map(
      (t) =>
        `${money(t.billed, t.currency)} billed · ${money(t.effective, t.currency)} effective · ${money(t.list, t.currency)} list`,
    )
    .join("; ");
  const shown =
    items.lines.length < items.total_lines
      ? ` (the ${items.lines.length} largest shown; the CSV has all)`
      : "";
  return `${items.total_lines.toLocaleString("en-US")} billing lines${shown}: ${totals}`;
}

/** Loads and shows the lines a query selects, under a title. */
export async function linesPanel(
  box: HTMLElement,
  title: string,
  query: LineQuery,
  fileName: string,
  toast: (m: string) => void,
): Promise<void> {
  mount(box, notice("loading", "Reading the billing lines…"));
  let items: LineItems;
  try {
    items = await api.lineItems(query);
  } catch (error) {
    mount(box, notice("error", "Could not read the billing lines", (error as Error).message));
    return;
  }
  const headers = [
    "Day",
    "Service",
    "Resource",
    "Charge",
    "Usage type",
    "Operation",
    "Quantity",
    "List unit price",
    "Billed",
    "Effective",
    "List",
    "File:row",
  ];
  mount(
    box,
    h(
      "section",
      { class: "panel", "data-testid": "line-items" },
      h(
        "div",
        { class: "panel-head" },
        h("h2", {}, title),
        h(
          "button",
          {
            "data-testid": "export-line-items",
            onclick: async () => {
              const saved = await api.exportLineItems(query, fileName);
              if (saved) toast(`Saved ${saved}`);
            },
          },
          "Export all (CSV)",
        ),
      ),
      h("p", { class: "muted", "data-testid": "line-items-summary" }, linesSummary(items)),
      items.lines.length === 0
        ? notice("empty", "No billing lines", "The filters and dates select nothing.")
        : h(
            "div",
            { class: "scroll" },
            h(
              "table",
              { class: "lines" },
              h(
                "thead",
                {},
                h(
                  "tr",
                  {},
                  headers.map((c) => h("th", {}, c)),
                ),
              ),
              h(
                "tbody",
                {},
                items.lines.map((line) =>
                  h(
                    "tr",
                    { title: line.description },
                    h("td", {}, line.day),
                    h("td", { class: "clip" }, line.service),
                    h("td", { class: "mono clip", title: line.resource_id }, line.resource_id),
                    h("td", {}, line.charge_category),
                    h("td", { class: "mono" }, line.usage_type),
                    h("td", {}, line.operation),
                    h("td", { class: "num" }, quantityText(line)),
                    h("td", { class: "num" }, unitPrice(line)),
                    h("td", { class: "num" }, money(line.billed, line.currency)),
                    h("td", { class: "num" }, money(line.effective, line.currency)),
                    h("td", { class: "num" }, money(line.list, line.currency)),
                    h(
                      "td",
                      { class: "mono clip", title: `${line.source_file}:${line.source_row}` },
                      `${line.source_file.split("/").pop()}:${line.source_row}`,
                    ),
                  ),
                ),
              ),
            ),
          ),
    ),
  );
}
