//! An in-memory [`UserDatastore`] for tests, doctests and demos.

mod purge;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::{NaiveDateTime, Utc};
use subtle::ConstantTimeEq;

use super::{
    micros, Activity, DatastoreError, DatastoreResult, MemoryActivity, NewRole, NewUser,
    OneTimeCode, OutboxMail, Role, SessionRecord, User, UserChange, UserDatastore, UserQuery,
};

mod change;

/// Keeps everything in process memory; nothing survives a restart.
///
/// All state sits behind one mutex that no method holds across an `.await`, so every method is
/// atomic with respect to the others, just as a transaction would make it in a database.
///
/// Timestamps the store sets itself (`create_datetime`, `update_datetime` and a role's
/// `update_datetime`) come from the UTC clock. `update_datetime` moves when a stored field of
/// the account changes ([`update_user`](UserDatastore::update_user),
/// [`change_user`](UserDatastore::change_user), activation); neither
/// [`record_login`](UserDatastore::record_login) nor a role grant moves it.
///
/// # Example
///
/// ```
/// use rocket_security::{MemoryDatastore, NewUser, UserDatastore, UserQuery};
/// # rocket::tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let store = MemoryDatastore::new();
/// let user = store
///     .create_user(NewUser {
///         email: "ada@example.com".into(),
///         active: true,
///         roles: vec!["admin".into()],
///         ..NewUser::default()
///     })
///     .await?;
/// assert_eq!(user.roles[0].name, "admin");
///
/// let found = store.find_user(UserQuery::Email("ADA@example.com")).await?;
/// assert_eq!(found.map(|u| u.id), Some(user.id));
/// # Ok::<(), rocket_security::DatastoreError>(())
/// # }).unwrap();
/// ```
#[derive(Default)]
pub struct MemoryDatastore {
    inner: Mutex<Inner>,
    activity: MemoryActivity,
}

impl MemoryDatastore {
    /// Creates an empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // No method panics while holding the lock, and every method leaves the collections
        // consistent before it could, so a poisoned lock still guards sound data.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for MemoryDatastore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.lock();
        f.debug_struct("MemoryDatastore")
            .field("users", &inner.users.len())
            .field("roles", &inner.roles.len())
            .field("sessions", &inner.sessions.len())
            .field("outbox", &inner.outbox.len())
            .field("codes", &inner.codes.len())
            .field("counters", &inner.counters.len())
            .finish()
    }
}

/// A primary-key clash the in-memory store reports like a database would.
#[derive(Debug, thiserror::Error)]
#[error("a session with this id already exists")]
struct DuplicateSession;

#[derive(Default)]
struct Inner {
    last_user_id: i64,
    last_role_id: i64,
    last_mail_id: i64,
    /// Users as stored: `roles` is always empty here and filled in from `grants` on the way out.
    users: BTreeMap<i64, User>,
    /// Roles keyed by name, so iteration is already sorted by name.
    roles: BTreeMap<String, Role>,
    /// `(user id, role id)` pairs.
    grants: BTreeSet<(i64, i64)>,
    sessions: HashMap<String, SessionRecord>,
    outbox: BTreeMap<i64, OutboxMail>,
    codes: HashMap<(i64, String), OneTimeCode>,
    counters: HashMap<String, Counter>,
}

struct Counter {
    count: i64,
    window_start: NaiveDateTime,
}

fn now() -> NaiveDateTime {
    micros(Utc::now().naive_utc())
}

/// 128 random bits as 32 lower-case hex digits, like Flask-Security-Too's `uuid4().hex`.
fn new_uniquifier() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

fn eq_ignore_case(a: &str, b: &str) -> bool {
    a == b || a.to_lowercase() == b.to_lowercase()
}

impl Inner {
    fn with_roles(&self, user: &User) -> User {
        let mut user = user.clone();
        user.roles = self
            .roles
            .values()
            .filter(|role| self.grants.contains(&(user.id, role.id)))
            .cloned()
            .collect();
        user
    }

    fn user(&self, id: i64) -> DatastoreResult<&User> {
        self.users.get(&id).ok_or(DatastoreError::UserNotFound)
    }

    fn user_mut(&mut self, id: i64) -> DatastoreResult<&mut User> {
        self.users.get_mut(&id).ok_or(DatastoreError::UserNotFound)
    }

    /// Fails when another user than `except` has the e-mail address or user name.
    fn check_unique(
        &self,
        email: &str,
        username: Option<&str>,
        except: Option<i64>,
    ) -> DatastoreResult<()> {
        let taken = self.users.values().any(|other| {
            Some(other.id) != except
                && (eq_ignore_case(&other.email, email)
                    || matches!(
                        (other.username.as_deref(), username),
                        (Some(a), Some(b)) if eq_ignore_case(a, b)
                    ))
        });
        if taken {
            Err(DatastoreError::DuplicateUser)
        } else {
            Ok(())
        }
    }

    fn insert_role(&mut self, role: NewRole) -> Role {
        self.last_role_id += 1;
        let stored = Role {
            id: self.last_role_id,
            name: role.name,
            description: role.description,
            permissions: role.permissions,
            update_datetime: now(),
        };
        self.roles.insert(stored.name.clone(), stored.clone());
        stored
    }

    fn role_id_or_create(&mut self, name: &str) -> i64 {
        match self.roles.get(name) {
            Some(role) => role.id,
            None => {
                self.insert_role(NewRole {
                    name: name.to_owned(),
                    ..NewRole::default()
                })
                .id
            }
        }
    }

    fn set_active(&mut self, id: i64, active: bool) -> DatastoreResult<bool> {
        let user = self.user_mut(id)?;
        if user.active == active {
            return Ok(false);
        }
        user.active = active;
        user.update_datetime = now();
        Ok(true)
    }

    /// Pending mails matching `due`, oldest first.
    fn pending_where(&self, due: impl Fn(&OutboxMail) -> bool) -> Vec<OutboxMail> {
        let mut mails: Vec<OutboxMail> = self
            .outbox
            .values()
            .filter(|mail| mail.sent_at.is_none() && due(mail))
            .cloned()
            .collect();
        mails.sort_by_key(|mail| (mail.created_at, mail.id));
        mails
    }
}

