-- name: commitment_savings
-- title: Commitment and discount savings
-- description: List cost minus effective cost per service: what reservations, savings plans and negotiated discounts saved. Rows without a list price are left out of both sides.
-- columns: service, list_cost, effective_cost, savings, savings_pct, currency
-- chart: bar x=service y=savings
SELECT
  COALESCE(ServiceName, '(none)') AS service,
  SUM(ListCost) AS list_cost,
  SUM(EffectiveCost) AS effective_cost,
  SUM(ListCost) - SUM(EffectiveCost) AS savings,
  CASE WHEN SUM(ListCost) <> 0
    THEN (SUM(ListCost) - SUM(EffectiveCost)) / SUM(ListCost) * 100 END AS savings_pct,
  BillingCurrency AS currency
FROM billing
WHERE ListCost IS NOT NULL AND ChargeCategory = 'Usage'
GROUP BY 1, BillingCurrency
ORDER BY ROUND(savings, 2) DESC, service
