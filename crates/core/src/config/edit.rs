//! Edits of the config file that keep the user's comments and layout
//! (`toml_edit`): adding and removing schedules and connections, and setting
//! single values. An edit that would leave a file Burnrate cannot load is
//! refused, and the file is replaced atomically.

use std::path::Path;

use crate::config::Config;
use crate::config::ScheduleConfig;
use crate::error::{Error, Result};

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
    let config = toml::from_str::<Config>(&text).map_err(|e| {
        config_error(
            path,
            format!("the edit would make the file unloadable: {e}"),
        )
    })?;
    // ... nor one whose values it would refuse on loading.
    config.validate(path)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir.display().to_string(), e))?;
    }
    crate::fsutil::write_atomically(path, |w| w.write_all(text.as_bytes()))
}

/// The config file's document while an edit is made: every change of one
/// edit is written together, once, and only if the result loads.
pub struct Edit<'a> {
    path: &'a Path,
    document: toml_edit::DocumentMut,
}

/// Reads the file, applies `change`, checks that the result loads, and
/// replaces the file atomically: an edit lands whole or not at all.
pub fn edit(path: &Path, change: impl FnOnce(&mut Edit) -> Result<()>) -> Result<()> {
    let mut edit = Edit {
        path,
        document: read_document(path)?,
    };
    change(&mut edit)?;
    write_document(path, &edit.document)
}

impl Edit<'_> {
    /// The table at `tables` (e.g. `["tags", "aliases"]`), created if missing.
    fn table(&mut self, tables: &[&str]) -> Result<&mut toml_edit::Table> {
        let path = self.path;
        let mut table = self.document.as_table_mut();
        for name in tables {
            let mut fresh = toml_edit::Table::new();
            fresh.set_implicit(true);
            table = table
                .entry(name)
                .or_insert(toml_edit::Item::Table(fresh))
                .as_table_mut()
                .ok_or_else(|| config_error(path, format!("`{name}` is not a table")))?;
        }
        Ok(table)
    }

    /// Sets `key` in the table at `tables` to a value, or removes it (None).
    pub fn set(
        &mut self,
        tables: &[&str],
        key: &str,
        value: Option<toml_edit::Value>,
    ) -> Result<()> {
        let table = self.table(tables)?;
        match value {
            Some(value) => {
                table.insert(key, toml_edit::Item::Value(value));
            }
            None => {
                table.remove(key);
            }
        }
        Ok(())
    }

    /// The keys of the table at `tables`.
    pub fn keys(&mut self, tables: &[&str]) -> Result<Vec<String>> {
        Ok(self
            .table(tables)?
            .iter()
            .map(|(k, _)| k.to_string())
            .collect())
    }

    fn tables(&mut self, key: &str) -> Result<&mut toml_edit::ArrayOfTables> {
        let path = self.path;
        self.document
            .entry(key)
            .or_insert(toml_edit::Item::ArrayOfTables(
                toml_edit::ArrayOfTables::new(),
            ))
            .as_array_of_tables_mut()
            .ok_or_else(|| config_error(path, format!("`{key}` is not a list of tables")))
    }

    fn table_of(&self, entry: &impl serde::Serialize) -> Result<toml_edit::Table> {
        let text = toml::to_string(entry).map_err(|e| config_error(self.path, e.to_string()))?;
        let table: toml_edit::DocumentMut = text
            .parse()
            .map_err(|e| config_error(self.path, format!("{e}")))?;
        Ok(table.as_table().clone())
    }

    /// The position of the entry of `key` named `name`.
    fn position(&mut self, key: &str, what: &str, name: &str) -> Result<usize> {
        let path = self.path.display().to_string();
        self.tables(key)?
            .iter()
            .position(|t| t.get("name").and_then(|n| n.as_str()) == Some(name))
            .ok_or_else(|| Error::Usage(format!("no {what} {name:?} in {path}")))
    }

    /// Appends `entry` to the array of tables `key`.
    fn push(&mut self, key: &str, entry: &impl serde::Serialize) -> Result<()> {
        let table = self.table_of(entry)?;
        self.tables(key)?.push(table);
        Ok(())
    }

    /// Replaces the entry named `name` in place, keeping the comments and
    /// spacing around it.
    fn replace(
        &mut self,
        key: &str,
        what: &str,
        name: &str,
        entry: &impl serde::Serialize,
    ) -> Result<()> {
        let at = self.position(key, what, name)?;
        let table = self.table_of(entry)?;
        if let Some(slot) = self.tables(key)?.get_mut(at) {
            let decor = slot.decor().clone();
            *slot = table;
            *slot.decor_mut() = decor;
        }
        Ok(())
    }

    fn remove(&mut self, key: &str, what: &str, name: &str) -> Result<()> {
        let at = self.position(key, what, name)?;
        self.tables(key)?.remove(at);
        Ok(())
    }
}

