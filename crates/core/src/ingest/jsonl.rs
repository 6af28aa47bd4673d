//! Newline-delimited JSON (the GCP BigQuery export as JSON lines) is turned
//! into the CSV shape of the flattened export: nested objects become dotted
//! columns (`service.description`), lists stay as JSON text (`credits`,
//! `labels`). Streams line by line.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter};
use std::path::Path;

use serde_json::Value;

use crate::error::{Error, Result};

/// The dotted paths that hold an object in `value` (`service` for
/// `{"service": {"id": ...}}`).
fn object_paths(prefix: &str, value: &Value, out: &mut Vec<String>) {
    if let Value::Object(map) = value {
        if !prefix.is_empty() {
            out.push(prefix.to_string());
        }
        for (k, v) in map {
            let key = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            object_paths(&key, v, out);
        }
    }
}

fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        Value::Null => out.push((prefix.to_string(), String::new())),
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

pub fn json_lines_to_csv(
    original: &Path,
    path: &Path,
    temp_dir: &Path,
) -> Result<tempfile::TempPath> {
    let open = || File::open(path).map_err(|e| Error::io(original.display().to_string(), e));
    // First pass: the union of keys, so every row has the same columns.
    let mut keys = BTreeSet::new();
    // The first line each path holds a value, or an object.
    let mut scalar_at: BTreeMap<String, usize> = BTreeMap::new();
    let mut object_at: BTreeMap<String, usize> = BTreeMap::new();
    let mut rows = 0u64;
    for (i, line) in BufReader::new(open()?).lines().enumerate() {
        let line = line.map_err(|e| Error::bad_input(original, format!("line {}: {e}", i + 1)))?;
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(&line).map_err(|e| {
            Error::bad_input(original, format!("line {} is not valid JSON: {e}", i + 1))
        })?;
        let mut flat = Vec::new();
        flatten("", &value, &mut flat);
        for (key, text) in flat {
            // null (and "") is no value: it fits an object's place too.
            if !text.is_empty() {
                scalar_at.entry(key.clone()).or_insert(i + 1);
            }
            keys.insert(key);
        }
        let mut objects = Vec::new();
        object_paths("", &value, &mut objects);
        for path in objects {
            object_at.entry(path).or_insert(i + 1);
        }
        rows += 1;
    }
    // A field that is an object on one line and a value on another (a cost
    // written as `{...}`) would be read as empty, and so as zero.
    if let Some((key, object_line, scalar_line)) = object_at
        .iter()
        .find_map(|(key, line)| scalar_at.get(key).map(|s| (key, *line, *s)))
    {
        return Err(Error::bad_input(
            original,
            format!(
                "line {object_line}: {key:?} is an object here but a value on line {scalar_line}; \
                 a field must be one or the other"
            ),
        ));
    }
    if rows == 0 {
        return Err(Error::bad_input(
            original,
            "the JSON lines file has no records",
        ));
    }
    let keys: Vec<String> = keys.into_iter().collect();
    let temp = tempfile::Builder::new()
        .prefix("jsonl-")
        .suffix(".csv")
        .tempfile_in(temp_dir)
        .map_err(|e| Error::io("creating a temporary file", e))?;
    let mut writer = csv::Writer::from_writer(BufWriter::new(temp.as_file()));
    let io = |e: csv::Error| Error::io("writing a temporary file", std::io::Error::other(e));
    writer.write_record(&keys).map_err(io)?;
    for line in BufReader::new(open()?).lines() {
        let line = line.map_err(|e| Error::io(original.display().to_string(), e))?;
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
        let mut flat = Vec::new();
        flatten("", &value, &mut flat);
        let record: Vec<String> = keys
            .iter()
            .map(|k| {
                flat.iter()
                    .find(|(fk, _)| fk == k)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            })
            .collect();
        writer.write_record(&record).map_err(io)?;
    }
    writer
        .flush()
        .map_err(|e| Error::io("writing a temporary file", e))?;
    drop(writer);
    Ok(temp.into_temp_path())
}
