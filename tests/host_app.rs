//! The security layer as a guest in someone else's application: the host's own root catchers,
//! its own `SecurityDb::init()` and its own `Template::fairing()` keep working next to
//! `Security::fairing()`.

use std::sync::Arc;
use std::time::Duration;

use crate::common::app::{app_configured, contract_settings, login_with, read_json};
use rocket::http::{Accept, ContentType, Status};
use rocket::local::asynchronous::Client;
use rocket::{catch, catchers, get, routes, Build, Rocket, State};
use rocket_db_pools::{Connection, Database};
use rocket_dyn_templates::Template;
use rocket_security::{
    role, Argon2Hasher, Argon2Settings, AuthUser, CapturingMailer, MemoryDatastore, NewUser, Roles,
    Security, SecurityBuilder, SecurityDb, UserDatastore, UserQuery,
};
use serde_json::json;

role!(Admin = "admin");

#[catch(404)]
fn app_not_found() -> &'static str {
    "the host's own 404"
}

#[catch(401)]
fn app_unauthorized() -> &'static str {
    "the host's own 401"
}

#[catch(403)]
fn app_forbidden() -> &'static str {
    "the host's own 403"
}

#[get("/protected")]
fn protected(user: AuthUser) -> String {
    user.email.clone()
}

#[get("/admin")]
fn admin(user: Roles<Admin>) -> String {
    user.email.clone()
}

/// A route of the host that answers 401 by itself, for its own reasons.
#[get("/mine")]
fn mine() -> Status {
    Status::Unauthorized
}

fn fast_hasher() -> Arc<Argon2Hasher> {
    Arc::new(
        Argon2Hasher::builder()
            .settings(Argon2Settings {
                memory_kib: 1024,
                iterations: 1,
                parallelism: 1,
            })
            .pepper("pepper-for-tests")
            .workers(1)
            .build()
            .unwrap(),
    )
}

fn figment() -> rocket::figment::Figment {
    use base64::Engine;
    let key: Vec<u8> = (0..64).map(|_| rand::random::<u8>()).collect();
    rocket::Config::figment()
        .merge((
            "secret_key",
            base64::engine::general_purpose::STANDARD.encode(key),
        ))
        .merge(("log_level", "critical"))
        .merge(("template_dir", "tests/no-such-dir"))
        .merge(("security.password_salt", "pepper-for-tests"))
}

fn builder() -> SecurityBuilder {
    Security::builder()
        .mailer(Arc::new(CapturingMailer::new()))
        .password_hasher(fast_hasher())
}

async fn host_with_catchers(store: Arc<MemoryDatastore>) -> Client {
    let rocket = rocket::custom(figment())
        .register(
            "/",
            catchers![app_not_found, app_unauthorized, app_forbidden],
        )
        .attach(builder().datastore(store).fairing())
        .mount("/", routes![protected, admin, mine]);
    Client::tracked(rocket)
        .await
        .expect("the host app launches")
}

async fn sign_in(client: &Client, email: &str) {
    login_with(client, email, "password123", "").await;
}

async fn make_user(store: &dyn UserDatastore, email: &str) {
    let hash = fast_hasher();
    let password = rocket_security::PasswordHasher::hash(&*hash, "password123")
        .await
        .unwrap();
    store
        .create_user(NewUser {
            email: email.into(),
            password: Some(password),
            active: true,
            confirmed_at: Some(chrono::Utc::now().naive_utc()),
            ..NewUser::default()
        })
        .await
        .unwrap();
}

#[rocket::async_test]
async fn host_root_catchers_launch_and_stay_the_hosts() {
    let store = Arc::new(MemoryDatastore::new());
    let client = host_with_catchers(store.clone()).await;

    // The host's own errors get the host's own answers.
    let response = client.get("/no-such-page").dispatch().await;
    assert_eq!(response.status(), Status::NotFound);
    assert_eq!(response.into_string().await.unwrap(), "the host's own 404");
    let response = client.get("/mine").dispatch().await;
    assert_eq!(response.status(), Status::Unauthorized);
    assert_eq!(response.into_string().await.unwrap(), "the host's own 401");

    // A guard of the security layer still answers the security layer's way: a browser goes
    // to the login page, a JSON client gets the envelope.
    let response = client.get("/protected").dispatch().await;
    assert_eq!(response.status(), Status::Found);
    assert_eq!(
        response.headers().get_one("Location"),
        Some("/login?next=/protected")
    );
    let response = client
        .get("/protected")
        .header(Accept::JSON)
        .dispatch()
        .await;
    let (status, body) = read_json(response).await;
    assert_eq!(status, Status::Unauthorized);
    assert_eq!(body["meta"]["code"], 401);
    assert_eq!(
        body["response"]["errors"][0],
        "You must sign in to view this resource."
    );

    // A malformed body on a security route is explained in the envelope.
    let response = client
        .post("/login")
        .header(ContentType::JSON)
        .header(Accept::JSON)
        .body("{not json")
        .dispatch()
        .await;
    let (status, body) = read_json(response).await;
    assert_eq!(status, Status::BadRequest);
    assert!(
        body["response"]["errors"][0]
            .as_str()
            .unwrap()
            .contains("not valid JSON"),
        "{body}"
    );
}

