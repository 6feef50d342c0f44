//! Account lockout and the per-client limit, shared by every path that checks a password
//! (`/login`, `/verify`, `/us-signin`, `/us-verify`, `/change` and HTTP Basic).
//!
//! Everything is counted in the datastore, so every instance on one database sees the same
//! counts and locks:
//!
//! - `lockout_failures` wrong passwords for one address within `lockout_within` lock every
//!   password sign-in to it for `lockout_duration`. While locked, the right password gets the
//!   answer of a wrong one, after the same work. The owner gets one mail per lock; unknown
//!   addresses are counted the same way and mail nobody.
//! - `ip_failures` failed sign-ins from one client address within `ip_failures_within` answer
//!   `429 Too Many Requests` with `Retry-After` until the window ends.

use std::fmt;

use chrono::NaiveDateTime;
use rocket::request::Request;
use rocket_dyn_templates::tera::Context;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::datastore::{DatastoreResult, User};
use crate::endpoints::Endpoint;
use crate::error::Error;
use crate::events::SecurityEvent;
use crate::i18n::Message;
use crate::state::Security;

/// The counters kept in the datastore, one key each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum CounterKey {
    /// Wrong passwords for an address (by [`account_id`]).
    LoginFailures(String),
    /// The lock of an address (by [`account_id`]); its window is the lock.
    Locked(String),
    /// Failed sign-ins from a client address.
    IpFailures(String),
    /// Code attempts of a user (second factor, sign-in and set-up codes).
    CodeAttempts(i64),
    /// Uses of one authenticator time step by a user.
    TotpStep(i64, u64),
}

impl fmt::Display for CounterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CounterKey::LoginFailures(account) => write!(f, "login-failures:{account}"),
            CounterKey::Locked(account) => write!(f, "locked:{account}"),
            CounterKey::IpFailures(ip) => write!(f, "ip-failures:{ip}"),
            CounterKey::CodeAttempts(user) => write!(f, "code-attempts:{user}"),
            CounterKey::TotpStep(user, step) => write!(f, "totp-step:{user}:{step}"),
        }
    }
}

/// The account part of a counter key: a digest of the address as typed, trimmed and
/// lower-cased (addresses are compared case-insensitively), so unknown and overlong addresses
/// are counted the same way in a key of fixed length.
pub(crate) fn account_id(identity: &str) -> String {
    let digest = Sha256::digest(identity.trim().to_lowercase().as_bytes());
    hex::encode(&digest[..16])
}

/// Whether a counter read at `now` is still in its window.
fn in_window(
    counter: Option<(i64, NaiveDateTime)>,
    now: NaiveDateTime,
    window: chrono::Duration,
) -> Option<(i64, NaiveDateTime)> {
    counter.filter(|(count, start)| *count > 0 && now - *start <= window)
}

/// The key of the client's `ip_failures` counter, when that limit is on and the client's
/// address is known.
fn client_key(sec: &Security, request: &Request<'_>) -> Option<String> {
    sec.client_ip(request)
        .filter(|_| sec.config().ip_failures > 0)
        .map(|ip| CounterKey::IpFailures(ip).to_string())
}

/// Refuses a client that failed `ip_failures` sign-ins within `ip_failures_within` with
/// [`Error::TooManyRequests`].
pub(crate) async fn client_allowed(sec: &Security, request: &Request<'_>) -> Result<(), Error> {
    let Some(key) = client_key(sec, request) else {
        return Ok(());
    };
    let counter = sec.datastore().read_counter(&key).await?;
    refuse_client_over_limit(sec, request, counter)
}

/// [`client_allowed`] with the client's counter already read.
fn refuse_client_over_limit(
    sec: &Security,
    request: &Request<'_>,
    counter: Option<(i64, NaiveDateTime)>,
) -> Result<(), Error> {
    let config = sec.config();
    let now = sec.now().naive_utc();
    let window = config.ip_failures_within.to_chrono();
    match in_window(counter, now, window) {
        Some((count, start)) if count >= config.ip_failures => {
            let retry_after = (start + window - now).num_seconds().max(1) as u64;
            let error = Error::TooManyRequests { retry_after };
            // For the 429 catcher, when a guard refused.
            crate::error::Failure::record_error(request, &error);
            Err(error)
        }
        _ => Ok(()),
    }
}

