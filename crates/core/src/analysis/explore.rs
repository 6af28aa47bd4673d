//! The explorer: cost per period grouped by a dimension, filtered, with
//! the largest groups named and the rest as "(other)", every group's
//! three measures, and the answers to the next question: where a click on
//! a group goes, a second period to compare with, and hints where the data
//! splits one thing in two. What the app's Explorer view shows and
//! `burnrate explore` prints.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};
use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::analysis::overview::{OTHER, TOP_GROUPS, Totals, collect, currency};
use crate::analysis::trend::Period;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::frame::{numbers, strings};
use crate::money::CostMeasure;
use crate::period::{DateRange, day_span, filter_dates, parse_day};
use crate::query::accounts::AccountNames;
use crate::query::dimension::Dimension;

/// Rows whose dimension has one of the values (or, to exclude, none of them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Filter {
    /// A dimension name: provider, account, service, region, tag:KEY, ...
    pub dimension: String,
    /// Values as the explorer's groups name them (exact; an account by its id).
    pub values: Vec<String>,
    /// Drop these rows instead of keeping only them.
    #[serde(default)]
    pub exclude: bool,
}

impl Filter {
    /// Keeps only the rows where `dimension` is `value`.
    pub fn is(dimension: &str, value: &str) -> Self {
        Filter {
            dimension: dimension.to_string(),
            values: vec![value.to_string()],
            exclude: false,
        }
    }
}

/// A second period to set beside the one shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Compare {
    /// As many days (whole months: as many months), ending where the shown
    /// period starts.
    PreviousPeriod,
    /// The same days a year earlier.
    YearBefore,
    /// Any days: first included, first excluded (YYYY-MM-DD).
    Dates { from: String, to: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExploreQuery {
    pub group_by: String,
    pub measure: CostMeasure,
    pub period: Period,
    /// Days relative to the data's last day; when set, `from` and `to` are
    /// not used (a saved view keeps meaning "last month" as data arrives).
    #[serde(default)]
    pub range: Option<DateRange>,
    /// First day included, YYYY-MM-DD.
    pub from: Option<String>,
    /// First day excluded, YYYY-MM-DD.
    pub to: Option<String>,
    pub filters: Vec<Filter>,
    /// How many of the largest groups per currency the chart names; the
    /// rest are one "(other)" series. Default 12.
    #[serde(default)]
    pub top: Option<u32>,
    #[serde(default)]
    pub compare: Option<Compare>,
}

impl Default for ExploreQuery {
    fn default() -> Self {
        ExploreQuery {
            group_by: "service".into(),
            measure: CostMeasure::Effective,
            period: Period::Month,
            range: None,
            from: None,
            to: None,
            filters: Vec::new(),
            top: None,
            compare: None,
        }
    }
}

/// One group's cost per period (aligned with `Explore::periods`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Series {
    /// The group's value (an account's id): what a filter on it takes.
    pub name: String,
    /// An account's name (from the data or the `[accounts]` config), shown
    /// as `account_name (name)`; none for other dimensions.
    pub account_name: Option<String>,
    pub currency: String,
    pub values: Vec<f64>,
    pub total: f64,
}

/// One group's three measures over the whole range.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GroupRow {
    /// The group's value (an account's id): what a filter on it takes.
    pub name: String,
    /// An account's name (from the data or the `[accounts]` config), shown
    /// as `account_name (name)`; none for other dimensions.
    pub account_name: Option<String>,
    pub currency: String,
    pub billed: f64,
    pub effective: f64,
    pub list: f64,
}

