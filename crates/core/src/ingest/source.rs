//! Opening a billing file: decompression, encoding checks and reading the
//! header, before any format is decided.
//!
//! Compressed inputs (gzip, zip) are streamed into a temporary file next to
//! the dataset so Polars can scan them lazily like any other file.

use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

const UTF8_BOM: &str = "\u{feff}";
/// How much of a file is read to detect its format and check its encoding.
const SNIFF_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zip,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Container {
    /// Comma-separated text with a header row (raw header names as written).
    Csv { header: Vec<String> },
    /// Newline-delimited JSON objects.
    NdJson,
    /// Apache Parquet (column names from its schema).
    Parquet { columns: Vec<String> },
}

/// A billing file ready to be scanned.
pub struct OpenedFile {
    /// The path the user gave.
    pub original: PathBuf,
    /// The path Polars scans (a decompressed temporary copy for gzip/zip).
    pub scan_path: PathBuf,
    pub compression: Compression,
    pub container: Container,
    /// Keeps the decompressed copy alive until the import is done.
    _temp: Option<tempfile::TempPath>,
}

impl OpenedFile {
    pub fn open(path: &Path, temp_dir: &Path) -> Result<Self> {
        let mut magic = [0u8; 4];
        let len = {
            let mut f = File::open(path).map_err(|e| Error::io(path.display().to_string(), e))?;
            read_up_to(&mut f, &mut magic).map_err(|e| Error::io(path.display().to_string(), e))?
        };
        if len == 0 {
            return Err(Error::bad_input(
                path,
                "the file is empty (0 bytes); a valid export has at least a header row",
            ));
        }
        let compression = if magic[..2] == [0x1f, 0x8b] {
            Compression::Gzip
        } else if magic == *b"PK\x03\x04" {
            Compression::Zip
        } else {
            Compression::None
        };
        let (scan_path, temp) = match compression {
            Compression::None => (path.to_path_buf(), None),
            Compression::Gzip => {
                let temp = decompress_gzip(path, temp_dir)?;
                (temp.to_path_buf(), Some(temp))
            }
            Compression::Zip => {
                let temp = extract_single_zip_member(path, temp_dir)?;
                (temp.to_path_buf(), Some(temp))
            }
        };
        let container = sniff_container(path, &scan_path)?;
        Ok(OpenedFile {
            original: path.to_path_buf(),
            scan_path,
            compression,
            container,
            _temp: temp,
        })
    }
}

