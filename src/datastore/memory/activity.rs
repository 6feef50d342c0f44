//! The security activity log.

use std::sync::{Mutex, PoisonError};

use chrono::NaiveDateTime;

use super::MemoryDatastore;
use crate::datastore::{micros, Activity, ActivityKind, ActivityStore, DatastoreResult};

/// The activity log of the in-memory store.
#[derive(Debug, Default)]
pub(super) struct MemoryActivity {
    rows: Mutex<(i64, Vec<Activity>)>,
}

impl MemoryActivity {
    pub fn add(&self, activity: &Activity) {
        let mut rows = self.rows.lock().unwrap_or_else(PoisonError::into_inner);
        rows.0 += 1;
        let mut stored = activity.clone();
        stored.id = rows.0;
        stored.at = micros(stored.at);
        rows.1.push(stored);
    }

    pub fn list(&self, user_id: i64, offset: i64, limit: i64) -> Vec<Activity> {
        let rows = self.rows.lock().unwrap_or_else(PoisonError::into_inner);
        let mut mine: Vec<Activity> = rows
            .1
            .iter()
            .filter(|a| a.user_id == user_id)
            .cloned()
            .collect();
        mine.sort_by(|a, b| b.at.cmp(&a.at).then(b.id.cmp(&a.id)));
        let skip = usize::try_from(offset.max(0)).unwrap_or(usize::MAX);
        let take = usize::try_from(limit.max(0)).unwrap_or(0);
        mine.into_iter().skip(skip).take(take).collect()
    }

    pub fn signed_in_from(
        &self,
        user_id: i64,
        user_agent: Option<&str>,
        since: NaiveDateTime,
    ) -> bool {
        let rows = self.rows.lock().unwrap_or_else(PoisonError::into_inner);
        rows.1.iter().any(|a| {
            a.user_id == user_id
                && a.kind == ActivityKind::SignIn
                && a.at >= since
                && a.user_agent.as_deref() == user_agent
        })
    }

    pub fn forget_user(&self, user_id: i64) {
        let mut rows = self.rows.lock().unwrap_or_else(PoisonError::into_inner);
        rows.1.retain(|a| a.user_id != user_id);
    }

    pub fn purge(&self, before: NaiveDateTime) -> u64 {
        let mut rows = self.rows.lock().unwrap_or_else(PoisonError::into_inner);
        let was = rows.1.len();
        rows.1.retain(|a| a.at >= before);
        (was - rows.1.len()) as u64
    }
}

#[rocket::async_trait]
impl ActivityStore for MemoryDatastore {
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
