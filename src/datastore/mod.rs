//! Where users, roles, sessions, queued mail and one-time codes live.
//!
//! [`UserDatastore`] is the one trait every flow talks to. Two implementations ship:
//! [`MemoryDatastore`] (tests, doctests, throw-away demos) and [`DieselDatastore`] (SQLite,
//! PostgreSQL and MySQL through one code path, chosen by the scheme of
//! `databases.security.url`).

mod activity;
mod change;
mod diesel;
mod memory;
mod models;

pub(crate) use self::activity::MemoryActivity;
pub use self::activity::{Activity, ActivityKind};
pub(crate) use self::change::random_uniquifier;
pub use self::change::UserChange;
pub use self::diesel::{
    DbConnection, DbPool, DbPoolError, DieselDatastore, PoolStatus, SecurityDb,
};
pub use self::memory::MemoryDatastore;
pub use self::models::{
    NewRole, NewUser, OneTimeCode, OutboxMail, Role, SessionKind, SessionRecord, User, UserQuery,
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

/// Everything the security flows keep: users and roles (the methods of Flask-Security-Too's
/// `UserDatastore`), server-side sessions, the mail outbox, one-time codes and throttling
/// counters.
///
/// Methods that change something and return `bool` return `true` when a change was made, as
/// Flask-Security-Too's do. Implementations must be safe to share between threads and
/// application instances: all state lives in the store.
#[rocket::async_trait]
pub trait UserDatastore: Send + Sync + 'static {
    /// Checks that the store answers (one cheap query). The readiness route
    /// ([`Security::health`](crate::Security::health)) calls it.
    async fn ping(&self) -> DatastoreResult<()> {
        self.find_user(UserQuery::Id(0)).await.map(|_| ())
    }

    // ----- users -----

    /// Creates a user with fresh uniquifiers, granting the named roles (created on demand).
    /// Fails with [`DatastoreError::DuplicateUser`] when the e-mail address is taken, also when
    /// two creations race.
    async fn create_user(&self, user: NewUser) -> DatastoreResult<User>;

    /// Finds a user by one attribute.
    async fn find_user(&self, query: UserQuery<'_>) -> DatastoreResult<Option<User>>;

    /// Finds a user by id (when `identifier` is a number) or by e-mail address.
    async fn get_user(&self, identifier: &str) -> DatastoreResult<Option<User>> {
        match identifier.parse::<i64>() {
            Ok(id) => self.find_user(UserQuery::Id(id)).await,
            Err(_) => self.find_user(UserQuery::Email(identifier)).await,
        }
    }

    /// Writes every stored field of `user` (not its roles, not its trackable counters) and bumps
    /// `update_datetime`. Fails with [`DatastoreError::DuplicateUser`] when a changed e-mail
    /// address is taken.
    ///
    /// This overwrites whatever another request changed since `user` was read; the security
    /// flows use [`change_user`](Self::change_user) instead.
    async fn update_user(&self, user: &User) -> DatastoreResult<User>;

    /// Applies one targeted change in one conditional write (see [`UserChange`]) and bumps
    /// `update_datetime`. Returns the updated user, or `None` when the user is gone or the
    /// change's condition no longer held (then nothing was written): of concurrent callers
    /// making the same single-use change, exactly one gets `Some`.
    ///
    /// The shipped stores do this atomically. The default, for stores written before this
    /// method existed, reads the user, checks and applies the change and writes the whole user
    /// back with [`update_user`](Self::update_user): correct for one caller at a time only, so
    /// a store shared by concurrent requests should override it.
    async fn change_user(
        &self,
        user_id: i64,
        change: UserChange<'_>,
    ) -> DatastoreResult<Option<User>> {
        let Some(mut user) = self.find_user(UserQuery::Id(user_id)).await? else {
            return Ok(None);
        };
        if !change.apply_to(&mut user, change::random_uniquifier) {
            return Ok(None);
        }
        let user = self.update_user(&user).await?;
        if let UserChange::Password { keep, .. } = change {
            self.delete_user_sessions(user_id, keep).await?;
            for id_hash in keep {
                if let Some(mut session) = self.find_session(id_hash).await? {
                    session.fs_uniquifier = Some(user.fs_uniquifier.clone());
                    self.update_session(&session).await?;
                }
            }
        }
        Ok(Some(user))
    }

    /// Deletes the user and everything tied to them: role grants, sessions and remember-me
    /// tokens, one-time codes, security activity, and mail to their address not sent yet.
    /// Their API tokens and links stop working with the user gone.
    async fn delete_user(&self, user: &User) -> DatastoreResult<()>;

    /// Activates the user. Returns `true` if a change was made.
    async fn activate_user(&self, user: &User) -> DatastoreResult<bool>;

    /// Deactivates the user. Returns `true` if a change was made.
    async fn deactivate_user(&self, user: &User) -> DatastoreResult<bool>;

    /// Flips the user's active flag. Returns `true` (a change is always made).
    async fn toggle_active(&self, user: &User) -> DatastoreResult<bool> {
        if user.active {
            self.deactivate_user(user).await
        } else {
            self.activate_user(user).await
        }
    }

    /// Records a successful interactive login atomically: `login_count += 1`,
    /// `last_login_* := current_login_*` (on the first login `last_login_at := at`),
    /// `current_login_at := at`, `current_login_ip := ip`. Returns the updated user.
    async fn record_login(
        &self,
        user_id: i64,
        at: NaiveDateTime,
        ip: Option<&str>,
    ) -> DatastoreResult<User>;

    // ----- roles -----

    /// Creates a role. Fails with [`DatastoreError::DuplicateRole`] when the name is taken.
    async fn create_role(&self, role: NewRole) -> DatastoreResult<Role>;

    /// Finds a role by name.
    async fn find_role(&self, name: &str) -> DatastoreResult<Option<Role>>;

    /// Finds a role by name, creating it when missing (also when two callers race).
    async fn find_or_create_role(&self, name: &str) -> DatastoreResult<Role> {
        if let Some(role) = self.find_role(name).await? {
            return Ok(role);
        }
        match self
            .create_role(NewRole {
                name: name.to_owned(),
                ..NewRole::default()
            })
            .await
        {
            Ok(role) => Ok(role),
            Err(DatastoreError::DuplicateRole(_)) => self
                .find_role(name)
                .await?
                .ok_or_else(|| DatastoreError::RoleNotFound(name.to_owned())),
            Err(e) => Err(e),
        }
    }

    /// Lists every role, sorted by name.
    async fn list_roles(&self) -> DatastoreResult<Vec<Role>>;

    /// Grants the named role. Fails with [`DatastoreError::RoleNotFound`] when it does not exist.
    /// Returns `true` if a change was made.
    async fn add_role_to_user(&self, user: &User, role: &str) -> DatastoreResult<bool>;

    /// Revokes the named role. Returns `true` if a change was made.
    async fn remove_role_from_user(&self, user: &User, role: &str) -> DatastoreResult<bool>;

    // ----- sessions and remember-me tokens -----

    /// Stores a new session (or remember-me token).
    async fn create_session(&self, session: &SessionRecord) -> DatastoreResult<()>;

    /// Loads a session by the hash of its cookie secret, whether expired or not.
    async fn find_session(&self, id_hash: &str) -> DatastoreResult<Option<SessionRecord>>;

    /// Writes a session's user, uniquifier, data, last-seen, expiry and freshness.
    /// Returns `false` when the session no longer exists.
    async fn update_session(&self, session: &SessionRecord) -> DatastoreResult<bool>;

    /// Deletes one session. Returns `true` if it existed.
    async fn delete_session(&self, id_hash: &str) -> DatastoreResult<bool>;

    /// Deletes every session and remember-me token of a user except those listed.
    /// Returns how many were deleted.
    async fn delete_user_sessions(&self, user_id: i64, keep: &[&str]) -> DatastoreResult<u64>;

    /// Lists a user's live sessions and remember-me tokens, newest first.
    async fn list_user_sessions(&self, user_id: i64) -> DatastoreResult<Vec<SessionRecord>>;

    /// Deletes sessions whose `expires_at` is before `now`. Returns how many.
    async fn delete_expired_sessions(&self, now: NaiveDateTime) -> DatastoreResult<u64>;

    // ----- mail outbox -----

    /// Queues a mail; `id`, `attempts` and `sent_at` of the argument are ignored.
    /// Returns the stored mail.
    async fn enqueue_mail(&self, mail: &OutboxMail) -> DatastoreResult<OutboxMail>;

    /// Pending mails due at `now` (`sent_at` unset, `next_attempt_at <= now`), oldest first.
    async fn due_mails(&self, now: NaiveDateTime, limit: i64) -> DatastoreResult<Vec<OutboxMail>>;

    /// Claims a due mail for delivery until `lease_until`: one conditional write (`sent_at`
    /// unset and `next_attempt_at <= now`, then `next_attempt_at := lease_until`), so when
    /// several application instances pick the same mail exactly one gets it. A claim whose
    /// instance died before marking the mail sent or failed lapses at `lease_until`, and the
    /// mail is due again. Returns whether this caller got the mail.
    ///
    /// The default claims every mail, which is right only for a store used by one process;
    /// both shipped stores implement the conditional write.
    async fn claim_mail(
        &self,
        id: i64,
        now: NaiveDateTime,
        lease_until: NaiveDateTime,
    ) -> DatastoreResult<bool> {
        let _ = (id, now, lease_until);
        Ok(true)
    }

    /// Marks a mail delivered and clears its text and HTML bodies in the same write: a
    /// delivered mail may hold a live reset or confirmation link or a sign-in code, which the
    /// store must not keep.
    async fn mark_mail_sent(&self, id: i64, at: NaiveDateTime) -> DatastoreResult<()>;

    /// Records a failed attempt and when to try again.
    async fn mark_mail_failed(
        &self,
        id: i64,
        attempts: i32,
        next_attempt_at: NaiveDateTime,
        error: &str,
    ) -> DatastoreResult<()>;

    /// Mails not yet delivered (for operators and tests), oldest first.
    async fn pending_mails(&self) -> DatastoreResult<Vec<OutboxMail>>;

    // ----- one-time codes -----

    /// Stores a code, replacing any earlier code of the same user and purpose.
    async fn put_code(&self, code: &OneTimeCode) -> DatastoreResult<()>;

    /// Deletes and returns the user's code for `purpose` when its hash matches and it has not
    /// expired at `now`: a code works once. The comparison is constant-time.
    async fn take_code(
        &self,
        user_id: i64,
        purpose: &str,
        code_hash: &str,
        now: NaiveDateTime,
    ) -> DatastoreResult<bool>;

    // ----- throttling -----

    /// Counts one attempt under `key` and returns the count including this attempt. A counter
    /// whose window started more than `window` before `now` starts over at 1 with its window
    /// starting at `now`. Concurrent hits are all counted.
    async fn hit_counter(
        &self,
        key: &str,
        now: NaiveDateTime,
        window: chrono::Duration,
    ) -> DatastoreResult<i64>;

    /// Clears the counter under `key`.
    async fn reset_counter(&self, key: &str) -> DatastoreResult<()>;

    // ----- purging (run on a schedule, see `Security::purge_expired`) -----

    /// Delivered mails still kept (bodies cleared), newest first, at most `limit`: for
    /// operators and tests.
    async fn sent_mails(&self, limit: i64) -> DatastoreResult<Vec<OutboxMail>>;

    /// Deletes delivered mails whose `sent_at` is before `before`. Returns how many.
    async fn delete_sent_mails(&self, before: NaiveDateTime) -> DatastoreResult<u64>;

    /// Deletes one-time codes whose `expires_at` is before `now`. Returns how many.
    async fn delete_expired_codes(&self, now: NaiveDateTime) -> DatastoreResult<u64>;

    /// Deletes counters whose window opened before `before`. Returns how many. With `before`
    /// at least the longest window in use before now, this only forgets counters that the next
    /// hit would start over anyway.
    async fn delete_stale_counters(&self, before: NaiveDateTime) -> DatastoreResult<u64>;

    /// Reads the counter under `key` without counting: its count and the start of its window,
    /// or `None` when there is none. Whether the window is over is the caller's to decide.
    async fn read_counter(&self, key: &str) -> DatastoreResult<Option<(i64, NaiveDateTime)>>;

    // ----- security activity -----

    /// Appends an event to an account's security activity (`id` of the argument is ignored).
    ///
    /// The default keeps nothing, for stores written before the activity log; both shipped
    /// stores keep it.
    async fn add_activity(&self, activity: &Activity) -> DatastoreResult<()> {
        let _ = activity;
        Ok(())
    }

    /// An account's security activity, newest first: `limit` events after skipping `offset`.
    async fn list_activity(
        &self,
        user_id: i64,
        offset: i64,
        limit: i64,
    ) -> DatastoreResult<Vec<Activity>> {
        let _ = (user_id, offset, limit);
        Ok(Vec::new())
    }

    /// Whether the user signed in with this `User-Agent` (`None`: without one) at `since` or
    /// later, by the activity log. The default says yes, so stores without a log send no
    /// new-device notices.
    async fn signed_in_from(
        &self,
        user_id: i64,
        user_agent: Option<&str>,
        since: NaiveDateTime,
    ) -> DatastoreResult<bool> {
        let _ = (user_id, user_agent, since);
        Ok(true)
    }

    /// Deletes the activity recorded before `before`. Returns how many events.
    async fn purge_activity(&self, before: NaiveDateTime) -> DatastoreResult<u64> {
        let _ = before;
        Ok(0)
    }
}
