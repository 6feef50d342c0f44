//! Account-takeover plumbing, attacked from outside on every backend: mailed links built from
//! a forged `Host`, trusted hosts, one session made fresh by another user's token, remembered
//! sessions counted as fresh, cookies without `Secure` behind a TLS proxy, the auth token of a
//! JSON body, and input the database cannot hold.

use std::sync::Arc;
use std::time::Duration;

use crate::common::app::{
    app_with, contract_settings, form_login, link, login_with, post_json_headers, post_json_with,
    read_json, submit_form, TestApp,
};
use crate::common::totp::{code_at, six_digits};
use rocket::http::{Accept, ContentType, Cookie, Header, Status};
use rocket::local::asynchronous::LocalResponse;
use rocket_security::UserDatastore;
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(5);
const SITE: &str = "https://app.example.com";

fn settings(extra: Value) -> Value {
    let mut settings = contract_settings();
    let all = json!({
        "two_factor": true,
        "two_factor_enabled_methods": ["authenticator"],
        "multi_factor_recovery_codes": true,
        "unified_signin": true,
        "us_enabled_methods": ["password", "email", "authenticator"],
        "us_mfa_required": ["password", "email"],
        "totp_issuer": "fsref",
    });
    let map = settings.as_object_mut().unwrap();
    map.extend(all.as_object().unwrap().clone());
    map.extend(extra.as_object().unwrap().clone());
    settings
}

async fn new_app(store: Arc<dyn UserDatastore>, extra: Value) -> TestApp {
    let app = app_with(store, settings(extra), |b| b).await;
    app.user("joe@example.com", "password123", true, true, &[])
        .await;
    app.user("eve@example.com", "password456", true, true, &[])
        .await;
    app
}

fn set_cookie<'a>(response: &'a LocalResponse<'_>, name: &str) -> Option<&'a str> {
    response
        .headers()
        .get("Set-Cookie")
        .find(|c| c.starts_with(&format!("{name}=")))
}

// ----- #10.1: mailed links come from configuration only -----

