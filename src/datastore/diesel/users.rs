//! Users: creation with roles, look-ups, updates, deletion, activation and login tracking.

use chrono::NaiveDateTime;
use diesel::dsl::case_when;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Timestamp};
use diesel_async::{AsyncConnection, RunQueryDsl};

use super::rows::{lookup_key, micros, NewUserRow, RoleRow, UserChanges, UserRow};
use super::schema::{
    mail_outbox, one_time_codes, roles, roles_users, security_activity, sessions, users,
    webauthn_credentials, webauthn_states,
};
use super::{backend, is_unique_violation, DieselDatastore};
use crate::datastore::{
    Clocked, DatastoreError, DatastoreResult, NewUser, Uniquifiers, User, UserQuery,
};

/// The roles of user `$user_id`, sorted by name, on connection `$c`.
macro_rules! roles_of {
    ($c:ident, $user_id:expr) => {
        roles_users::table
            .inner_join(roles::table)
            .filter(roles_users::user_id.eq($user_id))
            .select(RoleRow::as_select())
            .order(roles::name.asc())
            .load::<RoleRow>($c)
            .await
    };
}

/// Users joined with their roles, sorted by role name: a row per role, or one without a role.
/// Filtered to one user, [`with_roles`] makes the user and their roles of it, in one statement.
macro_rules! users_with_roles {
    () => {
        users::table
            .left_join(roles_users::table.inner_join(roles::table))
            .select((UserRow::as_select(), Option::<RoleRow>::as_select()))
            .order(roles::name.asc())
    };
}

/// The user matching `$filter` with their roles, if any, on connection `$c`.
macro_rules! user_by {
    ($c:ident, $filter:expr) => {
        with_roles(
            users_with_roles!()
                .filter($filter)
                .load::<(UserRow, Option<RoleRow>)>($c)
                .await?,
        )
    };
}

/// The user of the rows of [`users_with_roles!`] for one user, with their roles.
fn with_roles(rows: Vec<(UserRow, Option<RoleRow>)>) -> Option<(UserRow, Vec<RoleRow>)> {
    let mut rows = rows.into_iter();
    let (user, first_role) = rows.next()?;
    let roles = first_role
        .into_iter()
        .chain(rows.filter_map(|(_, role)| role))
        .collect();
    Some((user, roles))
}

fn into_user(found: Option<(UserRow, Vec<RoleRow>)>) -> DatastoreResult<Option<User>> {
    found.map(|(row, roles)| row.into_user(roles)).transpose()
}

fn to_json(extra: &serde_json::Map<String, serde_json::Value>) -> DatastoreResult<String> {
    serde_json::to_string(extra).map_err(DatastoreError::backend)
}

/// Creates the roles the user names where missing, then the user and their grants in one
/// transaction.
pub(super) async fn create(
    store: &DieselDatastore,
    user: NewUser,
    uniquifiers: Uniquifiers,
) -> DatastoreResult<User> {
    let at = store.now();
    let email_key = lookup_key(&user.email);
    let username_key = user.username.as_deref().map(lookup_key);
    let extra = to_json(&user.extra)?;
    let row = NewUserRow {
        email: &user.email,
        email_key: &email_key,
        username: user.username.as_deref(),
        username_key: username_key.as_deref(),
        password: user.password.as_deref(),
        active: user.active,
        fs_uniquifier: &uniquifiers.fs_uniquifier,
        fs_token_uniquifier: &uniquifiers.fs_token_uniquifier,
        confirmed_at: user.confirmed_at.map(micros),
        login_count: 0,
        extra: &extra,
        locale: user.locale.as_deref(),
        create_datetime: at,
        update_datetime: at,
    };
    let mut role_names: Vec<&str> = user.roles.iter().map(String::as_str).collect();
    role_names.sort_unstable();
    role_names.dedup();

    let mut conn = store.conn().await?;
    let created = with_conn!(&mut conn, |c| {
        // Missing roles first, each committed at once: the transaction below then sees them
        // in its snapshot (MySQL's repeatable read would not show a role committed by a
        // concurrent creation after the snapshot was taken).
        for name in &role_names {
            diesel::insert_into(roles::table)
                .values((roles::name.eq(*name), roles::update_datetime.eq(at)))
                .on_conflict_do_nothing()
                .execute(c)
                .await?;
        }
        c.transaction(async |c| {
            // The user first: the unique index on email_key decides a race, and on SQLite
            // the transaction takes the write lock before reading anything.
            diesel::insert_into(users::table)
                .values(&row)
                .execute(c)
                .await?;
            let user_id: i64 = users::table
                .filter(users::email_key.eq(&email_key))
                .select(users::id)
                .first(c)
                .await?;
            if !role_names.is_empty() {
                diesel::insert_into(roles_users::table)
                    .values(
                        roles::table
                            .filter(roles::name.eq_any(role_names.clone()))
                            .select((user_id.into_sql::<BigInt>(), roles::id)),
                    )
                    .into_columns((roles_users::user_id, roles_users::role_id))
                    .execute(c)
                    .await?;
            }
            Ok(user_by!(c, users::id.eq(user_id)))
        })
        .await
    });
    match created {
        Ok(found) => into_user(found)?.ok_or(DatastoreError::UserNotFound),
        Err(e) if is_unique_violation(&e) => Err(DatastoreError::DuplicateUser),
        Err(e) => Err(backend(e)),
    }
}