impl GroupRow {
    pub fn measure(&self, measure: CostMeasure) -> f64 {
        match measure {
            CostMeasure::Billed => self.billed,
            CostMeasure::Effective => self.effective,
            CostMeasure::List => self.list,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Explore {
    pub measure: CostMeasure,
    pub group_by: String,
    /// The days shown, first included and first excluded: the query's, a
    /// range's, or the data's first and last day.
    pub from: Option<String>,
    pub to: Option<String>,
    /// The data's last day (before any filter): what ranges count back from.
    pub last_day: Option<String>,
    /// Every period start from the first with data to the last (`YYYY-MM-DD`):
    /// a period without charges is there, with zero cost.
    pub periods: Vec<String>,
    /// Per period: the data covers it only in part (a week or month the
    /// chosen dates or the data cut).
    pub partial: Vec<bool>,
    /// The largest groups per currency; the rest summed as "(other)".
    pub series: Vec<Series>,
    /// Every group, largest first.
    pub rows: Vec<GroupRow>,
    pub totals: Vec<Totals>,
    pub currency_note: Option<String>,
    /// The dimension a click on a group drills into (filtering on the group);
    /// none when the groups are resources, whose billing lines come next.
    pub next_group_by: Option<String>,
    /// The groups beside a second period, when the query asks for one.
    pub comparison: Option<Comparison>,
    /// What the user may want to know about this answer: groups that differ
    /// only by case, a filter value that matches nothing but one spelled
    /// differently.
    pub hints: Vec<String>,
}

/// The shown period (current) beside a second one (previous), per group.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Comparison {
    /// The second period's days: first included, first excluded.
    pub from: String,
    pub to: String,
    /// Largest change (either way) first.
    pub rows: Vec<ComparedGroup>,
    /// One per currency, named "Total".
    pub totals: Vec<ComparedGroup>,
}

/// One group's cost (the query's measure) in both periods.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ComparedGroup {
    pub name: String,
    pub account_name: Option<String>,
    pub currency: String,
    pub current: f64,
    pub previous: f64,
    pub change: f64,
    /// None when the previous period had no cost.
    pub change_pct: Option<f64>,
    /// The group's share of its currency's total in each period (0..1).
    pub share: Option<f64>,
    pub previous_share: Option<f64>,
}

/// Answers an explorer query over the billing view: its measure, grouping
/// and period parsed, its date range and filters applied.
pub fn answer(
    frame: LazyFrame,
    config: &Config,
    query: &ExploreQuery,
    currency_note: Option<String>,
) -> Result<Explore> {
    let (measure, period) = (query.measure, query.period);
    let dimension = Dimension::parse(&query.group_by, config)?;
    let top = query.top.map_or(TOP_GROUPS, |n| n.max(1) as usize);
    let data = day_span(frame.clone())?;
    let (from, to) = match query.range {
        Some(range) => match data {
            Some((_, last)) => {
                let (from, to) = range.days(last);
                (Some(from), Some(to))
            }
            None => (None, None),
        },
        None => (
            parse_day(query.from.as_deref())?,
            parse_day(query.to.as_deref())?,
        ),
    };
    if let (Some(from), Some(to)) = (from, to)
        && to <= from
    {
        return Err(Error::Usage(format!(
            "the dates end before they start: to {to} (excluded) is not after from {from}"
        )));
    }
    // Which periods are partial is the data's coverage, not the filters':
    // a service that started mid-month does not make the month partial.
    let covered = data.and_then(|(first, last)| {
        let first = from.map_or(first, |f| f.max(first));
        let last = to.map_or(last, |t| (t - Duration::days(1)).min(last));
        (first <= last).then_some((first, last))
    });
    let dated = apply_filters(
        filter_dates(frame.clone(), from, to),
        config,
        &query.filters,
    )?;
    let mut explore = explore(dated.clone(), config, &dimension, period, measure, top)?;
    explore.currency_note = currency_note;
    explore.partial = match covered {
        Some(covered) => explore
            .periods
            .iter()
            .map(|p| {
                NaiveDate::parse_from_str(p, "%Y-%m-%d").is_ok_and(|s| period.in_part(s, covered))
            })
            .collect(),
        None => vec![false; explore.periods.len()],
    };
    let shown = data.map(|(first, last)| {
        (
            from.unwrap_or(first),
            to.unwrap_or(last + Duration::days(1)),
        )
    });
    explore.from = shown.map(|(f, _)| f.to_string());
    explore.to = shown.map(|(_, t)| t.to_string());
    explore.last_day = data.map(|(_, last)| last.to_string());
    let mut filtered_on = query
        .filters
        .iter()
        .filter(|f| !f.exclude)
        .map(|f| Dimension::parse(&f.dimension, config))
        .collect::<Result<Vec<_>>>()?;
    filtered_on.push(dimension.clone());
    explore.next_group_by = dimension.drill_next(&filtered_on).map(|d| d.label());
    explore.hints = case_hints(&dimension, &explore.rows);
    if explore.rows.is_empty() && !query.filters.is_empty() {
        let dated = filter_dates(frame.clone(), from, to);
        explore
            .hints
            .extend(spelling_hints(dated, config, &query.filters)?);
    }
    if let (Some(compare), Some(shown)) = (&query.compare, shown) {
        let other = compared_days(compare, shown)?;
        let previous = apply_filters(
            filter_dates(frame, Some(other.0), Some(other.1)),
            config,
            &query.filters,
        )?;
        explore.comparison = Some(comparison(
            previous,
            config,
            &dimension,
            measure,
            &explore.rows,
            other,
        )?);
    }
    Ok(explore)
}

/// The second period's days for the shown `[from, to)`.
fn compared_days(
    compare: &Compare,
    (from, to): (NaiveDate, NaiveDate),
) -> Result<(NaiveDate, NaiveDate)> {
    Ok(match compare {
        Compare::PreviousPeriod => {
            // Whole calendar months compare with as many months before
            // (October with September, not with the 31 days before it).
            let months = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
            if from.day() == 1 && to.day() == 1 && months > 0 {
                let back = chrono::Months::new(months as u32);
                (
                    from.checked_sub_months(back).expect("a representable day"),
                    from,
                )
            } else {
                (from - (to - from), from)
            }
        }
        Compare::YearBefore => {
            let year = chrono::Months::new(12);
            (
                from.checked_sub_months(year).expect("a representable day"),
                to.checked_sub_months(year).expect("a representable day"),
            )
        }
        Compare::Dates { from, to } => {
            let (Some(f), Some(t)) = (parse_day(Some(from))?, parse_day(Some(to))?) else {
                return Err(Error::Usage(
                    "a comparison needs both its from and its to day".into(),
                ));
            };
            if t <= f {
                return Err(Error::Usage(format!(
                    "the comparison's dates end before they start: to {t} (excluded) is not after from {f}"
                )));
            }
            (f, t)
        }
    })
}

/// Each group of the shown period beside its cost in `previous` (the
/// second period's rows, filtered alike); groups only one period has are
/// there with zero in the other.
fn comparison(
    previous: LazyFrame,
    config: &Config,
    dimension: &Dimension,
    measure: CostMeasure,
    current: &[GroupRow],
    (from, to): (NaiveDate, NaiveDate),
) -> Result<Comparison> {
    let before = collect(
        previous
            .group_by([
                dimension.expr(config).cast(DataType::String).alias("name"),
                currency(),
            ])
            .agg([col(measure.focus_column()).sum().alias("cost")]),
        "comparing periods",
    )?;
    let (n, c, v) = (
        strings(&before, "name")?,
        strings(&before, "currency")?,
        numbers(&before, "cost")?,
    );
    let mut groups: Vec<ComparedGroup> = current
        .iter()
        .map(|row| ComparedGroup {
            name: row.name.clone(),
            account_name: row.account_name.clone(),
            currency: row.currency.clone(),
            current: row.measure(measure),
            ..ComparedGroup::default()
        })
        .collect();
    let mut at: HashMap<(String, String), usize> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| ((g.name.clone(), g.currency.clone()), i))
        .collect();
    for i in 0..n.len() {
        let key = (n[i].clone(), c[i].clone());
        let index = *at.entry(key).or_insert_with(|| {
            groups.push(ComparedGroup {
                name: n[i].clone(),
                currency: c[i].clone(),
                ..ComparedGroup::default()
            });
            groups.len() - 1
        });
        groups[index].previous += v[i];
    }
    let mut totals: Vec<ComparedGroup> = Vec::new();
    for group in &groups {
        let total = match totals.iter_mut().find(|t| t.currency == group.currency) {
            Some(total) => total,
            None => {
                totals.push(ComparedGroup {
                    name: "Total".into(),
                    currency: group.currency.clone(),
                    ..ComparedGroup::default()
                });
                totals.last_mut().expect("just pushed")
            }
        };
        total.current += group.current;
        total.previous += group.previous;
    }
    let share = |part: f64, whole: f64| (whole != 0.0).then(|| part / whole);
    let finish = |g: &mut ComparedGroup, totals: &[ComparedGroup]| {
        g.change = g.current - g.previous;
        g.change_pct = share(g.change, g.previous);
        if let Some(total) = totals.iter().find(|t| t.currency == g.currency) {
            g.share = share(g.current, total.current);
            g.previous_share = share(g.previous, total.previous);
        }
    };
    let snapshot = totals.clone();
    groups.iter_mut().for_each(|g| finish(g, &snapshot));
    totals.iter_mut().for_each(|t| finish(t, &snapshot));
    groups.sort_by(|a, b| {
        b.change
            .abs()
            .total_cmp(&a.change.abs())
            .then_with(|| a.name.cmp(&b.name))
    });
    Ok(Comparison {
        from: from.to_string(),
        to: to.to_string(),
        rows: groups,
        totals,
    })
}