#[rocket::async_trait]
impl UserDatastore for MemoryDatastore {
    async fn create_user(&self, user: NewUser) -> DatastoreResult<User> {
        let mut inner = self.lock();
        inner.check_unique(&user.email, user.username.as_deref(), None)?;
        inner.last_user_id += 1;
        let id = inner.last_user_id;
        let created = now();
        for name in &user.roles {
            let role_id = inner.role_id_or_create(name);
            inner.grants.insert((id, role_id));
        }
        let stored = User {
            id,
            email: user.email,
            username: user.username,
            password: user.password,
            active: user.active,
            fs_uniquifier: new_uniquifier(),
            fs_token_uniquifier: new_uniquifier(),
            confirmed_at: user.confirmed_at.map(micros),
            last_login_at: None,
            current_login_at: None,
            last_login_ip: None,
            current_login_ip: None,
            login_count: 0,
            tf_primary_method: None,
            tf_totp_secret: None,
            tf_phone_number: None,
            us_totp_secrets: None,
            us_phone_number: None,
            mf_recovery_codes: None,
            extra: user.extra,
            create_datetime: created,
            update_datetime: created,
            roles: Vec::new(),
        };
        let out = inner.with_roles(&stored);
        inner.users.insert(id, stored);
        Ok(out)
    }

    async fn find_user(&self, query: UserQuery<'_>) -> DatastoreResult<Option<User>> {
        let inner = self.lock();
        let found = match query {
            UserQuery::Id(id) => inner.users.get(&id),
            UserQuery::Email(email) => inner
                .users
                .values()
                .find(|u| eq_ignore_case(&u.email, email)),
            UserQuery::Uniquifier(value) => inner.users.values().find(|u| u.fs_uniquifier == value),
            UserQuery::TokenUniquifier(value) => inner
                .users
                .values()
                .find(|u| u.fs_token_uniquifier == value),
            UserQuery::Username(name) => inner.users.values().find(|u| {
                u.username
                    .as_deref()
                    .is_some_and(|own| eq_ignore_case(own, name))
            }),
        };
        Ok(found.map(|user| inner.with_roles(user)))
    }

    async fn update_user(&self, user: &User) -> DatastoreResult<User> {
        let mut inner = self.lock();
        inner.user(user.id)?;
        inner.check_unique(&user.email, user.username.as_deref(), Some(user.id))?;
        let stored = inner.user_mut(user.id)?;
        stored.email = user.email.clone();
        stored.username = user.username.clone();
        stored.password = user.password.clone();
        stored.active = user.active;
        stored.fs_uniquifier = user.fs_uniquifier.clone();
        stored.fs_token_uniquifier = user.fs_token_uniquifier.clone();
        stored.confirmed_at = user.confirmed_at.map(micros);
        stored.tf_primary_method = user.tf_primary_method.clone();
        stored.tf_totp_secret = user.tf_totp_secret.clone();
        stored.tf_phone_number = user.tf_phone_number.clone();
        stored.us_totp_secrets = user.us_totp_secrets.clone();
        stored.us_phone_number = user.us_phone_number.clone();
        stored.mf_recovery_codes = user.mf_recovery_codes.clone();
        stored.extra = user.extra.clone();
        stored.update_datetime = now();
        let stored = stored.clone();
        Ok(inner.with_roles(&stored))
    }

    async fn change_user(
        &self,
        user_id: i64,
        change: UserChange<'_>,
    ) -> DatastoreResult<Option<User>> {
        let mut inner = self.lock();
        let changed = change::apply(&mut inner, user_id, change)?;
        Ok(changed.map(|user| inner.with_roles(&user)))
    }

    async fn delete_user(&self, user: &User) -> DatastoreResult<()> {
        self.activity.forget_user(user.id);
        let mut inner = self.lock();
        let id = user.id;
        inner
            .users
            .remove(&id)
            .ok_or(DatastoreError::UserNotFound)?;
        inner.grants.retain(|&(user_id, _)| user_id != id);
        inner.sessions.retain(|_, s| s.user_id != Some(id));
        inner.codes.retain(|&(user_id, _), _| user_id != id);
        inner
            .outbox
            .retain(|_, m| m.sent_at.is_some() || m.recipient != user.email);
        Ok(())
    }

    async fn activate_user(&self, user: &User) -> DatastoreResult<bool> {
        self.lock().set_active(user.id, true)
    }

    async fn deactivate_user(&self, user: &User) -> DatastoreResult<bool> {
        self.lock().set_active(user.id, false)
    }

    async fn record_login(
        &self,
        user_id: i64,
        at: NaiveDateTime,
        ip: Option<&str>,
    ) -> DatastoreResult<User> {
        let mut inner = self.lock();
        let user = inner.user_mut(user_id)?;
        match user.current_login_at {
            Some(previous) => {
                user.last_login_at = Some(previous);
                user.last_login_ip = user.current_login_ip.take();
            }
            None => user.last_login_at = Some(micros(at)),
        }
        user.current_login_at = Some(micros(at));
        user.current_login_ip = ip.map(str::to_owned);
        user.login_count = user.login_count.saturating_add(1);
        let user = user.clone();
        Ok(inner.with_roles(&user))
    }

    async fn create_role(&self, role: NewRole) -> DatastoreResult<Role> {
        let mut inner = self.lock();
        if inner.roles.contains_key(&role.name) {
            return Err(DatastoreError::DuplicateRole(role.name));
        }
        Ok(inner.insert_role(role))
    }

    async fn find_role(&self, name: &str) -> DatastoreResult<Option<Role>> {
        Ok(self.lock().roles.get(name).cloned())
    }

    async fn list_roles(&self) -> DatastoreResult<Vec<Role>> {
        Ok(self.lock().roles.values().cloned().collect())
    }

