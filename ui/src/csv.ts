// Tables to CSV (RFC 4180 quoting), for the export buttons.

export type Cell = string | number | null | undefined;

function quote(cell: Cell): string {
  if (cell === null || cell === undefined) return "";
  const text = typeof cell === "number" ? String(cell) : cell;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(columns: string[], rows: Cell[][]): string {
  return `${[columns, ...rows].map((row) => row.map(quote).join(",")).join("\n")}\n`;
}