/// Groups whose names differ only by case or spaces ("web" and "Web"):
/// usually one team tagged two ways, shown as two groups until a tag rule
/// folds them.
fn case_hints(dimension: &Dimension, rows: &[GroupRow]) -> Vec<String> {
    let mut spellings: Vec<(String, Vec<&str>)> = Vec::new();
    for row in rows {
        let key = row.name.trim().to_lowercase();
        match spellings.iter_mut().find(|(k, _)| *k == key) {
            Some((_, names)) => {
                if !names.contains(&row.name.as_str()) {
                    names.push(&row.name);
                }
            }
            None => spellings.push((key, vec![&row.name])),
        }
    }
    let split: Vec<String> = spellings
        .iter()
        .filter(|(_, names)| names.len() > 1)
        .map(|(_, names)| {
            names
                .iter()
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(" and ")
        })
        .collect();
    if split.is_empty() {
        return Vec::new();
    }
    let fix = match dimension {
        Dimension::Tag(_) => {
            "; turn on \"Tag values ignore case\" in Settings (or map them in [tags.values]) to count each as one"
        }
        _ => "",
    };
    vec![format!(
        "{}: {} differ only by case or spaces{fix}",
        dimension.label(),
        split.join(", ")
    )]
}

/// For a filter that matched nothing: the values it would match but for
/// case or spaces ("amazon ec2" for "Amazon EC2").
fn spelling_hints(frame: LazyFrame, config: &Config, filters: &[Filter]) -> Result<Vec<String>> {
    let mut hints = Vec::new();
    for filter in filters.iter().filter(|f| !f.exclude) {
        let dimension = Dimension::parse(&filter.dimension, config)?;
        let wanted: Vec<String> = filter
            .values
            .iter()
            .map(|v| v.trim().to_lowercase())
            .collect();
        let df = collect(
            frame
                .clone()
                .select([dimension.expr(config).cast(DataType::String).alias("name")])
                .unique(None, UniqueKeepStrategy::Any)
                .filter(
                    col("name")
                        .str()
                        .strip_chars(lit(NULL))
                        .str()
                        .to_lowercase()
                        .is_in(
                            lit(polars::prelude::Series::new("wanted".into(), &wanted))
                                .implode(false),
                            false,
                        ),
                )
                .sort(["name"], SortMultipleOptions::default()),
            "looking for similar values",
        )?;
        let similar: Vec<String> = strings(&df, "name")?
            .into_iter()
            .filter(|name| !filter.values.contains(name))
            .collect();
        if !similar.is_empty() {
            hints.push(format!(
                "no {} is {}; did you mean {}?",
                filter.dimension,
                filter
                    .values
                    .iter()
                    .map(|v| format!("\"{v}\""))
                    .collect::<Vec<_>>()
                    .join(" or "),
                similar
                    .iter()
                    .map(|v| format!("\"{v}\""))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ));
        }
    }
    Ok(hints)
}

