//! The small store traits: users, roles, sessions, the mail outbox, one-time codes, throttling
//! counters, the security activity log and passkeys. [`UserDatastore`](super::UserDatastore) is every one
//! of them together.
//!
//! Methods that change something and return `bool` return `true` when a change was made, as
//! Flask-Security-Too's do. Implementations must be safe to share between threads and
//! application instances: all state lives in the store.

use std::sync::Arc;

use chrono::{NaiveDateTime, Utc};

use super::{
    micros, Activity, DatastoreError, DatastoreResult, NewRole, NewUser, OneTimeCode, OutboxMail,
    Role, SessionRecord, Uniquifiers, User, UserChange, UserQuery,
};
use super::{NewWebAuthnCredential, WebAuthnCeremony, WebAuthnCredential, WebAuthnState};
use crate::clock::Clock;

/// Where a store takes the time it stamps (`create_datetime`, `update_datetime`, what is "live"
/// now) and the outbox takes the time it delivers by.
///
/// The defaults use the system clock and ignore [`use_clock`](Self::use_clock); the shipped
/// stores take the clock the application's [`SecurityBuilder`](crate::SecurityBuilder) was
/// given, so a [`ManualClock`](crate::ManualClock) drives them too.
pub trait Clocked: Send + Sync + 'static {
    /// The current time, naive UTC, cut to whole microseconds.
    fn now(&self) -> NaiveDateTime {
        micros(Utc::now().naive_utc())
    }

    /// Takes the time from `clock` from now on.
    fn use_clock(&self, clock: Arc<dyn Clock>) {
        let _ = clock;
    }
}

/// Users (the user methods of Flask-Security-Too's `UserDatastore`).
#[rocket::async_trait]
pub trait UserStore: Clocked {
    /// Checks that the store answers (one cheap query). The readiness route
    /// ([`Security::health`](crate::Security::health)) calls it.
    async fn ping(&self) -> DatastoreResult<()> {
        self.find_user(UserQuery::Id(0)).await.map(|_| ())
    }

    /// Creates a user with fresh uniquifiers, granting the named roles (created on demand).
    /// Fails with [`DatastoreError::DuplicateUser`] when the e-mail address is taken, also when
    /// two creations race.
    ///
    /// The uniquifiers are made here, once for every store; stores implement
    /// [`insert_user`](Self::insert_user).
    async fn create_user(&self, user: NewUser) -> DatastoreResult<User> {
        self.insert_user(user, Uniquifiers::fresh()).await
    }

    /// Stores a new user with the given uniquifiers (see [`create_user`](Self::create_user)).
    async fn insert_user(&self, user: NewUser, uniquifiers: Uniquifiers) -> DatastoreResult<User>;

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
    /// A new password's uniquifiers are made here; stores implement
    /// [`apply_change`](Self::apply_change).
    async fn change_user(
        &self,
        user_id: i64,
        change: UserChange<'_>,
    ) -> DatastoreResult<Option<User>> {
        self.apply_change(user_id, change, Uniquifiers::fresh())
            .await
    }

    /// Applies `change` atomically (see [`change_user`](Self::change_user)); a new password
    /// takes `fresh` as the user's uniquifiers, and the returned user shows them.
    async fn apply_change(
        &self,
        user_id: i64,
        change: UserChange<'_>,
        fresh: Uniquifiers,
    ) -> DatastoreResult<Option<User>>;

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
}

/// Roles and their grants.
#[rocket::async_trait]
pub trait RoleStore: Clocked {
    /// Creates a role. Fails with [`DatastoreError::DuplicateRole`] when the name is taken.
    async fn create_role(&self, role: NewRole) -> DatastoreResult<Role>;

    /// Finds a role by name.
    async fn find_role(&self, name: &str) -> DatastoreResult<Option<Role>>;

    /// Finds a role by name, creating it when missing (also when two callers race).
    async fn find_or_create_role(&self, name: &str) -> DatastoreResult<Role> {
        if let Some(role) = self.find_role(name).await? {
            return Ok(role);
        }
        let role = NewRole {
            name: name.to_owned(),
            ..NewRole::default()
        };
        match self.create_role(role).await {
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
}

/// Server-side sessions and remember-me tokens.
#[rocket::async_trait]
pub trait SessionStore: Clocked {
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

    /// Lists a user's sessions and remember-me tokens still live at the store's
    /// [`now`](Clocked::now), newest first.
    async fn list_user_sessions(&self, user_id: i64) -> DatastoreResult<Vec<SessionRecord>>;

    /// Deletes sessions whose `expires_at` is before `now`. Returns how many.
    async fn delete_expired_sessions(&self, now: NaiveDateTime) -> DatastoreResult<u64>;
}

/// The mail outbox. [`Outbox`](crate::Outbox) delivers by the store's [`now`](Clocked::now).
#[rocket::async_trait]
pub trait OutboxStore: Clocked {
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

    /// Delivered mails still kept (bodies cleared), newest first, at most `limit`: for
    /// operators and tests.
    async fn sent_mails(&self, limit: i64) -> DatastoreResult<Vec<OutboxMail>>;

    /// Deletes delivered mails whose `sent_at` is before `before`. Returns how many.
    async fn delete_sent_mails(&self, before: NaiveDateTime) -> DatastoreResult<u64>;
}

/// One-time codes (sign-in codes, rescue codes).
#[rocket::async_trait]
pub trait CodeStore: Send + Sync + 'static {
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

    /// Deletes one-time codes whose `expires_at` is before `now`. Returns how many.
    async fn delete_expired_codes(&self, now: NaiveDateTime) -> DatastoreResult<u64>;
}

/// Throttling counters.
#[rocket::async_trait]
pub trait CounterStore: Send + Sync + 'static {
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

