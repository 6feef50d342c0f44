//! One-time codes: stored hashed, compared in constant time, used once.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::rows::micros;
use super::schema::one_time_codes;
use super::{
    backend, contended, is_foreign_key_violation, is_unique_violation, DieselDatastore,
    UPSERT_ATTEMPTS,
};
use crate::datastore::{DatastoreError, DatastoreResult, OneTimeCode};

/// Stores a code, replacing the user's earlier one for the purpose.
pub(super) async fn put(store: &DieselDatastore, code: &OneTimeCode) -> DatastoreResult<()> {
    let expires_at = micros(code.expires_at);
    let mut conn = store.conn().await?;
    for _ in 0..UPSERT_ATTEMPTS {
        let replaced = with_conn!(&mut conn, |c| {
            diesel::update(one_time_codes::table.find((code.user_id, &code.purpose)))
                .set((
                    one_time_codes::code_hash.eq(&code.code_hash),
                    one_time_codes::expires_at.eq(expires_at),
                ))
                .execute(c)
                .await
        })
        .map_err(backend)?;
        if replaced > 0 {
            return Ok(());
        }
        let inserted = with_conn!(&mut conn, |c| {
            diesel::insert_into(one_time_codes::table)
                .values((
                    one_time_codes::user_id.eq(code.user_id),
                    one_time_codes::purpose.eq(&code.purpose),
                    one_time_codes::code_hash.eq(&code.code_hash),
                    one_time_codes::expires_at.eq(expires_at),
                ))
                .execute(c)
                .await
        });
        match inserted {
            Ok(_) => return Ok(()),
            // Another caller stored a code in between: replace theirs.
            Err(e) if is_unique_violation(&e) => continue,
            Err(e) if is_foreign_key_violation(&e) => return Err(DatastoreError::UserNotFound),
            Err(e) => return Err(backend(e)),
        }
    }
    Err(contended("one-time code"))
}

/// Uses a code up if it matches and has not expired: one conditional `DELETE`, so of
/// concurrent takers (or a taker racing a `put_code`) exactly one deletes the row and succeeds.
///
/// The database compares the stored hash with the submitted one; both are keyed HMACs, so the
/// time that comparison takes tells nothing about the code.
pub(super) async fn take(
    store: &DieselDatastore,
    user_id: i64,
    purpose: &str,
    code_hash: &str,
    now: NaiveDateTime,
) -> DatastoreResult<bool> {
    let now = micros(now);
    let mut conn = store.conn().await?;
    let deleted = with_conn!(&mut conn, |c| {
        diesel::delete(
            one_time_codes::table
                .find((user_id, purpose))
                .filter(one_time_codes::code_hash.eq(code_hash))
                .filter(one_time_codes::expires_at.ge(now)),
        )
        .execute(c)
        .await
    })
    .map_err(backend)?;
    Ok(deleted == 1)
}