/// A value a filter can take, as the data writes it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DimensionValue {
    pub value: String,
    /// An account's name, for account dimensions.
    pub account_name: Option<String>,
}

/// The values of `dimension` in the data, costliest (effective cost, every
/// currency) first, at most `limit`: what the filter box suggests.
pub fn values(
    frame: LazyFrame,
    config: &Config,
    dimension: &str,
    limit: usize,
) -> Result<Vec<DimensionValue>> {
    let dimension = Dimension::parse(dimension, config)?;
    let accounts = matches!(dimension, Dimension::Account | Dimension::SubAccount)
        .then(|| AccountNames::of(frame.clone(), config))
        .transpose()?
        .unwrap_or_default();
    let df = collect(
        frame
            .group_by([dimension.expr(config).cast(DataType::String).alias("value")])
            .agg([col("EffectiveCost").abs().sum().alias("cost")])
            .sort_by_exprs(
                [col("cost"), col("value")],
                SortMultipleOptions::default().with_order_descending_multi([true, false]),
            )
            .limit(limit as IdxSize),
        "listing a dimension's values",
    )?;
    Ok(strings(&df, "value")?
        .into_iter()
        .map(|value| DimensionValue {
            account_name: accounts.name(&value).map(str::to_string),
            value,
        })
        .collect())
}

