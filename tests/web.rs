//! The web layer through Rocket's local client: sessions, guards, CSRF, login, logout,
//! registration, in JSON and HTML mode, on every backend.

use std::sync::Arc;

use crate::common::app::{
    app, form_login, get_json_with, post_json_with, read_json, submit_form, TestApp,
};
use rocket::http::{Accept, ContentType, Cookie, Header, Status};
use rocket_security::{UserDatastore, UserQuery};
use serde_json::json;

const GENERIC: &str = "Authentication failed - identity or password/passcode invalid";

async fn with_user(store: Arc<dyn UserDatastore>) -> TestApp {
    let app = app(store).await;
    app.user("joe@example.com", "password123", true, true, &[])
        .await;
    app
}

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

async fn logout_ends_the_server_side_session(store: Arc<dyn UserDatastore>) {
    let app = with_user(store).await;
    app.login("joe@example.com", "password123").await;
    let copied = app.session_cookie().unwrap();
    let response = app.client.get("/logout").dispatch().await;
    assert_eq!(response.status(), Status::MethodNotAllowed);
    let (status, body) = app.post_json("/logout", json!({}), None).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(body, json!({"meta": {"code": 200}, "response": {}}));
    let response = app
        .client
        .get("/protected")
        .header(Accept::JSON)
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Unauthorized);
    let response = app
        .client
        .get("/protected")
        .header(Accept::JSON)
        .cookie(copied)
        .dispatch()
        .await;
    assert_eq!(
        response.status(),
        Status::Unauthorized,
        "a copied cookie stops working at logout"
    );
    let response = app.client.post("/logout").dispatch().await;
    assert_eq!(response.status(), Status::Found);
    assert_eq!(response.headers().get_one("Location"), Some("/"));
}

async fn remember_me_cookie_signs_in_alone_and_logout_revokes_it(store: Arc<dyn UserDatastore>) {
    let app = with_user(store).await;
    let token = app.csrf().await;
    let response = app
        .client
        .post("/login")
        .header(ContentType::JSON)
        .header(Accept::JSON)
        .header(Header::new("X-CSRF-Token", token))
        .body(
            json!({"email": "joe@example.com", "password": "password123", "remember": true})
                .to_string(),
        )
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    let remember_header = response
        .headers()
        .get("Set-Cookie")
        .find(|c| c.starts_with("remember_token="))
        .expect("remember cookie")
        .to_owned();
    assert!(remember_header.contains("HttpOnly") && remember_header.contains("SameSite=Lax"));
    assert!(remember_header.contains("Expires="), "{remember_header}");
    let remember = app.client.cookies().get("remember_token").unwrap().clone();
    let expires = remember.expires_datetime().unwrap();
    let days = (expires - rocket::time::OffsetDateTime::now_utc()).whole_days();
    assert!((364..=365).contains(&days), "{days}");
    let browser = app.browser().await;
    let response = browser
        .get("/protected")
        .cookie(remember.clone())
        .dispatch()
        .await;
    assert_eq!(
        response.status(),
        Status::Ok,
        "the remember cookie alone signs in"
    );
    assert!(
        response
            .headers()
            .get("Set-Cookie")
            .any(|c| c.starts_with("session=")),
        "and starts a session"
    );
    let response = app.client.post("/logout").dispatch().await;
    let cleared = response
        .headers()
        .get("Set-Cookie")
        .find(|c| c.starts_with("remember_token="))
        .expect("logout clears the remember cookie")
        .to_owned();
    assert!(
        cleared.contains("Max-Age=0") && cleared.contains("Thu, 01 Jan 1970 00:00:00 GMT"),
        "{cleared}"
    );
    let browser = app.browser().await;
    let response = browser
        .get("/protected")
        .header(Accept::JSON)
        .cookie(remember)
        .dispatch()
        .await;
    assert_eq!(
        response.status(),
        Status::Unauthorized,
        "a revoked remember token stops working"
    );
}

