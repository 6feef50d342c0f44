//! Authenticator set-up through the app, for tests that need a user with two-factor on.

#![allow(dead_code)]

use rocket::http::Status;
use serde_json::json;

use super::app::TestApp;

/// The authenticator code of a base32 secret at the app's clock.
pub fn code(app: &TestApp, b32: &str) -> String {
    use rocket_security::Clock;
    let secret = totp_rs::Secret::Encoded(b32.to_owned()).to_bytes().unwrap();
    let totp = totp_rs::TOTP::new_unchecked(
        totp_rs::Algorithm::SHA1,
        6,
        0,
        30,
        secret,
        None,
        String::new(),
    );
    totp.generate(app.clock.now().timestamp() as u64)
}

/// Sets up an authenticator for the signed-in user; returns its base32 secret.
pub async fn set_up_authenticator(app: &TestApp) -> String {
    let (status, body) = app
        .post("/tf-setup", json!({"setup": "authenticator"}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let b32 = body["response"]["tf_authr_b32key"]
        .as_str()
        .unwrap()
        .to_owned();
    let state = body["response"]["tf_state_token"].as_str().unwrap();
    let (status, body) = app
        .post(
            &format!("/tf-setup/{state}"),
            json!({"code": code(app, &b32)}),
        )
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    b32
}
