//! The API side: auth tokens, HTTP Basic, trackable logins, `/api/me` and the user payload of
//! JSON responses, through the app, on every backend.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::common::app::{
    app, app_with, contract_settings, get_json_with, link, login_with, post_json_with, read_json,
    TestApp,
};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rocket::http::{Accept, ContentType, Header, Status};
use rocket::local::asynchronous::Client;
use rocket_security::{Clock, User, UserDatastore, UserQuery};
use serde_json::{json, Value};

const GENERIC: &str = "Authentication failed - identity or password/passcode invalid";
const SIGN_IN: &str = "You must sign in to view this resource.";
const DEFAULT_REALM: &str = "Basic realm=\"Login Required\"";
const JOE: &str = "joe@example.com";
const PASSWORD: &str = "password123";

fn unauthorized() -> Value {
    json!({"meta": {"code": 401}, "response": {"errors": [SIGN_IN]}})
}

fn login_failed() -> Value {
    json!({"meta": {"code": 400}, "response": {"errors": [GENERIC], "field_errors": {"": [GENERIC]}}})
}

async fn with_joe(store: Arc<dyn UserDatastore>) -> TestApp {
    let app = app(store).await;
    app.user(JOE, PASSWORD, true, true, &[]).await;
    app
}

/// What a response showed: status, the headers the tests look at, and the body.
#[derive(Debug)]
struct Answer {
    status: Status,
    content_type: Option<String>,
    www_authenticate: Option<String>,
    location: Option<String>,
    set_cookies: Vec<String>,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|_| panic!("not JSON ({}): {}", self.status, self.body))
    }
}

/// A GET with extra headers, in JSON mode (`Accept` and `Content-Type` JSON) or as a browser.
async fn fetch(client: &Client, path: &str, headers: &[Header<'static>], json: bool) -> Answer {
    let mut request = client.get(path.to_owned());
    if json {
        request = request.header(ContentType::JSON).header(Accept::JSON);
    }
    for header in headers {
        request = request.header(header.clone());
    }
    let response = request.dispatch().await;
    let one = |name: &str| response.headers().get_one(name).map(str::to_owned);
    let (content_type, www_authenticate, location) = (
        one("Content-Type"),
        one("WWW-Authenticate"),
        one("Location"),
    );
    let set_cookies = response
        .headers()
        .get("Set-Cookie")
        .map(str::to_owned)
        .collect();
    let status = response.status();
    let body = response.into_string().await.unwrap_or_default();
    Answer {
        status,
        content_type,
        www_authenticate,
        location,
        set_cookies,
        body,
    }
}

fn token_header(token: &str) -> Header<'static> {
    Header::new("Authentication-Token", token.to_owned())
}

fn basic(credentials: &str) -> Header<'static> {
    Header::new(
        "Authorization",
        format!("Basic {}", STANDARD.encode(credentials)),
    )
}

/// A GET in JSON mode with an `Authentication-Token` header.
async fn get_with_token(client: &Client, path: &str, token: &str) -> (Status, Value) {
    let answer = fetch(client, path, &[token_header(token)], true).await;
    (answer.status, answer.json())
}

/// Signs in (JSON) with `?include_auth_token` and returns the token.
async fn issue_token(client: &Client, email: &str, password: &str) -> String {
    let body = login_with(client, email, password, "?include_auth_token").await;
    body["response"]["user"]["authentication_token"]
        .as_str()
        .unwrap_or_else(|| panic!("no token in {body}"))
        .to_owned()
}

/// `POST /login` (JSON, with a fresh CSRF token), optionally from a given client address.
async fn login_from(
    client: &Client,
    email: &str,
    password: &str,
    remote: Option<&str>,
) -> (Status, Value) {
    let csrf = crate::common::app::csrf_with(client).await;
    let mut request = client
        .post("/login")
        .header(ContentType::JSON)
        .header(Accept::JSON)
        .header(Header::new("X-CSRF-Token", csrf))
        .body(json!({"email": email, "password": password}).to_string());
    if let Some(remote) = remote {
        request = request.remote(remote.parse::<SocketAddr>().unwrap());
    }
    read_json(request.dispatch().await).await
}

