//! The settings the app edits in the config file.

use super::*;

impl Backend {
    pub fn settings(&self) -> Result<Settings> {
        let config = self.config()?;
        Ok(Settings {
            data_dir: self.data_dir.display().to_string(),
            config_path: self.config_path.display().to_string(),
            reporting_currency: config.currency.reporting.clone(),
            fx_table: config
                .currency
                .fx_table
                .as_ref()
                .map(|p| config.resolve(p).display().to_string()),
            anomaly_threshold: config.anomalies.threshold,
            anomaly_min_impact: config.anomalies.min_impact,
            tag_aliases: config
                .tags
                .aliases
                .iter()
                .map(|(k, v)| format!("{k} = {}", v.join(", ")))
                .collect(),
            tag_values_ignore_case: config.tags.lowercase_values,
            allocation_keys: config.allocation.iter().map(|k| k.name.clone()).collect(),
            account_names_file: config
                .accounts
                .file
                .as_ref()
                .map(|p| config.resolve(p).display().to_string()),
            account_names: config
                .accounts
                .names
                .iter()
                .map(|(id, name)| format!("{id} = {name}"))
                .collect(),
        })
    }

    /// Writes the edited settings into the config file (comments kept; an
    /// edit that would not load is refused and changes nothing).
    pub fn update_settings(&self, update: SettingsUpdate) -> Result<()> {
        let text = |v: Option<String>| {
            v.map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .map(toml_edit::Value::from)
        };
        let currency = text(update.reporting_currency.map(|c| c.to_uppercase()));
        let fx = text(update.fx_table);
        if currency.is_some() && fx.is_none() {
            return Err(usage(
                "a reporting currency needs an FX table (a date,from,to,rate CSV)",
            ));
        }
        // The config file's own rules (the edit below is refused by them
        // too), named the way the form names the fields.
        use burnrate_core::config::AnomalySettings;
        if let Some(problem) = AnomalySettings::threshold_problem(update.anomaly_threshold) {
            let value = update.anomaly_threshold;
            return Err(usage(&format!("The anomaly threshold {value} {problem}")));
        }
        if let Some(problem) = AnomalySettings::min_impact_problem(update.anomaly_min_impact) {
            let value = update.anomaly_min_impact;
            return Err(usage(&format!(
                "The anomaly minimum impact {value} {problem}"
            )));
        }
        if let (Some(currency), Some(fx)) = (&currency, &fx) {
            self.check_fx_table(
                currency.as_str().unwrap_or_default(),
                fx.as_str().unwrap_or_default(),
            )?;
        }
        let mut aliases: Vec<(String, Vec<String>)> = Vec::new();
        for line in update.tag_aliases.iter().filter(|l| !l.trim().is_empty()) {
            let (key, others) = line.split_once('=').ok_or_else(|| {
                usage(&format!(
                    "tag aliases: {line:?} is not `key = alias, alias`"
                ))
            })?;
            aliases.push((
                key.trim().to_string(),
                others
                    .split(',')
                    .map(|a| a.trim().to_string())
                    .filter(|a| !a.is_empty())
                    .collect(),
            ));
        }
        let mut account_names: Vec<(String, String)> = Vec::new();
        for line in update.account_names.iter().filter(|l| !l.trim().is_empty()) {
            let (id, name) = line
                .split_once('=')
                .map(|(id, name)| (id.trim(), name.trim()))
                .filter(|(id, name)| !id.is_empty() && !name.is_empty())
                .ok_or_else(|| usage(&format!("account names: {line:?} is not `id = name`")))?;
            account_names.push((id.to_string(), name.to_string()));
        }
        let names_file = text(update.account_names_file);
        if let Some(file) = names_file.as_ref().and_then(|f| f.as_str()) {
            // Read now, so a file without an id and a name column is
            // refused here instead of breaking every view.
            let path = self.config()?.resolve(Path::new(file));
            burnrate_core::query::accounts::read_names_file(&path)?;
        }
        // One edit: every value lands together, or (if the file would not
        // load) none does.
        burnrate_core::config::edit::edit(&self.config_path, |e| {
            e.set(&["currency"], "reporting", currency)?;
            e.set(&["currency"], "fx_table", fx)?;
            e.set(
                &["anomalies"],
                "threshold",
                Some(update.anomaly_threshold.into()),
            )?;
            e.set(
                &["anomalies"],
                "min_impact",
                Some(update.anomaly_min_impact.into()),
            )?;
            e.set(
                &["tags"],
                "lowercase_values",
                Some(update.tag_values_ignore_case.into()),
            )?;
            for key in e.keys(&["tags", "aliases"])? {
                if !aliases.iter().any(|(k, _)| *k == key) {
                    e.set(&["tags", "aliases"], &key, None)?;
                }
            }
            for (key, others) in &aliases {
                let array: toml_edit::Array = others.iter().map(String::as_str).collect();
                e.set(&["tags", "aliases"], key, Some(array.into()))?;
            }
            e.set(&["accounts"], "file", names_file)?;
            for id in e.keys(&["accounts", "names"])? {
                if !account_names.iter().any(|(i, _)| *i == id) {
                    e.set(&["accounts", "names"], &id, None)?;
                }
            }
            for (id, name) in &account_names {
                e.set(&["accounts", "names"], id, Some(name.as_str().into()))?;
            }
            Ok(())
        })?;
        Ok(())
    }

    /// An FX table must read, and must have a rate for every currency of
    /// the dataset on or before its first charge: saved otherwise, every
    /// view would fail on the first conversion.
    fn check_fx_table(&self, currency: &str, fx: &str) -> Result<()> {
        let path = self.config()?.resolve(std::path::Path::new(fx));
        let table = burnrate_core::query::fx::FxTable::load(&path)?;
        let dataset = Dataset::open(&self.data_dir)?;
        let snapshot = dataset.snapshot()?;
        // The conversion's first pass looks up a rate for every currency
        // and day of the data; the converted rows themselves are not needed.
        let _converted = burnrate_core::query::fx::convert(snapshot.scan()?, &table, currency)?;
        Ok(())
    }
}
