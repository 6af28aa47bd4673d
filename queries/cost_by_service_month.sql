-- name: cost_by_service_month
-- title: Cost by service by month
-- description: Billed, effective (amortized) and list cost of every service per calendar month.
-- columns: month, service, billed_cost, effective_cost, list_cost, currency
-- chart: stacked x=month series=service y=effective_cost
SELECT
  strftime(ChargePeriodStart, '%Y-%m') AS month,
  COALESCE(ServiceName, '(none)') AS service,
  SUM(BilledCost) AS billed_cost,
  SUM(EffectiveCost) AS effective_cost,
  SUM(ListCost) AS list_cost,
  BillingCurrency AS currency
FROM billing
GROUP BY 1, 2, BillingCurrency
ORDER BY month, effective_cost DESC, service
