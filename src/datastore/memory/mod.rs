//! An in-memory [`UserDatastore`](super::UserDatastore) for tests, doctests and demos, one
//! module per store trait.

mod activity;
mod change;
mod codes;
mod counters;
mod outbox;
mod roles;
mod sessions;
mod users;
mod webauthn;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::NaiveDateTime;

use self::activity::MemoryActivity;
use self::webauthn::MemoryWebAuthn;
use super::{
    same_key, Clocked, DatastoreError, DatastoreResult, NewRole, OneTimeCode, OutboxMail, Role,
    SessionRecord, StoreClock, User,
};
use crate::clock::Clock;

/// Keeps everything in process memory; nothing survives a restart.
///
/// All state sits behind one mutex that no method holds across an `.await`, so every method is
/// atomic with respect to the others, just as a transaction would make it in a database.
///
/// Timestamps the store sets itself (`create_datetime`, `update_datetime` and a role's
/// `update_datetime`) and which sessions are live come from its clock: the system clock, or
/// the one given by [`with_clock`](Self::with_clock) or handed over by the
/// [`SecurityBuilder`](crate::SecurityBuilder). `update_datetime` moves when a stored field of
/// the account changes ([`update_user`](super::UserStore::update_user),
/// [`change_user`](super::UserStore::change_user), activation); neither
/// [`record_login`](super::UserStore::record_login) nor a role grant moves it.
///
/// # Example
///
/// ```
/// use rocket_security::{MemoryDatastore, NewUser, UserQuery, UserStore};
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
    webauthn: MemoryWebAuthn,
    clock: StoreClock,
}

impl MemoryDatastore {
    /// Creates an empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Creates an empty store that stamps times from `clock`.
    pub fn with_clock(clock: Arc<dyn Clock>) -> Self {
        MemoryDatastore {
            clock: StoreClock::new(clock),
            ..Self::default()
        }
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

impl Clocked for MemoryDatastore {
    fn now(&self) -> NaiveDateTime {
        self.clock.now()
    }

    fn use_clock(&self, clock: Arc<dyn Clock>) {
        self.clock.set(clock);
    }
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
                && (same_key(&other.email, email)
                    || matches!(
                        (other.username.as_deref(), username),
                        (Some(a), Some(b)) if same_key(a, b)
                    ))
        });
        if taken {
            Err(DatastoreError::DuplicateUser)
        } else {
            Ok(())
        }
    }

    fn insert_role(&mut self, role: NewRole, now: NaiveDateTime) -> Role {
        self.last_role_id += 1;
        let stored = Role {
            id: self.last_role_id,
            name: role.name,
            description: role.description,
            permissions: role.permissions,
            update_datetime: now,
        };
        self.roles.insert(stored.name.clone(), stored.clone());
        stored
    }

    fn role_id_or_create(&mut self, name: &str, now: NaiveDateTime) -> i64 {
        match self.roles.get(name) {
            Some(role) => role.id,
            None => {
                let role = NewRole {
                    name: name.to_owned(),
                    ..NewRole::default()
                };
                self.insert_role(role, now).id
            }
        }
    }

    fn set_active(&mut self, id: i64, active: bool, now: NaiveDateTime) -> DatastoreResult<bool> {
        let user = self.user_mut(id)?;
        if user.active == active {
            return Ok(false);
        }
        user.active = active;
        user.update_datetime = now;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datastore::{NewUser, UserStore};

    #[rocket::async_test]
    async fn debug_shows_sizes_only() {
        let store = MemoryDatastore::new();
        let user = NewUser {
            email: "ada@example.com".into(),
            ..NewUser::default()
        };
        store.create_user(user).await.unwrap();
        let shown = format!("{store:?}");
        assert!(shown.contains("users: 1"), "{shown}");
        assert!(!shown.contains("ada@example.com"), "{shown}");
    }

    #[rocket::async_test]
    async fn times_come_from_the_clock_given() {
        let clock = crate::ManualClock::new();
        let store = MemoryDatastore::with_clock(Arc::new(clock.clone()));
        clock.advance(chrono::Duration::days(30));
        let user = NewUser {
            email: "ada@example.com".into(),
            ..NewUser::default()
        };
        let user = store.create_user(user).await.unwrap();
        let ahead = user.create_datetime - chrono::Utc::now().naive_utc();
        assert!(ahead > chrono::Duration::days(29), "{ahead}");
    }
}
