//! Passkeys and WebAuthn ceremony states.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::rows::micros;
use super::schema::{webauthn_credentials, webauthn_states};
use super::{backend, is_foreign_key_violation, is_unique_violation, DieselDatastore};
use crate::datastore::{
    DatastoreError, DatastoreResult, NewWebAuthnCredential, WebAuthnCeremony, WebAuthnCredential,
    WebAuthnState, WebAuthnUsage,
};

type CredentialRow = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
);

macro_rules! credential_columns {
    () => {
        (
            webauthn_credentials::id,
            webauthn_credentials::user_id,
            webauthn_credentials::credential_id,
            webauthn_credentials::name,
            webauthn_credentials::usage,
            webauthn_credentials::passkey,
            webauthn_credentials::create_datetime,
            webauthn_credentials::last_use_datetime,
        )
    };
}

fn into_credential(row: CredentialRow) -> Option<WebAuthnCredential> {
    let (id, user_id, credential_id, name, usage, passkey, create_datetime, last_use_datetime) =
        row;
    Some(WebAuthnCredential {
        id,
        user_id,
        credential_id,
        name,
        // A usage this version does not know (written by a newer one) is left out.
        usage: WebAuthnUsage::parse(&usage)?,
        passkey,
        create_datetime,
        last_use_datetime,
    })
}

/// Stores a passkey; `None` when its credential id or its name for the user is taken.
pub(super) async fn add(
    store: &DieselDatastore,
    new: &NewWebAuthnCredential,
    now: NaiveDateTime,
) -> DatastoreResult<Option<WebAuthnCredential>> {
    let now = micros(now);
    let mut conn = store.conn().await?;
    let inserted = with_conn!(&mut conn, |c| {
        diesel::insert_into(webauthn_credentials::table)
            .values((
                webauthn_credentials::user_id.eq(new.user_id),
                webauthn_credentials::credential_id.eq(&new.credential_id),
                webauthn_credentials::name.eq(&new.name),
                webauthn_credentials::usage.eq(new.usage.as_str()),
                webauthn_credentials::passkey.eq(&new.passkey),
                webauthn_credentials::create_datetime.eq(now),
            ))
            .execute(c)
            .await
    });
    match inserted {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => return Ok(None),
        Err(e) if is_foreign_key_violation(&e) => return Err(DatastoreError::UserNotFound),
        Err(e) => return Err(backend(e)),
    }
    drop(conn);
    find(store, &new.credential_id).await
}

/// A user's passkeys, oldest first.
pub(super) async fn list(
    store: &DieselDatastore,
    user_id: i64,
) -> DatastoreResult<Vec<WebAuthnCredential>> {
    let mut conn = store.conn().await?;
    let rows: Vec<CredentialRow> = with_conn!(&mut conn, |c| {
        webauthn_credentials::table
            .filter(webauthn_credentials::user_id.eq(user_id))
            .order(webauthn_credentials::id.asc())
            .select(credential_columns!())
            .load::<CredentialRow>(c)
            .await
    })
    .map_err(backend)?;
    Ok(rows.into_iter().filter_map(into_credential).collect())
}

/// Finds a passkey by credential id.
pub(super) async fn find(
    store: &DieselDatastore,
    credential_id: &str,
) -> DatastoreResult<Option<WebAuthnCredential>> {
    let mut conn = store.conn().await?;
    let row: Option<CredentialRow> = with_conn!(&mut conn, |c| {
        webauthn_credentials::table
            .filter(webauthn_credentials::credential_id.eq(credential_id))
            .select(credential_columns!())
            .first::<CredentialRow>(c)
            .await
            .optional()
    })
    .map_err(backend)?;
    Ok(row.and_then(into_credential))
}

/// Writes a passkey's key material after a use.
pub(super) async fn update(
    store: &DieselDatastore,
    id: i64,
    passkey: &str,
    used_at: NaiveDateTime,
) -> DatastoreResult<bool> {
    let used_at = micros(used_at);
    let mut conn = store.conn().await?;
    let updated = with_conn!(&mut conn, |c| {
        diesel::update(webauthn_credentials::table.find(id))
            .set((
                webauthn_credentials::passkey.eq(passkey),
                webauthn_credentials::last_use_datetime.eq(Some(used_at)),
            ))
            .execute(c)
            .await
    })
    .map_err(backend)?;
    Ok(updated == 1)
}

