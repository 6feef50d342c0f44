//! Passkeys through the app: registering, listing, renaming and deleting them; signing in with
//! one alone and as the second factor; re-authenticating with one; and what is refused (a state
//! used twice or expired, a cloned authenticator, another user's passkey, garbled answers,
//! missing CSRF tokens).

use std::sync::Arc;

use rocket::http::{ContentType, Status};
use rocket_security::{Security, UserDatastore, UserQuery};
use serde_json::{json, Value};

use crate::common::app::{
    app_with, contract_settings_with, csrf_from_html, csrf_with, get_json_with, post_json_with,
    TestApp,
};
use crate::common::passkey::{register, start, Device, ORIGIN};

const EMAIL: &str = "ada@example.com";
const PASSWORD: &str = "correct horse battery";

fn settings() -> Value {
    contract_settings_with(json!({
        "webauthn": true,
        "server_name": ORIGIN,
        "two_factor": true,
        "two_factor_enabled_methods": ["authenticator"],
        "totp_issuer": "fsref",
    }))
}

/// An app with a signed-in user who has one passkey ("laptop", for `usage`) on `device`.
async fn signed_in_with_passkey(
    store: Arc<dyn UserDatastore>,
    device: &mut Device,
    usage: &str,
) -> TestApp {
    let app = app_with(store, settings(), |b| b).await;
    app.user(EMAIL, PASSWORD, true, true, &[]).await;
    app.login(EMAIL, PASSWORD).await;
    let csrf = app.csrf().await;
    register(&app.client, device, "laptop", usage, &csrf).await;
    app
}

async fn passkeys_of(client: &rocket::local::asynchronous::Client) -> Vec<Value> {
    let (status, body) = get_json_with(client, "/wan-register").await;
    assert_eq!(status, Status::Ok, "{body}");
    body["response"]["registered_credentials"]
        .as_array()
        .expect("a list of passkeys")
        .clone()
}

