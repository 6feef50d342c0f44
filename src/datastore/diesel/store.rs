//! The store traits for [`DieselDatastore`], one module per concern.

use chrono::NaiveDateTime;

use super::{
    activity, changes, codes, counters, outbox, purge, roles, sessions, users, webauthn,
    DieselDatastore,
};
use crate::datastore::{
    Activity, ActivityStore, CodeStore, CounterStore, DatastoreResult, NewRole, NewUser,
    OneTimeCode, OutboxMail, OutboxStore, Role, RoleStore, SessionRecord, SessionStore,
    Uniquifiers, User, UserChange, UserQuery, UserStore,
};
use crate::datastore::{
    NewWebAuthnCredential, WebAuthnCeremony, WebAuthnCredential, WebAuthnState, WebAuthnStore,
};

#[rocket::async_trait]
impl UserStore for DieselDatastore {
    async fn insert_user(&self, user: NewUser, uniquifiers: Uniquifiers) -> DatastoreResult<User> {
        users::create(self, user, uniquifiers).await
    }

    async fn find_user(&self, query: UserQuery<'_>) -> DatastoreResult<Option<User>> {
        users::find(self, query).await
    }

    async fn update_user(&self, user: &User) -> DatastoreResult<User> {
        users::update(self, user).await
    }

    async fn apply_change(
        &self,
        user_id: i64,
        change: UserChange<'_>,
        fresh: Uniquifiers,
    ) -> DatastoreResult<Option<User>> {
        changes::change(self, user_id, change, fresh).await
    }

    async fn delete_user(&self, user: &User) -> DatastoreResult<()> {
        users::delete(self, user).await
    }

    async fn activate_user(&self, user: &User) -> DatastoreResult<bool> {
        users::set_active(self, user, true).await
    }

    async fn deactivate_user(&self, user: &User) -> DatastoreResult<bool> {
        users::set_active(self, user, false).await
    }

    async fn record_login(
        &self,
        user_id: i64,
        at: NaiveDateTime,
        ip: Option<&str>,
    ) -> DatastoreResult<User> {
        users::record_login(self, user_id, at, ip).await
    }
}

#[rocket::async_trait]
impl RoleStore for DieselDatastore {
    async fn create_role(&self, role: NewRole) -> DatastoreResult<Role> {
        roles::create(self, role).await
    }

    async fn find_role(&self, name: &str) -> DatastoreResult<Option<Role>> {
        roles::find(self, name).await
    }

    async fn list_roles(&self) -> DatastoreResult<Vec<Role>> {
        roles::list(self).await
    }

    async fn add_role_to_user(&self, user: &User, role: &str) -> DatastoreResult<bool> {
        roles::grant(self, user, role).await
    }

    async fn remove_role_from_user(&self, user: &User, role: &str) -> DatastoreResult<bool> {
        roles::revoke(self, user, role).await
    }
}

#[rocket::async_trait]
impl SessionStore for DieselDatastore {
    async fn create_session(&self, session: &SessionRecord) -> DatastoreResult<()> {
        sessions::create(self, session).await
    }

    async fn find_session(&self, id_hash: &str) -> DatastoreResult<Option<SessionRecord>> {
        sessions::find(self, id_hash).await
    }

    async fn update_session(&self, session: &SessionRecord) -> DatastoreResult<bool> {
        sessions::update(self, session).await
    }

    async fn delete_session(&self, id_hash: &str) -> DatastoreResult<bool> {
        sessions::delete(self, id_hash).await
    }

    async fn delete_user_sessions(&self, user_id: i64, keep: &[&str]) -> DatastoreResult<u64> {
        sessions::delete_for_user(self, user_id, keep).await
    }

    async fn list_user_sessions(&self, user_id: i64) -> DatastoreResult<Vec<SessionRecord>> {
        sessions::list_for_user(self, user_id).await
    }

    async fn delete_expired_sessions(&self, now: NaiveDateTime) -> DatastoreResult<u64> {
        sessions::delete_expired(self, now).await
    }
}

#[rocket::async_trait]
impl OutboxStore for DieselDatastore {
    async fn enqueue_mail(&self, mail: &OutboxMail) -> DatastoreResult<OutboxMail> {
        outbox::enqueue(self, mail).await
    }

    async fn due_mails(&self, now: NaiveDateTime, limit: i64) -> DatastoreResult<Vec<OutboxMail>> {
        outbox::due(self, now, limit).await
    }

    async fn claim_mail(
        &self,
        id: i64,
        now: NaiveDateTime,
        lease_until: NaiveDateTime,
    ) -> DatastoreResult<bool> {
        outbox::claim(self, id, now, lease_until).await
    }

    async fn mark_mail_sent(&self, id: i64, at: NaiveDateTime) -> DatastoreResult<()> {
        outbox::mark_sent(self, id, at).await
    }

