//! The import's CSV reader: reads a billing file in blocks of whole records,
//! splits each block into the text columns the mapping reads, and hands the
//! blocks to a pipeline that runs on every core and keeps the file order.
//!
//! Why not Polars' CSV scan: on a 2 GB CUR it spent most of the import
//! producing columns that the mapping then parsed again; this reader only
//! builds the columns the mapping uses, and the caller maps and encodes each
//! block on the same worker that split it (see `ingest::stage`).
//!
//! The dialect is RFC 4180 as billing exports write it: comma-separated,
//! fields optionally quoted with `"` (a doubled `""` inside quotes is one
//! quote), records ending in `\n` or `\r\n`, a quote inside an unquoted field
//! taken literally. An empty field is null; so are `NULL`/`null` in FOCUS
//! files. Blank records are skipped and counted; records shorter than the
//! header get nulls for their missing trailing fields and are counted;
//! records longer than the header are an error naming the row. Row numbers
//! count data records from 1, blank ones included.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use polars::prelude::*;

use super::columns::ROW_INDEX;
use crate::error::{Error, Result};

/// Bytes per block when the mapping reads up to [`COLUMNS_PER_BLOCK`]
/// columns: about 65,000 CUR line items, which also becomes one Parquet row
/// group, and a few hundred MiB for all the blocks in flight.
pub const BLOCK_BYTES: usize = 32 * 1024 * 1024;
const COLUMNS_PER_BLOCK: usize = 32;

/// The block size for a file whose mapping reads `columns` columns. A
/// block's memory grows with its rows times the columns read, so files read
/// through many columns (a CUR with 200 tag columns) get smaller blocks.
pub fn block_bytes_for(columns: usize) -> usize {
    BLOCK_BYTES / columns.max(COLUMNS_PER_BLOCK) * COLUMNS_PER_BLOCK
}

/// What to read from a file.
pub struct CsvSpec<'a> {
    /// The file as the user named it, for messages.
    pub path: &'a Path,
    /// The plain text to read (a decompressed copy for gzip/zip).
    pub text_path: &'a Path,
    /// The header as written, in field order.
    pub header: &'a [String],
    /// The header names to materialize, as text columns of the same names.
    pub wanted: &'a [String],
    /// FOCUS files write null as the literal `NULL`/`null`.
    pub literal_null: bool,
}

/// What the reader counted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Non-blank data records.
    pub rows: u64,
    pub blank_rows: u64,
    /// Records with fewer fields than the header.
    pub short_rows: u64,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.rows += other.rows;
        self.blank_rows += other.blank_rows;
        self.short_rows += other.short_rows;
    }
}

/// One block split into columns: the wanted columns as text plus
/// [`ROW_INDEX`], numbered from 1 within the block (the caller adds the
/// block's offset, which is known only once earlier blocks are counted).
pub struct Block {
    pub frame: DataFrame,
    /// Every record in the block, blank ones included.
    pub records: u64,
    pub counts: Counts,
}

