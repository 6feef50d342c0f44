//! Purging on a schedule: delivered mail keeps no live link or code, and expired sessions,
//! codes, delivered mail and stale counters are deleted, on every backend.

use std::sync::Arc;

use crate::common::app::{app_with, contract_settings, link, TestApp};
use chrono::{Duration, NaiveDate, NaiveDateTime};
use rocket::http::Status;
use rocket_security::{NewUser, OneTimeCode, OutboxMail, Security, UserDatastore, UserQuery};
use serde_json::{json, Value};

fn at(hour: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2030, 1, 1)
        .unwrap()
        .and_hms_opt(hour, 0, 0)
        .unwrap()
}

fn mail(body: &str, created: NaiveDateTime) -> OutboxMail {
    OutboxMail {
        id: 0,
        sender: "no-reply@example.com".to_owned(),
        recipient: "ann@example.com".to_owned(),
        subject: "Password reset instructions".to_owned(),
        body_text: body.to_owned(),
        body_html: format!("<a href=\"{body}\">{body}</a>"),
        attempts: 0,
        next_attempt_at: created,
        last_error: None,
        created_at: created,
        sent_at: None,
    }
}

async fn delivered_mail_is_scrubbed_then_purged(store: Arc<dyn UserDatastore>) {
    let link = "http://127.0.0.1:8000/reset/Live-Token_123";
    let first = store.enqueue_mail(&mail(link, at(1))).await.unwrap();
    let second = store.enqueue_mail(&mail(link, at(1))).await.unwrap();
    store.mark_mail_sent(first.id, at(2)).await.unwrap();
    store.mark_mail_sent(second.id, at(4)).await.unwrap();
    let sent = store.sent_mails(10).await.unwrap();
    assert_eq!(
        sent.iter().map(|m| m.id).collect::<Vec<_>>(),
        [second.id, first.id],
        "newest first"
    );
    for mail in &sent {
        assert_eq!(mail.body_text, "", "no link kept after delivery");
        assert_eq!(mail.body_html, "", "no link kept after delivery");
        assert_eq!(mail.recipient, "ann@example.com");
        assert!(mail.sent_at.is_some());
    }
    assert_eq!(store.sent_mails(1).await.unwrap().len(), 1);
    // A mail still waiting keeps its body, and is never purged.
    let waiting = store.enqueue_mail(&mail(link, at(1))).await.unwrap();
    assert_eq!(store.delete_sent_mails(at(2)).await.unwrap(), 0);
    assert_eq!(store.delete_sent_mails(at(3)).await.unwrap(), 1);
    assert_eq!(store.delete_sent_mails(at(23)).await.unwrap(), 1);
    assert!(store.sent_mails(10).await.unwrap().is_empty());
    let pending = store.pending_mails().await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].id, waiting.id);
    assert_eq!(pending[0].body_text, link);
}

async fn expired_codes_are_purged(store: Arc<dyn UserDatastore>) {
    let user = store
        .create_user(NewUser {
            email: "ann@example.com".into(),
            active: true,
            ..NewUser::default()
        })
        .await
        .unwrap();
    let code = |purpose: &str, expires_at| OneTimeCode {
        user_id: user.id,
        purpose: purpose.into(),
        code_hash: "ab".repeat(32),
        expires_at,
    };
    store.put_code(&code("us-signin", at(2))).await.unwrap();
    store.put_code(&code("tf-rescue", at(5))).await.unwrap();
    assert_eq!(store.delete_expired_codes(at(1)).await.unwrap(), 0);
    assert_eq!(store.delete_expired_codes(at(3)).await.unwrap(), 1);
    // The expired code is gone (it would still work at 1:00 otherwise); the live one stays.
    let hash = "ab".repeat(32);
    assert!(!store
        .take_code(user.id, "us-signin", &hash, at(1))
        .await
        .unwrap());
    assert!(store
        .take_code(user.id, "tf-rescue", &hash, at(3))
        .await
        .unwrap());
}

async fn stale_counters_are_purged(store: Arc<dyn UserDatastore>) {
    let day = Duration::days(1);
    assert_eq!(
        store.hit_counter("mail:reset:a", at(1), day).await.unwrap(),
        1
    );
    assert_eq!(
        store.hit_counter("mail:reset:a", at(1), day).await.unwrap(),
        2
    );
    assert_eq!(
        store.hit_counter("mail:reset:b", at(3), day).await.unwrap(),
        1
    );
    assert_eq!(store.delete_stale_counters(at(1)).await.unwrap(), 0);
    assert_eq!(store.delete_stale_counters(at(2)).await.unwrap(), 1);
    // `a` starts over; `b` keeps counting.
    assert_eq!(
        store.hit_counter("mail:reset:a", at(4), day).await.unwrap(),
        1
    );
    assert_eq!(
        store.hit_counter("mail:reset:b", at(4), day).await.unwrap(),
        2
    );
}

