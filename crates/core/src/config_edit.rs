//! Edits of the config file that keep the user's comments and layout
//! (`toml_edit`): adding and removing schedules and connections, and setting
//! single values. An edit that would leave a file Burnrate cannot load is
//! refused, and the file is replaced atomically.

use std::path::Path;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::schedule::ScheduleConfig;

fn config_error(path: &Path, message: impl Into<String>) -> Error {
    Error::Config {
        file: path.to_path_buf(),
        message: message.into(),
    }
}

fn read_document(path: &Path) -> Result<toml_edit::DocumentMut> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::io(path.display().to_string(), e)),
    };
    text.parse::<toml_edit::DocumentMut>()
        .map_err(|e| config_error(path, format!("not valid TOML: {e}")))
}

fn write_document(path: &Path, document: &toml_edit::DocumentMut) -> Result<()> {
    let text = document.to_string();
    // Refuse to write a file Burnrate could not read back.
    toml::from_str::<Config>(&text).map_err(|e| {
        config_error(
            path,
            format!("the edit would make the file unloadable: {e}"),
        )
    })?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir.display().to_string(), e))?;
    }
    crate::report::write_atomically(path, |w| w.write_all(text.as_bytes()))
}

/// Appends `entry` (any serializable table) to the array of tables `key`.
fn push_table(path: &Path, key: &str, entry: &impl serde::Serialize) -> Result<()> {
    let mut document = read_document(path)?;
    let text = toml::to_string(entry).map_err(|e| config_error(path, e.to_string()))?;
    let table: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e| config_error(path, format!("{e}")))?;
    let tables = document
        .entry(key)
        .or_insert(toml_edit::Item::ArrayOfTables(
            toml_edit::ArrayOfTables::new(),
        ))
        .as_array_of_tables_mut()
        .ok_or_else(|| config_error(path, format!("`{key}` is not a list of tables")))?;
    tables.push(table.as_table().clone());
    write_document(path, &document)
}

/// Removes the tables of `key` whose `name` is `name`.
fn remove_named(path: &Path, key: &str, what: &str, name: &str) -> Result<()> {
    let mut document = read_document(path)?;
    let missing = || Error::Usage(format!("no {what} {name:?} in {}", path.display()));
    let tables = document
        .get_mut(key)
        .and_then(|s| s.as_array_of_tables_mut())
        .ok_or_else(missing)?;
    let before = tables.len();
    tables.retain(|t| t.get("name").and_then(|n| n.as_str()) != Some(name));
    if tables.len() == before {
        return Err(missing());
    }
    write_document(path, &document)
}

/// Adds a schedule; its name must be new and its cron and window valid.
pub fn add_schedule(path: &Path, schedule: &ScheduleConfig) -> Result<()> {
    schedule.validate().map_err(Error::Usage)?;
    let config = Config::load(path, false)?;
    if config.schedules.iter().any(|s| s.name == schedule.name) {
        return Err(Error::Usage(format!(
            "a schedule named {} already exists",
            schedule.name
        )));
    }
    push_table(path, "schedules", schedule)
}

pub fn remove_schedule(path: &Path, name: &str) -> Result<()> {
    remove_named(path, "schedules", "schedule", name)
}

/// Replaces a schedule with an edited one (same name or renamed).
pub fn replace_schedule(path: &Path, name: &str, schedule: &ScheduleConfig) -> Result<()> {
    schedule.validate().map_err(Error::Usage)?;
    let config = Config::load(path, false)?;
    if schedule.name != name && config.schedules.iter().any(|s| s.name == schedule.name) {
        return Err(Error::Usage(format!(
            "a schedule named {} already exists",
            schedule.name
        )));
    }
    // Both steps are checked before either is written.
    let mut document = read_document(path)?;
    let tables = document
        .get_mut("schedules")
        .and_then(|s| s.as_array_of_tables_mut())
        .ok_or_else(|| Error::Usage(format!("no schedule {name:?} in {}", path.display())))?;
    let at = tables
        .iter()
        .position(|t| t.get("name").and_then(|n| n.as_str()) == Some(name))
        .ok_or_else(|| Error::Usage(format!("no schedule {name:?} in {}", path.display())))?;
    let text = toml::to_string(schedule).map_err(|e| config_error(path, e.to_string()))?;
    let table: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e| config_error(path, format!("{e}")))?;
    if let Some(slot) = tables.get_mut(at) {
        // Keep the comments and spacing around the entry.
        let decor = slot.decor().clone();
        *slot = table.as_table().clone();
        *slot.decor_mut() = decor;
    }
    write_document(path, &document)
}

/// Adds a saved cloud connection; its name must be new.
pub fn add_connection(path: &Path, connection: &crate::config::Connection) -> Result<()> {
    let config = Config::load(path, false)?;
    if config.connections.iter().any(|c| c.name == connection.name) {
        return Err(Error::Usage(format!(
            "a connection named {} already exists",
            connection.name
        )));
    }
    push_table(path, "connections", connection)
}

pub fn remove_connection(path: &Path, name: &str) -> Result<()> {
    remove_named(path, "connections", "connection", name)
}

/// Sets `key` in the table at `tables` (e.g. `["tags", "aliases"]`) to a
/// value, or removes it (None). Missing tables are created.
pub fn set_value(
    path: &Path,
    tables: &[&str],
    key: &str,
    value: Option<toml_edit::Value>,
) -> Result<()> {
    let mut document = read_document(path)?;
    let mut table = document.as_table_mut();
    for name in tables {
        let mut fresh = toml_edit::Table::new();
        fresh.set_implicit(true);
        table = table
            .entry(name)
            .or_insert(toml_edit::Item::Table(fresh))
            .as_table_mut()
            .ok_or_else(|| config_error(path, format!("`{name}` is not a table")))?;
    }
    match value {
        Some(value) => {
            table.insert(key, toml_edit::Item::Value(value));
        }
        None => {
            table.remove(key);
        }
    }
    write_document(path, &document)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_keep_comments_and_refuse_bad_values() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, "# my notes\n[anomalies]\nthreshold = 4.0\n").unwrap();
        set_value(&path, &["anomalies"], "threshold", Some(3.5.into())).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("# my notes") && text.contains("threshold = 3.5"),
            "{text}"
        );
        // A string where a number belongs would not load: refused, file unchanged.
        let error = set_value(&path, &["anomalies"], "threshold", Some("high".into())).unwrap_err();
        assert_eq!(error.code(), "config");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        set_value(&path, &["currency"], "reporting", Some("EUR".into())).unwrap();
        set_value(&path, &["currency"], "reporting", None).unwrap();
        let aliases: toml_edit::Array = ["owner_team", "Team"].into_iter().collect();
        set_value(&path, &["tags", "aliases"], "team", Some(aliases.into())).unwrap();
        let config = Config::load(&path, true).unwrap();
        assert_eq!(config.tags.aliases["team"], vec!["owner_team", "Team"]);
        assert!(
            Config::load(&path, true)
                .unwrap()
                .currency
                .reporting
                .is_none()
        );
    }
}