/// Refuses a name another entry already has.
fn unique(taken: bool, what: &str, name: &str) -> Result<()> {
    if taken {
        return Err(Error::Usage(format!(
            "a {what} named {name} already exists"
        )));
    }
    Ok(())
}

/// Adds a schedule; its name must be new and its cron and window valid.
pub fn add_schedule(path: &Path, schedule: &ScheduleConfig) -> Result<()> {
    schedule.validate().map_err(Error::Usage)?;
    let config = Config::load(path, false)?;
    unique(
        config.schedules.iter().any(|s| s.name == schedule.name),
        "schedule",
        &schedule.name,
    )?;
    edit(path, |e| e.push("schedules", schedule))
}

pub fn remove_schedule(path: &Path, name: &str) -> Result<()> {
    edit(path, |e| e.remove("schedules", "schedule", name))
}

/// Replaces a schedule with an edited one (same name or renamed).
pub fn replace_schedule(path: &Path, name: &str, schedule: &ScheduleConfig) -> Result<()> {
    schedule.validate().map_err(Error::Usage)?;
    let config = Config::load(path, false)?;
    unique(
        schedule.name != name && config.schedules.iter().any(|s| s.name == schedule.name),
        "schedule",
        &schedule.name,
    )?;
    edit(path, |e| e.replace("schedules", "schedule", name, schedule))
}

/// Adds a saved cloud connection; its name must be new.
pub fn add_connection(path: &Path, connection: &crate::config::Connection) -> Result<()> {
    let config = Config::load(path, false)?;
    unique(
        config
            .connections
            .iter()
            .any(|c| c.name() == connection.name()),
        "connection",
        connection.name(),
    )?;
    edit(path, |e| e.push("connections", connection))
}

/// Replaces a connection with an edited one (same name or renamed).
pub fn replace_connection(
    path: &Path,
    name: &str,
    connection: &crate::config::Connection,
) -> Result<()> {
    let config = Config::load(path, false)?;
    unique(
        connection.name() != name
            && config
                .connections
                .iter()
                .any(|c| c.name() == connection.name()),
        "connection",
        connection.name(),
    )?;
    edit(path, |e| {
        e.replace("connections", "connection", name, connection)
    })
}

pub fn remove_connection(path: &Path, name: &str) -> Result<()> {
    edit(path, |e| e.remove("connections", "connection", name))
}

/// Sets one value (see [`Edit::set`]) in its own edit.
pub fn set_value(
    path: &Path,
    tables: &[&str],
    key: &str,
    value: Option<toml_edit::Value>,
) -> Result<()> {
    edit(path, |e| e.set(tables, key, value))
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
        // A value the loader would refuse (a reporting currency without an
        // FX table) is refused too, not written into a file that no longer
        // loads.
        let error = set_value(&path, &["currency"], "reporting", Some("EUR".into())).unwrap_err();
        assert!(
            error.to_string().contains("needs currency.fx_table"),
            "{error}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
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