    async fn mark_mail_failed(
        &self,
        id: i64,
        attempts: i32,
        next_attempt_at: NaiveDateTime,
        error: &str,
    ) -> DatastoreResult<()> {
        outbox::mark_failed(self, id, attempts, next_attempt_at, error).await
    }

    async fn pending_mails(&self) -> DatastoreResult<Vec<OutboxMail>> {
        outbox::pending(self).await
    }

    async fn sent_mails(&self, limit: i64) -> DatastoreResult<Vec<OutboxMail>> {
        purge::sent_mails(self, limit).await
    }

    async fn delete_sent_mails(&self, before: NaiveDateTime) -> DatastoreResult<u64> {
        purge::delete_sent_mails(self, before).await
    }
}

#[rocket::async_trait]
impl CodeStore for DieselDatastore {
    async fn put_code(&self, code: &OneTimeCode) -> DatastoreResult<()> {
        codes::put(self, code).await
    }

    async fn take_code(
        &self,
        user_id: i64,
        purpose: &str,
        code_hash: &str,
        now: NaiveDateTime,
    ) -> DatastoreResult<bool> {
        codes::take(self, user_id, purpose, code_hash, now).await
    }

    async fn delete_expired_codes(&self, now: NaiveDateTime) -> DatastoreResult<u64> {
        purge::delete_expired_codes(self, now).await
    }
}

#[rocket::async_trait]
impl CounterStore for DieselDatastore {
    async fn hit_counter(
        &self,
        key: &str,
        now: NaiveDateTime,
        window: chrono::Duration,
    ) -> DatastoreResult<i64> {
        counters::hit(self, key, now, window).await
    }

    async fn reset_counter(&self, key: &str) -> DatastoreResult<()> {
        counters::reset(self, key).await
    }

    async fn read_counter(&self, key: &str) -> DatastoreResult<Option<(i64, NaiveDateTime)>> {
        counters::read(self, key).await
    }

    async fn read_counters(
        &self,
        keys: &[String],
    ) -> DatastoreResult<Vec<Option<(i64, NaiveDateTime)>>> {
        counters::read_many(self, keys).await
    }

    async fn delete_stale_counters(&self, before: NaiveDateTime) -> DatastoreResult<u64> {
        purge::delete_stale_counters(self, before).await
    }
}

#[rocket::async_trait]
impl ActivityStore for DieselDatastore {
    async fn add_activity(&self, entry: &Activity) -> DatastoreResult<()> {
        activity::add(self, entry).await
    }

    async fn list_activity(
        &self,
        user_id: i64,
        offset: i64,
        limit: i64,
    ) -> DatastoreResult<Vec<Activity>> {
        activity::list(self, user_id, offset, limit).await
    }

    async fn purge_activity(&self, before: NaiveDateTime) -> DatastoreResult<u64> {
        activity::purge(self, before).await
    }

    async fn signed_in_from(
        &self,
        user_id: i64,
        user_agent: Option<&str>,
        since: NaiveDateTime,
    ) -> DatastoreResult<bool> {
        activity::signed_in_from(self, user_id, user_agent, since).await
    }
}

#[rocket::async_trait]
impl WebAuthnStore for DieselDatastore {
    async fn add_webauthn_credential(
        &self,
        credential: &NewWebAuthnCredential,
        now: NaiveDateTime,
    ) -> DatastoreResult<Option<WebAuthnCredential>> {
        webauthn::add(self, credential, now).await
    }

    async fn list_webauthn_credentials(
        &self,
        user_id: i64,
    ) -> DatastoreResult<Vec<WebAuthnCredential>> {
        webauthn::list(self, user_id).await
    }

    async fn find_webauthn_credential(
        &self,
        credential_id: &str,
    ) -> DatastoreResult<Option<WebAuthnCredential>> {
        webauthn::find(self, credential_id).await
    }

    async fn update_webauthn_credential(
        &self,
        id: i64,
        passkey: &str,
        used_at: NaiveDateTime,
    ) -> DatastoreResult<bool> {
        webauthn::update(self, id, passkey, used_at).await
    }

    async fn rename_webauthn_credential(
        &self,
        user_id: i64,
        id: i64,
        name: &str,
    ) -> DatastoreResult<bool> {
        webauthn::rename(self, user_id, id, name).await
    }

    async fn delete_webauthn_credential(&self, user_id: i64, id: i64) -> DatastoreResult<bool> {
        webauthn::delete(self, user_id, id).await
    }

    async fn put_webauthn_state(&self, state: &WebAuthnState) -> DatastoreResult<()> {
        webauthn::put_state(self, state).await
    }

    async fn take_webauthn_state(
        &self,
        token_hash: &str,
        ceremony: WebAuthnCeremony,
        now: NaiveDateTime,
    ) -> DatastoreResult<Option<WebAuthnState>> {
        webauthn::take_state(self, token_hash, ceremony, now).await
    }

    async fn delete_expired_webauthn_states(&self, now: NaiveDateTime) -> DatastoreResult<u64> {
        webauthn::purge_states(self, now).await
    }
}
