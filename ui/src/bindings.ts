// Generated from crates/api/src/dto.rs by `BLESS_BINDINGS=1 cargo test --workspace`.
// Do not edit: a test fails when this file and the Rust types differ.

export type ApiError = { code: Code, message: string, };

export type CostMeasure = "billed" | "effective" | "list";

export type Period = "day" | "week" | "month";

export type Code = "bad_input" | "unknown_format" | "reconciliation" | "ambiguous_delivery" | "usage" | "config" | "report" | "dataset" | "io" | "query" | "empty" | "cancelled" | "credentials" | "api" | "internal";

export type Status = { data_dir: string, config_path: string, sources: number, rows: number, };

export type Totals = { currency: string, billed: number, effective: number, list: number, };

export type Slice = { 
/**
 * The group's value (an account's id).
 */
name: string, 
/**
 * An account's name, shown as `account_name (name)`; none for services.
 */
account_name: string | null, cost: number, };

export type Point = { day: string, cost: number, };

export type MonthEnd = { value: string, currency: string, 
/**
 * YYYY-MM
 */
month: string, 
/**
 * Cost already in the data for this month.
 */
actual_to_date: number, 
/**
 * Actual to date plus the predicted remaining days and the recurring
 * charges still to come.
 */
forecast: number, lower_95: number, upper_95: number, 
/**
 * The calendar-driven charges the forecast expects this month and has
 * not seen yet (included in `forecast`).
 */
expected_recurring: number, 
/**
 * The data covers the whole month: `forecast` is the actual figure.
 */
complete: boolean, backtest_mape: number | null, };

export type CurrencyOverview = { total: Totals, month_to_date_effective: number, 
/**
 * The same days of the month before.
 */
previous_month_same_days_effective: number, change_pct: number | null, 
/**
 * The forecast of the month the data is still filling (effective
 * cost): the latest data's month, or the next when that is complete.
 */
forecast: MonthEnd | null, by_service: Array<Slice>, by_account: Array<Slice>, 
/**
 * Effective cost per day, the last 90 days of data.
 */
daily: Array<Point>, };

export type Overview = { empty: boolean, 
/**
 * The last day with data, YYYY-MM-DD.
 */
latest_day: string | null, 
/**
 * The month of `latest_day`, YYYY-MM: "this month" in the overview.
 */
month: string | null, 
/**
 * Set when figures were converted to a reporting currency.
 */
currency_note: string | null, 
/**
 * Largest spend first.
 */
currencies: Array<CurrencyOverview>, 
/**
 * The last 30 days of data.
 */
anomalies: Array<AnomalyRow>, };

export type Filter = { 
/**
 * A dimension name: provider, account, service, region, tag:KEY, ...
 */
dimension: string, 
/**
 * Values as the explorer's groups name them (exact; an account by its id).
 */
values: Array<string>, 
/**
 * Drop these rows instead of keeping only them.
 */
exclude: boolean, };

export type DateRange = "month-to-date" | "last-month" | "last-30-days" | "last-90-days" | "quarter-to-date" | "year-to-date";

export type Compare = { "kind": "previous_period" } | { "kind": "year_before" } | { "kind": "dates", from: string, to: string, };

export type ExploreQuery = { group_by: string, measure: CostMeasure, period: Period, 
/**
 * Days relative to the data's last day; when set, `from` and `to` are
 * not used (a saved view keeps meaning "last month" as data arrives).
 */
range: DateRange | null, 
/**
 * First day included, YYYY-MM-DD.
 */
from: string | null, 
/**
 * First day excluded, YYYY-MM-DD.
 */
to: string | null, filters: Array<Filter>, 
/**
 * How many of the largest groups per currency the chart names; the
 * rest are one "(other)" series. Default 12.
 */
top: number | null, compare: Compare | null, };

export type Series = { 
/**
 * The group's value (an account's id): what a filter on it takes.
 */
name: string, 
/**
 * An account's name (from the data or the `[accounts]` config), shown
 * as `account_name (name)`; none for other dimensions.
 */
account_name: string | null, currency: string, values: Array<number>, total: number, };