fn read_up_to(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// Streams `reader` into a new temporary file in `temp_dir`; `damaged` turns
/// a read error into the message the user sees.
fn copy_into_temp(
    path: &Path,
    mut reader: impl Read,
    temp_dir: &Path,
    damaged: impl FnOnce(std::io::Error) -> String,
) -> Result<tempfile::TempPath> {
    let mut out = tempfile::Builder::new()
        .prefix("decompressed-")
        .suffix(".tmp")
        .tempfile_in(temp_dir)
        .map_err(|e| {
            Error::io(
                format!("creating a temporary file in {}", temp_dir.display()),
                e,
            )
        })?;
    std::io::copy(&mut reader, out.as_file_mut())
        .map_err(|e| Error::bad_input(path, damaged(e)))?;
    out.as_file_mut()
        .flush()
        .map_err(|e| Error::io("writing decompressed data", e))?;
    Ok(out.into_temp_path())
}

fn decompress_gzip(path: &Path, temp_dir: &Path) -> Result<tempfile::TempPath> {
    let input = File::open(path).map_err(|e| Error::io(path.display().to_string(), e))?;
    let decoder = flate2::read::MultiGzDecoder::new(BufReader::with_capacity(1 << 20, input));
    copy_into_temp(path, decoder, temp_dir, |e| {
        format!("the gzip stream is damaged or truncated ({e}); download the file again")
    })
}

fn extract_single_zip_member(path: &Path, temp_dir: &Path) -> Result<tempfile::TempPath> {
    let file = File::open(path).map_err(|e| Error::io(path.display().to_string(), e))?;
    let mut archive = zip::ZipArchive::new(BufReader::new(file))
        .map_err(|e| Error::bad_input(path, format!("the zip archive cannot be read: {e}")))?;
    let members: Vec<usize> = (0..archive.len())
        .filter(|&i| archive.by_index(i).map(|m| m.is_file()).unwrap_or(false))
        .collect();
    let [member] = members[..] else {
        return Err(Error::bad_input(
            path,
            format!(
                "the zip archive holds {} files; Burnrate expects exactly one billing file per archive \
                 (unzip it and import the folder instead)",
                members.len()
            ),
        ));
    };
    let entry = archive
        .by_index(member)
        .map_err(|e| Error::bad_input(path, format!("the zip archive cannot be read: {e}")))?;
    copy_into_temp(path, entry, temp_dir, |e| {
        format!("the zip member is damaged or truncated ({e})")
    })
}

/// Decides between CSV, NDJSON and Parquet from the content, and checks that
/// text is UTF-8 with a comma-separated header.
fn sniff_container(original: &Path, scan_path: &Path) -> Result<Container> {
    let mut head = vec![0u8; SNIFF_BYTES];
    let len = {
        let mut f =
            File::open(scan_path).map_err(|e| Error::io(original.display().to_string(), e))?;
        read_up_to(&mut f, &mut head).map_err(|e| Error::io(original.display().to_string(), e))?
    };
    head.truncate(len);
    if head.is_empty() {
        return Err(Error::bad_input(
            original,
            "the file is empty after decompression",
        ));
    }
    if head.starts_with(b"PAR1") {
        return parquet_columns(original, scan_path).map(|columns| Container::Parquet { columns });
    }
    // Text from here on. A cut in the middle of a multi-byte character at the
    // end of the sample is fine; anything else that is not UTF-8 is not.
    let text = match std::str::from_utf8(&head) {
        Ok(t) => t,
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or("")
        }
        Err(e) => {
            let (line, col) = line_and_column(&head[..e.valid_up_to()]);
            let binary = head.iter().take(4096).any(|&b| b == 0);
            let message = if binary {
                "this is binary data, not a CSV, JSON or Parquet billing export".to_string()
            } else {
                format!(
                    "the file is not UTF-8 text (invalid byte 0x{:02x} at line {line}, character {col}); \
                     re-export it as UTF-8 CSV",
                    head[e.valid_up_to()]
                )
            };
            return Err(Error::bad_input(original, message));
        }
    };
    let text = text.strip_prefix(UTF8_BOM).unwrap_or(text);
    if text.contains('\0') {
        return Err(Error::bad_input(
            original,
            "this is binary data, not a CSV, JSON or Parquet billing export",
        ));
    }
    let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if first_line.trim_start().starts_with('{') {
        let _: serde_json::Value = serde_json::from_str(first_line)
            .map_err(|e| Error::bad_input(original, format!("line 1 is not a JSON object: {e}")))?;
        return Ok(Container::NdJson);
    }
    let header = read_csv_header(text.as_bytes())
        .map_err(|e| Error::bad_input(original, format!("the header row cannot be read: {e}")))?;
    // A quote that never closes swallows the rest of the file into one
    // header field (the csv crate accepts end of file inside quotes), which
    // would import as zero rows. Header names never span lines.
    if let Some(at) = header.iter().position(|h| h.contains(['\n', '\r'])) {
        return Err(Error::bad_input(
            original,
            format!(
                "the header row has a quote that never closes (column {}); the file is damaged",
                at + 1
            ),
        ));
    }
    if header.len() <= 1 {
        let line = first_line;
        if let Some(sep) = [';', '\t', '|'].into_iter().find(|s| line.contains(*s)) {
            return Err(Error::bad_input(
                original,
                format!(
                    "the header is separated by {:?}, not commas; Burnrate reads comma-separated \
                     exports (re-export as CSV with a comma delimiter)",
                    sep
                ),
            ));
        }
    }
    Ok(Container::Csv { header })
}

fn line_and_column(valid_prefix: &[u8]) -> (usize, usize) {
    let line = valid_prefix.iter().filter(|&&b| b == b'\n').count() + 1;
    let last_line_start = valid_prefix
        .iter()
        .rposition(|&b| b == b'\n')
        .map(|p| p + 1)
        .unwrap_or(0);
    let col = String::from_utf8_lossy(&valid_prefix[last_line_start..])
        .chars()
        .count()
        + 1;
    (line, col)
}

fn read_csv_header(bytes: &[u8]) -> std::result::Result<Vec<String>, csv::Error> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut record = csv::StringRecord::new();
    reader.read_record(&mut record)?;
    Ok(record
        .iter()
        .map(|h| h.trim_start_matches(UTF8_BOM).to_string())
        .collect())
}

/// Why a file AWS writes beside its billing data is not billing data, for
/// the files a folder import skips: the Athena status table
/// (`cost_and_usage_data_status`, one column `status`).
pub fn not_billing_data(path: &Path) -> Option<&'static str> {
    let mut magic = [0u8; 4];
    let mut file = File::open(path).ok()?;
    read_up_to(&mut file, &mut magic).ok()?;
    if &magic != b"PAR1" {
        return None;
    }
    status_table(&parquet_columns(path, path).ok()?)
}

/// Why a Parquet file with these columns is not billing data: the Athena
/// status table has the one column `status`.
pub fn status_table(columns: &[String]) -> Option<&'static str> {
    (columns == ["status"])
        .then_some("the CUR status table AWS writes beside the data for Athena, not billing data")
}

fn parquet_columns(original: &Path, path: &Path) -> Result<Vec<String>> {
    use polars::prelude::*;
    let file = File::open(path).map_err(|e| Error::io(original.display().to_string(), e))?;
    let mut reader = ParquetReader::new(file);
    let schema = reader
        .schema()
        .map_err(|e| Error::bad_input(original, format!("the Parquet file cannot be read: {e}")))?;
    Ok(schema.iter_names().map(|n| n.to_string()).collect())
}