/// Counts a failed sign-in of this client towards `ip_failures`.
pub(crate) async fn client_failed(sec: &Security, request: &Request<'_>) -> Result<(), Error> {
    let config = sec.config();
    if let Some(ip) = sec.client_ip(request).filter(|_| config.ip_failures > 0) {
        sec.datastore()
            .hit_counter(
                &CounterKey::IpFailures(ip).to_string(),
                sec.now().naive_utc(),
                config.ip_failures_within.to_chrono(),
            )
            .await?;
    }
    Ok(())
}

/// One password attempt for an address: opened before the password is checked, settled by
/// [`Attempt::succeeded`] or [`Attempt::failed`] after.
pub(crate) struct Attempt {
    identity: String,
    account: String,
    locked: bool,
    /// Whether wrong passwords were being counted for the address when the attempt opened
    /// (a success then starts the count over).
    failures_counted: bool,
}

impl Attempt {
    /// Starts an attempt: refuses a client over its limit, and reads whether the address is
    /// locked. The counters involved are read in one call to the datastore.
    pub async fn open(
        sec: &Security,
        request: &Request<'_>,
        identity: &str,
    ) -> Result<Self, Error> {
        let account = account_id(identity);
        let client = client_key(sec, request);
        let lockout = sec.config().lockout_failures > 0;
        let mut keys: Vec<String> = client.iter().cloned().collect();
        if lockout {
            keys.push(CounterKey::Locked(account.clone()).to_string());
            keys.push(CounterKey::LoginFailures(account.clone()).to_string());
        }
        let mut counters = if keys.is_empty() {
            Vec::new()
        } else {
            sec.datastore().read_counters(&keys).await?
        }
        .into_iter();
        if client.is_some() {
            refuse_client_over_limit(sec, request, counters.next().flatten())?;
        }
        let (mut locked, mut failures_counted) = (false, false);
        if lockout {
            let now = sec.now().naive_utc();
            let lock = counters.next().flatten();
            locked = in_window(lock, now, sec.config().lockout_duration.to_chrono()).is_some();
            failures_counted = counters.next().flatten().is_some();
        }
        Ok(Attempt {
            identity: identity.to_owned(),
            account,
            locked,
            failures_counted,
        })
    }

    /// Checks `password` against `hash` (a user without one still costs one verification).
    /// While the address is locked the answer is `false`, after the same work.
    pub async fn verify(
        &self,
        sec: &Security,
        hash: Option<&str>,
        password: &str,
    ) -> Result<bool, Error> {
        let right = match hash {
            Some(hash) => sec.hasher().verify(password, hash).await?,
            None => {
                sec.hasher().dummy_verify(password).await?;
                false
            }
        };
        Ok(right && !self.locked)
    }

    /// A sign-in succeeded: the count of wrong passwords, if one was kept, starts over.
    pub async fn succeeded(&self, sec: &Security) -> Result<(), Error> {
        if self.failures_counted {
            sec.datastore()
                .reset_counter(&CounterKey::LoginFailures(self.account.clone()).to_string())
                .await?;
        }
        Ok(())
    }

