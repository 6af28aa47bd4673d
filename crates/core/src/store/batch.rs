//! Importing several files: the one loop the CLI, the app and the demo
//! share. Files are imported one at a time, each atomically, so a failed
//! file leaves the dataset as it was and does not stop the others.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Utc};

use super::{Dataset, Delivery, ImportOutcome, Replace};
use crate::error::Result;

/// Where a batch is: `done` of `total` files, and the file about to be
/// imported (None once all are done).
pub struct Progress<'a> {
    pub done: usize,
    pub total: usize,
    pub current: Option<&'a Path>,
}

/// What became of one file of a batch: its outcome, or None when the batch
/// was cancelled before it (nothing of it was imported).
pub struct Attempt {
    pub path: PathBuf,
    pub result: Option<Result<ImportOutcome>>,
}

impl Dataset {
    /// Imports `files` in order, reporting progress before each and once at
    /// the end. Setting `cancel` stops before the next file. `delivery` says
    /// what to do where a file meets imported months (see
    /// [`super::delivery`]); files of one batch that are parts of one
    /// delivery are found as they come.
    pub fn import_all(
        &self,
        files: &[PathBuf],
        now: DateTime<Utc>,
        delivery: Delivery,
        progress: &mut dyn FnMut(Progress),
        cancel: &AtomicBool,
    ) -> Vec<Attempt> {
        let total = files.len();
        let mut attempts = Vec::with_capacity(total);
        for (done, file) in files.iter().enumerate() {
            if cancel.load(Ordering::SeqCst) {
                attempts.push(Attempt {
                    path: file.clone(),
                    result: None,
                });
                continue;
            }
            progress(Progress {
                done,
                total,
                current: Some(file),
            });
            attempts.push(Attempt {
                path: file.clone(),
                result: Some(self.import_with(file, now, Replace::Slices, delivery)),
            });
        }
        progress(Progress {
            done: total,
            total,
            current: None,
        });
        attempts
    }
}
