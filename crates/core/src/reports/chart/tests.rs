//! The chart both renderers draw: what the reduction keeps, fills, marks and
//! leaves out, and that the static renderer draws it.

use super::*;

fn spec(text: &str) -> ChartSpec {
    ChartSpec::parse(text).unwrap()
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

#[test]
fn the_header_declares_the_chart() {
    let parsed = spec("bar x=service y=change latest=month");
    assert_eq!(parsed.kind, ChartKind::Bar);
    assert_eq!(parsed.latest.as_deref(), Some("month"));
    assert!(ChartSpec::parse("pie x=a y=b").is_err());
    assert!(ChartSpec::parse("stacked x=a y=b").is_err());
    assert!(ChartSpec::parse("bar x=a y=b series=c").is_err());
    assert!(ChartSpec::parse("line x=a y=b colour=red").is_err());
}

#[test]
fn a_month_axis_is_continuous_and_missing_money_is_zero() {
    let df = df!(
        "month" => ["2023-09", "2024-09", "2024-09"],
        "service" => ["EC2", "EC2", "S3"],
        "effective_cost" => [10.0, 20.0, 5.0],
        "currency" => ["USD"; 3],
    )
    .unwrap();
    let chart = ChartData::of(
        &df,
        &spec("stacked x=month series=service y=effective_cost"),
        None,
    )
    .unwrap();
    let panel = &chart.panels[0];
    assert_eq!(
        panel.labels.len(),
        13,
        "2023-09 to 2024-09: {:?}",
        panel.labels
    );
    assert_eq!(panel.labels[1], "2023-10");
    let ec2 = &panel.series[0];
    assert_eq!(ec2.name, "EC2");
    assert_eq!(ec2.values[0], Some(10.0));
    assert_eq!(
        ec2.values[1],
        Some(0.0),
        "a month without rows is zero cost"
    );
    assert_eq!(ec2.values[12], Some(20.0));
    assert_eq!(panel.series[1].values[12], Some(5.0));
    assert!(
        panel.partial.iter().all(|p| !p),
        "no coverage given, nothing marked"
    );

    // A measure that is not money has gaps, not zeros.
    let counts = df!(
        "day" => ["2026-10-01", "2026-10-17"],
        "resources" => [3.0, 4.0],
    )
    .unwrap();
    let chart = ChartData::of(&counts, &spec("line x=day y=resources"), None).unwrap();
    let panel = &chart.panels[0];
    assert_eq!(
        panel.labels.len(),
        17,
        "a 16-day gap is 15 days on the axis"
    );
    assert_eq!(panel.series[0].values[1], None);
    assert_eq!(panel.series[0].values[16], Some(4.0));
}

#[test]
fn months_the_data_covers_in_part_are_marked() {
    let df = df!(
        "month" => ["2026-08", "2026-09", "2026-10", "2026-11"],
        "billed_cost" => [1.0, 2.0, 3.0, 4.0],
        "currency" => ["EUR"; 4],
    )
    .unwrap();
    let covered = Some((day("2026-08-15"), day("2026-11-17")));
    let chart = ChartData::of(&df, &spec("line x=month y=billed_cost"), covered).unwrap();
    assert_eq!(chart.panels[0].partial, [true, false, false, true]);
    let whole = Some((day("2026-08-01"), day("2026-11-30")));
    let chart = ChartData::of(&df, &spec("line x=month y=billed_cost"), whole).unwrap();
    assert_eq!(chart.panels[0].partial, [false; 4]);
}

#[test]
fn a_month_over_month_bar_chart_draws_the_latest_month_not_a_sum() {
    let df = df!(
        "month" => ["2026-09", "2026-09", "2026-10", "2026-10", "2026-10"],
        "service" => ["EC2", "S3", "EC2", "S3", "Lambda"],
        "change" => [Some(50.0), Some(-5.0), Some(12.5), Some(-0.001), None],
        "currency" => ["USD"; 5],
    )
    .unwrap();
    let chart = ChartData::of(&df, &spec("bar x=service y=change latest=month"), None).unwrap();
    assert_eq!(chart.note.as_deref(), Some("2026-10 only"));
    let panel = &chart.panels[0];
    // S3's -0.001 is float noise and Lambda has no previous month: neither is a bar.
    assert_eq!(panel.labels, ["EC2"]);
    assert_eq!(panel.series[0].values, [Some(12.5)]);
}

#[test]
fn currencies_are_separate_panels_and_each_adds_up_to_its_rows() {
    let df = df!(
        "month" => ["2026-09", "2026-10", "2026-10", "2026-10"],
        "service" => ["EC2", "EC2", "SQL", "VM"],
        "effective_cost" => [100.0, 120.0, 40.0, 300.0],
        "currency" => ["USD", "USD", "EUR", "EUR"],
    )
    .unwrap();
    let chart = ChartData::of(
        &df,
        &spec("stacked x=month series=service y=effective_cost"),
        None,
    )
    .unwrap();
    let currencies: Vec<&str> = chart.panels.iter().map(|p| p.currency.as_str()).collect();
    assert_eq!(currencies, ["EUR", "USD"], "the larger total first");
    let drawn = |p: &ChartPanel| -> f64 {
        p.series
            .iter()
            .flat_map(|s| s.values.iter().flatten())
            .sum()
    };
    assert_eq!(drawn(&chart.panels[0]), 340.0);
    assert_eq!(drawn(&chart.panels[1]), 220.0);
    // Both panels share the time axis, so they line up.
    assert_eq!(chart.panels[0].labels, chart.panels[1].labels);
    // A ranking is per currency too: never one list of dollars and euros.
    let bars = ChartData::of(&df, &spec("bar x=service y=effective_cost"), None).unwrap();
    assert_eq!(
        bars.panels[0].labels,
        ["SQL", "VM"],
        "in the report's order"
    );
    assert_eq!(bars.panels[1].labels, ["EC2"]);
    assert_eq!(bars.panels[1].series[0].values, [Some(220.0)]);
}

#[test]
fn series_past_the_limit_are_other_and_colours_do_not_repeat() {
    let names: Vec<String> = (0..12).map(|i| format!("service {i:02}")).collect();
    let costs: Vec<f64> = (0..12).map(|i| 100.0 - i as f64).collect();
    let df = df!(
        "month" => vec!["2026-10"; 12],
        "service" => names,
        "effective_cost" => costs.clone(),
        "currency" => vec!["USD"; 12],
    )
    .unwrap();
    let chart = ChartData::of(
        &df,
        &spec("stacked x=month series=service y=effective_cost"),
        None,
    )
    .unwrap();
    let series = &chart.panels[0].series;
    assert_eq!(series.len(), MAX_SERIES + 1);
    let other = series.last().unwrap();
    assert_eq!(other.name, "other");
    assert_eq!(other.color, OTHER_COLOR);
    assert_eq!(other.values[0], Some(costs[MAX_SERIES..].iter().sum()));
    let mut colours: Vec<&str> = series.iter().map(|s| s.color.as_str()).collect();
    colours.sort();
    colours.dedup();
    assert_eq!(colours.len(), series.len());
}

#[test]
fn an_empty_report_has_no_panels_and_the_file_says_so() {
    let df = df!(
        "service" => Vec::<String>::new(),
        "effective_cost" => Vec::<f64>::new(),
        "currency" => Vec::<String>::new(),
    )
    .unwrap();
    let chart = ChartData::of(&df, &spec("bar x=service y=effective_cost"), None).unwrap();
    assert!(chart.panels.is_empty());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.svg");
    render(&chart, "Cost by service", &path).unwrap();
    let texts = svg_texts(&std::fs::read_to_string(&path).unwrap());
    assert_eq!(
        texts,
        ["Cost by service", "No rows to chart in this period"],
        "no axis of zeros"
    );
}

/// The text elements of an SVG, trimmed.
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = &t[t.find('>')? + 1..];
            Some(body[..body.find("</text>")?].trim().to_string())
        })
        .collect()
}

