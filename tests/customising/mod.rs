//! What an application customises: templates (pages and mail), extra form fields,
//! `login_disabled`, `OPTIONS` requests, `url_prefix`, the base URL of mailed links, and mail
//! through a real SMTP transport.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use crate::common::app::{
    app_configured, app_with, contract_settings, contract_settings_with, csrf_from_html,
    get_json_with, link, login_with, post_json_with, read_json, TestApp,
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

mod guards;
mod pages;
mod urls;

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