export type GroupRow = { 
/**
 * The group's value (an account's id): what a filter on it takes.
 */
name: string, 
/**
 * An account's name (from the data or the `[accounts]` config), shown
 * as `account_name (name)`; none for other dimensions.
 */
account_name: string | null, currency: string, billed: number, effective: number, list: number, };

export type ComparedGroup = { name: string, account_name: string | null, currency: string, current: number, previous: number, change: number, 
/**
 * None when the previous period had no cost.
 */
change_pct: number | null, 
/**
 * The group's share of its currency's total in each period (0..1).
 */
share: number | null, previous_share: number | null, };

export type Comparison = { 
/**
 * The second period's days: first included, first excluded.
 */
from: string, to: string, 
/**
 * Largest change (either way) first.
 */
rows: Array<ComparedGroup>, 
/**
 * One per currency, named "Total".
 */
totals: Array<ComparedGroup>, };

export type Explore = { measure: CostMeasure, group_by: string, 
/**
 * The days shown, first included and first excluded: the query's, a
 * range's, or the data's first and last day.
 */
from: string | null, to: string | null, 
/**
 * The data's last day (before any filter): what ranges count back from.
 */
last_day: string | null, 
/**
 * Every period start from the first with data to the last (`YYYY-MM-DD`):
 * a period without charges is there, with zero cost.
 */
periods: Array<string>, 
/**
 * Per period: the data covers it only in part (a week or month the
 * chosen dates or the data cut).
 */
partial: Array<boolean>, 
/**
 * The largest groups per currency; the rest summed as "(other)".
 */
series: Array<Series>, 
/**
 * Every group, largest first.
 */
rows: Array<GroupRow>, totals: Array<Totals>, currency_note: string | null, 
/**
 * The dimension a click on a group drills into (filtering on the group);
 * none when the groups are resources, whose billing lines come next.
 */
next_group_by: string | null, 
/**
 * The groups beside a second period, when the query asks for one.
 */
comparison: Comparison | null, 
/**
 * What the user may want to know about this answer: groups that differ
 * only by case, a filter value that matches nothing but one spelled
 * differently.
 */
hints: Array<string>, };

export type DimensionValue = { value: string, 
/**
 * An account's name, for account dimensions.
 */
account_name: string | null, };

export type SavedView = { name: string, query: ExploreQuery, 
/**
 * The chart as stacked areas instead of bars.
 */
area: boolean, };

export type LineQuery = { filters: Array<Filter>, 
/**
 * First day included, YYYY-MM-DD.
 */
from: string | null, 
/**
 * First day excluded, YYYY-MM-DD.
 */
to: string | null, };

export type LineItem = { day: string, service: string, resource_id: string, charge_category: string, usage_type: string, operation: string, description: string, quantity: number | null, unit: string, 
/**
 * The list (on-demand) price per pricing unit.
 */
list_unit_price: number | null, billed: number, effective: number, list: number, currency: string, 
/**
 * The imported file and its 1-based data row: the evidence.
 */
source_file: string, source_row: number, };

export type LineItems = { lines: Array<LineItem>, 
/**
 * How many lines the query selects (`lines` holds the first of them).
 */
total_lines: number, 
/**
 * Per currency, over every selected line: billed, effective, list.
 */
totals: Array<Totals>, };

export type AnomalyRow = { date: string, 
/**
 * "service" or "account".
 */
dimension: string, value: string, 
/**
 * An account's name (the value is its id); none for services.
 */
account_name: string | null, expected_cost: number, actual_cost: number, impact: number, score: number, currency: string, };

export type Evidence = { 
/**
 * The rule that fired, with its threshold.
 */
rule: string, 
/**
 * The days looked at, `FROM..TO` (inclusive).
 */
window: string, 
/**
 * The figures the rule compared.
 */
figures: string, 
/**
 * Billing lines, `file:row` (a few per usage type).
 */
sources: Array<string>, };

export type FindingKind = "commitment_candidate" | "spot_candidate" | "azure_premium_snapshot" | "idle_instance" | "rightsize" | "idle_ip" | "idle_nat_gateway" | "idle_load_balancer" | "gp2_to_gp3" | "io1_to_gp3" | "previous_generation" | "graviton" | "old_snapshot" | "extended_support" | "orphaned_azure_resource";

export type Confidence = "low" | "medium" | "high";

