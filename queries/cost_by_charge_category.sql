-- name: cost_by_charge_category
-- title: Cost by charge category
-- description: Usage, purchases, tax, credits and adjustments (FOCUS ChargeCategory) per month.
-- columns: month, charge_category, billed_cost, effective_cost, currency
-- chart: stacked x=month series=charge_category y=billed_cost
WITH daily AS (
  SELECT
    CAST(ChargePeriodStart AS DATE) AS day,
    COALESCE(ChargeCategory, '(none)') AS charge_category,
    BillingCurrency AS currency,
    SUM(BilledCost) AS billed_cost,
    SUM(EffectiveCost) AS effective_cost
  FROM billing
  GROUP BY 1, 2, 3
)
SELECT
  strftime(day, '%Y-%m') AS month,
  charge_category,
  SUM(billed_cost) AS billed_cost,
  SUM(effective_cost) AS effective_cost,
  currency
FROM daily
GROUP BY 1, 2, currency
ORDER BY month, ROUND(billed_cost, 2) DESC, charge_category
