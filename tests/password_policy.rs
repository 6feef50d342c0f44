//! The password policy on every path that sets a password: registration, change, reset and
//! the command line, with the breached list and zxcvbn turned on.

use std::sync::Arc;

use crate::common::app::{app_with, contract_settings, link, login_with, TestApp};
use rocket::http::Status;
use rocket_security::{Security, UserDatastore, UserQuery};
use serde_json::{json, Value};

const BREACHED: &str = "Password on breached list";
const WEAK: &str = "Password not complex enough";
const STRONG: &str = "plum orchard whistles at dusk";

async fn strict_app(store: Arc<dyn UserDatastore>) -> TestApp {
    let mut settings = contract_settings();
    settings["password_check_breached"] = json!(true);
    settings["password_complexity_checker"] = json!("zxcvbn");
    settings["password_length_max"] = json!(64);
    settings["login_without_confirmation"] = json!(true);
    app_with(store, settings, |b| b).await
}

fn password_errors(body: &Value, field: &str) -> Vec<String> {
    body["response"]["field_errors"][field]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e.as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

async fn register(app: &TestApp, email: &str, password: &str) -> (Status, Value) {
    let body = json!({"email": email, "password": password, "password_confirm": password});
    app.post("/register", body).await
}

async fn registration_refuses_breached_weak_and_long_passwords(store: Arc<dyn UserDatastore>) {
    let app = strict_app(store.clone()).await;

    let (status, body) = register(&app, "ann@example.com", "password123").await;
    assert_eq!(status, Status::BadRequest, "{body}");
    assert_eq!(password_errors(&body, "password"), [BREACHED]);

    // Built from the address: zxcvbn is told the address and scores it low, with advice.
    let (status, body) = register(&app, "zephyrine.kwabena@example.com", "kwabenazephyrine").await;
    assert_eq!(status, Status::BadRequest, "{body}");
    let errors = password_errors(&body, "password");
    assert!(errors[0].starts_with(WEAK), "{errors:?}");
    assert!(
        errors[0].len() > WEAK.len() + 5,
        "zxcvbn's advice follows: {errors:?}"
    );

    let (status, body) = register(&app, "ann@example.com", &"orchard ".repeat(9)).await;
    assert_eq!(status, Status::BadRequest, "{body}");
    assert_eq!(
        password_errors(&body, "password"),
        ["Password must be at most 64 characters"]
    );
    assert!(store
        .find_user(UserQuery::Email("ann@example.com"))
        .await
        .unwrap()
        .is_none());

    // A long passphrase with spaces, accents and emoji is fine, and signs in typed in either
    // Unicode form.
    let passphrase = "Crème brûlée 🍮 at the harbour";
    let (status, body) = register(&app, "ann@example.com", passphrase).await;
    assert_eq!(status, Status::Ok, "{body}");
    app.post("/logout", json!({})).await;
    let decomposed = "Cre\u{300}me bru\u{302}le\u{301}e 🍮 at the harbour";
    login_with(&app.client, "ann@example.com", decomposed, "").await;
}

async fn change_and_reset_apply_the_policy(store: Arc<dyn UserDatastore>) {
    let app = strict_app(store).await;
    app.user("bob@example.com", STRONG, true, true, &[]).await;
    app.login("bob@example.com", STRONG).await;

    let change =
        |new: &str| json!({"password": STRONG, "new_password": new, "new_password_confirm": new});
    let (status, body) = app.post("/change", change("iloveyou1")).await;
    assert_eq!(status, Status::BadRequest, "{body}");
    assert_eq!(password_errors(&body, "new_password"), [BREACHED]);
    let (status, body) = app.post("/change", change("bobbobbob1")).await;
    assert_eq!(status, Status::BadRequest, "{body}");
    assert!(password_errors(&body, "new_password")[0].starts_with(WEAK));
    let (status, body) = app
        .post("/change", change("violet lanterns over the quay"))
        .await;
    assert_eq!(status, Status::Ok, "{body}");

    app.post("/logout", json!({})).await;
    let (status, _) = app
        .post("/reset", json!({"email": "bob@example.com"}))
        .await;
    assert_eq!(status, Status::Ok);
    let security = app.client.rocket().state::<Security>().unwrap();
    security.outbox().flush().await.unwrap();
    let mail = app
        .mails()
        .into_iter()
        .rev()
        .find(|m| m.subject == "Password reset instructions")
        .expect("a reset mail");
    let reset = link(&mail.text, "/reset/").expect("a reset link");
    let body = json!({"password": "qwertyuiop", "password_confirm": "qwertyuiop"});
    let (status, body) = app.post(&reset, body).await;
    assert_eq!(status, Status::BadRequest, "{body}");
    assert_eq!(password_errors(&body, "password"), [BREACHED]);
    let body = json!({"password": STRONG, "password_confirm": STRONG});
    let (status, body) = app.post(&reset, body).await;
    assert_eq!(status, Status::Ok, "{body}");
}

async fn the_policy_is_off_by_default(store: Arc<dyn UserDatastore>) {
    let app = app_with(store, contract_settings(), |b| b).await;
    let (status, body) = register(&app, "cy@example.com", "password123").await;
    assert_eq!(status, Status::Ok, "{body}");
}

per_backend!(
    stores:
    registration_refuses_breached_weak_and_long_passwords,
    change_and_reset_apply_the_policy,
    the_policy_is_off_by_default,
);