export type Finding = { 
/**
 * Stable across runs: a hash of kind, provider, account and resource.
 */
id: string, kind: FindingKind, provider: string, account: string, 
/**
 * The account's name, where the data or the `[accounts]` config has
 * one (see [`label`]).
 */
account_name: string | null, 
/**
 * Who owns the resource: its value of the `team` allocation key (the
 * tag `team` unless the config file defines the key, e.g. from an
 * account map); the value carrying most of its cost.
 */
owner: string | null, region: string, service: string, resource_id: string, 
/**
 * Effective cost of the resource (the usage the finding is about), per month.
 */
monthly_cost: number, estimated_monthly_savings: number, confidence: Confidence, action: string, currency: string, evidence: Evidence, 
/**
 * Findings that are alternatives for the same cost (the ways to change
 * or commit to one instance) share a group; any other finding is a
 * group of its own.
 */
group: string, 
/**
 * Whether the potential savings count this finding: one per group.
 */
counted: boolean, };

export type Recommendation = { dismissed: boolean, 
/**
 * Stable across runs: a hash of kind, provider, account and resource.
 */
id: string, kind: FindingKind, provider: string, account: string, 
/**
 * The account's name, where the data or the `[accounts]` config has
 * one (see [`label`]).
 */
account_name: string | null, 
/**
 * Who owns the resource: its value of the `team` allocation key (the
 * tag `team` unless the config file defines the key, e.g. from an
 * account map); the value carrying most of its cost.
 */
owner: string | null, region: string, service: string, resource_id: string, 
/**
 * Effective cost of the resource (the usage the finding is about), per month.
 */
monthly_cost: number, estimated_monthly_savings: number, confidence: Confidence, action: string, currency: string, evidence: Evidence, 
/**
 * Findings that are alternatives for the same cost (the ways to change
 * or commit to one instance) share a group; any other finding is a
 * group of its own.
 */
group: string, 
/**
 * Whether the potential savings count this finding: one per group.
 */
counted: boolean, };

export type SavingsPlanRecommendation = { 
/**
 * Commitment in Savings Plan dollars per hour.
 */
hourly_commitment: number, monthly_commitment: number, 
/**
 * On-demand spend per month the commitment would cover.
 */
monthly_on_demand_covered: number, monthly_net_savings: number, 
/**
 * The discount assumed (1-year, no upfront Compute Savings Plan).
 */
assumed_discount: number, 
/**
 * Hourly on-demand spend below which the commitment costs more than
 * it saves in that hour.
 */
break_even_hourly_spend: number, 
/**
 * Net monthly savings if eligible usage dropped by 20% / by 50%.
 */
monthly_net_savings_if_usage_drops_20pct: number, monthly_net_savings_if_usage_drops_50pct: number, 
/**
 * The on-demand baseline: lowest, median and highest hourly spend.
 */
hourly_spend_min: number, hourly_spend_median: number, hourly_spend_max: number, hours: number, window: string, currency: string, 
/**
 * Instances the plan covers (their shares are the AWS
 * `commitment_candidate` findings).
 */
instances_covered: number, 
/**
 * Instances whose spend is counted as it will be after their chosen
 * change (none at all after a stop or a move to spot).
 */
instances_after_a_change: number, };

export type Commitments = { 
/**
 * Per commitment: used and unused effective cost, utilization %.
 */
utilization: Table, 
/**
 * Per service: covered and eligible on-demand-equivalent cost, coverage %.
 */
coverage: Table, savings_plan: SavingsPlanRecommendation | null, 
/**
 * The plan's share per instance.
 */
shares: Array<Finding>, };

export type ImportProgress = { done: number, total: number, current: string, };

export type Reconciliation = { currency: string, 
/**
 * The provider's own total in the file.
 */
native_total: number, 
/**
 * Which normalized measure must equal it (billed or effective).
 */
measure: string, normalized_total: number, billed: number, effective: number, };

export type CurrencyAmount = { currency: string, amount: number, };

export type RuleCheck = { 
/**
 * The validator's rule id where it has one for this requirement.
 */
rule: string, 
/**
 * The requirement, as the spec states it.
 */
requirement: string, 
/**
 * Rows that break it.
 */
rows: number, 
/**
 * What those rows carry, per currency, in `measure`.
 */
amounts: Array<CurrencyAmount>, 
/**
 * The cost measure the amounts are in.
 */
measure: string, 
/**
 * What breaking it does to the totals.
 */
consequence: string, };

