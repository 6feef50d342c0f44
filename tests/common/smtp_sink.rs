//! A small SMTP server on 127.0.0.1 that records every message it receives, for tests.
//!
//! It speaks enough of RFC 5321 for lettre: greeting, EHLO/HELO, AUTH PLAIN (any credentials
//! accepted and recorded), MAIL FROM, RCPT TO, DATA with dot-unstuffing, RSET, NOOP, QUIT.
//! It can be stopped and started again on the same port, to test clients while the server is
//! down; stopping also closes open connections, so pooled clients notice.
//!
//! ```text
//! let sink = SmtpSink::start().await;
//! // configure the mailer with sink.url() ...
//! let mails = sink.wait_for(1, Duration::from_secs(5)).await;
//! assert_eq!(mails[0].recipients, ["user@example.com"]);
//! assert!(mails[0].text_part().unwrap().contains("/confirm/"));
//! ```

// Each test binary uses a different part of this helper.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use base64::Engine as _;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::{JoinHandle, JoinSet};

/// One message as the sink received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMail {
    /// The envelope sender (`MAIL FROM`), without angle brackets.
    pub from: String,
    /// The envelope recipients (`RCPT TO`), without angle brackets.
    pub recipients: Vec<String>,
    /// The message as sent after `DATA`, dot-unstuffed, without the terminating `.` line.
    pub data: Vec<u8>,
    /// The user name and password of `AUTH PLAIN`, if the client authenticated.
    pub auth: Option<(String, String)>,
}

impl ReceivedMail {
    /// The raw message as text (lossy for non-UTF-8 bytes).
    pub fn raw(&self) -> String {
        String::from_utf8_lossy(&self.data).into_owned()
    }

    /// The first header of the message named `name` (case-insensitive), unfolded.
    pub fn header(&self, name: &str) -> Option<String> {
        header_in(&self.raw(), name)
    }

    /// The decoded body of the first part (or the whole message) whose `Content-Type` starts
    /// with `mime_type`, for example `"text/plain"`.
    pub fn part(&self, mime_type: &str) -> Option<String> {
        find_part(&self.raw(), mime_type)
    }

    /// The decoded text/plain part.
    pub fn text_part(&self) -> Option<String> {
        self.part("text/plain")
    }

    /// The decoded text/html part.
    pub fn html_part(&self) -> Option<String> {
        self.part("text/html")
    }
}

/// A running (or stopped) SMTP sink on a fixed 127.0.0.1 port.
pub struct SmtpSink {
    addr: SocketAddr,
    state: Arc<State>,
    server: Mutex<Option<JoinHandle<()>>>,
}

#[derive(Default)]
struct State {
    mails: Mutex<Vec<ReceivedMail>>,
    received: Notify,
}

impl State {
    fn mails(&self) -> MutexGuard<'_, Vec<ReceivedMail>> {
        self.mails.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl SmtpSink {
    /// Starts a sink on a free port of 127.0.0.1.
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the SMTP sink");
        let addr = listener.local_addr().expect("SMTP sink address");
        let state = Arc::new(State::default());
        let server = tokio::spawn(serve(listener, Arc::clone(&state)));
        SmtpSink {
            addr,
            state,
            server: Mutex::new(Some(server)),
        }
    }

    /// The address the sink listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The port the sink listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `smtp://127.0.0.1:<port>`, for `security.mail.url`.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// The messages received so far, oldest first.
    pub fn mails(&self) -> Vec<ReceivedMail> {
        self.state.mails().clone()
    }

    /// Forgets the messages received so far.
    pub fn clear(&self) {
        self.state.mails().clear();
    }

    /// Waits until at least `count` messages arrived or `timeout` passed, and returns the
    /// messages received by then (fewer than `count` on timeout: assert on the length).
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<ReceivedMail> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.state.received.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let mails = self.state.mails();
                if mails.len() >= count {
                    return mails.clone();
                }
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.mails();
            }
        }
    }

    /// Whether the sink accepts connections.
    pub fn is_running(&self) -> bool {
        self.server_slot().is_some()
    }

    /// Stops listening and closes every open connection. Received messages are kept.
    pub async fn stop(&self) {
        let server = self.server_slot().take();
        if let Some(server) = server {
            server.abort();
            // Wait until the listener and the connections are dropped.
            let _ = server.await;
        }
    }

    /// Listens again on the same port (a no-op while running).
    pub async fn restart(&self) {
        if self.is_running() {
            return;
        }
        // The port was ours a moment ago; retry briefly in case the OS is slow to free it.
        let mut tries = 0;
        let listener = loop {
            match TcpListener::bind(self.addr).await {
                Ok(listener) => break listener,
                Err(_) if tries < 50 => {
                    tries += 1;
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Err(e) => panic!("SMTP sink cannot listen on {} again: {e}", self.addr),
            }
        };
        let server = tokio::spawn(serve(listener, Arc::clone(&self.state)));
        *self.server_slot() = Some(server);
    }

    fn server_slot(&self) -> MutexGuard<'_, Option<JoinHandle<()>>> {
        self.server.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        if let Some(server) = self.server_slot().take() {
            server.abort();
        }
    }
}