async fn joe(store: &Arc<dyn UserDatastore>) -> User {
    store
        .find_user(UserQuery::Email(JOE))
        .await
        .unwrap()
        .expect("joe exists")
}

/// A `/change` body (JSON).
fn change(from: &str, to: &str) -> Value {
    json!({"password": from, "new_password": to, "new_password_confirm": to})
}

// ----- issuing tokens -----

async fn token_is_issued_only_when_asked_for_on_login(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store).await;

    let (status, page) = app.get_json("/login?include_auth_token").await;
    assert_eq!(status, Status::Ok);
    assert!(page["response"].get("user").is_none(), "{page}");

    let (status, body) = app
        .post("/login", json!({"email": JOE, "password": PASSWORD}))
        .await;
    assert_eq!(status, Status::Ok);
    assert_eq!(
        body["response"]["user"],
        json!({}),
        "no token without the flag"
    );

    // Signed in, GET pages show the user but never issue a token.
    for page in ["/login?include_auth_token", "/change?include_auth_token"] {
        let (status, body) = app.get_json(page).await;
        assert_eq!(status, Status::Ok);
        assert_eq!(body["response"]["user"], json!({}), "{page}: {body}");
    }

    let other = app.browser().await;
    let body = login_with(&other, JOE, PASSWORD, "?include_auth_token").await;
    let user = body["response"]["user"].as_object().unwrap();
    assert_eq!(
        user.keys().collect::<Vec<_>>(),
        ["authentication_token"],
        "{body}"
    );
    let token = user["authentication_token"].as_str().unwrap();
    assert!(!token.is_empty());
    assert_eq!(body["response"]["tf_required"], false);
    assert!(body["response"]["csrf_token"].is_string());

    let (status, body) = get_with_token(&app.browser().await, "/api/token", token).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(body, json!({"email": JOE, "via": "token"}));
}

// ----- using tokens -----

async fn token_works_in_header_query_and_json_body_without_csrf(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store).await;
    let session = app.browser().await;
    let token1 = issue_token(&session, JOE, PASSWORD).await;

    // A fresh client with no cookies at all.
    let api = app.browser().await;
    let (status, body) = get_with_token(&api, "/api/token", &token1).await;
    assert_eq!(
        (status, body),
        (Status::Ok, json!({"email": JOE, "via": "token"}))
    );
    let (status, body) = get_json_with(&api, &format!("/api/token?auth_token={token1}")).await;
    assert_eq!(
        (status, body),
        (Status::Ok, json!({"email": JOE, "via": "token"}))
    );
    // login_required pages take a token too.
    let answer = fetch(&api, "/protected", &[token_header(&token1)], false).await;
    assert_eq!(answer.status, Status::Ok);
    assert!(
        answer
            .body
            .contains(&format!("<p>protected page for {JOE}</p>")),
        "{}",
        answer.body
    );
    let answer = fetch(&api, &format!("/protected?auth_token={token1}"), &[], false).await;
    assert_eq!(answer.status, Status::Ok);
    assert!(
        answer
            .body
            .contains(&format!("<p>protected page for {JOE}</p>")),
        "{}",
        answer.body
    );

    // The session that issued the token is still held to CSRF.
    let (status, body) =
        post_json_with(&session, "/change", change(PASSWORD, "second-pass-2"), None).await;
    assert_eq!(status, Status::BadRequest);
    assert_eq!(
        body,
        json!({"meta": {"code": 400}, "response": {"errors": ["The CSRF token is missing."]}})
    );

    // POST /change authenticated by a token, in each place, with no CSRF header: exempt.
    let response = api
        .post("/change?include_auth_token")
        .header(ContentType::JSON)
        .header(Accept::JSON)
        .header(token_header(&token1))
        .body(change(PASSWORD, "second-pass-2").to_string())
        .dispatch()
        .await;
    let (status, body) = read_json(response).await;
    assert_eq!(status, Status::Ok, "{body}");
    let token2 = body["response"]["user"]["authentication_token"]
        .as_str()
        .unwrap()
        .to_owned();

    let mut with_body_token = change("second-pass-2", "third-pass-3");
    with_body_token["auth_token"] = json!(token2);
    let (status, body) =
        post_json_with(&api, "/change?include_auth_token", with_body_token, None).await;
    assert_eq!(status, Status::Ok, "{body}");
    let token3 = body["response"]["user"]["authentication_token"]
        .as_str()
        .unwrap()
        .to_owned();

    let (status, body) = post_json_with(
        &api,
        &format!("/change?include_auth_token&auth_token={token3}"),
        change("third-pass-3", "fourth-pass-4"),
        None,
    )
    .await;
    assert_eq!(status, Status::Ok, "{body}");
    let token4 = body["response"]["user"]["authentication_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(body["response"]["csrf_token"].is_string());

    // Each change revoked the tokens issued before it.
    for old in [&token1, &token2, &token3] {
        let (status, body) = get_with_token(&api, "/api/token", old).await;
        assert_eq!((status, body), (Status::Unauthorized, unauthorized()));
    }
    let (status, _) = get_with_token(&api, "/api/token", &token4).await;
    assert_eq!(status, Status::Ok);
    let (status, _) = login_from(&app.client, JOE, "fourth-pass-4", None).await;
    assert_eq!(status, Status::Ok, "the password did change");
}

