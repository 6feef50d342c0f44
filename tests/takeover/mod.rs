//! Account-takeover plumbing, attacked from outside on every backend: mailed links built from
//! a forged `Host`, trusted hosts, one session made fresh by another user's token, remembered
//! sessions counted as fresh, cookies without `Secure` behind a TLS proxy, the auth token of a
//! JSON body, and input the database cannot hold.

use std::sync::Arc;
use std::time::Duration;

use crate::common::app::{
    app_with, contract_settings, form_login, link, login_with, post_json_headers, post_json_with,
    read_json, submit_form, TestApp,
};
use crate::common::totp::{code_at, six_digits};
use rocket::http::{Accept, ContentType, Cookie, Header, Status};
use rocket::local::asynchronous::LocalResponse;
use rocket_security::UserDatastore;
use serde_json::{json, Value};

mod hosts;
mod input;
mod sessions;

const WAIT: Duration = Duration::from_secs(5);

const SITE: &str = "https://app.example.com";

fn settings(extra: Value) -> Value {
    let mut settings = contract_settings();
    let all = json!({
        "two_factor": true,
        "two_factor_enabled_methods": ["authenticator"],
        "multi_factor_recovery_codes": true,
        "unified_signin": true,
        "us_enabled_methods": ["password", "email", "authenticator"],
        "us_mfa_required": ["password", "email"],
        "totp_issuer": "fsref",
    });
    let map = settings.as_object_mut().unwrap();
    map.extend(all.as_object().unwrap().clone());
    map.extend(extra.as_object().unwrap().clone());
    settings
}

async fn new_app(store: Arc<dyn UserDatastore>, extra: Value) -> TestApp {
    let app = app_with(store, settings(extra), |b| b).await;
    app.user("joe@example.com", "password123", true, true, &[])
        .await;
    app.user("eve@example.com", "password456", true, true, &[])
        .await;
    app
}

fn set_cookie<'a>(response: &'a LocalResponse<'_>, name: &str) -> Option<&'a str> {
    response
        .headers()
        .get("Set-Cookie")
        .find(|c| c.starts_with(&format!("{name}=")))
}

// ----- #10.1: mailed links come from configuration only -----