    /// A sign-in failed: counts it for the client and the address, and locks the address when
    /// this failure reaches `lockout_failures` (mailing the owner, if any, once per lock).
    pub async fn failed(
        &self,
        sec: &Security,
        request: &Request<'_>,
        user: Option<&User>,
    ) -> Result<(), Error> {
        let config = sec.config();
        let now = sec.now().naive_utc();
        sec.emit(SecurityEvent::LoginFailed {
            user: user.cloned(),
            identity: self.identity.clone(),
            locked: self.locked,
        });
        client_failed(sec, request).await?;
        if config.lockout_failures <= 0 {
            return Ok(());
        }
        let failures_key = CounterKey::LoginFailures(self.account.clone()).to_string();
        let failures = sec
            .datastore()
            .hit_counter(&failures_key, now, config.lockout_within.to_chrono())
            .await?;
        if failures < config.lockout_failures {
            return Ok(());
        }
        let duration = config.lockout_duration.to_chrono();
        let locks = sec
            .datastore()
            .hit_counter(
                &CounterKey::Locked(self.account.clone()).to_string(),
                now,
                duration,
            )
            .await?;
        sec.datastore().reset_counter(&failures_key).await?;
        if locks == 1 {
            let until = now + duration;
            sec.emit(SecurityEvent::AccountLocked {
                user: user.cloned(),
                identity: self.identity.clone(),
                until,
            });
            if let Some(user) = user {
                mail_owner(sec, user, until);
            }
        }
        Ok(())
    }
}

/// Checks the password of a sign-in to `identity` (whose user, if any, is `user`) and counts
/// the outcome: `Ok(true)` only when the password is right and the address is not locked.
/// A client over its limit gets [`Error::TooManyRequests`].
pub(crate) async fn check_password(
    sec: &Security,
    request: &Request<'_>,
    identity: &str,
    user: Option<&User>,
    password: &str,
) -> Result<bool, Error> {
    let attempt = Attempt::open(sec, request, identity).await?;
    let hash = user.and_then(|u| u.password.as_deref());
    if attempt.verify(sec, hash, password).await? {
        attempt.succeeded(sec).await?;
        Ok(true)
    } else {
        attempt.failed(sec, request, user).await?;
        Ok(false)
    }
}

/// Ends the lock of `email` and forgets its wrong passwords (after a completed reset).
pub(crate) async fn unlock(sec: &Security, email: &str) -> DatastoreResult<()> {
    let account = account_id(email);
    let datastore = sec.datastore();
    datastore
        .reset_counter(&CounterKey::Locked(account.clone()).to_string())
        .await?;
    datastore
        .reset_counter(&CounterKey::LoginFailures(account).to_string())
        .await?;
    Ok(())
}

/// Mails the owner that their account is locked until `until`, in the background so the
/// answer to the attempt takes no longer for a real account than for an unknown address.
fn mail_owner(sec: &Security, user: &User, until: NaiveDateTime) {
    let sec = sec.clone();
    let mut context = Context::new();
    context.insert("user", &json!({"email": user.email}));
    context.insert("until", &until.format("%Y-%m-%d %H:%M UTC").to_string());
    context.insert(
        "reset_link",
        &format!(
            "{}{}",
            sec.site_url(),
            Endpoint::ForgotPassword.path(sec.config())
        ),
    );
    let email = user.email.clone();
    rocket::tokio::spawn(async move {
        if let Err(error) = sec
            .send_security_mail(
                Message::SubjectAccountLocked,
                &email,
                "account_locked",
                &context,
            )
            .await
        {
            tracing::error!(%error, "could not queue the account-locked mail");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_render_distinctly() {
        let account = account_id(" Ada@Example.com ");
        assert_eq!(account, account_id("ada@example.com"));
        assert_ne!(account, account_id("bob@example.com"));
        assert_eq!(account.len(), 32);
        assert_eq!(
            CounterKey::LoginFailures(account.clone()).to_string(),
            format!("login-failures:{account}")
        );
        assert_eq!(
            CounterKey::Locked(account.clone()).to_string(),
            format!("locked:{account}")
        );
        assert_eq!(
            CounterKey::IpFailures("10.0.0.1".into()).to_string(),
            "ip-failures:10.0.0.1"
        );
        assert_eq!(CounterKey::CodeAttempts(7).to_string(), "code-attempts:7");
        assert_eq!(CounterKey::TotpStep(7, 42).to_string(), "totp-step:7:42");
        let long = format!("{}@example.com", "a".repeat(5000));
        assert_eq!(account_id(&long).len(), 32);
    }
}
