//! Tag rules and derived allocation keys, applied at query time.
//!
//! Nothing here changes the stored data: the rules become Polars expressions
//! over the canonical columns, so editing the config file re-allocates all
//! history on the next query.

use polars::prelude::*;

use crate::config::{AllocationKey, AllocationSource, Config};

/// Prefix of the SQL column each allocation key adds to `billing`.
pub const ALLOCATION_COLUMN_PREFIX: &str = "x_Allocation_";

/// Every lower-cased spelling that counts as `key`: the key itself, plus
/// its alias group when the key is a canonical name or one of its aliases.
pub fn key_spellings(config: &Config, key: &str) -> Vec<String> {
    let wanted = key.to_lowercase();
    let mut spellings = vec![wanted.clone()];
    for (canonical, aliases) in &config.tags.aliases {
        let group: Vec<String> = std::iter::once(canonical)
            .chain(aliases)
            .map(|k| k.to_lowercase())
            .collect();
        if group.contains(&wanted) {
            spellings.extend(group);
        }
    }
    spellings.sort();
    spellings.dedup();
    spellings
}

/// The canonical name of a tag key (its alias group's name, else itself).
pub fn canonical_key(config: &Config, key: &str) -> String {
    let wanted = key.to_lowercase();
    for (canonical, aliases) in &config.tags.aliases {
        if canonical.to_lowercase() == wanted || aliases.iter().any(|a| a.to_lowercase() == wanted)
        {
            return canonical.clone();
        }
    }
    key.to_string()
}

/// The value of tag `key` on each row after the tag rules, or null. Keys
/// compare case-insensitively and through aliases; the first matching tag
/// wins. Value maps apply to the value as written, then case folding.
pub fn tag_value(config: &Config, key: &str) -> Expr {
    let spellings = Series::new("spellings".into(), key_spellings(config, key));
    let mut value = col("Tags")
        .list()
        .eval(
            col("").filter(
                col("")
                    .struct_()
                    .field_by_name("key")
                    .str()
                    .to_lowercase()
                    .is_in(lit(spellings).implode(false), false),
            ),
        )
        .list()
        .first()
        .struct_()
        .field_by_name("value");
    let canonical = canonical_key(config, key);
    let value_map = config
        .tags
        .values
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(&canonical));
    if let Some((_, map)) = value_map.filter(|(_, m)| !m.is_empty()) {
        let (old, new): (Vec<&str>, Vec<&str>) =
            map.iter().map(|(a, b)| (a.as_str(), b.as_str())).unzip();
        value = value.replace(
            lit(Series::new("old".into(), old)),
            lit(Series::new("new".into(), new)),
        );
    }
    if config.tags.lowercase_values {
        value = value.str().to_lowercase();
    }
    value
}

/// A derived allocation key: the first source with a value, else the fallback.
pub fn allocation_value(config: &Config, key: &AllocationKey) -> Expr {
    let mut candidates: Vec<Expr> = key
        .from
        .iter()
        .map(|source| match source {
            AllocationSource::Tag(tag) => tag_value(config, tag),
            // Keys may be account ids or account names.
            AllocationSource::Account(map) => coalesce(&[
                lookup(col("SubAccountId"), map),
                lookup(col("SubAccountName"), map),
            ]),
            AllocationSource::Service(map) => lookup(col("ServiceName"), map),
        })
        .collect();
    candidates.push(lit(key.fallback.clone()));
    coalesce(&candidates)
}

fn lookup(column: Expr, map: &std::collections::BTreeMap<String, String>) -> Expr {
    if map.is_empty() {
        return lit(NULL).cast(DataType::String);
    }
    let (old, new): (Vec<&str>, Vec<&str>) =
        map.iter().map(|(a, b)| (a.as_str(), b.as_str())).unzip();
    column.replace_strict(
        lit(Series::new("old".into(), old)),
        lit(Series::new("new".into(), new)),
        Some(lit(NULL).cast(DataType::String)),
        Some(DataType::String),
    )
}

/// Adds one `x_Allocation_NAME` column per configured allocation key (for
/// SQL reports). Lazy: a query that does not read a column never computes it.
pub fn with_allocation_columns(frame: LazyFrame, config: &Config) -> LazyFrame {
    if config.allocation.is_empty() {
        return frame;
    }
    let columns: Vec<Expr> = config
        .allocation
        .iter()
        .map(|key| {
            allocation_value(config, key).alias(format!("{ALLOCATION_COLUMN_PREFIX}{}", key.name))
        })
        .collect();
    frame.with_columns(columns)
}

