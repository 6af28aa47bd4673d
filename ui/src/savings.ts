import type { Confidence, Recommendation } from "./bindings";

const CONFIDENCE_RANK: Record<Confidence, number> = { low: 0, medium: 1, high: 2 };

/**
 * The potential savings per month of a set of findings, per currency: each
 * group of alternatives (the ways to change one instance) counts once, its
 * largest saving (ties: the higher confidence). The same rule as the
 * engine's `optimize::potential_savings`, applied here to the findings a
 * filter keeps or the user did not dismiss.
 */
export function potentialSavings(findings: Recommendation[]): Map<string, number> {
  const chosen = new Map<string, Recommendation>();
  for (const f of findings) {
    const current = chosen.get(f.group);
    const better =
      !current ||
      f.estimated_monthly_savings > current.estimated_monthly_savings ||
      (f.estimated_monthly_savings === current.estimated_monthly_savings &&
        CONFIDENCE_RANK[f.confidence] > CONFIDENCE_RANK[current.confidence]);
    if (better) chosen.set(f.group, f);
  }
  const totals = new Map<string, number>();
  for (const f of chosen.values())
    totals.set(f.currency, (totals.get(f.currency) ?? 0) + f.estimated_monthly_savings);
  return totals;
}