#[rocket::async_test]
async fn a_missing_role_answers_json_in_the_envelope_and_browsers_with_the_hosts_403() {
    let store = Arc::new(MemoryDatastore::new());
    make_user(&*store, "joe@example.com").await;
    let client = host_with_catchers(store.clone()).await;
    sign_in(&client, "joe@example.com").await;

    let response = client.get("/admin").header(Accept::JSON).dispatch().await;
    let (status, body) = read_json(response).await;
    assert_eq!(status, Status::Forbidden);
    assert_eq!(body["meta"]["code"], 403);

    let response = client.get("/admin").dispatch().await;
    assert_eq!(response.status(), Status::Forbidden);
    assert_eq!(response.into_string().await.unwrap(), "the host's own 403");
}

#[rocket::async_test]
async fn without_any_catchers_security_failures_still_answer_in_shape() {
    let store = Arc::new(MemoryDatastore::new());
    make_user(&*store, "joe@example.com").await;
    let rocket = rocket::custom(figment())
        .attach(builder().datastore(store).fairing())
        .mount("/", routes![protected, admin]);
    let client = Client::tracked(rocket).await.unwrap();
    let response = client.get("/protected").dispatch().await;
    assert_eq!(response.status(), Status::Found);
    sign_in(&client, "joe@example.com").await;
    let response = client.get("/admin").dispatch().await;
    assert_eq!(response.status(), Status::Forbidden);
    let html = response.into_string().await.unwrap();
    assert!(
        html.contains("You do not have permission to view this resource."),
        "{html}"
    );
}

#[rocket::async_test]
async fn catchers_under_prefix_answer_below_the_security_routes_only() {
    let store = Arc::new(MemoryDatastore::new());
    let rocket = rocket::custom(figment().merge(("security.url_prefix", "/auth")))
        .attach(builder().datastore(store).catchers_under_prefix().fairing())
        .register("/", catchers![app_not_found]);
    let client = Client::tracked(rocket).await.unwrap();
    let response = client
        .get("/auth/no-such-page")
        .header(Accept::JSON)
        .dispatch()
        .await;
    let (status, body) = read_json(response).await;
    assert_eq!(status, Status::NotFound);
    assert_eq!(body["meta"]["code"], 404);
    let response = client.get("/elsewhere").dispatch().await;
    assert_eq!(response.into_string().await.unwrap(), "the host's own 404");
}

// ----- the host's own SecurityDb -----

/// Holds the only connection of the host's pool and asks the security layer's datastore for
/// a user: with one shared pool the datastore must wait.
#[get("/held")]
async fn held(_connection: Connection<SecurityDb>, security: &State<Security>) -> &'static str {
    let lookup = security.datastore().find_user(UserQuery::Id(1));
    match rocket::tokio::time::timeout(Duration::from_millis(700), lookup).await {
        Err(_) => "one pool",
        Ok(_) => "two pools",
    }
}

#[derive(Clone, Copy, Debug)]
enum Order {
    DbFirst,
    SecurityFirst,
}

fn host_with_db(url: &str, order: Order) -> Rocket<Build> {
    let figment = figment()
        .merge(("databases.security.url", url))
        .merge(("databases.security.max_connections", 1));
    let rocket = rocket::custom(figment);
    let rocket = match order {
        Order::DbFirst => rocket
            .attach(SecurityDb::init())
            .attach(builder().fairing()),
        Order::SecurityFirst => rocket
            .attach(builder().fairing())
            .attach(SecurityDb::init()),
    };
    rocket.mount("/", routes![held])
}

