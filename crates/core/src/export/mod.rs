//! FOCUS out: the dataset written as a FOCUS 1.0-1.3 Cost and Usage
//! dataset, Parquet or CSV, one file or one per billing period.
//!
//! The rows are the stored rows (what `billing` holds, before tag rules and
//! allocation, which are the user's own view). What changes on the way out
//! is only what FOCUS asks of the shape:
//! - exactly the version's columns, in its types; provider detail as `x_`
//!   columns unless `focus_only`;
//! - Tags (and AllocatedTags) as a JSON object, `{"team":"web"}`;
//! - date/times in UTC (`Z` in CSV); ids are text (quoted in CSV);
//! - units in FOCUS UnitFormat ([`units`]);
//! - one ServiceCategory and ServiceSubcategory per ServiceName (the one
//!   carrying the most cost where a source mixes them);
//! - an invoice issuer that is the provider's own entity written with the
//!   provider's name (`Amazon Web Services, Inc.` under ProviderName `AWS`
//!   is `AWS`; the legal entity stays in `x_InvoiceIssuerEntity`), so that
//!   only charges invoiced by someone else read as third-party ones;
//! - the values FOCUS says MUST be null on a row (a Tax row's quantities,
//!   units, prices and SKU; consumed quantity off Usage rows) are null.
//!
//! Costs are never touched: the export's totals per currency and measure
//! equal the dataset's ([`Exported::totals`]), which the round-trip tests
//! check by importing the export again.

pub mod columns;
mod survey;
pub mod units;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use polars::prelude::*;
use serde::Serialize;

pub use columns::{FOCUS_COLUMNS, FeatureLevel, FocusColumn, FocusType, FocusVersion, columns_of};

use crate::error::{Error, Result};
use crate::schema;
use survey::{
    ServiceMap, currency_totals, filled_columns, service_categories, slice_totals, survey,
};

/// The file format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ExportFormat {
    Parquet,
    Csv,
}

impl ExportFormat {
    pub fn parse(text: &str) -> Option<ExportFormat> {
        match text.trim().to_ascii_lowercase().as_str() {
            "parquet" => Some(Self::Parquet),
            "csv" => Some(Self::Csv),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Parquet => "parquet",
            Self::Csv => "csv",
        }
    }
}

/// What to export.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    pub version: FocusVersion,
    pub format: ExportFormat,
    /// Charge periods starting in `[from, to)`.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// ProviderName values to keep (case-insensitive); empty keeps all.
    pub providers: Vec<String>,
    /// Only FOCUS columns, no `x_` columns.
    pub focus_only: bool,
    /// One file per billing period in the folder `out`, named
    /// `focus-<YYYY-MM>.<ext>`.
    pub by_period: bool,
}

/// Totals of the exported rows, per billing currency.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CurrencyTotals {
    pub currency: String,
    pub billed_cost: f64,
    pub effective_cost: f64,
    pub list_cost: f64,
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize)]
pub struct Exported {
    pub files: Vec<PathBuf>,
    pub rows: u64,
    pub version: &'static str,
    pub totals: Vec<CurrencyTotals>,
    /// What the export did that the user should know (columns left out,
    /// service categories chosen).
    pub notes: Vec<String>,
}

/// The FOCUS columns an export of `version` writes for this data: every
/// column of the version except a conditional one that may not be null and
/// that no row fills (BillingAccountType where the source has none), which
/// FOCUS asks to leave out rather than write empty.
fn written_columns(version: FocusVersion, filled: &[&str]) -> Vec<&'static FocusColumn> {
    columns_of(version)
        .filter(|c| {
            !(c.level == FeatureLevel::Conditional && !c.allows_nulls && !filled.contains(&c.name))
        })
        .collect()
}

/// Where an export is: called before each file is written.
#[derive(Debug, Clone)]
pub struct ExportProgress<'a> {
    pub files_done: usize,
    pub files_total: usize,
    pub writing: &'a Path,
}