async fn api_token_refuses_a_session_cookie_alone(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store).await;
    let body = login_with(&app.client, JOE, PASSWORD, "?include_auth_token").await;
    let token = body["response"]["user"]["authentication_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.client.get("/protected").dispatch().await.status(),
        Status::Ok,
        "the session is signed in"
    );

    let answer = fetch(&app.client, "/api/token", &[], true).await;
    assert_eq!(answer.status, Status::Unauthorized);
    assert_eq!(answer.content_type.as_deref(), Some("application/json"));
    assert_eq!(answer.json(), unauthorized());

    let answer = fetch(&app.client, "/api/token", &[], false).await;
    assert_eq!(answer.status, Status::Found);
    assert_eq!(answer.location.as_deref(), Some("/login?next=/api/token"));
    assert_eq!(answer.www_authenticate, None);

    // With the token as well, the same client gets in.
    let (status, body) = get_with_token(&app.client, "/api/token", &token).await;
    assert_eq!(
        (status, body),
        (Status::Ok, json!({"email": JOE, "via": "token"}))
    );
}

async fn bad_tokens_are_refused(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store).await;
    let token = issue_token(&app.browser().await, JOE, PASSWORD).await;
    let csrf = app.csrf().await;
    let mut chars: Vec<char> = token.chars().collect();
    chars[1] = if chars[1] == 'A' { 'B' } else { 'A' };
    let tampered: String = chars.into_iter().collect();
    let (body, _) = token.rsplit_once('.').unwrap();
    let unsigned = format!("{body}.");
    let cases = [
        tampered.as_str(),
        unsigned.as_str(),
        &csrf, // signed by the app, for another purpose
        "garbage",
        "a.b.c",
        "",
    ];
    let client = app.browser().await;
    for bad in cases {
        let (status, body) = get_with_token(&client, "/api/token", bad).await;
        assert_eq!(
            (status, body),
            (Status::Unauthorized, unauthorized()),
            "{bad:?}"
        );
        let (status, body) = get_json_with(&client, &format!("/api/me?auth_token={bad}")).await;
        assert_eq!(
            (status, body),
            (Status::Unauthorized, unauthorized()),
            "{bad:?}"
        );
        let answer = fetch(&client, "/protected", &[token_header(bad)], false).await;
        assert_eq!(answer.status, Status::Found, "{bad:?}");
        assert_eq!(answer.location.as_deref(), Some("/login?next=/protected"));
    }
    let (status, _) = get_with_token(&client, "/api/token", &token).await;
    assert_eq!(status, Status::Ok, "the genuine token still works");
}

