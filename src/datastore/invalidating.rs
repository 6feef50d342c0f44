//! `Invalidating`: a datastore that empties the [`AuthCache`] after every write that can end
//! or change a sign-in, so revocation on this instance is immediate.

use std::sync::Arc;

use chrono::NaiveDateTime;

use super::cache::AuthCache;
use super::{
    Activity, ActivityStore, Clocked, CodeStore, CounterStore, DatastoreResult, NewRole, NewUser,
    OneTimeCode, OutboxMail, OutboxStore, Role, RoleStore, SessionRecord, SessionStore,
    Uniquifiers, User, UserChange, UserDatastore, UserQuery, UserStore,
};
use super::{
    NewWebAuthnCredential, WebAuthnCeremony, WebAuthnCredential, WebAuthnState, WebAuthnStore,
};
use crate::clock::Clock;

/// `inner`, emptying `cache` after the writes that matter to it.
pub(crate) struct Invalidating {
    inner: Arc<dyn UserDatastore>,
    cache: Arc<AuthCache>,
}

impl Invalidating {
    /// Wraps `inner`.
    pub(crate) fn new(inner: Arc<dyn UserDatastore>, cache: Arc<AuthCache>) -> Invalidating {
        Invalidating { inner, cache }
    }

    /// `result`, after emptying the cache (also when the write failed: it may have happened).
    fn revoked<T>(&self, result: T) -> T {
        self.cache.invalidate();
        result
    }
}

impl Clocked for Invalidating {
    fn now(&self) -> NaiveDateTime {
        self.inner.now()
    }

    fn use_clock(&self, clock: Arc<dyn Clock>) {
        self.inner.use_clock(clock);
    }
}

#[rocket::async_trait]
impl UserStore for Invalidating {
    async fn insert_user(&self, user: NewUser, uniquifiers: Uniquifiers) -> DatastoreResult<User> {
        self.inner.insert_user(user, uniquifiers).await
    }

    async fn find_user(&self, query: UserQuery<'_>) -> DatastoreResult<Option<User>> {
        self.inner.find_user(query).await
    }

    async fn update_user(&self, user: &User) -> DatastoreResult<User> {
        self.revoked(self.inner.update_user(user).await)
    }

    async fn apply_change(
        &self,
        user_id: i64,
        change: UserChange<'_>,
        fresh: Uniquifiers,
    ) -> DatastoreResult<Option<User>> {
        self.revoked(self.inner.apply_change(user_id, change, fresh).await)
    }

    async fn delete_user(&self, user: &User) -> DatastoreResult<()> {
        self.revoked(self.inner.delete_user(user).await)
    }

    async fn activate_user(&self, user: &User) -> DatastoreResult<bool> {
        self.revoked(self.inner.activate_user(user).await)
    }

    async fn deactivate_user(&self, user: &User) -> DatastoreResult<bool> {
        self.revoked(self.inner.deactivate_user(user).await)
    }

    async fn record_login(
        &self,
        user_id: i64,
        at: NaiveDateTime,
        ip: Option<&str>,
    ) -> DatastoreResult<User> {
        let result = self.inner.record_login(user_id, at, ip).await;
        self.cache.forget_user(user_id);
        result
    }
}

#[rocket::async_trait]
impl RoleStore for Invalidating {
    async fn create_role(&self, role: NewRole) -> DatastoreResult<Role> {
        self.inner.create_role(role).await
    }

    async fn find_role(&self, name: &str) -> DatastoreResult<Option<Role>> {
        self.inner.find_role(name).await
    }

    async fn list_roles(&self) -> DatastoreResult<Vec<Role>> {
        self.inner.list_roles().await
    }

    async fn add_role_to_user(&self, user: &User, role: &str) -> DatastoreResult<bool> {
        self.revoked(self.inner.add_role_to_user(user, role).await)
    }

    async fn remove_role_from_user(&self, user: &User, role: &str) -> DatastoreResult<bool> {
        self.revoked(self.inner.remove_role_from_user(user, role).await)
    }
}

#[rocket::async_trait]
impl SessionStore for Invalidating {
    async fn create_session(&self, session: &SessionRecord) -> DatastoreResult<()> {
        self.inner.create_session(session).await
    }

    async fn find_session(&self, id_hash: &str) -> DatastoreResult<Option<SessionRecord>> {
        self.inner.find_session(id_hash).await
    }

    async fn update_session(&self, session: &SessionRecord) -> DatastoreResult<bool> {
        let result = self.inner.update_session(session).await;
        self.cache.forget_session(&session.id_hash);
        result
    }

    async fn delete_session(&self, id_hash: &str) -> DatastoreResult<bool> {
        self.revoked(self.inner.delete_session(id_hash).await)
    }

    async fn delete_user_sessions(&self, user_id: i64, keep: &[&str]) -> DatastoreResult<u64> {
        self.revoked(self.inner.delete_user_sessions(user_id, keep).await)
    }

    async fn list_user_sessions(&self, user_id: i64) -> DatastoreResult<Vec<SessionRecord>> {
        self.inner.list_user_sessions(user_id).await
    }

    async fn delete_expired_sessions(&self, now: NaiveDateTime) -> DatastoreResult<u64> {
        self.revoked(self.inner.delete_expired_sessions(now).await)
    }
}

#[rocket::async_trait]
impl OutboxStore for Invalidating {
    async fn enqueue_mail(&self, mail: &OutboxMail) -> DatastoreResult<OutboxMail> {
        self.inner.enqueue_mail(mail).await
    }

    async fn due_mails(&self, now: NaiveDateTime, limit: i64) -> DatastoreResult<Vec<OutboxMail>> {
        self.inner.due_mails(now, limit).await
    }

