//! Two-factor authentication, recovery codes and unified sign-in through the app, with real
//! TOTP codes and the mailed codes and links.

use std::sync::Arc;
use std::time::Duration;

use crate::common::app::{app_with, contract_settings_with, csrf_from_html, form_login, TestApp};
use crate::common::totp::{code_at, six_digits};
use rocket::http::{Accept, ContentType, Status};
use rocket_security::{UserDatastore, UserQuery};
use serde_json::{json, Value};

mod authenticator;
mod sessions;
mod unified_signin;

const WAIT: Duration = Duration::from_secs(5);

fn settings() -> Value {
    contract_settings_with(json!({
        "two_factor": true,
        "two_factor_enabled_methods": ["authenticator"],
        "multi_factor_recovery_codes": true,
        "unified_signin": true,
        "us_enabled_methods": ["password", "email", "authenticator"],
        "us_mfa_required": ["password", "email"],
        "totp_issuer": "fsref",
    }))
}

async fn new_app(store: Arc<dyn UserDatastore>) -> TestApp {
    let app = app_with(store, settings(), |b| b).await;
    app.user("joe@example.com", "password123", true, true, &[])
        .await;
    app
}

/// Sets up the authenticator for the signed-in user; returns the base32 secret.
async fn set_up_authenticator(app: &TestApp) -> String {
    let (status, body) = app.get_json("/tf-setup").await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(
        body["response"]["tf_available_methods"],
        json!(["authenticator"])
    );
    assert_eq!(body["response"]["tf_primary_method"], Value::Null);
    let (status, body) = app
        .post("/tf-setup", json!({"setup": "authenticator"}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let r = &body["response"];
    assert_eq!(r["tf_state"], "validating_profile");
    assert_eq!(r["tf_authr_issuer"], "fsref");
    assert_eq!(r["tf_authr_username"], "joe@example.com");
    let b32 = r["tf_authr_b32key"].as_str().unwrap().to_owned();
    assert_eq!(r["tf_authr_key"].as_str().unwrap().replace('-', ""), b32);
    assert!(r["tf_authr_uri"]
        .as_str()
        .unwrap()
        .starts_with("otpauth://totp/fsref:"));
    let state = r["tf_state_token"].as_str().unwrap().to_owned();
    let (status, body) = app
        .post(&format!("/tf-setup/{state}"), json!({"code": "000000"}))
        .await;
    assert_eq!(status, Status::BadRequest);
    assert_eq!(
        body["response"]["field_errors"]["code"],
        json!(["Invalid code"])
    );
    let (status, body) = app
        .post(
            &format!("/tf-setup/{state}"),
            json!({"code": code_at(app, &b32, 0)}),
        )
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(body["response"]["tf_primary_method"], "authenticator");
    b32
}
