//! Throttling counters: hits counted in a fixed window that opens with the first hit.

use chrono::NaiveDateTime;
use diesel::dsl::case_when;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Timestamp};
use diesel_async::{AsyncConnection, RunQueryDsl};

use super::rows::micros;
use super::schema::counters;
use super::{backend, contended, DieselDatastore, UPSERT_ATTEMPTS};
use crate::datastore::DatastoreResult;

/// Counts a hit; returns the count in the current window.
pub(super) async fn hit(
    store: &DieselDatastore,
    key: &str,
    now: NaiveDateTime,
    window: chrono::Duration,
) -> DatastoreResult<i64> {
    let now = micros(now);
    let window_opened_before = now
        .checked_sub_signed(window)
        .unwrap_or(chrono::DateTime::UNIX_EPOCH.naive_utc());
    let mut conn = store.conn().await?;
    for _ in 0..UPSERT_ATTEMPTS {
        let count = with_conn!(&mut conn, |c| {
            // Make sure the row exists, outside the transaction so that no lock taken here
            // is held while waiting for the row lock below (a deadlock on MySQL).
            diesel::insert_into(counters::table)
                .values((
                    counters::key.eq(key),
                    counters::count.eq(0_i64),
                    counters::window_start.eq(now),
                ))
                .on_conflict_do_nothing()
                .execute(c)
                .await?;
            c.transaction(async |c| {
                // `count` is assigned before `window_start`, which it reads (MySQL order).
                let expired = counters::window_start.lt(window_opened_before);
                let changed = diesel::update(counters::table.find(key))
                    .set((
                        counters::count.eq(case_when::<_, _, BigInt>(expired, 1_i64)
                            .otherwise(counters::count + 1_i64)),
                        counters::window_start.eq(case_when::<_, _, Timestamp>(expired, now)
                            .otherwise(counters::window_start)),
                    ))
                    .execute(c)
                    .await?;
                if changed == 0 {
                    // Reset between our insert and update: count again.
                    return Ok(None);
                }
                // The row stays locked until commit: this reads our own hit.
                counters::table
                    .find(key)
                    .select(counters::count)
                    .first::<i64>(c)
                    .await
                    .map(Some)
            })
            .await
        })
        .map_err(backend)?;
        if let Some(count) = count {
            return Ok(count);
        }
    }
    Err(contended("counter"))
}

/// Forgets a counter.
pub(super) async fn reset(store: &DieselDatastore, key: &str) -> DatastoreResult<()> {
    let mut conn = store.conn().await?;
    with_conn!(&mut conn, |c| {
        diesel::delete(counters::table.find(key)).execute(c).await
    })
    .map_err(backend)?;
    Ok(())
}

/// Reads a counter without counting.
pub(super) async fn read(
    store: &DieselDatastore,
    key: &str,
) -> DatastoreResult<Option<(i64, NaiveDateTime)>> {
    let mut conn = store.conn().await?;
    with_conn!(&mut conn, |c| {
        counters::table
            .find(key)
            .select((counters::count, counters::window_start))
            .first::<(i64, NaiveDateTime)>(c)
            .await
            .optional()
    })
    .map_err(backend)
}

/// Reads several counters without counting, in one query; one entry per key, in order.
pub(super) async fn read_many(
    store: &DieselDatastore,
    keys: &[String],
) -> DatastoreResult<Vec<Option<(i64, NaiveDateTime)>>> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut conn = store.conn().await?;
    let found = with_conn!(&mut conn, |c| {
        counters::table
            .filter(counters::key.eq_any(keys))
            .select((counters::key, counters::count, counters::window_start))
            .load::<(String, i64, NaiveDateTime)>(c)
            .await
    })
    .map_err(backend)?;
    Ok(keys
        .iter()
        .map(|key| {
            found
                .iter()
                .find(|(k, _, _)| k == key)
                .map(|(_, count, start)| (*count, *start))
        })
        .collect())
}
