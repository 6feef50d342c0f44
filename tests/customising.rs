//! What an application customises: templates (pages and mail), extra form fields,
//! `login_disabled`, `OPTIONS` requests, `url_prefix`, the base URL of mailed links, and mail
//! through a real SMTP transport.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::common::app::{
    app_configured, app_with, contract_settings, csrf_from_html, get_json_with, link, login_with,
    post_json_with, read_json, TestApp,
};
use crate::common::smtp_sink::SmtpSink;
use rocket::http::{Accept, ContentType, Header, Status};
use rocket::local::asynchronous::Client;
use rocket::{get, options, routes};
use rocket_security::{
    role, Argon2Hasher, Argon2Settings, AuthUser, CapturingMailer, CurrentUser, FormField,
    FormKind, MailConfig, Mailer, MemoryDatastore, NewUser, Page, PageContext, Roles, Security,
    SmtpMailer, UserDatastore, UserQuery, UserStore,
};
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(10);

/// A template folder holding `files` (path under the folder, content).
fn template_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, content) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    dir
}

fn settings_with(extra: Value) -> Value {
    let mut settings = contract_settings();
    settings
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    settings
}

async fn html(client: &Client, path: &str) -> (Status, String) {
    let response = client.get(path).dispatch().await;
    let status = response.status();
    (status, response.into_string().await.unwrap_or_default())
}

async fn redirect_of(client: &Client, path: &str) -> (Status, String) {
    let response = client.get(path).dispatch().await;
    let location = response
        .headers()
        .get_one("Location")
        .unwrap_or_default()
        .to_owned();
    (response.status(), location)
}

fn register_amy() -> Value {
    json!({
        "email": "amy@example.com",
        "password": "password123",
        "password_confirm": "password123",
    })
}

// ----- templates -----

#[rocket::async_test]
async fn a_template_file_replaces_the_default_page_of_the_same_name() {
    let dir = template_dir(&[(
        "security/login_user.html.tera",
        r#"{% extends "security/_layout" %}{% block content %}CUSTOM LOGIN {{ csrf_token }}{% endblock %}"#,
    )]);
    let app = app_configured(
        Arc::new(MemoryDatastore::new()),
        contract_settings(),
        json!({"template_dir": dir.path()}),
        |b| b,
    )
    .await;
    let (status, page) = html(&app.client, "/login").await;
    assert_eq!(status, Status::Ok);
    let token = page
        .split("CUSTOM LOGIN ")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_else(|| panic!("the custom page is not served: {page}"));
    assert!(
        token.trim().len() > 20,
        "the context is the real one: {token:?}"
    );
    assert!(
        page.contains("<!DOCTYPE html>") && page.contains("security.css"),
        "the custom page extends the default layout: {page}"
    );
    assert!(!page.contains("name=\"password\""), "{page}");
    // Other pages keep their defaults, and JSON is unaffected.
    let (status, register) = html(&app.client, "/register").await;
    assert_eq!(status, Status::Ok);
    assert!(!register.contains("CUSTOM LOGIN"));
    assert!(register.contains("name=\"password_confirm\""), "{register}");
    let (status, body) = app.get_json("/login").await;
    assert_eq!(status, Status::Ok);
    assert!(body["response"]["csrf_token"].is_string());
}

#[rocket::async_test]
async fn a_mail_template_file_replaces_the_default_mail_text() {
    let dir = template_dir(&[(
        "security/email/welcome.txt.tera",
        "Hello from the custom template, {{ user.email }}. Confirm here: {{ confirmation_link }}\n",
    )]);
    let app = app_configured(
        Arc::new(MemoryDatastore::new()),
        contract_settings(),
        json!({"template_dir": dir.path()}),
        |b| b,
    )
    .await;
    let (status, body) = app.post("/register", register_amy()).await;
    assert_eq!(status, Status::Ok, "{body}");
    let mails = app.mailer.wait_for(1, WAIT).await;
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.subject, "Welcome");
    assert!(
        mail.text
            .starts_with("Hello from the custom template, amy@example.com. Confirm here: http://"),
        "{}",
        mail.text
    );
    let confirm = link(&mail.text, "http://").unwrap();
    assert!(confirm.contains("/confirm/"), "{confirm}");
    // The HTML part was not overridden: the default, with the same link.
    assert!(!mail.html.contains("custom template"), "{}", mail.html);
    assert!(mail.html.contains(&confirm), "{}", mail.html);
}

