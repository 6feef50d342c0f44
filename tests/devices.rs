//! The sessions page (`/sessions`, `/sessions/revoke`) and the `users sessions | sign-out |
//! unlock | reset-access` commands, on every backend.

use std::sync::Arc;

use crate::common::app::{
    app, csrf_with, get_json_with, post_json_headers, post_json_with, submit_form, TestApp,
};
use clap::Parser as _;
use rocket::http::Status;
use rocket::local::asynchronous::Client;
use rocket_security::cli::{execute, Cli};
use rocket_security::{Security, UserDatastore, UserQuery};
use serde_json::{json, Value};
use sha2::Digest;

const PASSWORD: &str = "correct horse battery";
const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

/// Signs `client` in as `email` (JSON) with a `User-Agent`, optionally remembered.
async fn sign_in(client: &Client, email: &str, user_agent: &str, remember: bool) {
    let csrf = csrf_with(client).await;
    let headers = [("User-Agent", user_agent), ("X-CSRF-Token", &csrf)];
    let body = json!({"email": email, "password": PASSWORD, "remember": remember});
    let (status, body) = post_json_headers(client, "/login", body, &headers).await;
    assert_eq!(status, Status::Ok, "sign-in of {email} failed: {body}");
}

/// The sessions a client sees (JSON).
async fn sessions(client: &Client) -> Vec<Value> {
    let (status, body) = get_json_with(client, "/sessions").await;
    assert_eq!(status, Status::Ok, "{body}");
    body["response"]["sessions"].as_array().unwrap().clone()
}

/// The public id of the client's own session.
async fn own_id(client: &Client) -> String {
    let list = sessions(client).await;
    let current: Vec<&Value> = list.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1, "exactly one current session: {list:?}");
    current[0]["id"].as_str().unwrap().to_owned()
}

async fn revoke(client: &Client, body: Value) -> (Status, Value) {
    let token = csrf_with(client).await;
    post_json_with(client, "/sessions/revoke", body, Some(&token)).await
}

async fn signed_in(client: &Client) -> bool {
    get_json_with(client, "/api/me").await.0 == Status::Ok
}

/// An app with one user signed in on three browsers: the app's client (Firefox), a phone that
/// ticked "remember me", and a third browser.
async fn three_devices(store: Arc<dyn UserDatastore>) -> (TestApp, Client, Client) {
    let app = app(store).await;
    app.user("ann@example.com", PASSWORD, true, true, &[]).await;
    sign_in(&app.client, "ann@example.com", FIREFOX, false).await;
    let phone = app.browser().await;
    sign_in(&phone, "ann@example.com", IPHONE, true).await;
    let third = app.browser().await;
    sign_in(&third, "ann@example.com", "curl/8.5.0", false).await;
    (app, phone, third)
}

async fn three_sessions_are_listed_with_the_current_one_marked(store: Arc<dyn UserDatastore>) {
    let (app, phone, _third) = three_devices(store).await;
    let list = sessions(&app.client).await;
    assert_eq!(list.len(), 3, "{list:?}");
    let current: Vec<&Value> = list.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["device"], "Firefox on Linux");
    assert_eq!(current[0]["remembered"], false);
    assert_eq!(current[0]["user_agent"], FIREFOX);
    for key in ["ip", "created_at", "last_seen_at"] {
        assert!(current[0].get(key).is_some(), "{key} missing");
    }
    let phone_entry = list
        .iter()
        .find(|s| s["device"] == "Safari on iPhone")
        .expect("the phone is listed");
    assert_eq!(phone_entry["remembered"], true);
    assert_eq!(phone_entry["current"], false);
    // The phone sees the same three, itself marked.
    assert_eq!(own_id(&phone).await, phone_entry["id"].as_str().unwrap());

    // The public id is not the stored key of the cookie.
    let cookie = app.session_cookie().unwrap();
    let stored = hex::encode(sha2::Sha256::digest(cookie.value().as_bytes()));
    assert!(list.iter().all(|s| s["id"] != stored.as_str()));
    assert!(app.store.find_session(&stored).await.unwrap().is_some());

    // The page lists them too.
    let html = app.client.get("/sessions").dispatch().await;
    assert_eq!(html.status(), Status::Ok);
    let html = html.into_string().await.unwrap();
    assert!(html.contains("Firefox on Linux") && html.contains("Safari on iPhone"));
    assert!(html.contains("this device"));
}