    async fn add_role_to_user(&self, user: &User, role: &str) -> DatastoreResult<bool> {
        let mut inner = self.lock();
        inner.user(user.id)?;
        let role_id = match inner.roles.get(role) {
            Some(found) => found.id,
            None => return Err(DatastoreError::RoleNotFound(role.to_owned())),
        };
        Ok(inner.grants.insert((user.id, role_id)))
    }

    async fn remove_role_from_user(&self, user: &User, role: &str) -> DatastoreResult<bool> {
        let mut inner = self.lock();
        inner.user(user.id)?;
        let Some(role_id) = inner.roles.get(role).map(|found| found.id) else {
            return Ok(false);
        };
        Ok(inner.grants.remove(&(user.id, role_id)))
    }

    async fn create_session(&self, session: &SessionRecord) -> DatastoreResult<()> {
        let mut inner = self.lock();
        if let Some(user_id) = session.user_id {
            inner.user(user_id)?;
        }
        if inner.sessions.contains_key(&session.id_hash) {
            return Err(DatastoreError::backend(DuplicateSession));
        }
        inner
            .sessions
            .insert(session.id_hash.clone(), session.clone());
        Ok(())
    }

    async fn find_session(&self, id_hash: &str) -> DatastoreResult<Option<SessionRecord>> {
        Ok(self.lock().sessions.get(id_hash).cloned())
    }

    async fn update_session(&self, session: &SessionRecord) -> DatastoreResult<bool> {
        let mut inner = self.lock();
        let Some(stored) = inner.sessions.get_mut(&session.id_hash) else {
            return Ok(false);
        };
        stored.user_id = session.user_id;
        stored.fs_uniquifier = session.fs_uniquifier.clone();
        stored.data = session.data.clone();
        stored.last_seen_at = session.last_seen_at;
        stored.expires_at = session.expires_at;
        stored.fresh_at = session.fresh_at;
        Ok(true)
    }

    async fn delete_session(&self, id_hash: &str) -> DatastoreResult<bool> {
        Ok(self.lock().sessions.remove(id_hash).is_some())
    }

    async fn delete_user_sessions(&self, user_id: i64, keep: &[&str]) -> DatastoreResult<u64> {
        let mut inner = self.lock();
        let before = inner.sessions.len();
        inner
            .sessions
            .retain(|id, s| s.user_id != Some(user_id) || keep.contains(&id.as_str()));
        Ok((before - inner.sessions.len()) as u64)
    }

    /// Sessions whose `expires_at` is still ahead of the UTC clock, newest first.
    async fn list_user_sessions(&self, user_id: i64) -> DatastoreResult<Vec<SessionRecord>> {
        let now = now();
        let inner = self.lock();
        let mut sessions: Vec<SessionRecord> = inner
            .sessions
            .values()
            .filter(|s| s.user_id == Some(user_id) && s.expires_at > now)
            .cloned()
            .collect();
        sessions.sort_by(|a, b| {
            b.created_at
                .cmp(&a.created_at)
                .then_with(|| a.id_hash.cmp(&b.id_hash))
        });
        Ok(sessions)
    }

    async fn delete_expired_sessions(&self, now: NaiveDateTime) -> DatastoreResult<u64> {
        let mut inner = self.lock();
        let before = inner.sessions.len();
        inner.sessions.retain(|_, s| s.expires_at >= now);
        Ok((before - inner.sessions.len()) as u64)
    }

    async fn enqueue_mail(&self, mail: &OutboxMail) -> DatastoreResult<OutboxMail> {
        let mut inner = self.lock();
        inner.last_mail_id += 1;
        let stored = OutboxMail {
            id: inner.last_mail_id,
            attempts: 0,
            sent_at: None,
            ..mail.clone()
        };
        inner.outbox.insert(stored.id, stored.clone());
        Ok(stored)
    }

    async fn due_mails(&self, now: NaiveDateTime, limit: i64) -> DatastoreResult<Vec<OutboxMail>> {
        let limit = usize::try_from(limit).unwrap_or(0);
        let mut mails = self
            .lock()
            .pending_where(|mail| mail.next_attempt_at <= now);
        mails.truncate(limit);
        Ok(mails)
    }

