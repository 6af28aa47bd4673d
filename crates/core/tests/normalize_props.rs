//! Property: normalizing a billing file never changes its total cost. For
//! random line items (costs with up to ten decimals, negative credits,
//! scientific notation, blank lines, short rows), the staged BilledCost
//! total equals the exact decimal sum of the file's cost column to the cent,
//! and no row is lost or invented.

use std::io::Write;
use std::str::FromStr;

use burnrate_core::ingest;
use polars::prelude::*;
use proptest::prelude::*;
use rust_decimal::Decimal;

#[derive(Debug, Clone)]
struct Line {
    cost: Decimal,
    scientific: bool,
    kind: &'static str,
    account: u8,
    day: u8,
    tagged: bool,
}

fn line() -> impl Strategy<Value = Line> {
    (
        -5_000_000_000i64..50_000_000_000_000i64,
        any::<bool>(),
        prop::sample::select(vec!["Usage", "Tax", "Credit", "Fee", "Refund"]),
        0u8..4,
        1u8..29,
        any::<bool>(),
    )
        .prop_map(|(units, scientific, kind, account, day, tagged)| Line {
            cost: Decimal::new(units, 10),
            scientific,
            kind,
            account,
            day,
            tagged,
        })
}

fn scientific(d: Decimal) -> String {
    let f = f64::from_str(&d.to_string()).unwrap();
    format!("{f:E}")
}

fn staged_total(path: &std::path::Path, dir: &std::path::Path) -> (f64, u64) {
    let staged = ingest::stage(path, dir).expect("stages");
    let df = LazyFrame::scan_parquet(
        PlRefPath::new(staged.parquet.to_string_lossy().as_ref()),
        ScanArgsParquet::default(),
    )
    .unwrap()
    .select([col("BilledCost").sum(), len().alias("rows")])
    .collect()
    .unwrap();
    let total = df
        .column("BilledCost")
        .unwrap()
        .f64()
        .unwrap()
        .get(0)
        .unwrap_or(0.0);
    let rows = df
        .column("rows")
        .unwrap()
        .get(0)
        .unwrap()
        .extract::<u64>()
        .unwrap();
    (total, rows)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn legacy_cur_total_survives_normalization(lines in prop::collection::vec(line(), 1..60), blank_every in 3usize..20) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cur.csv");
        let mut f = std::fs::File::create(&path).unwrap();
        writeln!(f, "bill/PayerAccountId,lineItem/UsageAccountId,lineItem/LineItemType,lineItem/UsageStartDate,bill/BillingPeriodStartDate,lineItem/CurrencyCode,lineItem/UnblendedCost,resourceTags/user:team").unwrap();
        let mut exact = Decimal::ZERO;
        for (i, l) in lines.iter().enumerate() {
            exact += l.cost;
            let cost = if l.scientific { scientific(l.cost) } else { l.cost.to_string() };
            let start = format!("2024-02-{:02}T00:00:00Z", l.day);
            if l.tagged {
                writeln!(f, "999,{},{},{start},2024-02-01T00:00:00Z,USD,{cost},team-{}", l.account, l.kind, l.account).unwrap();
            } else {
                // A short row: the trailing tag field is missing.
                writeln!(f, "999,{},{},{start},2024-02-01T00:00:00Z,USD,{cost}", l.account, l.kind).unwrap();
            }
            if i % blank_every == 0 {
                writeln!(f).unwrap();
            }
        }
        drop(f);
        let (total, rows) = staged_total(&path, dir.path());
        prop_assert_eq!(rows, lines.len() as u64);
        let exact = f64::from_str(&exact.to_string()).unwrap();
        prop_assert!((total - exact).abs() < 0.005, "normalized {} vs exact {}", total, exact);
    }

    #[test]
    fn azure_total_survives_normalization(lines in prop::collection::vec(line(), 1..40)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("azure.csv");
        let mut f = std::fs::File::create(&path).unwrap();
        f.write_all(b"\xef\xbb\xbf").unwrap();
        writeln!(f, "BillingAccountId,SubscriptionId,Date,MeterCategory,CostInBillingCurrency,BillingCurrencyCode,ChargeType,Tags").unwrap();
        let mut exact = Decimal::ZERO;
        for l in &lines {
            exact += l.cost;
            let cost = if l.scientific { scientific(l.cost) } else { l.cost.to_string() };
            let charge = if l.kind == "Usage" { "Usage" } else { "Refund" };
            let tags = if l.tagged { "\"\"\"team\"\": \"\"a\"\"\"" } else { "" };
            writeln!(f, "ea-1,sub-{},2/{}/2024,Storage,{cost},EUR,{charge},{tags}", l.account, l.day).unwrap();
        }
        drop(f);
        let (total, rows) = staged_total(&path, dir.path());
        prop_assert_eq!(rows, lines.len() as u64);
        let exact = f64::from_str(&exact.to_string()).unwrap();
        prop_assert!((total - exact).abs() < 0.005, "normalized {} vs exact {}", total, exact);
    }
}
