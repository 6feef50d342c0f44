//! The devices a user is signed in on: their sessions and remember-me tokens as the sessions
//! page and the command line show them, and the ways to end them (one, all others, all) or to
//! take every sign-in method away (`reset_access`).
//!
//! A device is shown under a public id derived from the stored hash of its cookie secret, never
//! the hash itself (which is the lookup key of the cookie), and an id is only ever resolved
//! among the sessions of the user asking.

use chrono::NaiveDateTime;
use serde_json::{json, Value};

use crate::activity::iso;
use crate::datastore::random_uniquifier;
use crate::datastore::{DatastoreResult, SessionKind, SessionRecord, User};
use crate::events::SecurityEvent;
use crate::session::REMEMBER_LINK;
use crate::state::Security;
use crate::token::{constant_time_eq, sha256_hex};

/// One signed-in device of a user.
#[derive(Clone, Debug)]
pub(crate) struct Device {
    /// Public id: a hash of the stored hash, useless as a cookie.
    pub id: String,
    /// Whether this is the session (or remember-me token) of the request asking.
    pub current: bool,
    /// Client address when the session started.
    pub ip: Option<String>,
    /// The `User-Agent` header when the session started.
    pub user_agent: Option<String>,
    /// Browser and system, from the user agent.
    pub device: String,
    /// When the session started (UTC).
    pub created_at: NaiveDateTime,
    /// When the session was last used (UTC).
    pub last_seen_at: NaiveDateTime,
    /// Whether a remember-me token keeps this device signed in.
    pub remembered: bool,
    /// The stored hashes to delete when this device is signed out.
    hashes: Vec<String>,
}

impl Device {
    /// The JSON object of the sessions page.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "current": self.current,
            "ip": self.ip,
            "user_agent": self.user_agent,
            "device": self.device,
            "created_at": iso(self.created_at),
            "last_seen_at": iso(self.last_seen_at),
            "remembered": self.remembered,
        })
    }
}

/// The public id of a stored session: SHA-256 of the stored hash under a label of its own.
pub(crate) fn public_id(id_hash: &str) -> String {
    sha256_hex(&format!("rocket_security session id\u{0}{id_hash}"))
}

/// The remember-me token a session is linked to, if any.
fn linked_remember(record: &SessionRecord) -> Option<String> {
    serde_json::from_str::<Value>(&record.data)
        .ok()?
        .get(REMEMBER_LINK)?
        .as_str()
        .map(str::to_owned)
}

/// The live devices of a user, newest first. `session` and `remember` are the stored hashes of
/// the asking request's session and remember-me cookie, to mark the current device.
pub(crate) async fn devices(
    security: &Security,
    user_id: i64,
    session: Option<&str>,
    remember: Option<&str>,
) -> DatastoreResult<Vec<Device>> {
    let rows = security.datastore().list_user_sessions(user_id).await?;
    let remember_rows: Vec<&SessionRecord> = rows
        .iter()
        .filter(|r| r.kind == SessionKind::Remember)
        .collect();
    let mut linked: Vec<String> = Vec::new();
    let mut devices = Vec::new();
    for row in rows.iter().filter(|r| r.kind == SessionKind::Session) {
        let mut hashes = vec![row.id_hash.clone()];
        let token =
            linked_remember(row).filter(|hash| remember_rows.iter().any(|r| &r.id_hash == hash));
        if let Some(token) = token {
            linked.push(token.clone());
            hashes.push(token);
        }
        devices.push(device(row, session == Some(row.id_hash.as_str()), hashes));
    }
    // Remember-me tokens whose browser session has ended still sign that browser in.
    for row in remember_rows {
        if !linked.contains(&row.id_hash) {
            let current = remember == Some(row.id_hash.as_str()) && session.is_none();
            devices.push(device(row, current, vec![row.id_hash.clone()]));
        }
    }
    devices.sort_by_key(|d| std::cmp::Reverse(d.last_seen_at));
    Ok(devices)
}