    async fn claim_mail(
        &self,
        id: i64,
        now: NaiveDateTime,
        lease_until: NaiveDateTime,
    ) -> DatastoreResult<bool> {
        let mut inner = self.lock();
        match inner.outbox.get_mut(&id) {
            Some(mail) if mail.sent_at.is_none() && mail.next_attempt_at <= now => {
                mail.next_attempt_at = lease_until;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn mark_mail_sent(&self, id: i64, at: NaiveDateTime) -> DatastoreResult<()> {
        if let Some(mail) = self.lock().outbox.get_mut(&id) {
            mail.sent_at = Some(at);
            mail.body_text.clear();
            mail.body_html.clear();
        }
        Ok(())
    }

    async fn mark_mail_failed(
        &self,
        id: i64,
        attempts: i32,
        next_attempt_at: NaiveDateTime,
        error: &str,
    ) -> DatastoreResult<()> {
        if let Some(mail) = self.lock().outbox.get_mut(&id) {
            mail.attempts = attempts;
            mail.next_attempt_at = next_attempt_at;
            mail.last_error = Some(error.to_owned());
        }
        Ok(())
    }

    async fn pending_mails(&self) -> DatastoreResult<Vec<OutboxMail>> {
        Ok(self.lock().pending_where(|_| true))
    }

    async fn put_code(&self, code: &OneTimeCode) -> DatastoreResult<()> {
        let mut inner = self.lock();
        inner.user(code.user_id)?;
        let mut code = code.clone();
        code.expires_at = micros(code.expires_at);
        inner
            .codes
            .insert((code.user_id, code.purpose.clone()), code);
        Ok(())
    }

    async fn take_code(
        &self,
        user_id: i64,
        purpose: &str,
        code_hash: &str,
        now: NaiveDateTime,
    ) -> DatastoreResult<bool> {
        let mut inner = self.lock();
        let key = (user_id, purpose.to_owned());
        let Some(code) = inner.codes.get(&key) else {
            return Ok(false);
        };
        let matches: bool = code.code_hash.as_bytes().ct_eq(code_hash.as_bytes()).into();
        if !matches || now > code.expires_at {
            return Ok(false);
        }
        inner.codes.remove(&key);
        Ok(true)
    }

    async fn hit_counter(
        &self,
        key: &str,
        now: NaiveDateTime,
        window: chrono::Duration,
    ) -> DatastoreResult<i64> {
        let mut inner = self.lock();
        let counter = inner.counters.entry(key.to_owned()).or_insert(Counter {
            count: 0,
            window_start: now,
        });
        if now - counter.window_start > window {
            counter.count = 0;
            counter.window_start = now;
        }
        counter.count += 1;
        Ok(counter.count)
    }

    async fn reset_counter(&self, key: &str) -> DatastoreResult<()> {
        self.lock().counters.remove(key);
        Ok(())
    }

    async fn sent_mails(&self, limit: i64) -> DatastoreResult<Vec<OutboxMail>> {
        Ok(purge::sent_mails(&self.lock(), limit))
    }

    async fn delete_sent_mails(&self, before: NaiveDateTime) -> DatastoreResult<u64> {
        Ok(purge::delete_sent_mails(&mut self.lock(), before))
    }

    async fn delete_expired_codes(&self, now: NaiveDateTime) -> DatastoreResult<u64> {
        Ok(purge::delete_expired_codes(&mut self.lock(), now))
    }

    async fn delete_stale_counters(&self, before: NaiveDateTime) -> DatastoreResult<u64> {
        Ok(purge::delete_stale_counters(&mut self.lock(), before))
    }

    async fn read_counter(&self, key: &str) -> DatastoreResult<Option<(i64, NaiveDateTime)>> {
        Ok(self
            .lock()
            .counters
            .get(key)
            .map(|c| (c.count, c.window_start)))
    }

    async fn add_activity(&self, activity: &Activity) -> DatastoreResult<()> {
        self.activity.add(activity);
        Ok(())
    }

    async fn list_activity(
        &self,
        user_id: i64,
        offset: i64,
        limit: i64,
    ) -> DatastoreResult<Vec<Activity>> {
        Ok(self.activity.list(user_id, offset, limit))
    }

    async fn purge_activity(&self, before: NaiveDateTime) -> DatastoreResult<u64> {
        Ok(self.activity.purge(before))
    }

    async fn signed_in_from(
        &self,
        user_id: i64,
        user_agent: Option<&str>,
        since: NaiveDateTime,
    ) -> DatastoreResult<bool> {
        Ok(self.activity.signed_in_from(user_id, user_agent, since))
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, NaiveDate};

    use super::*;
    use crate::datastore::SessionKind;

    fn at(seconds: i64) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2024, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            + Duration::seconds(seconds)
    }

    fn new_user(email: &str) -> NewUser {
        NewUser {
            email: email.into(),
            active: true,
            ..NewUser::default()
        }
    }

    async fn store_with_user(email: &str) -> (MemoryDatastore, User) {
        let store = MemoryDatastore::new();
        let user = store.create_user(new_user(email)).await.unwrap();
        (store, user)
    }

    /// A store holding users with ids 1 to `n`.
    async fn store_with_users(n: usize) -> MemoryDatastore {
        let store = MemoryDatastore::new();
        for i in 1..=n {
            store
                .create_user(new_user(&format!("user{i}@example.com")))
                .await
                .unwrap();
        }
        store
    }

    fn session(id: &str, user_id: Option<i64>, created: NaiveDateTime) -> SessionRecord {
        SessionRecord {
            id_hash: id.into(),
            kind: SessionKind::Session,
            user_id,
            fs_uniquifier: None,
            data: "{}".into(),
            created_at: created,
            last_seen_at: created,
            expires_at: created + Duration::days(1),
            fresh_at: None,
            ip: Some("192.0.2.1".into()),
            user_agent: Some("test".into()),
        }
    }

    fn mail(subject: &str, created: NaiveDateTime) -> OutboxMail {
        OutboxMail {
            id: 99,
            sender: "no-reply@example.com".into(),
            recipient: "ada@example.com".into(),
            subject: subject.into(),
            body_text: "text".into(),
            body_html: "<p>html</p>".into(),
            attempts: 7,
            next_attempt_at: created,
            last_error: None,
            created_at: created,
            sent_at: Some(created),
        }
    }

    fn code(user_id: i64, purpose: &str, hash: &str, expires_at: NaiveDateTime) -> OneTimeCode {
        OneTimeCode {
            user_id,
            purpose: purpose.into(),
            code_hash: hash.into(),
            expires_at,
        }
    }

    fn is_hex32(value: &str) -> bool {
        value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit())
    }

    #[rocket::async_test]
    async fn create_user_fills_defaults_and_uniquifiers() {
        let store = MemoryDatastore::new();
        let mut extra = serde_json::Map::new();
        extra.insert("name".into(), "Ada".into());
        let user = store
            .create_user(NewUser {
                email: "ada@example.com".into(),
                username: Some("ada".into()),
                password: Some("$argon2id$hash".into()),
                active: true,
                confirmed_at: Some(at(0)),
                extra: extra.clone(),
                roles: vec![],
            })
            .await
            .unwrap();
        assert_eq!(user.id, 1);
        assert_eq!(user.email, "ada@example.com");
        assert_eq!(user.username.as_deref(), Some("ada"));
        assert_eq!(user.password.as_deref(), Some("$argon2id$hash"));
        assert!(user.active);
        assert_eq!(user.confirmed_at, Some(at(0)));
        assert_eq!(user.extra, extra);
        assert_eq!(user.login_count, 0);
        assert_eq!(user.current_login_at, None);
        assert_eq!(user.create_datetime, user.update_datetime);
        assert!(is_hex32(&user.fs_uniquifier), "{}", user.fs_uniquifier);
        assert!(is_hex32(&user.fs_token_uniquifier));
        assert_ne!(user.fs_uniquifier, user.fs_token_uniquifier);

        let other = store
            .create_user(new_user("bob@example.com"))
            .await
            .unwrap();
        assert_eq!(other.id, 2);
        assert_ne!(other.fs_uniquifier, user.fs_uniquifier);
    }

    #[rocket::async_test]
    async fn create_user_creates_missing_roles_and_reuses_existing() {
        let store = MemoryDatastore::new();
        let editor = store
            .create_role(NewRole {
                name: "editor".into(),
                description: Some("edits".into()),
                permissions: vec!["write".into()],
            })
            .await
            .unwrap();
        let user = store
            .create_user(NewUser {
                roles: vec!["editor".into(), "admin".into(), "admin".into()],
                ..new_user("ada@example.com")
            })
            .await
            .unwrap();
        let names: Vec<_> = user.roles.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["admin", "editor"]);
        assert_eq!(user.roles[1], editor);
        assert_eq!(store.list_roles().await.unwrap().len(), 2);
    }

