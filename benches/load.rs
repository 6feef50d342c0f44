//! A load run against the starter app over real HTTP on 127.0.0.1: concurrent logins (Argon2id
//! at the configured parameters, on the bounded hashing pool) and guarded page views, with the
//! throughput and the process's peak memory.
//!
//! `cargo bench --bench load` (options through the environment: `LOAD_CLIENTS`, default 32;
//! `LOAD_REQUESTS`, guarded requests per client, default 50). Everything it sends goes to its
//! own server on loopback, and it stops by itself.

#[path = "../examples/starter/app.rs"]
#[allow(dead_code)]
mod app;

use std::time::{Duration, Instant};

use rocket::tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use rocket::tokio::net::TcpStream;
use rocket_security::{NewUser, Security};
use serde_json::Value;

/// One keep-alive HTTP/1.1 connection with a cookie jar of one session cookie.
struct Connection {
    stream: BufReader<TcpStream>,
    port: u16,
    cookie: Option<String>,
}

impl Connection {
    async fn open(port: u16) -> Connection {
        let stream = TcpStream::connect(("127.0.0.1", port))
            .await
            .expect("connect");
        Connection {
            stream: BufReader::new(stream),
            port,
            cookie: None,
        }
    }

    async fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, String) {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: {}\r\n",
            self.port,
            body.len()
        );
        if let Some(cookie) = &self.cookie {
            head.push_str(&format!("Cookie: session={cookie}\r\n"));
        }
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        head.push_str(body);
        self.stream
            .get_mut()
            .write_all(head.as_bytes())
            .await
            .expect("write");
        let mut status_line = String::new();
        self.stream
            .read_line(&mut status_line)
            .await
            .expect("status line");
        let status: u16 = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("status");
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            self.stream.read_line(&mut line).await.expect("header");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(':').unwrap_or((line, ""));
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = value.parse().unwrap_or(0);
            } else if name.eq_ignore_ascii_case("set-cookie") {
                if let Some(rest) = value.strip_prefix("session=") {
                    let cookie = rest.split(';').next().unwrap_or("");
                    self.cookie = (!cookie.is_empty()).then(|| cookie.to_owned());
                }
            }
        }
        let mut body = vec![0; length];
        self.stream.read_exact(&mut body).await.expect("body");
        (status, String::from_utf8_lossy(&body).into_owned())
    }
}

const JSON: [(&str, &str); 2] = [
    ("Content-Type", "application/json"),
    ("Accept", "application/json"),
];

async fn login(port: u16, email: &str) -> Connection {
    let mut connection = Connection::open(port).await;
    let (_, body) = connection.request("GET", "/login", &JSON, "").await;
    let body: Value = serde_json::from_str(&body).expect("JSON");
    let csrf = body["response"]["csrf_token"]
        .as_str()
        .expect("csrf token")
        .to_owned();
    let credentials =
        serde_json::json!({"email": email, "password": "correct horse battery"}).to_string();
    let mut headers = JSON.to_vec();
    headers.push(("X-CSRF-Token", &csrf));
    let (status, body) = connection
        .request("POST", "/login", &headers, &credentials)
        .await;
    assert_eq!(status, 200, "login failed: {body}");
    connection
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[rocket::main]
async fn main() {
    let clients = env_number("LOAD_CLIENTS", 32);
    let requests = env_number("LOAD_REQUESTS", 50);
    let dir = tempfile::tempdir().expect("temporary directory");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // Benchmarks build in release, where secrets must be given.
    let secret_key = {
        use base64::Engine;
        let bytes: Vec<u8> = (0..64).map(|_| rand::random::<u8>()).collect();
        base64::engine::general_purpose::STANDARD.encode(bytes)
    };
    let figment = rocket::Config::figment()
        .merge(("secret_key", secret_key))
        .merge(("security.password_salt", "load-run-pepper"))
        .merge(("port", port))
        .merge(("log_level", "off"))
        .merge((
            "databases.security.url",
            format!("sqlite://{}/load.sqlite3", dir.path().display()),
        ))
        .merge(("security.mail.url", "log"));
    let rocket = app::app()
        .configure(figment)
        .ignite()
        .await
        .expect("the starter app ignites");
    let security = rocket.state::<Security>().expect("security state").clone();
    let shutdown = rocket.shutdown();
    let server = rocket::tokio::spawn(rocket.launch());

    let hash = security
        .hasher()
        .hash("correct horse battery")
        .await
        .expect("hash");
    for i in 0..clients {
        security
            .datastore()
            .create_user(NewUser {
                email: format!("user{i}@example.com"),
                password: Some(hash.clone()),
                active: true,
                confirmed_at: Some(chrono::Utc::now().naive_utc()),
                ..NewUser::default()
            })
            .await
            .expect("user");
    }
    for _ in 0..50 {
        if TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            break;
        }
        rocket::tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let started = Instant::now();
    let logins: Vec<_> = (0..clients)
        .map(|i| {
            rocket::tokio::spawn(login(
                port,
                Box::leak(format!("user{i}@example.com").into_boxed_str()),
            ))
        })
        .collect();
    let mut connections = Vec::new();
    for login in logins {
        connections.push(login.await.expect("login task"));
    }
    let login_time = started.elapsed();

    let started = Instant::now();
    let views: Vec<_> = connections
        .into_iter()
        .map(|mut connection| {
            rocket::tokio::spawn(async move {
                for _ in 0..requests {
                    let (status, _) = connection.request("GET", "/protected", &[], "").await;
                    assert_eq!(status, 200);
                }
            })
        })
        .collect();
    for view in views {
        view.await.expect("view task");
    }
    let view_time = started.elapsed();

    println!("load run against the starter app on 127.0.0.1:{port}");
    println!(
        "  {clients} concurrent logins: {:.2} s, {:.1} logins/s",
        login_time.as_secs_f64(),
        clients as f64 / login_time.as_secs_f64()
    );
    println!(
        "  {} guarded page views ({clients} clients x {requests}): {:.2} s, {:.0} requests/s",
        clients * requests,
        view_time.as_secs_f64(),
        (clients * requests) as f64 / view_time.as_secs_f64()
    );
    println!("  peak resident memory: {} MiB", peak_rss_kib() / 1024);
    shutdown.notify();
    let _ = server.await;
}
