//! A keep-alive HTTP/1.1 connection with a small cookie jar, doing what a browser or API client
//! does: send the cookies it was given, read `Content-Length` bodies.

use std::collections::BTreeMap;

use rocket::tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use rocket::tokio::net::TcpStream;
use serde_json::Value;

/// JSON request headers.
pub const JSON: [(&str, &str); 2] = [
    ("Content-Type", "application/json"),
    ("Accept", "application/json"),
];

/// One connection and its cookies.
pub struct Connection {
    stream: BufReader<TcpStream>,
    port: u16,
    cookies: BTreeMap<String, String>,
}

impl Connection {
    /// Connects to 127.0.0.1:`port`.
    pub async fn open(port: u16) -> Connection {
        let stream = TcpStream::connect(("127.0.0.1", port))
            .await
            .expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        Connection {
            stream: BufReader::new(stream),
            port,
            cookies: BTreeMap::new(),
        }
    }

    /// Drops every cookie (a new visitor on the same connection).
    pub fn forget_cookies(&mut self) {
        self.cookies.clear();
    }

    /// Sends one request and reads the answer: status and body.
    pub async fn request(
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
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect();
            head.push_str(&format!("Cookie: {}\r\n", jar.join("; ")));
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
                self.keep_cookie(value);
            }
        }
        let mut body = vec![0; length];
        self.stream.read_exact(&mut body).await.expect("body");
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    fn keep_cookie(&mut self, set_cookie: &str) {
        let pair = set_cookie.split(';').next().unwrap_or_default();
        if let Some((name, value)) = pair.split_once('=') {
            let expired = set_cookie.contains("Max-Age=0") || value.is_empty();
            if expired {
                self.cookies.remove(name.trim());
            } else {
                self.cookies
                    .insert(name.trim().to_owned(), value.to_owned());
            }
        }
    }

    /// Signs in as a browser's script does: `GET /login` for the CSRF token (and cookie), then
    /// `POST /login` with it.
    pub async fn login(&mut self, email: &str, password: &str) {
        let (status, body) = self.request("GET", "/login", &JSON, "").await;
        assert_eq!(status, 200, "GET /login: {body}");
        let body: Value = serde_json::from_str(&body).expect("JSON");
        let csrf = body["response"]["csrf_token"]
            .as_str()
            .expect("csrf token")
            .to_owned();
        let credentials = serde_json::json!({"email": email, "password": password}).to_string();
        let mut headers = JSON.to_vec();
        headers.push(("X-CSRF-Token", &csrf));
        let (status, body) = self.request("POST", "/login", &headers, &credentials).await;
        assert_eq!(status, 200, "POST /login: {body}");
    }
}