async fn tokens_expire_after_token_max_age(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store).await;
    let token = issue_token(&app.browser().await, JOE, PASSWORD).await;
    app.clock.advance(chrono::Duration::seconds(880));
    let (status, _) = get_with_token(&app.client, "/api/token", &token).await;
    assert_eq!(status, Status::Ok, "still within 900 s");
    app.clock.advance(chrono::Duration::seconds(30));
    let (status, body) = get_with_token(&app.client, "/api/token", &token).await;
    assert_eq!((status, body), (Status::Unauthorized, unauthorized()));
    let (status, _) = get_with_token(&app.client, "/api/me", &token).await;
    assert_eq!(status, Status::Unauthorized);

    let fresh = issue_token(&app.browser().await, JOE, PASSWORD).await;
    let (status, _) = get_with_token(&app.client, "/api/token", &fresh).await;
    assert_eq!(status, Status::Ok, "a new token works");
}

async fn token_max_age_zero_never_expires(store: Arc<dyn UserDatastore>) {
    let mut settings = contract_settings();
    settings["token_max_age"] = json!(0);
    let app = app_with(store, settings, |b| b).await;
    app.user(JOE, PASSWORD, true, true, &[]).await;
    let token = issue_token(&app.client, JOE, PASSWORD).await;
    app.clock.advance(chrono::Duration::days(400));
    let (status, body) = get_with_token(&app.browser().await, "/api/token", &token).await;
    assert_eq!(
        (status, body),
        (Status::Ok, json!({"email": JOE, "via": "token"}))
    );
}

async fn deactivated_users_neither_use_nor_get_tokens(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store.clone()).await;
    app.user("inactive@example.com", PASSWORD, true, false, &[])
        .await;
    let token = issue_token(&app.browser().await, JOE, PASSWORD).await;
    let client = app.browser().await;
    let (status, _) = get_with_token(&client, "/api/token", &token).await;
    assert_eq!(status, Status::Ok);

    assert!(store.deactivate_user(&joe(&store).await).await.unwrap());
    for path in ["/api/token", "/api/me", "/protected"] {
        let (status, body) = get_with_token(&client, path, &token).await;
        assert_eq!(
            (status, body),
            (Status::Unauthorized, unauthorized()),
            "{path}"
        );
    }
    for email in [JOE, "inactive@example.com"] {
        let other = app.browser().await;
        let (status, body) = login_from(&other, email, PASSWORD, None).await;
        assert_eq!(
            (status, body),
            (Status::BadRequest, login_failed()),
            "{email}"
        );
        let (_, page) = get_json_with(&other, "/login").await;
        let (status, body) = post_json_with(
            &other,
            "/login?include_auth_token",
            json!({"email": email, "password": PASSWORD}),
            page["response"]["csrf_token"].as_str(),
        )
        .await;
        assert_eq!(
            (status, body),
            (Status::BadRequest, login_failed()),
            "{email}: no token"
        );
    }
}

async fn token_survives_logout_of_the_issuing_session(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store).await;
    let token = issue_token(&app.client, JOE, PASSWORD).await;
    let (status, body) = app.post("/logout", json!({})).await;
    assert_eq!(
        (status, body),
        (Status::Ok, json!({"meta": {"code": 200}, "response": {}}))
    );
    let (status, _) = app.get_json("/protected").await;
    assert_eq!(status, Status::Unauthorized, "the session is over");
    let (status, _) = get_with_token(&app.client, "/api/token", &token).await;
    assert_eq!(status, Status::Ok);
    let (status, _) = get_with_token(&app.browser().await, "/api/token", &token).await;
    assert_eq!(status, Status::Ok);
}

async fn token_dies_after_a_password_change_in_a_session(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store).await;
    let other = app.browser().await;
    let token = issue_token(&other, JOE, PASSWORD).await;
    app.login(JOE, PASSWORD).await;
    let (status, body) = app
        .post("/change", change(PASSWORD, "new-password-1"))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(body["response"]["user"], json!({}), "no token unless asked");
    let (status, body) = get_with_token(&other, "/api/token", &token).await;
    assert_eq!((status, body), (Status::Unauthorized, unauthorized()));
    assert_eq!(
        app.client.get("/protected").dispatch().await.status(),
        Status::Ok,
        "the session that changed the password stays"
    );
}

