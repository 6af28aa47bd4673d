-- name: cost_by_team
-- title: Cost by team
-- description: Cost per value of the allocation key "team" (by default the tag team and its aliases, else "(unallocated)"; see tag rules in the README).
-- columns: team, billed_cost, effective_cost, list_cost, currency
-- chart: bar x=team y=effective_cost
SELECT
  x_Allocation_team AS team,
  SUM(BilledCost) AS billed_cost,
  SUM(EffectiveCost) AS effective_cost,
  SUM(ListCost) AS list_cost,
  BillingCurrency AS currency
FROM billing
GROUP BY 1, BillingCurrency
ORDER BY ROUND(effective_cost, 2) DESC, team
