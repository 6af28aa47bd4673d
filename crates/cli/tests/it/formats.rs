//! Each billing format's own quirks end to end: Parquet and Athena exports,
//! CUR 2.0 net costs, OCI tags, FOCUS 1.3 columns and the conformance
//! summary, over the project's fixtures.

use std::path::Path;

use serde_json::Value;

use crate::support::{Env, close, fixture, read_csv, write_parquet};

#[test]
fn parquet_exports_import_like_their_csv() {
    use polars::prelude::*;
    let env = Env::new();
    // Athena-style CUR Parquet with typed columns (costs as doubles).
    let athena = env.dir.path().join("athena.parquet");
    write_parquet(read_csv(&fixture("aws_cur_athena.csv"), true), &athena);
    let result = env.import_json(&athena);
    assert_eq!(
        result[0]["reports"][0]["format"], "aws-cur-athena",
        "{result}"
    );
    assert!(close(env.totals("USD").0, 100.7275));

    // CUR 2.0 Parquet: resource_tags is a map (a list of key/value structs).
    let env = Env::new();
    let cur2 = df!(
        "bill_payer_account_id" => ["998877665544", "998877665544"],
        "bill_payer_account_name" => ["Acme Payer", "Acme Payer"],
        "bill_billing_period_start_date" => ["2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z"],
        "line_item_usage_start_date" => ["2025-01-05T00:00:00Z", "2025-01-06T00:00:00Z"],
        "line_item_line_item_type" => ["Usage", "Usage"],
        "line_item_product_code" => ["AmazonEC2", "AmazonS3"],
        "line_item_currency_code" => ["USD", "USD"],
        "line_item_unblended_cost" => [0.192f64, 2.5],
    )
    .unwrap()
    .lazy()
    .with_column(
        concat_list([as_struct(vec![
            lit("user_team").alias("key"),
            lit("web").alias("value"),
        ])])
        .unwrap()
        .alias("resource_tags"),
    )
    .collect()
    .unwrap();
    let path = env.dir.path().join("cur2.parquet");
    write_parquet(cur2, &path);
    let result = env.import_json(&path);
    assert_eq!(result[0]["reports"][0]["format"], "aws-cur2", "{result}");
    assert!(close(env.totals("USD").0, 2.692));
    let by_team = env.ok(&["summary", "--by", "tag:team", "--format", "csv"]);
    assert!(by_team.contains("web,2.692000"), "{by_team}");

    // FOCUS Parquet.
    let env = Env::new();
    let focus = env.dir.path().join("focus.parquet");
    write_parquet(read_csv(&fixture("focus_1_2.csv"), false), &focus);
    let result = env.import_json(&focus);
    assert_eq!(result[0]["reports"][0]["format"], "focus", "{result}");
    assert_eq!(env.totals("USD").0, 5.0);
    assert_eq!(env.totals("USD").1, 1.0);
}

/// The shape of a real CUR 2.0 Data Export: `line_item_net_unblended_cost`
/// is present but empty on every row, and credits cancel the usage. Each
/// row's cost falls back to unblended cost, credits are FOCUS `Credit`, and
/// the per-category reconciliation is what would catch usage read as zero
/// (the grand total is 0 either way).
#[test]
fn cur2_empty_net_cost_falls_back_row_by_row_and_credits_stay_credits() {
    let env = Env::new();
    let result = env.import_json(&fixture("aws_cur2_empty_net_credits.csv"));
    assert_eq!(result[0]["status"], "imported", "{result}");
    assert_eq!(result[0]["reports"][0]["format"], "aws-cur2");
    let by_category = env.rows(&["summary", "--by", "charge_category"]);
    let billed = |category: &str| -> f64 {
        by_category
            .iter()
            .filter(|r| r["charge_category"] == category)
            .map(|r| r["billed_cost"].as_f64().unwrap())
            .sum()
    };
    assert!(close(billed("Usage"), 47.68), "{by_category:?}");
    assert!(close(billed("Credit"), -47.68), "{by_category:?}");
    assert_eq!(by_category.len(), 2, "{by_category:?}");
}

