//! Azure Cost Management exports delivered to Blob storage.
//!
//! Given `https://ACCOUNT.blob.core.windows.net/CONTAINER/PATH` (or, for
//! Azurite and other compatible endpoints, `http://HOST:PORT/ACCOUNT/
//! CONTAINER/PATH`), lists the blobs, groups them by billing period folder
//! (`YYYYMMDD-YYYYMMDD`) and takes each period's latest run: the newest
//! `manifest.json` and the blobs it lists (partitioned exports), else the
//! newest CSV file. Blobs are mirrored into `<data dir>/cache/azure/`
//! (downloaded only when their ETag changed), a run's parts are joined into
//! one file, and that file is imported through the file adapters (actual,
//! amortized or FOCUS exports alike): a re-run replaces the period.
//!
//! Credentials: the storage account key in `AZURE_STORAGE_KEY` or a SAS
//! token in `AZURE_STORAGE_SAS_TOKEN` (read from the environment, never
//! stored).

use std::collections::BTreeMap;
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};

use azure_storage::{CloudLocation, StorageCredentials};
use azure_storage_blobs::prelude::{ClientBuilder, ContainerClient};
use chrono::{DateTime, Utc};
use futures::StreamExt;

use crate::PullError;
use burnrate_core::store::{Dataset, ImportOutcome};

#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    pub account: String,
    pub container: String,
    pub path: String,
    /// The account's base URL for non-public endpoints (Azurite).
    pub custom_uri: Option<String>,
}

pub fn parse_url(url: &str) -> Result<Location, PullError> {
    let usage = |m: &str| PullError::Core(burnrate_core::Error::Usage(format!("{url:?}: {m}")));
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| usage("not an http(s) URL"))?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut segments = path.split('/').filter(|s| !s.is_empty());
    if let Some(account) = host.strip_suffix(".blob.core.windows.net") {
        let container = segments.next().ok_or_else(|| usage("names no container"))?;
        return Ok(Location {
            account: account.to_string(),
            container: container.to_string(),
            path: segments.collect::<Vec<_>>().join("/"),
            custom_uri: None,
        });
    }
    let account = segments
        .next()
        .ok_or_else(|| usage("names no account (http://host:port/ACCOUNT/CONTAINER/PATH)"))?;
    let container = segments.next().ok_or_else(|| usage("names no container"))?;
    Ok(Location {
        account: account.to_string(),
        container: container.to_string(),
        path: segments.collect::<Vec<_>>().join("/"),
        custom_uri: Some(format!("{scheme}://{host}/{account}")),
    })
}

fn container(location: &Location) -> Result<ContainerClient, PullError> {
    let credentials = if let Ok(key) = std::env::var("AZURE_STORAGE_KEY") {
        StorageCredentials::access_key(location.account.clone(), key)
    } else if let Ok(sas) = std::env::var("AZURE_STORAGE_SAS_TOKEN") {
        StorageCredentials::sas_token(sas).map_err(|e| {
            PullError::Credentials(format!("AZURE_STORAGE_SAS_TOKEN is not a SAS token: {e}"))
        })?
    } else {
        // No key or SAS: sign in through azure_identity's chain (service
        // principal variables, managed identity, `az login`); the identity
        // needs the Storage Blob Data Reader role.
        let credential = azure_identity::DefaultAzureCredential::create(
            azure_identity::TokenCredentialOptions::default(),
        )
        .map_err(|e| {
            PullError::Credentials(format!(
                "storage account {}: {e}; {CREDENTIALS_HELP}",
                location.account
            ))
        })?;
        StorageCredentials::token_credential(std::sync::Arc::new(credential))
    };
    let cloud = match &location.custom_uri {
        Some(uri) => CloudLocation::Custom {
            account: location.account.clone(),
            uri: uri.clone(),
        },
        None => CloudLocation::Public {
            account: location.account.clone(),
        },
    };
    Ok(ClientBuilder::with_location(cloud, credentials)
        .container_client(location.container.clone()))
}

