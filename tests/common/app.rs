//! A test application: the starter's own app (its routes and the security layer, included from
//! `examples/starter` rather than copied) on a chosen datastore, with a
//! capturing mailer, fast password hashing, and two more API routes of its own.

#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;

use rocket::http::{Accept, ContentType, Cookie, Header, Status};
use rocket::local::asynchronous::{Client, LocalResponse};
use rocket::serde::json::Json;
use rocket::{get, routes};
use rocket_security::mechanism::{Basic, Session, Token};
use rocket_security::{
    realm, Argon2Hasher, Argon2Settings, AuthRequired, BasicAuth, CapturingMailer, Mail,
    ManualClock, NewUser, Security, SecurityBuilder, UserDatastore,
};
use serde_json::{json, Value};

#[path = "../../examples/starter/routes.rs"]
mod routes;

#[path = "../../examples/starter/app.rs"]
mod starter;

realm!(ApiRealm = "API");

/// HTTP Basic in a realm of its own.
#[get("/api/realm")]
fn api_realm(user: BasicAuth<ApiRealm>) -> Json<Value> {
    Json(json!({"email": user.email, "via": "basic"}))
}

/// Any mechanism, HTTP Basic included.
#[get("/api/report")]
fn api_report(user: AuthRequired<(Session, Token, Basic)>) -> Json<Value> {
    Json(json!({"email": user.email, "via": format!("{:?}", user.method())}))
}

/// A running test application.
pub struct TestApp {
    pub client: Client,
    pub store: Arc<dyn UserDatastore>,
    pub mailer: Arc<CapturingMailer>,
    pub clock: ManualClock,
    settings: Value,
    rocket_settings: Value,
    customise: Customise,
    /// The template folder made for this app, when the test gave one of its own.
    templates: Option<Arc<tempfile::TempDir>>,
}

/// Changes made to the builder of a test app.
pub type Customise = Arc<dyn Fn(SecurityBuilder) -> SecurityBuilder + Send + Sync>;

/// The acceptance configuration with the keys of `extra` (a JSON object) added or replaced.
pub fn contract_settings_with(extra: Value) -> Value {
    let mut settings = contract_settings();
    settings
        .as_object_mut()
        .expect("the contract settings are an object")
        .extend(
            extra
                .as_object()
                .expect("extra settings are an object")
                .clone(),
        );
    settings
}

/// Settings of the acceptance configuration (CONTRACT C0), as figment pairs.
pub fn contract_settings() -> Value {
    json!({
        "registerable": true,
        "confirmable": true,
        "recoverable": true,
        "changeable": true,
        "change_email": true,
        "trackable": true,
        "return_generic_responses": true,
        "password_length_min": 8,
        "login_without_confirmation": false,
        "confirm_email_within": "10 seconds",
        "reset_password_within": "10 seconds",
        "change_email_within": "2 hours",
        "email_sender": "no-reply@fsref.example.com",
        "password_salt": "pepper-for-tests",
    })
}

pub async fn app(store: Arc<dyn UserDatastore>) -> TestApp {
    app_with(store, contract_settings(), |b| b).await
}

pub async fn app_with(
    store: Arc<dyn UserDatastore>,
    settings: Value,
    customise: impl Fn(SecurityBuilder) -> SecurityBuilder + Send + Sync + 'static,
) -> TestApp {
    app_configured(store, settings, json!({}), customise).await
}

/// Like [`app_with`], with Rocket settings (for example `template_dir`) merged over the test
/// app's own.
pub async fn app_configured(
    store: Arc<dyn UserDatastore>,
    settings: Value,
    rocket_settings: Value,
    customise: impl Fn(SecurityBuilder) -> SecurityBuilder + Send + Sync + 'static,
) -> TestApp {
    let mailer = Arc::new(CapturingMailer::new());
    let clock = ManualClock::new();
    let customise: Customise = Arc::new(customise);
    let mut rocket_settings = rocket_settings;
    let templates = rocket_settings
        .get("template_dir")
        .and_then(Value::as_str)
        .map(|dir| Arc::new(template_folder(Path::new(dir))));
    if let Some(folder) = &templates {
        rocket_settings["template_dir"] = json!(folder.path());
    }
    let client = client(
        &store,
        &mailer,
        &clock,
        &settings,
        &rocket_settings,
        &customise,
    )
    .await;
    TestApp {
        client,
        store,
        mailer,
        clock,
        settings,
        rocket_settings,
        customise,
        templates,
    }
}

/// The starter's template folder, which the test app renders from.
pub const STARTER_TEMPLATES: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/examples/starter/templates");

/// A folder holding the starter's templates with the files of `overrides` over them, as an
/// application's one `templates/` folder would.
fn template_folder(overrides: &Path) -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("template folder");
        for entry in std::fs::read_dir(from)
            .expect("read a template folder")
            .flatten()
        {
            let target = to.join(entry.file_name());
            if entry.path().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).expect("copy a template");
            }
        }
    }
    let folder = tempfile::tempdir().expect("temporary directory");
    copy(Path::new(STARTER_TEMPLATES), folder.path());
    copy(overrides, folder.path());
    folder
}

