//! Security notices: the owner is mailed when the address, the password, two-factor, recovery
//! codes or sign-in methods change, so a change they did not make does not go unnoticed.

use std::sync::Arc;

use crate::common::app::{app_configured, app_with, contract_settings_with, link, TestApp};
use rocket::http::Status;
use rocket_security::{Mail, Security, UserDatastore};
use serde_json::{json, Value};

fn settings() -> Value {
    contract_settings_with(json!({
        "two_factor": true,
        "multi_factor_recovery_codes": true,
        "unified_signin": true,
        "us_enabled_methods": ["password", "email", "authenticator"],
        "totp_issuer": "fsref",
    }))
}

async fn signed_in(store: Arc<dyn UserDatastore>) -> TestApp {
    let app = app_with(store, settings(), |b| b).await;
    app.user("ann@example.com", "password123", true, true, &[])
        .await;
    app.login("ann@example.com", "password123").await;
    app
}

/// Delivers everything queued; returns the mails with `subject`.
async fn mails_titled(app: &TestApp, subject: &str) -> Vec<Mail> {
    let security = app.client.rocket().state::<Security>().unwrap();
    security.outbox().flush().await.unwrap();
    app.mails()
        .into_iter()
        .filter(|m| m.subject == subject)
        .collect()
}

/// The path of the first link in `mail`.
fn path_of(mail: &Mail) -> String {
    let url = link(&mail.text, "http://").expect("a link");
    format!("/{}", url.splitn(4, '/').nth(3).unwrap())
}

async fn email_change_notifies_the_old_and_the_new_address(store: Arc<dyn UserDatastore>) {
    let app = signed_in(store).await;
    let subject = "Your email address has been changed";
    let (status, body) = app
        .post("/change-email", json!({"email": "ann@new.example.com"}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let instructions = mails_titled(&app, "Confirm your new email address").await;
    assert!(
        mails_titled(&app, subject).await.is_empty(),
        "not before the change"
    );
    let response = app.client.get(path_of(&instructions[0])).dispatch().await;
    assert_eq!(response.status(), Status::Found);
    let notices = mails_titled(&app, subject).await;
    let recipients: Vec<&str> = notices.iter().map(|m| m.to.as_str()).collect();
    assert_eq!(recipients, ["ann@example.com", "ann@new.example.com"]);
    for notice in &notices {
        for part in [&notice.text, &notice.html] {
            assert!(part.contains("ann@example.com"), "{part}");
            assert!(part.contains("ann@new.example.com"), "{part}");
        }
    }
}

async fn password_change_notifies_the_owner(store: Arc<dyn UserDatastore>) {
    let app = signed_in(store).await;
    let body = json!({"password": "password123", "new_password": "new-password-1", "new_password_confirm": "new-password-1"});
    let (status, body) = app.post("/change", body).await;
    assert_eq!(status, Status::Ok, "{body}");
    let notices = mails_titled(&app, "Your password has been changed").await;
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].to, "ann@example.com");
}

async fn password_reset_notifies_the_owner(store: Arc<dyn UserDatastore>) {
    let app = app_with(store, settings(), |b| b).await;
    app.user("ann@example.com", "password123", true, true, &[])
        .await;
    let (status, _) = app
        .post("/reset", json!({"email": "ann@example.com"}))
        .await;
    assert_eq!(status, Status::Ok);
    let instructions = mails_titled(&app, "Password reset instructions").await;
    let body = json!({"password": "new-password-1", "password_confirm": "new-password-1"});
    let (status, body) = app.post(&path_of(&instructions[0]), body).await;
    assert_eq!(status, Status::Ok, "{body}");
    let notices = mails_titled(&app, "Your password has been reset").await;
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].to, "ann@example.com");
}

