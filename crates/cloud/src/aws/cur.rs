//! AWS CUR / Data Exports delivered to S3: `s3://bucket/prefix`.
//!
//! Lists the prefix, takes each billing period's manifest
//! (`.../YYYYMMDD-YYYYMMDD/<report>-Manifest.json`, whose `reportKeys` name
//! the latest assembly's parts), mirrors the manifest and its parts into
//! `<data dir>/cache/s3/<bucket>/<key>` (downloading only objects whose ETag
//! changed, each through a temporary file and a rename), then imports the
//! local manifest through the file adapters: a re-delivered month replaces
//! the earlier one, an unchanged one changes nothing, and a failed download
//! stops before the import, leaving the dataset as it was.

use std::io::Write;
use std::path::{Path, PathBuf};

use aws_sdk_s3::primitives::ByteStream;
use chrono::{DateTime, Utc};

use crate::PullError;
use burnrate_core::store::{Dataset, ImportOutcome};

#[derive(Debug, Clone)]
pub struct Options {
    /// `s3://bucket/prefix`
    pub url: String,
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
}

/// What a pull did per billing period.
#[derive(Debug)]
pub struct PeriodPull {
    pub manifest_key: String,
    pub downloaded: usize,
    pub unchanged: usize,
    pub outcome: ImportOutcome,
}

pub fn parse_url(url: &str) -> Result<(String, String), PullError> {
    let rest = url.strip_prefix("s3://").ok_or_else(|| {
        PullError::Core(burnrate_core::Error::Usage(format!(
            "{url:?} is not an s3:// URL (s3://bucket/prefix)"
        )))
    })?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(PullError::Core(burnrate_core::Error::Usage(format!(
            "{url:?} names no bucket"
        ))));
    }
    Ok((bucket.to_string(), prefix.trim_end_matches('/').to_string()))
}

/// Is this key a billing period's manifest (not an assembly's copy)?
pub fn is_period_manifest(key: &str) -> bool {
    let mut parts = key.rsplit('/');
    let (Some(file), Some(folder)) = (parts.next(), parts.next()) else {
        return false;
    };
    let period = folder.len() == 17
        && folder.as_bytes()[8] == b'-'
        && folder
            .chars()
            .enumerate()
            .all(|(i, c)| i == 8 || c.is_ascii_digit());
    file.ends_with("-Manifest.json") && period
}

async fn client(options: &Options) -> aws_sdk_s3::Client {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(6));
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &options.region {
        loader = loader.region(aws_config::Region::new(region.clone()));
    } else {
        loader = loader.region(aws_config::Region::new("us-east-1"));
    }
    if let Some(url) = &options.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let config = loader.load().await;
    // Path-style addressing works with every compatible endpoint.
    let s3 = aws_sdk_s3::config::Builder::from(&config)
        .force_path_style(options.endpoint_url.is_some())
        .build();
    aws_sdk_s3::Client::from_conf(s3)
}

fn explain<E: std::error::Error + 'static>(
    what: &str,
    error: aws_sdk_s3::error::SdkError<E>,
    options: &Options,
) -> PullError {
    let detail = format!("{}", aws_sdk_s3::error::DisplayErrorContext(&error));
    let lower = detail.to_lowercase();
    let how = match &options.profile {
        Some(p) => format!("check the profile {p:?} (`aws sso login --profile {p}` if it uses SSO)"),
        None => "set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run `aws configure` / `aws sso login`".into(),
    };
    if lower.contains("nosuchbucket") {
        PullError::Api(format!(
            "{}: the bucket does not exist ({what})",
            options.url
        ))
    } else if lower.contains("credential")
        || lower.contains("expiredtoken")
        || lower.contains("accessdenied")
        || lower.contains("invalidaccesskeyid")
    {
        PullError::Credentials(format!(
            "AWS refused or found no credentials ({what}): {how}; the identity needs s3:ListBucket and s3:GetObject on {}",
            options.url
        ))
    } else {
        PullError::Api(format!("S3 {what} failed: {detail}"))
    }
}

/// Checks a connection: the bucket lists under the prefix (one page), and
/// says how many billing-period manifests that page holds.
pub async fn check(options: &Options) -> Result<String, PullError> {
    let (bucket, prefix) = parse_url(&options.url)?;
    let client = client(options).await;
    let page = client
        .list_objects_v2()
        .bucket(&bucket)
        .prefix(&prefix)
        .max_keys(1000)
        .send()
        .await
        .map_err(|e| explain("listing the bucket", e, options))?;
    let keys: Vec<&str> = page.contents().iter().filter_map(|o| o.key()).collect();
    let manifests = keys.iter().filter(|k| is_period_manifest(k)).count();
    Ok(format!(
        "s3://{bucket}/{prefix} lists: {} object(s){}, {manifests} billing-period manifest(s)",
        keys.len(),
        if page.is_truncated().unwrap_or(false) {
            " in the first page"
        } else {
            ""
        }
    ))
}

/// Every key (with its ETag) under the prefix, following continuation tokens.
async fn list(
    client: &aws_sdk_s3::Client,
    bucket: &str,
    prefix: &str,
    options: &Options,
) -> Result<Vec<(String, String)>, PullError> {
    let mut keys = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let response = client
            .list_objects_v2()
            .bucket(bucket)
            .prefix(prefix)
            .set_continuation_token(token.clone())
            .send()
            .await
            .map_err(|e| explain("listing the bucket", e, options))?;
        for object in response.contents() {
            if let Some(key) = object.key() {
                keys.push((key.to_string(), object.e_tag().unwrap_or("").to_string()));
            }
        }
        token = response.next_continuation_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    Ok(keys)
}

