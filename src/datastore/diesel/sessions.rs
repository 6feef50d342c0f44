//! Server-side sessions and remember-me tokens.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::rows::{micros, NewSessionRow, SessionChanges, SessionRow};
use super::schema::sessions;
use super::{backend, is_foreign_key_violation, DieselDatastore};
use crate::datastore::{Clocked, DatastoreError, DatastoreResult, SessionRecord};

/// Stores a session.
pub(super) async fn create(
    store: &DieselDatastore,
    session: &SessionRecord,
) -> DatastoreResult<()> {
    let row = NewSessionRow::from(session);
    let mut conn = store.conn().await?;
    let inserted = with_conn!(&mut conn, |c| {
        diesel::insert_into(sessions::table)
            .values(&row)
            .execute(c)
            .await
    });
    match inserted {
        Ok(_) => Ok(()),
        Err(e) if is_foreign_key_violation(&e) => Err(DatastoreError::UserNotFound),
        Err(e) => Err(backend(e)),
    }
}

/// Loads a session by id hash.
pub(super) async fn find(
    store: &DieselDatastore,
    id_hash: &str,
) -> DatastoreResult<Option<SessionRecord>> {
    let mut conn = store.conn().await?;
    let found = with_conn!(&mut conn, |c| {
        sessions::table
            .find(id_hash)
            .select(SessionRow::as_select())
            .first::<SessionRow>(c)
            .await
            .optional()
    })
    .map_err(backend)?;
    found.map(SessionRow::into_record).transpose()
}

/// Writes what changes during a session; `false` if it is gone.
pub(super) async fn update(
    store: &DieselDatastore,
    session: &SessionRecord,
) -> DatastoreResult<bool> {
    let changes = SessionChanges::from(session);
    let mut conn = store.conn().await?;
    let updated = with_conn!(&mut conn, |c| {
        diesel::update(sessions::table.find(&session.id_hash))
            .set(&changes)
            .execute(c)
            .await
    });
    match updated {
        Ok(n) => Ok(n > 0),
        Err(e) if is_foreign_key_violation(&e) => Err(DatastoreError::UserNotFound),
        Err(e) => Err(backend(e)),
    }
}

/// Deletes a session; `true` if it existed.
pub(super) async fn delete(store: &DieselDatastore, id_hash: &str) -> DatastoreResult<bool> {
    let mut conn = store.conn().await?;
    let deleted = with_conn!(&mut conn, |c| {
        diesel::delete(sessions::table.find(id_hash))
            .execute(c)
            .await
    })
    .map_err(backend)?;
    Ok(deleted > 0)
}

/// Deletes a user's sessions except those kept.
pub(super) async fn delete_for_user(
    store: &DieselDatastore,
    user_id: i64,
    keep: &[&str],
) -> DatastoreResult<u64> {
    let keep = keep.to_vec();
    let mut conn = store.conn().await?;
    let deleted = with_conn!(&mut conn, |c| {
        diesel::delete(
            sessions::table
                .filter(sessions::user_id.eq(user_id))
                .filter(sessions::id_hash.ne_all(keep.clone())),
        )
        .execute(c)
        .await
    })
    .map_err(backend)?;
    Ok(deleted as u64)
}

/// A user's unexpired sessions, newest first.
pub(super) async fn list_for_user(
    store: &DieselDatastore,
    user_id: i64,
) -> DatastoreResult<Vec<SessionRecord>> {
    let at = store.now();
    let mut conn = store.conn().await?;
    let rows = with_conn!(&mut conn, |c| {
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::expires_at.gt(at))
            .select(SessionRow::as_select())
            .order((sessions::created_at.desc(), sessions::id_hash.asc()))
            .load::<SessionRow>(c)
            .await
    })
    .map_err(backend)?;
    rows.into_iter().map(SessionRow::into_record).collect()
}

/// Deletes sessions that expired before `now`.
pub(super) async fn delete_expired(
    store: &DieselDatastore,
    now: NaiveDateTime,
) -> DatastoreResult<u64> {
    let now = micros(now);
    let mut conn = store.conn().await?;
    let deleted = with_conn!(&mut conn, |c| {
        diesel::delete(sessions::table.filter(sessions::expires_at.lt(now)))
            .execute(c)
            .await
    })
    .map_err(backend)?;
    Ok(deleted as u64)
}

#[cfg(test)]
mod tests {
    use diesel::query_builder::QueryFragment;

    use super::*;
    use crate::datastore::SessionKind;

    /// A session is stored at every sign-in: its INSERT must be one statement that each
    /// connection prepares once, whichever optional columns are empty.
    #[test]
    fn the_session_insert_is_a_statement_connections_keep() {
        let now = chrono::Utc::now().naive_utc();
        let anonymous = SessionRecord {
            id_hash: "h".into(),
            kind: SessionKind::Session,
            user_id: None,
            fs_uniquifier: None,
            data: "{}".into(),
            created_at: now,
            last_seen_at: now,
            expires_at: now,
            fresh_at: None,
            ip: None,
            user_agent: None,
        };
        let row = NewSessionRow::from(&anonymous);
        let insert = diesel::insert_into(sessions::table).values(&row);
        #[cfg(feature = "sqlite")]
        assert!(insert
            .is_safe_to_cache_prepared(&diesel::sqlite::Sqlite)
            .unwrap());
        #[cfg(feature = "postgres")]
        assert!(insert.is_safe_to_cache_prepared(&diesel::pg::Pg).unwrap());
        #[cfg(feature = "mysql")]
        assert!(insert
            .is_safe_to_cache_prepared(&diesel::mysql::Mysql)
            .unwrap());
    }
}