    #[rocket::async_test]
    async fn duplicate_email_or_username_is_refused_case_insensitively() {
        let store = MemoryDatastore::new();
        store
            .create_user(NewUser {
                username: Some("Ada".into()),
                ..new_user("Ada@Example.com")
            })
            .await
            .unwrap();
        let err = store
            .create_user(new_user("ada@EXAMPLE.com"))
            .await
            .unwrap_err();
        assert!(matches!(err, DatastoreError::DuplicateUser), "{err:?}");
        let err = store
            .create_user(NewUser {
                username: Some("ADA".into()),
                ..new_user("other@example.com")
            })
            .await
            .unwrap_err();
        assert!(matches!(err, DatastoreError::DuplicateUser), "{err:?}");
        // A refused creation leaves no trace.
        assert!(store.list_roles().await.unwrap().is_empty());
        assert!(store.get_user("2").await.unwrap().is_none());
    }

    #[rocket::async_test]
    async fn concurrent_creations_of_one_address_yield_one_user() {
        let store = std::sync::Arc::new(MemoryDatastore::new());
        let attempts = (0..16).map(|i| {
            let store = store.clone();
            rocket::tokio::spawn(async move {
                let email = if i % 2 == 0 { "a@x.org" } else { "A@X.org" };
                store.create_user(new_user(email)).await
            })
        });
        let results = rocket::futures::future::join_all(attempts).await;
        let created = results
            .iter()
            .filter(|r| r.as_ref().unwrap().is_ok())
            .count();
        assert_eq!(created, 1);
    }

    #[rocket::async_test]
    async fn find_user_by_every_query() {
        let store = MemoryDatastore::new();
        store
            .create_user(new_user("first@example.com"))
            .await
            .unwrap();
        let user = store
            .create_user(NewUser {
                username: Some("Ada".into()),
                roles: vec!["admin".into()],
                ..new_user("Ada@Example.com")
            })
            .await
            .unwrap();
        let queries = [
            UserQuery::Id(user.id),
            UserQuery::Email("ada@example.COM"),
            UserQuery::Uniquifier(&user.fs_uniquifier),
            UserQuery::TokenUniquifier(&user.fs_token_uniquifier),
            UserQuery::Username("aDA"),
        ];
        for query in queries {
            let found = store.find_user(query).await.unwrap();
            assert_eq!(found.as_ref(), Some(&user), "{query:?}");
        }
        let misses = [
            UserQuery::Id(42),
            UserQuery::Email("nobody@example.com"),
            UserQuery::Uniquifier(&user.fs_token_uniquifier),
            UserQuery::TokenUniquifier(&user.fs_uniquifier),
            UserQuery::Username("bob"),
        ];
        for query in misses {
            assert_eq!(store.find_user(query).await.unwrap(), None, "{query:?}");
        }
        assert_eq!(store.get_user("2").await.unwrap(), Some(user.clone()));
        assert_eq!(store.get_user("ADA@example.com").await.unwrap(), Some(user));
    }

    #[rocket::async_test]
    async fn update_user_writes_fields_but_not_roles_or_trackable() {
        let store = MemoryDatastore::new();
        let original = store
            .create_user(NewUser {
                roles: vec!["admin".into()],
                ..new_user("ada@example.com")
            })
            .await
            .unwrap();
        store
            .record_login(original.id, at(10), Some("192.0.2.1"))
            .await
            .unwrap();

        let mut changed = original.clone();
        changed.email = "lovelace@example.com".into();
        changed.username = Some("lovelace".into());
        changed.password = Some("new-hash".into());
        changed.fs_uniquifier = "f".repeat(32);
        changed.tf_primary_method = Some("authenticator".into());
        changed.tf_totp_secret = Some("secret".into());
        changed.mf_recovery_codes = Some("[]".into());
        changed.extra.insert("name".into(), "Ada".into());
        changed.roles.clear();
        changed.login_count = 100;
        changed.current_login_ip = Some("203.0.113.9".into());
        changed.create_datetime = at(0);

        let updated = store.update_user(&changed).await.unwrap();
        assert_eq!(updated.email, "lovelace@example.com");
        assert_eq!(updated.username.as_deref(), Some("lovelace"));
        assert_eq!(updated.password.as_deref(), Some("new-hash"));
        assert_eq!(updated.fs_uniquifier, "f".repeat(32));
        assert_eq!(updated.tf_primary_method.as_deref(), Some("authenticator"));
        assert_eq!(updated.tf_totp_secret.as_deref(), Some("secret"));
        assert_eq!(updated.mf_recovery_codes.as_deref(), Some("[]"));
        assert_eq!(updated.extra["name"], "Ada");
        assert_eq!(updated.roles.len(), 1, "roles are not written");
        assert_eq!(updated.login_count, 1, "trackable fields are not written");
        assert_eq!(updated.current_login_ip.as_deref(), Some("192.0.2.1"));
        assert_eq!(updated.create_datetime, original.create_datetime);
        assert!(updated.update_datetime >= original.update_datetime);
        assert_eq!(
            store.find_user(UserQuery::Id(original.id)).await.unwrap(),
            Some(updated)
        );
    }