#[test]
fn draws_png_and_svg() {
    let df = df!(
        "month" => ["2026-08", "2026-08", "2026-10", "2026-10", "2026-10"],
        "service" => ["EC2", "S3", "EC2", "S3", "SQL"],
        "effective_cost" => [100.0, 20.0, 120.0, 25.0, 80.0],
        "currency" => ["USD", "USD", "USD", "USD", "EUR"],
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let covered = Some((day("2026-08-01"), day("2026-10-20")));
    for text in [
        "stacked x=month series=service y=effective_cost",
        "bar x=service y=effective_cost",
        "line x=month y=effective_cost",
    ] {
        let chart = ChartData::of(&df, &spec(text), covered).unwrap();
        for ext in ["png", "svg"] {
            let path = dir.path().join(format!("chart.{ext}"));
            render(&chart, "Cost", &path).unwrap();
            let bytes = std::fs::read(&path).unwrap();
            assert!(bytes.len() > 1000, "{text} {ext}");
            if ext == "png" {
                assert_eq!(&bytes[1..4], b"PNG");
                continue;
            }
            let texts = svg_texts(&String::from_utf8(bytes).unwrap());
            let has = |t: &str| texts.iter().any(|x| x == t);
            // Each currency has its own panel and axis.
            assert!(has("USD") && has("EUR"), "{text}: {texts:?}");
            assert!(has("effective_cost (USD)") && has("effective_cost (EUR)"));
            if text.starts_with("bar") {
                assert!(has("SQL") && has("EC2"), "{texts:?}");
            } else {
                // The axis has September, and October is marked partial.
                assert!(has("2026-09"), "{text}: {texts:?}");
                assert!(has("2026-10 (part)"), "{text}: {texts:?}");
            }
        }
    }
    let chart = ChartData::of(&df, &spec("bar x=service y=effective_cost"), None).unwrap();
    assert!(render(&chart, "Cost", &dir.path().join("chart.jpg")).is_err());
}

#[test]
fn axis_money_is_compact_and_labelled() {
    assert_eq!(money(12345.0, "USD"), "$12.3k");
    assert_eq!(money(-2_500_000.0, "EUR"), "-€2.5M");
    assert_eq!(money(45.0, "CHF"), "45.00 CHF");
    assert_eq!(money(500.0, "USD"), "$500");
}
