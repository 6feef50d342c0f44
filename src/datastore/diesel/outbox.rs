//! The mail outbox.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
#[cfg(feature = "mysql")]
use diesel_async::AsyncMysqlConnection;
#[cfg(feature = "postgres")]
use diesel_async::AsyncPgConnection;
use diesel_async::RunQueryDsl;

#[cfg(feature = "sqlite")]
use super::pool::SqliteConn;
use super::rows::{micros, NewOutboxRow, OutboxRow};
use super::schema::mail_outbox;
use super::{backend, DieselDatastore};
use crate::datastore::{DatastoreResult, OutboxMail};

/// The SQL giving the id of the row this connection inserted last; the one thing no common
/// syntax covers (MySQL has no `RETURNING`).
trait LastInsertId {
    const LAST_INSERT_ID: &'static str;
}

#[cfg(feature = "sqlite")]
impl LastInsertId for SqliteConn {
    const LAST_INSERT_ID: &'static str = "last_insert_rowid()";
}

#[cfg(feature = "postgres")]
impl LastInsertId for AsyncPgConnection {
    const LAST_INSERT_ID: &'static str = "lastval()";
}

#[cfg(feature = "mysql")]
impl LastInsertId for AsyncMysqlConnection {
    const LAST_INSERT_ID: &'static str = "CAST(LAST_INSERT_ID() AS SIGNED)";
}

fn last_insert_id_sql<C: LastInsertId>(_: &C) -> &'static str {
    C::LAST_INSERT_ID
}

/// Queues a mail.
pub(super) async fn enqueue(
    store: &DieselDatastore,
    mail: &OutboxMail,
) -> DatastoreResult<OutboxMail> {
    let row = NewOutboxRow::from(mail);
    let mut conn = store.conn().await?;
    let stored = with_conn!(&mut conn, |c| {
        diesel::insert_into(mail_outbox::table)
            .values(&row)
            .execute(c)
            .await?;
        let id: i64 = diesel::select(diesel::dsl::sql::<BigInt>(last_insert_id_sql(c)))
            .get_result(c)
            .await?;
        mail_outbox::table
            .find(id)
            .select(OutboxRow::as_select())
            .first::<OutboxRow>(c)
            .await
    })
    .map_err(backend)?;
    Ok(stored.into())
}

/// Pending mails due at `now`, oldest first.
pub(super) async fn due(
    store: &DieselDatastore,
    now: NaiveDateTime,
    limit: i64,
) -> DatastoreResult<Vec<OutboxMail>> {
    let now = micros(now);
    let mut conn = store.conn().await?;
    let rows = with_conn!(&mut conn, |c| {
        mail_outbox::table
            .filter(mail_outbox::sent_at.is_null())
            .filter(mail_outbox::next_attempt_at.le(now))
            .select(OutboxRow::as_select())
            .order((mail_outbox::created_at.asc(), mail_outbox::id.asc()))
            .limit(limit.max(0))
            .load::<OutboxRow>(c)
            .await
    })
    .map_err(backend)?;
    Ok(rows.into_iter().map(OutboxMail::from).collect())
}

/// Claims a due mail until `lease_until`; `true` when this caller got it.
pub(super) async fn claim(
    store: &DieselDatastore,
    id: i64,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
) -> DatastoreResult<bool> {
    let (now, lease_until) = (micros(now), micros(lease_until));
    let mut conn = store.conn().await?;
    let claimed = with_conn!(&mut conn, |c| {
        diesel::update(
            mail_outbox::table
                .find(id)
                .filter(mail_outbox::sent_at.is_null())
                .filter(mail_outbox::next_attempt_at.le(now)),
        )
        .set(mail_outbox::next_attempt_at.eq(lease_until))
        .execute(c)
        .await
    })
    .map_err(backend)?;
    Ok(claimed == 1)
}

/// Marks a mail delivered and clears its bodies, which may hold live links or codes.
pub(super) async fn mark_sent(
    store: &DieselDatastore,
    id: i64,
    at: NaiveDateTime,
) -> DatastoreResult<()> {
    let at = micros(at);
    let mut conn = store.conn().await?;
    with_conn!(&mut conn, |c| {
        diesel::update(mail_outbox::table.find(id))
            .set((
                mail_outbox::sent_at.eq(at),
                mail_outbox::body_text.eq(""),
                mail_outbox::body_html.eq(""),
            ))
            .execute(c)
            .await
    })
    .map_err(backend)?;
    Ok(())
}

/// Records a failed attempt.
pub(super) async fn mark_failed(
    store: &DieselDatastore,
    id: i64,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    error: &str,
) -> DatastoreResult<()> {
    let next_attempt_at = micros(next_attempt_at);
    let mut conn = store.conn().await?;
    with_conn!(&mut conn, |c| {
        diesel::update(mail_outbox::table.find(id))
            .set((
                mail_outbox::attempts.eq(attempts),
                mail_outbox::next_attempt_at.eq(next_attempt_at),
                mail_outbox::last_error.eq(error),
            ))
            .execute(c)
            .await
    })
    .map_err(backend)?;
    Ok(())
}

/// Undelivered mails, oldest first.
pub(super) async fn pending(store: &DieselDatastore) -> DatastoreResult<Vec<OutboxMail>> {
    let mut conn = store.conn().await?;
    let rows = with_conn!(&mut conn, |c| {
        mail_outbox::table
            .filter(mail_outbox::sent_at.is_null())
            .select(OutboxRow::as_select())
            .order((mail_outbox::created_at.asc(), mail_outbox::id.asc()))
            .load::<OutboxRow>(c)
            .await
    })
    .map_err(backend)?;
    Ok(rows.into_iter().map(OutboxMail::from).collect())
}
