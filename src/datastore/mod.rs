//! Where users, roles, sessions, queued mail and one-time codes live.
//!
//! Each concern has a small trait of its own ([`UserStore`], [`RoleStore`], [`SessionStore`],
//! [`OutboxStore`], [`CodeStore`], [`CounterStore`], [`ActivityStore`], [`WebAuthnStore`]); [`UserDatastore`] is all
//! of them together, the one trait every flow talks to. Two implementations ship:
//! [`MemoryDatastore`] (tests, doctests, throw-away demos) and [`DieselDatastore`] (SQLite,
//! PostgreSQL and MySQL through one code path, chosen by the scheme of
//! `databases.security.url`).

mod activity;
mod cache;
mod change;
mod diesel;
mod invalidating;
mod keys;
mod memory;
mod models;
mod stores;
mod webauthn;

pub use self::activity::{Activity, ActivityKind};
pub(crate) use self::cache::{find_session, find_user, AuthCache};
pub use self::change::UserChange;
#[cfg(feature = "sqlite")]
pub use self::diesel::ConnectionThread;
pub use self::diesel::{
    DbConnection, DbPool, DbPoolError, DieselDatastore, PoolStatus, SecurityDb,
};
pub(crate) use self::invalidating::Invalidating;
pub use self::keys::{lookup_key, Uniquifiers};
pub(crate) use self::keys::{random_uniquifier, same_key, StoreClock};
pub use self::memory::MemoryDatastore;
pub use self::models::{
    NewRole, NewUser, OneTimeCode, OutboxMail, Role, SessionKind, SessionRecord, User, UserQuery,
};
pub use self::stores::{
    ActivityStore, Clocked, CodeStore, CounterStore, OutboxStore, RoleStore, SessionStore,
    UserStore, WebAuthnStore,
};
pub use self::webauthn::{
    NewWebAuthnCredential, WebAuthnCeremony, WebAuthnCredential, WebAuthnState, WebAuthnUsage,
};

use chrono::NaiveDateTime;

/// A time cut to whole microseconds, the precision every backend keeps, so that what is read
/// back equals what was written.
pub(crate) fn micros(t: NaiveDateTime) -> NaiveDateTime {
    use chrono::Timelike;
    let nanos = t.nanosecond();
    t.with_nanosecond(nanos - nanos % 1_000).unwrap_or(t)
}

/// Why a datastore operation failed.
#[derive(Debug, thiserror::Error)]
pub enum DatastoreError {
    /// The e-mail address (compared case-insensitively) or user name is taken.
    #[error("a user with this e-mail address already exists")]
    DuplicateUser,
    /// A role with this name exists.
    #[error("a role named {0:?} already exists")]
    DuplicateRole(String),
    /// The user to change does not exist (any more).
    #[error("no such user")]
    UserNotFound,
    /// The named role does not exist.
    #[error("no such role: {0:?}")]
    RoleNotFound(String),
    /// The database failed; the message is for logs, never for clients.
    #[error(transparent)]
    Backend(Box<dyn std::error::Error + Send + Sync>),
    /// The database cannot be reached now: it is down or restarting, refused the connection,
    /// or dropped it. Requests answer 503 with `Retry-After`; the pool reconnects by itself
    /// once the database answers again.
    #[error("the database is unavailable: {0}")]
    Unavailable(Box<dyn std::error::Error + Send + Sync>),
}

impl DatastoreError {
    /// Wraps any backend error: [`DatastoreError::Unavailable`] when it (or an error it wraps)
    /// says the connection to the database failed, else [`DatastoreError::Backend`].
    pub fn backend(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        let error: Box<dyn std::error::Error + Send + Sync> = Box::new(error);
        if connection_failed(&*error) {
            DatastoreError::Unavailable(error)
        } else {
            DatastoreError::Backend(error)
        }
    }

    /// Whether the database could not be reached (see [`DatastoreError::Unavailable`]).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, DatastoreError::Unavailable(_))
    }
}

/// Whether `error` or one of its sources is a failed or lost connection to the database.
fn connection_failed(error: &(dyn std::error::Error + 'static)) -> bool {
    use ::diesel::result::{DatabaseErrorKind, Error as DieselError};
    let mut current = Some(error);
    while let Some(error) = current {
        if let Some(diesel) = error.downcast_ref::<DieselError>() {
            if matches!(
                diesel,
                DieselError::DatabaseError(
                    DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                    _
                )
            ) {
                return true;
            }
        }
        if error.is::<::diesel::ConnectionError>() {
            return true;
        }
        if let Some(pool) = error.downcast_ref::<DbPoolError>() {
            if matches!(pool, DbPoolError::Get(_)) {
                return true;
            }
        }
        if let Some(io) = error.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            if matches!(
                io.kind(),
                ConnectionRefused
                    | ConnectionReset
                    | ConnectionAborted
                    | BrokenPipe
                    | UnexpectedEof
            ) {
                return true;
            }
        }
        current = error.source();
    }
    false
}

/// Shorthand for datastore results.
pub type DatastoreResult<T> = Result<T, DatastoreError>;

/// A full datastore: everything the security flows keep (users and roles, the methods of
/// Flask-Security-Too's `UserDatastore`; server-side sessions; the mail outbox; one-time codes;
/// throttling counters; the security activity log; passkeys).
///
/// Implemented for every type that implements all the small store traits: implement those, and
/// the type is a `UserDatastore`. Every method is one of theirs.
pub trait UserDatastore:
    UserStore
    + RoleStore
    + SessionStore
    + OutboxStore
    + CodeStore
    + CounterStore
    + ActivityStore
    + WebAuthnStore
{
}

impl<T> UserDatastore for T where
    T: UserStore
        + RoleStore
        + SessionStore
        + OutboxStore
        + CodeStore
        + CounterStore
        + ActivityStore
        + WebAuthnStore
        + ?Sized
{
}
