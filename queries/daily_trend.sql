-- name: daily_trend
-- title: Daily cost trend
-- description: Billed and effective cost per day and provider.
-- columns: day, provider, billed_cost, effective_cost, currency
-- chart: line x=day series=provider y=effective_cost
SELECT
  strftime(ChargePeriodStart, '%Y-%m-%d') AS day,
  COALESCE(ProviderName, '(none)') AS provider,
  SUM(BilledCost) AS billed_cost,
  SUM(EffectiveCost) AS effective_cost,
  BillingCurrency AS currency
FROM billing
GROUP BY 1, 2, BillingCurrency
ORDER BY day, provider
