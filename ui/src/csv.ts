// Tables to CSV (RFC 4180 quoting), for the export buttons.

export type Cell = string | number | null | undefined;

/** A text cell a spreadsheet would run as a formula (it starts with = + -
 * @, a tab or a carriage return) gets a leading ' as OWASP recommends, so a
 * tag value cannot plant a formula; numbers, and text that is just a
 * number, stay as they are. Same rule as the CLI's CSV (`reports::csv`). */
export function neutralise(text: string): string {
  const risky = /^[=+\-@\t\r]/.test(text);
  const plainNumber = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text);
  return risky && !plainNumber ? `'${text}` : text;
}

function quote(cell: Cell): string {
  if (cell === null || cell === undefined) return "";
  const text = typeof cell === "number" ? String(cell) : neutralise(cell);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(columns: string[], rows: Cell[][]): string {
  return `${[columns, ...rows].map((row) => row.map(quote).join(",")).join("\n")}\n`;
}