async fn token_dies_after_a_password_reset(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store).await;
    let token = issue_token(&app.browser().await, JOE, PASSWORD).await;
    let (status, _) = app.post("/reset", json!({"email": JOE})).await;
    assert_eq!(status, Status::Ok);
    let mails = app.mailer.wait_for(1, Duration::from_secs(5)).await;
    let url = link(&mails[0].text, "http://").expect("a reset link");
    let path = format!("/{}", url.splitn(4, '/').nth(3).unwrap());
    assert!(path.starts_with("/reset/"), "{path}");
    let (status, _) = get_with_token(&app.client, "/api/token", &token).await;
    assert_eq!(status, Status::Ok, "asking for a reset changes nothing yet");

    let (status, body) = app
        .post(
            &path,
            json!({"password": "new-password-1", "password_confirm": "new-password-1"}),
        )
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let (status, body) = get_with_token(&app.client, "/api/token", &token).await;
    assert_eq!((status, body), (Status::Unauthorized, unauthorized()));
    let fresh = issue_token(&app.browser().await, JOE, "new-password-1").await;
    let (status, _) = get_with_token(&app.client, "/api/token", &fresh).await;
    assert_eq!(status, Status::Ok);
}

// ----- HTTP Basic -----

async fn basic_auth_succeeds_without_a_session_or_a_login(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store.clone()).await;
    for json_mode in [true, false] {
        let answer = fetch(
            &app.client,
            "/api/basic",
            &[basic(&format!("{JOE}:{PASSWORD}"))],
            json_mode,
        )
        .await;
        assert_eq!(answer.status, Status::Ok, "{answer:?}");
        assert_eq!(answer.content_type.as_deref(), Some("application/json"));
        assert_eq!(answer.json(), json!({"email": JOE, "via": "basic"}));
        assert_eq!(answer.set_cookies, Vec::<String>::new(), "no cookie at all");
        assert_eq!(answer.www_authenticate, None);
    }
    // Nothing was remembered between requests.
    let (status, _) = app.get_json("/protected").await;
    assert_eq!(status, Status::Unauthorized);
    let user = joe(&store).await;
    assert_eq!(user.login_count, 0, "Basic is not a login");
    assert_eq!(user.current_login_at, None);
    assert!(store.list_user_sessions(user.id).await.unwrap().is_empty());

    // Routes that do not list Basic do not take it, and say nothing of a realm.
    let answer = fetch(
        &app.client,
        "/api/me",
        &[basic(&format!("{JOE}:{PASSWORD}"))],
        true,
    )
    .await;
    assert_eq!(answer.status, Status::Unauthorized);
    assert_eq!(answer.www_authenticate, None);
    assert_eq!(answer.json(), unauthorized());
}

async fn basic_auth_failures_are_401_with_the_realm(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store).await;
    app.user("inactive@example.com", PASSWORD, true, false, &[])
        .await;
    app.user("unconfirmed@example.com", PASSWORD, false, true, &[])
        .await;
    let raw = |value: &str| Header::new("Authorization", value.to_owned());
    let cases: Vec<(&str, Vec<Header<'static>>)> = vec![
        ("missing", vec![]),
        (
            "bad password",
            vec![basic(&format!("{JOE}:wrong-password"))],
        ),
        (
            "unknown user",
            vec![basic("nobody@example.com:password123")],
        ),
        ("inactive", vec![basic("inactive@example.com:password123")]),
        (
            "unconfirmed",
            vec![basic("unconfirmed@example.com:password123")],
        ),
        ("empty credentials", vec![basic(":")]),
        ("not base64", vec![raw("Basic !!not*base64!!")]),
        (
            "no colon",
            vec![raw(&format!(
                "Basic {}",
                STANDARD.encode("joe@example.com password123")
            ))],
        ),
        (
            "wrong scheme",
            vec![raw(&format!(
                "Bearer {}",
                STANDARD.encode("joe@example.com:password123")
            ))],
        ),
        ("scheme only", vec![raw("Basic")]),
        ("empty header", vec![raw("")]),
    ];
    for (case, headers) in &cases {
        let answer = fetch(&app.client, "/api/basic", headers, true).await;
        assert_eq!(answer.status, Status::Unauthorized, "{case}");
        assert_eq!(
            answer.www_authenticate.as_deref(),
            Some(DEFAULT_REALM),
            "{case}"
        );
        assert_eq!(
            answer.content_type.as_deref(),
            Some("application/json"),
            "{case}"
        );
        assert_eq!(answer.json(), unauthorized(), "{case}");
        assert_eq!(answer.location, None, "{case}: never a redirect");

        let answer = fetch(&app.client, "/api/basic", headers, false).await;
        assert_eq!(answer.status, Status::Unauthorized, "{case}");
        assert_eq!(
            answer.www_authenticate.as_deref(),
            Some(DEFAULT_REALM),
            "{case}"
        );
        assert_eq!(
            answer.content_type.as_deref(),
            Some("text/plain; charset=utf-8"),
            "{case}"
        );
        assert_eq!(answer.body, format!("{SIGN_IN}\n"), "{case}");
        assert_eq!(answer.location, None, "{case}: never a redirect");
        assert_eq!(answer.set_cookies, Vec::<String>::new(), "{case}");
    }
}

