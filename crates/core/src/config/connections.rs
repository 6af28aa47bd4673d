//! Saved cloud connections (`[[connections]]`): one variant per kind, each
//! with the fields that kind reads, so a field of another kind is an
//! error in the file instead of being ignored. No secrets: credentials come
//! from each provider's chain. Pulling them is `burnrate_cloud::connections`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(tag = "kind")]
pub enum Connection {
    /// AWS Cost Explorer.
    #[serde(rename = "aws-ce")]
    AwsCe(AwsCostExplorer),
    /// CUR / Data Exports deliveries in S3.
    #[serde(rename = "aws-cur")]
    AwsCur(AwsCur),
    /// The Azure Cost Management Query API.
    #[serde(rename = "azure-query")]
    AzureQuery(AzureQuery),
    /// Azure Cost Management exports in Blob storage.
    #[serde(rename = "azure-export")]
    AzureExport(AzureExport),
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AwsCostExplorer {
    pub name: String,
    /// The payer account the data belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_account: Option<String>,
    /// Whole months to pull back from the current one (default 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub months: Option<u32>,
    /// `account` (default) or `tag:KEY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_by: Option<String>,
    /// An AWS shared-config profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_url: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AwsCur {
    pub name: String,
    /// `s3://bucket/prefix`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_url: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AzureQuery {
    pub name: String,
    /// The Cost Management scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// `actual`, `amortized` or `both` (default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_type: Option<String>,
    /// Whole months to pull back from the current one (default 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub months: Option<u32>,
    /// One or two groupings (default `ServiceName,SubscriptionId`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_url: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AzureExport {
    pub name: String,
    /// The container URL and path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl Connection {
    /// Every kind, as the file names them.
    pub const KINDS: [&'static str; 4] = ["aws-ce", "aws-cur", "azure-query", "azure-export"];

    pub fn name(&self) -> &str {
        match self {
            Connection::AwsCe(c) => &c.name,
            Connection::AwsCur(c) => &c.name,
            Connection::AzureQuery(c) => &c.name,
            Connection::AzureExport(c) => &c.name,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Connection::AwsCe(_) => "aws-ce",
            Connection::AwsCur(_) => "aws-cur",
            Connection::AzureQuery(_) => "azure-query",
            Connection::AzureExport(_) => "azure-export",
        }
    }

    /// The fields a kind cannot do without, as a message.
    pub fn validate(&self) -> Result<(), String> {
        let what = format!("connection {:?}", self.name());
        let missing = match self {
            Connection::AwsCe(c) if c.billing_account.is_none() => {
                "aws-ce needs billing_account (the payer account id)"
            }
            Connection::AwsCur(c) if c.url.is_none() => {
                "aws-cur needs url = \"s3://bucket/prefix\""
            }
            Connection::AzureExport(c) if c.url.is_none() => {
                "azure-export needs url = \"https://ACCOUNT.blob.core.windows.net/CONTAINER/PATH\""
            }
            Connection::AzureQuery(c) if c.scope.is_none() => {
                "azure-query needs scope = \"subscriptions/ID\" (or another Cost Management scope)"
            }
            _ => return Ok(()),
        };
        Err(format!("{what}: {missing}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, Serialize)]
    struct File {
        connections: Vec<Connection>,
    }

    #[test]
    fn each_kind_reads_its_own_fields_only() {
        let file: File = toml::from_str(
            "[[connections]]\nname = \"payer\"\nkind = \"aws-ce\"\nbilling_account = \"111111111111\"\n\n[[connections]]\nname = \"blob\"\nkind = \"azure-export\"\nurl = \"https://a.blob.core.windows.net/c/p\"\n",
        )
        .unwrap();
        assert_eq!(file.connections[0].kind(), "aws-ce");
        assert_eq!(file.connections[1].name(), "blob");
        assert!(file.connections.iter().all(|c| c.validate().is_ok()));
        let again: File = toml::from_str(&toml::to_string(&file).unwrap()).unwrap();
        assert_eq!(again.connections, file.connections);

        let other_kinds_field = toml::from_str::<File>(
            "[[connections]]\nname = \"payer\"\nkind = \"aws-ce\"\nscope = \"subscriptions/x\"\n",
        );
        assert!(other_kinds_field.is_err());
        let unknown_kind =
            toml::from_str::<File>("[[connections]]\nname = \"x\"\nkind = \"gcp-bq\"\n");
        assert!(unknown_kind.unwrap_err().to_string().contains("aws-ce"));
        let missing = Connection::AwsCur(AwsCur {
            name: "cur".into(),
            ..AwsCur::default()
        });
        assert!(
            missing
                .validate()
                .unwrap_err()
                .contains("aws-cur needs url")
        );
    }
}