/// Accepts connections until aborted; aborting drops the `JoinSet`, which ends every session.
async fn serve(listener: TcpListener, state: Arc<State>) {
    let mut sessions = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    sessions.spawn(session(stream, Arc::clone(&state)));
                }
                // Out of file descriptors or similar: try again shortly.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = sessions.join_next(), if !sessions.is_empty() => {}
        }
    }
}

/// One SMTP conversation.
async fn session(stream: TcpStream, state: Arc<State>) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    write.write_all(b"220 sink.test ESMTP ready\r\n").await?;

    let mut from: Option<String> = None;
    let mut recipients: Vec<String> = Vec::new();
    let mut auth: Option<(String, String)> = None;
    let mut line = Vec::new();

    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        let (verb, argument) = match text.split_once(' ') {
            Some((verb, argument)) => (verb.to_ascii_uppercase(), argument.trim()),
            None => (text.to_ascii_uppercase(), ""),
        };

        let reply: String = match verb.as_str() {
            "EHLO" => {
                from = None;
                recipients.clear();
                "250-sink.test\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250-AUTH PLAIN\r\n\
                 250 SIZE 26214400"
                    .into()
            }
            "HELO" => {
                from = None;
                recipients.clear();
                "250 sink.test".into()
            }
            "AUTH" => {
                let (mechanism, initial) = match argument.split_once(' ') {
                    Some((mechanism, initial)) => (mechanism, Some(initial.trim().to_owned())),
                    None => (argument, None),
                };
                if !mechanism.eq_ignore_ascii_case("PLAIN") {
                    "504 5.5.4 only AUTH PLAIN is supported".into()
                } else {
                    let response = match initial {
                        Some(initial) => initial,
                        None => {
                            write.write_all(b"334 \r\n").await?;
                            line.clear();
                            reader.read_until(b'\n', &mut line).await?;
                            String::from_utf8_lossy(&line).trim().to_owned()
                        }
                    };
                    match decode_plain(&response) {
                        Some(credentials) => {
                            auth = Some(credentials);
                            "235 2.7.0 authenticated".into()
                        }
                        None => "501 5.5.2 cannot decode AUTH PLAIN response".into(),
                    }
                }
            }
            "MAIL" => match address_after(argument, "FROM:") {
                Some(address) => {
                    from = Some(address);
                    recipients.clear();
                    "250 2.1.0 sender ok".into()
                }
                None => "501 5.5.4 syntax: MAIL FROM:<address>".into(),
            },
            "RCPT" => match (&from, address_after(argument, "TO:")) {
                (None, _) => "503 5.5.1 MAIL first".into(),
                (Some(_), Some(address)) => {
                    recipients.push(address);
                    "250 2.1.5 recipient ok".into()
                }
                (Some(_), None) => "501 5.5.4 syntax: RCPT TO:<address>".into(),
            },
            "DATA" => {
                if from.is_none() || recipients.is_empty() {
                    "503 5.5.1 MAIL and RCPT first".into()
                } else {
                    write
                        .write_all(b"354 end data with <CR><LF>.<CR><LF>\r\n")
                        .await?;
                    let data = read_data(&mut reader).await?;
                    let mail = ReceivedMail {
                        from: from.take().unwrap_or_default(),
                        recipients: std::mem::take(&mut recipients),
                        data,
                        auth: auth.clone(),
                    };
                    state.mails().push(mail);
                    state.received.notify_waiters();
                    "250 2.0.0 queued".into()
                }
            }
            "RSET" => {
                from = None;
                recipients.clear();
                "250 2.0.0 reset".into()
            }
            "NOOP" => "250 2.0.0 ok".into(),
            "QUIT" => {
                write.write_all(b"221 2.0.0 bye\r\n").await?;
                return Ok(());
            }
            _ => "502 5.5.2 command not recognized".into(),
        };
        write.write_all(reply.as_bytes()).await?;
        write.write_all(b"\r\n").await?;
    }
}

