//! The starter app served on a free loopback port, with a capturing mailer, for a real browser.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use rocket::Shutdown;
use rocket_security::{CapturingMailer, ManualClock};
use serde_json::{json, Value};

use crate::common::app::{contract_settings, test_rocket, Customise};
use crate::common::{sqlite, TestStore};

/// A running starter on `http://localhost:<port>` (listening on 127.0.0.1).
pub struct Site {
    /// `http://localhost:<port>`, also the configured `server_name` of mailed links.
    pub base: String,
    /// Every mail the site sent.
    pub mailer: Arc<CapturingMailer>,
    /// The site's clock (system time, moved forward where a test needs a new TOTP period).
    pub clock: ManualClock,
    shutdown: Shutdown,
    store: TestStore,
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

/// The acceptance configuration with every page the browser tests visit switched on.
fn settings(base: &str) -> Value {
    let mut settings = contract_settings();
    let more = json!({
        "server_name": base,
        "two_factor": true,
        "unified_signin": true,
        "multi_factor_recovery_codes": true,
        "username_enable": true,
        "change_username": true,
        "username_recovery": true,
        "deletable": true,
        "webauthn": true,
        "confirm_email_within": "1 hour",
        "reset_password_within": "1 hour",
    });
    for (key, value) in more.as_object().unwrap() {
        settings[key] = value.clone();
    }
    settings
}

impl Site {
    /// Serves the starter on a fresh SQLite database.
    pub async fn start(test: &str) -> Site {
        let store = sqlite(test).await.expect("SQLite is always built");
        let port = free_port();
        // localhost rather than 127.0.0.1: passkeys are bound to a host name, never to an
        // IP address.
        let base = format!("http://localhost:{port}");
        let mailer = Arc::new(CapturingMailer::new());
        let clock = ManualClock::new();
        let customise: Customise = Arc::new(|b| b);
        let rocket_settings = json!({"address": "127.0.0.1", "port": port});
        let rocket = test_rocket(
            &store.store,
            &mailer,
            &clock,
            &settings(&base),
            &rocket_settings,
            &customise,
        )
        .ignite()
        .await
        .expect("the starter ignites");
        let shutdown = rocket.shutdown();
        tokio::spawn(rocket.launch());
        let site = Site {
            base,
            mailer,
            clock,
            shutdown,
            store,
        };
        site.wait_until_listening().await;
        site
    }

    async fn wait_until_listening(&self) {
        let address = self.base.replace("http://localhost", "127.0.0.1");
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(&address).await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the starter did not listen on {address}");
    }

    /// The absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The link starting with `base + path` in the newest mail to `to` that has one.
    pub fn link_in_mail(&self, to: &str, path: &str) -> String {
        let prefix = self.url(path);
        self.mailer
            .mails()
            .into_iter()
            .rev()
            .filter(|m| m.to.contains(to))
            .find_map(|m| crate::common::app::link(&m.text, &prefix))
            .unwrap_or_else(|| panic!("no mail to {to} with a link to {prefix}"))
    }

    /// Stops the server and removes its database.
    pub async fn stop(self) {
        self.shutdown.notify();
        self.store.finish().await;
    }
}