async fn mailed_links_ignore_the_host_header(store: Arc<dyn UserDatastore>) {
    let app = new_app(store, json!({"server_name": SITE})).await;
    let evil = [("Host", "evil.example.com")];

    let csrf = app.csrf().await;
    let (status, body) = post_json_headers(
        &app.client,
        "/reset",
        json!({"email": "joe@example.com"}),
        &[evil[0], ("X-CSRF-Token", &csrf)],
    )
    .await;
    assert_eq!(status, Status::Ok, "{body}");
    let mails = app.mailer.wait_for(1, WAIT).await;
    let url = link(&mails[0].text, "http").expect("a reset link");
    assert!(url.starts_with(&format!("{SITE}/reset/")), "{url}");

    // The magic sign-in link of a mailed code.
    app.login("joe@example.com", "password123").await;
    let (status, body) = app
        .post("/us-setup", json!({"chosen_method": "email"}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let state = body["response"]["state"].as_str().unwrap().to_owned();
    let mails = app.mailer.wait_for(2, WAIT).await;
    let code = six_digits(&mails[1].text);
    let (status, body) = app
        .post(&format!("/us-setup/{state}"), json!({"passcode": code}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    app.post("/logout", json!({})).await;
    // The notice of the new sign-in method went out too; the magic link comes next.
    let sent = app.mailer.wait_for(3, WAIT).await.len();
    let csrf = app.csrf().await;
    let (status, body) = post_json_headers(
        &app.client,
        "/us-signin/send-code",
        json!({"identity": "joe@example.com", "chosen_method": "email"}),
        &[
            evil[0],
            ("X-Forwarded-Host", "evil.example.com"),
            ("X-CSRF-Token", &csrf),
        ],
    )
    .await;
    assert_eq!(status, Status::Ok, "{body}");
    let mails = app.mailer.wait_for(sent + 1, WAIT).await;
    let url = link(&mails.last().unwrap().text, "http").expect("a magic link");
    assert!(url.starts_with(&format!("{SITE}/us-verify-link?")), "{url}");
}

async fn debug_links_use_rockets_address_not_the_host(store: Arc<dyn UserDatastore>) {
    let app = new_app(store, json!({"trust_forwarded_headers": true})).await;
    let csrf = app.csrf().await;
    let (status, _) = post_json_headers(
        &app.client,
        "/reset",
        json!({"email": "joe@example.com"}),
        &[
            ("Host", "evil.example.com"),
            ("X-Forwarded-Host", "evil.example.com"),
            ("X-CSRF-Token", &csrf),
        ],
    )
    .await;
    assert_eq!(status, Status::Ok);
    let mails = app.mailer.wait_for(1, WAIT).await;
    let config = app.client.rocket().config();
    let site = format!("http://{}:{}/reset/", config.address, config.port);
    let url = link(&mails[0].text, "http").expect("a reset link");
    assert!(url.starts_with(&site), "{url}");
}

async fn next_must_match_the_configured_site(store: Arc<dyn UserDatastore>) {
    // No `server_name`: the site is Rocket's address, not whatever `Host` says.
    let app = new_app(store, json!({})).await;
    let config = app.client.rocket().config();
    let site = format!("http://{}:{}", config.address, config.port);
    let csrf = app.csrf().await;
    let login =
        |next: &str| json!({"email": "joe@example.com", "password": "password123", "next": next});
    // Same origin as the forged Host, but not the site: refused.
    let (status, body) = post_json_headers(
        &app.client,
        "/login",
        login("http://evil.example.com/welcome"),
        &[("Host", "evil.example.com"), ("X-CSRF-Token", &csrf)],
    )
    .await;
    assert_eq!(status, Status::BadRequest, "{body}");
    assert!(
        body["response"]["field_errors"]["next"].is_array(),
        "{body}"
    );
    let (status, body) = post_json_headers(
        &app.client,
        "/login",
        login(&format!("{site}/welcome")),
        &[("Host", "evil.example.com"), ("X-CSRF-Token", &csrf)],
    )
    .await;
    assert_eq!(status, Status::Ok, "{body}");
}

async fn untrusted_hosts_get_400(store: Arc<dyn UserDatastore>) {
    let app = new_app(
        store,
        json!({"server_name": SITE, "trusted_hosts": ["app.example.com"]}),
    )
    .await;
    let get = |host: &'static str| {
        app.client
            .get("/login")
            .header(Accept::JSON)
            .header(Header::new("Host", host))
    };
    assert_eq!(
        get("evil.example.com").dispatch().await.status(),
        Status::BadRequest
    );
    assert_eq!(get("app.example.com").dispatch().await.status(), Status::Ok);
    assert_eq!(
        get("APP.example.com:443").dispatch().await.status(),
        Status::Ok
    );
    let response = get("app.example.com").dispatch().await;
    let (_, body) = read_json(response).await;
    let csrf = body["response"]["csrf_token"].as_str().unwrap().to_owned();
    let (status, _) = post_json_headers(
        &app.client,
        "/reset",
        json!({"email": "joe@example.com"}),
        &[("Host", "evil.example.com"), ("X-CSRF-Token", &csrf)],
    )
    .await;
    assert_eq!(status, Status::BadRequest);
    // Nor does a request without a Host get through.
    let (status, _) = post_json_headers(
        &app.client,
        "/reset",
        json!({"email": "joe@example.com"}),
        &[("X-CSRF-Token", &csrf)],
    )
    .await;
    assert_eq!(status, Status::BadRequest);
    assert!(app.mails().is_empty(), "no mail for an untrusted host");
}

// ----- #10.3: freshness belongs to one session and one user -----

fn fresh_settings() -> Value {
    json!({})
}

/// A's browser session is stale; B's token sent along with A's cookie to /verify must not
/// make A's session fresh.
async fn another_users_token_does_not_freshen_a_session(store: Arc<dyn UserDatastore>) {
    let app = new_app(store, fresh_settings()).await;
    app.login("joe@example.com", "password123").await;
    app.clock.advance(chrono::Duration::hours(26));
    let other = app.browser().await;
    let body = login_with(
        &other,
        "eve@example.com",
        "password456",
        "?include_auth_token",
    )
    .await;
    let token = body["response"]["user"]["authentication_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = app.get_json("/tf-setup").await;
    assert_eq!(status, Status::Unauthorized, "joe's session is stale");

    let csrf = app.csrf().await;
    let (status, body) = post_json_headers(
        &app.client,
        "/verify",
        json!({"password": "password456"}),
        &[("Authentication-Token", &token), ("X-CSRF-Token", &csrf)],
    )
    .await;
    assert_eq!(
        status,
        Status::Ok,
        "eve re-authenticates with her token: {body}"
    );
    let (status, body) = app.get_json("/tf-setup").await;
    assert_eq!(
        status,
        Status::Unauthorized,
        "joe's session stays stale: {body}"
    );
    assert_eq!(body["response"]["reauth_required"], true);
    // The same through /us-verify.
    let (status, body) = post_json_headers(
        &app.client,
        "/us-verify",
        json!({"passcode": "password456"}),
        &[("Authentication-Token", &token), ("X-CSRF-Token", &csrf)],
    )
    .await;
    assert_eq!(status, Status::Ok, "{body}");
    let (status, _) = app.get_json("/tf-setup").await;
    assert_eq!(status, Status::Unauthorized);
    // Joe's own re-authentication still works.
    let (status, _) = app
        .post("/verify", json!({"password": "password123"}))
        .await;
    assert_eq!(status, Status::Ok);
    assert_eq!(app.get_json("/tf-setup").await.0, Status::Ok);
}

/// A token request that carries a browser's cookie leaves that browser's session state alone;
/// a session restored from a remember-me cookie is not fresh.
async fn remembered_sessions_are_not_fresh(store: Arc<dyn UserDatastore>) {
    let app = new_app(store, fresh_settings()).await;
    let (status, body) = app
        .post(
            "/login",
            json!({"email": "joe@example.com", "password": "password123", "remember": true}),
        )
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let remember = app
        .client
        .cookies()
        .get("remember_token")
        .unwrap()
        .value()
        .to_owned();
    app.clock.advance(chrono::Duration::hours(26));
    let api = app.browser().await;
    let body = login_with(
        &api,
        "joe@example.com",
        "password123",
        "?include_auth_token",
    )
    .await;
    let token = body["response"]["user"]["authentication_token"]
        .as_str()
        .unwrap()
        .to_owned();

    // A second browser: a session cookie of its own, the remember-me cookie, and the token.
    let browser = app.browser().await;
    let csrf = crate::common::app::csrf_with(&browser).await;
    let (status, body) = post_json_headers(
        &browser,
        "/verify",
        json!({"password": "password123"}),
        &[("Authentication-Token", &token), ("X-CSRF-Token", &csrf)],
    )
    .await;
    assert_eq!(status, Status::Ok, "{body}");
    let response = browser
        .get("/tf-setup")
        .header(Accept::JSON)
        .cookie(Cookie::new("remember_token", remember))
        .dispatch()
        .await;
    let (status, body) = read_json(response).await;
    assert_eq!(status, Status::Unauthorized, "{body}");
    assert_eq!(body["response"]["reauth_required"], true);
}

// ----- #10.9: cookies behind a proxy -----

async fn cookies_are_secure_over_https(store: Arc<dyn UserDatastore>) {
    let app = new_app(
        store,
        json!({"trust_forwarded_headers": true, "hsts": "max-age=31536000; includeSubDomains"}),
    )
    .await;
    let proxy = Header::new("X-Forwarded-Proto", "https");
    let response = app
        .client
        .get("/login")
        .header(Accept::JSON)
        .header(proxy.clone())
        .dispatch()
        .await;
    let session = set_cookie(&response, "session").expect("a session cookie");
    assert!(session.contains("Secure"), "{session}");
    assert_eq!(
        response.headers().get_one("Strict-Transport-Security"),
        Some("max-age=31536000; includeSubDomains")
    );
    let (_, body) = read_json(response).await;
    let csrf = body["response"]["csrf_token"].as_str().unwrap().to_owned();
    let response = app
        .client
        .post("/login")
        .header(ContentType::JSON)
        .header(Accept::JSON)
        .header(proxy.clone())
        .header(Header::new("X-CSRF-Token", csrf))
        .body(
            json!({"email": "joe@example.com", "password": "password123", "remember": true})
                .to_string(),
        )
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    for name in ["session", "remember_token"] {
        let cookie = set_cookie(&response, name).unwrap_or_else(|| panic!("{name} is set"));
        assert!(cookie.contains("Secure"), "{cookie}");
    }
    // Plain http: no Secure, no HSTS.
    let plain = app.browser().await;
    let response = plain.get("/login").header(Accept::JSON).dispatch().await;
    let session = set_cookie(&response, "session").expect("a session cookie");
    assert!(!session.contains("Secure"), "{session}");
    assert!(response
        .headers()
        .get_one("Strict-Transport-Security")
        .is_none());

    // Forced on, with the new name and the old one.
    for key in ["cookie_secure", "session_cookie_secure"] {
        let mut extra = serde_json::Map::new();
        extra.insert(key.to_owned(), Value::Bool(true));
        let store = Arc::new(rocket_security::MemoryDatastore::new());
        let app = new_app(store, Value::Object(extra)).await;
        let response = app
            .client
            .get("/login")
            .header(Accept::JSON)
            .dispatch()
            .await;
        let session = set_cookie(&response, "session").expect("a session cookie");
        assert!(session.contains("Secure"), "{key}: {session}");
    }
}

/// Without `trust_forwarded_headers`, anyone can send `X-Forwarded-Proto`: it changes nothing.
async fn forwarded_proto_is_ignored_unless_trusted(store: Arc<dyn UserDatastore>) {
    let app = new_app(store, json!({"hsts": "max-age=60"})).await;
    let response = app
        .client
        .get("/login")
        .header(Accept::JSON)
        .header(Header::new("X-Forwarded-Proto", "https"))
        .dispatch()
        .await;
    assert!(response
        .headers()
        .get_one("Strict-Transport-Security")
        .is_none());
    let session = set_cookie(&response, "session").expect("a session cookie");
    assert!(!session.contains("Secure"), "{session}");
}

// ----- #10.10: contract deviations -----

async fn auth_token_in_a_json_body_is_accepted(store: Arc<dyn UserDatastore>) {
    let app = new_app(store, json!({})).await;
    let body = app
        .post(
            "/login?include_auth_token",
            json!({"email": "joe@example.com", "password": "password123"}),
        )
        .await
        .1;
    let token = body["response"]["user"]["authentication_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let api = app.browser().await;
    let call = |path: &'static str, body: String| {
        api.get(path)
            .header(ContentType::JSON)
            .header(Accept::JSON)
            .body(body)
    };
    let response = call("/api/token", json!({"auth_token": token}).to_string())
        .dispatch()
        .await;
    let (status, reply) = read_json(response).await;
    assert_eq!(status, Status::Ok, "{reply}");
    assert_eq!(reply["via"], "token");
    let long = json!({"auth_token": token, "note": "x".repeat(4000)}).to_string();
    assert_eq!(call("/api/me", long).dispatch().await.status(), Status::Ok);
    // The body still reaches the handler whole.
    let (status, reply) = post_json_with(
        &api,
        "/change",
        json!({"auth_token": token, "password": "password123",
               "new_password": "password789", "new_password_confirm": "password789"}),
        None,
    )
    .await;
    assert_eq!(status, Status::Ok, "{reply}");
    for bad in [
        json!({"auth_token": "forged"}),
        json!({"auth_token": ""}),
        json!({}),
    ] {
        let status = call("/api/token", bad.to_string())
            .dispatch()
            .await
            .status();
        assert_eq!(status, Status::Unauthorized, "{bad}");
    }
    // A form body is not searched.
    let status = api
        .get("/api/token")
        .header(ContentType::Form)
        .header(Accept::JSON)
        .body(format!("auth_token={token}"))
        .dispatch()
        .await
        .status();
    assert_eq!(status, Status::Unauthorized);
}

async fn html_mf_recovery_goes_to_post_login_view(store: Arc<dyn UserDatastore>) {
    let app = new_app(store, json!({})).await;
    app.login("joe@example.com", "password123").await;
    let (_, body) = app.post("/mf-recovery-codes", json!({})).await;
    let code = body["response"]["recovery_codes"][0]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, body) = app
        .post("/tf-setup", json!({"setup": "authenticator"}))
        .await;
    let b32 = body["response"]["tf_authr_b32key"]
        .as_str()
        .unwrap()
        .to_owned();
    let state = body["response"]["tf_state_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = app
        .post(
            &format!("/tf-setup/{state}"),
            json!({"code": code_at(&app, &b32, 0)}),
        )
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    app.post("/logout", json!({})).await;

    let response = form_login(&app.client, "joe@example.com", "password123").await;
    assert_eq!(response.status(), Status::Found);
    let fields = [("code", code.as_str())];
    let response = submit_form(&app.client, "/mf-recovery", "/mf-recovery", &fields).await;
    assert_eq!(response.status(), Status::Found);
    assert_eq!(response.headers().get_one("Location"), Some("/"));
    assert_eq!(app.status("/protected").await, Status::Ok);
}

// ----- #10.11: input the database cannot hold -----

async fn nul_in_a_sign_in_link_is_refused(store: Arc<dyn UserDatastore>) {
    let app = new_app(store, json!({})).await;
    for path in [
        "/us-verify-link?id=%00&code=%00",
        "/us-verify-link?id=abc%00def&code=123456",
        "/reset/%00",
        "/confirm/abc%00",
        "/login?next=%00",
    ] {
        let response = app.client.get(path).dispatch().await;
        let status = response.status();
        assert!(status.code >= 400 && status.code < 500, "{path}: {status}");
    }
    assert_eq!(app.status("/protected").await, Status::Unauthorized);
}

/// Every field of every route, as anonymous and as a signed-in user: NUL bytes and 10 KB
/// strings get a 4xx (or the route's normal answer), never a 500.
async fn nul_and_overlong_input_never_fails_with_500(store: Arc<dyn UserDatastore>) {
    let app = new_app(store, json!({})).await;
    let routes: [(&str, &[&str]); 17] = [
        ("/login", &["email", "password", "next", "remember"]),
        ("/register", &["email", "password", "password_confirm"]),
        ("/reset", &["email"]),
        ("/reset/abc", &["password", "password_confirm"]),
        ("/confirm", &["email"]),
        (
            "/change",
            &["password", "new_password", "new_password_confirm"],
        ),
        ("/change-email", &["email"]),
        ("/us-signin", &["identity", "passcode", "next"]),
        ("/us-signin/send-code", &["identity", "chosen_method"]),
        ("/us-setup", &["chosen_method", "phone"]),
        ("/us-setup/state", &["passcode"]),
        ("/verify", &["password", "next"]),
        ("/us-verify", &["passcode"]),
        ("/tf-setup", &["setup", "phone"]),
        ("/tf-validate", &["code"]),
        ("/tf-rescue", &["help_setup"]),
        ("/mf-recovery", &["code"]),
    ];
    let long = "é".repeat(5 * 1024);
    for signed_in in [false, true] {
        if signed_in {
            app.login("joe@example.com", "password123").await;
        }
        for (path, fields) in routes {
            for bad in ["a\u{0}b", long.as_str()] {
                let csrf = app.csrf().await;
                let body: serde_json::Map<String, Value> = fields
                    .iter()
                    .map(|f| (f.to_string(), Value::String(bad.to_owned())))
                    .collect();
                let (status, reply) = app.post_json(path, Value::Object(body), Some(&csrf)).await;
                assert!(status.code < 500, "{path} JSON: {status} {reply}");
                let form: String = fields
                    .iter()
                    .map(|f| {
                        let value: String =
                            url::form_urlencoded::byte_serialize(bad.as_bytes()).collect();
                        format!("{f}={value}&")
                    })
                    .collect();
                let response = app
                    .client
                    .post(path)
                    .header(ContentType::Form)
                    .body(format!("{form}csrf_token={csrf}"))
                    .dispatch()
                    .await;
                assert!(
                    response.status().code < 500,
                    "{path} form: {}",
                    response.status()
                );
            }
        }
    }
}

per_backend!(
    stores:
    mailed_links_ignore_the_host_header,
    debug_links_use_rockets_address_not_the_host,
    next_must_match_the_configured_site,
    untrusted_hosts_get_400,
    another_users_token_does_not_freshen_a_session,
    remembered_sessions_are_not_fresh,
    cookies_are_secure_over_https,
    forwarded_proto_is_ignored_unless_trusted,
    auth_token_in_a_json_body_is_accepted,
    html_mf_recovery_goes_to_post_login_view,
    nul_in_a_sign_in_link_is_refused,
    nul_and_overlong_input_never_fails_with_500,
);