/// Reads message data up to the `.` line, undoing dot-stuffing.
async fn read_data<R: AsyncBufReadExt + Unpin>(reader: &mut R) -> std::io::Result<Vec<u8>> {
    let mut data = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        if line == b".\r\n" || line == b".\n" {
            return Ok(data);
        }
        let unstuffed = if line.first() == Some(&b'.') {
            &line[1..]
        } else {
            &line[..]
        };
        data.extend_from_slice(unstuffed);
    }
}

/// `<address>` after `prefix` (`FROM:` or `TO:`), ignoring case and ESMTP parameters.
fn address_after(argument: &str, prefix: &str) -> Option<String> {
    let head = argument.get(..prefix.len())?;
    if !head.eq_ignore_ascii_case(prefix) {
        return None;
    }
    let rest = argument[prefix.len()..].trim_start();
    let rest = rest.strip_prefix('<')?;
    let end = rest.find('>')?;
    Some(rest[..end].to_owned())
}

/// The user name and password of an `AUTH PLAIN` response (`authzid NUL user NUL password`).
fn decode_plain(response: &str) -> Option<(String, String)> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(response)
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let mut fields = text.split('\0');
    let _authzid = fields.next()?;
    Some((fields.next()?.to_owned(), fields.next()?.to_owned()))
}

/// Splits a message or part into its header block and body.
fn split_head(message: &str) -> (&str, &str) {
    match message.find("\r\n\r\n") {
        Some(i) => (&message[..i], &message[i + 4..]),
        None => match message.find("\n\n") {
            Some(i) => (&message[..i], &message[i + 2..]),
            None => (message, ""),
        },
    }
}

fn header_in(message: &str, name: &str) -> Option<String> {
    let (head, _) = split_head(message);
    let mut found: Option<String> = None;
    for line in head.lines() {
        let line = line.trim_end_matches('\r');
        if line.starts_with([' ', '\t']) {
            if let Some(value) = found.as_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
            continue;
        }
        if found.is_some() {
            break;
        }
        if let Some((key, value)) = line.split_once(':') {
            if key.trim().eq_ignore_ascii_case(name) {
                found = Some(value.trim().to_owned());
            }
        }
    }
    found
}

/// A parameter of a header value, for example `boundary` of a `Content-Type`.
fn parameter(value: &str, name: &str) -> Option<String> {
    value.split(';').skip(1).find_map(|param| {
        let (key, val) = param.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then(|| val.trim().trim_matches('"').to_owned())
    })
}

fn find_part(entity: &str, mime_type: &str) -> Option<String> {
    let content_type = header_in(entity, "Content-Type").unwrap_or_else(|| "text/plain".into());
    let (_, body) = split_head(entity);
    if content_type.to_ascii_lowercase().starts_with("multipart/") {
        let boundary = parameter(&content_type, "boundary")?;
        let delimiter = format!("--{boundary}");
        return body
            .split(delimiter.as_str())
            .skip(1)
            .take_while(|part| !part.starts_with("--"))
            .find_map(|part| find_part(part.trim_start_matches(['\r', '\n']), mime_type));
    }
    if !content_type
        .to_ascii_lowercase()
        .starts_with(&mime_type.to_ascii_lowercase())
    {
        return None;
    }
    let encoding = header_in(entity, "Content-Transfer-Encoding")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let body = body.strip_suffix("\r\n").unwrap_or(body);
    Some(match encoding.as_str() {
        "base64" => {
            let compact: String = body.split_whitespace().collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(compact)
                .ok()?;
            String::from_utf8_lossy(&bytes).into_owned()
        }
        "quoted-printable" => decode_quoted_printable(body),
        _ => body.to_owned(),
    })
}

fn decode_quoted_printable(body: &str) -> String {
    let mut out = Vec::with_capacity(body.len());
    let bytes = body.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'=' if bytes[i + 1..].starts_with(b"\r\n") => i += 3,
            b'=' if bytes[i + 1..].starts_with(b"\n") => i += 2,
            b'=' if i + 2 < bytes.len() => {
                let hex = |b: u8| (b as char).to_digit(16);
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(high), Some(low)) => {
                        out.push((high * 16 + low) as u8);
                        i += 3;
                    }
                    _ => {
                        out.push(b'=');
                        i += 1;
                    }
                }
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
