//! The security activity log: appended to, read newest first, purged by age.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use super::rows::micros;
use super::schema::security_activity;
use super::{backend, DieselDatastore};
use crate::datastore::{Activity, ActivityKind, DatastoreResult};

/// Longest text kept in a column (the MySQL columns are `VARCHAR(255)`).
fn clip(value: &Option<String>) -> Option<String> {
    value.as_ref().map(|v| v.chars().take(255).collect())
}

/// Appends one event.
pub(super) async fn add(store: &DieselDatastore, activity: &Activity) -> DatastoreResult<()> {
    let mut conn = store.conn().await?;
    let (ip, user_agent, detail) = (
        clip(&activity.ip),
        clip(&activity.user_agent),
        clip(&activity.detail),
    );
    with_conn!(&mut conn, |c| {
        diesel::insert_into(security_activity::table)
            .values((
                security_activity::user_id.eq(activity.user_id),
                security_activity::kind.eq(activity.kind.as_str()),
                security_activity::at.eq(micros(activity.at)),
                security_activity::ip.eq(&ip),
                security_activity::user_agent.eq(&user_agent),
                security_activity::detail.eq(&detail),
            ))
            .execute(c)
            .await
    })
    .map_err(backend)?;
    Ok(())
}

type Row = (
    i64,
    i64,
    String,
    NaiveDateTime,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// A user's events, newest first.
pub(super) async fn list(
    store: &DieselDatastore,
    user_id: i64,
    offset: i64,
    limit: i64,
) -> DatastoreResult<Vec<Activity>> {
    let mut conn = store.conn().await?;
    let rows: Vec<Row> = with_conn!(&mut conn, |c| {
        security_activity::table
            .filter(security_activity::user_id.eq(user_id))
            .order((security_activity::at.desc(), security_activity::id.desc()))
            .offset(offset.max(0))
            .limit(limit.max(0))
            .select((
                security_activity::id,
                security_activity::user_id,
                security_activity::kind,
                security_activity::at,
                security_activity::ip,
                security_activity::user_agent,
                security_activity::detail,
            ))
            .load::<Row>(c)
            .await
    })
    .map_err(backend)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, user_id, kind, at, ip, user_agent, detail)| {
            // A kind this version does not know (written by a newer one) is left out.
            Some(Activity {
                id,
                user_id,
                kind: ActivityKind::parse(&kind)?,
                at,
                ip,
                user_agent,
                detail,
            })
        })
        .collect())
}

/// Deletes the events recorded before `before`.
pub(super) async fn purge(store: &DieselDatastore, before: NaiveDateTime) -> DatastoreResult<u64> {
    let before = micros(before);
    let mut conn = store.conn().await?;
    let deleted = with_conn!(&mut conn, |c| {
        diesel::delete(security_activity::table.filter(security_activity::at.lt(before)))
            .execute(c)
            .await
    })
    .map_err(backend)?;
    Ok(deleted as u64)
}

/// Whether the user signed in with this `User-Agent` at `since` or later.
pub(super) async fn signed_in_from(
    store: &DieselDatastore,
    user_id: i64,
    user_agent: Option<&str>,
    since: NaiveDateTime,
) -> DatastoreResult<bool> {
    let since = micros(since);
    let user_agent: Option<String> = user_agent.map(|ua| ua.chars().take(255).collect());
    let mut conn = store.conn().await?;
    let found: Option<i64> = with_conn!(&mut conn, |c| {
        let mine = security_activity::user_id
            .eq(user_id)
            .and(security_activity::kind.eq(ActivityKind::SignIn.as_str()))
            .and(security_activity::at.ge(since));
        match &user_agent {
            Some(ua) => {
                security_activity::table
                    .filter(mine.and(security_activity::user_agent.eq(ua)))
                    .select(security_activity::id)
                    .first::<i64>(c)
                    .await
            }
            None => {
                security_activity::table
                    .filter(mine.and(security_activity::user_agent.is_null()))
                    .select(security_activity::id)
                    .first::<i64>(c)
                    .await
            }
        }
        .optional()
    })
    .map_err(backend)?;
    Ok(found.is_some())
}