/// The `billing` table every analysis reads: the dataset's rows with one id
/// per account ([`crate::query::accounts`]), converted into the reporting
/// currency (when configured), with the allocation columns added. The note says how figures were converted, for output.
pub struct Billing {
    pub frame: LazyFrame,
    pub currency_note: Option<String>,
}

pub fn billing(frame: LazyFrame, config: &Config) -> crate::Result<Billing> {
    let frame = crate::query::accounts::with_configured_names(
        crate::query::accounts::canonical_ids(frame),
        config,
    )?;
    let (frame, currency_note) = match (&config.currency.reporting, &config.currency.fx_table) {
        (Some(target), Some(table)) => {
            let table = crate::query::fx::FxTable::load(&config.resolve(table))?;
            let note = format!(
                "figures converted to {target} with {} (rate of the charge date or the latest before it)",
                table.file.display()
            );
            (
                crate::query::fx::convert(frame, &table, target)?,
                Some(note),
            )
        }
        _ => (frame, None),
    };
    Ok(Billing {
        frame: with_allocation_columns(frame, config),
        currency_note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::TagRules;
    use std::collections::BTreeMap;

    fn tags(rows: &[&[(&str, &str)]]) -> DataFrame {
        let fields = vec![
            Field::new("key".into(), DataType::String),
            Field::new("value".into(), DataType::String),
        ];
        let lists: Vec<Series> = rows
            .iter()
            .map(|pairs| {
                let keys = Series::new("key".into(), pairs.iter().map(|p| p.0).collect::<Vec<_>>());
                let values = Series::new(
                    "value".into(),
                    pairs.iter().map(|p| p.1).collect::<Vec<_>>(),
                );
                StructChunked::from_series("".into(), pairs.len(), [keys, values].iter())
                    .unwrap()
                    .into_series()
                    .cast(&DataType::Struct(fields.clone()))
                    .unwrap()
            })
            .collect();
        let mut tags = Series::new("Tags".into(), lists);
        tags = tags
            .cast(&DataType::List(Box::new(DataType::Struct(fields))))
            .unwrap();
        let accounts = Series::new(
            "SubAccountId".into(),
            (0..rows.len())
                .map(|i| format!("acct{i}"))
                .collect::<Vec<_>>(),
        );
        let services = Series::new("ServiceName".into(), vec!["svc"; rows.len()]);
        let names = Series::new(
            "SubAccountName".into(),
            (0..rows.len())
                .map(|i| format!("Account {i}"))
                .collect::<Vec<_>>(),
        );
        DataFrame::new_infer_height(vec![
            tags.into(),
            accounts.into(),
            names.into(),
            services.into(),
        ])
        .unwrap()
    }

    fn values(df: &DataFrame, e: Expr) -> Vec<Option<String>> {
        let out = df.clone().lazy().select([e.alias("v")]).collect().unwrap();
        let v = out.column("v").unwrap().str().unwrap().clone();
        (0..v.len()).map(|i| v.get(i).map(str::to_string)).collect()
    }

    #[test]
    fn aliases_value_maps_and_fallbacks() {
        let df = tags(&[
            &[("user:Team", "Platform-Eng")],
            &[("owner_team", "Data")],
            &[("env", "prod")],
            &[],
        ]);
        let mut config = Config {
            tags: TagRules {
                aliases: BTreeMap::from([(
                    "team".to_string(),
                    vec!["user:team".to_string(), "owner_team".to_string()],
                )]),
                lowercase_values: true,
                values: BTreeMap::from([(
                    "team".to_string(),
                    BTreeMap::from([("Platform-Eng".to_string(), "platform".to_string())]),
                )]),
            },
            ..Config::default()
        };
        assert_eq!(
            values(&df, tag_value(&config, "team")),
            vec![Some("platform".into()), Some("data".into()), None, None]
        );
        config.allocation.push(AllocationKey {
            name: "team".into(),
            from: vec![
                AllocationSource::Tag("team".into()),
                AllocationSource::Account(BTreeMap::from([
                    ("acct2".into(), "web".into()),
                    ("Account 3".into(), "by-name".into()),
                ])),
            ],
            fallback: "(unallocated)".into(),
        });
        assert_eq!(
            values(&df, allocation_value(&config, &config.allocation[0])),
            vec![
                Some("platform".into()),
                Some("data".into()),
                Some("web".into()),
                Some("by-name".into())
            ]
        );
    }
}