    async fn claim_mail(
        &self,
        id: i64,
        now: NaiveDateTime,
        lease_until: NaiveDateTime,
    ) -> DatastoreResult<bool> {
        self.inner.claim_mail(id, now, lease_until).await
    }

    async fn mark_mail_sent(&self, id: i64, at: NaiveDateTime) -> DatastoreResult<()> {
        self.inner.mark_mail_sent(id, at).await
    }

    async fn mark_mail_failed(
        &self,
        id: i64,
        attempts: i32,
        next_attempt_at: NaiveDateTime,
        error: &str,
    ) -> DatastoreResult<()> {
        self.inner
            .mark_mail_failed(id, attempts, next_attempt_at, error)
            .await
    }

    async fn pending_mails(&self) -> DatastoreResult<Vec<OutboxMail>> {
        self.inner.pending_mails().await
    }

    async fn sent_mails(&self, limit: i64) -> DatastoreResult<Vec<OutboxMail>> {
        self.inner.sent_mails(limit).await
    }

    async fn delete_sent_mails(&self, before: NaiveDateTime) -> DatastoreResult<u64> {
        self.inner.delete_sent_mails(before).await
    }
}

#[rocket::async_trait]
impl CodeStore for Invalidating {
    async fn put_code(&self, code: &OneTimeCode) -> DatastoreResult<()> {
        self.inner.put_code(code).await
    }

    async fn take_code(
        &self,
        user_id: i64,
        purpose: &str,
        code_hash: &str,
        now: NaiveDateTime,
    ) -> DatastoreResult<bool> {
        self.inner.take_code(user_id, purpose, code_hash, now).await
    }

    async fn delete_expired_codes(&self, now: NaiveDateTime) -> DatastoreResult<u64> {
        self.inner.delete_expired_codes(now).await
    }
}

#[rocket::async_trait]
impl CounterStore for Invalidating {
    async fn hit_counter(
        &self,
        key: &str,
        now: NaiveDateTime,
        window: chrono::Duration,
    ) -> DatastoreResult<i64> {
        self.inner.hit_counter(key, now, window).await
    }

    async fn reset_counter(&self, key: &str) -> DatastoreResult<()> {
        self.inner.reset_counter(key).await
    }

    async fn read_counter(&self, key: &str) -> DatastoreResult<Option<(i64, NaiveDateTime)>> {
        self.inner.read_counter(key).await
    }

    async fn read_counters(
        &self,
        keys: &[String],
    ) -> DatastoreResult<Vec<Option<(i64, NaiveDateTime)>>> {
        self.inner.read_counters(keys).await
    }

    async fn delete_stale_counters(&self, before: NaiveDateTime) -> DatastoreResult<u64> {
        self.inner.delete_stale_counters(before).await
    }
}

#[rocket::async_trait]
impl ActivityStore for Invalidating {
    async fn add_activity(&self, entry: &Activity) -> DatastoreResult<()> {
        self.inner.add_activity(entry).await
    }

    async fn list_activity(
        &self,
        user_id: i64,
        offset: i64,
        limit: i64,
    ) -> DatastoreResult<Vec<Activity>> {
        self.inner.list_activity(user_id, offset, limit).await
    }

    async fn signed_in_from(
        &self,
        user_id: i64,
        user_agent: Option<&str>,
        since: NaiveDateTime,
    ) -> DatastoreResult<bool> {
        self.inner.signed_in_from(user_id, user_agent, since).await
    }

    async fn purge_activity(&self, before: NaiveDateTime) -> DatastoreResult<u64> {
        self.inner.purge_activity(before).await
    }
}

/// Passkeys sign no one out: every call goes straight through.
#[rocket::async_trait]
impl WebAuthnStore for Invalidating {
    async fn add_webauthn_credential(
        &self,
        credential: &NewWebAuthnCredential,
        now: NaiveDateTime,
    ) -> DatastoreResult<Option<WebAuthnCredential>> {
        self.inner.add_webauthn_credential(credential, now).await
    }

    async fn list_webauthn_credentials(
        &self,
        user_id: i64,
    ) -> DatastoreResult<Vec<WebAuthnCredential>> {
        self.inner.list_webauthn_credentials(user_id).await
    }

    async fn find_webauthn_credential(
        &self,
        credential_id: &str,
    ) -> DatastoreResult<Option<WebAuthnCredential>> {
        self.inner.find_webauthn_credential(credential_id).await
    }

    async fn update_webauthn_credential(
        &self,
        id: i64,
        passkey: &str,
        used_at: NaiveDateTime,
    ) -> DatastoreResult<bool> {
        self.inner
            .update_webauthn_credential(id, passkey, used_at)
            .await
    }

    async fn rename_webauthn_credential(
        &self,
        user_id: i64,
        id: i64,
        name: &str,
    ) -> DatastoreResult<bool> {
        self.inner
            .rename_webauthn_credential(user_id, id, name)
            .await
    }

    async fn delete_webauthn_credential(&self, user_id: i64, id: i64) -> DatastoreResult<bool> {
        self.inner.delete_webauthn_credential(user_id, id).await
    }

    async fn put_webauthn_state(&self, state: &WebAuthnState) -> DatastoreResult<()> {
        self.inner.put_webauthn_state(state).await
    }

    async fn take_webauthn_state(
        &self,
        token_hash: &str,
        ceremony: WebAuthnCeremony,
        now: NaiveDateTime,
    ) -> DatastoreResult<Option<WebAuthnState>> {
        self.inner
            .take_webauthn_state(token_hash, ceremony, now)
            .await
    }

    async fn delete_expired_webauthn_states(&self, now: NaiveDateTime) -> DatastoreResult<u64> {
        self.inner.delete_expired_webauthn_states(now).await
    }
}
