//! Purging what has outlived its use: delivered mail, expired codes, stale counters.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::rows::{micros, OutboxRow};
use super::schema::{counters, mail_outbox, one_time_codes};
use super::{backend, DieselDatastore};
use crate::datastore::{DatastoreResult, OutboxMail};

/// Delivered mails, newest first.
pub(super) async fn sent_mails(
    store: &DieselDatastore,
    limit: i64,
) -> DatastoreResult<Vec<OutboxMail>> {
    let mut conn = store.conn().await?;
    let rows = with_conn!(&mut conn, |c| {
        mail_outbox::table
            .filter(mail_outbox::sent_at.is_not_null())
            .select(OutboxRow::as_select())
            .order((mail_outbox::sent_at.desc(), mail_outbox::id.desc()))
            .limit(limit.max(0))
            .load::<OutboxRow>(c)
            .await
    })
    .map_err(backend)?;
    Ok(rows.into_iter().map(OutboxMail::from).collect())
}

/// Deletes mails delivered before `before`.
pub(super) async fn delete_sent_mails(
    store: &DieselDatastore,
    before: NaiveDateTime,
) -> DatastoreResult<u64> {
    let before = micros(before);
    let mut conn = store.conn().await?;
    let deleted = with_conn!(&mut conn, |c| {
        diesel::delete(mail_outbox::table.filter(mail_outbox::sent_at.lt(before)))
            .execute(c)
            .await
    })
    .map_err(backend)?;
    Ok(deleted as u64)
}

/// Deletes codes that expired before `now`.
pub(super) async fn delete_expired_codes(
    store: &DieselDatastore,
    now: NaiveDateTime,
) -> DatastoreResult<u64> {
    let now = micros(now);
    let mut conn = store.conn().await?;
    let deleted = with_conn!(&mut conn, |c| {
        diesel::delete(one_time_codes::table.filter(one_time_codes::expires_at.lt(now)))
            .execute(c)
            .await
    })
    .map_err(backend)?;
    Ok(deleted as u64)
}

/// Deletes counters whose window opened before `before`.
pub(super) async fn delete_stale_counters(
    store: &DieselDatastore,
    before: NaiveDateTime,
) -> DatastoreResult<u64> {
    let before = micros(before);
    let mut conn = store.conn().await?;
    let deleted = with_conn!(&mut conn, |c| {
        diesel::delete(counters::table.filter(counters::window_start.lt(before)))
            .execute(c)
            .await
    })
    .map_err(backend)?;
    Ok(deleted as u64)
}
