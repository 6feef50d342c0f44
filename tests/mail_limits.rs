//! The same kind of mail goes to one address at most `mail_limit` times in
//! `mail_limit_within`; further requests get the same answer and send nothing.

use std::sync::Arc;

use crate::common::app::{app_with, contract_settings_with, TestApp};
use rocket::http::Status;
use rocket_security::{Security, UserDatastore, UserQuery};
use serde_json::{json, Value};

fn settings() -> Value {
    contract_settings_with(json!({
        "two_factor": true,
        "unified_signin": true,
        "us_enabled_methods": ["password", "email", "authenticator"],
    }))
}

async fn new_app(store: Arc<dyn UserDatastore>) -> TestApp {
    app_with(store, settings(), |b| b).await
}

/// Delivers everything queued, then counts the mails to `to` with `subject`.
async fn delivered(app: &TestApp, to: &str, subject: &str) -> usize {
    let security = app.client.rocket().state::<Security>().unwrap();
    security.outbox().flush().await.unwrap();
    app.mails()
        .iter()
        .filter(|m| m.to == to && m.subject == subject)
        .count()
}

/// Posts `body` to `path` `times` times and checks every answer is the same 200.
async fn post_times(app: &TestApp, path: &str, body: Value, times: usize) {
    let csrf = app.csrf().await;
    post_times_with(app, path, body, times, &csrf).await
}

/// [`post_times`] with a CSRF token at hand (fetching one from `/login` would end a pending
/// two-factor login).
async fn post_times_with(app: &TestApp, path: &str, body: Value, times: usize, csrf: &str) {
    let mut answers = Vec::new();
    for _ in 0..times {
        let (status, mut answer) = app.post_json(path, body.clone(), Some(csrf)).await;
        assert_eq!(status, Status::Ok, "{path}: {answer}");
        answer["response"]["csrf_token"] = Value::Null;
        answers.push(answer);
    }
    answers.dedup();
    assert_eq!(answers.len(), 1, "{path}: the answer never changes");
}

async fn reset_mails_are_limited_per_address(store: Arc<dyn UserDatastore>) {
    let app = new_app(store).await;
    app.user("ann@example.com", "password123", true, true, &[])
        .await;
    app.user("bob@example.com", "password123", true, true, &[])
        .await;
    let subject = "Password reset instructions";
    post_times(&app, "/reset", json!({"email": "ann@example.com"}), 5).await;
    assert_eq!(delivered(&app, "ann@example.com", subject).await, 3);
    // The address is compared case-insensitively.
    post_times(&app, "/reset", json!({"email": "ANN@example.com"}), 1).await;
    assert_eq!(delivered(&app, "ann@example.com", subject).await, 3);
    // Another address has its own count.
    post_times(&app, "/reset", json!({"email": "bob@example.com"}), 1).await;
    assert_eq!(delivered(&app, "bob@example.com", subject).await, 1);
    // After the window, mail goes out again.
    app.clock.advance(chrono::Duration::minutes(16));
    post_times(&app, "/reset", json!({"email": "ann@example.com"}), 1).await;
    assert_eq!(delivered(&app, "ann@example.com", subject).await, 4);
}

async fn concurrent_reset_requests_send_at_most_the_limit(store: Arc<dyn UserDatastore>) {
    let app = new_app(store).await;
    app.user("ann@example.com", "password123", true, true, &[])
        .await;
    let csrf = app.csrf().await;
    let requests =
        (0..12).map(|_| app.post_json("/reset", json!({"email": "ann@example.com"}), Some(&csrf)));
    for (status, body) in rocket::futures::future::join_all(requests).await {
        assert_eq!(status, Status::Ok, "{body}");
    }
    assert_eq!(
        delivered(&app, "ann@example.com", "Password reset instructions").await,
        3
    );
}

async fn confirmation_mails_are_limited(store: Arc<dyn UserDatastore>) {
    let app = new_app(store).await;
    app.user("ann@example.com", "password123", false, true, &[])
        .await;
    post_times(&app, "/confirm", json!({"email": "ann@example.com"}), 5).await;
    assert_eq!(
        delivered(&app, "ann@example.com", "Please confirm your email").await,
        3
    );
}

async fn registering_a_taken_address_mails_the_owner_at_most_the_limit(
    store: Arc<dyn UserDatastore>,
) {
    let app = new_app(store).await;
    app.user("ann@example.com", "password123", true, true, &[])
        .await;
    let body = json!({"email": "ann@example.com", "password": "another-pass1", "password_confirm": "another-pass1"});
    post_times(&app, "/register", body, 5).await;
    assert_eq!(delivered(&app, "ann@example.com", "Welcome").await, 3);
}

async fn signin_codes_are_limited(store: Arc<dyn UserDatastore>) {
    let app = new_app(store.clone()).await;
    app.user("ann@example.com", "password123", true, true, &[])
        .await;
    let mut user = store
        .find_user(UserQuery::Email("ann@example.com"))
        .await
        .unwrap()
        .unwrap();
    user.us_totp_secrets = Some(json!({"email": true}).to_string());
    store.update_user(&user).await.unwrap();
    let body = json!({"identity": "ann@example.com", "chosen_method": "email"});
    post_times(&app, "/us-signin/send-code", body, 5).await;
    assert_eq!(
        delivered(&app, "ann@example.com", "Verification Code").await,
        3
    );
}

async fn two_factor_rescue_codes_are_limited(store: Arc<dyn UserDatastore>) {
    let app = new_app(store).await;
    app.user("ann@example.com", "password123", true, true, &[])
        .await;
    app.login("ann@example.com", "password123").await;
    crate::common::totp::set_up_authenticator(&app).await;
    app.post("/logout", json!({})).await;
    let (status, body) = app
        .post(
            "/login",
            json!({"email": "ann@example.com", "password": "password123"}),
        )
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(body["response"]["tf_required"], true, "{body}");
    let csrf = body["response"]["csrf_token"].as_str().unwrap().to_owned();
    let rescue = json!({"help_setup": "email"});
    post_times_with(&app, "/tf-rescue", rescue, 5, &csrf).await;
    assert_eq!(
        delivered(&app, "ann@example.com", "Two-Factor Login").await,
        3
    );
}

async fn the_limit_is_configurable(store: Arc<dyn UserDatastore>) {
    let mut settings = settings();
    settings["mail_limit"] = json!(1);
    settings["mail_limit_within"] = json!("1 hours");
    let app = app_with(store, settings, |b| b).await;
    app.user("ann@example.com", "password123", true, true, &[])
        .await;
    let subject = "Password reset instructions";
    post_times(&app, "/reset", json!({"email": "ann@example.com"}), 3).await;
    assert_eq!(delivered(&app, "ann@example.com", subject).await, 1);
    app.clock.advance(chrono::Duration::minutes(30));
    post_times(&app, "/reset", json!({"email": "ann@example.com"}), 1).await;
    assert_eq!(delivered(&app, "ann@example.com", subject).await, 1);
    app.clock.advance(chrono::Duration::minutes(31));
    post_times(&app, "/reset", json!({"email": "ann@example.com"}), 1).await;
    assert_eq!(delivered(&app, "ann@example.com", subject).await, 2);
}

per_backend!(
    stores:
    reset_mails_are_limited_per_address,
    concurrent_reset_requests_send_at_most_the_limit,
    confirmation_mails_are_limited,
    registering_a_taken_address_mails_the_owner_at_most_the_limit,
    signin_codes_are_limited,
    two_factor_rescue_codes_are_limited,
    the_limit_is_configurable,
);