/// Runs every block (of about `block_bytes`, see [`block_bytes_for`]) of
/// the file through `work` on all cores, then hands the results to `finish`
/// one at a time in file order, with the number of data records (blank ones
/// included) before the block. The first error stops the pipeline and is
/// returned.
pub fn for_each_block<T: Send>(
    spec: &CsvSpec,
    block_bytes: usize,
    work: impl Fn(Block) -> Result<T> + Sync,
    mut finish: impl FnMut(T, u64) -> Result<()>,
) -> Result<Counts> {
    let layout = Layout::new(spec);
    let mut blocks = BlockReader::open(spec, block_bytes)?;
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let stop = AtomicBool::new(false);
    let (job_tx, job_rx) = mpsc::sync_channel::<(usize, Vec<u8>)>(1);
    // Shared by the workers and dropped with the last of them, so that a
    // reader waiting to hand over a block is released when they stop early.
    let job_rx = Arc::new(Mutex::new(job_rx));
    // Block buffers go back to the reader once split.
    let (recycled_tx, recycled_rx) = mpsc::channel::<Vec<u8>>();
    type Done<T> = std::result::Result<(T, u64, Counts), BlockError>;
    // Small queues: each block in flight holds ~100 MiB of columns.
    let (done_tx, done_rx) = mpsc::sync_channel::<(usize, Done<T>)>(1);

    std::thread::scope(|scope| {
        let stop = &stop;
        let reader_done_tx = done_tx.clone();
        scope.spawn(move || {
            let mut index = 0;
            while !stop.load(Ordering::Relaxed) {
                let buf = recycled_rx.try_recv().unwrap_or_default();
                match blocks.next_block(buf) {
                    Ok(Some(bytes)) => {
                        if job_tx.send((index, bytes)).is_err() {
                            break;
                        }
                        index += 1;
                    }
                    Ok(None) => break,
                    Err(e) => {
                        let error = Error::io(spec.path.display().to_string(), e);
                        let _ = reader_done_tx.send((index, Err(BlockError::Failed(error))));
                        break;
                    }
                }
            }
        });
        for _ in 0..workers {
            let (job_rx, done_tx, work, layout) =
                (Arc::clone(&job_rx), done_tx.clone(), &work, &layout);
            let recycled_tx = recycled_tx.clone();
            scope.spawn(move || {
                loop {
                    let job = job_rx.lock().map(|rx| rx.recv());
                    let Ok(Ok((index, bytes))) = job else { break };
                    let split = layout.split(&bytes);
                    let _ = recycled_tx.send(bytes);
                    let result = split.and_then(|block| {
                        let (records, counts) = (block.records, block.counts);
                        work(block)
                            .map(|out| (out, records, counts))
                            .map_err(BlockError::Failed)
                    });
                    if done_tx.send((index, result)).is_err() {
                        break;
                    }
                }
            });
        }
        drop((done_tx, job_rx));

        // This thread puts the results back in file order.
        let mut waiting = BTreeMap::new();
        let (mut next, mut records_before) = (0usize, 0u64);
        let mut counts = Counts::default();
        let mut outcome = Ok(());
        'receiving: for (index, result) in done_rx.iter() {
            waiting.insert(index, result);
            while let Some(result) = waiting.remove(&next) {
                let step = match result {
                    Ok((out, records, block_counts)) => {
                        counts.add(block_counts);
                        let step = finish(out, records_before);
                        records_before += records;
                        step
                    }
                    Err(BlockError::Row {
                        row,
                        column,
                        message,
                    }) => Err(Error::BadValue {
                        file: spec.path.to_path_buf(),
                        row: records_before + row,
                        column,
                        message,
                    }),
                    Err(BlockError::Failed(e)) => Err(e),
                };
                if step.is_err() {
                    outcome = step;
                    break 'receiving;
                }
                next += 1;
            }
        }
        // On an error, the reader stops at its next block and the workers
        // stop when they find nobody receiving.
        stop.store(true, Ordering::Relaxed);
        drop(done_rx);
        outcome.map(|()| counts)
    })
}

enum BlockError {
    /// A record the reader cannot split; `row` counts from 1 within the block.
    Row {
        row: u64,
        column: String,
        message: String,
    },
    Failed(Error),
}

/// Which fields of a record become which column.
struct Layout {
    header_len: usize,
    /// For each field of the header, the column it fills, if wanted.
    column_of_field: Vec<Option<usize>>,
    names: Vec<PlSmallStr>,
    literal_null: bool,
}

/// Where one field lies in the block.
#[derive(Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    /// The closing quote of a quoted field (the opening one is at `start`).
    close_quote: Option<usize>,
    /// A quoted field holding a doubled `""`.
    escaped: bool,
}

impl Span {
    fn at(start: usize) -> Self {
        Span {
            start,
            end: start,
            close_quote: None,
            escaped: false,
        }
    }
}

/// The state of splitting one block: the current record and field, and the
/// columns built so far.
struct Splitter<'a> {
    layout: &'a Layout,
    text: &'a str,
    /// The wanted fields of the current record, by column.
    spans: Vec<Option<Span>>,
    /// The current field: its index in the record and where it lies.
    field: usize,
    span: Span,
    /// Whether the current record has a field that is not blank.
    has_content: bool,
    columns: Vec<StringChunkedBuilder>,
    row_numbers: Vec<u64>,
    /// Records ended so far, blank ones included.
    records: u64,
    counts: Counts,
    /// Holds an unescaped quoted value.
    scratch: String,
}

impl<'a> Splitter<'a> {
    fn new(layout: &'a Layout, text: &'a str) -> Self {
        // Blocks hold ~500-byte records; the estimate only sizes the buffers.
        let estimate = text.len() / 256 + 1;
        Splitter {
            layout,
            text,
            spans: vec![None; layout.names.len()],
            field: 0,
            span: Span::at(0),
            has_content: false,
            columns: layout
                .names
                .iter()
                .map(|n| StringChunkedBuilder::new(n.clone(), estimate))
                .collect(),
            row_numbers: Vec::with_capacity(estimate),
            records: 0,
            counts: Counts::default(),
            scratch: String::new(),
        }
    }