async fn security_db_init_in_either_order_shares_one_pool(url: &str) {
    for order in [Order::DbFirst, Order::SecurityFirst] {
        let client = Client::tracked(host_with_db(url, order))
            .await
            .unwrap_or_else(|e| panic!("{order:?}: the host app launches: {e}"));
        let response = client.get("/held").dispatch().await;
        assert_eq!(
            response.into_string().await.as_deref(),
            Some("one pool"),
            "{order:?}"
        );
        // The security routes work on it: the login page answers JSON.
        let response = client.get("/login").header(Accept::JSON).dispatch().await;
        assert_eq!(response.status(), Status::Ok, "{order:?}");
    }
}

per_backend!(databases: security_db_init_in_either_order_shares_one_pool);

// ----- the host's own templates -----

#[get("/hello")]
fn hello() -> Template {
    Template::render("hello", json!({ "name": "host" }))
}

#[rocket::async_test]
async fn host_templates_render_beside_the_security_pages() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("hello.html.tera"),
        "<p>Hello from the {{ name }}</p>",
    )
    .unwrap();
    let store = Arc::new(MemoryDatastore::new());
    let figment = figment().merge(("template_dir", dir.path().display().to_string()));
    let rocket = rocket::custom(figment)
        .attach(Template::fairing())
        .attach(builder().datastore(store).fairing())
        .mount("/", routes![hello]);
    let client = Client::tracked(rocket).await.expect("both fairings launch");
    let response = client.get("/hello").dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(
        response.into_string().await.unwrap(),
        "<p>Hello from the host</p>"
    );
    let response = client.get("/login").dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    let html = response.into_string().await.unwrap();
    assert!(
        html.contains("name=\"email\"") && html.contains("type=\"password\""),
        "{html}"
    );
}

/// The starter (the test app): its own pages are `Page`s from the one `templates/` folder,
/// beside a security page replaced from that same folder.
#[rocket::async_test]
async fn starter_pages_render_beside_a_replaced_security_page() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("security")).unwrap();
    std::fs::write(
        dir.path().join("security/login_user.html.tera"),
        r#"{% extends "security/_layout" %}{% block content %}CUSTOM LOGIN{% endblock %}"#,
    )
    .unwrap();
    let store = Arc::new(MemoryDatastore::new());
    let app = app_configured(
        store,
        contract_settings(),
        json!({"template_dir": dir.path()}),
        |b| b,
    )
    .await;
    let response = app.client.get("/").dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    let home = response.into_string().await.unwrap();
    assert!(
        home.contains("<h1>rocket_security starter</h1>") && home.contains("Sign in"),
        "{home}"
    );
    let response = app.client.get("/login").dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    let login = response.into_string().await.unwrap();
    assert!(login.contains("CUSTOM LOGIN"), "{login}");
    app.user("joe@example.com", "password123", true, true, &[])
        .await;
    app.login("joe@example.com", "password123").await;
    let response = app.client.get("/account").dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    let account = response.into_string().await.unwrap();
    assert!(
        account.contains("<h1>Your account</h1>") && account.contains("joe@example.com"),
        "{account}"
    );
}

/// The starter's own account page writes the sign-in time the way the visitor's language does,
/// through the `local_datetime` filter of the security layer's template engine.
#[rocket::async_test]
async fn starter_account_page_writes_dates_in_the_visitors_language() {
    let store: Arc<dyn UserDatastore> = Arc::new(MemoryDatastore::new());
    let app = app_configured(store.clone(), contract_settings(), json!({}), |b| b).await;
    app.user("joe@example.com", "password123", true, true, &[])
        .await;
    app.login("joe@example.com", "password123").await;
    let at = store
        .find_user(UserQuery::Email("joe@example.com"))
        .await
        .unwrap()
        .and_then(|user| user.current_login_at)
        .expect("the sign-in is recorded");
    for (lang, written) in [
        ("en", at.format("%Y-%m-%d %H:%M UTC").to_string()),
        ("de", at.format("%d.%m.%Y, %H:%M UTC").to_string()),
    ] {
        let response = app
            .client
            .get("/account")
            .header(rocket::http::Header::new("Accept-Language", lang))
            .dispatch()
            .await;
        assert_eq!(response.status(), Status::Ok);
        let page = response.into_string().await.unwrap();
        assert!(
            page.contains(&format!("<dd>{written} from ")),
            "{lang}: {page}"
        );
    }
}