async fn register_list_rename_and_delete(store: Arc<dyn UserDatastore>) {
    let mut device = Device::default();
    let app = signed_in_with_passkey(store.clone(), &mut device, "first").await;
    let listed = passkeys_of(&app.client).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["name"], "laptop");
    assert_eq!(listed[0]["usage"], "first");

    let (status, body) = app
        .post(
            "/wan-rename",
            json!({"name": "laptop", "new_name": "work laptop"}),
        )
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(passkeys_of(&app.client).await[0]["name"], "work laptop");

    // A second passkey may not take a name already in use.
    let (status, body) = app
        .post("/wan-register", json!({"name": "work laptop"}))
        .await;
    assert_eq!(status, Status::BadRequest, "{body}");
    let errors = body["response"]["field_errors"]["name"].to_string();
    assert!(errors.contains("already have a passkey named"), "{body}");

    let (status, body) = app
        .post("/wan-delete", json!({"name": "work laptop"}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    assert!(passkeys_of(&app.client).await.is_empty());
    let (status, body) = app
        .post("/wan-delete", json!({"name": "work laptop"}))
        .await;
    assert_eq!(status, Status::BadRequest, "{body}");

    let security = app.client.rocket().state::<Security>().unwrap();
    security.outbox().flush().await.unwrap();
    let subjects: Vec<String> = app.mails().iter().map(|m| m.subject.clone()).collect();
    assert!(
        subjects
            .iter()
            .any(|s| s == "A passkey was added to your account"),
        "{subjects:?}"
    );
    assert!(
        subjects
            .iter()
            .any(|s| s == "A passkey was removed from your account"),
        "{subjects:?}"
    );

    let user = store
        .find_user(UserQuery::Email(EMAIL))
        .await
        .unwrap()
        .unwrap();
    let kinds: Vec<String> = store
        .list_activity(user.id, 0, 50)
        .await
        .unwrap()
        .iter()
        .map(|a| a.kind.as_str().to_owned())
        .collect();
    assert!(kinds.contains(&"passkey_added".to_owned()), "{kinds:?}");
    assert!(kinds.contains(&"passkey_removed".to_owned()), "{kinds:?}");
}

/// A sign-in with a discoverable passkey from a browser that never saw a password.
async fn passwordless_sign_in(store: Arc<dyn UserDatastore>) {
    let mut device = Device::default();
    let app = signed_in_with_passkey(store.clone(), &mut device, "first").await;
    let id = passkeys_of(&app.client).await[0]["credential_id"]
        .as_str()
        .unwrap()
        .to_owned();

    let browser = app.browser().await;
    let csrf = csrf_with(&browser).await;
    let (options, state) = start(&browser, "/wan-signin", json!({}), &csrf).await;
    assert_eq!(
        options["allowCredentials"],
        json!([]),
        "the device picks its passkey"
    );
    let credential = device.get(&options, Some(&id));
    let path = format!("/wan-signin/{state}");
    let (status, body) = post_json_with(
        &browser,
        &path,
        json!({"credential": credential}),
        Some(&csrf),
    )
    .await;
    assert_eq!(status, Status::Ok, "{body}");
    assert!(body["response"]["user"].is_object(), "signed in: {body}");
    let listed = passkeys_of(&browser).await;
    assert!(
        listed[0]["lastuse"].is_string(),
        "the use is recorded: {listed:?}"
    );

    // The same answer to the same state again: the state was used up.
    let other = app.browser().await;
    let other_csrf = csrf_with(&other).await;
    let (status, body) = post_json_with(
        &other,
        &path,
        json!({"credential": credential}),
        Some(&other_csrf),
    )
    .await;
    assert_eq!(status, Status::BadRequest, "{body}");
    assert!(
        body.to_string().contains("expired or was already used"),
        "{body}"
    );
}

async fn expired_state_refused(store: Arc<dyn UserDatastore>) {
    let mut device = Device::default();
    let app = signed_in_with_passkey(store, &mut device, "first").await;
    let id = passkeys_of(&app.client).await[0]["credential_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let browser = app.browser().await;
    let csrf = csrf_with(&browser).await;
    let (options, state) = start(&browser, "/wan-signin", json!({}), &csrf).await;
    app.clock.advance(chrono::Duration::minutes(2));
    let credential = device.get(&options, Some(&id));
    let path = format!("/wan-signin/{state}");
    let (status, body) = post_json_with(
        &browser,
        &path,
        json!({"credential": credential}),
        Some(&csrf),
    )
    .await;
    assert_eq!(status, Status::BadRequest, "{body}");
    assert!(
        body.to_string().contains("expired or was already used"),
        "{body}"
    );
}

/// A stored sign count ahead of the device's, as after a clone of it signed in: refused.
async fn cloned_authenticator_refused(store: Arc<dyn UserDatastore>) {
    let mut device = Device::default();
    let app = signed_in_with_passkey(store.clone(), &mut device, "first").await;
    let id = passkeys_of(&app.client).await[0]["credential_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let stored = store.find_webauthn_credential(&id).await.unwrap().unwrap();
    let mut key: Value = serde_json::from_str(&stored.passkey).unwrap();
    key["cred"]["counter"] = json!(1000);
    let now = chrono::Utc::now().naive_utc();
    assert!(store
        .update_webauthn_credential(stored.id, &key.to_string(), now)
        .await
        .unwrap());

    let browser = app.browser().await;
    let csrf = csrf_with(&browser).await;
    let (options, state) = start(&browser, "/wan-signin", json!({}), &csrf).await;
    let credential = device.get(&options, Some(&id));
    let path = format!("/wan-signin/{state}");
    let (status, body) = post_json_with(
        &browser,
        &path,
        json!({"credential": credential}),
        Some(&csrf),
    )
    .await;
    assert_eq!(status, Status::BadRequest, "{body}");
    assert!(body.to_string().contains("could not be verified"), "{body}");
    let (status, _) = get_json_with(&browser, "/wan-register").await;
    assert_eq!(status, Status::Unauthorized, "not signed in");
}

/// Bob confirming himself with Ada's passkey at `/wan-verify` is refused.
async fn another_users_passkey_refused(store: Arc<dyn UserDatastore>) {
    let mut ada_device = Device::default();
    let app = signed_in_with_passkey(store, &mut ada_device, "first").await;
    let ada_id = passkeys_of(&app.client).await[0]["credential_id"]
        .as_str()
        .unwrap()
        .to_owned();

    app.user("bob@example.com", PASSWORD, true, true, &[]).await;
    let bob = app.browser().await;
    crate::common::app::login_with(&bob, "bob@example.com", PASSWORD, "").await;
    let csrf = csrf_with(&bob).await;
    let mut bob_device = Device::default();
    register(&bob, &mut bob_device, "phone", "first", &csrf).await;

    let (options, state) = start(&bob, "/wan-verify", json!({}), &csrf).await;
    let credential = ada_device.get(&options, Some(&ada_id));
    let path = format!("/wan-verify/{state}");
    let (status, body) =
        post_json_with(&bob, &path, json!({"credential": credential}), Some(&csrf)).await;
    assert_eq!(status, Status::BadRequest, "{body}");
    assert!(body.to_string().contains("could not be verified"), "{body}");
}

/// After a password, a passkey registered as the second factor finishes the sign-in.
async fn second_factor_after_password(store: Arc<dyn UserDatastore>) {
    let mut device = Device::default();
    let app = signed_in_with_passkey(store, &mut device, "secondary").await;
    let browser = app.browser().await;
    let body = crate::common::app::login_with(&browser, EMAIL, PASSWORD, "").await;
    assert_eq!(body["response"]["tf_required"], true, "{body}");
    assert_eq!(body["response"]["tf_method"], "webauthn", "{body}");
    let (status, _) = get_json_with(&browser, "/wan-register").await;
    assert_eq!(status, Status::Unauthorized, "not signed in yet");

    // `GET /login` would start the sign-in over: the token comes from the passkey step.
    let (status, page) = get_json_with(&browser, "/wan-signin").await;
    assert_eq!(status, Status::Ok, "{page}");
    assert_eq!(page["response"]["is_secondary"], true);
    let csrf = page["response"]["csrf_token"].as_str().unwrap().to_owned();
    let (options, state) = start(&browser, "/wan-signin", json!({}), &csrf).await;
    assert_eq!(
        options["allowCredentials"].as_array().map(Vec::len),
        Some(1)
    );
    let credential = device.get(&options, None);
    let path = format!("/wan-signin/{state}");
    let (status, body) = post_json_with(
        &browser,
        &path,
        json!({"credential": credential}),
        Some(&csrf),
    )
    .await;
    assert_eq!(status, Status::Ok, "{body}");
    assert!(body["response"]["user"].is_object(), "signed in: {body}");
    assert_eq!(passkeys_of(&browser).await.len(), 1);
}

/// A stale sign-in may not add passkeys until `/wan-verify` makes it fresh again.
async fn verify_makes_the_session_fresh(store: Arc<dyn UserDatastore>) {
    let mut device = Device::default();
    let app = signed_in_with_passkey(store, &mut device, "first").await;
    app.clock.advance(chrono::Duration::days(2));
    let csrf = app.csrf().await;
    let (status, body) = app
        .post_json("/wan-register", json!({"name": "phone"}), Some(&csrf))
        .await;
    assert_eq!(status, Status::Unauthorized, "{body}");
    assert_eq!(body["response"]["reauth_required"], true, "{body}");

    let (options, state) = start(&app.client, "/wan-verify", json!({}), &csrf).await;
    let credential = device.get(&options, None);
    let path = format!("/wan-verify/{state}");
    let (status, body) = app
        .post_json(&path, json!({"credential": credential}), Some(&csrf))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let (status, body) = app
        .post_json("/wan-register", json!({"name": "phone"}), Some(&csrf))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
}

async fn garbled_answers_and_missing_csrf(store: Arc<dyn UserDatastore>) {
    let mut device = Device::default();
    let app = signed_in_with_passkey(store, &mut device, "first").await;
    let csrf = app.csrf().await;
    let (_, state) = start(
        &app.client,
        "/wan-register",
        json!({"name": "phone"}),
        &csrf,
    )
    .await;
    let path = format!("/wan-register/{state}");
    let (status, body) = app
        .post_json(&path, json!({"credential": "{not json"}), Some(&csrf))
        .await;
    assert_eq!(status, Status::BadRequest, "{body}");
    assert!(body.to_string().contains("could not be read"), "{body}");

    let (status, body) = app
        .post_json("/wan-register", json!({"name": "tablet"}), None)
        .await;
    assert_eq!(status, Status::BadRequest, "{body}");
    assert!(body.to_string().contains("CSRF"), "{body}");
    let (status, body) = app
        .post_json("/wan-delete", json!({"name": "laptop"}), None)
        .await;
    assert_eq!(status, Status::BadRequest, "{body}");
    assert_eq!(
        passkeys_of(&app.client).await.len(),
        1,
        "nothing was deleted"
    );
}

fn form_field(html: &str, attribute: &str) -> String {
    let start = html.find(&format!("{attribute}=\"")).expect(attribute) + attribute.len() + 2;
    let end = start + html[start..].find('"').unwrap();
    html[start..end]
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// The pages: the name form, then the page running the ceremony, then back to the list.
async fn register_through_the_pages(store: Arc<dyn UserDatastore>) {
    let mut device = Device::default();
    let app = signed_in_with_passkey(store, &mut device, "first").await;
    let page = app.client.get("/wan-register").dispatch().await;
    let policy = page
        .headers()
        .get_one("Content-Security-Policy")
        .unwrap_or_default()
        .to_owned();
    assert!(
        policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"),
        "{policy}"
    );
    let html = page.into_string().await.unwrap();
    assert!(
        html.contains("id=\"wan_register_form\"") && html.contains("laptop"),
        "{html}"
    );
    assert!(html.contains("/fs-static/webauthn.js"), "{html}");
    let csrf = csrf_from_html(&html);

    let body = format!("name=phone&usage=first&csrf_token={csrf}");
    let response = app
        .client
        .post("/wan-register")
        .header(ContentType::Form)
        .body(body)
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("id=\"wan_register_response_form\""), "{html}");
    assert!(
        html.contains("class=\"wan-unsupported"),
        "a message where WebAuthn is missing"
    );
    let options: Value =
        serde_json::from_str(&form_field(&html, "data-credential-options")).unwrap();
    let marker = "action=\"/wan-register/";
    let start = html.find(marker).expect("the answer's action") + marker.len();
    let token = html[start..start + html[start..].find('"').unwrap()].to_owned();
    let credential = device.create(&options);
    let body = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("credential", &credential)
        .append_pair("csrf_token", &csrf)
        .finish();
    let response = app
        .client
        .post(format!("/wan-register/{token}"))
        .header(ContentType::Form)
        .body(body)
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Found);
    assert_eq!(
        response.headers().get_one("Location"),
        Some("/wan-register")
    );
    let html = app
        .client
        .get("/wan-register")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(html.contains("data-name=\"phone\""), "{html}");

    let script = app.client.get("/fs-static/webauthn.js").dispatch().await;
    assert_eq!(script.status(), Status::Ok);
    let script = script.into_string().await.unwrap();
    assert!(script.contains("isConditionalMediationAvailable"));
}

async fn deleting_the_account_removes_its_passkeys(store: Arc<dyn UserDatastore>) {
    let mut device = Device::default();
    let app = signed_in_with_passkey(store.clone(), &mut device, "first").await;
    let id = passkeys_of(&app.client).await[0]["credential_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let user = store
        .find_user(UserQuery::Email(EMAIL))
        .await
        .unwrap()
        .unwrap();
    store.delete_user(&user).await.unwrap();
    assert!(store.find_webauthn_credential(&id).await.unwrap().is_none());
    assert!(store
        .list_webauthn_credentials(user.id)
        .await
        .unwrap()
        .is_empty());
}

per_backend!(stores:
    register_list_rename_and_delete,
    passwordless_sign_in,
    expired_state_refused,
    cloned_authenticator_refused,
    another_users_passkey_refused,
    second_factor_after_password,
    verify_makes_the_session_fresh,
    garbled_answers_and_missing_csrf,
    register_through_the_pages,
    deleting_the_account_removes_its_passkeys,
);