#[derive(Debug, Clone)]
struct BlobInfo {
    name: String,
    etag: String,
    modified: i128,
}

const CREDENTIALS_HELP: &str = "set AZURE_STORAGE_KEY (an account key) or AZURE_STORAGE_SAS_TOKEN (a read/list SAS), or sign in with `az login` or AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET as an identity with the Storage Blob Data Reader role";

fn explain(what: &str, error: azure_core::Error) -> PullError {
    let text = error.to_string();
    let lower = text.to_lowercase();
    if *error.kind() == azure_core::error::ErrorKind::Credential || lower.contains("credential") {
        return PullError::Credentials(format!(
            "{what}: no usable Azure credentials ({text}); {CREDENTIALS_HELP}"
        ));
    }
    if lower.contains("containernotfound") || lower.contains("404") {
        PullError::Api(format!("{what}: the container does not exist ({text})"))
    } else if lower.contains("authentication") || lower.contains("403") {
        PullError::Credentials(format!(
            "{what}: the storage account refused the credentials ({text}); check AZURE_STORAGE_KEY or the SAS token (it needs read and list), or give the signed-in identity the Storage Blob Data Reader role"
        ))
    } else {
        PullError::Api(format!("{what}: {text}"))
    }
}

async fn list(client: &ContainerClient, prefix: &str) -> Result<Vec<BlobInfo>, PullError> {
    let mut out = Vec::new();
    let mut stream = client.list_blobs().prefix(prefix.to_string()).into_stream();
    while let Some(page) = stream.next().await {
        let page = page.map_err(|e| explain("listing the container", e))?;
        for blob in page.blobs.blobs() {
            out.push(BlobInfo {
                name: blob.name.clone(),
                etag: blob.properties.etag.to_string(),
                modified: blob.properties.last_modified.unix_timestamp_nanos(),
            });
        }
    }
    Ok(out)
}

/// The billing period folder a blob is in (`YYYYMMDD-YYYYMMDD`).
pub fn period_of(name: &str) -> Option<&str> {
    name.split('/').find(|s| {
        s.len() == 17
            && s.as_bytes()[8] == b'-'
            && s.chars()
                .enumerate()
                .all(|(i, c)| i == 8 || c.is_ascii_digit())
    })
}

/// Each period's latest run: the blobs to import.
fn latest_runs(blobs: &[BlobInfo]) -> Result<BTreeMap<String, Vec<BlobInfo>>, PullError> {
    let mut by_period: BTreeMap<String, Vec<&BlobInfo>> = BTreeMap::new();
    for blob in blobs {
        if let Some(period) = period_of(&blob.name) {
            by_period.entry(period.to_string()).or_default().push(blob);
        }
    }
    let mut runs = BTreeMap::new();
    for (period, blobs) in by_period {
        let data = |b: &&BlobInfo| {
            let n = b.name.to_lowercase();
            n.ends_with(".csv") || n.ends_with(".csv.gz")
        };
        let newest_manifest = blobs
            .iter()
            .filter(|b| b.name.ends_with("manifest.json"))
            .max_by_key(|b| b.modified);
        let chosen: Vec<BlobInfo> = match newest_manifest {
            // A partitioned run: the data blobs in the manifest's folder.
            Some(manifest) => {
                let folder = manifest.name.rsplit_once('/').map(|(f, _)| f).unwrap_or("");
                blobs
                    .iter()
                    .filter(|b| data(b) && b.name.rsplit_once('/').map(|(f, _)| f) == Some(folder))
                    .map(|b| (*b).clone())
                    .collect()
            }
            None => blobs
                .iter()
                .filter(|b| data(b))
                .max_by_key(|b| b.modified)
                .map(|b| vec![(*b).clone()])
                .unwrap_or_default(),
        };
        if !chosen.is_empty() {
            runs.insert(period, chosen);
        }
    }
    Ok(runs)
}

