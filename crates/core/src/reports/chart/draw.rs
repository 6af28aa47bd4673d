//! Static charts (PNG or SVG) for reports and scheduled exports, drawn with
//! plotters from the same `ChartData` the app draws: horizontal bars for a
//! ranking, lines or stacked areas over time, one panel per currency. Text
//! uses the embedded DejaVu Sans, so charts look the same on every machine
//! and need no system fonts.

use std::path::Path;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{ChartData, ChartKind, ChartPanel, partial_label};
use crate::error::{Error, Result};

static FONT: &[u8] = include_bytes!("../../../assets/DejaVuSans.ttf");
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

/// `#rrggbb` as plotters' colour; the palette is ours, so a bad one is grey.
fn color(hex: &str) -> RGBColor {
    let channel = |at: usize| {
        hex.get(at..at + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(156)
    };
    RGBColor(channel(1), channel(3), channel(5))
}

/// Labels longer than this keep their end, where ids differ.
const LABEL_CHARS: usize = 36;
/// Panels drawn in one file; further currencies are named in the title.
const MAX_PANELS: usize = 3;

fn shorten(label: &str) -> String {
    let count = label.chars().count();
    if count <= LABEL_CHARS {
        return label.to_string();
    }
    let tail: String = label.chars().skip(count - (LABEL_CHARS - 1)).collect();
    format!("…{tail}")
}

/// Draws the chart into `path`: PNG or SVG by extension, written atomically.
pub fn render(data: &ChartData, title: &str, path: &Path) -> Result<()> {
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
    let mut notes: Vec<String> = data.note.iter().cloned().collect();
    if data.panels.len() > MAX_PANELS {
        let rest: Vec<&str> = data.panels[MAX_PANELS..]
            .iter()
            .map(|p| p.currency.as_str())
            .collect();
        notes.push(format!("{} in the table", rest.join(", ")));
    }
    let title = match notes.is_empty() {
        true => title.to_string(),
        false => format!("{title} ({})", notes.join("; ")),
    };
    let panels = &data.panels[..data.panels.len().min(MAX_PANELS)];
    // The backend picks the format from the extension: keep it.
    let temp = crate::fsutil::temp_file_beside(path, &format!(".{extension}"))?.into_temp_path();
    let size = (
        1200,
        80 + 620 * panels.len().max(1) as u32 - 140 * (panels.len() > 1) as u32,
    );
    let drawn = if extension == "png" {
        let root = BitMapBackend::new(&temp, size).into_drawing_area();
        draw(root, data, panels, &title).map_err(|e| e.to_string())
    } else {
        let root = SVGBackend::new(&temp, size).into_drawing_area();
        draw(root, data, panels, &title).map_err(|e| e.to_string())
    };
    drawn.map_err(|e| Error::Usage(format!("drawing {}: {e}", path.display())))?;
    temp.persist(path)
        .map_err(|e| Error::io(format!("writing {}", path.display()), e.error))?;
    Ok(())
}

type DrawResult<DB> =
    std::result::Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    data: &ChartData,
    panels: &[ChartPanel],
    title: &str,
) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let body = root.titled(title, ("sans-serif", 26))?;
    if panels.is_empty() {
        // Not an axis of zeros: say there is nothing.
        let (w, h) = body.dim_in_pixel();
        body.draw(&Text::new(
            "No rows to chart in this period",
            (w as i32 / 2 - 170, h as i32 / 2 - 20),
            ("sans-serif", 24)
                .into_font()
                .color(&RGBColor(107, 114, 128)),
        ))?;
        return root.present();
    }
    let areas = body.split_evenly((panels.len(), 1));
    for (area, panel) in areas.iter().zip(panels) {
        let caption = (panels.len() > 1).then_some(panel.currency.as_str());
        match data.kind {
            ChartKind::Bar => draw_bars(area, data, panel, caption)?,
            ChartKind::Line | ChartKind::Stacked => draw_series(area, data, panel, caption)?,
        }
    }
    root.present()
}

fn axis_label(data: &ChartData, panel: &ChartPanel) -> String {
    match panel.currency.as_str() {
        "" => data.y.clone(),
        currency => format!("{} ({currency})", data.y),
    }
}

