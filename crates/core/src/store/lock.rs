//! The dataset lock: writers exclusive, readers shared.

use std::fs::{self, File};

use super::{Dataset, io_err};
use crate::error::Result;

/// What a front end wants done when a command must wait for the dataset
/// lock (the CLI prints "waiting for the import in progress"); set once.
pub static WAITING_NOTICE: std::sync::OnceLock<fn()> = std::sync::OnceLock::new();

/// Holds the dataset lock; released on drop.
pub struct LockGuard {
    /// None when a reader cannot create the lock file (a read-only data
    /// dir, where no writer can run either).
    file: Option<File>,
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        if let Some(file) = &self.file {
            let _ = file.unlock();
        }
    }
}

impl Dataset {
    /// Writers lock exclusively, readers shared. A reader of a data dir it
    /// may not write (read-only media, another user's folder) takes the
    /// shared lock on the existing lock file opened for reading, or none
    /// when there is no lock file: nothing can be writing there.
    pub(super) fn lock(&self, exclusive: bool) -> Result<LockGuard> {
        let path = self.dir.join(".lock");
        let opened = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path);
        let file = match opened {
            Ok(file) => file,
            Err(e)
                if !exclusive
                    && matches!(
                        e.kind(),
                        std::io::ErrorKind::PermissionDenied
                            | std::io::ErrorKind::ReadOnlyFilesystem
                    ) =>
            {
                match File::open(&path) {
                    Ok(file) => file,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        return Ok(LockGuard { file: None });
                    }
                    Err(e) => return Err(io_err(&path)(e)),
                }
            }
            Err(e) => return Err(io_err(&path)(e)),
        };
        let attempt = if exclusive {
            file.try_lock()
        } else {
            file.try_lock_shared()
        };
        match attempt {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                // Someone else holds it (an import in progress): say so
                // before waiting, where the front end asked to be told.
                if let Some(notice) = WAITING_NOTICE.get() {
                    notice();
                }
                let locked = if exclusive {
                    file.lock()
                } else {
                    file.lock_shared()
                };
                locked.map_err(io_err(&path))?;
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(io_err(&path)(e)),
        }
        Ok(LockGuard { file: Some(file) })
    }
}