export type FocusConformance = { rules_checked: number, broken: Array<RuleCheck>, };

export type FileCheck = { path: string, format: string, version: string | null, rows: number, periods: Array<string>, reconciliation: Array<Reconciliation>, 
/**
 * FOCUS files: the spec's cost rules the file breaks (shown beside
 * the reconciliation; informs, never refuses).
 */
focus_conformance: FocusConformance | null, };

export type ImportResult = { path: string, 
/**
 * imported, unchanged, skipped (not billing data) or failed.
 */
status: string, replaced: Array<string>, 
/**
 * Sources this file was added beside, as another part of their delivery.
 */
parts_of: Array<string>, 
/**
 * Azure exports of the other cost view this file pairs with.
 */
paired_with: Array<string>, files: Array<FileCheck>, error: ApiError | null, 
/**
 * Why a file was skipped or left unchanged.
 */
note: string | null, };

export type Source = { id: string, paths: Array<string>, format: string, rows: number, imported_at: string, periods: Array<string>, files: Array<FileCheck>, };

export type FocusExportRequest = { 
/**
 * `1.0`, `1.1`, `1.2` or `1.3`.
 */
version: string, 
/**
 * `parquet` or `csv`.
 */
format: string, 
/**
 * Charge periods from this day (`YYYY-MM-DD`, inclusive)...
 */
from: string | null, 
/**
 * ...to this one (exclusive).
 */
to: string | null, 
/**
 * One file per billing period in a folder, instead of one file.
 */
by_period: boolean, 
/**
 * Only FOCUS columns, no `x_` provider detail.
 */
focus_only: boolean, };

export type FocusExportProgress = { files_done: number, files_total: number, writing: string, };

export type CurrencyTotals = { currency: string, billed_cost: number, effective_cost: number, list_cost: number, };

export type FocusExportResult = { files: Array<string>, rows: number, version: string, format: string, totals: Array<CurrencyTotals>, notes: Array<string>, };

export type ChartKind = "bar" | "line" | "stacked";

export type ChartSeries = { name: string, 
/**
 * `#rrggbb`, the same in the app and in the files.
 */
color: string, 
/**
 * One per label; null is a gap (a period without a value that is not
 * money).
 */
values: Array<number | null>, };

export type ChartPanel = { 
/**
 * "" when the report has no currency column.
 */
currency: string, 
/**
 * Categories (bars, largest first in the report's order) or periods.
 */
labels: Array<string>, 
/**
 * Per label: a period the data covers only in part (a month that
 * starts or ends inside it).
 */
partial: Array<boolean>, 
/**
 * Lines or stack layers, largest first, "other" last; a bar chart has
 * one.
 */
series: Array<ChartSeries>, };

export type ChartData = { kind: ChartKind, 
/**
 * The columns on the axes, as the report names them.
 */
x: string, y: string, 
/**
 * What the chart leaves out of the table's rows, if anything
 * ("2026-10 only").
 */
note: string | null, 
/**
 * One per currency, the largest total first; empty when there is
 * nothing to draw.
 */
panels: Array<ChartPanel>, };

export type ReportInfo = { name: string, title: string, description: string, origin: string, };

export type Table = { columns: Array<string>, rows: Array<Array<string | number | null>>, };

export type ReportResult = { table: Table, chart: ChartData | null, };

export type ScheduleForm = { name: string, reports: Array<string>, 
/**
 * Five-field cron, e.g. `0 6 1 * *`.
 */
cron: string, 
/**
 * IANA time zone, e.g. `Europe/Berlin`.
 */
timezone: string, 
/**
 * last_full_month, month_to_date, yesterday, last_7_days, last_30_days or all.
 */
window: string, output_dir: string, 
/**
 * Placeholders {report} {schedule} {date} (the run's day), {from} and
 * {to} (the window's first and last day).
 */
file_name: string, 
/**
 * png or svg, or none.
 */
chart: string | null, keep: number | null, pull: boolean, 
/**
 * warn or fail: what a run does when its window has no data.
 */
when_empty: string, };

