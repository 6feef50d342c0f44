//! [`UserDatastore`] for [`DieselDatastore`]: each query written once, run on every backend.

use chrono::NaiveDateTime;
use diesel::dsl::case_when;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Timestamp};
use diesel_async::{AsyncConnection, RunQueryDsl};
use subtle::ConstantTimeEq;

#[cfg(feature = "mysql")]
use diesel_async::AsyncMysqlConnection;
#[cfg(feature = "postgres")]
use diesel_async::AsyncPgConnection;

#[cfg(feature = "sqlite")]
use super::pool::SqliteConn;
use super::rows::{
    join_permissions, lookup_key, micros, now, random_uniquifier, CodeRow, NewOutboxRow,
    NewSessionRow, NewUserRow, OutboxRow, RoleRow, SessionChanges, SessionRow, UserChanges,
    UserRow,
};
use super::schema::{counters, mail_outbox, one_time_codes, roles, roles_users, sessions, users};
use super::{backend, is_foreign_key_violation, is_unique_violation, DieselDatastore};
use crate::datastore::{
    DatastoreError, DatastoreResult, NewRole, NewUser, OneTimeCode, OutboxMail, Role,
    SessionRecord, User, UserDatastore, UserQuery,
};

/// How often an update-or-insert is retried when a concurrent caller inserted the same key
/// between our `UPDATE` and our `INSERT`. One retry suffices unless the row is also deleted
/// concurrently.
const UPSERT_ATTEMPTS: usize = 4;

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

/// An update-or-insert that lost every race it ran; only under pathological contention.
fn contended(what: &str) -> DatastoreError {
    DatastoreError::backend(std::io::Error::other(format!(
        "the {what} kept changing while being written; try again"
    )))
}

fn last_insert_id_sql<C: LastInsertId>(_: &C) -> &'static str {
    C::LAST_INSERT_ID
}

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

/// The user matching `$filter` with their roles, if any, on connection `$c`.
macro_rules! user_by {
    ($c:ident, $filter:expr) => {
        match users::table
            .filter($filter)
            .select(UserRow::as_select())
            .first::<UserRow>($c)
            .await
            .optional()?
        {
            Some(row) => {
                let roles = roles_of!($c, row.id)?;
                Some((row, roles))
            }
            None => None,
        }
    };
}

fn into_user(found: Option<(UserRow, Vec<RoleRow>)>) -> DatastoreResult<Option<User>> {
    found.map(|(row, roles)| row.into_user(roles)).transpose()
}

fn to_json(extra: &serde_json::Map<String, serde_json::Value>) -> DatastoreResult<String> {
    serde_json::to_string(extra).map_err(DatastoreError::backend)
}

