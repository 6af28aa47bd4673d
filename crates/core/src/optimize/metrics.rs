//! Utilization metrics for rightsizing: import and per-resource statistics.
//!
//! Three input shapes are read (detected from the content):
//! - the simple CSV: `resource_id, timestamp, metric, value`, metric one of
//!   `cpu_percent`, `memory_percent`, `network_in_bytes`, `network_out_bytes`;
//! - CloudWatch `aws cloudwatch get-metric-data` JSON output: each result's
//!   `Label` (or `Id`) names the instance (`i-...`) and the metric
//!   (`CPUUtilization`, `NetworkIn`, `NetworkOut`, CWAgent `mem_used_percent`);
//! - Azure Monitor `az monitor metrics list` JSON output: the resource is the
//!   metric id before `/providers/Microsoft.Insights/metrics`, metrics
//!   `Percentage CPU`, `Network In Total`, `Network Out Total`, `Available
//!   Memory Percentage` (turned into memory used).
//!
//! Each import becomes one Parquet file in `<data dir>/metrics/`, named by
//! the content hash (importing the same file twice changes nothing) and
//! moved into place by a rename (an interrupted import leaves nothing).
//! Points repeated across files count once.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDateTime, Utc};
use polars::prelude::*;

use crate::error::{Error, Result};
use crate::frame::column_of;

pub const METRICS: &[&str] = &[
    "cpu_percent",
    "memory_percent",
    "network_in_bytes",
    "network_out_bytes",
];

#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub resource_id: String,
    pub timestamp: DateTime<Utc>,
    pub metric: &'static str,
    pub value: f64,
}

fn canonical_metric(name: &str) -> Option<&'static str> {
    let n = name.trim().to_lowercase().replace([' ', '-'], "_");
    Some(match n.as_str() {
        "cpu_percent" | "cpuutilization" | "percentage_cpu" => "cpu_percent",
        "memory_percent" | "mem_used_percent" => "memory_percent",
        "network_in_bytes" | "networkin" | "network_in_total" => "network_in_bytes",
        "network_out_bytes" | "networkout" | "network_out_total" => "network_out_bytes",
        _ => return None,
    })
}

fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    let t = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some(dt.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(t, format) {
            return Some(naive.and_utc());
        }
    }
    None
}

/// Reads one metrics file in any of the three shapes.
pub fn read_points(path: &Path) -> Result<Vec<Point>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::bad_input(path, format!("cannot be read as UTF-8 text: {e}")))?;
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.is_empty() {
        return Err(Error::bad_input(path, "the file is empty"));
    }
    if trimmed.starts_with('{') {
        let json: serde_json::Value = serde_json::from_str(trimmed)
            .map_err(|e| Error::bad_input(path, format!("not valid JSON: {e}")))?;
        if json.get("MetricDataResults").is_some() {
            return cloudwatch(path, &json);
        }
        if json.get("value").is_some() {
            return azure_monitor(path, &json);
        }
        return Err(Error::bad_input(
            path,
            "JSON that is neither CloudWatch get-metric-data output (MetricDataResults) nor Azure Monitor metrics output (value)",
        ));
    }
    simple_csv(path, trimmed)
}

fn simple_csv(path: &Path, text: &str) -> Result<Vec<Point>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let [resource_at, time_at, metric_at, value_at] = crate::frame::column_positions(
        path,
        &mut reader,
        "a metrics CSV",
        ["resource_id", "timestamp", "metric", "value"],
    )?;
    let mut points = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let row = index as u64 + 1;
        let record = record.map_err(|e| Error::bad_input(path, format!("row {row}: {e}")))?;
        let field = |i: usize| record.get(i).unwrap_or("");
        let bad = |column: &str, message: String| Error::BadValue {
            file: path.to_path_buf(),
            row,
            column: column.to_string(),
            message,
        };
        let resource_id = field(resource_at);
        if resource_id.is_empty() {
            return Err(bad("resource_id", "is empty".into()));
        }
        let timestamp = parse_time(field(time_at)).ok_or_else(|| {
            bad(
                "timestamp",
                format!("{:?} is not an ISO 8601 date-time", field(time_at)),
            )
        })?;
        let metric = canonical_metric(field(metric_at)).ok_or_else(|| {
            bad(
                "metric",
                format!(
                    "{:?} is not one of {}",
                    field(metric_at),
                    METRICS.join(", ")
                ),
            )
        })?;
        let value: f64 = field(value_at)
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| bad("value", format!("{:?} is not a number", field(value_at))))?;
        points.push(Point {
            resource_id: resource_id.to_string(),
            timestamp,
            metric,
            value,
        });
    }
    Ok(points)
}