async fn two_factor_replaced_or_turned_off_notifies_the_owner(store: Arc<dyn UserDatastore>) {
    let app = signed_in(store).await;
    let replaced = "Your two-factor authenticator has been replaced";
    let disabled = "Two-factor authentication has been turned off";
    crate::common::totp::set_up_authenticator(&app).await;
    assert!(
        mails_titled(&app, replaced).await.is_empty(),
        "a first set-up"
    );
    // A code's time step is accepted once: the new authenticator's code is a later one.
    app.clock.advance(chrono::Duration::seconds(60));
    crate::common::totp::set_up_authenticator(&app).await;
    let notices = mails_titled(&app, replaced).await;
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].to, "ann@example.com");
    let (status, body) = app.post("/tf-setup", json!({"setup": "disable"})).await;
    assert_eq!(status, Status::Ok, "{body}");
    let notices = mails_titled(&app, disabled).await;
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].to, "ann@example.com");
    assert!(
        notices[0].text.contains("turned off"),
        "{}",
        notices[0].text
    );
}

async fn new_recovery_codes_notify_the_owner_without_the_codes(store: Arc<dyn UserDatastore>) {
    let app = signed_in(store).await;
    let (status, body) = app.post("/mf-recovery-codes", json!({})).await;
    assert_eq!(status, Status::Ok, "{body}");
    let codes = body["response"]["recovery_codes"].as_array().unwrap();
    let notices = mails_titled(&app, "New recovery codes have been generated").await;
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].to, "ann@example.com");
    for code in codes {
        let code = code.as_str().unwrap();
        assert!(!notices[0].text.contains(code) && !notices[0].html.contains(code));
    }
}

async fn sign_in_methods_added_or_removed_notify_the_owner(store: Arc<dyn UserDatastore>) {
    let app = signed_in(store).await;
    let subject = "Your sign-in methods have changed";
    let (status, body) = app
        .post("/us-setup", json!({"chosen_method": "email"}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let state = body["response"]["state"].as_str().unwrap().to_owned();
    let code_mail = mails_titled(&app, "Verification Code").await;
    let code: String = code_mail[0]
        .text
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap()
        .to_owned();
    assert!(
        mails_titled(&app, subject).await.is_empty(),
        "not before set-up"
    );
    let (status, body) = app
        .post(&format!("/us-setup/{state}"), json!({"passcode": code}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let notices = mails_titled(&app, subject).await;
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].to, "ann@example.com");
    assert!(
        notices[0].text.contains("added: email"),
        "{}",
        notices[0].text
    );
    let (status, body) = app
        .post("/us-setup", json!({"delete_method": ["email"]}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let notices = mails_titled(&app, subject).await;
    assert_eq!(notices.len(), 2);
    assert!(
        notices[1].text.contains("removed: email"),
        "{}",
        notices[1].text
    );
}

async fn notice_subjects_and_templates_can_be_replaced(store: Arc<dyn UserDatastore>) {
    let dir = tempfile::tempdir().unwrap();
    let email_dir = dir.path().join("security/email");
    std::fs::create_dir_all(&email_dir).unwrap();
    std::fs::write(
        email_dir.join("recovery_codes_notice.txt.tera"),
        "Custom notice for {{ user.email }}\n",
    )
    .unwrap();
    let mut settings = settings();
    settings["email_subject_recovery_codes_notice"] = json!("Codes renewed");
    let app = app_configured(store, settings, json!({"template_dir": dir.path()}), |b| b).await;
    app.user("ann@example.com", "password123", true, true, &[])
        .await;
    app.login("ann@example.com", "password123").await;
    let (status, _) = app.post("/mf-recovery-codes", json!({})).await;
    assert_eq!(status, Status::Ok);
    let notices = mails_titled(&app, "Codes renewed").await;
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].text, "Custom notice for ann@example.com\n");
    assert!(
        notices[0].html.contains("recovery codes"),
        "the default HTML part"
    );
}

per_backend!(
    stores:
    email_change_notifies_the_old_and_the_new_address,
    password_change_notifies_the_owner,
    password_reset_notifies_the_owner,
    two_factor_replaced_or_turned_off_notifies_the_owner,
    new_recovery_codes_notify_the_owner_without_the_codes,
    sign_in_methods_added_or_removed_notify_the_owner,
    notice_subjects_and_templates_can_be_replaced,
);
