-- name: daily_trend
-- title: Daily cost trend
-- description: Billed and effective cost per day and provider.
-- columns: day, provider, billed_cost, effective_cost, currency
-- chart: line x=day series=provider y=effective_cost
WITH daily AS (
  SELECT
    CAST(ChargePeriodStart AS DATE) AS day,
    COALESCE(ProviderName, '(none)') AS provider,
    BillingCurrency AS currency,
    SUM(BilledCost) AS billed_cost,
    SUM(EffectiveCost) AS effective_cost
  FROM billing
  GROUP BY 1, 2, 3
)
SELECT
  strftime(day, '%Y-%m-%d') AS day,
  provider,
  billed_cost,
  effective_cost,
  currency
FROM daily
ORDER BY day, provider