fn cloudwatch(path: &Path, json: &serde_json::Value) -> Result<Vec<Point>> {
    let mut points = Vec::new();
    let results = json["MetricDataResults"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for (i, result) in results.iter().enumerate() {
        let label = format!(
            "{} {}",
            result["Label"].as_str().unwrap_or(""),
            result["Id"].as_str().unwrap_or("")
        );
        let words: Vec<&str> = label
            .split(|c: char| c.is_whitespace() || c == '/' || c == ',')
            .collect();
        let resource = words
            .iter()
            .find(|w| w.starts_with("i-"))
            .map(|w| w.to_string());
        let metric = words.iter().find_map(|w| canonical_metric(w));
        let (Some(resource_id), Some(metric)) = (resource, metric) else {
            return Err(Error::bad_input(
                path,
                format!(
                    "MetricDataResults[{i}]: the Label {label:?} must name the instance (i-...) and the metric (CPUUtilization, NetworkIn, NetworkOut, mem_used_percent)"
                ),
            ));
        };
        let times = result["Timestamps"].as_array().cloned().unwrap_or_default();
        let values = result["Values"].as_array().cloned().unwrap_or_default();
        if times.len() != values.len() {
            return Err(Error::bad_input(
                path,
                format!(
                    "MetricDataResults[{i}]: {} timestamps but {} values",
                    times.len(),
                    values.len()
                ),
            ));
        }
        for (t, v) in times.iter().zip(&values) {
            let timestamp = t.as_str().and_then(parse_time).ok_or_else(|| {
                Error::bad_input(path, format!("MetricDataResults[{i}]: bad timestamp {t}"))
            })?;
            let value = v.as_f64().ok_or_else(|| {
                Error::bad_input(path, format!("MetricDataResults[{i}]: bad value {v}"))
            })?;
            points.push(Point {
                resource_id: resource_id.clone(),
                timestamp,
                metric,
                value,
            });
        }
    }
    Ok(points)
}

fn azure_monitor(path: &Path, json: &serde_json::Value) -> Result<Vec<Point>> {
    let mut points = Vec::new();
    for (i, metric) in json["value"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let name = metric["name"]["value"].as_str().unwrap_or("");
        let id = metric["id"].as_str().unwrap_or("");
        let resource_id = match id
            .to_lowercase()
            .find("/providers/microsoft.insights/metrics")
        {
            Some(at) => id[..at].to_string(),
            None => {
                return Err(Error::bad_input(
                    path,
                    format!("value[{i}]: the id {id:?} is not an Azure Monitor metric id"),
                ));
            }
        };
        let (canonical, invert) = if name.eq_ignore_ascii_case("Available Memory Percentage") {
            ("memory_percent", true)
        } else {
            match canonical_metric(name) {
                Some(m) => (m, false),
                None => continue, // other metrics are not used for rightsizing
            }
        };
        for series in metric["timeseries"].as_array().cloned().unwrap_or_default() {
            for point in series["data"].as_array().cloned().unwrap_or_default() {
                let Some(timestamp) = point["timeStamp"].as_str().and_then(parse_time) else {
                    return Err(Error::bad_input(
                        path,
                        format!("value[{i}]: bad timeStamp in {point}"),
                    ));
                };
                let value = ["average", "total", "maximum"]
                    .iter()
                    .find_map(|k| point[*k].as_f64());
                let Some(value) = value else { continue }; // no data in that interval
                points.push(Point {
                    resource_id: resource_id.clone(),
                    timestamp,
                    metric: canonical,
                    value: if invert { 100.0 - value } else { value },
                });
            }
        }
    }
    Ok(points)
}

fn metrics_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("metrics")
}

