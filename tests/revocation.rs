//! Revocation that cannot be raced, links bound to what they were issued for, and
//! pre-hijacking (issue #10, items 5, 6 and 8).

use std::sync::Arc;
use std::time::Duration;

use crate::common::app::{
    app_with, contract_settings_with, get_json_with, login_with_status, post_json_with, TestApp,
};
use rocket::http::{Accept, Cookie, Header, Status};
use rocket::local::asynchronous::Client;
use rocket_security::{UserDatastore, UserQuery};
use serde_json::{json, Value};

const JOE: &str = "joe@example.com";
const PASSWORD: &str = "password123";
const NEW_PASSWORD: &str = "brand-new-secret";
const WAIT: Duration = Duration::from_secs(5);

per_backend!(
    stores:
    sign_in_racing_a_reset_leaves_nothing_valid,
    sign_in_racing_a_password_change_leaves_nothing_valid,
    reset_link_dies_with_an_email_change,
    reset_link_dies_with_a_password_change,
    confirmation_link_dies_with_a_password_change,
    change_email_link_dies_with_a_password_change,
    owner_reset_removes_what_a_pre_registrant_set_up,
);

fn with(extra: Value) -> Value {
    let mut settings = contract_settings_with(extra);
    let map = settings.as_object_mut().unwrap();
    // A loaded machine takes a while to start the browsers: links must not expire meanwhile.
    map.insert("reset_password_within".into(), json!("1 hours"));
    map.insert("confirm_email_within".into(), json!("1 hours"));
    settings
}

/// The test app, signing passwords with `hasher`.
async fn hooked_app(
    store: Arc<dyn UserDatastore>,
    settings: Value,
    hasher: &crate::hooks::HookedHasher,
) -> TestApp {
    let hasher = hasher.clone();
    app_with(store, settings, move |b| {
        b.password_hasher(Arc::new(hasher.clone()))
    })
    .await
}

/// A browser with its CSRF token.
async fn browser(app: &TestApp) -> (Client, String) {
    let browser = app.browser().await;
    let csrf = crate::common::app::csrf_with(&browser).await;
    (browser, csrf)
}

