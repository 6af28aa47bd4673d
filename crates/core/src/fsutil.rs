//! File-system helpers every layer uses: atomic writes through a temporary
//! file beside the target, and streamed content hashes.

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use crate::error::{Error, Result};

/// A hidden temporary file in `path`'s folder (created if missing), ending
/// in `suffix`: renamed over `path` once complete, it makes writes atomic.
pub fn temp_file_beside(path: &Path, suffix: &str) -> Result<tempfile::NamedTempFile> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
    tempfile::Builder::new()
        .prefix(".burnrate-")
        .suffix(suffix)
        .tempfile_in(dir)
        .map_err(|e| Error::io(format!("writing into {}", dir.display()), e))
}

/// Writes `bytes` to `path` through a temporary file in the same folder and
/// a rename, so a reader never sees half a file.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    let mut temp = temp_file_beside(path, "")?;
    {
        let mut buffered = std::io::BufWriter::new(temp.as_file_mut());
        write(&mut buffered)
            .and_then(|_| buffered.flush())
            .map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
    }
    temp.as_file()
        .sync_all()
        .map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
    temp.persist(path)
        .map_err(|e| Error::io(format!("writing {}", path.display()), e.error))?;
    Ok(())
}

/// blake3 of a file's bytes, streamed, hashing each buffer on all cores.
pub fn hash_file(path: &Path) -> Result<(String, u64)> {
    let mut file = File::open(path).map_err(|e| Error::io(path.display().to_string(), e))?;
    let mut hasher = blake3::Hasher::new();
    let mut buf = vec![0u8; 8 << 20];
    let mut size = 0u64;
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| Error::io(path.display().to_string(), e))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update_rayon(&buf[..n]);
    }
    Ok((hasher.finalize().to_hex().to_string(), size))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_previous_file_and_no_debris() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        write_atomically(&path, |w| w.write_all(b"old\r\n")).unwrap();
        let failed = write_atomically(&path, |w| {
            w.write_all(b"half a fi")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"old\r\n");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out.csv")]);
        write_atomically(&path, |w| w.write_all(b"new\r\n")).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new\r\n");
    }
}
