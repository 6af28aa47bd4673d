//! Saved views: named explorer questions ("EC2 by usage type, last month"),
//! kept in the data dir so the app's sidebar and `burnrate explore --view`
//! answer a practitioner's weekly questions in one step. A view keeps the
//! query, not its answer: a range such as last month moves with the data.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::analysis::explore::ExploreQuery;
use crate::error::{Error, Result};

/// One named explorer state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SavedView {
    pub name: String,
    pub query: ExploreQuery,
    /// The chart as stacked areas instead of bars.
    #[serde(default)]
    pub area: bool,
}

/// Where the views of a data dir are kept.
pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("app").join("saved-views.json")
}

/// The saved views, in the order they were first saved.
pub fn load(data_dir: &Path) -> Result<Vec<SavedView>> {
    let path = path(data_dir);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| {
            Error::Usage(format!(
                "{}: not a list of saved views ({e}); fix or delete the file",
                path.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(Error::io(path.display().to_string(), e)),
    }
}

/// The view called `name` (names compare without case).
pub fn find(data_dir: &Path, name: &str) -> Result<SavedView> {
    let views = load(data_dir)?;
    views
        .iter()
        .find(|v| v.name.eq_ignore_ascii_case(name.trim()))
        .cloned()
        .ok_or_else(|| {
            Error::Usage(format!(
                "no saved view {name:?}; saved: {}",
                if views.is_empty() {
                    "none (save one in the app's explorer)".to_string()
                } else {
                    views
                        .iter()
                        .map(|v| v.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ))
        })
}

/// Saves `view`, replacing one of the same name in place; returns them all.
pub fn save(data_dir: &Path, mut view: SavedView) -> Result<Vec<SavedView>> {
    view.name = view.name.trim().to_string();
    if view.name.is_empty() {
        return Err(Error::Usage("a saved view needs a name".into()));
    }
    let mut views = load(data_dir)?;
    match views
        .iter_mut()
        .find(|v| v.name.eq_ignore_ascii_case(&view.name))
    {
        Some(existing) => *existing = view,
        None => views.push(view),
    }
    store(data_dir, &views)?;
    Ok(views)
}

/// Removes the view called `name`; returns the rest.
pub fn remove(data_dir: &Path, name: &str) -> Result<Vec<SavedView>> {
    let mut views = load(data_dir)?;
    views.retain(|v| !v.name.eq_ignore_ascii_case(name.trim()));
    store(data_dir, &views)?;
    Ok(views)
}

fn store(data_dir: &Path, views: &[SavedView]) -> Result<()> {
    let text = serde_json::to_string_pretty(views).expect("views serialize");
    crate::fsutil::write_atomically(&path(data_dir), |out| out.write_all(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::explore::Filter;
    use crate::period::DateRange;

    #[test]
    fn views_are_saved_replaced_by_name_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(dir.path()).unwrap().is_empty());
        let weekly = SavedView {
            name: "EC2 last month".into(),
            query: ExploreQuery {
                group_by: "usage_type".into(),
                range: Some(DateRange::LastMonth),
                filters: vec![Filter::is("service", "Amazon EC2")],
                ..ExploreQuery::default()
            },
            area: false,
        };
        save(dir.path(), weekly.clone()).unwrap();
        let mut changed = weekly.clone();
        changed.name = " ec2 LAST month ".into();
        changed.area = true;
        let views = save(dir.path(), changed).unwrap();
        assert_eq!(views.len(), 1, "same name, any case: replaced");
        assert!(views[0].area);
        assert_eq!(
            find(dir.path(), "EC2 last month").unwrap().query,
            weekly.query
        );
        let missing = find(dir.path(), "nope").unwrap_err().to_string();
        assert!(missing.contains("saved: ec2 LAST month"), "{missing}");
        assert!(remove(dir.path(), "EC2 LAST MONTH").unwrap().is_empty());
        assert!(
            save(
                dir.path(),
                SavedView {
                    name: " ".into(),
                    ..weekly
                }
            )
            .is_err()
        );
    }
}