/// The tag keys in the data (lower-cased, aliases folded), the ones on
/// most cost first: what the explorer offers to group and filter by.
pub fn tag_keys(frame: LazyFrame, config: &Config) -> Result<Vec<String>> {
    let key = crate::analysis::allocation::canonical_tag_key(config);
    let df = collect(
        frame
            .select([
                col("EffectiveCost").abs().alias("cost"),
                col("Tags").list().eval(key.unique()).alias("key"),
            ])
            .explode(
                by_name(["key"], true, false),
                ExplodeOptions {
                    empty_as_null: false,
                    keep_nulls: false,
                },
            )
            .filter(col("key").is_not_null())
            .group_by([col("key")])
            .agg([col("cost").sum()])
            .sort_by_exprs(
                [col("cost"), col("key")],
                SortMultipleOptions::default().with_order_descending_multi([true, false]),
            ),
        "listing tag keys",
    )?;
    strings(&df, "key")
}

/// Only the rows every filter keeps: a dimension with one of its values,
/// or, for an exclusion, with none of them.
pub fn apply_filters(
    mut frame: LazyFrame,
    config: &Config,
    filters: &[Filter],
) -> Result<LazyFrame> {
    for filter in filters {
        if filter.values.is_empty() {
            return Err(Error::Usage(format!(
                "the filter on {} has no value",
                filter.dimension
            )));
        }
        let on = Dimension::parse(&filter.dimension, config)?;
        let values = polars::prelude::Series::new("values".into(), &filter.values);
        let matches = on
            .expr(config)
            .cast(DataType::String)
            .is_in(lit(values).implode(false), false);
        frame = frame.filter(if filter.exclude {
            matches.not()
        } else {
            matches
        });
    }
    Ok(frame)
}