async fn revoking_one_signs_that_client_out(store: Arc<dyn UserDatastore>) {
    let (app, phone, third) = three_devices(store).await;
    // The phone ticked "remember me": its remember-me cookie must not sign it back in.
    let phone_id = own_id(&phone).await;
    let (status, body) = revoke(&app.client, json!({"id": phone_id})).await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(body["response"]["sessions"].as_array().unwrap().len(), 2);
    assert!(!signed_in(&phone).await, "the revoked phone is signed out");
    assert!(!signed_in(&phone).await, "and stays signed out");
    assert!(signed_in(&app.client).await);
    assert!(signed_in(&third).await);
    assert_eq!(sessions(&app.client).await.len(), 2);
}

async fn all_others_keeps_only_the_current_session(store: Arc<dyn UserDatastore>) {
    let (app, phone, third) = three_devices(store).await;
    let (status, body) = revoke(&app.client, json!({"all_others": true})).await;
    assert_eq!(status, Status::Ok, "{body}");
    let list = sessions(&app.client).await;
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["current"], true);
    assert!(signed_in(&app.client).await);
    assert!(!signed_in(&phone).await, "remember-me token ended too");
    assert!(!signed_in(&third).await);
}

async fn all_others_keeps_the_current_remember_me_token(store: Arc<dyn UserDatastore>) {
    let (_app, phone, third) = three_devices(store).await;
    let (status, _) = revoke(&phone, json!({"all_others": true})).await;
    assert_eq!(status, Status::Ok);
    let list = sessions(&phone).await;
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["remembered"], true);
    assert!(!signed_in(&third).await);
    // Only the browser session goes; the remember-me cookie signs the phone back in.
    let session = phone.cookies().get("session").cloned().unwrap();
    phone.cookies().remove(session);
    assert!(signed_in(&phone).await);
}

async fn another_users_session_is_not_found(store: Arc<dyn UserDatastore>) {
    let app = app(store).await;
    app.user("ann@example.com", PASSWORD, true, true, &[]).await;
    app.user("bob@example.com", PASSWORD, true, true, &[]).await;
    sign_in(&app.client, "ann@example.com", FIREFOX, false).await;
    let bob = app.browser().await;
    sign_in(&bob, "bob@example.com", IPHONE, true).await;
    let bobs_id = own_id(&bob).await;
    assert!(sessions(&app.client)
        .await
        .iter()
        .all(|s| s["id"] != bobs_id.as_str()));

    let (status, _) = revoke(&app.client, json!({"id": bobs_id})).await;
    assert_eq!(status, Status::NotFound);
    // Nor by the stored key of his cookie, nor by anything made up.
    let cookie = bob.cookies().get("session").unwrap().value().to_owned();
    let stored = hex::encode(sha2::Sha256::digest(cookie.as_bytes()));
    for id in [stored.as_str(), "0", "x'; --", &"f".repeat(4000)] {
        let (status, _) = revoke(&app.client, json!({"id": id})).await;
        assert_eq!(status, Status::NotFound, "{id}");
    }
    // A value longer than any field may be is refused before it reaches the store.
    let (status, _) = revoke(&app.client, json!({"id": "f".repeat(5000)})).await;
    assert_eq!(status, Status::BadRequest);
    assert!(signed_in(&bob).await);
    assert_eq!(sessions(&bob).await.len(), 1);

    // HTML: the page with the error, 404.
    let response = submit_form(
        &app.client,
        "/sessions",
        "/sessions/revoke",
        &[("id", bobs_id.as_str())],
    )
    .await;
    assert_eq!(response.status(), Status::NotFound);
    assert!(signed_in(&bob).await);
}

async fn revoking_needs_csrf_and_a_user(store: Arc<dyn UserDatastore>) {
    let (app, phone, _third) = three_devices(store).await;
    let phone_id = own_id(&phone).await;
    let (status, _) = post_json_with(
        &app.client,
        "/sessions/revoke",
        json!({"id": phone_id}),
        None,
    )
    .await;
    assert_eq!(status, Status::BadRequest);
    let (status, _) = post_json_with(
        &app.client,
        "/sessions/revoke",
        json!({"all_others": true}),
        None,
    )
    .await;
    assert_eq!(status, Status::BadRequest);
    assert!(signed_in(&phone).await);

    let stranger = app.browser().await;
    assert_eq!(
        get_json_with(&stranger, "/sessions").await.0,
        Status::Unauthorized
    );
    let (status, _) = revoke(&stranger, json!({"all_others": true})).await;
    assert_eq!(status, Status::Unauthorized);
    assert!(signed_in(&phone).await);
    let (status, _) = revoke(&app.client, json!({})).await;
    assert_eq!(status, Status::BadRequest);
}

async fn revoking_the_current_session_signs_out_here(store: Arc<dyn UserDatastore>) {
    let (app, phone, _third) = three_devices(store).await;
    let own = own_id(&app.client).await;
    let (status, _) = revoke(&app.client, json!({"id": own})).await;
    assert!(
        status == Status::Ok || status == Status::Unauthorized,
        "{status}"
    );
    assert!(!signed_in(&app.client).await);
    assert!(signed_in(&phone).await);
}