    #[rocket::async_test]
    async fn update_user_refuses_taken_address_and_missing_user() {
        let store = MemoryDatastore::new();
        store
            .create_user(new_user("ada@example.com"))
            .await
            .unwrap();
        let mut bob = store
            .create_user(new_user("bob@example.com"))
            .await
            .unwrap();

        // Changing only the case of one's own address is fine.
        bob.email = "BOB@example.com".into();
        store.update_user(&bob).await.unwrap();

        bob.email = "ADA@example.com".into();
        let err = store.update_user(&bob).await.unwrap_err();
        assert!(matches!(err, DatastoreError::DuplicateUser), "{err:?}");

        bob.id = 42;
        bob.email = "new@example.com".into();
        let err = store.update_user(&bob).await.unwrap_err();
        assert!(matches!(err, DatastoreError::UserNotFound), "{err:?}");
    }

    #[rocket::async_test]
    async fn delete_user_cascades() {
        let store = MemoryDatastore::new();
        let ada = store
            .create_user(NewUser {
                roles: vec!["admin".into()],
                ..new_user("ada@example.com")
            })
            .await
            .unwrap();
        let bob = store
            .create_user(NewUser {
                roles: vec!["admin".into()],
                ..new_user("bob@example.com")
            })
            .await
            .unwrap();
        for (id, user) in [("a1", ada.id), ("a2", ada.id), ("b1", bob.id)] {
            store
                .create_session(&session(id, Some(user), at(0)))
                .await
                .unwrap();
        }
        store
            .put_code(&code(ada.id, "us-signin", "h", at(60)))
            .await
            .unwrap();
        store
            .put_code(&code(bob.id, "us-signin", "h", at(60)))
            .await
            .unwrap();

        store.delete_user(&ada).await.unwrap();

        assert_eq!(store.find_user(UserQuery::Id(ada.id)).await.unwrap(), None);
        assert_eq!(store.find_session("a1").await.unwrap(), None);
        assert_eq!(store.find_session("a2").await.unwrap(), None);
        assert!(store.find_session("b1").await.unwrap().is_some());
        assert!(!store
            .take_code(ada.id, "us-signin", "h", at(0))
            .await
            .unwrap());
        assert!(store
            .take_code(bob.id, "us-signin", "h", at(0))
            .await
            .unwrap());
        // The role itself stays, and so do other users' grants.
        assert!(store.find_role("admin").await.unwrap().is_some());
        let bob = store.get_user("bob@example.com").await.unwrap().unwrap();
        assert_eq!(bob.roles.len(), 1);
        // Re-creating the address starts from scratch, without the old grants.
        let again = store
            .create_user(new_user("ada@example.com"))
            .await
            .unwrap();
        assert!(again.roles.is_empty());
        assert_ne!(again.id, ada.id);
        // Deleting twice reports the missing user, as the Diesel store does.
        assert!(matches!(
            store.delete_user(&ada).await,
            Err(DatastoreError::UserNotFound)
        ));
    }

    #[rocket::async_test]
    async fn activate_deactivate_and_toggle_report_changes() {
        let (store, user) = store_with_user("ada@example.com").await;
        assert!(!store.activate_user(&user).await.unwrap());
        assert!(store.deactivate_user(&user).await.unwrap());
        assert!(!store.deactivate_user(&user).await.unwrap());
        let stored = store.get_user("1").await.unwrap().unwrap();
        assert!(!stored.active);
        assert!(store.toggle_active(&stored).await.unwrap());
        assert!(store.get_user("1").await.unwrap().unwrap().active);

        let ghost = User { id: 42, ..user };
        let err = store.activate_user(&ghost).await.unwrap_err();
        assert!(matches!(err, DatastoreError::UserNotFound), "{err:?}");
    }

    #[rocket::async_test]
    async fn record_login_tracks_previous_login() {
        let (store, user) = store_with_user("ada@example.com").await;

        let first = store
            .record_login(user.id, at(10), Some("192.0.2.1"))
            .await
            .unwrap();
        assert_eq!(first.login_count, 1);
        assert_eq!(first.last_login_at, Some(at(10)));
        assert_eq!(first.last_login_ip, None);
        assert_eq!(first.current_login_at, Some(at(10)));
        assert_eq!(first.current_login_ip.as_deref(), Some("192.0.2.1"));

        let second = store.record_login(user.id, at(20), None).await.unwrap();
        assert_eq!(second.login_count, 2);
        assert_eq!(second.last_login_at, Some(at(10)));
        assert_eq!(second.last_login_ip.as_deref(), Some("192.0.2.1"));
        assert_eq!(second.current_login_at, Some(at(20)));
        assert_eq!(second.current_login_ip, None);

        let third = store
            .record_login(user.id, at(30), Some("198.51.100.7"))
            .await
            .unwrap();
        assert_eq!(third.login_count, 3);
        assert_eq!(third.last_login_at, Some(at(20)));
        assert_eq!(third.last_login_ip, None);
        assert_eq!(third.current_login_ip.as_deref(), Some("198.51.100.7"));
        assert_eq!(store.get_user("1").await.unwrap(), Some(third));

        let err = store.record_login(42, at(40), None).await.unwrap_err();
        assert!(matches!(err, DatastoreError::UserNotFound), "{err:?}");
    }

    #[rocket::async_test]
    async fn roles_are_unique_listed_by_name_and_found_or_created() {
        let store = MemoryDatastore::new();
        for name in ["viewer", "admin", "editor"] {
            store
                .create_role(NewRole {
                    name: name.into(),
                    ..NewRole::default()
                })
                .await
                .unwrap();
        }
        let err = store
            .create_role(NewRole {
                name: "admin".into(),
                ..NewRole::default()
            })
            .await
            .unwrap_err();
        assert!(
            matches!(err, DatastoreError::DuplicateRole(ref n) if n == "admin"),
            "{err:?}"
        );

        let names: Vec<_> = store
            .list_roles()
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.name)
            .collect();
        assert_eq!(names, ["admin", "editor", "viewer"]);

