-- name: mom_change_by_service
-- title: Month-over-month change by service
-- description: Effective cost per service per month next to the previous month, with the change in money and percent.
-- columns: month, service, effective_cost, previous_month_cost, change, change_pct, currency
-- chart: bar x=service y=change latest=month
WITH daily AS (
  SELECT
    CAST(ChargePeriodStart AS DATE) AS day,
    COALESCE(ServiceName, '(none)') AS service,
    BillingCurrency AS currency,
    SUM(EffectiveCost) AS effective_cost
  FROM billing
  GROUP BY 1, 2, 3
),
monthly AS (
  SELECT
    strftime(day, '%Y-%m') AS month,
    service,
    currency,
    SUM(effective_cost) AS effective_cost
  FROM daily
  GROUP BY 1, 2, 3
),
paired AS (
  SELECT
    month,
    service,
    currency,
    effective_cost,
    LAG(effective_cost) OVER (PARTITION BY service, currency ORDER BY month) AS previous_month_cost
  FROM monthly
)
SELECT
  month,
  service,
  effective_cost,
  previous_month_cost,
  effective_cost - previous_month_cost AS change,
  CASE WHEN previous_month_cost <> 0
    THEN (effective_cost - previous_month_cost) / ABS(previous_month_cost) * 100 END AS change_pct,
  currency
FROM paired
ORDER BY month, ROUND(change, 2) DESC, service