fn device(row: &SessionRecord, current: bool, hashes: Vec<String>) -> Device {
    Device {
        id: public_id(&row.id_hash),
        current,
        ip: row.ip.clone(),
        user_agent: row.user_agent.clone(),
        device: crate::user_agent::device_name(row.user_agent.as_deref()),
        created_at: row.created_at,
        last_seen_at: row.last_seen_at,
        remembered: hashes.len() > 1 || row.kind == SessionKind::Remember,
        hashes,
    }
}

/// Signs out the device with public id `id` among `devices` (one user's): its session and its
/// remember-me token. Returns `None` when no device of theirs has that id, else whether it was
/// the current one.
pub(crate) async fn sign_out_device(
    security: &Security,
    devices: &[Device],
    id: &str,
) -> DatastoreResult<Option<bool>> {
    let Some(device) = devices.iter().find(|d| constant_time_eq(&d.id, id)) else {
        return Ok(None);
    };
    for hash in &device.hashes {
        security.datastore().delete_session(hash).await?;
    }
    Ok(Some(device.current))
}

/// Signs out every device of the user except `keep` (the current one). Returns how many
/// sessions and tokens were ended.
pub(crate) async fn sign_out_others(
    security: &Security,
    user_id: i64,
    keep: Option<&Device>,
) -> DatastoreResult<u64> {
    let keep: Vec<&str> = keep
        .map(|d| d.hashes.iter().map(String::as_str).collect())
        .unwrap_or_default();
    security
        .datastore()
        .delete_user_sessions(user_id, &keep)
        .await
}

/// Signs the user out everywhere: every session and remember-me token ends, and the auth tokens
/// issued so far stop working. Returns how many sessions and tokens were ended.
pub(crate) async fn sign_out_everywhere(security: &Security, user: &User) -> DatastoreResult<u64> {
    let mut changed = user.clone();
    changed.fs_token_uniquifier = random_uniquifier();
    let user = security.datastore().update_user(&changed).await?;
    let count = security
        .datastore()
        .delete_user_sessions(user.id, &[])
        .await?;
    security.emit(SecurityEvent::SessionsEnded { user, count });
    Ok(count)
}

/// Flask-Security-Too's `reset_access`: removes two-factor authentication, every other sign-in
/// method (authenticator and e-mail codes of unified sign-in, recovery codes) and signs the user
/// out everywhere (sessions, remember-me and auth tokens). The password stays. Returns the
/// changed user.
pub(crate) async fn reset_access(security: &Security, user: &User) -> DatastoreResult<User> {
    let mut changed = user.clone();
    changed.tf_primary_method = None;
    changed.tf_totp_secret = None;
    changed.tf_phone_number = None;
    changed.us_totp_secrets = None;
    changed.us_phone_number = None;
    changed.mf_recovery_codes = None;
    changed.fs_uniquifier = random_uniquifier();
    changed.fs_token_uniquifier = random_uniquifier();
    let changed = security.datastore().update_user(&changed).await?;
    let count = security
        .datastore()
        .delete_user_sessions(user.id, &[])
        .await?;
    if user.tf_primary_method.is_some() {
        let event = SecurityEvent::TwoFactorMethodChanged {
            user: changed.clone(),
            method: None,
        };
        security.emit(event);
    }
    let event = SecurityEvent::SessionsEnded {
        user: changed.clone(),
        count,
    };
    security.emit(event);
    Ok(changed)
}

/// Ends the lockout of `email`: clears its lock and its count of failed sign-ins, so the next
/// correct password signs in at once (see [`crate::auth::lockout::unlock`]).
pub(crate) async fn unlock(security: &Security, email: &str) -> DatastoreResult<()> {
    crate::auth::lockout::unlock(security, email).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_ids_are_not_the_stored_hash() {
        let hash = sha256_hex("cookie secret");
        let id = public_id(&hash);
        assert_ne!(id, hash);
        assert_ne!(id, sha256_hex(&hash));
        assert_eq!(id, public_id(&hash));
        assert_ne!(id, public_id(&sha256_hex("another secret")));
    }
}
