//! [`UserChange`]s: each one `UPDATE … WHERE id = ? AND <condition>`, judged by the rows it
//! matched (MySQL connections report matched rows, like the other two).

use diesel::prelude::*;
use diesel::result::Error as DieselError;
use diesel::sql_types::Bool;
use diesel_async::{AsyncConnection, RunQueryDsl};

use super::rows::{lookup_key, micros};
use super::schema::{one_time_codes, sessions, users};
use super::{backend, is_unique_violation, DbConnection, DieselDatastore};
use chrono::NaiveDateTime;

use crate::datastore::{
    Clocked, DatastoreError, DatastoreResult, Uniquifiers, User, UserChange, UserQuery,
};

/// `$column IS NOT DISTINCT FROM $value` for a nullable text column and an `Option<&str>`,
/// written so that every backend understands it.
macro_rules! same {
    ($column:expr, $value:expr) => {
        $column
            .eq($value)
            .or($column.is_null().and($value.is_none().into_sql::<Bool>()))
    };
}

/// Applies a change; the user afterwards, or `None` when its condition did not hold. A new
/// password takes `fresh` as the uniquifiers.
pub(super) async fn change(
    store: &DieselDatastore,
    user_id: i64,
    change: UserChange<'_>,
    fresh: Uniquifiers,
) -> DatastoreResult<Option<User>> {
    let at = store.now();
    let mut conn = store.conn().await?;
    let mut written = None;
    let matched = match change {
        UserChange::Password {
            old,
            new,
            keep,
            wipe,
        } => {
            let uniquifiers = (fresh.fs_uniquifier, fresh.fs_token_uniquifier);
            let password = Password {
                old,
                new,
                keep,
                wipe,
                uniquifiers: &uniquifiers,
            };
            let matched = set_password(&mut conn, user_id, password, at).await;
            written = Some(uniquifiers);
            matched
        }
        other => set_fields(&mut conn, user_id, other, at).await,
    };
    drop(conn);
    match matched {
        Ok(0) => Ok(None),
        Ok(_) => {
            let mut user = super::users::find(store, UserQuery::Id(user_id)).await?;
            // What this change bound sessions to, even if another change followed at once.
            if let (Some(user), Some((uniquifier, token_uniquifier))) = (&mut user, written) {
                user.fs_uniquifier = uniquifier;
                user.fs_token_uniquifier = token_uniquifier;
            }
            Ok(user)
        }
        Err(e) if is_unique_violation(&e) => Err(DatastoreError::DuplicateUser),
        Err(e) => Err(backend(e)),
    }
}

/// The parts of [`UserChange::Password`], with the uniquifiers chosen for it.
struct Password<'a> {
    old: Option<&'a str>,
    new: &'a str,
    keep: &'a [&'a str],
    wipe: bool,
    uniquifiers: &'a (String, String),
}

/// Every change but a new password: one conditional `UPDATE`, stamped `at`.
async fn set_fields(
    conn: &mut DbConnection,
    user_id: i64,
    change: UserChange<'_>,
    at: NaiveDateTime,
) -> Result<usize, DieselError> {
    if matches!(
        change,
        UserChange::RecoveryCodes { .. }
            | UserChange::UsMethods { .. }
            | UserChange::TwoFactor { .. }
    ) {
        return set_secrets(conn, user_id, change, at).await;
    }
    let user = users::table.filter(users::id.eq(user_id));
    with_conn!(conn, |c| {
        match change {
            UserChange::Rehash { old, new } => {
                diesel::update(user.filter(users::password.eq(old)))
                    .set((users::password.eq(new), users::update_datetime.eq(at)))
                    .execute(c)
                    .await
            }
            UserChange::Confirm { email, at: when } => {
                diesel::update(
                    user.filter(users::confirmed_at.is_null())
                        .filter(users::email_key.eq(lookup_key(email))),
                )
                .set((
                    users::confirmed_at.eq(micros(when)),
                    users::update_datetime.eq(at),
                ))
                .execute(c)
                .await
            }
            UserChange::Email { old, new, at: when } => {
                diesel::update(user.filter(users::email_key.eq(lookup_key(old))))
                    .set((
                        users::email.eq(new),
                        users::email_key.eq(lookup_key(new)),
                        users::confirmed_at.eq(micros(when)),
                        users::update_datetime.eq(at),
                    ))
                    .execute(c)
                    .await
            }
            UserChange::Username { old, new } => {
                let old_key = old.map(lookup_key);
                diesel::update(user.filter(same!(users::username_key, old_key.as_deref())))
                    .set((
                        users::username.eq(new),
                        users::username_key.eq(lookup_key(new)),
                        users::update_datetime.eq(at),
                    ))
                    .execute(c)
                    .await
            }
            _ => unreachable!("handled by set_secrets and set_password"),
        }
    })
}

