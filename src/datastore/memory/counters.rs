//! Throttling counters.

use chrono::NaiveDateTime;

use super::{Counter, MemoryDatastore};
use crate::datastore::{CounterStore, DatastoreResult};

#[rocket::async_trait]
impl CounterStore for MemoryDatastore {
    async fn hit_counter(
        &self,
        key: &str,
        now: NaiveDateTime,
        window: chrono::Duration,
    ) -> DatastoreResult<i64> {
        let mut inner = self.lock();
        let counter = inner.counters.entry(key.to_owned()).or_insert(Counter {
            count: 0,
            window_start: now,
        });
        if now - counter.window_start > window {
            counter.count = 0;
            counter.window_start = now;
        }
        counter.count += 1;
        Ok(counter.count)
    }

    async fn reset_counter(&self, key: &str) -> DatastoreResult<()> {
        self.lock().counters.remove(key);
        Ok(())
    }

    async fn read_counter(&self, key: &str) -> DatastoreResult<Option<(i64, NaiveDateTime)>> {
        Ok(self
            .lock()
            .counters
            .get(key)
            .map(|c| (c.count, c.window_start)))
    }

    async fn delete_stale_counters(&self, before: NaiveDateTime) -> DatastoreResult<u64> {
        let mut inner = self.lock();
        let count = inner.counters.len();
        inner.counters.retain(|_, c| c.window_start >= before);
        Ok((count - inner.counters.len()) as u64)
    }
}