    /// Ends the current field at `end` (exclusive).
    fn end_field(&mut self, end: usize) {
        self.span.end = end;
        if !self.has_content {
            let bytes = self.text.as_bytes();
            let value = match self.span.close_quote {
                Some(close) => &bytes[self.span.start + 1..close],
                None => &bytes[self.span.start..end],
            };
            self.has_content = !value.iter().all(u8::is_ascii_whitespace);
        }
        if let Some(Some(column)) = self.layout.column_of_field.get(self.field) {
            self.spans[*column] = Some(self.span);
        }
    }

    /// Ends the current field and record at a line end at `pos` (or at the
    /// end of the block), leaving out a `\r` before it.
    fn end_line(&mut self, pos: usize) -> std::result::Result<(), BlockError> {
        let cr_before = pos > self.span.start && self.text.as_bytes()[pos - 1] == b'\r';
        self.end_field(if cr_before { pos - 1 } else { pos });
        self.end_record()?;
        self.field = 0;
        self.has_content = false;
        Ok(())
    }

    fn end_record(&mut self) -> std::result::Result<(), BlockError> {
        self.records += 1;
        if !self.has_content {
            self.counts.blank_rows += 1;
            self.spans.fill(None);
            return Ok(());
        }
        let (fields, header_len) = (self.field + 1, self.layout.header_len);
        if fields > header_len {
            return Err(BlockError::Row {
                row: self.records,
                column: format!("field {}", header_len + 1),
                message: format!(
                    "the row has {fields} fields but the header has {header_len}; the file is \
                     damaged or uses a different delimiter"
                ),
            });
        }
        if fields < header_len {
            self.counts.short_rows += 1;
        }
        for (column, span) in self.columns.iter_mut().zip(self.spans.iter_mut()) {
            let value = span
                .take()
                .and_then(|s| self.layout.value(self.text, s, &mut self.scratch));
            match value {
                Some(text) => column.append_value(text),
                None => column.append_null(),
            }
        }
        self.counts.rows += 1;
        self.row_numbers.push(self.records);
        Ok(())
    }

    fn finish(self) -> std::result::Result<Block, BlockError> {
        let mut columns: Vec<Column> = self
            .columns
            .into_iter()
            .map(|c| c.finish().into_column())
            .collect();
        columns.push(UInt64Chunked::from_vec(ROW_INDEX.into(), self.row_numbers).into_column());
        let frame = DataFrame::new(self.counts.rows as usize, columns)
            .map_err(|e| BlockError::Failed(Error::polars("splitting a block", e)))?;
        Ok(Block {
            frame,
            records: self.records,
            counts: self.counts,
        })
    }
}

impl Layout {
    fn new(spec: &CsvSpec) -> Self {
        let mut column_of_field = vec![None; spec.header.len()];
        for (column, name) in spec.wanted.iter().enumerate() {
            // A repeated header name reads its first field, as the scan did.
            if let Some(field) = spec.header.iter().position(|h| h == name) {
                column_of_field[field] = Some(column);
            }
        }
        Layout {
            header_len: spec.header.len(),
            column_of_field,
            names: spec.wanted.iter().map(|n| n.as_str().into()).collect(),
            literal_null: spec.literal_null,
        }
    }

