-- name: untagged_top_resources
-- title: Top resources without a team
-- description: The 50 resources with the highest effective cost whose team allocation key is unallocated.
-- columns: resource_id, service, sub_account, effective_cost, billed_cost, currency
-- chart: bar x=resource_id y=effective_cost
SELECT
  ResourceId AS resource_id,
  MAX(ServiceName) AS service,
  MAX(SubAccountId) AS sub_account,
  SUM(EffectiveCost) AS effective_cost,
  SUM(BilledCost) AS billed_cost,
  BillingCurrency AS currency
FROM billing
WHERE x_Allocation_team = '(unallocated)' AND ResourceId IS NOT NULL
GROUP BY ResourceId, BillingCurrency
ORDER BY ROUND(effective_cost, 2) DESC, resource_id
LIMIT 50
