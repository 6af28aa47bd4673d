// One colour per name across every chart: a service is the same colour in
// the overview, the explorer and the reports.

const PALETTE = [
  "#2563eb",
  "#f97316",
  "#16a34a",
  "#dc2626",
  "#9333ea",
  "#0891b2",
  "#ca8a04",
  "#db2777",
  "#4f46e5",
  "#65a30d",
  "#0d9488",
  "#ea580c",
  "#7c3aed",
  "#059669",
  "#e11d48",
  "#0284c7",
];

export const OTHER_COLOR = "#9ca3af";

const assigned = new Map<string, string>();

/** The colour of a name: the next palette colour the first time a name is
 * drawn, the same colour in every chart after that (so a chart's groups do
 * not collide); past the palette, a hash of the name. */
export function colorFor(name: string): string {
  if (name === "(other)" || name === "(none)" || name === "(untagged)") return OTHER_COLOR;
  const known = assigned.get(name);
  if (known) return known;
  let color: string;
  if (assigned.size < PALETTE.length) {
    color = PALETTE[assigned.size];
  } else {
    let hash = 0x811c9dc5;
    for (let i = 0; i < name.length; i++) {
      hash ^= name.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    color = PALETTE[hash % PALETTE.length];
  }
  assigned.set(name, color);
  return color;
}

/** The colours of one chart's names: each name's own colour where no
 * earlier name in the chart has it, else the first palette colour the chart
 * does not use yet, so that no two groups of one chart look alike. */
export function colorsFor(names: string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    let color = colorFor(name);
    if (color !== OTHER_COLOR && used.has(color)) {
      color = PALETTE.find((c) => !used.has(c)) ?? color;
    }
    used.add(color);
    return color;
  });
}
