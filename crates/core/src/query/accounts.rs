//! Accounts by name: one canonical id per account, and the name every view
//! shows beside it ("contoso-prod (5a1d…)").
//!
//! Ids: Microsoft's FOCUS export writes a billing account as its Azure
//! resource path (`/providers/Microsoft.Billing/billingAccounts/8611537`)
//! and a subscription as `/subscriptions/<guid>`, where its cost details
//! write `8611537` and `<guid>`; the billing view strips those prefixes so
//! the same account is one group whichever file it came from.
//!
//! Names, later sources winning: the data's own (the latest name per id, by
//! charge day: accounts get renamed), the `[accounts]` file (AWS
//! Organizations' list, since legacy CURs carry no names), then the
//! `[accounts] names` table.

use std::collections::HashMap;
use std::path::Path;

use polars::prelude::*;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::frame::strings;

/// Prefixes that make the same account look like two.
const BILLING_ACCOUNT_PREFIX: &str = "/providers/Microsoft.Billing/billingAccounts/";
const SUBSCRIPTION_PREFIX: &str = "/subscriptions/";

/// The rows with BillingAccountId and SubAccountId in their canonical form.
pub fn canonical_ids(frame: LazyFrame) -> LazyFrame {
    let strip = |column: &str, prefix: &str| {
        let value = col(column);
        when(value.clone().str().starts_with(lit(prefix)))
            .then(value.clone().str().strip_prefix(lit(prefix)))
            .otherwise(value)
            .alias(column)
    };
    frame.with_columns([
        strip("BillingAccountId", BILLING_ACCOUNT_PREFIX),
        strip("SubAccountId", SUBSCRIPTION_PREFIX),
    ])
}

/// The config's account names (its `[accounts]` file, then its table) on
/// the rows, as BillingAccountName and SubAccountName, over the data's own:
/// so SQL reports and exports name the accounts the views name (a legacy
/// CUR has no names at all). Ids the config does not name keep the data's.
pub fn with_configured_names(frame: LazyFrame, config: &Config) -> Result<LazyFrame> {
    let mut names = configured_names(config)?;
    names.retain(|_, name| !name.trim().is_empty());
    if names.is_empty() {
        return Ok(frame);
    }
    let named = |id: &str, name: &str| {
        coalesce(&[
            crate::frame::map_text(col(id), names.clone(), None),
            col(name),
        ])
        .alias(name)
    };
    Ok(frame.with_columns([
        named("BillingAccountId", "BillingAccountName"),
        named("SubAccountId", "SubAccountName"),
    ]))
}

/// The config's names: its `[accounts]` file, then its table (which wins).
fn configured_names(config: &Config) -> Result<HashMap<String, String>> {
    let mut names = HashMap::new();
    if let Some(file) = &config.accounts.file {
        names.extend(read_names_file(&config.resolve(file))?);
    }
    names.extend(
        config
            .accounts
            .names
            .iter()
            .map(|(id, name)| (id.clone(), name.clone())),
    );
    Ok(names)
}

/// Account id -> the name to show with it.
#[derive(Debug, Clone, Default)]
pub struct AccountNames {
    names: HashMap<String, String>,
}

impl AccountNames {
    /// The names of every account in `frame` (the billing view), with the
    /// config's file and table over them.
    pub fn of(frame: LazyFrame, config: &Config) -> Result<AccountNames> {
        let mut names = HashMap::new();
        for (id, name) in [
            ("BillingAccountId", "BillingAccountName"),
            ("SubAccountId", "SubAccountName"),
        ] {
            for (id, name) in latest_names(frame.clone(), id, name)? {
                names.insert(id, name);
            }
        }
        names.extend(configured_names(config)?);
        names.retain(|id, name| !name.trim().is_empty() && name != id);
        Ok(AccountNames { names })
    }

    pub fn name(&self, id: &str) -> Option<&str> {
        self.names.get(id).map(String::as_str)
    }

    /// `name (id)`, or the id alone when it has no name.
    pub fn label(&self, id: &str) -> String {
        match self.name(id) {
            Some(name) => format!("{name} ({id})"),
            None => id.to_string(),
        }
    }
}

/// The latest non-empty name of each id (by charge day).
fn latest_names(frame: LazyFrame, id: &str, name: &str) -> Result<Vec<(String, String)>> {
    let df = frame
        .filter(
            col(id)
                .is_not_null()
                .and(col(name).is_not_null())
                .and(col(name).neq(lit(""))),
        )
        .group_by([col(id).alias("id")])
        // The name on the latest charge day: a lookup, not a sort per group.
        .agg([col(name)
            .get(col("ChargePeriodStart").arg_max(), false)
            .alias("name")])
        .collect_with_engine(Engine::Streaming)
        .map(|r| r.unwrap_single())
        .map_err(|e| Error::polars("reading the account names", e))?;
    Ok(strings(&df, "id")?
        .into_iter()
        .zip(strings(&df, "name")?)
        .collect())
}

