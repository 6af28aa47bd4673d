//! The reader against hand-written records and, by property, against the
//! `csv` crate for any block size.

use super::*;
use proptest::prelude::*;

/// A row number and the wanted fields of that row (`None` = null).
type Row = (u64, Vec<Option<String>>);

/// Reads `text` (header first) in blocks of `block_bytes`; returns the
/// wanted columns as rows of optional text, each with its row number.
fn read(
    text: &[u8],
    wanted: &[&str],
    block_bytes: usize,
    literal_null: bool,
) -> Result<(Vec<Row>, Counts)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bill.csv");
    std::fs::write(&path, text).unwrap();
    let header: Vec<String> = csv::ReaderBuilder::new()
        .from_reader(text)
        .headers()
        .map(|h| h.iter().map(str::to_string).collect())
        .unwrap_or_default();
    let wanted: Vec<String> = wanted.iter().map(|w| w.to_string()).collect();
    let spec = CsvSpec {
        path: &path,
        text_path: &path,
        header: &header,
        wanted: &wanted,
        literal_null,
    };
    let mut rows = Vec::new();
    let counts = for_each_block(
        &spec,
        block_bytes,
        |block| Ok(block.frame),
        |frame, before| {
            let numbers = frame.column(ROW_INDEX).unwrap().u64().unwrap().clone();
            for i in 0..frame.height() {
                let values = wanted
                    .iter()
                    .map(|w| {
                        let c = frame.column(w).unwrap().str().unwrap().clone();
                        c.get(i).map(str::to_string)
                    })
                    .collect();
                rows.push((before + numbers.get(i).unwrap(), values));
            }
            Ok(())
        },
    )?;
    Ok((rows, counts))
}

fn some(values: &[&str]) -> Vec<Option<String>> {
    values
        .iter()
        .map(|v| (!v.is_empty()).then(|| v.to_string()))
        .collect()
}

#[test]
fn quoted_fields_keep_commas_quotes_and_line_ends() {
    let text = b"id,desc,cost\n1,\"Amazon Web Services, Inc.\",1.5\n2,\"he said \"\"hi\"\"\",2\n3,\"two\nlines\",3\n";
    let (rows, counts) = read(text, &["desc", "cost"], 1 << 20, false).unwrap();
    assert_eq!(
        rows,
        vec![
            (1, some(&["Amazon Web Services, Inc.", "1.5"])),
            (2, some(&["he said \"hi\"", "2"])),
            (3, some(&["two\nlines", "3"])),
        ]
    );
    assert_eq!(counts.rows, 3);
}

#[test]
fn crlf_blank_short_rows_and_no_final_line_end() {
    let text = b"a,b,c\r\n1,2,3\r\n\r\n , ,\r\n4\r\n5,6,7";
    let (rows, counts) = read(text, &["a", "c"], 1 << 20, false).unwrap();
    assert_eq!(
        rows,
        vec![
            (1, some(&["1", "3"])),
            (4, some(&["4", ""])),
            (5, some(&["5", "7"]))
        ]
    );
    assert_eq!(
        counts,
        Counts {
            rows: 3,
            blank_rows: 2,
            short_rows: 1
        }
    );
}

#[test]
fn empty_and_literal_null_fields_are_null() {
    let text = b"a,b,c\n,\"\",NULL\n";
    let (rows, _) = read(text, &["a", "b", "c"], 1 << 20, false).unwrap();
    assert_eq!(rows, vec![(1, some(&["", "", "NULL"]))]);
    let (rows, _) = read(text, &["a", "b", "c"], 1 << 20, true).unwrap();
    assert_eq!(rows, vec![(1, some(&["", "", ""]))]);
}

#[test]
fn a_header_only_file_has_no_rows() {
    for text in [&b"a,b\n"[..], b"a,b"] {
        let (rows, counts) = read(text, &["a"], 1 << 20, false).unwrap();
        assert!(rows.is_empty());
        assert_eq!(counts, Counts::default());
    }
}

#[test]
fn a_long_row_is_an_error_naming_its_row_in_any_block() {
    let mut text = b"a,b\n".to_vec();
    for i in 0..200 {
        text.extend_from_slice(format!("{i},x\n").as_bytes());
    }
    text.extend_from_slice(b"1,2,3\n");
    for block in [16, 1 << 20] {
        match read(&text, &["a"], block, false) {
            Err(Error::BadValue { row, column, .. }) => {
                assert_eq!((row, column.as_str()), (201, "field 3"));
            }
            other => panic!("expected a bad row, got {:?}", other.map(|r| r.1)),
        }
    }
}

#[test]
fn a_failing_block_stops_the_pipeline_early() {
    let mut text = b"a,b\n".to_vec();
    for i in 0..5000 {
        text.extend_from_slice(format!("{i},x\n").as_bytes());
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bill.csv");
    std::fs::write(&path, &text).unwrap();
    let (header, wanted) = (["a".to_string(), "b".to_string()], ["a".to_string()]);
    let spec = CsvSpec {
        path: &path,
        text_path: &path,
        header: &header,
        wanted: &wanted,
        literal_null: false,
    };
    // Tiny blocks: the reader is still handing over blocks when the
    // first one fails, and must be released rather than wait forever.
    let outcome = for_each_block(
        &spec,
        16,
        |_| -> Result<()> { Err(Error::bad_input(&path, "refused")) },
        |(), _| Ok(()),
    );
    assert!(matches!(outcome, Err(Error::BadInput { .. })));
}

#[test]
fn bytes_that_are_not_utf8_name_their_row() {
    let text = b"a,b\n1,ok\n2,caf\xe9\n";
    match read(text, &["b"], 1 << 20, false) {
        Err(Error::BadValue { row, message, .. }) => {
            assert_eq!(row, 2);
            assert!(message.contains("0xE9"), "{message}");
        }
        other => panic!("expected a bad row, got {:?}", other.map(|r| r.1)),
    }
}

#[test]
fn an_unterminated_quote_is_an_error() {
    let text = b"a,b\n1,\"never ends\n2,3\n";
    assert!(matches!(
        read(text, &["b"], 1 << 20, false),
        Err(Error::BadValue { row: 1, .. })
    ));
}

fn field() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a ,\"\n\r\u{e9}1]{0,6}").unwrap()
}

proptest! {
    /// Whatever the block size, the reader returns what the `csv` crate
    /// reads, row for row (blank records aside, which both skip).
    #[test]
    fn any_block_size_reads_what_the_csv_crate_reads(
        records in proptest::collection::vec(proptest::collection::vec(field(), 3), 0..40),
        block in 1usize..64,
    ) {
        let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
        writer.write_record(["a", "b", "c"]).unwrap();
        for r in &records {
            writer.write_record(r).unwrap();
        }
        let text = writer.into_inner().unwrap();
        let expected: Vec<Vec<Option<String>>> = records
            .iter()
            .filter(|r| !r.iter().all(|f| f.trim_matches(|c: char| c.is_ascii_whitespace()).is_empty()))
            .map(|r| r.iter().map(|f| (!f.is_empty()).then(|| f.clone())).collect())
            .collect();
        let (rows, counts) = read(&text, &["a", "b", "c"], block, false).unwrap();
        let values: Vec<_> = rows.iter().map(|(_, v)| v.clone()).collect();
        prop_assert_eq!(values, expected);
        prop_assert_eq!(counts.rows + counts.blank_rows, records.len() as u64);
        let numbers: Vec<u64> = rows.iter().map(|(n, _)| *n).collect();
        let mut sorted = numbers.clone();
        sorted.dedup();
        prop_assert_eq!(numbers, sorted);
    }
}