async fn basic_auth_names_a_custom_realm(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store).await;
    for json_mode in [true, false] {
        let answer = fetch(&app.client, "/api/realm", &[], json_mode).await;
        assert_eq!(answer.status, Status::Unauthorized);
        assert_eq!(
            answer.www_authenticate.as_deref(),
            Some("Basic realm=\"API\"")
        );
        let answer = fetch(
            &app.client,
            "/api/realm",
            &[basic(&format!("{JOE}:wrong-password"))],
            json_mode,
        )
        .await;
        assert_eq!(
            answer.www_authenticate.as_deref(),
            Some("Basic realm=\"API\"")
        );
    }
    let answer = fetch(
        &app.client,
        "/api/realm",
        &[basic(&format!("{JOE}:{PASSWORD}"))],
        true,
    )
    .await;
    assert_eq!(answer.status, Status::Ok);
    assert_eq!(answer.json(), json!({"email": JOE, "via": "basic"}));
}

// ----- trackable -----

fn timestamp(value: &Value) -> chrono::NaiveDateTime {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a time: {value}"));
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.6f")
        .unwrap_or_else(|e| panic!("{text}: {e}"))
}

async fn trackable_records_each_login(store: Arc<dyn UserDatastore>) {
    let app = app(store.clone()).await;
    app.user(JOE, PASSWORD, true, true, &["editor", "admin"])
        .await;
    let fresh = joe(&store).await;
    assert_eq!(
        (
            fresh.login_count,
            fresh.current_login_at,
            fresh.last_login_at
        ),
        (0, None, None)
    );

    let (status, _) = login_from(&app.client, JOE, PASSWORD, Some("127.0.0.1:50000")).await;
    assert_eq!(status, Status::Ok);
    let (status, first) = app.get_json("/api/me").await;
    assert_eq!(status, Status::Ok, "{first}");
    let at = timestamp(&first["current_login_at"]);
    let drift = (app.clock.now().naive_utc() - at).num_seconds().abs();
    assert!(drift < 60, "login time {at} is the clock's time");
    assert_eq!(
        first,
        json!({
            "email": JOE,
            "active": true,
            "confirmed": true,
            "roles": ["admin", "editor"],
            "login_count": 1,
            "current_login_at": first["current_login_at"],
            "last_login_at": first["current_login_at"],
            "current_login_ip": "127.0.0.1",
            "last_login_ip": null,
            "tf_primary_method": null,
        })
    );

    // A failed login changes nothing.
    let stranger = app.browser().await;
    let (status, _) = login_from(&stranger, JOE, "wrong-password", Some("10.9.9.9:1")).await;
    assert_eq!(status, Status::BadRequest);

    app.clock.advance(chrono::Duration::hours(1));
    let second_browser = app.browser().await;
    let (status, _) = login_from(&second_browser, JOE, PASSWORD, Some("10.0.0.7:4000")).await;
    assert_eq!(status, Status::Ok);
    let (status, second) = get_json_with(&second_browser, "/api/me").await;
    assert_eq!(status, Status::Ok);
    assert_eq!(second["login_count"], 2);
    assert_eq!(second["last_login_at"], first["current_login_at"]);
    assert_eq!(second["last_login_ip"], "127.0.0.1");
    assert_eq!(second["current_login_ip"], "10.0.0.7");
    let gap = timestamp(&second["current_login_at"]) - at;
    assert!(
        gap >= chrono::Duration::minutes(59) && gap < chrono::Duration::minutes(61),
        "{gap}"
    );
    // Both sessions see the same, current record.
    let (_, again) = app.get_json("/api/me").await;
    assert_eq!(again, second);

    // IPv4 clients reaching an IPv6 socket are recorded as IPv4.
    let third_browser = app.browser().await;
    let (status, _) =
        login_from(&third_browser, JOE, PASSWORD, Some("[::ffff:192.0.2.1]:80")).await;
    assert_eq!(status, Status::Ok);
    let (_, third) = get_json_with(&third_browser, "/api/me").await;
    assert_eq!(third["login_count"], 3);
    assert_eq!(third["current_login_ip"], "192.0.2.1");
    assert_eq!(third["last_login_ip"], "10.0.0.7");
    assert_eq!(third["last_login_at"], second["current_login_at"]);

    // Rocket's local client has no peer address unless given one: nothing is made up.
    let no_address = app.browser().await;
    let (status, _) = login_from(&no_address, JOE, PASSWORD, None).await;
    assert_eq!(status, Status::Ok);
    let (_, fourth) = get_json_with(&no_address, "/api/me").await;
    assert_eq!(fourth["login_count"], 4);
    assert_eq!(fourth["current_login_ip"], Value::Null);
    assert_eq!(fourth["last_login_ip"], "192.0.2.1");
}