#[get("/app-page")]
fn app_page(page: PageContext) -> Page {
    Page::render("app_page", page.with(json!({"title": "Application page"})))
}

#[rocket::async_test]
async fn application_pages_render_with_page_and_the_security_layout() {
    let dir = template_dir(&[(
        "app_page.html.tera",
        r#"{% extends "security/_layout" %}
{% block title %}{{ title }}{% endblock %}
{% block content %}<p id="greeting">Hello {% if current_user %}{{ current_user.email }}{% else %}stranger{% endif %}</p>{% endblock %}"#,
    )]);
    let app = local_app(contract_settings(), Some(dir.path()), routes![app_page]).await;
    let (status, page) = html(&app.client, "/app-page").await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("<title>Application page</title>"), "{page}");
    assert!(
        page.contains("<p id=\"greeting\">Hello stranger</p>"),
        "{page}"
    );
    assert!(
        page.contains("href=\"/login\">Sign in</a>"),
        "layout header: {page}"
    );
    app.user("joe@example.com").await;
    login_with(&app.client, "joe@example.com", "password123", "").await;
    let (_, page) = html(&app.client, "/app-page").await;
    assert!(
        page.contains("<p id=\"greeting\">Hello joe@example.com</p>"),
        "{page}"
    );
    assert!(page.contains("Sign out"), "{page}");
}

// ----- extra form fields -----

fn with_name_fields(builder: rocket_security::SecurityBuilder) -> rocket_security::SecurityBuilder {
    builder
        .form_field(
            FormKind::Register,
            FormField::text("name", "Name").required(),
        )
        .form_field(
            FormKind::Register,
            FormField::text("nickname", "Nickname").validate(|value| {
                if value.chars().count() < 3 {
                    Err("Nickname must be at least 3 characters".into())
                } else {
                    Ok(())
                }
            }),
        )
}

async fn register_with_extra_fields_json(store: Arc<dyn UserDatastore>) {
    let app = app_with(store.clone(), contract_settings(), with_name_fields).await;

    let (status, body) = app.post("/register", register_amy()).await;
    assert_eq!(status, Status::BadRequest, "{body}");
    assert_eq!(
        body["response"]["field_errors"]["name"],
        json!(["Name not provided"])
    );
    assert!(
        body["response"]["field_errors"].get("nickname").is_none(),
        "{body}"
    );
    assert!(body["response"]["errors"]
        .as_array()
        .unwrap()
        .contains(&json!("Name not provided")));
    assert!(store
        .find_user(UserQuery::Email("amy@example.com"))
        .await
        .unwrap()
        .is_none());

    let mut with_short_nickname = register_amy();
    with_short_nickname["name"] = json!("Amy Pond");
    with_short_nickname["nickname"] = json!("am");
    let (status, body) = app.post("/register", with_short_nickname).await;
    assert_eq!(status, Status::BadRequest, "{body}");
    assert_eq!(
        body["response"]["field_errors"],
        json!({"nickname": ["Nickname must be at least 3 characters"]})
    );

    let mut complete = register_amy();
    complete["name"] = json!("Amy Pond");
    let (status, body) = app.post("/register", complete).await;
    assert_eq!(status, Status::Ok, "{body}");
    let amy = store
        .find_user(UserQuery::Email("amy@example.com"))
        .await
        .unwrap()
        .expect("registered");
    assert_eq!(amy.extra.get("name"), Some(&json!("Amy Pond")));
    assert!(
        amy.extra.get("nickname").is_none(),
        "optional and not given"
    );
}

