//! Account lockout, the per-client limit, code attempt counting and HTTP Basic with a second
//! factor, attacked through the app on every backend.
//!
//! Split by item: [`account`] (the lockout), [`limits`] (the per-client limit, codes, HTTP Basic)
//! and [`shared`] (two instances on one database, and timing).

mod account;
mod limits;
mod shared;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common::app::{app_with, contract_settings, get_json_with, read_json, TestApp};
use base64::Engine;
use rocket::http::{Accept, ContentType, Header, Status};
use rocket::local::asynchronous::Client;
use rocket_security::{Security, UserDatastore};
use serde_json::{json, Value};

pub(crate) const WAIT: Duration = Duration::from_secs(5);
pub(crate) const JOE: &str = "joe@example.com";
pub(crate) const RIGHT: &str = "password123";
pub(crate) const WRONG: &str = "not-the-password";

/// The contract settings with a lockout after three wrong passwords, unified sign-in, and
/// `extra` over them.
pub(crate) fn settings(extra: Value) -> Value {
    let mut settings = contract_settings();
    let base = json!({
        "lockout_failures": 3,
        "unified_signin": true,
        "us_enabled_methods": ["password", "email"],
    });
    let map = settings.as_object_mut().unwrap();
    map.extend(base.as_object().unwrap().clone());
    map.extend(extra.as_object().unwrap().clone());
    settings
}

pub(crate) async fn new_app(store: Arc<dyn UserDatastore>, extra: Value) -> TestApp {
    let app = app_with(store, settings(extra), |b| b).await;
    app.user(JOE, RIGHT, true, true, &[]).await;
    app
}

pub(crate) fn security(app: &TestApp) -> &Security {
    app.client.rocket().state::<Security>().unwrap()
}

/// `POST /login` (JSON) with a fresh CSRF token.
pub(crate) async fn login(app: &TestApp, email: &str, password: &str) -> (Status, Value) {
    app.post("/login", json!({"email": email, "password": password}))
        .await
}

pub(crate) fn basic_header(email: &str, password: &str) -> Header<'static> {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{email}:{password}"));
    Header::new("Authorization", format!("Basic {encoded}"))
}

/// A GET with Basic credentials: status, `WWW-Authenticate`, body.
pub(crate) async fn basic(
    client: &Client,
    path: &str,
    email: &str,
    password: &str,
) -> (Status, String, String) {
    let response = client
        .get(path.to_owned())
        .header(Accept::JSON)
        .header(basic_header(email, password))
        .dispatch()
        .await;
    let status = response.status();
    let challenge = response
        .headers()
        .get_one("WWW-Authenticate")
        .unwrap_or_default()
        .to_owned();
    (
        status,
        challenge,
        response.into_string().await.unwrap_or_default(),
    )
}

/// The account-locked mails sent so far.
pub(crate) fn lock_mails(app: &TestApp) -> Vec<rocket_security::Mail> {
    app.mails()
        .into_iter()
        .filter(|m| m.subject.contains("locked"))
        .collect()
}

/// Waits for the background lock mail.
pub(crate) async fn wait_lock_mail(app: &TestApp) -> rocket_security::Mail {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(mail) = lock_mails(app).pop() {
            return mail;
        }
        assert!(Instant::now() < deadline, "no account-locked mail");
        rocket::tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub(crate) fn from(ip: &str) -> SocketAddr {
    format!("{ip}:40000").parse().unwrap()
}

/// `POST /login` (JSON) from `ip`: status, `Retry-After`, body.
pub(crate) async fn login_from(
    client: &Client,
    ip: &str,
    email: &str,
    password: &str,
) -> (Status, Option<u64>, Value) {
    let csrf = crate::common::app::csrf_with(client).await;
    let response = client
        .post("/login")
        .remote(from(ip))
        .header(ContentType::JSON)
        .header(Accept::JSON)
        .header(Header::new("X-CSRF-Token", csrf))
        .body(json!({"email": email, "password": password}).to_string())
        .dispatch()
        .await;
    let retry = response
        .headers()
        .get_one("Retry-After")
        .map(|v| v.parse().unwrap());
    let (status, body) = read_json(response).await;
    (status, retry, body)
}