/// Finds a user by one attribute.
pub(super) async fn find(
    store: &DieselDatastore,
    query: UserQuery<'_>,
) -> DatastoreResult<Option<User>> {
    let mut conn = store.conn().await?;
    let found = with_conn!(&mut conn, |c| {
        let statement = users_with_roles!().into_boxed();
        let statement = match query {
            UserQuery::Id(id) => statement.filter(users::id.eq(id)),
            UserQuery::Email(email) => statement.filter(users::email_key.eq(lookup_key(email))),
            UserQuery::Uniquifier(u) => statement.filter(users::fs_uniquifier.eq(u)),
            UserQuery::TokenUniquifier(u) => statement.filter(users::fs_token_uniquifier.eq(u)),
            UserQuery::Username(name) => statement.filter(users::username_key.eq(lookup_key(name))),
        };
        statement.load::<(UserRow, Option<RoleRow>)>(c).await
    })
    .map_err(backend)?;
    into_user(with_roles(found))
}

/// Writes the stored fields of a user.
pub(super) async fn update(store: &DieselDatastore, user: &User) -> DatastoreResult<User> {
    let email_key = lookup_key(&user.email);
    let username_key = user.username.as_deref().map(lookup_key);
    let extra = to_json(&user.extra)?;
    let changes = UserChanges {
        email: &user.email,
        email_key: &email_key,
        username: user.username.as_deref(),
        username_key: username_key.as_deref(),
        password: user.password.as_deref(),
        active: user.active,
        fs_uniquifier: &user.fs_uniquifier,
        fs_token_uniquifier: &user.fs_token_uniquifier,
        confirmed_at: user.confirmed_at.map(micros),
        tf_primary_method: user.tf_primary_method.as_deref(),
        tf_totp_secret: user.tf_totp_secret.as_deref(),
        tf_phone_number: user.tf_phone_number.as_deref(),
        us_totp_secrets: user.us_totp_secrets.as_deref(),
        us_phone_number: user.us_phone_number.as_deref(),
        mf_recovery_codes: user.mf_recovery_codes.as_deref(),
        extra: &extra,
        locale: user.locale.as_deref(),
        update_datetime: store.now(),
    };
    let mut conn = store.conn().await?;
    let updated = with_conn!(&mut conn, |c| {
        c.transaction(async |c| {
            let changed = diesel::update(users::table.filter(users::id.eq(user.id)))
                .set(&changes)
                .execute(c)
                .await?;
            if changed == 0 {
                return Ok(None);
            }
            Ok(user_by!(c, users::id.eq(user.id)))
        })
        .await
    });
    match updated {
        Ok(found) => into_user(found)?.ok_or(DatastoreError::UserNotFound),
        Err(e) if is_unique_violation(&e) => Err(DatastoreError::DuplicateUser),
        Err(e) => Err(backend(e)),
    }
}

