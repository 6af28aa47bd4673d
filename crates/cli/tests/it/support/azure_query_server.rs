//! A local stand-in for Azure's token endpoint and the Cost Management
//! Query API on loopback (no emulator exists): it issues a bearer token for
//! a client-credentials request, refuses any other token with 401, serves
//! scripted query replies (pages with nextLink, 429s with Cost Management's
//! retry-after headers, errors, a dropped connection) and records every
//! request so tests can assert on what the client sent.

// Shared by two test binaries (cloud, conformance); each uses part of it.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

pub const TENANT: &str = "00000000-0000-0000-0000-0000000000aa";
pub const CLIENT_ID: &str = "burnrate-test-client";
pub const CLIENT_SECRET: &str = "not-a-real-secret";
pub const TOKEN: &str = "local-test-token";

#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// When the request arrived (to check retry-after waits).
    pub at: std::time::Instant,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("a JSON request body")
    }
}

/// What the server answers the next query request with.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Status, extra headers, JSON body. `{{BASE}}` in the body becomes the
    /// server's URL (for nextLinks).
    Json(u16, Vec<(String, String)>, String),
    /// Close the connection without answering (a network failure).
    Drop,
}

pub struct QueryServer {
    pub url: String,
    script: Arc<Mutex<VecDeque<Reply>>>,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl QueryServer {
    pub fn start() -> QueryServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = QueryServer {
            url: url.clone(),
            script: Arc::default(),
            requests: Arc::default(),
        };
        let (script, requests) = (server.script.clone(), server.requests.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (script, requests, url) = (script.clone(), requests.clone(), url.clone());
                std::thread::spawn(move || serve(stream, &script, &requests, &url));
            }
        });
        server
    }

    /// Queues replies for the next query requests, in order.
    pub fn script(&self, replies: Vec<Reply>) {
        self.script.lock().unwrap().extend(replies);
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    /// The query requests (token requests left out).
    pub fn queries(&self) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| !r.target.contains("/oauth2/"))
            .collect()
    }

    pub fn clear(&self) {
        self.requests.lock().unwrap().clear();
        self.script.lock().unwrap().clear();
    }

    /// Environment for `burnrate pull azure-query` against this server.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AZURE_AUTHORITY_HOST", self.url.clone()),
            ("AZURE_TENANT_ID", TENANT.into()),
            ("AZURE_CLIENT_ID", CLIENT_ID.into()),
            ("AZURE_CLIENT_SECRET", CLIENT_SECRET.into()),
        ]
    }
}

/// A Query API response body in the shape of the official examples.
pub fn query_body(columns: &[(&str, &str)], rows: serde_json::Value, next: Option<&str>) -> String {
    serde_json::json!({
        "id": "subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.CostManagement/query/1",
        "name": "1",
        "type": "microsoft.costmanagement/Query",
        "properties": {
            "nextLink": next,
            "columns": columns.iter().map(|(n, t)| serde_json::json!({"name": n, "type": t})).collect::<Vec<_>>(),
            "rows": rows,
        }
    })
    .to_string()
}

pub fn azure_error(code: &str, message: &str) -> String {
    serde_json::json!({"error": {"code": code, "message": message}}).to_string()
}

fn serve(
    stream: TcpStream,
    script: &Mutex<VecDeque<Reply>>,
    requests: &Mutex<Vec<Recorded>>,
    base: &str,
) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut stream = stream;
    // Keep-alive: answer requests on this connection until it closes.
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("").to_string();
        let target = parts.next().unwrap_or("").to_string();
        let mut headers = Vec::new();
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                headers.push((name.trim().to_string(), value.trim().to_string()));
            }
        }
        let length: usize = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let request = Recorded {
            method,
            target,
            headers,
            body: String::from_utf8_lossy(&body).to_string(),
            at: std::time::Instant::now(),
        };
        requests.lock().unwrap().push(request.clone());
        let reply = answer(&request, script, base);
        let (status, extra, body) = match reply {
            Reply::Drop => return,
            Reply::Json(status, extra, body) => (status, extra, body),
        };
        let mut head = format!(
            "HTTP/1.1 {status} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
            reason(status),
            body.len()
        );
        for (name, value) in extra {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        if stream.write_all(head.as_bytes()).is_err() || stream.write_all(body.as_bytes()).is_err()
        {
            return;
        }
    }
}

fn answer(request: &Recorded, script: &Mutex<VecDeque<Reply>>, base: &str) -> Reply {
    if request.target == format!("/{TENANT}/oauth2/v2.0/token") {
        let form = &request.body;
        let valid = request.method == "POST"
            && form.contains("grant_type=client_credentials")
            && form.contains(&format!("client_id={CLIENT_ID}"))
            && form.contains(&format!("client_secret={CLIENT_SECRET}"));
        return if valid {
            Reply::Json(
                200,
                vec![],
                serde_json::json!({"token_type": "Bearer", "expires_in": 3600, "access_token": TOKEN})
                    .to_string(),
            )
        } else {
            Reply::Json(
                401,
                vec![],
                serde_json::json!({"error": "invalid_client", "error_description": "bad client credentials"})
                    .to_string(),
            )
        };
    }
    if request.header("authorization") != Some(&format!("Bearer {TOKEN}")) {
        return Reply::Json(
            401,
            vec![],
            azure_error(
                "AuthenticationFailed",
                "The access token is missing or invalid.",
            ),
        );
    }
    match script.lock().unwrap().pop_front() {
        Some(Reply::Json(status, headers, body)) => {
            Reply::Json(status, headers, body.replace("{{BASE}}", base))
        }
        Some(Reply::Drop) => Reply::Drop,
        None => Reply::Json(
            400,
            vec![],
            azure_error("UnexpectedRequest", "the test server had no reply queued"),
        ),
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        _ => "Status",
    }
}