/// Runs a `users ...` command against the app's store.
async fn cli(app: &TestApp, args: &[&str]) -> Result<String, String> {
    let cli = Cli::try_parse_from(std::iter::once("app").chain(args.iter().copied()))
        .unwrap_or_else(|e| panic!("{args:?} does not parse: {e}"));
    let figment = rocket::Config::figment()
        .merge(("secret_key", "hPRYyVRiMyxpw5sBB1XeCMN1kFsDCqKvBi2QJxBVHQk7VsrKd/6JHzuX7WFQ1FhLp31qVvOfhu0kszKYcLfbeQ=="))
        .merge(("log_level", "off"))
        .merge(("security.password_salt", "pepper-for-tests"));
    execute(
        cli,
        Security::builder().datastore(app.store.clone()),
        &figment,
    )
    .await
}

async fn command_line_lists_and_signs_out(store: Arc<dyn UserDatastore>) {
    let (app, phone, third) = three_devices(store).await;
    let listing = cli(&app, &["users", "sessions", "ann@example.com"])
        .await
        .unwrap();
    assert_eq!(listing.lines().count(), 3, "{listing}");
    assert!(listing.contains("Firefox on Linux") && listing.contains("Safari on iPhone"));
    assert!(cli(&app, &["users", "sessions", "nobody@example.com"])
        .await
        .is_err());

    let message = cli(&app, &["users", "sign-out", "ann@example.com"])
        .await
        .unwrap();
    assert!(message.contains("ann@example.com"), "{message}");
    for client in [&app.client, &phone, &third] {
        assert!(!signed_in(client).await);
    }
    let listing = cli(&app, &["users", "sessions", "ann@example.com"])
        .await
        .unwrap();
    assert!(listing.contains("not signed in"), "{listing}");
}

async fn command_line_resets_access(store: Arc<dyn UserDatastore>) {
    let (app, phone, _third) = three_devices(store).await;
    let user = app
        .store
        .find_user(UserQuery::Email("ann@example.com"))
        .await
        .unwrap()
        .unwrap();
    let mut with_methods = user.clone();
    with_methods.tf_primary_method = Some("authenticator".into());
    with_methods.tf_totp_secret = Some("sealed-secret".into());
    with_methods.us_totp_secrets = Some("sealed-secrets".into());
    with_methods.mf_recovery_codes = Some("sealed-codes".into());
    app.store.update_user(&with_methods).await.unwrap();

    cli(&app, &["users", "reset-access", "ann@example.com"])
        .await
        .unwrap();
    let after = app
        .store
        .find_user(UserQuery::Email("ann@example.com"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.tf_primary_method, None);
    assert_eq!(after.tf_totp_secret, None);
    assert_eq!(after.us_totp_secrets, None);
    assert_eq!(after.mf_recovery_codes, None);
    assert_eq!(after.password, user.password, "the password stays");
    assert!(!signed_in(&phone).await);
    assert!(!signed_in(&app.client).await);
    // The password still signs in, now without a second factor.
    sign_in(&app.client, "ann@example.com", FIREFOX, false).await;
    assert!(signed_in(&app.client).await);
}

async fn command_line_unlocks(store: Arc<dyn UserDatastore>) {
    let app = app(store).await;
    app.user("ann@example.com", PASSWORD, true, true, &[]).await;
    let account = hex::encode(&sha2::Sha256::digest(b"ann@example.com")[..16]);
    let now = chrono::Utc::now().naive_utc();
    let window = chrono::Duration::hours(1);
    for key in [
        format!("locked:{account}"),
        format!("login-failures:{account}"),
    ] {
        app.store.hit_counter(&key, now, window).await.unwrap();
        app.store.hit_counter(&key, now, window).await.unwrap();
    }
    cli(&app, &["users", "unlock", " Ann@Example.com "])
        .await
        .unwrap();
    for key in [
        format!("locked:{account}"),
        format!("login-failures:{account}"),
    ] {
        assert_eq!(app.store.hit_counter(&key, now, window).await.unwrap(), 1);
    }
}

per_backend!(
    stores:
    three_sessions_are_listed_with_the_current_one_marked,
    revoking_one_signs_that_client_out,
    all_others_keeps_only_the_current_session,
    all_others_keeps_the_current_remember_me_token,
    another_users_session_is_not_found,
    revoking_needs_csrf_and_a_user,
    revoking_the_current_session_signs_out_here,
    command_line_lists_and_signs_out,
    command_line_resets_access,
    command_line_unlocks,
);
