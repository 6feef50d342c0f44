//! Roles and their grants.

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;

use super::rows::{join_permissions, RoleRow};
use super::schema::{roles, roles_users};
use super::{backend, is_foreign_key_violation, is_unique_violation, DieselDatastore};
use crate::datastore::{Clocked, DatastoreError, DatastoreResult, NewRole, Role, User};

/// Creates a role.
pub(super) async fn create(store: &DieselDatastore, role: NewRole) -> DatastoreResult<Role> {
    let permissions = join_permissions(&role.permissions);
    let at = store.now();
    let mut conn = store.conn().await?;
    let created = with_conn!(&mut conn, |c| {
        diesel::insert_into(roles::table)
            .values((
                roles::name.eq(&role.name),
                roles::description.eq(role.description.as_deref()),
                roles::permissions.eq(permissions.as_deref()),
                roles::update_datetime.eq(at),
            ))
            .execute(c)
            .await?;
        roles::table
            .filter(roles::name.eq(&role.name))
            .select(RoleRow::as_select())
            .first::<RoleRow>(c)
            .await
            .optional()
    });
    match created {
        Ok(Some(row)) => Ok(row.into_role()),
        Ok(None) => Err(DatastoreError::RoleNotFound(role.name)),
        Err(e) if is_unique_violation(&e) => Err(DatastoreError::DuplicateRole(role.name)),
        Err(e) => Err(backend(e)),
    }
}

/// Finds a role by name.
pub(super) async fn find(store: &DieselDatastore, name: &str) -> DatastoreResult<Option<Role>> {
    let mut conn = store.conn().await?;
    let found = with_conn!(&mut conn, |c| {
        roles::table
            .filter(roles::name.eq(name))
            .select(RoleRow::as_select())
            .first::<RoleRow>(c)
            .await
            .optional()
    })
    .map_err(backend)?;
    Ok(found.map(RoleRow::into_role))
}

/// Every role, by name.
pub(super) async fn list(store: &DieselDatastore) -> DatastoreResult<Vec<Role>> {
    let mut conn = store.conn().await?;
    let rows = with_conn!(&mut conn, |c| {
        roles::table
            .select(RoleRow::as_select())
            .order(roles::name.asc())
            .load::<RoleRow>(c)
            .await
    })
    .map_err(backend)?;
    Ok(rows.into_iter().map(RoleRow::into_role).collect())
}

/// Grants a role; `true` if it was not held.
pub(super) async fn grant(
    store: &DieselDatastore,
    user: &User,
    role: &str,
) -> DatastoreResult<bool> {
    let mut conn = store.conn().await?;
    // One statement: a missing role inserts nothing, an existing grant is a unique
    // violation, a missing user a foreign-key violation.
    let inserted = with_conn!(&mut conn, |c| {
        diesel::insert_into(roles_users::table)
            .values(
                roles::table
                    .filter(roles::name.eq(role))
                    .select((user.id.into_sql::<BigInt>(), roles::id)),
            )
            .into_columns((roles_users::user_id, roles_users::role_id))
            .execute(c)
            .await
    });
    match inserted {
        Ok(0) => Err(DatastoreError::RoleNotFound(role.to_owned())),
        Ok(_) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) if is_foreign_key_violation(&e) => Err(DatastoreError::UserNotFound),
        Err(e) => Err(backend(e)),
    }
}

/// Revokes a role; `true` if it was held.
pub(super) async fn revoke(
    store: &DieselDatastore,
    user: &User,
    role: &str,
) -> DatastoreResult<bool> {
    let mut conn = store.conn().await?;
    let deleted = with_conn!(&mut conn, |c| {
        diesel::delete(
            roles_users::table
                .filter(roles_users::user_id.eq(user.id))
                .filter(
                    roles_users::role_id
                        .eq_any(roles::table.filter(roles::name.eq(role)).select(roles::id)),
                ),
        )
        .execute(c)
        .await
    })
    .map_err(backend)?;
    Ok(deleted > 0)
}