    /// Splits a block of whole records into columns.
    fn split(&self, bytes: &[u8]) -> std::result::Result<Block, BlockError> {
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let valid = &bytes[..e.valid_up_to()];
                let row = memchr::memchr_iter(b'\n', valid).count() as u64 + 1;
                return Err(BlockError::Row {
                    row,
                    column: "(text)".into(),
                    message: format!(
                        "byte 0x{:02X} is not UTF-8 text; re-export the file as UTF-8 CSV",
                        bytes[e.valid_up_to()]
                    ),
                });
            }
        };
        let mut split = Splitter::new(self, text);
        let mut in_quotes = false;
        let mut skip_quote_at = usize::MAX;
        for pos in memchr::memchr3_iter(b',', b'\n', b'"', bytes) {
            match bytes[pos] {
                b'"' => {
                    if pos == skip_quote_at {
                        continue;
                    }
                    if in_quotes {
                        if bytes.get(pos + 1) == Some(&b'"') {
                            split.span.escaped = true;
                            skip_quote_at = pos + 1;
                        } else {
                            in_quotes = false;
                            split.span.close_quote = Some(pos);
                        }
                    } else if pos == split.span.start && split.span.close_quote.is_none() {
                        in_quotes = true;
                    }
                    // Otherwise a quote inside an unquoted field: text.
                }
                _ if in_quotes => {}
                b',' => {
                    split.end_field(pos);
                    split.field += 1;
                    split.span = Span::at(pos + 1);
                }
                _ => {
                    split.end_line(pos)?;
                    split.span = Span::at(pos + 1);
                }
            }
        }
        if in_quotes {
            return Err(BlockError::Row {
                row: split.records + 1,
                column: format!("field {}", split.field + 1),
                message: "a quoted field never ends; the file is truncated or damaged".into(),
            });
        }
        // The last record of the file may have no line end.
        if split.span.start < bytes.len() || split.field > 0 {
            split.end_line(bytes.len())?;
        }
        split.finish()
    }

    /// The text of a field, or `None` for null.
    fn value<'b>(&self, text: &'b str, span: Span, scratch: &'b mut String) -> Option<&'b str> {
        // `split` checked that the block is UTF-8 and every span starts and
        // ends at an ASCII byte, so slicing the text cannot fail.
        let text = |from: usize, to: usize| &text[from..to];
        let value: &str = match span.close_quote {
            None => text(span.start, span.end),
            Some(close) => {
                let inner = text(span.start + 1, close);
                let trailing = text(close + 1, span.end);
                if !span.escaped && trailing.is_empty() {
                    inner
                } else {
                    scratch.clear();
                    scratch.push_str(&inner.replace("\"\"", "\""));
                    scratch.push_str(trailing);
                    scratch.as_str()
                }
            }
        };
        if value.is_empty() || (self.literal_null && (value == "NULL" || value == "null")) {
            None
        } else {
            Some(value)
        }
    }
}

/// Reads a file in blocks that end at a record boundary, after the header.
struct BlockReader {
    file: File,
    block_bytes: usize,
    /// The start of the next block, read past the end of the previous one.
    carry: Vec<u8>,
    at_end: bool,
    header_skipped: bool,
}

impl BlockReader {
    fn open(spec: &CsvSpec, block_bytes: usize) -> Result<Self> {
        let file = File::open(spec.text_path)
            .map_err(|e| Error::io(spec.path.display().to_string(), e))?;
        Ok(BlockReader {
            file,
            block_bytes,
            carry: Vec::new(),
            at_end: false,
            header_skipped: false,
        })
    }

    /// The next block, read into `buf` (a buffer of an earlier block,
    /// reused: allocating 32 MiB per block costs page faults on every byte).
    fn next_block(&mut self, mut buf: Vec<u8>) -> std::io::Result<Option<Vec<u8>>> {
        buf.clear();
        buf.extend_from_slice(&self.carry);
        self.carry.clear();
        let mut want = self.block_bytes;
        loop {
            if !self.at_end && buf.len() < want {
                buf.reserve(want - buf.len());
                let asked = (want - buf.len()) as u64;
                let got = (&mut self.file).take(asked).read_to_end(&mut buf)? as u64;
                self.at_end = got < asked;
            }
            if !self.header_skipped {
                match first_record_end(&buf) {
                    Some(end) => {
                        buf.drain(..end);
                        self.header_skipped = true;
                        continue;
                    }
                    None if self.at_end => return Ok(None),
                    None => {
                        want = buf.len() + self.block_bytes;
                        continue;
                    }
                }
            }
            if self.at_end {
                return Ok((!buf.is_empty()).then_some(buf));
            }
            match last_record_end(&buf) {
                Some(end) => {
                    self.carry.extend_from_slice(&buf[end..]);
                    buf.truncate(end);
                    return Ok(Some(buf));
                }
                // One record longer than a block: read on.
                None => want = buf.len() + self.block_bytes,
            }
        }
    }
}

fn quotes_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'"').count()
}

/// The end of the first record: the first line end outside quotes.
fn first_record_end(buf: &[u8]) -> Option<usize> {
    let mut quotes = 0;
    let mut from = 0;
    for newline in memchr::memchr_iter(b'\n', buf) {
        quotes += quotes_in(&buf[from..newline]);
        if quotes % 2 == 0 {
            return Some(newline + 1);
        }
        from = newline;
    }
    None
}

/// The end of the last whole record in `buf`, which starts at a record
/// start: the last line end with an even number of quotes before it.
fn last_record_end(buf: &[u8]) -> Option<usize> {
    let mut odd = quotes_in(buf) % 2 == 1;
    let mut end = buf.len();
    while let Some(newline) = memchr::memrchr(b'\n', &buf[..end]) {
        odd ^= quotes_in(&buf[newline..end]) % 2 == 1;
        if !odd {
            return Some(newline + 1);
        }
        end = newline;
    }
    None
}

#[cfg(test)]
mod tests;