/// Exports `rows` (the stored dataset) to `out`, telling `progress` before
/// each file.
pub fn export_focus(
    rows: LazyFrame,
    options: &ExportOptions,
    out: &Path,
    progress: &mut dyn FnMut(ExportProgress),
) -> Result<Exported> {
    let rows = select_rows(rows, options);
    // One streaming pass over the rows (read in batches, never loaded
    // whole) gives everything the export needs to know first: the totals
    // per currency and billing period (printed, the periods to split by,
    // whether there is anything at all), the service categories and the
    // columns some row fills. Shaping never touches a cost, so the totals of
    // the rows are the totals of the files.
    let survey = survey(rows.clone())?;
    let slices = slice_totals(&survey)?;
    if slices.is_empty() {
        return Err(Error::Usage(
            "nothing to export: no imported row is in that range and provider; \
             nothing was written"
                .into(),
        ));
    }
    let mut notes = Vec::new();
    let split = unused_commitment_rows(&survey);
    if split > 0 {
        notes.push(format!(
            "{split} commitment fee rows carry the commitment's unused part as effective cost: \
             each is written as its purchase (effective cost 0) and its unused commitment \
             (a Usage row, CommitmentDiscountStatus Unused), as FOCUS has them; totals are unchanged"
        ));
    }
    let shaper = Shaper::new(&survey, options.version, &mut notes)?;
    let shape = |rows: LazyFrame| shaper.shape(rows, options.format, options.focus_only);

    let mut files = Vec::new();
    if options.by_period {
        std::fs::create_dir_all(out)
            .map_err(|e| Error::io(format!("creating {}", out.display()), e))?;
        let mut periods: Vec<Option<i32>> = slices.iter().map(|s| s.period).collect();
        periods.sort();
        periods.dedup();
        let files_total = periods.len();
        for (files_done, period) in periods.into_iter().enumerate() {
            let name = format!(
                "focus-{}.{}",
                crate::period::period_label(period),
                options.format.extension()
            );
            let target = out.join(name);
            progress(ExportProgress {
                files_done,
                files_total,
                writing: &target,
            });
            // A row's billing period by the rule every answer uses.
            let period_of = crate::period::period_number_expr();
            let in_period = match period {
                Some(p) => period_of.eq(lit(p)),
                None => period_of.is_null(),
            };
            write(
                shape(rows.clone().filter(in_period)),
                options.format,
                &target,
            )?;
            files.push(target);
        }
    } else {
        progress(ExportProgress {
            files_done: 0,
            files_total: 1,
            writing: out,
        });
        write(shape(rows), options.format, out)?;
        files.push(out.to_path_buf());
    }

    Ok(Exported {
        files,
        rows: slices.iter().map(|s| s.rows).sum::<u64>() + split,
        version: options.version.label(),
        totals: currency_totals(&slices),
        notes,
    })
}

/// The stored rows as the `focus` table of SQL queries: exactly FOCUS
/// `version`'s columns, shaped as an export writes them (no `x_` columns).
pub fn focus_table(rows: LazyFrame, version: FocusVersion) -> Result<LazyFrame> {
    let shaper = Shaper::new(&survey(rows.clone())?, version, &mut Vec::new())?;
    // Typed as in Parquet: date/times in UTC, not text.
    Ok(shaper.shape(rows, ExportFormat::Parquet, true))
}

/// What shaping needs to know of the whole dataset first: one service
/// category per service, and which conditional columns any row fills.
struct Shaper {
    services: ServiceMap,
    columns: Vec<&'static FocusColumn>,
    /// Some fee row carries an unused commitment: splitting reads the rows
    /// twice, so only a dataset that has one pays for it.
    split_unused: bool,
}

impl Shaper {
    fn new(survey: &DataFrame, version: FocusVersion, notes: &mut Vec<String>) -> Result<Shaper> {
        let services = service_categories(survey, notes)?;
        let filled = filled_columns(survey);
        let columns = written_columns(version, &filled);
        for c in columns_of(version) {
            if !columns.iter().any(|w| w.name == c.name) {
                notes.push(format!(
                    "{} is left out: no row has a value and FOCUS does not allow it empty",
                    c.name
                ));
            }
        }
        let split_unused = unused_commitment_rows(survey) > 0;
        Ok(Shaper {
            services,
            columns,
            split_unused,
        })
    }

    fn shape(&self, rows: LazyFrame, format: ExportFormat, focus_only: bool) -> LazyFrame {
        let rows = if self.split_unused {
            split_unused_commitments(rows)
        } else {
            rows
        };
        focus_shape(rows, &self.services, &self.columns, format, focus_only)
    }
}

/// How many rows the survey found that [`split_unused_commitments`] splits.
fn unused_commitment_rows(survey: &DataFrame) -> u64 {
    survey
        .column("unused_commitment_rows")
        .ok()
        .and_then(|c| c.as_materialized_series().sum::<u64>().ok())
        .unwrap_or(0)
}