/// The explorer's answer: a series per group and period, and a table of
/// every group with all three measures.
pub fn explore(
    frame: LazyFrame,
    config: &Config,
    dimension: &Dimension,
    period: Period,
    measure: CostMeasure,
    top: usize,
) -> Result<Explore> {
    let accounts = matches!(dimension, Dimension::Account | Dimension::SubAccount)
        .then(|| AccountNames::of(frame.clone(), config))
        .transpose()?
        .unwrap_or_default();
    // One pass over the billing rows; the per-group totals come from the
    // small per-period result, not from a second scan.
    let per_period = collect(
        frame
            .group_by([
                // Grouped as dates and turned into text after aggregating:
                // formatting millions of dates costs more than the group-by.
                period.start().alias("period"),
                dimension.expr(config).cast(DataType::String).alias("name"),
                currency(),
            ])
            .agg([
                col("BilledCost").sum().alias("billed"),
                col("EffectiveCost").sum().alias("effective"),
                col("ListCost").sum().alias("list"),
            ]),
        "exploring over time",
    )?;
    let per_group = collect(
        per_period
            .clone()
            .lazy()
            .group_by([col("name"), col("currency")])
            .agg([
                col("billed").sum(),
                col("effective").sum(),
                col("list").sum(),
            ])
            .sort_by_exprs(
                [col(measure.name()), col("name")],
                SortMultipleOptions::default().with_order_descending_multi([true, false]),
            ),
        "exploring",
    )?;

    let rows: Vec<GroupRow> = {
        let (n, c, b, e, l) = (
            strings(&per_group, "name")?,
            strings(&per_group, "currency")?,
            numbers(&per_group, "billed")?,
            numbers(&per_group, "effective")?,
            numbers(&per_group, "list")?,
        );
        (0..n.len())
            .map(|i| GroupRow {
                name: n[i].clone(),
                account_name: accounts.name(&n[i]).map(str::to_string),
                currency: c[i].clone(),
                billed: b[i],
                effective: e[i],
                list: l[i],
            })
            .collect()
    };
    let mut totals: Vec<Totals> = Vec::new();
    for row in &rows {
        let total = match totals.iter_mut().find(|t| t.currency == row.currency) {
            Some(t) => t,
            None => {
                totals.push(Totals {
                    currency: row.currency.clone(),
                    ..Totals::default()
                });
                totals.last_mut().expect("just pushed")
            }
        };
        total.billed += row.billed;
        total.effective += row.effective;
        total.list += row.list;
    }

    let (p, n, c, v) = (
        strings(&per_period, "period")?,
        strings(&per_period, "name")?,
        strings(&per_period, "currency")?,
        numbers(&per_period, measure.name())?,
    );
    let periods: Vec<String> = {
        let starts: Vec<NaiveDate> = p
            .iter()
            .filter_map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .collect();
        match (starts.iter().min(), starts.iter().max()) {
            (Some(first), Some(last)) => period
                .starts(*first, *last)
                .iter()
                .map(|d| d.to_string())
                .collect(),
            _ => Vec::new(),
        }
    };
    // The largest groups per currency keep their name; the rest are summed.
    let shown = |name: &str, currency: &str| {
        rows.iter()
            .filter(|r| r.currency == currency)
            .take(top)
            .any(|r| r.name == name)
    };
    let mut series: Vec<Series> = Vec::new();
    for i in 0..p.len() {
        let name = if shown(&n[i], &c[i]) {
            n[i].clone()
        } else {
            OTHER.to_string()
        };
        let at = periods.binary_search(&p[i]).expect("period listed");
        let entry = match series
            .iter_mut()
            .position(|s| s.name == name && s.currency == c[i])
        {
            Some(index) => &mut series[index],
            None => {
                series.push(Series {
                    account_name: accounts.name(&name).map(str::to_string),
                    name,
                    currency: c[i].clone(),
                    values: vec![0.0; periods.len()],
                    total: 0.0,
                });
                series.last_mut().expect("just pushed")
            }
        };
        entry.values[at] += v[i];
        entry.total += v[i];
    }
    series.sort_by(|a, b| {
        a.currency
            .cmp(&b.currency)
            .then((a.name == OTHER).cmp(&(b.name == OTHER)))
            .then(b.total.total_cmp(&a.total))
    });
    Ok(Explore {
        measure,
        group_by: dimension.label(),
        partial: vec![false; periods.len()],
        periods,
        series,
        rows,
        totals,
        ..Explore::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two charges with a month between them, cut mid-month at both ends.
    fn charges() -> LazyFrame {
        let starts = ["2026-08-10", "2026-10-05", "2026-10-06"]
            .map(|d| format!("{d}T00:00:00"))
            .to_vec();
        df!(
            "ChargePeriodStart" => starts,
            "ServiceName" => ["EC2", "EC2", "S3"],
            "x_UsageType" => ["BoxUsage", "BoxUsage", "TimedStorage"],
            "BillingCurrency" => ["USD", "USD", "USD"],
            "BilledCost" => [10.0, 20.0, 5.0],
            "EffectiveCost" => [10.0, 20.0, 5.0],
            "ListCost" => [12.0, 24.0, 5.0],
        )
        .unwrap()
        .lazy()
        .with_column(col("ChargePeriodStart").str().to_datetime(
            Some(TimeUnit::Microseconds),
            None,
            StrptimeOptions::default(),
            lit("raise"),
        ))
    }

    fn query(period: Period) -> ExploreQuery {
        ExploreQuery {
            period,
            ..ExploreQuery::default()
        }
    }

    #[test]
    fn the_time_axis_is_continuous_and_cut_periods_are_marked() {
        let config = Config::default();
        let months = answer(charges(), &config, &query(Period::Month), None).unwrap();
        assert_eq!(months.periods, ["2026-08-01", "2026-09-01", "2026-10-01"]);
        assert_eq!(months.partial, [true, false, true]);
        assert_eq!(months.series[0].values, [10.0, 0.0, 20.0]);
        assert_eq!(
            (months.from.as_deref(), months.to.as_deref()),
            (Some("2026-08-10"), Some("2026-10-07")),
            "no dates given: the data's days are shown"
        );

        let mut days = query(Period::Day);
        days.from = Some("2026-08-01".into());
        let days = answer(charges(), &config, &days, None).unwrap();
        assert_eq!(
            days.periods.len(),
            58,
            "2026-08-10 to 2026-10-06, every day"
        );
        assert!(days.partial.iter().all(|p| !p), "a day is never partial");
        assert_eq!(
            days.series.iter().flat_map(|s| &s.values).sum::<f64>(),
            35.0
        );

        // A filter does not make a period partial: the data's days do.
        let mut filtered = query(Period::Month);
        filtered.filters.push(Filter::is("service", "RDS"));
        let none = answer(charges(), &config, &filtered, None).unwrap();
        assert!(none.periods.is_empty() && none.partial.is_empty());
    }

    #[test]
    fn filters_take_several_values_or_exclude_them() {
        let config = Config::default();
        let total = |filter: Filter| {
            let mut q = query(Period::Month);
            q.filters.push(filter);
            let e = answer(charges(), &config, &q, None).unwrap();
            e.totals.iter().map(|t| t.effective).sum::<f64>()
        };
        let both = Filter {
            dimension: "service".into(),
            values: vec!["EC2".into(), "S3".into()],
            exclude: false,
        };
        assert_eq!(total(both.clone()), 35.0);
        assert_eq!(
            total(Filter {
                exclude: true,
                ..both
            }),
            0.0
        );
        assert_eq!(
            total(Filter {
                exclude: true,
                ..Filter::is("service", "EC2")
            }),
            5.0
        );
    }

    #[test]
    fn a_filter_that_matches_nothing_names_the_value_it_meant() {
        let config = Config::default();
        let mut q = query(Period::Month);
        q.filters.push(Filter::is("service", " ec2"));
        let e = answer(charges(), &config, &q, None).unwrap();
        assert!(e.rows.is_empty());
        assert_eq!(e.hints, ["no service is \" ec2\"; did you mean \"EC2\"?"]);
    }

    #[test]
    fn ranges_count_back_from_the_data_s_last_day() {
        let config = Config::default();
        let mut q = query(Period::Day);
        q.range = Some(DateRange::MonthToDate);
        q.from = Some("2020-01-01".into()); // a range wins over dates
        let e = answer(charges(), &config, &q, None).unwrap();
        assert_eq!(e.from.as_deref(), Some("2026-10-01"));
        assert_eq!(e.to.as_deref(), Some("2026-10-07"));
        assert_eq!(e.last_day.as_deref(), Some("2026-10-06"));
        assert_eq!(e.totals[0].effective, 25.0);

        let mut backwards = query(Period::Day);
        backwards.from = Some("2026-10-05".into());
        backwards.to = Some("2026-10-01".into());
        let error = answer(charges(), &config, &backwards, None).unwrap_err();
        assert!(
            error.to_string().contains("end before they start"),
            "{error}"
        );
    }

    #[test]
    fn drilling_moves_to_the_dimension_that_explains_the_group() {
        let config = Config::default();
        // Through the answer: its filters count as done.
        let q = ExploreQuery {
            group_by: "usage_type".into(),
            filters: vec![Filter::is("service", "EC2")],
            ..ExploreQuery::default()
        };
        let e = answer(charges(), &config, &q, None).unwrap();
        assert_eq!(e.next_group_by.as_deref(), Some("resource"));

        use Dimension::*;
        let team = || Tag("team".into());
        assert_eq!(Service.drill_next(&[Service]), Some(UsageType));
        assert_eq!(SubAccount.drill_next(&[SubAccount]), Some(Service));
        assert_eq!(Account.drill_next(&[Account]), Some(SubAccount));
        assert_eq!(team().drill_next(&[team()]), Some(Service));
        assert_eq!(team().drill_next(&[Service, team()]), Some(UsageType));
        assert_eq!(Resource.drill_next(&[Resource]), None);
    }

    #[test]
    fn a_comparison_sets_each_group_beside_the_period_before() {
        let config = Config::default();
        let q = ExploreQuery {
            from: Some("2026-10-01".into()),
            to: Some("2026-11-01".into()),
            compare: Some(Compare::Dates {
                from: "2026-08-01".into(),
                to: "2026-09-01".into(),
            }),
            ..ExploreQuery::default()
        };
        let e = answer(charges(), &config, &q, None).unwrap();
        let c = e.comparison.expect("asked for");
        let by_name: Vec<(&str, f64, f64, f64)> = c
            .rows
            .iter()
            .map(|g| (g.name.as_str(), g.current, g.previous, g.change))
            .collect();
        assert_eq!(by_name, [("EC2", 20.0, 10.0, 10.0), ("S3", 5.0, 0.0, 5.0)]);
        assert_eq!(c.rows[0].change_pct, Some(1.0));
        assert_eq!(c.rows[1].change_pct, None, "nothing to compare with");
        assert_eq!(c.rows[0].share, Some(0.8));
        assert_eq!(c.rows[0].previous_share, Some(1.0));
        let total = &c.totals[0];
        assert_eq!(
            (total.current, total.previous, total.change),
            (25.0, 10.0, 15.0)
        );

        let previous = ExploreQuery {
            compare: Some(Compare::PreviousPeriod),
            ..q
        };
        let c = answer(charges(), &config, &previous, None)
            .unwrap()
            .comparison
            .unwrap();
        assert_eq!(
            (c.from.as_str(), c.to.as_str()),
            ("2026-09-01", "2026-10-01")
        );
        assert_eq!(c.totals[0].previous, 0.0);
    }

    #[test]
    fn groups_that_differ_only_by_case_are_pointed_out() {
        let rows: Vec<GroupRow> = ["web", "Web ", "data"]
            .map(|name| GroupRow {
                name: name.into(),
                account_name: None,
                currency: "USD".into(),
                billed: 1.0,
                effective: 1.0,
                list: 1.0,
            })
            .to_vec();
        let hints = case_hints(&Dimension::Tag("team".into()), &rows);
        assert_eq!(hints.len(), 1);
        assert!(
            hints[0].starts_with("tag:team: \"web\" and \"Web \" differ only by case"),
            "{hints:?}"
        );
    }
}