async fn mirror(
    client: &ContainerClient,
    blob: &BlobInfo,
    cache: &Path,
) -> Result<(PathBuf, bool), PullError> {
    let target = blob
        .name
        .split('/')
        .filter(|c| !c.is_empty() && *c != "." && *c != "..")
        .fold(cache.to_path_buf(), |p, c| p.join(c));
    if crate::staging::cached_copy_is_current(&target, &blob.etag) {
        return Ok((target, false));
    }
    let io = |e: std::io::Error| {
        PullError::Core(burnrate_core::Error::io(
            format!("writing {}", target.display()),
            e,
        ))
    };
    let dir = target.parent().expect("a blob has a folder");
    std::fs::create_dir_all(dir).map_err(io)?;
    // Streamed to disk range by range, chunk by chunk: exports can be
    // gigabytes.
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    let mut ranges = client.blob_client(blob.name.clone()).get().into_stream();
    while let Some(range) = ranges.next().await {
        let mut data = range
            .map_err(|e| explain(&format!("downloading {}", blob.name), e))?
            .data;
        while let Some(chunk) = data.next().await {
            let chunk = chunk.map_err(|e| explain(&format!("downloading {}", blob.name), e))?;
            temp.write_all(&chunk).map_err(io)?;
        }
    }
    temp.as_file().sync_all().map_err(io)?;
    temp.persist(&target).map_err(|e| io(e.error))?;
    std::fs::write(crate::staging::etag_path(&target), &blob.etag).map_err(io)?;
    Ok((target, true))
}

/// One period's run, mirrored locally.
#[derive(Debug)]
pub struct Fetched {
    pub period: String,
    pub files: Vec<PathBuf>,
    pub downloaded: usize,
    pub unchanged: usize,
}

/// Checks a connection: the container lists under the path, and says
/// which billing periods have an export run.
pub async fn check(url: &str) -> Result<String, PullError> {
    let location = parse_url(url)?;
    let client = container(&location)?;
    let blobs = list(&client, &location.path).await?;
    let runs = latest_runs(&blobs)?;
    Ok(format!(
        "{} blob(s) under the path; export runs for {}",
        blobs.len(),
        if runs.is_empty() {
            "no period (CSV files in YYYYMMDD-YYYYMMDD folders)".to_string()
        } else {
            runs.keys().cloned().collect::<Vec<_>>().join(", ")
        }
    ))
}

pub async fn fetch(url: &str, cache: &Path) -> Result<Vec<Fetched>, PullError> {
    let location = parse_url(url)?;
    let client = container(&location)?;
    let blobs = list(&client, &location.path).await?;
    let runs = latest_runs(&blobs)?;
    if runs.is_empty() {
        return Err(PullError::Api(format!(
            "{url}: no export run found (CSV files in YYYYMMDD-YYYYMMDD folders)"
        )));
    }
    let cache = cache.join(&location.account).join(&location.container);
    let mut out = Vec::new();
    for (period, blobs) in runs {
        let mut fetched = Fetched {
            period,
            files: Vec::new(),
            downloaded: 0,
            unchanged: 0,
        };
        for blob in &blobs {
            let (path, downloaded) = mirror(&client, blob, &cache).await?;
            if downloaded {
                fetched.downloaded += 1;
            } else {
                fetched.unchanged += 1;
            }
            fetched.files.push(path);
        }
        out.push(fetched);
    }
    Ok(out)
}