/// A random secret key, so no published key is ever used.
fn secret_key() -> String {
    use base64::Engine;
    let bytes: Vec<u8> = (0..64).map(|_| rand::random::<u8>()).collect();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

async fn client(
    store: &Arc<dyn UserDatastore>,
    mailer: &Arc<CapturingMailer>,
    clock: &ManualClock,
    settings: &Value,
    rocket_settings: &Value,
    customise: &Customise,
) -> Client {
    let rocket = test_rocket(store, mailer, clock, settings, rocket_settings, customise);
    Client::tracked(rocket)
        .await
        .expect("the test app launches")
}

/// The test application before launch: the starter on `store`, mailing into `mailer`, with
/// fast password hashing; `rocket_settings` (address, port, template_dir...) override Rocket's.
pub fn test_rocket(
    store: &Arc<dyn UserDatastore>,
    mailer: &Arc<CapturingMailer>,
    clock: &ManualClock,
    settings: &Value,
    rocket_settings: &Value,
    customise: &Customise,
) -> rocket::Rocket<rocket::Build> {
    static KEY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let (store, mailer, clock, settings) = (
        store.clone(),
        mailer.clone(),
        clock.clone(),
        settings.clone(),
    );
    let hasher = Arc::new(
        Argon2Hasher::builder()
            .settings(Argon2Settings {
                memory_kib: 1024,
                iterations: 1,
                parallelism: 1,
            })
            .pepper("pepper-for-tests")
            .workers(2)
            .build()
            .unwrap(),
    );
    let figment = rocket::Config::figment()
        .merge(("secret_key", KEY.get_or_init(secret_key).clone()))
        .merge(("log_level", "critical"))
        .merge(("template_dir", STARTER_TEMPLATES))
        .merge(("security", settings))
        .merge(rocket::figment::providers::Serialized::globals(
            rocket_settings.clone(),
        ));
    let builder = customise(
        Security::builder()
            .datastore(store.clone())
            .mailer(mailer.clone())
            .password_hasher(hasher)
            .clock(Arc::new(clock.clone())),
    );
    starter::assemble(rocket::custom(figment), builder.fairing())
        .mount("/", routes![api_realm, api_report])
}

impl TestApp {
    /// Another browser: a client with no cookies, on another instance of the same app (same
    /// datastore, mailer and clock), as behind a load balancer.
    pub async fn browser(&self) -> Client {
        client(
            &self.store,
            &self.mailer,
            &self.clock,
            &self.settings,
            &self.rocket_settings,
            &self.customise,
        )
        .await
    }

    /// Creates a user directly in the store.
    pub async fn user(
        &self,
        email: &str,
        password: &str,
        confirmed: bool,
        active: bool,
        roles: &[&str],
    ) {
        let security = self.client.rocket().state::<Security>().unwrap();
        let hash = security.hasher().hash(password).await.unwrap();
        self.store
            .create_user(NewUser {
                email: email.into(),
                password: Some(hash),
                active,
                confirmed_at: confirmed.then(|| chrono::Utc::now().naive_utc()),
                roles: roles.iter().map(|r| r.to_string()).collect(),
                ..NewUser::default()
            })
            .await
            .unwrap();
    }

    /// GET in JSON mode.
    pub async fn get_json(&self, path: &str) -> (Status, Value) {
        get_json_with(&self.client, path).await
    }

    /// The status of a GET in JSON mode (for pages whose body is not JSON).
    pub async fn status(&self, path: &str) -> Status {
        self.client
            .get(path)
            .header(Accept::JSON)
            .dispatch()
            .await
            .status()
    }

    /// A fresh CSRF token from `GET /login` (JSON).
    pub async fn csrf(&self) -> String {
        csrf_with(&self.client).await
    }

    /// POST JSON with a CSRF header.
    pub async fn post_json(&self, path: &str, body: Value, csrf: Option<&str>) -> (Status, Value) {
        post_json_with(&self.client, path, body, csrf).await
    }

    /// POST JSON, fetching a CSRF token first.
    pub async fn post(&self, path: &str, body: Value) -> (Status, Value) {
        let csrf = self.csrf().await;
        self.post_json(path, body, Some(&csrf)).await
    }

    /// Signs in through `POST /login` (JSON) and asserts success.
    pub async fn login(&self, email: &str, password: &str) -> Value {
        let (status, body) = self
            .post("/login", json!({"email": email, "password": password}))
            .await;
        assert_eq!(status, Status::Ok, "login failed: {body}");
        body
    }

    /// Mails sent so far.
    pub fn mails(&self) -> Vec<Mail> {
        self.mailer.mails()
    }

    /// The session cookie currently held by the client.
    pub fn session_cookie(&self) -> Option<Cookie<'static>> {
        self.client.cookies().get("session").cloned()
    }
}

/// GET in JSON mode from any client.
pub async fn get_json_with(client: &Client, path: &str) -> (Status, Value) {
    let response = client
        .get(path)
        .header(ContentType::JSON)
        .header(Accept::JSON)
        .dispatch()
        .await;
    read_json(response).await
}