export type ScheduleInfo = { form: ScheduleForm, next_run: string | null, 
/**
 * The next run in the schedule's own time zone, with UTC beside it:
 * `2026-12-01 06:00 Europe/Berlin (05:00 UTC)`.
 */
next_run_local: string | null, };

export type ScheduleRun = { schedule: string, due: string, ok: boolean, outputs: Array<string>, 
/**
 * The files written, with the data rows of each CSV.
 */
files: Array<RunFile>, 
/**
 * `report: why it failed`.
 */
failures: Array<string>, 
/**
 * `report: what to know` (no data in the window, or only part of it).
 */
warnings: Array<string>, };

export type RunFile = { path: string, 
/**
 * Data rows (CSV files; none for charts).
 */
rows: number | null, };

export type Schedules = { schedules: Array<ScheduleInfo>, 
/**
 * Newest first.
 */
runs: Array<ScheduleRun>, };

export type Settings = { data_dir: string, config_path: string, reporting_currency: string | null, fx_table: string | null, anomaly_threshold: number, anomaly_min_impact: number, 
/**
 * `key = alias, alias`.
 */
tag_aliases: Array<string>, 
/**
 * `[tags] lowercase_values`: "Web" and "web" are one tag value.
 */
tag_values_ignore_case: boolean, allocation_keys: Array<string>, 
/**
 * The `[accounts]` file (Id,Name CSV or AWS Organizations JSON).
 */
account_names_file: string | null, 
/**
 * `id = name`, the `[accounts.names]` table.
 */
account_names: Array<string>, };

export type SettingsUpdate = { 
/**
 * An ISO currency code, or none to keep each bill's currency.
 */
reporting_currency: string | null, 
/**
 * A `date,from,to,rate` CSV; needed with a reporting currency.
 */
fx_table: string | null, anomaly_threshold: number, anomaly_min_impact: number, 
/**
 * `key = alias, alias` per line.
 */
tag_aliases: Array<string>, tag_values_ignore_case: boolean, 
/**
 * Id,Name CSV or AWS Organizations JSON; none for no file.
 */
account_names_file: string | null, 
/**
 * `id = name` per line.
 */
account_names: Array<string>, };

export type ConnectionForm = { name: string, 
/**
 * aws-ce, aws-cur, azure-query or azure-export.
 */
kind: string, 
/**
 * aws-ce: the payer account.
 */
billing_account: string | null, 
/**
 * aws-ce, azure-query: whole months back (default 2).
 */
months: number | null, 
/**
 * aws-ce: account or tag:KEY; azure-query: one or two groupings.
 */
group_by: string | null, 
/**
 * aws-cur: s3://bucket/prefix; azure-export: the container URL and path.
 */
url: string | null, 
/**
 * aws-cur: the bucket's region.
 */
region: string | null, 
/**
 * aws-ce, aws-cur: a shared-config profile name.
 */
profile: string | null, 
/**
 * A compatible or local endpoint.
 */
endpoint_url: string | null, 
/**
 * azure-query: the Cost Management scope.
 */
scope: string | null, 
/**
 * azure-query: actual, amortized or both.
 */
cost_type: string | null, };

export type PullResult = { connection: string, ok: boolean, log: Array<string>, error: ApiError | null, };

export const DIMENSIONS: [string, string][] = [
  ["service", "Service"],
  ["subaccount", "Account / subscription"],
  ["account", "Billing account"],
  ["provider", "Provider"],
  ["region", "Region"],
  ["resource", "Resource"],
  ["usage_type", "Usage type"],
  ["service_category", "Service category"],
  ["charge_category", "Charge category"],
];

export const MEASURES: [CostMeasure, string][] = [
  ["effective", "Effective (amortized)"],
  ["billed", "Billed"],
  ["list", "List"],
];

export const PERIODS: [Period, string][] = [
  ["day", "Day"],
  ["week", "Week"],
  ["month", "Month"],
];

export const RANGES: [DateRange, string][] = [
  ["month-to-date", "Month to date"],
  ["last-month", "Last month"],
  ["last-30-days", "Last 30 days"],
  ["last-90-days", "Last 90 days"],
  ["quarter-to-date", "Quarter to date"],
  ["year-to-date", "Year to date"],
];