/// Imports one metrics file; returns (points, whether it was new).
pub fn import(data_dir: &Path, path: &Path) -> Result<(usize, bool)> {
    let points = read_points(path)?;
    let (hash, _) = crate::fsutil::hash_file(path)?;
    let dir = metrics_dir(data_dir);
    let target = dir.join(format!("{}.parquet", &hash[..16]));
    if target.exists() {
        return Ok((points.len(), false));
    }
    let mut df = DataFrame::new_infer_height(vec![
        column_of("resource_id", &points, |p| p.resource_id.clone()),
        column_of("timestamp", &points, |p| p.timestamp.naive_utc()),
        column_of("metric", &points, |p| p.metric),
        column_of("value", &points, |p| p.value),
    ])
    .map_err(|e| Error::polars("building the metrics table", e))?;
    crate::fsutil::write_atomically(&target, |out| {
        ParquetWriter::new(out)
            .finish(&mut df)
            .map(|_| ())
            .map_err(std::io::Error::other)
    })?;
    Ok((points.len(), true))
}

/// Per resource over `[from, to)`: CPU average, p95 and max; memory p95
/// and max when present; network bytes per day.
#[derive(Debug, Clone, PartialEq)]
pub struct Utilization {
    pub resource_id: String,
    pub cpu_avg: f64,
    pub cpu_p95: f64,
    pub cpu_max: f64,
    pub memory_p95: Option<f64>,
    pub memory_max: Option<f64>,
    pub network_bytes_per_day: Option<f64>,
    pub days: f64,
}