/// A fresh CSRF token for any client, from `GET /login` (JSON).
pub async fn csrf_with(client: &Client) -> String {
    let (status, body) = get_json_with(client, "/login").await;
    assert_eq!(status, Status::Ok, "{body}");
    body["response"]["csrf_token"]
        .as_str()
        .expect("a csrf_token")
        .to_owned()
}

/// POST JSON with a CSRF header from any client.
pub async fn post_json_with(
    client: &Client,
    path: &str,
    body: Value,
    csrf: Option<&str>,
) -> (Status, Value) {
    match csrf {
        Some(token) => post_json_headers(client, path, body, &[("X-CSRF-Token", token)]).await,
        None => post_json_headers(client, path, body, &[]).await,
    }
}

/// POST JSON from any client with extra `headers` (`X-CSRF-Token`, `User-Agent`, `Host`...).
pub async fn post_json_headers(
    client: &Client,
    path: &str,
    body: Value,
    headers: &[(&str, &str)],
) -> (Status, Value) {
    let mut request = client
        .post(path.to_owned())
        .header(ContentType::JSON)
        .header(Accept::JSON)
        .body(body.to_string());
    for (name, value) in headers {
        request = request.header(Header::new(name.to_string(), value.to_string()));
    }
    read_json(request.dispatch().await).await
}

/// Signs in from any client (JSON, fetching a CSRF token first); returns the response body.
pub async fn login_with(client: &Client, email: &str, password: &str, query: &str) -> Value {
    let csrf = csrf_with(client).await;
    let (status, body) = post_json_with(
        client,
        &format!("/login{query}"),
        serde_json::json!({"email": email, "password": password}),
        Some(&csrf),
    )
    .await;
    assert_eq!(status, Status::Ok, "login failed: {body}");
    body
}

/// POST /login (JSON) from any client and return the body, whatever the status.
pub async fn login_with_status(client: &Client, email: &str, password: &str) -> Value {
    let csrf = csrf_with(client).await;
    post_json_with(
        client,
        "/login",
        serde_json::json!({"email": email, "password": password}),
        Some(&csrf),
    )
    .await
    .1
}

pub async fn read_json(response: LocalResponse<'_>) -> (Status, Value) {
    let status = response.status();
    let text = response.into_string().await.unwrap_or_default();
    let value =
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
    (status, value)
}

/// The hidden CSRF token of a rendered form.
pub fn csrf_from_html(html: &str) -> String {
    let at = html
        .find("name=\"csrf_token\"")
        .expect("page has a csrf_token field");
    let rest = &html[at..];
    let value = rest.find("value=\"").expect("csrf field has a value") + 7;
    let end = rest[value..].find('"').unwrap();
    rest[value..value + end].to_owned()
}

/// Does with a form what a browser does: GETs `page`, reads the form's CSRF token and POSTs
/// `fields` (plus the token) url-encoded to `action`.
pub async fn submit_form<'c>(
    client: &'c Client,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> LocalResponse<'c> {
    let html = client
        .get(page.to_owned())
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap_or_default();
    let token = csrf_from_html(&html);
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields.iter().copied())
        .append_pair("csrf_token", &token)
        .finish();
    client
        .post(action.to_owned())
        .header(ContentType::Form)
        .body(body)
        .dispatch()
        .await
}

/// Signs in through the HTML login form, as a browser does.
pub async fn form_login<'c>(client: &'c Client, email: &str, password: &str) -> LocalResponse<'c> {
    submit_form(
        client,
        "/login",
        "/login",
        &[("email", email), ("password", password)],
    )
    .await
}

/// First link in `text` starting with `prefix`.
pub fn link(text: &str, prefix: &str) -> Option<String> {
    let start = text.find(prefix)?;
    let rest = &text[start..];
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '\'')
        .unwrap_or(rest.len());
    Some(rest[..end].to_owned())
}

/// One instance of the test app opening the database at `url` itself (as a deployed instance
/// does, with its short-lived cache of guarded reads), with `settings` over the acceptance
/// configuration; several share one database as instances behind a load balancer.
pub async fn instance_on(url: &str, settings: Value) -> Client {
    let mut security = contract_settings();
    if let (Some(all), Value::Object(extra)) = (security.as_object_mut(), settings) {
        all.extend(extra);
    }
    let hasher = Arc::new(
        Argon2Hasher::builder()
            .settings(Argon2Settings {
                memory_kib: 1024,
                iterations: 1,
                parallelism: 1,
            })
            .pepper("pepper-for-tests")
            .build()
            .unwrap(),
    );
    static KEY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let figment = rocket::Config::figment()
        .merge(("secret_key", KEY.get_or_init(secret_key).clone()))
        .merge(("log_level", "critical"))
        .merge(("template_dir", STARTER_TEMPLATES))
        .merge(("databases.security.url", url))
        .merge(("security", security));
    let builder = Security::builder()
        .mailer(Arc::new(CapturingMailer::new()))
        .password_hasher(hasher);
    let rocket = starter::assemble(rocket::custom(figment), builder.fairing());
    Client::tracked(rocket)
        .await
        .expect("the test app launches")
}
