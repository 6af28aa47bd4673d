//! Static charts (PNG or SVG) for reports and scheduled exports, drawn with
//! plotters: horizontal bars for a categorical breakdown, lines or stacked
//! areas for a time series. Text uses the embedded DejaVu Sans, so charts
//! look the same on every machine and need no system fonts.

use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use polars::prelude::*;

use crate::error::{Error, Result};
use crate::reports::csv::cell;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    Bar,
    Line,
    Stacked,
}

/// What a report draws: `bar x=COL y=COL`, `line x=COL [series=COL] y=COL`,
/// `stacked x=COL series=COL y=COL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartSpec {
    pub kind: ChartKind,
    pub x: String,
    pub y: String,
    pub series: Option<String>,
}

impl ChartSpec {
    pub fn parse(text: &str) -> std::result::Result<ChartSpec, String> {
        let mut words = text.split_whitespace();
        let kind = match words.next() {
            Some("bar") => ChartKind::Bar,
            Some("line") => ChartKind::Line,
            Some("stacked") => ChartKind::Stacked,
            other => return Err(format!("chart kind {other:?} is not bar, line or stacked")),
        };
        let (mut x, mut y, mut series) = (None, None, None);
        for word in words {
            match word.split_once('=') {
                Some(("x", v)) => x = Some(v.to_string()),
                Some(("y", v)) => y = Some(v.to_string()),
                Some(("series", v)) => series = Some(v.to_string()),
                _ => {
                    return Err(format!(
                        "chart: unknown setting {word:?} (use x=, y=, series=)"
                    ));
                }
            }
        }
        let (Some(x), Some(y)) = (x, y) else {
            return Err("chart needs x=COLUMN and y=COLUMN".into());
        };
        if kind == ChartKind::Stacked && series.is_none() {
            return Err("a stacked chart needs series=COLUMN".into());
        }
        Ok(ChartSpec { kind, x, y, series })
    }
}

static FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");
static REGISTER: Once = Once::new();