async fn tokens_basic_and_failures_do_not_count_as_logins(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store.clone()).await;
    let token = issue_token(&app.client, JOE, PASSWORD).await;
    let after_login = joe(&store).await;
    assert_eq!(after_login.login_count, 1);

    let api = app.browser().await;
    for path in ["/api/token", "/api/me", "/protected"] {
        let answer = fetch(&api, path, &[token_header(&token)], true).await;
        assert_eq!(answer.status, Status::Ok, "{path}");
    }
    for _ in 0..2 {
        let answer = fetch(
            &api,
            "/api/basic",
            &[basic(&format!("{JOE}:{PASSWORD}"))],
            true,
        )
        .await;
        assert_eq!(answer.status, Status::Ok);
    }
    for password in ["wrong-password", ""] {
        let (status, _) = login_from(&api, JOE, password, None).await;
        assert_eq!(status, Status::BadRequest);
    }
    let later = joe(&store).await;
    assert_eq!(later.login_count, 1);
    assert_eq!(later.current_login_at, after_login.current_login_at);
    assert_eq!(later.last_login_at, after_login.last_login_at);
    let (_, me) = get_with_token(&api, "/api/me", &token).await;
    assert_eq!(me["login_count"], 1);
}

async fn concurrent_logins_all_count(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store.clone()).await;
    app.login(JOE, PASSWORD).await;
    let mut browsers = Vec::new();
    for _ in 0..10 {
        let browser = app.browser().await;
        // Each browser has its CSRF token before the logins start together.
        let csrf = crate::common::app::csrf_with(&browser).await;
        browsers.push((browser, csrf));
    }
    let tasks: Vec<_> = browsers
        .into_iter()
        .map(|(browser, csrf)| {
            rocket::tokio::spawn(async move {
                let (status, body) = post_json_with(
                    &browser,
                    "/login",
                    json!({"email": JOE, "password": PASSWORD}),
                    Some(&csrf),
                )
                .await;
                assert_eq!(status, Status::Ok, "{body}");
                browser
            })
        })
        .collect();
    let mut done = Vec::new();
    for task in tasks {
        done.push(task.await.expect("the login task finishes"));
    }
    assert_eq!(joe(&store).await.login_count, 11);
    for browser in &done {
        let (status, me) = get_json_with(browser, "/api/me").await;
        assert_eq!(status, Status::Ok);
        assert_eq!(me["login_count"], 11);
    }
}