fn local_path(cache: &Path, bucket: &str, key: &str) -> PathBuf {
    key.split('/')
        .filter(|c| !c.is_empty() && *c != "." && *c != "..")
        .fold(cache.join(bucket), |p, c| p.join(c))
}

/// Downloads `key` unless the cached copy has the same ETag. Returns
/// whether it downloaded.
async fn mirror(
    client: &aws_sdk_s3::Client,
    bucket: &str,
    key: &str,
    etag: &str,
    cache: &Path,
    options: &Options,
) -> Result<bool, PullError> {
    let target = local_path(cache, bucket, key);
    if crate::staging::cached_copy_is_current(&target, etag) {
        return Ok(false);
    }
    let io = |e: std::io::Error| {
        PullError::Core(burnrate_core::Error::io(
            format!("writing {}", target.display()),
            e,
        ))
    };
    let dir = target.parent().expect("a key has a folder");
    std::fs::create_dir_all(dir).map_err(io)?;
    let response = client
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .map_err(|e| explain(&format!("downloading {key}"), e, options))?;
    // Streamed to disk chunk by chunk: CUR parts can be gigabytes.
    let mut body: ByteStream = response.body;
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(io)?;
    while let Some(chunk) = body.next().await {
        let chunk =
            chunk.map_err(|e| PullError::Api(format!("downloading {key} was interrupted: {e}")))?;
        temp.write_all(&chunk).map_err(io)?;
    }
    temp.as_file().sync_all().map_err(io)?;
    temp.persist(&target).map_err(|e| io(e.error))?;
    std::fs::write(crate::staging::etag_path(&target), etag).map_err(io)?;
    Ok(true)
}

/// Mirrors every billing period's current delivery; returns the local
/// manifests with download counts. Nothing is imported here.
pub async fn fetch(
    options: &Options,
    cache: &Path,
) -> Result<Vec<(String, PathBuf, usize, usize)>, PullError> {
    let (bucket, prefix) = parse_url(&options.url)?;
    let client = client(options).await;
    let objects = list(&client, &bucket, &prefix, options).await?;
    let etag_of = |key: &str| {
        objects
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, e)| e.clone())
    };
    let mut manifests: Vec<&(String, String)> = objects
        .iter()
        .filter(|(k, _)| is_period_manifest(k))
        .collect();
    manifests.sort();
    if manifests.is_empty() {
        return Err(PullError::Api(format!(
            "{}: no CUR manifest (YYYYMMDD-YYYYMMDD/<report>-Manifest.json) under this prefix",
            options.url
        )));
    }
    let mut out = Vec::new();
    for (key, etag) in manifests {
        let mut downloaded =
            usize::from(mirror(&client, &bucket, key, etag, cache, options).await?);
        let local = local_path(cache, &bucket, key);
        let (manifest, _) = read_manifest(&local)?;
        let mut unchanged = 0;
        for part in &manifest.report_keys {
            let etag = etag_of(part).ok_or_else(|| {
                PullError::Api(format!("{key} lists {part}, which is not in the bucket"))
            })?;
            if mirror(&client, &bucket, part, &etag, cache, options).await? {
                downloaded += 1;
            } else {
                unchanged += 1;
            }
        }
        out.push((key.clone(), local, downloaded, unchanged));
    }
    Ok(out)
}

fn read_manifest(
    path: &Path,
) -> Result<(burnrate_core::ingest::cur_manifest::CurManifest, ()), PullError> {
    let bytes = std::fs::read(path)
        .map_err(|e| PullError::Core(burnrate_core::Error::io(path.display().to_string(), e)))?;
    let manifest = serde_json::from_slice(&bytes).map_err(|e| {
        PullError::Core(burnrate_core::Error::bad_input(
            path,
            format!("not a CUR manifest: {e}"),
        ))
    })?;
    Ok((manifest, ()))
}

/// Imports the mirrored deliveries.
pub fn land(
    dataset: &Dataset,
    fetched: Vec<(String, PathBuf, usize, usize)>,
    now: DateTime<Utc>,
) -> Result<Vec<PeriodPull>, PullError> {
    let mut pulls = Vec::new();
    for (manifest_key, local, downloaded, unchanged) in fetched {
        let outcome = dataset.import(&local, now)?;
        pulls.push(PeriodPull {
            manifest_key,
            downloaded,
            unchanged,
            outcome,
        });
    }
    Ok(pulls)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_manifest_keys() {
        assert_eq!(
            parse_url("s3://b/cur/report/").unwrap(),
            ("b".into(), "cur/report".into())
        );
        assert_eq!(parse_url("s3://b").unwrap(), ("b".into(), "".into()));
        assert!(parse_url("https://b/x").is_err());
        assert!(is_period_manifest(
            "cur/report/20261001-20261101/report-Manifest.json"
        ));
        assert!(!is_period_manifest(
            "cur/report/20261001-20261101/asm-1/report-Manifest.json"
        ));
        assert!(!is_period_manifest(
            "cur/report/20261001-20261101/report-1.csv.gz"
        ));
    }
}
