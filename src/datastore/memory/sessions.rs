//! Sessions and remember-me tokens.

use chrono::NaiveDateTime;

use super::{DuplicateSession, MemoryDatastore};
use crate::datastore::{Clocked, DatastoreError, DatastoreResult, SessionRecord, SessionStore};

#[rocket::async_trait]
impl SessionStore for MemoryDatastore {
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

    /// Sessions whose `expires_at` is still ahead of the store's clock, newest first.
    async fn list_user_sessions(&self, user_id: i64) -> DatastoreResult<Vec<SessionRecord>> {
        let now = self.now();
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
}