fn register_font() {
    REGISTER.call_once(|| {
        // The font is embedded and valid; a failure here is a build defect.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

/// Compact money for axes: $12.3k, €1.2M, 45.00 CHF.
pub fn money(value: f64, currency: &str) -> String {
    let magnitude = value.abs();
    let number = if magnitude >= 1e6 {
        format!("{:.1}M", value / 1e6)
    } else if magnitude >= 1e3 {
        format!("{:.1}k", value / 1e3)
    } else if magnitude >= 100.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    };
    let (sign, digits) = match number.strip_prefix('-') {
        Some(rest) => ("-", rest.to_string()),
        None => ("", number),
    };
    match currency {
        "USD" => format!("{sign}${digits}"),
        "EUR" => format!("{sign}€{digits}"),
        "GBP" => format!("{sign}£{digits}"),
        "" => format!("{sign}{digits}"),
        other => format!("{sign}{digits} {other}"),
    }
}

const PALETTE: [RGBColor; 9] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
];
const MAX_BARS: usize = 25;
const MAX_SERIES: usize = 8;

fn text_column(df: &DataFrame, name: &str) -> Result<Vec<String>> {
    let column = df
        .column(name)
        .map_err(|_| Error::Usage(format!("the chart's column {name:?} is not in the report")))?;
    Ok((0..df.height())
        .map(|row| cell(column, row, 2).unwrap_or_else(|| "(none)".into()))
        .collect())
}

fn number_column(df: &DataFrame, name: &str) -> Result<Vec<f64>> {
    crate::frame::numbers(df, name)
        .map_err(|_| Error::Usage(format!("the chart's column {name:?} is not a number")))
}

/// Money in different currencies is never drawn on one axis: with several
/// currencies the chart shows the one with the largest total and says so.
/// Returns the rows to draw, the currency, and a note for the title.
fn one_currency(df: &DataFrame, spec: &ChartSpec) -> Result<(DataFrame, String, Option<String>)> {
    let Ok(currencies) = text_column(df, "currency") else {
        return Ok((df.clone(), String::new(), None));
    };
    let values = number_column(df, &spec.y)?;
    let mut totals: Vec<(String, f64)> = Vec::new();
    for (c, v) in currencies.iter().zip(&values) {
        match totals.iter_mut().find(|(n, _)| n == c) {
            Some(t) => t.1 += v.abs(),
            None => totals.push((c.clone(), v.abs())),
        }
    }
    totals.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    match totals.as_slice() {
        [] => Ok((df.clone(), String::new(), None)),
        [(only, _)] => Ok((df.clone(), only.clone(), None)),
        [(first, _), rest @ ..] => {
            let mask: BooleanChunked = currencies.iter().map(|c| c == first).collect();
            let rows = df
                .filter(&mask)
                .map_err(|e| Error::polars("selecting one currency for the chart", e))?;
            let others: Vec<&str> = rest.iter().map(|(c, _)| c.as_str()).collect();
            let note = format!("{first} only; {} in the table", others.join(", "));
            Ok((rows, first.clone(), Some(note)))
        }
    }
}

/// Draws the chart into `path`: PNG or SVG by extension, written atomically.
pub fn render(df: &DataFrame, spec: &ChartSpec, title: &str, path: &Path) -> Result<()> {
    register_font();
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if extension != "png" && extension != "svg" {
        return Err(Error::Usage(format!(
            "{}: charts are written as .png or .svg",
            path.display()
        )));
    }
    let (rows, currency, note) = one_currency(df, spec)?;
    let title = match note {
        Some(note) => format!("{title} ({note})"),
        None => title.to_string(),
    };
    let data = ChartData::from_frame(&rows, spec)?;
    // The backend picks the format from the extension: keep it.
    let temp = crate::fsutil::temp_file_beside(path, &format!(".{extension}"))?.into_temp_path();
    let size = (1200, 700);
    let drawn = if extension == "png" {
        let root = BitMapBackend::new(&temp, size).into_drawing_area();
        draw(root, &data, spec, &title, &currency).map_err(|e| e.to_string())
    } else {
        let root = SVGBackend::new(&temp, size).into_drawing_area();
        draw(root, &data, spec, &title, &currency).map_err(|e| e.to_string())
    };
    drawn.map_err(|e| Error::Usage(format!("drawing {}: {e}", path.display())))?;
    temp.persist(path)
        .map_err(|e| Error::io(format!("writing {}", path.display()), e.error))?;
    Ok(())
}

/// The report's rows reduced to what the chart shows.
struct ChartData {
    /// Category or period labels along the x axis (bars: along y).
    labels: Vec<String>,
    /// (series name, one value per label)
    series: Vec<(String, Vec<f64>)>,
}

impl ChartData {
    fn from_frame(df: &DataFrame, spec: &ChartSpec) -> Result<ChartData> {
        let xs = text_column(df, &spec.x)?;
        let ys = number_column(df, &spec.y)?;
        let names = match &spec.series {
            Some(s) => text_column(df, s)?,
            None => vec![spec.y.clone(); xs.len()],
        };
        let mut labels: Vec<String> = Vec::new();
        for x in &xs {
            if !labels.contains(x) {
                labels.push(x.clone());
            }
        }
        if spec.kind == ChartKind::Bar {
            labels.truncate(MAX_BARS);
        } else {
            labels.sort();
        }
        // Largest series first; the rest folded into "other".
        let mut totals: Vec<(String, f64)> = Vec::new();
        for (name, y) in names.iter().zip(&ys) {
            match totals.iter_mut().find(|(n, _)| n == name) {
                Some(t) => t.1 += y.abs(),
                None => totals.push((name.clone(), y.abs())),
            }
        }
        totals.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let kept: Vec<String> = totals
            .iter()
            .take(MAX_SERIES)
            .map(|t| t.0.clone())
            .collect();
        let mut series: Vec<(String, Vec<f64>)> = kept
            .iter()
            .map(|n| (n.clone(), vec![0.0; labels.len()]))
            .collect();
        if totals.len() > MAX_SERIES {
            series.push(("other".into(), vec![0.0; labels.len()]));
        }
        for ((x, y), name) in xs.iter().zip(&ys).zip(&names) {
            let Some(at) = labels.iter().position(|l| l == x) else {
                continue;
            };
            let index = kept
                .iter()
                .position(|k| k == name)
                .unwrap_or(series.len() - 1);
            series[index].1[at] += y;
        }
        Ok(ChartData { labels, series })
    }
}

type DrawResult<DB> =
    std::result::Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    data: &ChartData,
    spec: &ChartSpec,
    title: &str,
    currency: &str,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let axis_label = if currency.is_empty() {
        spec.y.clone()
    } else {
        format!("{} ({currency})", spec.y)
    };
    match spec.kind {
        ChartKind::Bar => draw_bars(&root, data, title, &axis_label, currency)?,
        ChartKind::Line | ChartKind::Stacked => {
            draw_series(&root, data, spec, title, &axis_label, currency)?
        }
    }
    root.present()
}

