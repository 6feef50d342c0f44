//! Passkeys and WebAuthn ceremony states.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::NaiveDateTime;

use super::MemoryDatastore;
use crate::datastore::{
    micros, DatastoreResult, NewWebAuthnCredential, WebAuthnCeremony, WebAuthnCredential,
    WebAuthnState, WebAuthnStore,
};

/// The passkeys and ceremony states of the in-memory store.
#[derive(Debug, Default)]
pub(super) struct MemoryWebAuthn {
    inner: Mutex<Passkeys>,
}

#[derive(Debug, Default)]
struct Passkeys {
    last_id: i64,
    credentials: BTreeMap<i64, WebAuthnCredential>,
    states: HashMap<String, WebAuthnState>,
}

impl MemoryWebAuthn {
    fn lock(&self) -> MutexGuard<'_, Passkeys> {
        // Every method leaves the maps consistent before anything could panic.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Forgets a deleted user's passkeys.
    pub fn forget_user(&self, user_id: i64) {
        let mut inner = self.lock();
        inner.credentials.retain(|_, c| c.user_id != user_id);
        inner.states.retain(|_, s| s.user_id != Some(user_id));
    }
}

#[rocket::async_trait]
impl WebAuthnStore for MemoryDatastore {
    async fn add_webauthn_credential(
        &self,
        credential: &NewWebAuthnCredential,
        now: NaiveDateTime,
    ) -> DatastoreResult<Option<WebAuthnCredential>> {
        self.lock().user(credential.user_id)?;
        let mut inner = self.webauthn.lock();
        let taken = inner.credentials.values().any(|c| {
            c.credential_id == credential.credential_id
                || (c.user_id == credential.user_id && c.name == credential.name)
        });
        if taken {
            return Ok(None);
        }
        inner.last_id += 1;
        let stored = WebAuthnCredential {
            id: inner.last_id,
            user_id: credential.user_id,
            credential_id: credential.credential_id.clone(),
            name: credential.name.clone(),
            usage: credential.usage,
            passkey: credential.passkey.clone(),
            create_datetime: micros(now),
            last_use_datetime: None,
        };
        inner.credentials.insert(stored.id, stored.clone());
        Ok(Some(stored))
    }

    async fn list_webauthn_credentials(
        &self,
        user_id: i64,
    ) -> DatastoreResult<Vec<WebAuthnCredential>> {
        let inner = self.webauthn.lock();
        Ok(inner
            .credentials
            .values()
            .filter(|c| c.user_id == user_id)
            .cloned()
            .collect())
    }

    async fn find_webauthn_credential(
        &self,
        credential_id: &str,
    ) -> DatastoreResult<Option<WebAuthnCredential>> {
        let inner = self.webauthn.lock();
        Ok(inner
            .credentials
            .values()
            .find(|c| c.credential_id == credential_id)
            .cloned())
    }

    async fn update_webauthn_credential(
        &self,
        id: i64,
        passkey: &str,
        used_at: NaiveDateTime,
    ) -> DatastoreResult<bool> {
        let mut inner = self.webauthn.lock();
        let Some(stored) = inner.credentials.get_mut(&id) else {
            return Ok(false);
        };
        passkey.clone_into(&mut stored.passkey);
        stored.last_use_datetime = Some(micros(used_at));
        Ok(true)
    }

    async fn rename_webauthn_credential(
        &self,
        user_id: i64,
        id: i64,
        name: &str,
    ) -> DatastoreResult<bool> {
        let mut inner = self.webauthn.lock();
        let clash = inner
            .credentials
            .values()
            .any(|c| c.user_id == user_id && c.id != id && c.name == name);
        match inner.credentials.get_mut(&id) {
            Some(stored) if stored.user_id == user_id && !clash => {
                name.clone_into(&mut stored.name);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn delete_webauthn_credential(&self, user_id: i64, id: i64) -> DatastoreResult<bool> {
        let mut inner = self.webauthn.lock();
        let mine = inner
            .credentials
            .get(&id)
            .is_some_and(|c| c.user_id == user_id);
        Ok(mine && inner.credentials.remove(&id).is_some())
    }

    async fn put_webauthn_state(&self, state: &WebAuthnState) -> DatastoreResult<()> {
        let mut stored = state.clone();
        stored.expires_at = micros(stored.expires_at);
        self.webauthn
            .lock()
            .states
            .insert(stored.token_hash.clone(), stored);
        Ok(())
    }

    async fn take_webauthn_state(
        &self,
        token_hash: &str,
        ceremony: WebAuthnCeremony,
        now: NaiveDateTime,
    ) -> DatastoreResult<Option<WebAuthnState>> {
        let mut inner = self.webauthn.lock();
        let live = inner
            .states
            .get(token_hash)
            .is_some_and(|s| s.ceremony == ceremony && s.expires_at >= now);
        Ok(if live {
            inner.states.remove(token_hash)
        } else {
            None
        })
    }

    async fn delete_expired_webauthn_states(&self, now: NaiveDateTime) -> DatastoreResult<u64> {
        let mut inner = self.webauthn.lock();
        let count = inner.states.len();
        inner.states.retain(|_, s| s.expires_at >= now);
        Ok((count - inner.states.len()) as u64)
    }
}