/// Writes a CSV fixture as Parquet the way AWS's Athena integration does:
/// every column text, numbers included, with `""` where a value is absent.
/// `edit` changes the frame first (another month, a dropped column).
fn athena_parquet(
    csv: &Path,
    out: &Path,
    edit: impl Fn(polars::prelude::DataFrame) -> polars::prelude::DataFrame,
) {
    use polars::prelude::*;
    let frame = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .map_parse_options(|o| o.with_missing_is_null(false))
        .try_into_reader_with_file_path(Some(csv.to_path_buf()))
        .unwrap()
        .finish()
        .unwrap();
    let mut frame = edit(frame);
    let empty_strings = frame
        .columns()
        .iter()
        .filter_map(|c| c.str().ok())
        .map(|s| {
            s.iter()
                .filter(|v| matches!(v, Some("") | Some("NULL")))
                .count()
        })
        .sum::<usize>();
    assert!(empty_strings > 0, "the fixture must have empty cells");
    let file = std::fs::File::create(out).unwrap();
    ParquetWriter::new(file).finish(&mut frame).unwrap();
}

/// Athena Parquet stores numbers as text with `""` (or `NULL`) for null, and
/// other writers store money as decimals; months drift
/// in schema (a column present in one is absent in the next); AWS writes a
/// status table beside the data. The folder imports both months, each to
/// the cent of the CSV it was made from, and skips the status table with a
/// note.
#[test]
fn athena_parquet_with_text_numbers_and_schema_drift_imports_exactly() {
    use polars::prelude::*;
    let csv_env = Env::new();
    csv_env.import_json(&fixture("aws_cur_athena.csv"));
    let (billed, effective, _) = csv_env.totals("USD");

    let env = Env::new();
    let folder = env.path("cur");
    std::fs::create_dir_all(folder.join("year=2024/month=5")).unwrap();
    std::fs::create_dir_all(folder.join("year=2024/month=6")).unwrap();
    std::fs::create_dir_all(folder.join("cost_and_usage_data_status")).unwrap();
    let csv = fixture("aws_cur_athena.csv");
    athena_parquet(
        &csv,
        &folder.join("year=2024/month=5/cur-00001.snappy.parquet"),
        // The cost as a Parquet decimal, as some writers store money.
        |mut f| {
            let cost = f
                .column("line_item_unblended_cost")
                .unwrap()
                .cast(&DataType::Decimal(18, 10))
                .unwrap();
            f.replace("line_item_unblended_cost", cost).unwrap();
            f
        },
    );
    athena_parquet(
        &csv,
        &folder.join("year=2024/month=6/cur-00001.snappy.parquet"),
        |f| {
            let mut f = f.drop("product_product_name").unwrap();
            // This month writes its absent values as NULL instead of "".
            let names: Vec<String> = f.get_column_names().iter().map(|n| n.to_string()).collect();
            for name in &names {
                let nulls: StringChunked =
                    f.column(name).unwrap().str().unwrap().apply_values(|v| {
                        if v.is_empty() {
                            "NULL".into()
                        } else {
                            v.to_string().into()
                        }
                    });
                f.replace(name, nulls.into_column()).unwrap();
            }
            for name in [
                "bill_billing_period_start_date",
                "bill_billing_period_end_date",
                "line_item_usage_start_date",
                "line_item_usage_end_date",
            ] {
                let moved: StringChunked =
                    f.column(name).unwrap().str().unwrap().apply_values(|v| {
                        v.replace("2024-06", "2024-07")
                            .replace("2024-05", "2024-06")
                            .into()
                    });
                f.replace(name, moved.into_column()).unwrap();
            }
            f
        },
    );
    let mut status = df!("status" => ["READY"]).unwrap();
    ParquetWriter::new(
        std::fs::File::create(
            folder.join("cost_and_usage_data_status/cost_and_usage_data_status.parquet"),
        )
        .unwrap(),
    )
    .finish(&mut status)
    .unwrap();

    let out = env.run(&["import", folder.to_str().unwrap(), "--format", "json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("skipped")
            && stderr.contains("cost_and_usage_data_status.parquet")
            && stderr.contains("not billing data"),
        "{stderr}"
    );
    let result: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(result.as_array().unwrap().len(), 2, "{result}");
    for outcome in result.as_array().unwrap() {
        assert_eq!(
            outcome["reports"][0]["format"], "aws-cur-athena",
            "{outcome}"
        );
    }
    let months = env.rows(&["summary", "--by", "month"]);
    assert_eq!(months.len(), 2, "{months:?}");
    for month in &months {
        assert!(
            close(month["billed_cost"].as_f64().unwrap(), billed),
            "{month}"
        );
        assert!(
            close(month["effective_cost"].as_f64().unwrap(), effective),
            "{month}"
        );
    }
}

/// OCI's quirks: CRLF, start times without seconds, scientific notation,
/// 18-decimal values, a correction row, a tag header with a backslash.
#[test]
fn an_oci_cost_report_imports_to_the_cent_with_its_tags() {
    let env = Env::new();
    let result = env.import_json(&fixture("oci_cost_report.csv"));
    let report = &result[0]["reports"][0];
    assert_eq!(report["format"], "oci-cost-report", "{result}");
    assert_eq!(report["rows"], 4);
    assert_eq!(report["periods"], serde_json::json!(["2024-02"]));
    let (billed, effective, _) = env.totals("EUR");
    assert!(close(billed, 0.31875000232376), "{billed}");
    assert!(close(effective, billed));
    let by_tag = env.rows(&["summary", "--by", "tag:Team\\Ops.cost-center"]);
    let tagged: Vec<&Value> = by_tag
        .iter()
        .filter(|r| r["tag:Team\\Ops.cost-center"] == "cc-7")
        .collect();
    assert_eq!(tagged.len(), 1, "{by_tag:?}");
    assert!(close(tagged[0]["billed_cost"].as_f64().unwrap(), 0.025));
    let corrections = env.rows(&[
        "query",
        "SELECT SUM(BilledCost) AS cost FROM billing WHERE ChargeClass = 'Correction'",
    ]);
    assert!(
        close(corrections[0]["cost"].as_f64().unwrap(), -0.025),
        "{corrections:?}"
    );
}

/// FOCUS 1.3 as the FinOps Foundation's toolkit writes it: the new columns
/// are kept; a file with only the 1.3 provider names gets the deprecated
/// ProviderName and PublisherName from ServiceProviderName.
#[test]
fn focus_1_3_columns_are_kept_and_deprecated_names_derived() {
    let env = Env::new();
    let result = env.import_json(&fixture("focus_1_3_aws.csv"));
    let report = &result[0]["reports"][0];
    assert_eq!(report["format"], "focus", "{result}");
    assert_eq!(report["version"], "1.3");
    assert!(close(env.totals("USD").0, 1_004.365_004_641_771_7));
    let kept = env.rows(&[
        "query",
        "SELECT COUNT(*) AS n, COUNT(AllocatedMethodId) AS allocated, COUNT(ContractApplied) AS contract, \
         COUNT(HostProviderName) AS host, SUM(ARRAY_LENGTH(AllocatedTags)) AS allocated_tags FROM billing",
    ]);
    assert_eq!(kept[0]["n"], 40, "{kept:?}");
    assert!(kept[0]["allocated"].as_u64().unwrap() > 0, "{kept:?}");
    assert!(kept[0]["contract"].as_u64().unwrap() > 0, "{kept:?}");
    assert_eq!(kept[0]["host"], 40, "{kept:?}");
    assert!(kept[0]["allocated_tags"].as_u64().unwrap() > 0, "{kept:?}");

    // The same file with only the 1.3 names.
    let text = std::fs::read_to_string(fixture("focus_1_3_aws.csv")).unwrap();
    let only_new: String = text
        .lines()
        .map(|line| line.splitn(3, ',').nth(2).unwrap_or("").to_string() + "\n")
        .collect();
    assert!(only_new.starts_with("ServiceProviderName,"));
    let path = env.path("only-1-3-names.csv");
    std::fs::write(&path, only_new).unwrap();
    let fresh = Env::new();
    fresh.import_json(&path);
    let providers = fresh.rows(&["summary", "--by", "provider"]);
    assert_eq!(providers.len(), 1, "{providers:?}");
    assert_eq!(providers[0]["provider"], "AWS", "{providers:?}");
    let publishers = fresh.rows(&[
        "query",
        "SELECT COUNT(*) AS n FROM billing WHERE PublisherName = 'AWS'",
    ]);
    assert_eq!(publishers[0]["n"], 40);
}

#[test]
fn a_focus_file_gets_a_conformance_summary_beside_its_reconciliation() {
    let env = Env::new();
    let header = "BilledCost,EffectiveCost,ListCost,BillingCurrency,BillingAccountId,\
                  ChargePeriodStart,ChargePeriodEnd,ChargeCategory,ProviderName,\
                  InvoiceIssuerName,PublisherName,ServiceName,CommitmentDiscountId";
    let rows = [
        // conformant usage
        "10.00,10.00,10.00,USD,111,2025-03-01T00:00:00Z,2025-03-02T00:00:00Z,Usage,AWS,Amazon Web Services Inc.,AWS,Amazon EC2,",
        // a marketplace charge billed to the provider's invoice: BilledCost must be 0
        "4.00,4.00,4.00,USD,111,2025-03-01T00:00:00Z,2025-03-02T00:00:00Z,Usage,AWS,Acme Software LLC,Acme,Acme Firewall,",
        // a commitment purchase with an effective cost: counted twice once amortized
        "30.00,30.00,30.00,USD,111,2025-03-01T00:00:00Z,2025-04-01T00:00:00Z,Purchase,AWS,AWS,AWS,Savings Plans,arn:sp",
    ];
    let file = env.path("focus_with_faults.csv");
    std::fs::write(&file, format!("{header}\n{}\n", rows.join("\n"))).unwrap();

    let text = env.ok(&["import", file.to_str().unwrap()]);
    assert!(
        text.contains("FOCUS conformance: 2 of 8 cost rules broken"),
        "{text}"
    );
    assert!(text.contains("BilledCost-C-005-C"), "{text}");
    assert!(text.contains("EffectiveCost-C-005-C"), "{text}");

    // It informs: the file is imported whole and reconciled.
    assert!(close(env.totals("USD").0, 44.0));
    let again = Env::new();
    let result = again.import_json(&file);
    let report = &result[0]["reports"][0];
    assert_eq!(report["focus_conformance"]["rules_checked"], 8, "{result}");
    let broken = report["focus_conformance"]["broken"].as_array().unwrap();
    let summary: Vec<(String, u64, f64)> = broken
        .iter()
        .map(|r| {
            (
                r["rule"].as_str().unwrap().to_string(),
                r["rows"].as_u64().unwrap(),
                r["amounts"][0]["amount"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("BilledCost-C-005-C".to_string(), 1, 4.0),
            ("EffectiveCost-C-005-C".to_string(), 1, 30.0),
        ]
    );

    // A conformant FOCUS file says so; other formats have no summary.
    let clean = Env::new();
    let text = clean.ok(&["import", fixture("focus_1_2.csv").to_str().unwrap()]);
    assert!(
        text.contains("FOCUS conformance: all 8 cost rules met"),
        "{text}"
    );
    let text = clean.ok(&["import", fixture("aws_cur_legacy.csv").to_str().unwrap()]);
    assert!(!text.contains("FOCUS conformance"), "{text}");
}
