//! Test servers on loopback, each a real implementation of the protocol:
//! moto's server (AWS Cost Explorer, S3) and Azurite (Blob storage). Both
//! must be on PATH (`.ci/run` installs them); without them the tests that
//! need them skip, except in CI (`CI=true`).

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A test server process on loopback (moto's server, Azurite), stopped
/// when dropped.
pub struct Server {
    child: Child,
    pub url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub type Moto = Server;
pub type Azurite = Server;

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn post(url: &str, body: &str) {
    let status = Command::new("curl")
        .args([
            "-sf",
            "-o",
            "/dev/null",
            "-X",
            "POST",
            "-H",
            "Content-Type: application/json",
            "--data",
            body,
            url,
        ])
        .status()
        .expect("curl runs");
    assert!(status.success(), "POST {url} failed");
}

/// One moto server at a time: a port found free can otherwise be taken by
/// another test's server before this one binds it.
pub static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Starts `program` with `args` on a free port (`{port}` in an argument),
/// and waits until `up(url)` says it answers. None (skip) outside CI when
/// the program is not installed; `install` says how to get it.
fn start(
    program: &str,
    args: &[&str],
    install: &str,
    up: impl Fn(&str, u16) -> bool,
) -> Option<Server> {
    let port = free_port();
    let args: Vec<String> = args
        .iter()
        .map(|a| a.replace("{port}", &port.to_string()))
        .collect();
    let child = match Command::new(program)
        .args(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => {
            assert!(
                !std::env::var("CI").is_ok_and(|v| v == "true"),
                "{program} is required in CI: {e}"
            );
            eprintln!("{program} not found ({e}); its tests skipped ({install})");
            return None;
        }
    };
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if up(&url, port) {
            return Some(Server { child, url });
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("{program} did not start on {url}");
}

/// moto's server (AWS Cost Explorer, S3, Athena), up once its API answers.
pub fn moto() -> Option<Moto> {
    start(
        "moto_server",
        &["-H", "127.0.0.1", "-p", "{port}"],
        "pip install 'moto[server]'",
        |url, _| {
            Command::new("curl")
                .args(["-sf", "-o", "/dev/null", &format!("{url}/moto-api/")])
                .status()
                .is_ok_and(|s| s.success())
        },
    )
}

/// curl signing its requests like the SDK: moto denies anonymous access to
/// the objects it stores.
pub fn signed_curl() -> Command {
    let mut curl = Command::new("curl");
    curl.args([
        "--aws-sigv4",
        "aws:amz:us-east-1:s3",
        "--user",
        "testing:testing",
    ]);
    curl
}

pub fn put(url: &str, body: &[u8]) {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), body).unwrap();
    // --upload-file sends the bytes as they are (--data-binary would be a
    // form post that moto's server parses away).
    let out = signed_curl()
        .args([
            "-s",
            "-w",
            "%{http_code}",
            "-o",
            "/dev/null",
            "--upload-file",
        ])
        .arg(file.path())
        .arg(url)
        .output()
        .unwrap();
    let code = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        code.starts_with('2'),
        "PUT {url}: HTTP {code} {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Azurite's well-known development account.
pub const AZURITE_ACCOUNT: &str = "devstoreaccount1";
pub const AZURITE_KEY: &str =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/// Azurite's Blob service, up once it accepts connections.
pub fn azurite() -> Option<Azurite> {
    start(
        "azurite-blob",
        &[
            "--blobHost",
            "127.0.0.1",
            "--blobPort",
            "{port}",
            "--inMemoryPersistence",
            "--skipApiVersionCheck",
            "--silent",
        ],
        "npm install -g azurite",
        |_, port| std::net::TcpStream::connect(("127.0.0.1", port)).is_ok(),
    )
}

/// Uploads blobs (name, bytes) into the container, creating it first.
pub fn upload(azurite: &Azurite, container: &str, blobs: &[(&str, String)], create: bool) {
    use azure_storage::{CloudLocation, StorageCredentials};
    use azure_storage_blobs::prelude::ClientBuilder;
    let client = ClientBuilder::with_location(
        CloudLocation::Custom {
            account: AZURITE_ACCOUNT.into(),
            uri: format!("{}/{AZURITE_ACCOUNT}", azurite.url),
        },
        StorageCredentials::access_key(AZURITE_ACCOUNT, AZURITE_KEY.to_string()),
    )
    .container_client(container);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        if create {
            client.create().await.unwrap();
        }
        for (name, body) in blobs {
            client
                .blob_client(name.to_string())
                .put_block_blob(body.clone().into_bytes())
                .await
                .unwrap();
            // Distinct modification times, so "the newest run" is defined.
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
}