/// Joins a run's parts into one CSV (one header), decompressing gzip parts.
fn join_parts(parts: &[PathBuf], target: &Path) -> Result<(), PullError> {
    let io = |p: &Path, e: std::io::Error| {
        PullError::Core(burnrate_core::Error::io(
            format!("joining {}", p.display()),
            e,
        ))
    };
    let mut out =
        std::io::BufWriter::new(std::fs::File::create(target).map_err(|e| io(target, e))?);
    for (index, part) in parts.iter().enumerate() {
        let file = std::fs::File::open(part).map_err(|e| io(part, e))?;
        let reader: Box<dyn Read> = if part.to_string_lossy().to_lowercase().ends_with(".gz") {
            Box::new(flate2::read::MultiGzDecoder::new(file))
        } else {
            Box::new(file)
        };
        let mut lines = std::io::BufReader::new(reader);
        let mut header = String::new();
        lines.read_line(&mut header).map_err(|e| io(part, e))?;
        if index == 0 {
            out.write_all(header.as_bytes())
                .map_err(|e| io(target, e))?;
            if !header.ends_with('\n') {
                out.write_all(b"\n").map_err(|e| io(target, e))?;
            }
        }
        std::io::copy(&mut lines, &mut out).map_err(|e| io(part, e))?;
    }
    out.flush().map_err(|e| io(target, e))
}

/// Imports each period's run (one source per run).
pub fn land(
    dataset: &Dataset,
    fetched: Vec<Fetched>,
    now: DateTime<Utc>,
) -> Result<Vec<(Fetched, ImportOutcome)>, PullError> {
    let staging = tempfile::Builder::new()
        .prefix("azure-export-")
        .tempdir_in(dataset.temp_dir())
        .map_err(|e| PullError::Core(burnrate_core::Error::io("creating a staging folder", e)))?;
    let mut out = Vec::new();
    for run in fetched {
        let outcome = if run.files.len() == 1 {
            dataset.import(&run.files[0], now)?
        } else {
            let joined = staging
                .path()
                .join(format!("azure-export-{}.csv", run.period));
            join_parts(&run.files, &joined)?;
            dataset.import(&joined, now)?
        };
        out.push((run, outcome));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_periods() {
        let public = parse_url("https://acct.blob.core.windows.net/exports/cost/daily").unwrap();
        assert_eq!(
            (
                public.account.as_str(),
                public.container.as_str(),
                public.path.as_str()
            ),
            ("acct", "exports", "cost/daily")
        );
        assert_eq!(public.custom_uri, None);
        let local = parse_url("http://127.0.0.1:10000/devstoreaccount1/exports/cost").unwrap();
        assert_eq!(
            local.custom_uri.as_deref(),
            Some("http://127.0.0.1:10000/devstoreaccount1")
        );
        assert_eq!(local.path, "cost");
        assert_eq!(
            period_of("cost/daily/20261001-20261031/run-1/part_1.csv"),
            Some("20261001-20261031")
        );
        assert_eq!(period_of("cost/daily/part_1.csv"), None);
    }

    #[test]
    fn the_latest_run_per_period() {
        let blob = |name: &str, modified: i128| BlobInfo {
            name: name.into(),
            etag: "e".into(),
            modified,
        };
        let runs = latest_runs(&[
            blob("x/20261001-20261031/run-a/manifest.json", 1),
            blob("x/20261001-20261031/run-a/part_1.csv", 1),
            blob("x/20261001-20261031/run-b/manifest.json", 2),
            blob("x/20261001-20261031/run-b/part_1.csv", 2),
            blob("x/20261001-20261031/run-b/part_2.csv.gz", 2),
            blob("x/20260901-20260930/export_old.csv", 1),
            blob("x/20260901-20260930/export_new.csv", 5),
        ])
        .unwrap();
        let names = |p: &str| runs[p].iter().map(|b| b.name.as_str()).collect::<Vec<_>>();
        assert_eq!(
            names("20261001-20261031"),
            vec![
                "x/20261001-20261031/run-b/part_1.csv",
                "x/20261001-20261031/run-b/part_2.csv.gz"
            ]
        );
        assert_eq!(
            names("20260901-20260930"),
            vec!["x/20260901-20260930/export_new.csv"]
        );
    }
}