/// Renames one of the user's passkeys; `false` when not theirs or the name is taken.
pub(super) async fn rename(
    store: &DieselDatastore,
    user_id: i64,
    id: i64,
    name: &str,
) -> DatastoreResult<bool> {
    let mut conn = store.conn().await?;
    let updated = with_conn!(&mut conn, |c| {
        diesel::update(
            webauthn_credentials::table
                .find(id)
                .filter(webauthn_credentials::user_id.eq(user_id)),
        )
        .set(webauthn_credentials::name.eq(name))
        .execute(c)
        .await
    });
    match updated {
        Ok(n) => Ok(n == 1),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(backend(e)),
    }
}

/// Deletes one of the user's passkeys.
pub(super) async fn delete(
    store: &DieselDatastore,
    user_id: i64,
    id: i64,
) -> DatastoreResult<bool> {
    let mut conn = store.conn().await?;
    let deleted = with_conn!(&mut conn, |c| {
        diesel::delete(
            webauthn_credentials::table
                .find(id)
                .filter(webauthn_credentials::user_id.eq(user_id)),
        )
        .execute(c)
        .await
    })
    .map_err(backend)?;
    Ok(deleted == 1)
}

/// Stores a ceremony state.
pub(super) async fn put_state(
    store: &DieselDatastore,
    state: &WebAuthnState,
) -> DatastoreResult<()> {
    let expires_at = micros(state.expires_at);
    let mut conn = store.conn().await?;
    let inserted = with_conn!(&mut conn, |c| {
        diesel::insert_into(webauthn_states::table)
            .values((
                webauthn_states::token_hash.eq(&state.token_hash),
                webauthn_states::ceremony.eq(state.ceremony.as_str()),
                webauthn_states::user_id.eq(state.user_id),
                webauthn_states::state.eq(&state.state),
                webauthn_states::expires_at.eq(expires_at),
            ))
            .execute(c)
            .await
    });
    match inserted {
        Ok(_) => Ok(()),
        Err(e) if is_foreign_key_violation(&e) => Err(DatastoreError::UserNotFound),
        Err(e) => Err(backend(e)),
    }
}

/// Reads a live state, then deletes it with one conditional `DELETE`: only the caller whose
/// delete removed the row gets the state.
pub(super) async fn take_state(
    store: &DieselDatastore,
    token_hash: &str,
    ceremony: WebAuthnCeremony,
    now: NaiveDateTime,
) -> DatastoreResult<Option<WebAuthnState>> {
    let now = micros(now);
    let mut conn = store.conn().await?;
    let row: Option<(Option<i64>, String, NaiveDateTime)> = with_conn!(&mut conn, |c| {
        webauthn_states::table
            .find(token_hash)
            .filter(webauthn_states::ceremony.eq(ceremony.as_str()))
            .filter(webauthn_states::expires_at.ge(now))
            .select((
                webauthn_states::user_id,
                webauthn_states::state,
                webauthn_states::expires_at,
            ))
            .first(c)
            .await
            .optional()
    })
    .map_err(backend)?;
    let Some((user_id, state, expires_at)) = row else {
        return Ok(None);
    };
    let deleted = with_conn!(&mut conn, |c| {
        diesel::delete(
            webauthn_states::table
                .find(token_hash)
                .filter(webauthn_states::ceremony.eq(ceremony.as_str())),
        )
        .execute(c)
        .await
    })
    .map_err(backend)?;
    Ok((deleted == 1).then(|| WebAuthnState {
        token_hash: token_hash.to_owned(),
        ceremony,
        user_id,
        state,
        expires_at,
    }))
}

/// Deletes expired ceremony states.
pub(super) async fn purge_states(
    store: &DieselDatastore,
    now: NaiveDateTime,
) -> DatastoreResult<u64> {
    let now = micros(now);
    let mut conn = store.conn().await?;
    let deleted = with_conn!(&mut conn, |c| {
        diesel::delete(webauthn_states::table.filter(webauthn_states::expires_at.lt(now)))
            .execute(c)
            .await
    })
    .map_err(backend)?;
    Ok(deleted as u64)
}