/// The path of the link to `route` in the newest mail that has one, once at least `n` mails
/// went out (security notices, which carry no link, may go out in between).
async fn mailed_link(app: &TestApp, n: usize, route: &str) -> String {
    let started = std::time::Instant::now();
    loop {
        let mails = app.mailer.wait_for(n, WAIT).await;
        let link = mails.iter().rev().find_map(|mail| {
            let link = crate::common::app::link(&mail.text, "http://")?;
            let at = link.find(route)?;
            Some(link[at..].to_owned())
        });
        if let Some(link) = link {
            return link;
        }
        assert!(started.elapsed() < WAIT, "no mail with a link to {route}");
        rocket::tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// Signs in on `client` with remember-me and an auth token; the remember-me cookie and token.
async fn sign_in_everywhere(
    client: &Client,
    email: &str,
    password: &str,
) -> (Cookie<'static>, String) {
    let csrf = crate::common::app::csrf_with(client).await;
    let body = json!({"email": email, "password": password, "remember": true});
    let (status, body) =
        post_json_with(client, "/login?include_auth_token", body, Some(&csrf)).await;
    assert_eq!(status, Status::Ok, "{body}");
    let token = body["response"]["user"]["authentication_token"]
        .as_str()
        .unwrap_or_else(|| panic!("no token in {body}"))
        .to_owned();
    let remember = client
        .cookies()
        .get("remember_token")
        .cloned()
        .expect("a remember-me cookie");
    (remember, token)
}

/// Asserts that neither the session of `client`, nor the remember-me cookie, nor the token
/// signs anybody in any more.
async fn assert_all_revoked(
    app: &TestApp,
    client: &Client,
    remember: Cookie<'static>,
    token: &str,
) {
    let session = client
        .get("/protected")
        .header(Accept::JSON)
        .dispatch()
        .await;
    assert_eq!(session.status(), Status::Unauthorized, "the session ended");
    let fresh = app.browser().await;
    let remembered = fresh
        .get("/protected")
        .header(Accept::JSON)
        .cookie(remember)
        .dispatch()
        .await;
    assert_eq!(
        remembered.status(),
        Status::Unauthorized,
        "remember-me ended"
    );
    let by_token = fresh
        .get("/api/token")
        .header(Accept::JSON)
        .header(Header::new("Authentication-Token", token.to_owned()))
        .dispatch()
        .await;
    assert_eq!(
        by_token.status(),
        Status::Unauthorized,
        "the auth token ended"
    );
}

async fn post_with(client: &(Client, String), path: &str, body: Value) -> (Status, Value) {
    post_json_with(&client.0, path, body, Some(&client.1)).await
}

fn new_password_form(password: &str) -> Value {
    json!({"password": password, "password_confirm": password})
}

async fn sign_in_racing_a_reset_leaves_nothing_valid(store: Arc<dyn UserDatastore>) {
    let hasher = crate::hooks::HookedHasher::new();
    let app = hooked_app(store, with(json!({})), &hasher).await;
    app.user(JOE, PASSWORD, true, true, &[]).await;
    let (status, _) = app.post("/reset", json!({"email": JOE})).await;
    assert_eq!(status, Status::Ok);
    let link = mailed_link(&app, 1, "/reset/").await;
    let owner = browser(&app).await;
    // The password is verified, then the owner resets it, then the sign-in goes on.
    hasher.after_next_verify(async move {
        let (status, body) = post_with(&owner, &link, new_password_form(NEW_PASSWORD)).await;
        assert_eq!(status, Status::Ok, "{body}");
    });
    let (remember, token) = sign_in_everywhere(&app.client, JOE, PASSWORD).await;
    assert_all_revoked(&app, &app.client, remember, &token).await;
}

async fn sign_in_racing_a_password_change_leaves_nothing_valid(store: Arc<dyn UserDatastore>) {
    let hasher = crate::hooks::HookedHasher::new();
    let app = hooked_app(store, with(json!({})), &hasher).await;
    app.user(JOE, PASSWORD, true, true, &[]).await;
    let owner = browser(&app).await;
    sign_in_everywhere(&owner.0, JOE, PASSWORD).await;
    let (status, page) = get_json_with(&owner.0, "/change").await;
    assert_eq!(status, Status::Ok, "{page}");
    let owner = (
        owner.0,
        page["response"]["csrf_token"].as_str().unwrap().to_owned(),
    );
    hasher.after_next_verify(async move {
        // The change checks the current password itself: it runs its step only once armed.
        let body = json!({
            "password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD,
        });
        let (status, body) = post_with(&owner, "/change", body).await;
        assert_eq!(status, Status::Ok, "{body}");
    });
    let (remember, token) = sign_in_everywhere(&app.client, JOE, PASSWORD).await;
    assert_all_revoked(&app, &app.client, remember, &token).await;
}

async fn change_password(app: &TestApp, from: &str, to: &str) {
    let body = json!({"password": from, "new_password": to, "new_password_confirm": to});
    let (status, body) = app.post("/change", body).await;
    assert_eq!(status, Status::Ok, "{body}");
}

async fn reset_is_refused(app: &TestApp, link: &str) {
    let (status, body) = post_with(
        &browser(app).await,
        link,
        new_password_form("another-one-1"),
    )
    .await;
    assert_eq!(status, Status::BadRequest, "{body}");
    assert_eq!(
        body["response"]["errors"],
        json!(["Invalid reset password token."])
    );
}

async fn reset_link_dies_with_an_email_change(store: Arc<dyn UserDatastore>) {
    let app = app_with(store.clone(), with(json!({})), |b| b).await;
    app.user(JOE, PASSWORD, true, true, &[]).await;
    let (status, _) = app.post("/reset", json!({"email": JOE})).await;
    assert_eq!(status, Status::Ok);
    let reset = mailed_link(&app, 1, "/reset/").await;
    app.login(JOE, PASSWORD).await;
    let (status, body) = app
        .post("/change-email", json!({"email": "joseph@example.com"}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let confirm = mailed_link(&app, 2, "/change-email/").await;
    app.client.get(confirm).dispatch().await;
    let moved = store.find_user(UserQuery::Email("joseph@example.com"));
    assert!(moved.await.unwrap().is_some(), "the address changed");
    reset_is_refused(&app, &reset).await;
}

async fn reset_link_dies_with_a_password_change(store: Arc<dyn UserDatastore>) {
    let app = app_with(store, with(json!({})), |b| b).await;
    app.user(JOE, PASSWORD, true, true, &[]).await;
    let (status, _) = app.post("/reset", json!({"email": JOE})).await;
    assert_eq!(status, Status::Ok);
    let reset = mailed_link(&app, 1, "/reset/").await;
    app.login(JOE, PASSWORD).await;
    change_password(&app, PASSWORD, NEW_PASSWORD).await;
    reset_is_refused(&app, &reset).await;
}

async fn confirmation_link_dies_with_a_password_change(store: Arc<dyn UserDatastore>) {
    let settings = with(json!({"login_without_confirmation": true}));
    let app = app_with(store.clone(), settings, |b| b).await;
    app.user(JOE, PASSWORD, false, true, &[]).await;
    let (status, _) = app.post("/confirm", json!({"email": JOE})).await;
    assert_eq!(status, Status::Ok);
    let confirm = mailed_link(&app, 1, "/confirm/").await;
    app.login(JOE, PASSWORD).await;
    change_password(&app, PASSWORD, NEW_PASSWORD).await;
    app.browser().await.get(confirm).dispatch().await;
    let joe = store
        .find_user(UserQuery::Email(JOE))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(joe.confirmed_at, None, "the old link confirmed nothing");
}

async fn change_email_link_dies_with_a_password_change(store: Arc<dyn UserDatastore>) {
    let app = app_with(store.clone(), with(json!({})), |b| b).await;
    app.user(JOE, PASSWORD, true, true, &[]).await;
    app.login(JOE, PASSWORD).await;
    let (status, body) = app
        .post("/change-email", json!({"email": "joseph@example.com"}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let link = mailed_link(&app, 1, "/change-email/").await;
    change_password(&app, PASSWORD, NEW_PASSWORD).await;
    app.client.get(link).dispatch().await;
    let joe = store.find_user(UserQuery::Email(JOE)).await.unwrap();
    assert!(joe.is_some(), "the address did not change");
}

async fn owner_reset_removes_what_a_pre_registrant_set_up(store: Arc<dyn UserDatastore>) {
    let settings = with(json!({
        "confirmable": false,
        "two_factor": true,
        "two_factor_enabled_methods": ["authenticator"],
        "multi_factor_recovery_codes": true,
        "unified_signin": true,
        "us_enabled_methods": ["password", "email"],
        "totp_issuer": "fsref",
    }));
    let app = app_with(store.clone(), settings, |b| b).await;
    // Someone who does not own the address registers it and prepares the account.
    app.user(JOE, "registrant-password", false, true, &[]).await;
    let (remember, token) = sign_in_everywhere(&app.client, JOE, "registrant-password").await;
    let (status, body) = app.post("/mf-recovery-codes", json!({})).await;
    assert_eq!(status, Status::Ok, "{body}");
    crate::common::totp::set_up_authenticator(&app).await;
    let (status, body) = app
        .post("/change-email", json!({"email": "registrant@example.net"}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let takeover = mailed_link(&app, 1, "/change-email/").await;
    let mut planted = store
        .find_user(UserQuery::Email(JOE))
        .await
        .unwrap()
        .unwrap();
    planted.us_totp_secrets = Some(json!({"email": true}).to_string());
    store.update_user(&planted).await.unwrap();

    // The owner resets the password.
    let owner = browser(&app).await;
    let (status, _) = post_with(&owner, "/reset", json!({"email": JOE})).await;
    assert_eq!(status, Status::Ok);
    let reset = mailed_link(&app, 2, "/reset/").await;
    let (status, body) = post_with(&owner, &reset, new_password_form(NEW_PASSWORD)).await;
    assert_eq!(status, Status::Ok, "{body}");

    assert_all_revoked(&app, &app.client, remember, &token).await;
    app.browser().await.get(takeover).dispatch().await;
    let joe = store.find_user(UserQuery::Email(JOE)).await.unwrap();
    let joe = joe.expect("the address stays the owner's");
    assert_eq!(joe.tf_primary_method, None);
    assert_eq!(joe.tf_totp_secret, None);
    assert_eq!(joe.mf_recovery_codes, None);
    assert_eq!(joe.us_totp_secrets, None);
    let body = login_with_status(&app.browser().await, JOE, "registrant-password").await;
    assert_ne!(body["meta"]["code"], 200, "{body}");
    let body = login_with_status(&app.browser().await, JOE, NEW_PASSWORD).await;
    assert_eq!(body["meta"]["code"], 200, "{body}");
    assert_ne!(
        body["response"]["tf_required"], true,
        "no second factor of theirs: {body}"
    );
}
