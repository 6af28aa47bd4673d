//! `burnrate overview` and `burnrate explore`: the desktop app's two main
//! views, from the same engine answers (`analysis::overview`,
//! `analysis::explore`), as tables, CSV or the app's JSON.

use std::io::Write;

use anyhow::Result;
use burnrate_core::analysis::explore::{
    self, ComparedGroup, Comparison, Explore, ExploreQuery, Filter,
};
use burnrate_core::analysis::lines::{self, LineQuery};
use burnrate_core::analysis::overview::{self, Overview};
use burnrate_core::frame::column_of;
use polars::prelude::*;

use crate::commands::analysis::Context;
use crate::output::{Format, write_frame};

pub fn overview(context: &Context, format: Format, out: &mut dyn Write) -> Result<()> {
    if format == Format::Csv {
        anyhow::bail!(burnrate_core::Error::Usage(
            "the overview is several tables: use --format table or json".into()
        ));
    }
    let answer = context.with_billing(&[], |frame| {
        Ok(overview::overview(frame, context.config, None)?)
    })?;
    if format == Format::Json {
        serde_json::to_writer_pretty(&mut *out, &answer)?;
        writeln!(out)?;
        return Ok(());
    }
    print_overview(&answer, out)
}

fn print_overview(answer: &Overview, out: &mut dyn Write) -> Result<()> {
    let month = answer.month.clone().unwrap_or_default();
    writeln!(
        out,
        "data to {}; month {month} is effective (amortized) cost, totals all data",
        answer.latest_day.clone().unwrap_or_default()
    )?;
    let c = &answer.currencies;
    let number = |f: fn(&overview::CurrencyOverview) -> Option<f64>| -> Vec<Option<f64>> {
        c.iter().map(f).collect()
    };
    let totals = DataFrame::new_infer_height(vec![
        column_of("currency", c, |c| c.total.currency.clone()),
        Column::new("billed_cost".into(), number(|c| Some(c.total.billed))),
        Column::new("effective_cost".into(), number(|c| Some(c.total.effective))),
        Column::new("list_cost".into(), number(|c| Some(c.total.list))),
        Column::new(
            "month_to_date".into(),
            number(|c| Some(c.month_to_date_effective)),
        ),
        Column::new(
            "same_days_last_month".into(),
            number(|c| Some(c.previous_month_same_days_effective)),
        ),
        Column::new("change_pct".into(), number(|c| c.change_pct)),
        column_of("forecast_month", c, |c| {
            c.forecast
                .as_ref()
                .map(|f| f.month.clone())
                .unwrap_or_default()
        }),
        Column::new(
            "month_forecast".into(),
            number(|c| c.forecast.as_ref().map(|f| f.forecast)),
        ),
        Column::new(
            "forecast_lower_95".into(),
            number(|c| c.forecast.as_ref().map(|f| f.lower_95)),
        ),
        Column::new(
            "forecast_upper_95".into(),
            number(|c| c.forecast.as_ref().map(|f| f.upper_95)),
        ),
    ])?;
    write_frame(out, &totals, Format::Table)?;
    let (mut currency, mut service, mut cost) = (Vec::new(), Vec::new(), Vec::new());
    for c in &answer.currencies {
        for slice in &c.by_service {
            currency.push(c.total.currency.clone());
            service.push(slice.name.clone());
            cost.push(slice.cost);
        }
    }
    writeln!(out, "\nlargest services this month (effective cost)")?;
    let services = DataFrame::new_infer_height(vec![
        Column::new("currency".into(), currency),
        Column::new("service".into(), service),
        Column::new("effective_cost".into(), cost),
    ])?;
    write_frame(out, &services, Format::Table)?;
    writeln!(
        out,
        "\n{} anomalies in the last 30 days of data (burnrate anomalies lists them)",
        answer.anomalies.len()
    )?;
    Ok(())
}

/// `--filter DIMENSION=VALUE` and `--exclude DIMENSION=VALUE` options:
/// the values given for one dimension make one filter (any of them).
pub fn parse_filters(filters: &[String], excludes: &[String]) -> Result<Vec<Filter>> {
    let mut parsed: Vec<Filter> = Vec::new();
    let given = filters
        .iter()
        .map(|f| (f, false))
        .chain(excludes.iter().map(|f| (f, true)));
    for (text, exclude) in given {
        let Some((dimension, value)) = text.split_once('=') else {
            let flag = if exclude { "--exclude" } else { "--filter" };
            anyhow::bail!(burnrate_core::Error::Usage(format!(
                "{flag} {text:?}: use DIMENSION=VALUE, e.g. service=\"Amazon EC2\""
            )));
        };
        let dimension = dimension.trim();
        match parsed
            .iter_mut()
            .find(|f| f.dimension == dimension && f.exclude == exclude)
        {
            Some(filter) => filter.values.push(value.to_string()),
            None => parsed.push(Filter {
                exclude,
                ..Filter::is(dimension, value)
            }),
        }
    }
    Ok(parsed)
}

