//! Authenticator codes and set-up through the app, and the codes in mails, for tests that need
//! a user with two-factor on.

#![allow(dead_code)]

use rocket::http::Status;
use serde_json::json;

use super::app::TestApp;

/// The authenticator code of a base32 secret at the app's clock.
pub fn code(app: &TestApp, b32: &str) -> String {
    code_at(app, b32, 0)
}

/// The authenticator code of a base32 secret at the app's clock moved by `steps` periods of
/// 30 s (negative for past codes).
pub fn code_at(app: &TestApp, b32: &str, steps: i64) -> String {
    code_on(&app.clock, b32, steps)
}

/// The authenticator code of a base32 secret (as shown to people: spaces and dashes allowed) at `clock` moved by `steps`
/// periods of 30 s.
pub fn code_on(clock: &rocket_security::ManualClock, b32: &str, steps: i64) -> String {
    use rocket_security::Clock;
    let b32: String = b32.chars().filter(char::is_ascii_alphanumeric).collect();
    let secret = totp_rs::Secret::Encoded(b32).to_bytes().unwrap();
    let totp = totp_rs::TOTP::new_unchecked(
        totp_rs::Algorithm::SHA1,
        6,
        0,
        30,
        secret,
        None,
        String::new(),
    );
    let at = clock.now() + chrono::Duration::seconds(30 * steps);
    totp.generate(at.timestamp() as u64)
}

/// The six-digit code in a mail.
pub fn six_digits(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap_or_else(|| panic!("no code in {text}"))
        .to_owned()
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