fn draw_bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ChartData,
    title: &str,
    axis_label: &str,
    currency: &str,
) -> DrawResult<DB> {
    let values: Vec<f64> = (0..data.labels.len())
        .map(|i| data.series.iter().map(|s| s.1[i]).sum())
        .collect();
    let low = values.iter().cloned().fold(0.0f64, f64::min);
    let high = values.iter().cloned().fold(0.0f64, f64::max);
    let pad = ((high - low) * 0.05).max(1e-9);
    let n = data.labels.len().max(1);
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 26))
        .margin(20)
        .x_label_area_size(50)
        .y_label_area_size(260)
        .build_cartesian_2d(
            (low - if low < 0.0 { pad } else { 0.0 })..(high + pad),
            (0..n).into_segmented(),
        )?;
    let labels = data.labels.clone();
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc(axis_label)
        .x_label_formatter(&|v| money(*v, currency))
        .y_labels(n)
        .y_label_formatter(&|v| match v {
            // The largest bar is drawn at the top.
            SegmentValue::CenterOf(i) if *i < labels.len() => {
                let label = &labels[labels.len() - 1 - i];
                if label.chars().count() > 36 {
                    format!(
                        "…{}",
                        label
                            .chars()
                            .rev()
                            .take(35)
                            .collect::<Vec<_>>()
                            .into_iter()
                            .rev()
                            .collect::<String>()
                    )
                } else {
                    label.clone()
                }
            }
            _ => String::new(),
        })
        .label_style(("sans-serif", 14))
        .draw()?;
    let count = values.len();
    chart.draw_series(values.iter().enumerate().map(|(i, v)| {
        let row = count - 1 - i;
        let mut bar = Rectangle::new(
            [
                (0.0, SegmentValue::Exact(row)),
                (*v, SegmentValue::Exact(row + 1)),
            ],
            PALETTE[0].filled(),
        );
        bar.set_margin(3, 3, 0, 0);
        bar
    }))?;
    Ok(())
}

