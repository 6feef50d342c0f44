//! Guards when login is disabled, and CORS preflight requests that guards let through.

use super::*;

#[rocket::async_test]
async fn login_disabled_lets_every_guard_pass() {
    let app = app_with(
        Arc::new(MemoryDatastore::new()),
        contract_settings_with(json!({"login_disabled": true})),
        |b| b,
    )
    .await;
    for path in ["/protected", "/admin", "/editor", "/api/token"] {
        let response = app.client.get(path).dispatch().await;
        assert_eq!(response.status(), Status::Ok, "{path} (browser)");
        let response = app.client.get(path).header(Accept::JSON).dispatch().await;
        assert_eq!(response.status(), Status::Ok, "{path} (JSON)");
    }
    // A signed-in user is still who the guard hands out.
    app.user("joe@example.com", "password123", true, true, &[])
        .await;
    app.login("joe@example.com", "password123").await;
    let (status, page) = html(&app.client, "/protected").await;
    assert_eq!(status, Status::Ok);
    assert!(
        page.contains("<p>protected page for joe@example.com</p>"),
        "{page}"
    );
}

// ----- OPTIONS -----

role!(Admin = "admin");

#[get("/protected")]
fn protected(user: AuthUser) -> String {
    format!("protected page for {}", user.email)
}

#[get("/get-only")]
fn get_only(user: AuthUser) -> String {
    user.email.clone()
}

#[options("/protected")]
fn protected_preflight(user: AuthUser) -> String {
    format!("preflight as {:?}", user.email)
}

#[options("/who")]
fn who_preflight(user: CurrentUser) -> String {
    format!("authenticated: {}", user.is_authenticated())
}

#[options("/admin")]
fn admin_preflight(_user: Roles<Admin>) -> Status {
    Status::NoContent
}

#[rocket::async_test]
async fn options_requests_are_not_refused_by_guards() {
    let app = local_app(
        contract_settings(),
        None,
        routes![
            protected,
            get_only,
            protected_preflight,
            who_preflight,
            admin_preflight
        ],
    )
    .await;
    for accept_json in [false, true] {
        let mut request = app.client.req(rocket::http::Method::Options, "/protected");
        if accept_json {
            request = request.header(Accept::JSON);
        }
        let response = request.dispatch().await;
        assert_eq!(response.status(), Status::Ok, "json: {accept_json}");
        assert_eq!(
            response.into_string().await.unwrap(),
            "preflight as \"\"",
            "pre-flight requests carry no credentials: the anonymous user"
        );
    }
    let response = app
        .client
        .req(rocket::http::Method::Options, "/who")
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(
        response.into_string().await.unwrap(),
        "authenticated: false"
    );
    let response = app
        .client
        .req(rocket::http::Method::Options, "/admin")
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::NoContent);
    // Rocket answers OPTIONS only where a route exists: no guard runs, nothing redirects.
    let response = app
        .client
        .req(rocket::http::Method::Options, "/get-only")
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::NotFound);
    assert!(response.headers().get_one("Location").is_none());
    // The GET of the same path is still guarded.
    let (status, location) = redirect_of(&app.client, "/protected").await;
    assert_eq!(status, Status::Found);
    assert_eq!(location, "/login?next=/protected");
}

// ----- url_prefix -----