impl DieselDatastore {
    async fn set_active(&self, user: &User, active: bool) -> DatastoreResult<bool> {
        let at = now();
        let mut conn = self.conn().await?;
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
}

#[rocket::async_trait]
impl UserDatastore for DieselDatastore {
    async fn create_user(&self, user: NewUser) -> DatastoreResult<User> {
        let at = now();
        let email_key = lookup_key(&user.email);
        let username_key = user.username.as_deref().map(lookup_key);
        let extra = to_json(&user.extra)?;
        let (fs_uniquifier, fs_token_uniquifier) = (random_uniquifier(), random_uniquifier());
        let row = NewUserRow {
            email: &user.email,
            email_key: &email_key,
            username: user.username.as_deref(),
            username_key: username_key.as_deref(),
            password: user.password.as_deref(),
            active: user.active,
            fs_uniquifier: &fs_uniquifier,
            fs_token_uniquifier: &fs_token_uniquifier,
            confirmed_at: user.confirmed_at.map(micros),
            login_count: 0,
            extra: &extra,
            create_datetime: at,
            update_datetime: at,
        };
        // Sorted, so that two creations needing the same new roles take their locks in the
        // same order and cannot deadlock.
        let mut role_names: Vec<&str> = user.roles.iter().map(String::as_str).collect();
        role_names.sort_unstable();
        role_names.dedup();

        let mut conn = self.conn().await?;
        let created = with_conn!(&mut conn, |c| {
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
                    for name in &role_names {
                        diesel::insert_into(roles::table)
                            .values((roles::name.eq(*name), roles::update_datetime.eq(at)))
                            .on_conflict_do_nothing()
                            .execute(c)
                            .await?;
                    }
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

    async fn find_user(&self, query: UserQuery<'_>) -> DatastoreResult<Option<User>> {
        let mut conn = self.conn().await?;
        let found = with_conn!(&mut conn, |c| {
            let statement = users::table.select(UserRow::as_select()).into_boxed();
            let statement = match query {
                UserQuery::Id(id) => statement.filter(users::id.eq(id)),
                UserQuery::Email(email) => statement.filter(users::email_key.eq(lookup_key(email))),
                UserQuery::Uniquifier(u) => statement.filter(users::fs_uniquifier.eq(u)),
                UserQuery::TokenUniquifier(u) => statement.filter(users::fs_token_uniquifier.eq(u)),
                UserQuery::Username(name) => {
                    statement.filter(users::username_key.eq(lookup_key(name)))
                }
            };
            match statement.first::<UserRow>(c).await.optional()? {
                Some(row) => {
                    let roles = roles_of!(c, row.id)?;
                    Ok(Some((row, roles)))
                }
                None => Ok(None),
            }
        })
        .map_err(backend)?;
        into_user(found)
    }

    async fn update_user(&self, user: &User) -> DatastoreResult<User> {
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
            update_datetime: now(),
        };
        let mut conn = self.conn().await?;
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

    async fn delete_user(&self, user: &User) -> DatastoreResult<()> {
        let mut conn = self.conn().await?;
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
                diesel::delete(roles_users::table.filter(roles_users::user_id.eq(user.id)))
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

    async fn activate_user(&self, user: &User) -> DatastoreResult<bool> {
        self.set_active(user, true).await
    }

    async fn deactivate_user(&self, user: &User) -> DatastoreResult<bool> {
        self.set_active(user, false).await
    }

    async fn record_login(
        &self,
        user_id: i64,
        at: NaiveDateTime,
        ip: Option<&str>,
    ) -> DatastoreResult<User> {
        let at = micros(at);
        let mut conn = self.conn().await?;
        let updated = with_conn!(&mut conn, |c| {
            c.transaction(async |c| {
                // One UPDATE, so concurrent logins all count. The `last_*` assignments come
                // first: MySQL evaluates them left to right with the values already assigned.
                let changed = diesel::update(users::table.filter(users::id.eq(user_id)))
                    .set((
                        users::last_login_at.eq(case_when::<_, _, Nullable<Timestamp>>(
                            users::current_login_at.is_null(),
                            Some(at),
                        )
                        .otherwise(users::current_login_at)),
                        users::last_login_ip.eq(users::current_login_ip),
                        users::current_login_at.eq(at),
                        users::current_login_ip.eq(ip),
                        users::login_count.eq(users::login_count + 1),
                    ))
                    .execute(c)
                    .await?;
                if changed == 0 {
                    return Ok(None);
                }
                // Inside the transaction the row stays locked, so this reads our own update.
                Ok(user_by!(c, users::id.eq(user_id)))
            })
            .await
        })
        .map_err(backend)?;
        into_user(updated)?.ok_or(DatastoreError::UserNotFound)
    }

    async fn create_role(&self, role: NewRole) -> DatastoreResult<Role> {
        let permissions = join_permissions(&role.permissions);
        let at = now();
        let mut conn = self.conn().await?;
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

    async fn find_role(&self, name: &str) -> DatastoreResult<Option<Role>> {
        let mut conn = self.conn().await?;
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

    async fn list_roles(&self) -> DatastoreResult<Vec<Role>> {
        let mut conn = self.conn().await?;
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

    async fn add_role_to_user(&self, user: &User, role: &str) -> DatastoreResult<bool> {
        let mut conn = self.conn().await?;
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

    async fn remove_role_from_user(&self, user: &User, role: &str) -> DatastoreResult<bool> {
        let mut conn = self.conn().await?;
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

    async fn create_session(&self, session: &SessionRecord) -> DatastoreResult<()> {
        let row = NewSessionRow::from(session);
        let mut conn = self.conn().await?;
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

    async fn find_session(&self, id_hash: &str) -> DatastoreResult<Option<SessionRecord>> {
        let mut conn = self.conn().await?;
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

    async fn update_session(&self, session: &SessionRecord) -> DatastoreResult<bool> {
        let changes = SessionChanges::from(session);
        let mut conn = self.conn().await?;
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

    async fn delete_session(&self, id_hash: &str) -> DatastoreResult<bool> {
        let mut conn = self.conn().await?;
        let deleted = with_conn!(&mut conn, |c| {
            diesel::delete(sessions::table.find(id_hash))
                .execute(c)
                .await
        })
        .map_err(backend)?;
        Ok(deleted > 0)
    }

    async fn delete_user_sessions(&self, user_id: i64, keep: &[&str]) -> DatastoreResult<u64> {
        let keep = keep.to_vec();
        let mut conn = self.conn().await?;
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

    async fn list_user_sessions(&self, user_id: i64) -> DatastoreResult<Vec<SessionRecord>> {
        let at = now();
        let mut conn = self.conn().await?;
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

    async fn delete_expired_sessions(&self, now: NaiveDateTime) -> DatastoreResult<u64> {
        let now = micros(now);
        let mut conn = self.conn().await?;
        let deleted = with_conn!(&mut conn, |c| {
            diesel::delete(sessions::table.filter(sessions::expires_at.lt(now)))
                .execute(c)
                .await
        })
        .map_err(backend)?;
        Ok(deleted as u64)
    }

    async fn enqueue_mail(&self, mail: &OutboxMail) -> DatastoreResult<OutboxMail> {
        let row = NewOutboxRow::from(mail);
        let mut conn = self.conn().await?;
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

    async fn due_mails(&self, now: NaiveDateTime, limit: i64) -> DatastoreResult<Vec<OutboxMail>> {
        let now = micros(now);
        let mut conn = self.conn().await?;
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

    async fn mark_mail_sent(&self, id: i64, at: NaiveDateTime) -> DatastoreResult<()> {
        let at = micros(at);
        let mut conn = self.conn().await?;
        with_conn!(&mut conn, |c| {
            diesel::update(mail_outbox::table.find(id))
                .set(mail_outbox::sent_at.eq(at))
                .execute(c)
                .await
        })
        .map_err(backend)?;
        Ok(())
    }

    async fn mark_mail_failed(
        &self,
        id: i64,
        attempts: i32,
        next_attempt_at: NaiveDateTime,
        error: &str,
    ) -> DatastoreResult<()> {
        let next_attempt_at = micros(next_attempt_at);
        let mut conn = self.conn().await?;
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

    async fn pending_mails(&self) -> DatastoreResult<Vec<OutboxMail>> {
        let mut conn = self.conn().await?;
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

    async fn put_code(&self, code: &OneTimeCode) -> DatastoreResult<()> {
        let expires_at = micros(code.expires_at);
        let mut conn = self.conn().await?;
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

    async fn take_code(
        &self,
        user_id: i64,
        purpose: &str,
        code_hash: &str,
        now: NaiveDateTime,
    ) -> DatastoreResult<bool> {
        let now = micros(now);
        let mut conn = self.conn().await?;
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

    async fn hit_counter(
        &self,
        key: &str,
        now: NaiveDateTime,
        window: chrono::Duration,
    ) -> DatastoreResult<i64> {
        let now = micros(now);
        let window_opened_before = now
            .checked_sub_signed(window)
            .unwrap_or(chrono::DateTime::UNIX_EPOCH.naive_utc());
        let mut conn = self.conn().await?;
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

    async fn reset_counter(&self, key: &str) -> DatastoreResult<()> {
        let mut conn = self.conn().await?;
        with_conn!(&mut conn, |c| {
            diesel::delete(counters::table.find(key)).execute(c).await
        })
        .map_err(backend)?;
        Ok(())
    }
}
