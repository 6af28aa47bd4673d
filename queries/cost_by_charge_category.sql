-- name: cost_by_charge_category
-- title: Cost by charge category
-- description: Usage, purchases, tax, credits and adjustments (FOCUS ChargeCategory) per month.
-- columns: month, charge_category, billed_cost, effective_cost, currency
-- chart: stacked x=month series=charge_category y=billed_cost
SELECT
  strftime(ChargePeriodStart, '%Y-%m') AS month,
  COALESCE(ChargeCategory, '(none)') AS charge_category,
  SUM(BilledCost) AS billed_cost,
  SUM(EffectiveCost) AS effective_cost,
  BillingCurrency AS currency
FROM billing
GROUP BY 1, 2, BillingCurrency
ORDER BY month, billed_cost DESC, charge_category
