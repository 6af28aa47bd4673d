//! Parsing of numbers, timestamps, tags and credits as providers write
//! them.

use super::*;

fn ms(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
    NaiveDate::from_ymd_opt(y, mo, d)
        .unwrap()
        .and_hms_opt(h, mi, s)
        .unwrap()
        .and_utc()
        .timestamp_millis()
}

#[test]
fn timestamps_in_every_export_layout() {
    let cases = [
        ("2023-11-01T00:00:00.000Z", ms(2023, 11, 1, 0, 0, 0)),
        ("2023-06-01T01:00:00Z", ms(2023, 6, 1, 1, 0, 0)),
        ("2023-06-01 01:00:00", ms(2023, 6, 1, 1, 0, 0)),
        ("2020-11-09 23:00:00+00:00", ms(2020, 11, 9, 23, 0, 0)),
        ("2020-11-09 23:00:00+02:00", ms(2020, 11, 9, 21, 0, 0)),
        (
            "2020-11-10 05:49:32.199000+00:00",
            ms(2020, 11, 10, 5, 49, 32) + 199,
        ),
        ("2020-09-22", ms(2020, 9, 22, 0, 0, 0)),
        ("9/2/2023", ms(2023, 9, 2, 0, 0, 0)),
        ("09/21/2023", ms(2023, 9, 21, 0, 0, 0)),
        ("09/21/2023 13:05:00", ms(2023, 9, 21, 13, 5, 0)),
        ("20231105", ms(2023, 11, 5, 0, 0, 0)),
        ("202011", ms(2020, 11, 1, 0, 0, 0)),
        ("2024-09-01T00:00", ms(2024, 9, 1, 0, 0, 0)),
    ];
    for (text, expected) in cases {
        assert_eq!(parse_timestamp_ms(text), Some(expected), "{text}");
    }
}

#[test]
fn impossible_timestamps_are_rejected() {
    for text in [
        "2023-02-01T30:00:00Z",
        "13/01/2023",
        "2023-02-30",
        "yesterday",
        "2023-01",
    ] {
        assert_eq!(parse_timestamp_ms(text), None, "{text}");
    }
}

#[test]
fn tags_in_every_shape() {
    let expect = vec![
        ("team".to_string(), "a".to_string()),
        ("env".to_string(), "prod".to_string()),
    ];
    let mut got = parse_tag_pairs(r#"{"team": "a", "env": "prod"}"#);
    got.sort();
    let mut want = expect.clone();
    want.sort();
    assert_eq!(got, want);
    let mut got = parse_tag_pairs(r#""team": "a","env": "prod""#);
    got.sort();
    assert_eq!(got, want);
    let got =
        parse_tag_pairs(r#"[{"key": "team", "value": "a"}, {"key": "env", "value": "prod"}]"#);
    assert_eq!(got, expect);
    let got = parse_tag_pairs("[{'key': 'team', 'value': 'a'}, {'key': 'env', 'value': 'prod'}]");
    assert_eq!(got, expect);
    assert!(parse_tag_pairs("[]").is_empty());
    assert!(parse_tag_pairs("").is_empty());
}

#[test]
fn gcp_python_style_credits() {
    let s = "[{'name': 'FreeTrial:Credit-1', 'amount': -5e-06, 'full_name': None, 'id': 'x', 'type': 'PROMOTION'}, {'name': \"it's\", 'amount': -1.5}]";
    assert!((credit_total(s).unwrap() - (-1.500005)).abs() < 1e-12);
    assert_eq!(credit_total("[]"), Some(0.0));
    assert_eq!(credit_total("[{'amount': 'abc'}]"), None);
}
