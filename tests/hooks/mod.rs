//! Test helpers for races: a password hasher that runs a step of another request right after
//! a password was verified (the moment a sign-in has checked the password but not yet created
//! its session or token).
#![allow(dead_code)]

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use rocket_security::{Argon2Hasher, Argon2Settings, PasswordError, PasswordHasher};

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
