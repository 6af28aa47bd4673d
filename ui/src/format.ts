// Number and date formatting: one place, so every view shows money alike.

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** `1234.5, "USD"` -> `$1,234.50`; an unknown currency code keeps its code. */
export function money(
  amount: number,
  currency: string,
  options: { compact?: boolean } = {},
): string {
  const key = `${currency}|${options.compact ? "c" : ""}`;
  let format = moneyFormats.get(key);
  if (!format) {
    try {
      format = new Intl.NumberFormat("en-US", {
        style: "currency",
        currency,
        notation: options.compact ? "compact" : "standard",
        maximumFractionDigits: options.compact ? 1 : 2,
        minimumFractionDigits: options.compact ? 0 : 2,
      });
    } catch {
      // Not an ISO currency code (e.g. "(none)"): plain number and the code.
      const plain = new Intl.NumberFormat("en-US", {
        minimumFractionDigits: 2,
        maximumFractionDigits: 2,
      });
      return `${plain.format(amount)} ${currency}`;
    }
    moneyFormats.set(key, format);
  }
  return format.format(amount);
}

/** A signed percentage with one decimal: `+12.3%`, `-4.0%`; `n/a` for null. */
export function percent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "n/a";
  const sign = value > 0 ? "+" : "";
  return `${sign}${value.toFixed(1)}%`;
}

export function count(value: number): string {
  return new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 }).format(value);
}

/** `2026-10` -> `October 2026`. */
export function monthName(month: string): string {
  const [year, m] = month.split("-").map(Number);
  if (!year || !m) return month;
  return new Date(Date.UTC(year, m - 1, 1)).toLocaleString("en-US", {
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });
}

/** The day after a YYYY-MM-DD day (explorer ranges are [from, to)). */
export function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

/** Which cost a figure is, in words. */
export function measureLabel(measure: string): string {
  switch (measure) {
    case "billed":
      return "Billed cost";
    case "effective":
      return "Effective cost (amortized)";
    case "list":
      return "List cost";
    default:
      return measure;
  }
}

/** A group as people read it: an account as `name (id)`, else its value. */
export function groupLabel(group: { name: string; account_name?: string | null }): string {
  return group.account_name ? `${group.account_name} (${group.name})` : group.name;
}

/** How old the data is on `today`: whole days since its last day, and
 * whether the month it ends in is already over (the overview's "month" is
 * the data's month, not the calendar's). */
export function dataAge(latestDay: string, today: Date): { days: number; monthOver: boolean } {
  const last = Date.parse(`${latestDay}T00:00:00Z`);
  const now = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const days = Math.max(0, Math.round((now - last) / 86_400_000));
  const lastMonth = latestDay.slice(0, 7);
  const thisMonth = `${today.getUTCFullYear()}-${String(today.getUTCMonth() + 1).padStart(2, "0")}`;
  return { days, monthOver: lastMonth < thisMonth };
}
