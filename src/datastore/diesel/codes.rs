//! One-time codes: stored hashed, compared in constant time, used once.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use subtle::ConstantTimeEq;

use super::rows::{micros, CodeRow};
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

/// Uses a code up if it matches and has not expired.
pub(super) async fn take(
    store: &DieselDatastore,
    user_id: i64,
    purpose: &str,
    code_hash: &str,
    now: NaiveDateTime,
) -> DatastoreResult<bool> {
    let now = micros(now);
    let mut conn = store.conn().await?;
    let stored = with_conn!(&mut conn, |c| {
        one_time_codes::table
            .find((user_id, purpose))
            .select(CodeRow::as_select())
            .first::<CodeRow>(c)
            .await
            .optional()
    })
    .map_err(backend)?;
    let Some(stored) = stored else {
        return Ok(false);
    };
    let matches: bool = stored
        .code_hash
        .as_bytes()
        .ct_eq(code_hash.as_bytes())
        .into();
    if !matches || stored.expires_at < now {
        return Ok(false);
    }
    // Delete exactly the row we compared: of two concurrent takers, or a taker racing a
    // put_code, only one deletes it, and only that one succeeds.
    let deleted = with_conn!(&mut conn, |c| {
        diesel::delete(
            one_time_codes::table
                .find((user_id, purpose))
                .filter(one_time_codes::code_hash.eq(&stored.code_hash))
                .filter(one_time_codes::expires_at.eq(stored.expires_at)),
        )
        .execute(c)
        .await
    })
    .map_err(backend)?;
    Ok(deleted == 1)
}
