//! The API side: auth tokens, HTTP Basic, trackable logins, `/api/me` and the user payload of
//! JSON responses, through the app, on every backend.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::common::app::{
    app, app_with, contract_settings, get_json_with, link, login_with, post_json_with, read_json,
    TestApp,
};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rocket::http::{Accept, ContentType, Header, Status};
use rocket::local::asynchronous::Client;
use rocket_security::{Clock, User, UserDatastore, UserQuery};
use serde_json::{json, Value};

mod basic_auth;
mod me;
mod tokens;
mod trackable;

const GENERIC: &str = "Authentication failed - identity or password/passcode invalid";

const SIGN_IN: &str = "You must sign in to view this resource.";

const DEFAULT_REALM: &str = "Basic realm=\"Login Required\"";

const JOE: &str = "joe@example.com";

const PASSWORD: &str = "password123";

fn unauthorized() -> Value {
    json!({"meta": {"code": 401}, "response": {"errors": [SIGN_IN]}})
}

fn login_failed() -> Value {
    json!({"meta": {"code": 400}, "response": {"errors": [GENERIC], "field_errors": {"": [GENERIC]}}})
}

async fn with_joe(store: Arc<dyn UserDatastore>) -> TestApp {
    let app = app(store).await;
    app.user(JOE, PASSWORD, true, true, &[]).await;
    app
}

/// What a response showed: status, the headers the tests look at, and the body.
#[derive(Debug)]
struct Answer {
    status: Status,
    content_type: Option<String>,
    www_authenticate: Option<String>,
    location: Option<String>,
    set_cookies: Vec<String>,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|_| panic!("not JSON ({}): {}", self.status, self.body))
    }
}

/// A GET with extra headers, in JSON mode (`Accept` and `Content-Type` JSON) or as a browser.
async fn fetch(client: &Client, path: &str, headers: &[Header<'static>], json: bool) -> Answer {
    let mut request = client.get(path.to_owned());
    if json {
        request = request.header(ContentType::JSON).header(Accept::JSON);
    }
    for header in headers {
        request = request.header(header.clone());
    }
    let response = request.dispatch().await;
    let one = |name: &str| response.headers().get_one(name).map(str::to_owned);
    let (content_type, www_authenticate, location) = (
        one("Content-Type"),
        one("WWW-Authenticate"),
        one("Location"),
    );
    let set_cookies = response
        .headers()
        .get("Set-Cookie")
        .map(str::to_owned)
        .collect();
    let status = response.status();
    let body = response.into_string().await.unwrap_or_default();
    Answer {
        status,
        content_type,
        www_authenticate,
        location,
        set_cookies,
        body,
    }
}

fn token_header(token: &str) -> Header<'static> {
    Header::new("Authentication-Token", token.to_owned())
}

fn basic(credentials: &str) -> Header<'static> {
    Header::new(
        "Authorization",
        format!("Basic {}", STANDARD.encode(credentials)),
    )
}

/// A GET in JSON mode with an `Authentication-Token` header.
async fn get_with_token(client: &Client, path: &str, token: &str) -> (Status, Value) {
    let answer = fetch(client, path, &[token_header(token)], true).await;
    (answer.status, answer.json())
}

/// Signs in (JSON) with `?include_auth_token` and returns the token.
async fn issue_token(client: &Client, email: &str, password: &str) -> String {
    let body = login_with(client, email, password, "?include_auth_token").await;
    body["response"]["user"]["authentication_token"]
        .as_str()
        .unwrap_or_else(|| panic!("no token in {body}"))
        .to_owned()
}

/// `POST /login` (JSON, with a fresh CSRF token), optionally from a given client address.
async fn login_from(
    client: &Client,
    email: &str,
    password: &str,
    remote: Option<&str>,
) -> (Status, Value) {
    let csrf = crate::common::app::csrf_with(client).await;
    let mut request = client
        .post("/login")
        .header(ContentType::JSON)
        .header(Accept::JSON)
        .header(Header::new("X-CSRF-Token", csrf))
        .body(json!({"email": email, "password": password}).to_string());
    if let Some(remote) = remote {
        request = request.remote(remote.parse::<SocketAddr>().unwrap());
    }
    read_json(request.dispatch().await).await
}

async fn joe(store: &Arc<dyn UserDatastore>) -> User {
    store
        .find_user(UserQuery::Email(JOE))
        .await
        .unwrap()
        .expect("joe exists")
}

/// A `/change` body (JSON).
fn change(from: &str, to: &str) -> Value {
    json!({"password": from, "new_password": to, "new_password_confirm": to})
}

// ----- issuing tokens -----
