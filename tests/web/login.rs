//! Signing in: the login page, CSRF, session rotation, failures and the `next` parameter.

use super::*;

per_backend!(
    stores:
    login_page_json_gives_csrf_and_session_cookie,
    login_page_html_has_the_form,
    csrf_is_required_and_checked,
    csrf_token_of_another_session_is_invalid,
    login_json_succeeds_and_rotates_the_session,
    include_auth_token_returns_a_working_token,
    login_failures_are_identical,
    login_reports_missing_fields,
    login_html_failure_rerenders_and_success_redirects,
    next_must_stay_on_this_site,
);

async fn login_page_json_gives_csrf_and_session_cookie(store: Arc<dyn UserDatastore>) {
    let app = app(store).await;
    let response = app
        .client
        .get("/login")
        .header(ContentType::JSON)
        .header(Accept::JSON)
        .dispatch()
        .await;
    let set_cookie: Vec<String> = response
        .headers()
        .get("Set-Cookie")
        .map(str::to_owned)
        .collect();
    assert_eq!(
        response.headers().get_one("Cache-Control"),
        Some("private, no-store")
    );
    let (status, body) = read_json(response).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(body["meta"]["code"], 200);
    assert!(body["response"]["csrf_token"].as_str().unwrap().len() > 20);
    assert_eq!(body["response"]["identity_attributes"], json!(["email"]));
    let session = set_cookie
        .iter()
        .find(|c| c.starts_with("session="))
        .expect("session cookie");
    assert!(session.contains("HttpOnly"), "{session}");
    assert!(session.contains("SameSite=Lax"), "{session}");
    assert!(session.contains("Path=/"), "{session}");
    assert!(
        !session.contains("Expires") && !session.contains("Max-Age"),
        "{session}"
    );
}

async fn login_page_html_has_the_form(store: Arc<dyn UserDatastore>) {
    let app = app(store).await;
    let response = app.client.get("/login?next=/protected").dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(response.content_type(), Some(ContentType::HTML));
    let html = response.into_string().await.unwrap();
    for needle in [
        "<form",
        "method=\"post\"",
        "name=\"email\"",
        "type=\"email\"",
        "name=\"password\"",
        "type=\"password\"",
        "name=\"remember\"",
        "name=\"csrf_token\"",
        "value=\"/protected\"",
    ] {
        assert!(html.contains(needle), "login page lacks {needle}");
    }
}

async fn csrf_is_required_and_checked(store: Arc<dyn UserDatastore>) {
    let app = with_user(store).await;
    let body = json!({"email": "joe@example.com", "password": "password123"});
    // No session at all yet.
    let (status, reply) = app
        .post_json("/login", body.clone(), Some("whatever"))
        .await;
    assert_eq!(status, Status::BadRequest);
    assert_eq!(
        reply["response"]["errors"],
        json!(["The CSRF session token is missing."])
    );
    assert!(reply["response"].get("field_errors").is_none());
    let _ = app.csrf().await;
    let (status, reply) = app.post_json("/login", body.clone(), None).await;
    assert_eq!(status, Status::BadRequest);
    assert_eq!(
        reply["response"]["errors"],
        json!(["The CSRF token is missing."])
    );
    let (_, reply) = app
        .post_json("/login", body.clone(), Some("garbage.1.sig"))
        .await;
    assert_eq!(
        reply["response"]["errors"],
        json!(["The CSRF token is invalid."])
    );
    // A token in the JSON body is not accepted.
    let token = app.csrf().await;
    let mut with_body_token = body.clone();
    with_body_token["csrf_token"] = json!(token);
    let (status, _) = app.post_json("/login", with_body_token, None).await;
    assert_eq!(status, Status::BadRequest);
    // The other header name works too.
    let response = app
        .client
        .post("/login")
        .header(ContentType::JSON)
        .header(Accept::JSON)
        .header(Header::new("X-CSRFToken", token))
        .body(body.to_string())
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
}

async fn csrf_token_of_another_session_is_invalid(store: Arc<dyn UserDatastore>) {
    let app = with_user(store.clone()).await;
    let other = app.csrf().await;
    let browser = app.browser().await;
    let _ = get_json_with(&browser, "/login").await;
    let (status, reply) = post_json_with(
        &browser,
        "/login",
        json!({"email": "joe@example.com", "password": "password123"}),
        Some(&other),
    )
    .await;
    assert_eq!(status, Status::BadRequest);
    assert_eq!(
        reply["response"]["errors"],
        json!(["The CSRF token is invalid."])
    );
}

async fn login_json_succeeds_and_rotates_the_session(store: Arc<dyn UserDatastore>) {
    let app = with_user(store).await;
    let token = app.csrf().await;
    let before = app.session_cookie().unwrap().value().to_owned();
    let (status, body) = app
        .post_json(
            "/login",
            json!({"email": "JOE@Example.com", "password": "password123"}),
            Some(&token),
        )
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(body["response"]["tf_required"], false);
    assert_eq!(body["response"]["user"], json!({}));
    assert!(body["response"]["csrf_token"].is_string());
    let after = app.session_cookie().unwrap().value().to_owned();
    assert_ne!(before, after, "the session id changes at login");
    let response = app.client.get("/protected").dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    let page = response.into_string().await.unwrap();
    assert!(
        page.contains("<p>protected page for joe@example.com</p>"),
        "{page}"
    );
    // The CSRF token from before the login still works in the same session.
    let (status, _) = app.post_json("/logout", json!({}), Some(&token)).await;
    assert_eq!(status, Status::Ok);
}

