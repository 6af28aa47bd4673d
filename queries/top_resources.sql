-- name: top_resources
-- title: Top 50 resources
-- description: The 50 resources with the highest effective cost, with their service, account and region.
-- columns: resource_id, service, sub_account, region, effective_cost, billed_cost, list_cost, currency
-- chart: bar x=resource_id y=effective_cost
SELECT
  ResourceId AS resource_id,
  MAX(ServiceName) AS service,
  MAX(SubAccountId) AS sub_account,
  MAX(RegionId) AS region,
  SUM(EffectiveCost) AS effective_cost,
  SUM(BilledCost) AS billed_cost,
  SUM(ListCost) AS list_cost,
  BillingCurrency AS currency
FROM billing
WHERE ResourceId IS NOT NULL
GROUP BY ResourceId, BillingCurrency
ORDER BY ROUND(effective_cost, 2) DESC, resource_id
LIMIT 50