// ----- /api/me and the user payload -----

async fn api_me_takes_a_session_or_a_token(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store).await;
    let answer = fetch(&app.client, "/api/me", &[], true).await;
    assert_eq!(answer.status, Status::Unauthorized);
    assert_eq!(answer.json(), unauthorized());
    assert_eq!(answer.www_authenticate, None);
    let answer = fetch(&app.client, "/api/me", &[], false).await;
    assert_eq!(answer.status, Status::Found);
    assert_eq!(answer.location.as_deref(), Some("/login?next=/api/me"));

    let token = issue_token(&app.client, JOE, PASSWORD).await;
    let (status, via_session) = app.get_json("/api/me").await;
    assert_eq!(status, Status::Ok);
    assert_eq!(via_session["email"], JOE);
    assert_eq!(via_session["login_count"], 1);
    let (status, via_token) = get_with_token(&app.browser().await, "/api/me", &token).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(via_token, via_session);
    let mut keys: Vec<&String> = via_token.as_object().unwrap().keys().collect();
    keys.sort();
    let mut expected = [
        "active",
        "confirmed",
        "current_login_at",
        "current_login_ip",
        "email",
        "last_login_at",
        "last_login_ip",
        "login_count",
        "roles",
        "tf_primary_method",
    ];
    expected.sort();
    assert_eq!(keys, expected);
}

async fn user_payload_is_empty_by_default(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store).await;
    let body = app.login(JOE, PASSWORD).await;
    assert_eq!(body["response"]["user"], json!({}));
    let (status, page) = app.get_json("/change").await;
    assert_eq!(status, Status::Ok);
    assert_eq!(page["response"]["user"], json!({}));
    let (_, page) = app.get_json("/login").await;
    assert_eq!(page["response"]["user"], json!({}));
}

async fn user_payload_can_be_customised(store: Arc<dyn UserDatastore>) {
    let app = app_with(store, contract_settings(), |b| {
        b.user_payload(|u| json!({"email": u.email}))
    })
    .await;
    app.user(JOE, PASSWORD, true, true, &[]).await;
    let body = app.login(JOE, PASSWORD).await;
    assert_eq!(body["response"]["user"], json!({"email": JOE}));
    let (_, page) = app.get_json("/login").await;
    assert_eq!(page["response"]["user"], json!({"email": JOE}));
    let (_, page) = app.get_json("/change").await;
    assert_eq!(page["response"]["user"], json!({"email": JOE}));

    let body = login_with(&app.browser().await, JOE, PASSWORD, "?include_auth_token").await;
    let user = &body["response"]["user"];
    assert_eq!(user["email"], JOE);
    let token = user["authentication_token"].as_str().unwrap();
    assert_eq!(user.as_object().unwrap().len(), 2, "{user}");
    let (status, _) = get_with_token(&app.browser().await, "/api/token", token).await;
    assert_eq!(status, Status::Ok);
}

per_backend!(
    stores:
    token_is_issued_only_when_asked_for_on_login,
    token_works_in_header_query_and_json_body_without_csrf,
    api_token_refuses_a_session_cookie_alone,
    bad_tokens_are_refused,
    tokens_expire_after_token_max_age,
    token_max_age_zero_never_expires,
    deactivated_users_neither_use_nor_get_tokens,
    token_survives_logout_of_the_issuing_session,
    token_dies_after_a_password_change_in_a_session,
    token_dies_after_a_password_reset,
    basic_auth_succeeds_without_a_session_or_a_login,
    basic_auth_failures_are_401_with_the_realm,
    basic_auth_names_a_custom_realm,
    trackable_records_each_login,
    tokens_basic_and_failures_do_not_count_as_logins,
    concurrent_logins_all_count,
    api_me_takes_a_session_or_a_token,
    user_payload_is_empty_by_default,
    user_payload_can_be_customised,
);
