//! Imports: the demo dataset, files and folders with progress and cancel, and the list of sources.

use super::*;

impl Backend {
    /// Loads the built-in demo dataset (as `burnrate demo` does).
    pub fn load_demo(&self) -> Result<Vec<ImportResult>> {
        let (attempts, _) = demo::load(&self.dataset()?, &self.config_path, Utc::now())?;
        Ok(attempts.into_iter().map(import_result).collect())
    }

    /// Imports files (folders are expanded), one at a time, reporting
    /// progress before each; a failed file does not stop the others and
    /// leaves the dataset as it was. Setting `cancel` stops before the next
    /// file (each file's import is atomic, so the dataset stays consistent).
    pub fn import(
        &self,
        inputs: &[PathBuf],
        delivery: burnrate_core::store::Delivery,
        progress: &mut dyn FnMut(ImportProgress),
        cancel: &AtomicBool,
    ) -> Vec<ImportResult> {
        let mut files = Vec::new();
        let mut results = Vec::new();
        for input in inputs {
            if input.is_dir() {
                match burnrate_core::ingest::files_in_folder(input, &mut files) {
                    Ok(skipped) => results.extend(skipped.into_iter().map(ImportResult::skipped)),
                    Err(e) => results.push(ImportResult::failed(input, e.into())),
                }
            } else {
                files.push(input.clone());
            }
        }
        let dataset = match self.dataset() {
            Ok(dataset) => dataset,
            Err(error) => {
                results.extend(files.iter().map(|f| ImportResult::failed(f, error.clone())));
                return results;
            }
        };
        let attempts = dataset.import_all(
            &files,
            Utc::now(),
            delivery,
            &mut |p| {
                progress(ImportProgress {
                    done: p.done as u32,
                    total: p.total as u32,
                    current: p
                        .current
                        .map(|f| f.display().to_string())
                        .unwrap_or_default(),
                })
            },
            cancel,
        );
        results.extend(attempts.into_iter().map(import_result));
        results
    }

    pub fn sources(&self) -> Result<Vec<Source>> {
        let snapshot = self.dataset()?.snapshot()?;
        Ok(snapshot
            .manifest
            .sources
            .iter()
            .map(Source::from_record)
            .collect())
    }

    /// Removes a source; returns what that did to others (a pair's other
    /// half gets its own figures back).
    pub fn remove_source(&self, id: &str) -> Result<Vec<String>> {
        Ok(self.dataset()?.remove_source(id)?.notes)
    }
}

/// One file of a batch as the app shows it.
fn import_result(attempt: Attempt) -> ImportResult {
    match attempt.result {
        Some(Ok(outcome)) => ImportResult::from_outcome(&attempt.path, &outcome),
        Some(Err(e)) => ImportResult::failed(&attempt.path, e.into()),
        None => ImportResult::failed(
            &attempt.path,
            ApiError::new(
                Code::Cancelled,
                "import cancelled before this file; nothing of it was imported",
            ),
        ),
    }
}
