//! The security activity page (`/activity`) and its log, on every backend.

use std::sync::Arc;
use std::time::Duration;

use crate::common::app::{
    app_with, contract_settings, csrf_with, get_json_with, link, post_json_headers, TestApp,
};
use rocket::http::{Accept, ContentType, Header, Status};
use rocket::local::asynchronous::Client;
use rocket_security::{Activity, ActivityKind, NewUser, UserDatastore, UserQuery};
use serde_json::{json, Value};

const PASSWORD: &str = "correct horse battery";
const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const ANN: &str = "ann@example.com";

async fn activity_app(store: Arc<dyn UserDatastore>) -> TestApp {
    let mut settings = contract_settings();
    let extra = json!({
        "multi_factor_recovery_codes": true,
        "unified_signin": true,
        "us_enabled_methods": ["password", "email"],
    });
    for (k, v) in extra.as_object().unwrap() {
        settings[k] = v.clone();
    }
    let app = app_with(store, settings, |b| b).await;
    app.user(ANN, PASSWORD, true, true, &[]).await;
    app
}

/// POST JSON with a `User-Agent`, fetching a CSRF token first.
async fn post_as(client: &Client, path: &str, body: Value) -> (Status, Value) {
    let csrf = csrf_with(client).await;
    let headers = [("User-Agent", FIREFOX), ("X-CSRF-Token", &csrf)];
    post_json_headers(client, path, body, &headers).await
}

async fn sign_in(client: &Client, password: &str) -> Status {
    post_as(
        client,
        "/login",
        json!({"email": ANN, "password": password}),
    )
    .await
    .0
}

/// The events the client sees, waiting (events are written in the background) until there
/// are at least `n`.
async fn events(client: &Client, n: usize) -> Vec<Value> {
    events_until(client, |list| list.len() >= n).await
}

