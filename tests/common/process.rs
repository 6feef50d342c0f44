//! The starter app as a real process on loopback, and a small HTTP/1.1 client with a cookie
//! jar, for tests of what only a running server shows: signals, several instances on one
//! database.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The starter binary that `cargo test` built next to this test binary.
pub fn starter_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let debug = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps");
    let starter = debug.join("examples").join("starter");
    assert!(
        starter.exists(),
        "{} is missing: `cargo test` builds the examples",
        starter.display()
    );
    starter
}

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A random `secret_key` (instances of one application share theirs).
pub fn random_key() -> String {
    use base64::Engine;
    let key: Vec<u8> = (0..64).map(|_| rand::random::<u8>()).collect();
    base64::engine::general_purpose::STANDARD.encode(key)
}

/// A `Rocket.toml` for the starter, with its `secret_key`, `port`, database and mail URL.
pub fn write_config(
    dir: &Path,
    key: &str,
    port: u16,
    database_url: &str,
    mail_url: &str,
) -> PathBuf {
    let templates = crate::common::app::STARTER_TEMPLATES;
    let config = format!(
        r#"[default]
address = "127.0.0.1"
port = {port}
secret_key = "{key}"
log_level = "critical"
template_dir = "{templates}"

[default.shutdown]
grace = 5
mercy = 5

[default.databases.security]
url = "{database_url}"

[default.security]
password_salt = "pepper-for-process-tests"
registerable = true
confirmable = true
recoverable = true
changeable = true
return_generic_responses = true
email_sender = "no-reply@example.com"
argon2_memory_kib = 1024
argon2_iterations = 1

[default.security.mail]
url = "{mail_url}"
"#
    );
    let path = dir.join(format!("Rocket-{port}.toml"));
    std::fs::write(&path, config).expect("write the configuration");
    path
}

/// Runs the starter's command line against `config` and asserts it succeeded.
pub fn starter_command(config: &Path, args: &[&str]) {
    let output = Command::new(starter_binary())
        .args(args)
        .env("ROCKET_CONFIG", config)
        .output()
        .expect("run the starter command line");
    assert!(
        output.status.success(),
        "starter {args:?}: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A running starter server, killed when dropped.
pub struct Server {
    child: Option<Child>,
    /// The port it listens on.
    pub port: u16,
}

impl Server {
    /// Starts the starter with `config` and waits (up to 30 s) until it accepts connections.
    pub async fn start(config: &Path, port: u16) -> Server {
        let child = Command::new(starter_binary())
            .env("ROCKET_CONFIG", config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the starter");
        let server = Server {
            child: Some(child),
            port,
        };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "the starter did not listen on {port} within 30 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        server
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let pid = self.child.as_ref().expect("running").id().to_string();
        let status = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill");
        assert!(status.success(), "kill -TERM {pid}");
    }

    /// Waits up to `timeout` for the process to exit.
    pub async fn wait(&mut self, timeout: Duration) -> ExitStatus {
        let child = self.child.as_mut().expect("running");
        let started = Instant::now();
        loop {
            if let Some(status) = child.try_wait().expect("wait for the starter") {
                self.child = None;
                return status;
            }
            assert!(
                started.elapsed() < timeout,
                "the starter did not exit within {timeout:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// An HTTP response: status, headers (lower-case names) and body.
#[derive(Debug)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Header name (lower-case) → values.
    pub headers: BTreeMap<String, Vec<String>>,
    /// The body as text.
    pub body: String,
}

impl HttpResponse {
    /// The body as JSON (`Value::Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// A browser-like client: one cookie jar, any number of servers.
#[derive(Debug, Default, Clone)]
pub struct Browser {
    /// Cookie name → value.
    pub cookies: BTreeMap<String, String>,
}

impl Browser {
    /// Sends one request (a fresh connection each time) and keeps the cookies it sets.
    pub async fn request(
        &mut self,
        port: u16,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> HttpResponse {
        let body = body.map(Value::to_string).unwrap_or_default();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\
             Content-Length: {}\r\nAccept: application/json\r\n",
            body.len()
        );
        if !body.is_empty() {
            head.push_str("Content-Type: application/json\r\n");
        }
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            head.push_str(&format!("Cookie: {}\r\n", jar.join("; ")));
        }
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        head.push_str(&body);
        let mut stream = TcpStream::connect(("127.0.0.1", port))
            .await
            .expect("connect");
        stream.write_all(head.as_bytes()).await.expect("send");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.expect("receive");
        let response = parse(&String::from_utf8_lossy(&raw));
        for cookie in response.headers.get("set-cookie").into_iter().flatten() {
            let pair = cookie.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                if value.is_empty() || cookie.contains("Max-Age=0") {
                    self.cookies.remove(name.trim());
                } else {
                    self.cookies.insert(name.trim().into(), value.into());
                }
            }
        }
        response
    }

    /// A CSRF token from `GET /login` on `port`.
    pub async fn csrf(&mut self, port: u16) -> String {
        let response = self.request(port, "GET", "/login", &[], None).await;
        response.json()["response"]["csrf_token"]
            .as_str()
            .expect("a CSRF token")
            .to_owned()
    }

    /// A JSON POST with a fresh CSRF token.
    pub async fn post(&mut self, port: u16, path: &str, body: Value) -> HttpResponse {
        let csrf = self.csrf(port).await;
        self.request(port, "POST", path, &[("X-CSRF-Token", &csrf)], Some(&body))
            .await
    }
}

fn parse(raw: &str) -> HttpResponse {
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((raw, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let mut headers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in lines {
        if let Some((name, value)) = line.split_once(':') {
            headers
                .entry(name.trim().to_ascii_lowercase())
                .or_default()
                .push(value.trim().to_owned());
        }
    }
    let chunked = headers
        .get("transfer-encoding")
        .is_some_and(|v| v.iter().any(|v| v.eq_ignore_ascii_case("chunked")));
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_owned()
    };
    HttpResponse {
        status,
        headers,
        body,
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || rest.len() < size {
            break;
        }
        out.push_str(&rest[..size]);
        body = rest[size..].trim_start_matches("\r\n");
    }
    out
}