async fn include_auth_token_returns_a_working_token(store: Arc<dyn UserDatastore>) {
    let app = with_user(store).await;
    let (status, body) = app
        .post(
            "/login?include_auth_token",
            json!({"email": "joe@example.com", "password": "password123"}),
        )
        .await;
    assert_eq!(status, Status::Ok);
    let token = body["response"]["user"]["authentication_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, _) = app.post("/logout", json!({})).await;
    assert_eq!(status, Status::Ok);
    let response = app
        .client
        .get("/api/token")
        .header(Header::new("Authentication-Token", token.clone()))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    let response = app
        .client
        .get(format!("/api/token?auth_token={token}"))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    let (status, _) = app.get_json("/api/token").await;
    assert_eq!(
        status,
        Status::Unauthorized,
        "a session alone is not a token"
    );
    let response = app
        .client
        .get("/api/token")
        .header(Accept::JSON)
        .header(Header::new("Authentication-Token", format!("{token}x")))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Unauthorized);
}

async fn login_failures_are_identical(store: Arc<dyn UserDatastore>) {
    let app = with_user(store).await;
    app.user("inactive@example.com", "password123", true, false, &[])
        .await;
    app.user("unconfirmed@example.com", "password123", false, true, &[])
        .await;
    let mut bodies = Vec::new();
    for (email, password) in [
        ("joe@example.com", "wrong-password"),
        ("nobody@example.com", "password123"),
        ("not-an-email", "password123"),
        ("inactive@example.com", "password123"),
        ("unconfirmed@example.com", "password123"),
    ] {
        let (status, mut body) = app
            .post("/login", json!({"email": email, "password": password}))
            .await;
        assert_eq!(status, Status::BadRequest, "{email}");
        body["response"]
            .as_object_mut()
            .unwrap()
            .remove("csrf_token");
        bodies.push(body);
    }
    let expected = json!({"meta": {"code": 400}, "response": {"errors": [GENERIC], "field_errors": {"": [GENERIC]}}});
    for body in bodies {
        assert_eq!(body, expected);
    }
    let (status, _) = app.get_json("/protected").await;
    assert_eq!(status, Status::Unauthorized);
}

async fn login_reports_missing_fields(store: Arc<dyn UserDatastore>) {
    let app = app(store).await;
    let (status, body) = app.post("/login", json!({})).await;
    assert_eq!(status, Status::BadRequest);
    assert_eq!(
        body["response"]["field_errors"]["email"],
        json!(["Email not provided"])
    );
    assert_eq!(
        body["response"]["field_errors"]["password"],
        json!(["Password not provided"])
    );
}

async fn login_html_failure_rerenders_and_success_redirects(store: Arc<dyn UserDatastore>) {
    let app = with_user(store).await;
    let response = form_login(&app.client, "joe@example.com", "nope").await;
    assert_eq!(response.status(), Status::Ok);
    let html = response.into_string().await.unwrap();
    assert!(html.contains(GENERIC) && html.contains("fs-error-msg"));
    let fields = [
        ("email", "joe@example.com"),
        ("password", "password123"),
        ("next", "/editor?x=1"),
    ];
    let response = submit_form(&app.client, "/login", "/login", &fields).await;
    assert_eq!(response.status(), Status::Found);
    assert_eq!(response.headers().get_one("Location"), Some("/editor?x=1"));
}

async fn next_must_stay_on_this_site(store: Arc<dyn UserDatastore>) {
    let app = with_user(store).await;
    for next in [
        "http://evil.example.com/x",
        "https://evil.example.com",
        "//evil.example.com",
        "///evil.example.com",
        "https:evil.example.com",
        "javascript:alert(1)",
        "ftp://localhost/x",
        "\\\\evil.example.com",
        "/\\evil.example.com",
        "\\/evil.example.com",
        "/\\/evil.example.com",
    ] {
        let (status, body) = app
            .post(
                "/login",
                json!({"email": "joe@example.com", "password": "password123", "next": next}),
            )
            .await;
        assert_eq!(status, Status::BadRequest, "{next}");
        assert_eq!(
            body["response"]["field_errors"]["next"],
            json!(["Redirections outside the domain are forbidden"]),
            "{next}"
        );
        let (status, _) = app.get_json("/protected").await;
        assert_eq!(
            status,
            Status::Unauthorized,
            "login must not happen for {next}"
        );
    }
    for next in [
        "/protected",
        "/editor?x=1",
        "http://127.0.0.1:8000/protected",
    ] {
        let csrf = app.csrf().await;
        let response = app
            .client
            .post("/login")
            .header(ContentType::JSON)
            .header(Accept::JSON)
            .header(Header::new("Host", "localhost:8000"))
            .header(Header::new("X-CSRF-Token", csrf))
            .body(
                json!({"email": "joe@example.com", "password": "password123", "next": next})
                    .to_string(),
            )
            .dispatch()
            .await;
        let (status, body) = read_json(response).await;
        assert_eq!(status, Status::Ok, "{next}: {body}");
        app.post("/logout", json!({})).await;
    }
}