fn draw_bars<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &ChartData,
    panel: &ChartPanel,
    caption: Option<&str>,
) -> DrawResult<DB> {
    let values: Vec<f64> = panel.series[0]
        .values
        .iter()
        .map(|v| v.unwrap_or(0.0))
        .collect();
    let low = values.iter().cloned().fold(0.0f64, f64::min);
    let high = values.iter().cloned().fold(0.0f64, f64::max);
    let pad = ((high - low) * 0.05).max(1e-9);
    let n = values.len() as i32;
    let mut builder = ChartBuilder::on(area);
    builder
        .margin(20)
        .x_label_area_size(50)
        .y_label_area_size(280);
    if let Some(caption) = caption {
        builder.caption(caption, ("sans-serif", 20));
    }
    // Bar i (0 = the first, drawn at the top) spans n-1-i .. n-i.
    let mut chart = builder.build_cartesian_2d(
        (low - if low < 0.0 { pad } else { 0.0 })..(high + pad),
        0f64..n as f64,
    )?;
    let currency = panel.currency.as_str();
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc(axis_label(data, panel))
        .x_label_formatter(&|v| money(*v, currency))
        // The categories are written beside their bars below, not at
        // the axis's round numbers.
        .y_labels(0)
        .y_label_formatter(&|_| String::new())
        .label_style(("sans-serif", 14))
        .draw()?;
    let fill = color(&panel.series[0].color);
    chart.draw_series(values.iter().enumerate().map(|(i, v)| {
        let bottom = (n - 1 - i as i32) as f64;
        Rectangle::new([(0.0, bottom + 0.12), (*v, bottom + 0.88)], fill.filled())
    }))?;
    let base = area.get_base_pixel();
    let style = ("sans-serif", 14)
        .into_font()
        .into_text_style(area)
        .pos(Pos::new(HPos::Right, VPos::Center));
    for (i, label) in panel.labels.iter().enumerate() {
        let middle = (n - 1 - i as i32) as f64 + 0.5;
        let (x, y) =
            chart.backend_coord(&(low.min(0.0) - if low < 0.0 { pad } else { 0.0 }, middle));
        area.draw(&Text::new(
            shorten(label),
            (x - base.0 - 8, y - base.1),
            style.clone(),
        ))?;
    }
    Ok(())
}

fn draw_series<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &ChartData,
    panel: &ChartPanel,
    caption: Option<&str>,
) -> DrawResult<DB> {
    let n = panel.labels.len();
    let stacked = data.kind == ChartKind::Stacked;
    // The legend sits beside the plot, never over it.
    let legend_width = if panel.series.len() > 1 { 260 } else { 0 };
    let (plot, legend) =
        area.split_horizontally(area.dim_in_pixel().0.saturating_sub(legend_width));
    // Stack tops, or each line's own values (None is a gap).
    let mut tops: Vec<Vec<Option<f64>>> = Vec::new();
    let mut running = vec![0.0; n];
    for s in &panel.series {
        if stacked {
            for (r, v) in running.iter_mut().zip(&s.values) {
                *r += v.unwrap_or(0.0);
            }
            tops.push(running.iter().map(|v| Some(*v)).collect());
        } else {
            tops.push(s.values.clone());
        }
    }
    let high = tops
        .iter()
        .flatten()
        .flatten()
        .cloned()
        .fold(0.0f64, f64::max);
    let low = tops
        .iter()
        .flatten()
        .flatten()
        .cloned()
        .fold(0.0f64, f64::min);
    let pad = ((high - low) * 0.05).max(1e-9);
    let labels: Vec<String> = panel
        .labels
        .iter()
        .zip(&panel.partial)
        .map(|(l, partial)| {
            if *partial {
                partial_label(l)
            } else {
                l.clone()
            }
        })
        .collect();
    let currency = panel.currency.as_str();
    let mut builder = ChartBuilder::on(&plot);
    builder
        .margin(20)
        .margin_right(40)
        .x_label_area_size(60)
        .y_label_area_size(90);
    if let Some(caption) = caption {
        builder.caption(caption, ("sans-serif", 20));
    }
    let mut chart =
        builder.build_cartesian_2d(0f64..(n.max(2) - 1) as f64, (low.min(0.0))..(high + pad))?;
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
        .y_desc(axis_label(data, panel))
        .x_desc(data.x.as_str())
        .y_label_formatter(&|v| money(*v, currency))
        .label_style(("sans-serif", 14))
        .draw()?;
    for (k, s) in panel.series.iter().enumerate() {
        let colour = color(&s.color);
        if stacked {
            let bottom: Vec<(f64, f64)> = (0..n)
                .map(|i| {
                    let below = k.checked_sub(1).and_then(|b| tops[b][i]).unwrap_or(0.0);
                    (i as f64, below)
                })
                .collect();
            let mut outline: Vec<(f64, f64)> = (0..n)
                .map(|i| (i as f64, tops[k][i].unwrap_or(0.0)))
                .collect();
            outline.extend(bottom.into_iter().rev());
            chart.draw_series(std::iter::once(Polygon::new(
                outline,
                colour.mix(0.8).filled(),
            )))?;
        } else {
            // A gap splits the line: a missing period is not drawn across.
            let mut run: Vec<(f64, f64)> = Vec::new();
            for (i, v) in tops[k].iter().enumerate() {
                match v {
                    Some(v) => run.push((i as f64, *v)),
                    None => {
                        chart
                            .draw_series(LineSeries::new(run.drain(..), colour.stroke_width(2)))?;
                    }
                }
            }
            chart.draw_series(LineSeries::new(run, colour.stroke_width(2)))?;
        }
    }
    if panel.series.len() > 1 {
        for (k, s) in panel.series.iter().enumerate() {
            let y = 40 + 24 * k as i32;
            legend.draw(&Rectangle::new(
                [(0, y - 7), (16, y + 7)],
                color(&s.color).filled(),
            ))?;
            let name: String = s.name.chars().take(30).collect();
            legend.draw(&Text::new(name, (24, y - 8), ("sans-serif", 14)))?;
        }
    }
    Ok(())
}