/// Id -> name from a CSV with an id and a name column (any of the usual
/// spellings: `Id`/`AccountId`/`account_id`, `Name`/`AccountName`/...), or
/// the JSON `aws organizations list-accounts` prints.
pub fn read_names_file(path: &Path) -> Result<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::io(format!("reading the account names {}", path.display()), e))?;
    if text.trim_start().starts_with('{') {
        let json: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| Error::bad_input(path, format!("is not JSON: {e}")))?;
        let accounts = json["Accounts"].as_array().ok_or_else(|| {
            Error::bad_input(
                path,
                "has no \"Accounts\" list (the output of `aws organizations list-accounts`)",
            )
        })?;
        return Ok(accounts
            .iter()
            .filter_map(|a| {
                Some((
                    a["Id"].as_str()?.to_string(),
                    a["Name"].as_str()?.to_string(),
                ))
            })
            .collect());
    }
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| Error::bad_input(path, e.to_string()))?
        .iter()
        .map(|h| h.to_lowercase().replace([' ', '_'], ""))
        .collect();
    let find = |spellings: &[&str]| headers.iter().position(|h| spellings.contains(&h.as_str()));
    let (Some(id_at), Some(name_at)) = (
        find(&["id", "accountid", "subscriptionid"]),
        find(&["name", "accountname", "subscriptionname"]),
    ) else {
        return Err(Error::bad_input(
            path,
            format!(
                "the account names file needs an id and a name column (Id,Name); it has {}",
                headers.join(", ")
            ),
        ));
    };
    let mut names = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|e| Error::BadValue {
            file: path.to_path_buf(),
            row: index as u64 + 1,
            column: "Id".into(),
            message: e.to_string(),
        })?;
        let id = record.get(id_at).unwrap_or_default();
        let name = record.get(name_at).unwrap_or_default();
        if !id.is_empty() && !name.is_empty() {
            names.push((id.to_string(), name.to_string()));
        }
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn frame() -> LazyFrame {
        let day = |d: u32| {
            NaiveDate::from_ymd_opt(2026, 9, d)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap()
        };
        df!(
            "ChargePeriodStart" => [day(1), day(20), day(5), day(6)],
            "BillingAccountId" => [
                "/providers/Microsoft.Billing/billingAccounts/8611537",
                "8611537",
                "111111111111",
                "111111111111",
            ],
            "BillingAccountName" => [Some("Contoso"), Some("Contoso EA"), None, None],
            "SubAccountId" => [
                "/subscriptions/5a1d",
                "5a1d",
                "222222222222",
                "333333333333",
            ],
            "SubAccountName" => [Some("old-name"), Some("contoso-prod"), Some(""), None],
        )
        .unwrap()
        .lazy()
    }

    #[test]
    fn one_id_per_account_and_its_latest_name() {
        let canonical = canonical_ids(frame()).collect().unwrap();
        let ids = strings(&canonical, "BillingAccountId").unwrap();
        assert_eq!(ids[..2], ["8611537", "8611537"]);
        let subs = strings(&canonical, "SubAccountId").unwrap();
        assert_eq!(subs[..2], ["5a1d", "5a1d"]);

        let names = AccountNames::of(canonical_ids(frame()), &Config::default()).unwrap();
        assert_eq!(names.label("8611537"), "Contoso EA (8611537)");
        assert_eq!(names.label("5a1d"), "contoso-prod (5a1d)");
        assert_eq!(
            names.label("222222222222"),
            "222222222222",
            "an empty name is none"
        );
    }

    #[test]
    fn the_users_names_win_from_a_file_or_the_table() {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("accounts.csv");
        std::fs::write(
            &csv,
            "Id,Arn,Email,Name,Status\n222222222222,arn,a@b,web-prod,ACTIVE\n",
        )
        .unwrap();
        let mut config = Config {
            base_dir: dir.path().to_path_buf(),
            ..Config::default()
        };
        config.accounts.file = Some("accounts.csv".into());
        config
            .accounts
            .names
            .insert("5a1d".into(), "prod (renamed by me)".into());
        let names = AccountNames::of(canonical_ids(frame()), &config).unwrap();
        assert_eq!(names.label("222222222222"), "web-prod (222222222222)");
        assert_eq!(names.name("5a1d"), Some("prod (renamed by me)"));

        let json = dir.path().join("accounts.json");
        std::fs::write(
            &json,
            r#"{"Accounts": [{"Id": "333333333333", "Name": "data", "Status": "ACTIVE"}]}"#,
        )
        .unwrap();
        config.accounts.file = Some(json);
        let names = AccountNames::of(canonical_ids(frame()), &config).unwrap();
        assert_eq!(names.name("333333333333"), Some("data"));

        std::fs::write(&csv, "account,owner\n1,x\n").unwrap();
        config.accounts.file = Some(csv);
        let error = AccountNames::of(frame(), &config).unwrap_err().to_string();
        assert!(error.contains("needs an id and a name column"), "{error}");
    }
}
