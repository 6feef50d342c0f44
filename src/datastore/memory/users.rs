//! Users: creation, look-ups, updates, deletion, activation and login tracking.

use chrono::NaiveDateTime;

use super::{change, MemoryDatastore};
use crate::datastore::{
    micros, same_key, Clocked, DatastoreError, DatastoreResult, NewUser, Uniquifiers, User,
    UserChange, UserQuery, UserStore,
};

#[rocket::async_trait]
impl UserStore for MemoryDatastore {
    async fn insert_user(&self, user: NewUser, uniquifiers: Uniquifiers) -> DatastoreResult<User> {
        let created = self.now();
        let mut inner = self.lock();
        inner.check_unique(&user.email, user.username.as_deref(), None)?;
        inner.last_user_id += 1;
        let id = inner.last_user_id;
        for name in &user.roles {
            let role_id = inner.role_id_or_create(name, created);
            inner.grants.insert((id, role_id));
        }
        let stored = User {
            id,
            email: user.email,
            username: user.username,
            password: user.password,
            active: user.active,
            fs_uniquifier: uniquifiers.fs_uniquifier,
            fs_token_uniquifier: uniquifiers.fs_token_uniquifier,
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
            UserQuery::Email(email) => inner.users.values().find(|u| same_key(&u.email, email)),
            UserQuery::Uniquifier(value) => inner.users.values().find(|u| u.fs_uniquifier == value),
            UserQuery::TokenUniquifier(value) => inner
                .users
                .values()
                .find(|u| u.fs_token_uniquifier == value),
            UserQuery::Username(name) => inner
                .users
                .values()
                .find(|u| u.username.as_deref().is_some_and(|own| same_key(own, name))),
        };
        Ok(found.map(|user| inner.with_roles(user)))
    }

    async fn update_user(&self, user: &User) -> DatastoreResult<User> {
        let now = self.now();
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
        stored.update_datetime = now;
        let stored = stored.clone();
        Ok(inner.with_roles(&stored))
    }

    async fn apply_change(
        &self,
        user_id: i64,
        change: UserChange<'_>,
        fresh: Uniquifiers,
    ) -> DatastoreResult<Option<User>> {
        let now = self.now();
        let mut inner = self.lock();
        let changed = change::apply(&mut inner, user_id, change, &fresh, now)?;
        Ok(changed.map(|user| inner.with_roles(&user)))
    }

    async fn delete_user(&self, user: &User) -> DatastoreResult<()> {
        self.activity.forget_user(user.id);
        self.webauthn.forget_user(user.id);
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
        let now = self.now();
        self.lock().set_active(user.id, true, now)
    }

    async fn deactivate_user(&self, user: &User) -> DatastoreResult<bool> {
        let now = self.now();
        self.lock().set_active(user.id, false, now)
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
}