async fn guards_redirect_forbid_and_allow(store: Arc<dyn UserDatastore>) {
    let app = app(store).await;
    app.user("plain@example.com", "password123", true, true, &[])
        .await;
    app.user("boss@example.com", "password123", true, true, &["admin"])
        .await;
    app.user("writer@example.com", "password123", true, true, &["author"])
        .await;
    let response = app.client.get("/protected?a=1&b=2").dispatch().await;
    assert_eq!(response.status(), Status::Found);
    let location = response.headers().get_one("Location").unwrap().to_owned();
    assert_eq!(location, "/login?next=/protected%3Fa%3D1%26b%3D2");
    let page = app
        .client
        .get(location)
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(page.contains("You must sign in to view this resource."));
    let (status, body) = app.get_json("/admin").await;
    assert_eq!(status, Status::Unauthorized);
    assert_eq!(
        body,
        json!({"meta":{"code":401},"response":{"errors":["You must sign in to view this resource."]}})
    );

    app.login("plain@example.com", "password123").await;
    let (status, body) = app.get_json("/admin").await;
    assert_eq!(status, Status::Forbidden);
    assert_eq!(
        body,
        json!({"meta":{"code":403},"response":{"errors":["You do not have permission to view this resource."]}})
    );
    assert_eq!(
        app.client.get("/admin").dispatch().await.status(),
        Status::Forbidden
    );
    assert_eq!(
        app.client.get("/editor").dispatch().await.status(),
        Status::Forbidden
    );
    app.post("/logout", json!({})).await;

    app.login("boss@example.com", "password123").await;
    let response = app.client.get("/admin").dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    assert!(response
        .into_string()
        .await
        .unwrap()
        .contains("boss@example.com"));
    assert_eq!(
        app.client.get("/editor").dispatch().await.status(),
        Status::Forbidden
    );
    app.post("/logout", json!({})).await;

    app.login("writer@example.com", "password123").await;
    assert_eq!(
        app.client.get("/editor").dispatch().await.status(),
        Status::Ok
    );
}