/// The events the client sees once `done` holds for them (or after five seconds).
async fn events_until(client: &Client, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let (status, body) = get_json_with(client, "/activity").await;
        assert_eq!(status, Status::Ok, "{body}");
        let list = body["response"]["events"].as_array().unwrap().clone();
        if done(&list) || std::time::Instant::now() > deadline {
            return list;
        }
        rocket::tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn kinds(list: &[Value]) -> Vec<&str> {
    list.iter().map(|e| e["kind"].as_str().unwrap()).collect()
}

async fn events_are_recorded_for_each_kind(store: Arc<dyn UserDatastore>) {
    let app = activity_app(store).await;
    assert_ne!(sign_in(&app.client, "wrong password!").await, Status::Ok);
    assert_eq!(sign_in(&app.client, PASSWORD).await, Status::Ok);
    let list = events(&app.client, 2).await;
    assert_eq!(kinds(&list), ["sign_in", "sign_in_failed"], "{list:?}");
    assert_eq!(list[0]["device"], "Firefox on Linux");
    for key in ["at", "ip", "device"] {
        assert!(list[0].get(key).is_some(), "{key} missing");
    }

    let (status, body) = post_as(
        &app.client,
        "/change",
        json!({"password": PASSWORD, "new_password": "another password 2",
               "new_password_confirm": "another password 2"}),
    )
    .await;
    assert_eq!(status, Status::Ok, "{body}");
    let (status, body) = post_as(&app.client, "/mf-recovery-codes", json!({})).await;
    assert_eq!(status, Status::Ok, "{body}");

    // A sign-in method removed.
    let user = app
        .store
        .find_user(UserQuery::Email(ANN))
        .await
        .unwrap()
        .unwrap();
    let mut with_email = user.clone();
    with_email.us_totp_secrets = Some(json!({"email": true}).to_string());
    app.store.update_user(&with_email).await.unwrap();
    let (status, body) = post_as(&app.client, "/us-setup", json!({"delete_method": "email"})).await;
    assert_eq!(status, Status::Ok, "{body}");

    // Another browser, signed out from here.
    let other = app.browser().await;
    assert_eq!(sign_in(&other, "another password 2").await, Status::Ok);
    let (status, _) = post_as(&app.client, "/sessions/revoke", json!({"all_others": true})).await;
    assert_eq!(status, Status::Ok);

    // A password reset through the mailed link.
    let before = app.mails().len();
    let (status, _) = post_as(&other, "/reset", json!({"email": ANN})).await;
    assert_eq!(status, Status::Ok);
    let mails = app
        .mailer
        .wait_for(before + 1, Duration::from_secs(5))
        .await;
    let mail = mails
        .iter()
        .rev()
        .find(|m| m.text.contains("/reset/"))
        .expect("a reset mail");
    let url = link(&mail.text, "http://").expect("a reset link");
    let path = format!("/{}", url.splitn(4, '/').nth(3).unwrap());
    let (status, body) = post_as(
        &other,
        &path,
        json!({"password": "third password 3", "password_confirm": "third password 3"}),
    )
    .await;
    assert_eq!(status, Status::Ok, "{body}");

    assert_eq!(sign_in(&app.client, "third password 3").await, Status::Ok);
    let list = events(&app.client, 9).await;
    let seen = kinds(&list);
    for kind in [
        "sign_in",
        "sign_in_failed",
        "password_changed",
        "recovery_codes_regenerated",
        "sign_in_method_removed",
        "session_ended",
        "password_reset",
    ] {
        assert!(seen.contains(&kind), "{kind} not in {seen:?}");
    }
    assert_eq!(seen[0], "sign_in", "newest first: {seen:?}");
}

async fn activity_is_paged_newest_first_and_private(store: Arc<dyn UserDatastore>) {
    let app = activity_app(store).await;
    app.user("bob@example.com", PASSWORD, true, true, &[]).await;
    let ann = app
        .store
        .find_user(UserQuery::Email(ANN))
        .await
        .unwrap()
        .unwrap();
    let bob = app
        .store
        .find_user(UserQuery::Email("bob@example.com"))
        .await
        .unwrap()
        .unwrap();
    let start = chrono::Utc::now().naive_utc() - chrono::Duration::hours(1);
    for i in 0..30 {
        let at = start + chrono::Duration::seconds(i);
        for user_id in [ann.id, bob.id] {
            let entry = Activity {
                id: 0,
                user_id,
                kind: ActivityKind::PasswordChanged,
                at,
                ip: Some(format!("10.0.0.{i}")),
                user_agent: None,
                detail: None,
            };
            app.store.add_activity(&entry).await.unwrap();
        }
    }
    assert_eq!(sign_in(&app.client, PASSWORD).await, Status::Ok);
    let first = events_until(&app.client, |list| {
        list.first().is_some_and(|e| e["kind"] == "sign_in")
    })
    .await;
    assert_eq!(first.len(), 25);
    assert_eq!(first[0]["kind"], "sign_in");
    assert_eq!(first[1]["ip"], "10.0.0.29");
    assert_eq!(first[24]["ip"], "10.0.0.6");
    let (status, body) = get_json_with(&app.client, "/activity?page=2").await;
    assert_eq!(status, Status::Ok);
    let second = body["response"]["events"].as_array().unwrap();
    assert_eq!(second.len(), 6, "{body}");
    assert_eq!(second[5]["ip"], "10.0.0.0");
    assert_eq!(body["response"]["has_more"], false);
    for bad in ["0", "-1", "abc", "99999999999999999999"] {
        let (status, _) = get_json_with(&app.client, &format!("/activity?page={bad}")).await;
        assert_eq!(status, Status::BadRequest, "page={bad}");
    }
    let html = app.client.get("/activity").dispatch().await;
    assert_eq!(html.status(), Status::Ok);
    let html = html.into_string().await.unwrap();
    assert!(html.contains("Password changed") && html.contains("Older"));

    let stranger = app.browser().await;
    assert_eq!(
        get_json_with(&stranger, "/activity").await.0,
        Status::Unauthorized
    );
}

/// On the datastore alone: a running app purges old activity as it starts, which would race
/// the rows written here.
async fn old_activity_is_purged(store: Arc<dyn UserDatastore>) {
    let ann = store
        .create_user(NewUser {
            email: ANN.into(),
            active: true,
            ..NewUser::default()
        })
        .await
        .unwrap();
    let now = chrono::Utc::now().naive_utc();
    for days in [400, 10] {
        let entry = Activity {
            id: 0,
            user_id: ann.id,
            kind: ActivityKind::SignIn,
            at: now - chrono::Duration::days(days),
            ip: None,
            user_agent: Some(FIREFOX.into()),
            detail: Some("password".into()),
        };
        store.add_activity(&entry).await.unwrap();
    }
    let purged = store
        .purge_activity(now - chrono::Duration::days(365))
        .await
        .unwrap();
    assert_eq!(purged, 1);
    let left = store.list_activity(ann.id, 0, 10).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].detail.as_deref(), Some("password"));
    assert_eq!(left[0].user_agent.as_deref(), Some(FIREFOX));
}

