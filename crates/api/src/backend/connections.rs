//! Saved cloud connections: list, save, remove, check and pull with a streamed log.

use super::*;
use burnrate_core::config::connections as kinds;

impl Backend {
    pub fn connections(&self) -> Result<Vec<ConnectionForm>> {
        Ok(self
            .config()?
            .connections
            .iter()
            .map(connection_form)
            .collect())
    }

    /// Adds a connection (`original` None) or replaces the one named
    /// `original`, after checking the fields its kind needs.
    pub fn save_connection(&self, original: Option<String>, form: ConnectionForm) -> Result<()> {
        let connection = connection_of(form)?;
        let path = &self.config_path;
        match original {
            None => burnrate_core::config::edit::add_connection(path, &connection)?,
            Some(name) => {
                burnrate_core::config::edit::replace_connection(path, &name, &connection)?
            }
        }
        Ok(())
    }

    /// The saved connection named `name`.
    fn connection(&self, name: &str) -> Result<burnrate_core::config::Connection> {
        self.config()?
            .connections
            .into_iter()
            .find(|c| c.name() == name)
            .ok_or_else(|| usage(&format!("no connection {name:?} in the config file")))
    }

    pub fn remove_connection(&self, name: &str) -> Result<()> {
        Ok(burnrate_core::config::edit::remove_connection(
            &self.config_path,
            name,
        )?)
    }

    /// Checks a saved connection without pulling (location, credentials,
    /// and where it costs nothing, that the service answers).
    pub fn check_connection(&self, name: &str) -> Result<String> {
        let connection = self.connection(name)?;
        burnrate_cloud::connections::check_connection(&connection).map_err(pull_error)
    }

    /// Pulls one saved connection into the dataset, handing each line of
    /// its log to `progress` as it is written.
    pub fn pull_connection(
        &self,
        name: &str,
        progress: &mut dyn FnMut(String),
    ) -> Result<PullResult> {
        let connection = self.connection(name)?;
        let dataset = self.dataset()?;
        let mut log = LineLog {
            lines: Vec::new(),
            partial: String::new(),
            progress,
        };
        let outcome = burnrate_cloud::connections::pull_connection(
            &dataset,
            &self.data_dir,
            &connection,
            &mut log,
        );
        log.flush_partial();
        Ok(PullResult {
            connection: name.to_string(),
            ok: outcome.is_ok(),
            log: log.lines,
            error: outcome.err().map(pull_error),
        })
    }
}

fn pull_error(error: burnrate_cloud::PullError) -> ApiError {
    let code = match &error {
        burnrate_cloud::PullError::Credentials(_) => Code::Credentials,
        burnrate_cloud::PullError::Api(_) => Code::Api,
        burnrate_cloud::PullError::Core(core) => Code::of(core),
    };
    ApiError::new(code, error.to_string())
}

/// A `Write` that hands each complete line to a callback and keeps them.
struct LineLog<'a> {
    lines: Vec<String>,
    partial: String,
    progress: &'a mut dyn FnMut(String),
}

impl LineLog<'_> {
    fn flush_partial(&mut self) {
        if !self.partial.is_empty() {
            let line = std::mem::take(&mut self.partial);
            (self.progress)(line.clone());
            self.lines.push(line);
        }
    }
}

impl std::io::Write for LineLog<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.partial.push_str(&String::from_utf8_lossy(bytes));
        while let Some(at) = self.partial.find('\n') {
            let line: String = self.partial.drain(..=at).collect();
            let line = line.trim_end().to_string();
            (self.progress)(line.clone());
            self.lines.push(line);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn connection_form(connection: &Connection) -> ConnectionForm {
    let mut form = ConnectionForm {
        name: connection.name().to_string(),
        kind: connection.kind().to_string(),
        ..ConnectionForm::default()
    };
    match connection.clone() {
        Connection::AwsCe(c) => {
            form.billing_account = c.billing_account;
            form.months = c.months;
            form.group_by = c.group_by;
            form.profile = c.profile;
            form.endpoint_url = c.endpoint_url;
        }
        Connection::AwsCur(c) => {
            form.url = c.url;
            form.region = c.region;
            form.profile = c.profile;
            form.endpoint_url = c.endpoint_url;
        }
        Connection::AzureQuery(c) => {
            form.scope = c.scope;
            form.cost_type = c.cost_type;
            form.months = c.months;
            form.group_by = c.group_by;
            form.endpoint_url = c.endpoint_url;
        }
        Connection::AzureExport(c) => form.url = c.url,
    }
    form
}

/// A connection from the form: the fields of its kind (blank ones absent),
/// with those the kind needs present and valid.
fn connection_of(form: ConnectionForm) -> Result<Connection> {
    let clean = |v: Option<String>| v.map(|t| t.trim().to_string()).filter(|t| !t.is_empty());
    let name = form.name.trim().to_string();
    if name.is_empty() {
        return Err(usage("the connection needs a name"));
    }
    let kind = form.kind.trim();
    let need = |field: &Option<String>, what: &str| match field {
        Some(_) => Ok(()),
        None => Err(usage(&format!("a {kind} connection needs {what}"))),
    };
    let connection = match kind {
        "aws-ce" => {
            let c = kinds::AwsCostExplorer {
                name,
                billing_account: clean(form.billing_account),
                months: form.months,
                group_by: clean(form.group_by),
                profile: clean(form.profile),
                endpoint_url: clean(form.endpoint_url),
            };
            need(&c.billing_account, "the payer account id")?;
            Connection::AwsCe(c)
        }
        "aws-cur" => {
            let c = kinds::AwsCur {
                name,
                url: clean(form.url),
                region: clean(form.region),
                profile: clean(form.profile),
                endpoint_url: clean(form.endpoint_url),
            };
            need(&c.url, "an s3://bucket/prefix URL")?;
            if !c.url.as_deref().unwrap_or("").starts_with("s3://") {
                return Err(usage("the CUR location is an s3://bucket/prefix URL"));
            }
            Connection::AwsCur(c)
        }
        "azure-export" => {
            let c = kinds::AzureExport {
                name,
                url: clean(form.url),
            };
            need(&c.url, "the container URL and path")?;
            Connection::AzureExport(c)
        }
        "azure-query" => {
            let c = kinds::AzureQuery {
                name,
                scope: clean(form.scope),
                cost_type: clean(form.cost_type),
                months: form.months,
                group_by: clean(form.group_by),
                endpoint_url: clean(form.endpoint_url),
            };
            need(&c.scope, "a scope")?;
            burnrate_cloud::azure::query::normalize_scope(c.scope.as_deref().unwrap_or(""))
                .map_err(|e| usage(&e.to_string()))?;
            burnrate_cloud::azure::query::cost_types(c.cost_type.as_deref().unwrap_or("both"))
                .map_err(|e| usage(&e.to_string()))?;
            if let Some(groups) = &c.group_by {
                burnrate_cloud::azure::query::groupings(groups)
                    .map_err(|e| usage(&e.to_string()))?;
            }
            Connection::AzureQuery(c)
        }
        other => {
            return Err(usage(&format!(
                "unknown kind {other:?}: use {}",
                Connection::KINDS.join(", ")
            )));
        }
    };
    Ok(connection)
}