        assert_eq!(store.find_role("Admin").await.unwrap(), None);
        let admin = store.find_role("admin").await.unwrap().unwrap();
        assert_eq!(store.find_or_create_role("admin").await.unwrap(), admin);
        let auditor = store.find_or_create_role("auditor").await.unwrap();
        assert_eq!(store.find_role("auditor").await.unwrap(), Some(auditor));
    }

    #[rocket::async_test]
    async fn grant_and_revoke_roles() {
        let (store, user) = store_with_user("ada@example.com").await;
        for name in ["editor", "admin"] {
            store.find_or_create_role(name).await.unwrap();
        }
        assert!(store.add_role_to_user(&user, "editor").await.unwrap());
        assert!(!store.add_role_to_user(&user, "editor").await.unwrap());
        assert!(store.add_role_to_user(&user, "admin").await.unwrap());
        let err = store.add_role_to_user(&user, "ghost").await.unwrap_err();
        assert!(
            matches!(err, DatastoreError::RoleNotFound(ref n) if n == "ghost"),
            "{err:?}"
        );

        let stored = store.get_user("1").await.unwrap().unwrap();
        let names: Vec<_> = stored.roles.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["admin", "editor"]);

        assert!(store.remove_role_from_user(&user, "editor").await.unwrap());
        assert!(!store.remove_role_from_user(&user, "editor").await.unwrap());
        assert!(!store.remove_role_from_user(&user, "ghost").await.unwrap());
        let stored = store.get_user("1").await.unwrap().unwrap();
        assert_eq!(stored.roles.len(), 1);

        let ghost = User { id: 42, ..user };
        let err = store.add_role_to_user(&ghost, "admin").await.unwrap_err();
        assert!(matches!(err, DatastoreError::UserNotFound), "{err:?}");
    }

    #[rocket::async_test]
    async fn sessions_are_stored_found_updated_and_deleted() {
        let store = MemoryDatastore::new();
        let record = session("abc", None, at(0));
        store.create_session(&record).await.unwrap();
        assert!(matches!(
            store.create_session(&record).await,
            Err(DatastoreError::Backend(_))
        ));
        assert_eq!(
            store.find_session("abc").await.unwrap(),
            Some(record.clone())
        );
        assert_eq!(store.find_session("nope").await.unwrap(), None);

        let mut changed = record.clone();
        changed.user_id = Some(1);
        changed.fs_uniquifier = Some("u".into());
        changed.data = r#"{"csrf":"x"}"#.into();
        changed.last_seen_at = at(5);
        changed.expires_at = at(500);
        changed.fresh_at = Some(at(5));
        // Not updatable: kind, creation time, address, agent.
        changed.kind = SessionKind::Remember;
        changed.created_at = at(1);
        changed.ip = None;
        changed.user_agent = None;
        assert!(store.update_session(&changed).await.unwrap());
        let stored = store.find_session("abc").await.unwrap().unwrap();
        assert_eq!(stored.user_id, Some(1));
        assert_eq!(stored.fs_uniquifier.as_deref(), Some("u"));
        assert_eq!(stored.data, r#"{"csrf":"x"}"#);
        assert_eq!(stored.last_seen_at, at(5));
        assert_eq!(stored.expires_at, at(500));
        assert_eq!(stored.fresh_at, Some(at(5)));
        assert_eq!(stored.kind, record.kind);
        assert_eq!(stored.created_at, record.created_at);
        assert_eq!(stored.ip, record.ip);
        assert_eq!(stored.user_agent, record.user_agent);

        assert!(!store
            .update_session(&session("nope", None, at(0)))
            .await
            .unwrap());
        assert!(store.delete_session("abc").await.unwrap());
        assert!(!store.delete_session("abc").await.unwrap());
        assert_eq!(store.find_session("abc").await.unwrap(), None);
    }

    #[rocket::async_test]
    async fn expired_sessions_are_found_until_purged() {
        let store = store_with_users(1).await;
        let mut old = session("old", Some(1), at(0));
        old.expires_at = at(100);
        let mut edge = session("edge", Some(1), at(0));
        edge.expires_at = at(200);
        let fresh = session("fresh", Some(1), at(0));
        for record in [&old, &edge, &fresh] {
            store.create_session(record).await.unwrap();
        }
        assert_eq!(store.find_session("old").await.unwrap(), Some(old));
        assert_eq!(store.delete_expired_sessions(at(200)).await.unwrap(), 1);
        assert_eq!(store.find_session("old").await.unwrap(), None);
        assert!(store.find_session("edge").await.unwrap().is_some());
        assert_eq!(store.delete_expired_sessions(at(201)).await.unwrap(), 1);
        assert!(store.find_session("fresh").await.unwrap().is_some());
    }

    #[rocket::async_test]
    async fn user_sessions_are_listed_newest_first_and_deleted_with_exceptions() {
        let store = store_with_users(2).await;
        let now = Utc::now().naive_utc();
        let mut remember = session("r", Some(1), now - Duration::hours(2));
        remember.kind = SessionKind::Remember;
        let mut expired = session("x", Some(1), now - Duration::days(3));
        expired.expires_at = now - Duration::days(2);
        let records = [
            session("s1", Some(1), now - Duration::hours(3)),
            session("s2", Some(1), now - Duration::hours(1)),
            remember,
            expired,
            session("other", Some(2), now),
            session("anonymous", None, now),
        ];
        for record in &records {
            store.create_session(record).await.unwrap();
        }
        let listed: Vec<_> = store
            .list_user_sessions(1)
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.id_hash)
            .collect();
        assert_eq!(listed, ["s2", "r", "s1"]);

        assert_eq!(store.delete_user_sessions(1, &["s2"]).await.unwrap(), 3);
        let listed = store.list_user_sessions(1).await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].id_hash, "s2");
        assert!(store.find_session("other").await.unwrap().is_some());
        assert!(store.find_session("anonymous").await.unwrap().is_some());
        assert_eq!(store.delete_user_sessions(1, &[]).await.unwrap(), 1);
        assert_eq!(store.delete_user_sessions(1, &[]).await.unwrap(), 0);
    }

    #[rocket::async_test]
    async fn outbox_queues_and_tracks_delivery() {
        let store = MemoryDatastore::new();
        let first = store.enqueue_mail(&mail("first", at(10))).await.unwrap();
        assert_eq!(first.id, 1);
        assert_eq!(first.attempts, 0);
        assert_eq!(first.sent_at, None);
        assert_eq!(first.subject, "first");
        assert_eq!(first.next_attempt_at, at(10));
        let second = store.enqueue_mail(&mail("second", at(5))).await.unwrap();
        let mut later = mail("later", at(1));
        later.next_attempt_at = at(100);
        let later = store.enqueue_mail(&later).await.unwrap();

        let subjects = |mails: Vec<OutboxMail>| -> Vec<String> {
            mails.into_iter().map(|m| m.subject).collect()
        };
        assert_eq!(
            subjects(store.pending_mails().await.unwrap()),
            ["later", "second", "first"]
        );
        assert_eq!(
            subjects(store.due_mails(at(10), 10).await.unwrap()),
            ["second", "first"]
        );
        assert_eq!(
            subjects(store.due_mails(at(10), 1).await.unwrap()),
            ["second"]
        );
        assert!(store.due_mails(at(10), 0).await.unwrap().is_empty());
        assert!(store.due_mails(at(10), -1).await.unwrap().is_empty());
        assert!(store.due_mails(at(4), 10).await.unwrap().is_empty());

        store.mark_mail_sent(second.id, at(11)).await.unwrap();
        store
            .mark_mail_failed(first.id, 1, at(70), "connection refused")
            .await
            .unwrap();
        assert!(store.due_mails(at(69), 10).await.unwrap().is_empty());
        let due = store.due_mails(at(100), 10).await.unwrap();
        assert_eq!(subjects(due.clone()), ["later", "first"]);
        assert_eq!(due[1].attempts, 1);
        assert_eq!(due[1].next_attempt_at, at(70));
        assert_eq!(due[1].last_error.as_deref(), Some("connection refused"));
        assert_eq!(
            subjects(store.pending_mails().await.unwrap()),
            ["later", "first"]
        );

        store.mark_mail_sent(later.id, at(101)).await.unwrap();
        store.mark_mail_sent(first.id, at(101)).await.unwrap();
        assert!(store.pending_mails().await.unwrap().is_empty());
        // Unknown ids are ignored.
        store.mark_mail_sent(42, at(101)).await.unwrap();
        store.mark_mail_failed(42, 1, at(101), "x").await.unwrap();
    }

    #[rocket::async_test]
    async fn codes_work_once_until_expiry_and_are_replaced() {
        let store = store_with_users(1).await;
        store
            .put_code(&code(1, "us-signin", "old", at(60)))
            .await
            .unwrap();
        store
            .put_code(&code(1, "us-signin", "new", at(60)))
            .await
            .unwrap();
        store
            .put_code(&code(1, "tf-rescue", "other", at(60)))
            .await
            .unwrap();

        assert!(!store.take_code(1, "us-signin", "old", at(0)).await.unwrap());
        assert!(!store.take_code(1, "us-signin", "ne", at(0)).await.unwrap());
        assert!(!store.take_code(2, "us-signin", "new", at(0)).await.unwrap());
        assert!(!store.take_code(1, "tf-rescue", "new", at(0)).await.unwrap());
        // Failed attempts do not consume the code.
        assert!(store
            .take_code(1, "us-signin", "new", at(60))
            .await
            .unwrap());
        assert!(!store.take_code(1, "us-signin", "new", at(0)).await.unwrap());

        assert!(!store
            .take_code(1, "tf-rescue", "other", at(61))
            .await
            .unwrap());
        store
            .put_code(&code(1, "tf-rescue", "other", at(120)))
            .await
            .unwrap();
        assert!(store
            .take_code(1, "tf-rescue", "other", at(61))
            .await
            .unwrap());
    }

    #[rocket::async_test]
    async fn counters_count_within_window_and_reset() {
        let store = MemoryDatastore::new();
        let window = Duration::seconds(60);
        assert_eq!(
            store.hit_counter("login:ada", at(0), window).await.unwrap(),
            1
        );
        assert_eq!(
            store
                .hit_counter("login:ada", at(30), window)
                .await
                .unwrap(),
            2
        );
        assert_eq!(
            store
                .hit_counter("login:ada", at(60), window)
                .await
                .unwrap(),
            3
        );
        assert_eq!(
            store
                .hit_counter("login:bob", at(60), window)
                .await
                .unwrap(),
            1
        );
        // The window started at 0; at 61 it is over and a new one starts.
        assert_eq!(
            store
                .hit_counter("login:ada", at(61), window)
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            store
                .hit_counter("login:ada", at(121), window)
                .await
                .unwrap(),
            2
        );
        assert_eq!(
            store
                .hit_counter("login:ada", at(122), window)
                .await
                .unwrap(),
            1
        );

        store.reset_counter("login:ada").await.unwrap();
        store.reset_counter("never-used").await.unwrap();
        assert_eq!(
            store
                .hit_counter("login:ada", at(123), window)
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            store
                .hit_counter("login:bob", at(100), window)
                .await
                .unwrap(),
            2
        );
    }

    #[rocket::async_test]
    async fn concurrent_hits_are_all_counted() {
        let store = std::sync::Arc::new(MemoryDatastore::new());
        let hits = (0..50).map(|_| {
            let store = store.clone();
            rocket::tokio::spawn(async move {
                store
                    .hit_counter("k", at(0), Duration::seconds(60))
                    .await
                    .unwrap()
            })
        });
        let mut counts: Vec<i64> = rocket::futures::future::join_all(hits)
            .await
            .into_iter()
            .map(Result::unwrap)
            .collect();
        counts.sort_unstable();
        assert_eq!(counts, (1..=50).collect::<Vec<_>>());
    }

    #[rocket::async_test]
    async fn debug_shows_sizes_only() {
        let (store, _) = store_with_user("ada@example.com").await;
        let shown = format!("{store:?}");
        assert!(shown.contains("users: 1"), "{shown}");
        assert!(!shown.contains("ada@example.com"), "{shown}");
    }
}