/// A new password with fresh uniquifiers, and the sessions, remember-me tokens (and with
/// `wipe` the sign-in set-up and one-time codes) that go with it, in one transaction that
/// starts with the conditional write.
async fn set_password(
    conn: &mut DbConnection,
    user_id: i64,
    password: Password<'_>,
    at: NaiveDateTime,
) -> Result<usize, DieselError> {
    let Password {
        old,
        new,
        keep,
        wipe,
        uniquifiers: (uniquifier, token_uniquifier),
    } = password;
    let keep: Vec<String> = keep.iter().map(|k| (*k).to_owned()).collect();
    let none = None::<&str>;
    with_conn!(conn, |c| {
        c.transaction(async |c| {
            let matched = diesel::update(
                users::table
                    .filter(users::id.eq(user_id))
                    .filter(same!(users::password, old)),
            )
            .set((
                users::password.eq(new),
                users::fs_uniquifier.eq(&uniquifier),
                users::fs_token_uniquifier.eq(&token_uniquifier),
                users::update_datetime.eq(at),
            ))
            .execute(c)
            .await?;
            if matched == 0 {
                return Ok(0);
            }
            if wipe {
                diesel::update(users::table.filter(users::id.eq(user_id)))
                    .set((
                        users::tf_primary_method.eq(none),
                        users::tf_totp_secret.eq(none),
                        users::tf_phone_number.eq(none),
                        users::us_totp_secrets.eq(none),
                        users::us_phone_number.eq(none),
                        users::mf_recovery_codes.eq(none),
                    ))
                    .execute(c)
                    .await?;
                diesel::delete(one_time_codes::table.filter(one_time_codes::user_id.eq(user_id)))
                    .execute(c)
                    .await?;
            }
            diesel::delete(
                sessions::table
                    .filter(sessions::user_id.eq(user_id))
                    .filter(sessions::id_hash.ne_all(keep.clone())),
            )
            .execute(c)
            .await?;
            diesel::update(sessions::table.filter(sessions::user_id.eq(user_id)))
                .set(sessions::fs_uniquifier.eq(&uniquifier))
                .execute(c)
                .await?;
            Ok(matched)
        })
        .await
    })
}

/// The changes of sign-in secrets (recovery codes, unified sign-in methods, second factor),
/// each conditional on the `fs_uniquifier` the request was authenticated with.
async fn set_secrets(
    conn: &mut DbConnection,
    user_id: i64,
    change: UserChange<'_>,
    at: NaiveDateTime,
) -> Result<usize, DieselError> {
    let user = users::table.filter(users::id.eq(user_id));
    with_conn!(conn, |c| {
        match change {
            UserChange::RecoveryCodes {
                uniquifier,
                old,
                new,
            } => {
                diesel::update(
                    user.filter(users::fs_uniquifier.eq(uniquifier))
                        .filter(same!(users::mf_recovery_codes, old)),
                )
                .set((
                    users::mf_recovery_codes.eq(new),
                    users::update_datetime.eq(at),
                ))
                .execute(c)
                .await
            }
            UserChange::UsMethods {
                uniquifier,
                old,
                new,
            } => {
                diesel::update(
                    user.filter(users::fs_uniquifier.eq(uniquifier))
                        .filter(same!(users::us_totp_secrets, old)),
                )
                .set((
                    users::us_totp_secrets.eq(new),
                    users::update_datetime.eq(at),
                ))
                .execute(c)
                .await
            }
            UserChange::TwoFactor {
                uniquifier,
                method,
                secret,
            } => {
                diesel::update(user.filter(users::fs_uniquifier.eq(uniquifier)))
                    .set((
                        users::tf_primary_method.eq(method),
                        users::tf_totp_secret.eq(secret),
                        users::update_datetime.eq(at),
                    ))
                    .execute(c)
                    .await
            }
            _ => unreachable!("handled by set_fields and set_password"),
        }
    })
}