/// Deletes a user and everything that hangs off them.
pub(super) async fn delete(store: &DieselDatastore, user: &User) -> DatastoreResult<()> {
    let mut conn = store.conn().await?;
    // The foreign keys cascade; deleting explicitly as well keeps a database whose
    // connections do not enforce them (a SQLite file opened by another tool) clean.
    let deleted = with_conn!(&mut conn, |c| {
        c.transaction(async |c| {
            diesel::delete(one_time_codes::table.filter(one_time_codes::user_id.eq(user.id)))
                .execute(c)
                .await?;
            diesel::delete(sessions::table.filter(sessions::user_id.eq(user.id)))
                .execute(c)
                .await?;
            diesel::delete(
                webauthn_credentials::table.filter(webauthn_credentials::user_id.eq(user.id)),
            )
            .execute(c)
            .await?;
            diesel::delete(webauthn_states::table.filter(webauthn_states::user_id.eq(user.id)))
                .execute(c)
                .await?;
            diesel::delete(roles_users::table.filter(roles_users::user_id.eq(user.id)))
                .execute(c)
                .await?;
            diesel::delete(security_activity::table.filter(security_activity::user_id.eq(user.id)))
                .execute(c)
                .await?;
            // Mail not sent yet would tell a stranger who takes the address over about the
            // account that was: it goes with it.
            diesel::delete(
                mail_outbox::table
                    .filter(mail_outbox::recipient.eq(&user.email))
                    .filter(mail_outbox::sent_at.is_null()),
            )
            .execute(c)
            .await?;
            diesel::delete(users::table.filter(users::id.eq(user.id)))
                .execute(c)
                .await
        })
        .await
    })
    .map_err(backend)?;
    if deleted == 0 {
        return Err(DatastoreError::UserNotFound);
    }
    Ok(())
}

/// Sets the active flag; `true` if it changed.
pub(super) async fn set_active(
    store: &DieselDatastore,
    user: &User,
    active: bool,
) -> DatastoreResult<bool> {
    let at = store.now();
    let mut conn = store.conn().await?;
    let (changed, exists) = with_conn!(&mut conn, |c| {
        let changed = diesel::update(
            users::table
                .filter(users::id.eq(user.id))
                .filter(users::active.eq(!active)),
        )
        .set((users::active.eq(active), users::update_datetime.eq(at)))
        .execute(c)
        .await?;
        let exists = changed > 0
            || users::table
                .filter(users::id.eq(user.id))
                .count()
                .get_result::<i64>(c)
                .await?
                > 0;
        Ok((changed > 0, exists))
    })
    .map_err(backend)?;
    if exists {
        Ok(changed)
    } else {
        Err(DatastoreError::UserNotFound)
    }
}

/// The UPDATE counting a login of `$user_id` at `$at` from `$ip`: one statement, so concurrent
/// logins all count. The `last_*` assignments come first: MySQL evaluates them left to right
/// with the values already assigned.
macro_rules! count_login {
    ($user_id:expr, $at:expr, $ip:expr) => {
        diesel::update(users::table.filter(users::id.eq($user_id))).set((
            users::last_login_at.eq(case_when::<_, _, Nullable<Timestamp>>(
                users::current_login_at.is_null(),
                Some($at),
            )
            .otherwise(users::current_login_at)),
            users::last_login_ip.eq(users::current_login_ip),
            users::current_login_at.eq($at),
            users::current_login_ip.eq($ip),
            users::login_count.eq(users::login_count + 1),
        ))
    };
}

/// [`count_login!`] returning the row as the update left it, with the user's roles (SQLite
/// and PostgreSQL): two statements and no transaction.
macro_rules! count_login_returning {
    ($c:ident, $user_id:expr, $at:expr, $ip:expr) => {
        async {
            let Some(row) = count_login!($user_id, $at, $ip)
                .returning(UserRow::as_returning())
                .get_result::<UserRow>($c)
                .await
                .optional()?
            else {
                return Ok(None);
            };
            let roles = roles_of!($c, row.id)?;
            Ok(Some((row, roles)))
        }
        .await
    };
}

/// Counts a login, shifting current to last; answers the user as the update left them.
pub(super) async fn record_login(
    store: &DieselDatastore,
    user_id: i64,
    at: NaiveDateTime,
    ip: Option<&str>,
) -> DatastoreResult<User> {
    let at = micros(at);
    let mut conn = store.conn().await?;
    let updated: Result<_, diesel::result::Error> = match &mut conn {
        #[cfg(feature = "sqlite")]
        super::DbConnection::Sqlite(object) => {
            let c = &mut **object;
            count_login_returning!(c, user_id, at, ip)
        }
        #[cfg(feature = "postgres")]
        super::DbConnection::Postgres(object) => {
            let c = &mut **object;
            count_login_returning!(c, user_id, at, ip)
        }
        // No RETURNING: the row is read back inside the transaction, which keeps it locked.
        #[cfg(feature = "mysql")]
        super::DbConnection::Mysql(object) => {
            let c = &mut **object;
            c.transaction(async |c| {
                if count_login!(user_id, at, ip).execute(c).await? == 0 {
                    return Ok(None);
                }
                Ok(user_by!(c, users::id.eq(user_id)))
            })
            .await
        }
    };
    into_user(updated.map_err(backend)?)?.ok_or(DatastoreError::UserNotFound)
}