/// A commitment fee row whose effective cost is the commitment's unused
/// part: the CUR's RIFee and SavingsPlanRecurringFee carry both on one row.
pub(super) fn carries_unused_commitment() -> Expr {
    col("ChargeCategory")
        .eq(lit("Purchase"))
        .and(col("EffectiveCost").neq(lit(0.0)))
}

/// Each fee row that also carries its unused commitment becomes the two
/// rows FOCUS has for it (the spec's zero-utilization example): the
/// purchase, with its billed cost and no effective cost (FOCUS: a purchase
/// that covers future charges has EffectiveCost 0), and the unused
/// commitment, a Usage row with CommitmentDiscountStatus Unused that
/// carries the effective cost and bills nothing. Every total stays the same.
fn split_unused_commitments(rows: LazyFrame) -> LazyFrame {
    let carries = carries_unused_commitment();
    let purchases = rows.clone().with_column(
        when(carries.clone())
            .then(lit(0.0))
            .otherwise(col("EffectiveCost"))
            .alias("EffectiveCost"),
    );
    let text = |v: &str| lit(v.to_string());
    let nothing = |dtype: DataType| lit(NULL).cast(dtype);
    let unused = rows.filter(carries).with_columns([
        text("Usage").alias("ChargeCategory"),
        text("Usage-Based").alias("ChargeFrequency"),
        text("Committed").alias("PricingCategory"),
        text("Unused").alias("CommitmentDiscountStatus"),
        lit(0.0).alias("BilledCost"),
        lit(0.0).alias("ListCost"),
        lit(0.0).alias("ContractedCost"),
        nothing(DataType::Float64).alias("PricingQuantity"),
        nothing(DataType::Float64).alias("ConsumedQuantity"),
    ]);
    concat([purchases, unused], UnionArgs::default()).expect("the same columns")
}

fn select_rows(rows: LazyFrame, options: &ExportOptions) -> LazyFrame {
    let mut rows = crate::period::filter_dates(rows, options.from, options.to);
    if !options.providers.is_empty() {
        let wanted: Vec<String> = options
            .providers
            .iter()
            .map(|p| p.trim().to_lowercase())
            .collect();
        let wanted = Series::new("providers".into(), wanted);
        rows = rows.filter(
            col("ProviderName")
                .str()
                .to_lowercase()
                .is_in(lit(wanted).implode(false), false),
        );
    }
    rows
}

/// A `{key, value}` list as a FOCUS key-value JSON object; null when empty.
/// A key written twice keeps its last value (JSON objects have unique keys).
fn tags_json(name: &'static str) -> Expr {
    col(name).map(
        move |c| {
            let list = c.list()?;
            let mut out = Vec::with_capacity(list.len());
            for row in list.amortized_iter() {
                let Some(row) = row else {
                    out.push(None);
                    continue;
                };
                let pairs = row.as_ref().struct_()?;
                let fields = pairs.fields_as_series();
                let (keys, values) = (fields[0].str()?, fields[1].str()?);
                let mut object = serde_json::Map::new();
                for (k, v) in keys.iter().zip(values.iter()) {
                    if let Some(k) = k {
                        object.insert(
                            k.to_string(),
                            v.map_or(serde_json::Value::Null, |v| v.into()),
                        );
                    }
                }
                out.push(
                    (!object.is_empty()).then(|| serde_json::Value::Object(object).to_string()),
                );
            }
            let out: StringChunked = out.into_iter().collect();
            Ok(out.with_name(name.into()).into_column())
        },
        move |_, _| Ok(Field::new(name.into(), DataType::String)),
    )
}

fn unit(name: &'static str) -> Expr {
    col(name).map(
        move |c| {
            let out: StringChunked = c
                .str()?
                .iter()
                .map(|u| u.map(|u| units::focus_unit(u).into_owned()))
                .collect();
            Ok(out.with_name(name.into()).into_column())
        },
        move |_, _| Ok(Field::new(name.into(), DataType::String)),
    )
}

fn null_when(condition: Expr, value: Expr, dtype: DataType) -> Expr {
    when(condition).then(lit(NULL).cast(dtype)).otherwise(value)
}

