-- name: cost_by_service_month
-- title: Cost by service by month
-- description: Billed, effective (amortized) and list cost of every service per calendar month.
-- columns: month, service, billed_cost, effective_cost, list_cost, currency
-- chart: stacked x=month series=service y=effective_cost
-- Aggregated by day first, because formatting millions of timestamps as
-- months costs more than the whole aggregation.
WITH daily AS (
  SELECT
    CAST(ChargePeriodStart AS DATE) AS day,
    COALESCE(ServiceName, '(none)') AS service,
    BillingCurrency AS currency,
    SUM(BilledCost) AS billed_cost,
    SUM(EffectiveCost) AS effective_cost,
    SUM(ListCost) AS list_cost
  FROM billing
  GROUP BY 1, 2, 3
)
SELECT
  strftime(day, '%Y-%m') AS month,
  service,
  SUM(billed_cost) AS billed_cost,
  SUM(effective_cost) AS effective_cost,
  SUM(list_cost) AS list_cost,
  currency
FROM daily
GROUP BY 1, 2, currency
ORDER BY month, ROUND(effective_cost, 2) DESC, service
