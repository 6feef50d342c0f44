//! Test helpers for races: a password hasher that runs a step of another request right after
//! a password was verified (the moment a sign-in has checked the password but not yet created
//! its session or token), and the two-factor set-up the scenarios start from.
#![allow(dead_code)]

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use rocket::http::Status;
use rocket_security::{Argon2Hasher, Argon2Settings, PasswordError, PasswordHasher};
use serde_json::json;

use crate::common::app::TestApp;

type Step = Pin<Box<dyn Future<Output = ()> + Send>>;

/// The test app's Argon2 hasher, with a step to run after the next successful verification.
#[derive(Clone)]
pub struct HookedHasher {
    inner: Arc<Argon2Hasher>,
    step: Arc<Mutex<Option<Step>>>,
    outdated: bool,
}

impl HookedHasher {
    /// Hashes like the test app.
    pub fn new() -> Self {
        let inner = Argon2Hasher::builder()
            .settings(Argon2Settings {
                memory_kib: 1024,
                iterations: 1,
                parallelism: 1,
            })
            .pepper("pepper-for-tests")
            .workers(2)
            .build()
            .unwrap();
        HookedHasher {
            inner: Arc::new(inner),
            step: Arc::new(Mutex::new(None)),
            outdated: false,
        }
    }

    /// Like [`HookedHasher::new`], but every stored hash counts as outdated, so each sign-in
    /// upgrades it.
    pub fn outdated() -> Self {
        HookedHasher {
            outdated: true,
            ..HookedHasher::new()
        }
    }

    /// Runs `step` (to its end) right after the next password that verifies.
    pub fn after_next_verify(&self, step: impl Future<Output = ()> + Send + 'static) {
        *self.step.lock().unwrap() = Some(Box::pin(step));
    }
}

#[rocket::async_trait]
impl PasswordHasher for HookedHasher {
    async fn hash(&self, password: &str) -> Result<String, PasswordError> {
        self.inner.hash(password).await
    }

    async fn verify(&self, password: &str, hash: &str) -> Result<bool, PasswordError> {
        let verified = self.inner.verify(password, hash).await?;
        let step = if verified {
            self.step.lock().unwrap().take()
        } else {
            None
        };
        if let Some(step) = step {
            step.await;
        }
        Ok(verified)
    }

    fn needs_update(&self, hash: &str) -> bool {
        self.outdated || self.inner.needs_update(hash)
    }
}

/// The six-digit code in a mail.
pub fn six_digits(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap_or_else(|| panic!("no code in {text}"))
        .to_owned()
}

/// The authenticator code of a base32 secret at the app's current time.
pub fn authenticator_code(app: &TestApp, b32: &str) -> String {
    use rocket_security::Clock;
    let secret = totp_rs::Secret::Encoded(b32.to_owned()).to_bytes().unwrap();
    let totp = totp_rs::TOTP::new_unchecked(
        totp_rs::Algorithm::SHA1,
        6,
        0,
        30,
        secret,
        None,
        String::new(),
    );
    totp.generate(app.clock.now().timestamp() as u64)
}

/// Sets up the authenticator for the signed-in user of `app.client`; returns its secret.
pub async fn set_up_authenticator(app: &TestApp) -> String {
    let (status, body) = app
        .post("/tf-setup", json!({"setup": "authenticator"}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let b32 = body["response"]["tf_authr_b32key"]
        .as_str()
        .unwrap()
        .to_owned();
    let state = body["response"]["tf_state_token"].as_str().unwrap();
    let code = authenticator_code(app, &b32);
    let (status, body) = app
        .post(&format!("/tf-setup/{state}"), json!({"code": code}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    b32
}
