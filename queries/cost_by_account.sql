-- name: cost_by_account
-- title: Cost by account
-- description: Cost per billing account and sub-account (AWS linked account, Azure subscription, GCP project).
-- columns: billing_account, sub_account, sub_account_name, billed_cost, effective_cost, list_cost, currency
-- chart: bar x=sub_account y=effective_cost
SELECT
  COALESCE(BillingAccountId, '(none)') AS billing_account,
  COALESCE(SubAccountId, '(none)') AS sub_account,
  MAX(SubAccountName) AS sub_account_name,
  SUM(BilledCost) AS billed_cost,
  SUM(EffectiveCost) AS effective_cost,
  SUM(ListCost) AS list_cost,
  BillingCurrency AS currency
FROM billing
GROUP BY 1, 2, BillingCurrency
ORDER BY ROUND(effective_cost, 2) DESC, sub_account