fn settings() -> Value {
    let mut settings = contract_settings();
    settings["unified_signin"] = json!(true);
    settings
}

/// Delivers everything queued.
async fn flush(app: &TestApp) {
    let security = app.client.rocket().state::<Security>().unwrap();
    security.outbox().flush().await.unwrap();
}

/// Every stored outbox row, delivered or not.
async fn stored_mails(store: &dyn UserDatastore) -> Vec<OutboxMail> {
    let mut mails = store.sent_mails(100).await.unwrap();
    mails.extend(store.pending_mails().await.unwrap());
    mails
}

async fn the_database_keeps_no_mailed_link_or_code(store: Arc<dyn UserDatastore>) {
    let app = app_with(store.clone(), settings(), |b| b).await;
    app.user("ann@example.com", "password123", true, true, &[])
        .await;
    let mut user = store
        .find_user(UserQuery::Email("ann@example.com"))
        .await
        .unwrap()
        .unwrap();
    user.us_totp_secrets = Some(json!({"email": true}).to_string());
    store.update_user(&user).await.unwrap();
    let (status, _) = app
        .post("/reset", json!({"email": "ann@example.com"}))
        .await;
    assert_eq!(status, Status::Ok);
    let body = json!({"identity": "ann@example.com", "chosen_method": "email"});
    let (status, _) = app.post("/us-signin/send-code", body).await;
    assert_eq!(status, Status::Ok);
    flush(&app).await;
    let mails = app.mails();
    assert_eq!(mails.len(), 2, "{mails:?}");
    let reset = link(&mails[0].text, "http://").expect("a reset link");
    let magic = link(&mails[1].text, "http://").expect("a sign-in link");
    let code = magic.rsplit('=').next().unwrap().to_owned();
    assert_eq!(code.len(), 6, "{magic}");
    let stored = stored_mails(store.as_ref()).await;
    assert_eq!(stored.len(), 2, "both rows are kept for a while");
    for row in &stored {
        for secret in [&reset, &magic, &code] {
            assert!(!row.body_text.contains(secret.as_str()), "{row:?}");
            assert!(!row.body_html.contains(secret.as_str()), "{row:?}");
        }
    }
    // The mailed link still works: only the stored copy is gone.
    let path = reset.splitn(4, '/').nth(3).unwrap();
    let response = app.client.get(format!("/{path}")).dispatch().await;
    assert_eq!(response.status(), Status::Ok);
}

async fn purge_deletes_what_has_expired(store: Arc<dyn UserDatastore>) {
    let app = app_with(store.clone(), settings(), |b| b).await;
    let security = app.client.rocket().state::<Security>().unwrap();
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
    let (status, _) = app.post("/us-signin/send-code", body).await;
    assert_eq!(status, Status::Ok);
    flush(&app).await;
    app.login("ann@example.com", "password123").await;
    assert_eq!(store.list_user_sessions(user.id).await.unwrap().len(), 1);
    // Nothing has expired yet.
    let purged = security.purge_expired().await.unwrap();
    assert_eq!(purged.sent_mails, 0);
    assert_eq!(purged.codes, 0);
    assert_eq!(purged.counters, 0);
    // A week and more later: the session, the code, the mail and the mail counter are over.
    app.clock.advance(Duration::days(40));
    let purged = security.purge_expired().await.unwrap();
    assert!(purged.sessions >= 1, "{purged:?}");
    assert_eq!(purged.sent_mails, 1, "{purged:?}");
    assert_eq!(purged.codes, 1, "{purged:?}");
    assert!(purged.counters >= 1, "{purged:?}");
    assert!(store.sent_mails(10).await.unwrap().is_empty());
    assert!(store.list_user_sessions(user.id).await.unwrap().is_empty());
    assert_eq!(security.purge_expired().await.unwrap(), Default::default());
}

per_backend!(
    stores:
    delivered_mail_is_scrubbed_then_purged,
    expired_codes_are_purged,
    stale_counters_are_purged,
    the_database_keeps_no_mailed_link_or_code,
    purge_deletes_what_has_expired,
);