pub fn utilization(
    data_dir: &Path,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> Result<Vec<Utilization>> {
    let dir = metrics_dir(data_dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "parquet"))
                .collect()
        })
        .unwrap_or_default();
    if files.is_empty() {
        return Ok(Vec::new());
    }
    files.sort();
    let sources: Vec<PlRefPath> = files
        .iter()
        .map(|p| PlRefPath::new(p.to_string_lossy().as_ref()))
        .collect();
    let points = LazyFrame::scan_parquet_files(sources.into(), crate::frame::literal_parquet())
        .map_err(|e| Error::polars("reading metrics", e))?
        .filter(
            col("timestamp")
                .gt_eq(lit(from))
                .and(col("timestamp").lt(lit(to))),
        )
        .unique(None, UniqueKeepStrategy::Any);
    let metric = |name: &str| col("value").filter(col("metric").eq(lit(name)));
    let network = col("value").filter(
        col("metric")
            .eq(lit("network_in_bytes"))
            .or(col("metric").eq(lit("network_out_bytes"))),
    );
    let df = points
        .group_by([col("resource_id")])
        .agg([
            metric("cpu_percent").mean().alias("cpu_avg"),
            metric("cpu_percent")
                .quantile(lit(0.95), QuantileMethod::Linear)
                .alias("cpu_p95"),
            metric("cpu_percent").max().alias("cpu_max"),
            metric("memory_percent")
                .quantile(lit(0.95), QuantileMethod::Linear)
                .alias("memory_p95"),
            metric("memory_percent").max().alias("memory_max"),
            network.clone().sum().alias("network_bytes"),
            network.count().alias("network_points"),
            col("timestamp").min().alias("first"),
            col("timestamp").max().alias("last"),
        ])
        .filter(col("cpu_avg").is_not_null())
        .sort(["resource_id"], SortMultipleOptions::default())
        .collect()
        .map_err(|e| Error::polars("computing utilization", e))?;
    let f = |name: &str, row: usize| -> Option<f64> {
        df.column(name).ok()?.get(row).ok()?.extract::<f64>()
    };
    let mut out = Vec::new();
    for row in 0..df.height() {
        let span_days = match (
            df.column("first").ok().and_then(|c| c.get(row).ok()),
            df.column("last").ok().and_then(|c| c.get(row).ok()),
        ) {
            (Some(AnyValue::Datetime(a, _, _)), Some(AnyValue::Datetime(b, _, _))) => {
                ((b - a) as f64 / 86_400_000.0).max(1.0 / 24.0)
            }
            _ => 1.0,
        };
        let network_points = f("network_points", row).unwrap_or(0.0);
        out.push(Utilization {
            resource_id: df
                .column("resource_id")
                .ok()
                .and_then(|c| c.get(row).ok())
                .and_then(|v| v.get_str().map(str::to_string))
                .unwrap_or_default(),
            cpu_avg: f("cpu_avg", row).unwrap_or(0.0),
            cpu_p95: f("cpu_p95", row).unwrap_or(0.0),
            cpu_max: f("cpu_max", row).unwrap_or(0.0),
            memory_p95: f("memory_p95", row),
            memory_max: f("memory_max", row),
            network_bytes_per_day: (network_points > 0.0)
                .then(|| f("network_bytes", row).unwrap_or(0.0) / span_days),
            days: span_days,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_three_shapes() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("m.csv");
        std::fs::write(&csv, "resource_id,timestamp,metric,value\ni-1,2026-10-01T00:00:00Z,cpu_percent,12.5\ni-1,2026-10-01 01:00:00,CPUUtilization,13\n").unwrap();
        let points = read_points(&csv).unwrap();
        assert_eq!(points.len(), 2);
        assert_eq!(points[1].metric, "cpu_percent");

        let cw = dir.path().join("cw.json");
        std::fs::write(&cw, r#"{"MetricDataResults":[{"Id":"m1","Label":"i-0abc CPUUtilization","Timestamps":["2026-10-01T00:00:00Z","2026-10-01T01:00:00Z"],"Values":[3.0,4.0],"StatusCode":"Complete"}],"Messages":[]}"#).unwrap();
        let points = read_points(&cw).unwrap();
        assert_eq!(points.len(), 2);
        assert_eq!(points[0].resource_id, "i-0abc");

        let az = dir.path().join("az.json");
        std::fs::write(&az, r#"{"cost":0,"interval":"PT1H","value":[{"id":"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1/providers/Microsoft.Insights/metrics/Percentage CPU","name":{"value":"Percentage CPU"},"timeseries":[{"data":[{"timeStamp":"2026-10-01T00:00:00Z","average":7.5},{"timeStamp":"2026-10-01T01:00:00Z"}]}]},{"id":"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1/providers/Microsoft.Insights/metrics/Available Memory Percentage","name":{"value":"Available Memory Percentage"},"timeseries":[{"data":[{"timeStamp":"2026-10-01T00:00:00Z","average":70}]}]}]}"#).unwrap();
        let points = read_points(&az).unwrap();
        assert_eq!(points.len(), 2);
        assert!(points[0].resource_id.ends_with("/virtualMachines/vm1"));
        assert_eq!(points[1].metric, "memory_percent");
        assert_eq!(points[1].value, 30.0);
    }

    #[test]
    fn bad_values_name_row_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("m.csv");
        std::fs::write(&csv, "resource_id,timestamp,metric,value\ni-1,2026-10-01T00:00:00Z,cpu_percent,12.5\ni-1,yesterday,cpu_percent,1\n").unwrap();
        let error = read_points(&csv).unwrap_err().to_string();
        assert!(error.contains("row 2, column timestamp"), "{error}");
        std::fs::write(
            &csv,
            "resource_id,timestamp,metric,value\ni-1,2026-10-01T00:00:00Z,disk_percent,1\n",
        )
        .unwrap();
        let error = read_points(&csv).unwrap_err().to_string();
        assert!(
            error.contains("column metric") && error.contains("cpu_percent"),
            "{error}"
        );
    }

    #[test]
    fn import_is_idempotent_and_utilization_is_computed() {
        let data = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("m.csv");
        let mut text = String::from("resource_id,timestamp,metric,value\n");
        for hour in 0..100 {
            let day = 1 + hour / 24;
            let h = hour % 24;
            text.push_str(&format!(
                "i-1,2026-10-{day:02}T{h:02}:00:00Z,cpu_percent,{}\n",
                hour as f64
            ));
            text.push_str(&format!(
                "i-1,2026-10-{day:02}T{h:02}:00:00Z,network_in_bytes,1000\n"
            ));
        }
        std::fs::write(&csv, text).unwrap();
        assert_eq!(import(data.path(), &csv).unwrap(), (200, true));
        assert_eq!(import(data.path(), &csv).unwrap(), (200, false));
        let from =
            NaiveDateTime::parse_from_str("2026-10-01 00:00:00", "%Y-%m-%d %H:%M:%S").unwrap();
        let to = NaiveDateTime::parse_from_str("2026-11-01 00:00:00", "%Y-%m-%d %H:%M:%S").unwrap();
        let u = utilization(data.path(), from, to).unwrap();
        assert_eq!(u.len(), 1);
        assert!((u[0].cpu_avg - 49.5).abs() < 1e-9);
        assert!((u[0].cpu_p95 - 94.05).abs() < 1e-6, "{}", u[0].cpu_p95);
        assert_eq!(u[0].cpu_max, 99.0);
        assert_eq!(u[0].memory_p95, None);
        // 100 points of 1000 bytes over 99 hours.
        assert!((u[0].network_bytes_per_day.unwrap() - 100_000.0 / (99.0 / 24.0)).abs() < 1e-6);
    }
}
