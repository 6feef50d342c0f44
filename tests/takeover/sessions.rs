//! Session takeover: freshness, secure cookies, forwarded protocol, tokens in bodies and recovery redirects.

use super::*;

per_backend!(
    stores:
    another_users_token_does_not_freshen_a_session,
    remembered_sessions_are_not_fresh,
    cookies_are_secure_over_https,
    forwarded_proto_is_ignored_unless_trusted,
    auth_token_in_a_json_body_is_accepted,
    html_mf_recovery_goes_to_post_login_view,
);

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