async fn register_with_extra_fields_html(store: Arc<dyn UserDatastore>) {
    let app = app_with(store.clone(), contract_settings(), with_name_fields).await;
    let (status, page) = html(&app.client, "/register").await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("<label for=\"name\">Name</label>"), "{page}");
    assert!(
        page.contains("<label for=\"nickname\">Nickname</label>"),
        "{page}"
    );
    let input = page
        .split("id=\"name\"")
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .expect("the name input");
    assert!(input.contains("name=\"name\""), "{input}");
    assert!(input.contains("required"), "{input}");

    let csrf = csrf_from_html(&page);
    let form = |fields: &[(&str, &str)]| {
        fields
            .iter()
            .map(|(k, v)| format!("{k}={}", v.replace(' ', "+").replace('@', "%40")))
            .collect::<Vec<_>>()
            .join("&")
    };
    let response = app
        .client
        .post("/register")
        .header(ContentType::Form)
        .body(form(&[
            ("email", "amy@example.com"),
            ("password", "password123"),
            ("password_confirm", "password123"),
            ("nickname", "am"),
            ("csrf_token", &csrf),
        ]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok, "the form is shown again");
    let page = response.into_string().await.unwrap();
    assert!(page.contains("Name not provided"), "{page}");
    assert!(
        page.contains("Nickname must be at least 3 characters"),
        "{page}"
    );
    assert!(page.contains("value=\"am\""), "the value is kept: {page}");

    let response = app
        .client
        .post("/register")
        .header(ContentType::Form)
        .body(form(&[
            ("email", "amy@example.com"),
            ("password", "password123"),
            ("password_confirm", "password123"),
            ("name", "Amy Pond"),
            ("nickname", "amelia"),
            ("csrf_token", &csrf),
        ]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Found);
    let amy = store
        .find_user(UserQuery::Email("amy@example.com"))
        .await
        .unwrap()
        .expect("registered");
    assert_eq!(amy.extra.get("name"), Some(&json!("Amy Pond")));
    assert_eq!(amy.extra.get("nickname"), Some(&json!("amelia")));
}

// ----- login_disabled -----

#[rocket::async_test]
async fn login_disabled_lets_every_guard_pass() {
    let app = app_with(
        Arc::new(MemoryDatastore::new()),
        settings_with(json!({"login_disabled": true})),
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

async fn url_prefix_moves_every_security_route(store: Arc<dyn UserDatastore>) {
    let app = app_with(
        store.clone(),
        settings_with(json!({"url_prefix": "/auth"})),
        |b| b,
    )
    .await;
    let (status, page) = html(&app.client, "/auth/login").await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("action=\"/auth/login\""), "{page}");
    assert_eq!(html(&app.client, "/auth/register").await.0, Status::Ok);
    assert_eq!(html(&app.client, "/login").await.0, Status::NotFound);
    assert_eq!(html(&app.client, "/register").await.0, Status::NotFound);
    assert_eq!(app.status("/login").await, Status::NotFound);

    // Guards send browsers to the prefixed login page.
    let (status, location) = redirect_of(&app.client, "/protected").await;
    assert_eq!(status, Status::Found);
    assert_eq!(location, "/auth/login?next=/protected");
    let (status, _) = app.get_json("/protected").await;
    assert_eq!(status, Status::Unauthorized);

    // Mailed links carry the prefix, and following one lands on the prefixed login page.
    let (_, body) = get_json_with(&app.client, "/auth/login").await;
    let csrf = body["response"]["csrf_token"].as_str().unwrap().to_owned();
    let (status, body) =
        post_json_with(&app.client, "/auth/register", register_amy(), Some(&csrf)).await;
    assert_eq!(status, Status::Ok, "{body}");
    let mails = app.mailer.wait_for(1, WAIT).await;
    let url = link(&mails[0].text, "http://").expect("a confirmation link");
    let path = format!("/{}", url.splitn(4, '/').nth(3).unwrap());
    assert!(path.starts_with("/auth/confirm/"), "{url}");
    let (status, location) = redirect_of(&app.client, &path).await;
    assert_eq!((status, location.as_str()), (Status::Found, "/auth/login"));
    assert!(store
        .find_user(UserQuery::Email("amy@example.com"))
        .await
        .unwrap()
        .unwrap()
        .is_confirmed());

    // Signing in at the prefixed route opens the application's pages.
    let (status, body) = post_json_with(
        &app.client,
        "/auth/login",
        json!({"email": "amy@example.com", "password": "password123"}),
        Some(&csrf),
    )
    .await;
    assert_eq!(status, Status::Ok, "{body}");
    let (status, _) = html(&app.client, "/protected").await;
    assert_eq!(status, Status::Ok);
}

// ----- links in mail -----

/// Asks for a password reset for joe@example.com with extra `headers`; the link mailed.
async fn reset_link_with(app: &TestApp, headers: &[(&'static str, &'static str)]) -> String {
    let before = app.mails().len();
    let csrf = app.csrf().await;
    let mut request = app
        .client
        .post("/reset")
        .header(ContentType::JSON)
        .header(Accept::JSON)
        .header(Header::new("X-CSRF-Token", csrf))
        .body(json!({"email": "joe@example.com"}).to_string());
    for (name, value) in headers {
        request = request.header(Header::new(*name, *value));
    }
    let (status, body) = read_json(request.dispatch().await).await;
    assert_eq!(status, Status::Ok, "{body}");
    let mails = app.mailer.wait_for(before + 1, WAIT).await;
    let mail = mails.last().unwrap();
    assert_eq!(mail.subject, "Password reset instructions");
    let url = link(&mail.text, "http").expect("a reset link");
    assert!(mail.html.contains(&url), "{}", mail.html);
    url
}

const FORWARDED: [(&str, &str); 3] = [
    ("Host", "good.example.com"),
    ("X-Forwarded-Host", "evil.example.com"),
    ("X-Forwarded-Proto", "https"),
];

#[rocket::async_test]
async fn mail_links_use_server_name_when_set() {
    let app = app_with(
        Arc::new(MemoryDatastore::new()),
        settings_with(json!({"server_name": "https://app.example.com/"})),
        |b| b,
    )
    .await;
    app.user("joe@example.com", "password123", true, true, &[])
        .await;
    let url = reset_link_with(&app, &FORWARDED).await;
    assert!(url.starts_with("https://app.example.com/reset/"), "{url}");
    let url = reset_link_with(&app, &[]).await;
    assert!(url.starts_with("https://app.example.com/reset/"), "{url}");
}

#[rocket::async_test]
async fn mail_links_never_come_from_the_request() {
    // Without `server_name` (a debug build), links go to Rocket's own address and port,
    // whatever `Host` or forwarded headers say, trusted or not.
    for trust in [false, true] {
        let app = app_with(
            Arc::new(MemoryDatastore::new()),
            settings_with(json!({"trust_forwarded_headers": trust})),
            |b| b,
        )
        .await;
        app.user("joe@example.com", "password123", true, true, &[])
            .await;
        for headers in [
            &FORWARDED[..],
            &[("Host", "good.example.com:8443")],
            &[("Host", "evil.example.com/phish?x=")],
        ] {
            let config = app.client.rocket().config();
            let site = format!("http://{}:{}/reset/", config.address, config.port);
            let url = reset_link_with(&app, headers).await;
            assert!(url.starts_with(&site), "{url}");
        }
    }
}

// ----- real SMTP -----

async fn register_and_confirm_through_smtp(store: Arc<dyn UserDatastore>) {
    let sink = SmtpSink::start().await;
    let smtp: Arc<dyn Mailer> = Arc::new(
        SmtpMailer::from_config(&MailConfig {
            url: format!("smtp://127.0.0.1:{}", sink.port()),
            ..MailConfig::default()
        })
        .unwrap(),
    );
    let app = app_configured(store.clone(), contract_settings(), json!({}), move |b| {
        b.mailer(smtp.clone())
    })
    .await;
    let (status, body) = app.post("/register", register_amy()).await;
    assert_eq!(status, Status::Ok, "{body}");

    let mails = sink.wait_for(1, WAIT).await;
    assert_eq!(mails.len(), 1, "the Welcome mail arrives over SMTP");
    let mail = &mails[0];
    assert_eq!(mail.from, "no-reply@fsref.example.com");
    assert_eq!(mail.recipients, ["amy@example.com"]);
    assert!(
        mail.header("From")
            .unwrap()
            .contains("no-reply@fsref.example.com"),
        "{:?}",
        mail.header("From")
    );
    assert_eq!(mail.header("Subject").as_deref(), Some("Welcome"));
    assert!(
        mail.header("Content-Type")
            .unwrap()
            .starts_with("multipart/alternative"),
        "{:?}",
        mail.header("Content-Type")
    );
    let text = mail.text_part().expect("a text/plain part");
    let html = mail.html_part().expect("a text/html part");
    let url = link(&text, "http://").unwrap_or_else(|| panic!("no link in {text}"));
    assert!(
        html.contains(&url),
        "the HTML part has the same link: {html}"
    );
    let path = format!("/{}", url.splitn(4, '/').nth(3).unwrap());
    let token = path
        .strip_prefix("/confirm/")
        .unwrap_or_else(|| panic!("{url}"));
    assert!(token.len() > 10 && !token.contains('?'), "{token}");
    assert!(app.mails().is_empty(), "nothing went to the default mailer");

    let (status, location) = redirect_of(&app.client, &path).await;
    assert_eq!((status, location.as_str()), (Status::Found, "/login"));
    let amy = store
        .find_user(UserQuery::Email("amy@example.com"))
        .await
        .unwrap()
        .unwrap();
    assert!(amy.is_confirmed());
    app.login("amy@example.com", "password123").await;
}

per_backend!(
    stores:
    register_with_extra_fields_json,
    register_with_extra_fields_html,
    url_prefix_moves_every_security_route,
    register_and_confirm_through_smtp,
);

// ----- a test app with routes of its own -----

struct LocalApp {
    client: Client,
    store: Arc<MemoryDatastore>,
}

impl LocalApp {
    async fn user(&self, email: &str) {
        let security = self.client.rocket().state::<Security>().unwrap();
        let hash = security.hasher().hash("password123").await.unwrap();
        self.store
            .create_user(NewUser {
                email: email.into(),
                password: Some(hash),
                active: true,
                confirmed_at: Some(chrono::Utc::now().naive_utc()),
                ..NewUser::default()
            })
            .await
            .unwrap();
    }
}

/// The security layer on a memory store, with the application's `routes` and templates.
async fn local_app(
    settings: Value,
    templates: Option<&Path>,
    routes: Vec<rocket::Route>,
) -> LocalApp {
    use base64::Engine;
    let store = Arc::new(MemoryDatastore::new());
    let key: Vec<u8> = (0..64).map(|_| rand::random::<u8>()).collect();
    let figment = rocket::figment::Figment::from(rocket::Config::debug_default())
        .merge(("log_level", "off"))
        .merge((
            "secret_key",
            base64::engine::general_purpose::STANDARD.encode(key),
        ))
        .merge((
            "template_dir",
            templates.unwrap_or(Path::new("tests/no-such-dir")),
        ))
        .merge(("security", settings));
    let hasher = Argon2Hasher::builder()
        .settings(Argon2Settings {
            memory_kib: 1024,
            iterations: 1,
            parallelism: 1,
        })
        .pepper("pepper-for-tests")
        .workers(1)
        .build()
        .unwrap();
    let rocket = rocket::custom(figment)
        .attach(
            Security::builder()
                .datastore(store.clone())
                .mailer(Arc::new(CapturingMailer::new()))
                .password_hasher(Arc::new(hasher))
                .fairing(),
        )
        .mount("/", routes);
    LocalApp {
        client: Client::tracked(rocket).await.expect("launches"),
        store,
    }
}