async fn a_new_device_is_notified_once(store: Arc<dyn UserDatastore>) {
    let mut settings = contract_settings();
    settings["notify_new_device"] = json!(true);
    settings["server_name"] = json!("https://app.example.com");
    let app = app_with(store, settings, |b| b).await;
    app.user(ANN, PASSWORD, true, true, &[]).await;
    let notices = |app: &TestApp| {
        app.mails()
            .into_iter()
            .filter(|m| m.subject == "New sign-in to your account")
            .collect::<Vec<_>>()
    };
    assert_eq!(sign_in(&app.client, PASSWORD).await, Status::Ok);
    app.mailer.wait_for(1, Duration::from_secs(5)).await;
    let first = notices(&app);
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].to, ANN);
    assert!(
        first[0].text.contains("Firefox on Linux"),
        "{}",
        first[0].text
    );
    assert!(first[0].text.contains("https://app.example.com/sessions"));
    assert!(first[0].html.contains("https://app.example.com/sessions"));

    // The same browser again, from another window: no notice.
    let again = app.browser().await;
    assert_eq!(sign_in(&again, PASSWORD).await, Status::Ok);
    events_until(&app.client, |list| {
        list.iter().filter(|e| e["kind"] == "sign_in").count() >= 2
    })
    .await;
    rocket::tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        notices(&app).len(),
        1,
        "no second notice for a known browser"
    );

    // A phone the account never used: one notice, once.
    let phone = app.browser().await;
    for _ in 0..2 {
        let csrf = crate::common::app::csrf_with(&phone).await;
        let response = phone
            .post("/login")
            .header(ContentType::JSON)
            .header(Accept::JSON)
            .header(Header::new("User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"))
            .header(Header::new("X-CSRF-Token", csrf))
            .body(json!({"email": ANN, "password": PASSWORD}).to_string())
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::Ok);
        app.mailer.wait_for(2, Duration::from_secs(5)).await;
    }
    events_until(&app.client, |list| {
        list.iter().filter(|e| e["kind"] == "sign_in").count() >= 4
    })
    .await;
    rocket::tokio::time::sleep(Duration::from_millis(300)).await;
    let all = notices(&app);
    assert_eq!(all.len(), 2, "one notice per new device");
    assert!(all[1].text.contains("Safari on iPhone"), "{}", all[1].text);
}

async fn no_notice_unless_turned_on(store: Arc<dyn UserDatastore>) {
    let app = activity_app(store).await;
    assert_eq!(sign_in(&app.client, PASSWORD).await, Status::Ok);
    events(&app.client, 1).await;
    rocket::tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(app
        .mails()
        .iter()
        .all(|m| m.subject != "New sign-in to your account"));
}

per_backend!(
    stores:
    a_new_device_is_notified_once,
    no_notice_unless_turned_on,
    events_are_recorded_for_each_kind,
    activity_is_paged_newest_first_and_private,
    old_activity_is_purged,
);