fn draw_series<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &ChartData,
    spec: &ChartSpec,
    title: &str,
    axis_label: &str,
    currency: &str,
) -> DrawResult<DB> {
    let n = data.labels.len();
    let stacked = spec.kind == ChartKind::Stacked;
    // Cumulative tops for stacking; plain values for lines.
    let mut tops: Vec<Vec<f64>> = Vec::new();
    let mut running = vec![0.0; n];
    for (_, values) in &data.series {
        if stacked {
            for (r, v) in running.iter_mut().zip(values) {
                *r += v;
            }
            tops.push(running.clone());
        } else {
            tops.push(values.clone());
        }
    }
    let high = tops.iter().flatten().cloned().fold(0.0f64, f64::max);
    let low = tops.iter().flatten().cloned().fold(0.0f64, f64::min);
    let pad = ((high - low) * 0.05).max(1e-9);
    let labels = data.labels.clone();
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", 26))
        .margin(20)
        .margin_right(50)
        .x_label_area_size(60)
        .y_label_area_size(90)
        .build_cartesian_2d(0f64..(n.max(2) - 1) as f64, (low.min(0.0))..(high + pad))?;
    chart
        .configure_mesh()
        .x_labels(n.min(12))
        .x_label_formatter(&|v| {
            let i = v.round();
            if (v - i).abs() < 1e-6 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .y_desc(axis_label)
        .x_desc(spec.x.as_str())
        .y_label_formatter(&|v| money(*v, currency))
        .label_style(("sans-serif", 14))
        .draw()?;
    for (k, (name, _)) in data.series.iter().enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        let top: Vec<(f64, f64)> = tops[k]
            .iter()
            .enumerate()
            .map(|(i, v)| (i as f64, *v))
            .collect();
        if stacked {
            let bottom: Vec<(f64, f64)> = if k == 0 {
                (0..n).map(|i| (i as f64, 0.0)).collect()
            } else {
                tops[k - 1]
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (i as f64, *v))
                    .collect()
            };
            let mut outline = top.clone();
            outline.extend(bottom.into_iter().rev());
            chart
                .draw_series(std::iter::once(Polygon::new(
                    outline,
                    color.mix(0.75).filled(),
                )))?
                .label(name.clone())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 6), (x + 14, y + 6)], color.filled())
                });
        } else {
            chart
                .draw_series(LineSeries::new(top, color.stroke_width(2)))?
                .label(name.clone())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 2), (x + 14, y + 2)], color.filled())
                });
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 14))
        .draw()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_compact_and_labelled() {
        assert_eq!(money(12345.0, "USD"), "$12.3k");
        assert_eq!(money(-2_500_000.0, "EUR"), "-€2.5M");
        assert_eq!(money(45.0, "CHF"), "45.00 CHF");
        assert_eq!(money(500.0, "USD"), "$500");
    }

    #[test]
    fn draws_png_and_svg() {
        let df = df!(
            "month" => ["2026-08", "2026-08", "2026-09", "2026-09"],
            "service" => ["EC2", "S3", "EC2", "S3"],
            "effective_cost" => [100.0, 20.0, 120.0, 25.0],
            "currency" => ["USD"; 4],
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        for spec in [
            "stacked x=month series=service y=effective_cost",
            "bar x=service y=effective_cost",
            "line x=month y=effective_cost",
        ] {
            let spec = ChartSpec::parse(spec).unwrap();
            for ext in ["png", "svg"] {
                let path = dir.path().join(format!("chart.{ext}"));
                render(&df, &spec, "Cost", &path).unwrap();
                let bytes = std::fs::read(&path).unwrap();
                assert!(bytes.len() > 1000, "{spec:?} {ext}");
                if ext == "png" {
                    assert_eq!(&bytes[1..4], b"PNG");
                } else {
                    let text = String::from_utf8(bytes).unwrap();
                    assert!(text.contains("<svg") && text.contains("$"), "{spec:?}");
                }
            }
        }
        // Two currencies: only the larger is drawn, and the title says so.
        let mixed = df!(
            "service" => ["EC2", "SQL"],
            "effective_cost" => [100.0, 50.0],
            "currency" => ["USD", "EUR"],
        )
        .unwrap();
        let path = dir.path().join("mixed.svg");
        let spec = ChartSpec::parse("bar x=service y=effective_cost").unwrap();
        render(&mixed, &spec, "Cost", &path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("USD only; EUR in the table"));
        assert!(!text.contains(">SQL<"));
        assert!(ChartSpec::parse("pie x=a y=b").is_err());
        assert!(ChartSpec::parse("stacked x=a y=b").is_err());
    }
}