/// The stored rows in the shape of the FOCUS version.
fn focus_shape(
    rows: LazyFrame,
    services: &ServiceMap,
    columns: &[&'static FocusColumn],
    format: ExportFormat,
    focus_only: bool,
) -> LazyFrame {
    let tax = col("ChargeCategory").eq(lit("Tax"));
    let not_usage = col("ChargeCategory").neq(lit("Usage"));
    let focus_value = |c: &FocusColumn| -> Expr {
        let float = DataType::Float64;
        let text = DataType::String;
        let value = match c.name {
            "Tags" | "AllocatedTags" => tags_json(c.name),
            // FOCUS has a quantity and its unit together or neither.
            "PricingUnit" => null_when(
                tax.clone().or(col("PricingQuantity").is_null()),
                unit("PricingUnit"),
                text,
            ),
            "ConsumedUnit" => null_when(not_usage.clone(), unit("ConsumedUnit"), text),
            "CommitmentDiscountUnit" => unit("CommitmentDiscountUnit"),
            // A quantity is a count of its unit: a source row with a
            // quantity and no unit (AWS's RI fees, its discount lines) has
            // no FOCUS PricingQuantity, which FOCUS requires with a unit.
            "PricingQuantity" => null_when(
                tax.clone().or(col("PricingUnit").is_null()),
                col(c.name),
                float,
            ),
            "ListUnitPrice" | "ContractedUnitPrice" => null_when(tax.clone(), col(c.name), float),
            "SkuId" | "SkuPriceId" => null_when(tax.clone(), col(c.name), text),
            "ConsumedQuantity" => null_when(not_usage.clone(), col(c.name), float),
            "InvoiceIssuerName" => schema::invoice_issuer_as_focus(),
            "ServiceCategory" => services.lookup(&services.categories),
            "ServiceSubcategory" => services.lookup(&services.subcategories),
            "ServiceProviderName" => coalesce(&[col("ServiceProviderName"), col("ProviderName")]),
            "HostProviderName" => coalesce(&[col("HostProviderName"), col("ProviderName")]),
            name => col(name),
        };
        let value = match (c.data_type, format) {
            (FocusType::DateTime, ExportFormat::Parquet) => value.cast(DataType::Datetime(
                TimeUnit::Milliseconds,
                Some(TimeZone::UTC),
            )),
            (FocusType::DateTime, ExportFormat::Csv) => value.dt().strftime("%Y-%m-%dT%H:%M:%SZ"),
            _ => value,
        };
        value.alias(c.name)
    };
    let mut exprs: Vec<Expr> = columns.iter().map(|c| focus_value(c)).collect();
    if !focus_only {
        for (name, _) in schema::COLUMNS {
            if !name.starts_with("x_") {
                continue;
            }
            exprs.push(col(*name));
        }
        exprs.push(col("InvoiceIssuerName").alias("x_InvoiceIssuerEntity"));
    }
    rows.select(exprs)
}

fn write(frame: LazyFrame, format: ExportFormat, target: &Path) -> Result<()> {
    let temp = crate::fsutil::temp_file_beside(target, &format!(".{}", format.extension()))?
        .into_temp_path();
    let file_format = match format {
        // Snappy: the codec every Parquet reader takes (Spark, Power BI,
        // Athena, BigQuery, DuckDB) and among the cheapest to write.
        ExportFormat::Parquet => FileWriteFormat::Parquet(Arc::new(ParquetWriteOptions {
            compression: ParquetCompression::Snappy,
            ..Default::default()
        })),
        ExportFormat::Csv => FileWriteFormat::Csv(CsvWriterOptions {
            serialize_options: Arc::new(SerializeOptions {
                // Text is quoted, so ids stay text for any reader.
                quote_style: QuoteStyle::NonNumeric,
                ..Default::default()
            }),
            ..Default::default()
        }),
    };
    frame
        .sink(
            SinkDestination::File {
                target: SinkTarget::Path(PlRefPath::new(temp.to_string_lossy().as_ref())),
            },
            file_format,
            UnifiedSinkArgs::default(),
        )
        .and_then(|lf| lf.collect_with_engine(Engine::Streaming))
        .map_err(|e| Error::polars(format!("writing {}", target.display()), e))?;
    std::fs::File::open(&temp)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io(format!("writing {}", target.display()), e))?;
    temp.persist(target)
        .map_err(|e| Error::io(format!("writing {}", target.display()), e.error))?;
    // A temporary file is private to its owner; an export is for other
    // tools (a BI gateway, a warehouse loader) to read.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(target, std::fs::Permissions::from_mode(0o644))
            .map_err(|e| Error::io(format!("writing {}", target.display()), e))?;
    }
    Ok(())
}