async fn register_creates_an_unconfirmed_user_and_mails(store: Arc<dyn UserDatastore>) {
    let app = app(store.clone()).await;
    let (status, body) = app
        .post("/register", json!({"email": "New@Example.COM", "password": "password123", "password_confirm": "password123"}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(body["response"]["user"], json!({}));
    let user = store
        .find_user(UserQuery::Email("new@example.com"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.email, "New@example.com");
    assert!(user.confirmed_at.is_none());
    let (status, _) = app.get_json("/protected").await;
    assert_eq!(
        status,
        Status::Unauthorized,
        "registration does not sign in when confirmation is on"
    );
    let mails = app
        .mailer
        .wait_for(1, std::time::Duration::from_secs(5))
        .await;
    assert_eq!(mails[0].subject, "Welcome");
    assert_eq!(mails[0].to, "New@example.com");
    assert!(mails[0].text.contains("/confirm/"));
}

async fn register_validation_reports_everything(store: Arc<dyn UserDatastore>) {
    let app = app(store).await;
    let (status, body) = app
        .post("/register", json!({"email": "bad", "password": "short", "password_confirm": "other", "next": "//evil.example.com"}))
        .await;
    assert_eq!(status, Status::BadRequest);
    let errors = &body["response"]["field_errors"];
    assert_eq!(errors["email"], json!(["Invalid email address"]));
    assert_eq!(
        errors["password"],
        json!(["Password must be at least 8 characters"])
    );
    assert_eq!(
        errors["password_confirm"],
        json!(["Passwords do not match"])
    );
    assert_eq!(
        errors["next"],
        json!(["Redirections outside the domain are forbidden"])
    );
    assert_eq!(body["response"]["errors"].as_array().unwrap().len(), 4);
    let (_, body) = app.post("/register", json!({})).await;
    let errors = &body["response"]["field_errors"];
    assert_eq!(errors["email"], json!(["Email not provided"]));
    assert_eq!(errors["password"], json!(["Password not provided"]));
    assert_eq!(errors["password_confirm"], json!(["Password not provided"]));
}

async fn register_duplicate_looks_like_success(store: Arc<dyn UserDatastore>) {
    let app = with_user(store.clone()).await;
    let before = store
        .find_user(UserQuery::Email("joe@example.com"))
        .await
        .unwrap()
        .unwrap();
    let (status, body) = app
        .post("/register", json!({"email": "JOE@example.com", "password": "another-pass", "password_confirm": "another-pass"}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let after = store
        .find_user(UserQuery::Email("joe@example.com"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        before.password, after.password,
        "the existing password is unchanged"
    );
    let mails = app
        .mailer
        .wait_for(1, std::time::Duration::from_secs(5))
        .await;
    assert_eq!(mails[0].to, "joe@example.com");
    assert!(mails[0].text.contains("/reset/"), "{}", mails[0].text);
    // With another invalid field, only that error is reported.
    let (status, body) = app
        .post(
            "/register",
            json!({"email": "joe@example.com", "password": "short", "password_confirm": "short"}),
        )
        .await;
    assert_eq!(status, Status::BadRequest);
    assert_eq!(
        body["response"]["field_errors"],
        json!({"password": ["Password must be at least 8 characters"]})
    );
    app.login("joe@example.com", "password123").await;
    let (status, body) = app.get_json("/register").await;
    assert_eq!(status, Status::BadRequest);
    assert_eq!(
        body["response"]["errors"],
        json!(["You can only access this endpoint when not logged in."])
    );
    assert_eq!(
        app.client.get("/register").dispatch().await.status(),
        Status::Found
    );
}

async fn register_html_redirects_with_flash(store: Arc<dyn UserDatastore>) {
    let app = app(store).await;
    let fields = [
        ("email", "amy@example.com"),
        ("password", "password123"),
        ("password_confirm", "password123"),
    ];
    let response = submit_form(&app.client, "/register", "/register", &fields).await;
    assert_eq!(response.status(), Status::Found);
    assert_eq!(response.headers().get_one("Location"), Some("/"));
    let page = app
        .client
        .get("/login")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(page.contains("<ul class=\"flashes\">"));
    assert!(page.contains("amy@example.com"));
}

async fn bad_input_gets_a_clear_4xx(store: Arc<dyn UserDatastore>) {
    let app = with_user(store).await;
    let token = app.csrf().await;
    for (body, needle) in [
        ("{not json", "not valid JSON"),
        ("[1,2,3]", "JSON object"),
        (r#"{"email": {"x": 1}, "password": "p"}"#, "Field 'email'"),
    ] {
        let response = app
            .client
            .post("/login")
            .header(ContentType::JSON)
            .header(Accept::JSON)
            .header(Header::new("X-CSRF-Token", token.clone()))
            .body(body)
            .dispatch()
            .await;
        let (status, reply) = read_json(response).await;
        assert_eq!(status, Status::BadRequest, "{body}");
        let message = reply["response"]["errors"][0].as_str().unwrap();
        assert!(message.contains(needle), "{message}");
    }
    let huge = format!(r#"{{"email": "{}"}}"#, "a".repeat(200_000));
    let response = app
        .client
        .post("/login")
        .header(ContentType::JSON)
        .header(Accept::JSON)
        .body(huge)
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::PayloadTooLarge);
    // Garbled cookies are ignored, not an error.
    let response = app
        .client
        .get("/protected")
        .header(Accept::JSON)
        .cookie(Cookie::new("session", "%%%garbage%%%"))
        .cookie(Cookie::new("remember_token", "x".repeat(5000)))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Unauthorized);
    let response = app
        .client
        .get("/api/token")
        .header(Accept::JSON)
        .header(Header::new("Authentication-Token", "\u{7f}garbage"))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Unauthorized);
    // A user still signs in afterwards: nothing was damaged.
    app.login("joe@example.com", "password123").await;
}

async fn deactivated_user_loses_the_session(store: Arc<dyn UserDatastore>) {
    let app = with_user(store.clone()).await;
    app.login("joe@example.com", "password123").await;
    assert_eq!(
        app.client.get("/protected").dispatch().await.status(),
        Status::Ok
    );
    let user = store
        .find_user(UserQuery::Email("joe@example.com"))
        .await
        .unwrap()
        .unwrap();
    assert!(store.deactivate_user(&user).await.unwrap());
    let (status, _) = app.get_json("/protected").await;
    assert_eq!(status, Status::Unauthorized);
}

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
    logout_ends_the_server_side_session,
    remember_me_cookie_signs_in_alone_and_logout_revokes_it,
    guards_redirect_forbid_and_allow,
    register_creates_an_unconfirmed_user_and_mails,
    register_validation_reports_everything,
    register_duplicate_looks_like_success,
    register_html_redirects_with_flash,
    bad_input_gets_a_clear_4xx,
    deactivated_user_loses_the_session,
);