/// `burnrate explore`: every group's three measures, or with `--compare`
/// each group's cost in both periods; hints go to stderr.
pub fn explore(
    context: &Context,
    query: &ExploreQuery,
    format: Format,
    out: &mut dyn Write,
) -> Result<()> {
    let answer = context.with_billing(&[], |frame| {
        Ok(explore::answer(frame, context.config, query, None)?)
    })?;
    if let (Some(from), Some(to)) = (&answer.from, &answer.to) {
        eprintln!("{from} to {to} (excluded), {} cost", answer.measure.name());
    }
    for hint in &answer.hints {
        eprintln!("note: {hint}");
    }
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &answer)?;
            writeln!(out)?;
        }
        format => match &answer.comparison {
            Some(comparison) => {
                eprintln!(
                    "compared with {} to {} (excluded)",
                    comparison.from, comparison.to
                );
                write_frame(out, &comparison_frame(comparison)?, format)?
            }
            None => write_frame(out, &groups_frame(&answer)?, format)?,
        },
    }
    Ok(())
}

/// Each group in both periods, then the total per currency.
fn comparison_frame(comparison: &Comparison) -> Result<DataFrame> {
    let rows: Vec<&ComparedGroup> = comparison.rows.iter().chain(&comparison.totals).collect();
    Ok(DataFrame::new_infer_height(vec![
        column_of("group", &rows, |r| match &r.account_name {
            Some(name) => format!("{name} ({})", r.name),
            None => r.name.clone(),
        }),
        column_of("currency", &rows, |r| r.currency.clone()),
        column_of("current", &rows, |r| r.current),
        column_of("previous", &rows, |r| r.previous),
        column_of("change", &rows, |r| r.change),
        Column::new(
            "change_pct".into(),
            rows.iter()
                .map(|r| r.change_pct.map(|p| p * 100.0))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "share_pct".into(),
            rows.iter()
                .map(|r| r.share.map(|p| p * 100.0))
                .collect::<Vec<_>>(),
        ),
    ])?)
}

/// `burnrate lines`: the lines, and on stderr how many of how many.
pub fn lines(
    context: &Context,
    query: &LineQuery,
    limit: Option<usize>,
    format: Format,
    out: &mut dyn Write,
) -> Result<()> {
    let limit = limit.or((format == Format::Table).then_some(50));
    let (df, total) = context.with_billing(&[], |frame| {
        let mut all = lines::lines_frame(frame.clone(), context.config, query)?;
        if let Some(limit) = limit {
            all = all.limit(limit as IdxSize);
        }
        let df = all.collect_with_engine(Engine::Streaming)?.unwrap_single();
        let (total, _) = lines::line_totals(frame, context.config, query)?;
        Ok((df, total))
    })?;
    write_frame(out, &df, format)?;
    if (df.height() as u64) < total {
        eprintln!(
            "{} of {total} lines (largest effective cost first); --limit N or --format csv for more",
            df.height()
        );
    }
    Ok(())
}

/// Every group with its three measures, as the app's CSV export has it.
fn groups_frame(answer: &Explore) -> Result<DataFrame> {
    let rows = &answer.rows;
    let mut columns = vec![Column::new(
        answer.group_by.as_str().into(),
        rows.iter().map(|r| r.name.clone()).collect::<Vec<_>>(),
    )];
    if rows.iter().any(|r| r.account_name.is_some()) {
        columns.push(column_of(&format!("{}_name", answer.group_by), rows, |r| {
            r.account_name.clone().unwrap_or_default()
        }));
    }
    columns.extend([
        column_of("currency", rows, |r| r.currency.clone()),
        column_of("billed_cost", rows, |r| r.billed),
        column_of("effective_cost", rows, |r| r.effective),
        column_of("list_cost", rows, |r| r.list),
    ]);
    Ok(DataFrame::new_infer_height(columns)?)
}
