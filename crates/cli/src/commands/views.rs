//! `burnrate overview` and `burnrate explore`: the desktop app's two main
//! views, from the same engine answers (`analysis::overview`,
//! `analysis::explore`), as tables, CSV or the app's JSON.

use std::io::Write;

use anyhow::Result;
use burnrate_core::analysis::explore::{self, Explore, ExploreQuery, Filter};
use burnrate_core::analysis::lines::{self, LineQuery};
use burnrate_core::analysis::overview::{self, Overview, TOP_GROUPS};
use burnrate_core::analysis::trend::Period;
use burnrate_core::frame::column_of;
use burnrate_core::money::CostMeasure;
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

pub struct ExploreArgs {
    pub by: String,
    pub cost: CostMeasure,
    pub period: Period,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    pub filters: Vec<String>,
    pub format: Format,
}

/// `--filter DIMENSION=VALUE` options.
pub fn parse_filters(filters: &[String]) -> Result<Vec<Filter>> {
    Ok(filters
        .iter()
        .map(|f| match f.split_once('=') {
            Some((dimension, value)) => Ok(Filter {
                dimension: dimension.trim().to_string(),
                value: value.to_string(),
            }),
            None => Err(burnrate_core::Error::Usage(format!(
                "--filter {f:?}: use DIMENSION=VALUE, e.g. service=\"Amazon EC2\""
            ))),
        })
        .collect::<Result<Vec<_>, _>>()?)
}

pub fn explore(context: &Context, args: ExploreArgs, out: &mut dyn Write) -> Result<()> {
    let filters = parse_filters(&args.filters)?;
    let query = ExploreQuery {
        group_by: args.by,
        measure: args.cost,
        period: args.period,
        from: args.from.map(|d| d.to_string()),
        to: args.to.map(|d| d.to_string()),
        filters,
    };
    let answer = context.with_billing(&[], |frame| {
        Ok(explore::answer(
            frame,
            context.config,
            &query,
            None,
            TOP_GROUPS,
        )?)
    })?;
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &answer)?;
            writeln!(out)?;
        }
        format => write_frame(out, &groups_frame(&answer)?, format)?,
    }
    Ok(())
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
