-- name: cost_by_region
-- title: Cost by region
-- description: Billed and effective cost per provider region.
-- columns: provider, region, billed_cost, effective_cost, currency
-- chart: bar x=region y=effective_cost
SELECT
  COALESCE(ProviderName, '(none)') AS provider,
  COALESCE(RegionId, '(global)') AS region,
  SUM(BilledCost) AS billed_cost,
  SUM(EffectiveCost) AS effective_cost,
  BillingCurrency AS currency
FROM billing
GROUP BY 1, 2, BillingCurrency
ORDER BY ROUND(effective_cost, 2) DESC, provider, region