    /// Reads the counter under `key` without counting: its count and the start of its window,
    /// or `None` when there is none. Whether the window is over is the caller's to decide.
    async fn read_counter(&self, key: &str) -> DatastoreResult<Option<(i64, NaiveDateTime)>>;

    /// Reads several counters at once, as [`read_counter`](Self::read_counter) reads one: the
    /// answer has one entry per key, in the order of `keys`. The default reads them one by
    /// one; a store with a round trip per call should read them in one.
    async fn read_counters(
        &self,
        keys: &[String],
    ) -> DatastoreResult<Vec<Option<(i64, NaiveDateTime)>>> {
        let mut counters = Vec::with_capacity(keys.len());
        for key in keys {
            counters.push(self.read_counter(key).await?);
        }
        Ok(counters)
    }

    /// Deletes counters whose window opened before `before`. Returns how many. With `before`
    /// at least the longest window in use before now, this only forgets counters that the next
    /// hit would start over anyway.
    async fn delete_stale_counters(&self, before: NaiveDateTime) -> DatastoreResult<u64>;
}

/// The security activity log of accounts.
///
/// The defaults keep nothing and say every user agent is known (so no new-device notices go
/// out): `impl ActivityStore for MyStore {}` is a store without a log.
#[rocket::async_trait]
pub trait ActivityStore: Send + Sync + 'static {
    /// Appends an event to an account's security activity (`id` of the argument is ignored).
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

/// Passkeys (WebAuthn credentials) and the state of WebAuthn ceremonies in progress.
#[rocket::async_trait]
pub trait WebAuthnStore: Send + Sync + 'static {
    /// Stores a new passkey. Returns `None` (and stores nothing) when its credential id is
    /// already registered, or the user already has a passkey of that name.
    async fn add_webauthn_credential(
        &self,
        credential: &NewWebAuthnCredential,
        now: NaiveDateTime,
    ) -> DatastoreResult<Option<WebAuthnCredential>>;

    /// A user's passkeys, oldest first.
    async fn list_webauthn_credentials(
        &self,
        user_id: i64,
    ) -> DatastoreResult<Vec<WebAuthnCredential>>;

    /// Finds a passkey by its credential id (base64url).
    async fn find_webauthn_credential(
        &self,
        credential_id: &str,
    ) -> DatastoreResult<Option<WebAuthnCredential>>;

    /// Writes a passkey's key material (its new sign count) after a use and stamps its last
    /// use. Returns `false` when it no longer exists.
    async fn update_webauthn_credential(
        &self,
        id: i64,
        passkey: &str,
        used_at: NaiveDateTime,
    ) -> DatastoreResult<bool>;

    /// Renames one of the user's passkeys. Returns `false` when the user has no such passkey or
    /// already has another one of that name.
    async fn rename_webauthn_credential(
        &self,
        user_id: i64,
        id: i64,
        name: &str,
    ) -> DatastoreResult<bool>;

    /// Deletes one of the user's passkeys. Returns `true` if it existed.
    async fn delete_webauthn_credential(&self, user_id: i64, id: i64) -> DatastoreResult<bool>;

    /// Stores the state of a ceremony in progress.
    async fn put_webauthn_state(&self, state: &WebAuthnState) -> DatastoreResult<()>;

    /// Deletes and returns the state stored under `token_hash` for `ceremony` when it has not
    /// expired at `now`: one conditional delete, so of concurrent takers exactly one gets it.
    async fn take_webauthn_state(
        &self,
        token_hash: &str,
        ceremony: WebAuthnCeremony,
        now: NaiveDateTime,
    ) -> DatastoreResult<Option<WebAuthnState>>;

    /// Deletes ceremony states whose `expires_at` is before `now`. Returns how many.
    async fn delete_expired_webauthn_states(&self, now: NaiveDateTime) -> DatastoreResult<u64>;
}
