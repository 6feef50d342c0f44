//! Rows as Diesel reads and writes them, and their conversion to and from the public models.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{mail_outbox, roles, sessions, users};
use crate::datastore::{
    DatastoreError, DatastoreResult, OutboxMail, Role, SessionKind, SessionRecord, User,
};

/// A stored value the datastore cannot make sense of (edited by hand, or by a newer version).
#[derive(Debug, thiserror::Error)]
#[error("malformed {what} in the database: {detail}")]
pub(crate) struct MalformedRow {
    what: &'static str,
    detail: String,
}

fn malformed(what: &'static str, detail: impl ToString) -> DatastoreError {
    DatastoreError::backend(MalformedRow {
        what,
        detail: detail.to_string(),
    })
}

// Every time written goes through `micros`, so SQLite stores what PostgreSQL and MySQL would.
pub(crate) use crate::datastore::micros;

/// The key the unique indexes and look-ups use for e-mail addresses and user names.
pub(crate) use crate::datastore::lookup_key;

#[derive(Queryable, Selectable)]
#[diesel(table_name = users)]
pub(crate) struct UserRow {
    pub id: i64,
    email: String,
    username: Option<String>,
    password: Option<String>,
    active: bool,
    fs_uniquifier: String,
    fs_token_uniquifier: String,
    confirmed_at: Option<NaiveDateTime>,
    last_login_at: Option<NaiveDateTime>,
    current_login_at: Option<NaiveDateTime>,
    last_login_ip: Option<String>,
    current_login_ip: Option<String>,
    login_count: i32,
    tf_primary_method: Option<String>,
    tf_totp_secret: Option<String>,
    tf_phone_number: Option<String>,
    us_totp_secrets: Option<String>,
    us_phone_number: Option<String>,
    mf_recovery_codes: Option<String>,
    extra: String,
    create_datetime: NaiveDateTime,
    update_datetime: NaiveDateTime,
    locale: Option<String>,
}

impl UserRow {
    pub(crate) fn into_user(self, roles: Vec<RoleRow>) -> DatastoreResult<User> {
        let extra = serde_json::from_str(&self.extra).map_err(|e| malformed("users.extra", e))?;
        Ok(User {
            id: self.id,
            email: self.email,
            username: self.username,
            password: self.password,
            active: self.active,
            fs_uniquifier: self.fs_uniquifier,
            fs_token_uniquifier: self.fs_token_uniquifier,
            confirmed_at: self.confirmed_at,
            last_login_at: self.last_login_at,
            current_login_at: self.current_login_at,
            last_login_ip: self.last_login_ip,
            current_login_ip: self.current_login_ip,
            login_count: self.login_count,
            tf_primary_method: self.tf_primary_method,
            tf_totp_secret: self.tf_totp_secret,
            tf_phone_number: self.tf_phone_number,
            us_totp_secrets: self.us_totp_secrets,
            us_phone_number: self.us_phone_number,
            mf_recovery_codes: self.mf_recovery_codes,
            extra,
            create_datetime: self.create_datetime,
            update_datetime: self.update_datetime,
            locale: self.locale,
            roles: roles.into_iter().map(RoleRow::into_role).collect(),
        })
    }
}

/// A new user's row.
#[derive(Insertable)]
#[diesel(table_name = users)]
pub(crate) struct NewUserRow<'a> {
    pub email: &'a str,
    pub email_key: &'a str,
    pub username: Option<&'a str>,
    pub username_key: Option<&'a str>,
    pub password: Option<&'a str>,
    pub active: bool,
    pub fs_uniquifier: &'a str,
    pub fs_token_uniquifier: &'a str,
    pub confirmed_at: Option<NaiveDateTime>,
    pub login_count: i32,
    pub extra: &'a str,
    pub locale: Option<&'a str>,
    pub create_datetime: NaiveDateTime,
    pub update_datetime: NaiveDateTime,
}

/// What `update_user` writes: every stored field except the trackable ones and the creation
/// time.
#[derive(AsChangeset)]
#[diesel(table_name = users, treat_none_as_null = true)]
pub(crate) struct UserChanges<'a> {
    pub email: &'a str,
    pub email_key: &'a str,
    pub username: Option<&'a str>,
    pub username_key: Option<&'a str>,
    pub password: Option<&'a str>,
    pub active: bool,
    pub fs_uniquifier: &'a str,
    pub fs_token_uniquifier: &'a str,
    pub confirmed_at: Option<NaiveDateTime>,
    pub tf_primary_method: Option<&'a str>,
    pub tf_totp_secret: Option<&'a str>,
    pub tf_phone_number: Option<&'a str>,
    pub us_totp_secrets: Option<&'a str>,
    pub us_phone_number: Option<&'a str>,
    pub mf_recovery_codes: Option<&'a str>,
    pub extra: &'a str,
    pub locale: Option<&'a str>,
    pub update_datetime: NaiveDateTime,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = roles)]
pub(crate) struct RoleRow {
    id: i64,
    name: String,
    description: Option<String>,
    permissions: Option<String>,
    update_datetime: NaiveDateTime,
}

impl RoleRow {
    pub(crate) fn into_role(self) -> Role {
        Role {
            id: self.id,
            name: self.name,
            description: self.description,
            permissions: split_permissions(self.permissions.as_deref()),
            update_datetime: self.update_datetime,
        }
    }
}

/// Permissions are stored comma-separated, as fsqla v3's `AsaList` does.
pub(crate) fn join_permissions(permissions: &[String]) -> Option<String> {
    let names: Vec<&str> = permissions
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect();
    (!names.is_empty()).then(|| names.join(","))
}

fn split_permissions(stored: Option<&str>) -> Vec<String> {
    stored
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub(crate) struct SessionRow {
    id_hash: String,
    kind: String,
    user_id: Option<i64>,
    fs_uniquifier: Option<String>,
    data: String,
    created_at: NaiveDateTime,
    last_seen_at: NaiveDateTime,
    expires_at: NaiveDateTime,
    fresh_at: Option<NaiveDateTime>,
    ip: Option<String>,
    user_agent: Option<String>,
}

impl SessionRow {
    pub(crate) fn into_record(self) -> DatastoreResult<SessionRecord> {
        Ok(SessionRecord {
            kind: SessionKind::parse(&self.kind)
                .ok_or_else(|| malformed("sessions.kind", &self.kind))?,
            id_hash: self.id_hash,
            user_id: self.user_id,
            fs_uniquifier: self.fs_uniquifier,
            data: self.data,
            created_at: self.created_at,
            last_seen_at: self.last_seen_at,
            expires_at: self.expires_at,
            fresh_at: self.fresh_at,
            ip: self.ip,
            user_agent: self.user_agent,
        })
    }
}

/// A new session's row. `None` is written as NULL (the columns' only default), so the INSERT
/// is the same statement every time and each connection prepares it once.
#[derive(Insertable)]
#[diesel(table_name = sessions, treat_none_as_default_value = false)]
pub(crate) struct NewSessionRow<'a> {
    id_hash: &'a str,
    kind: &'a str,
    user_id: Option<i64>,
    fs_uniquifier: Option<&'a str>,
    data: &'a str,
    created_at: NaiveDateTime,
    last_seen_at: NaiveDateTime,
    expires_at: NaiveDateTime,
    fresh_at: Option<NaiveDateTime>,
    ip: Option<&'a str>,
    user_agent: Option<&'a str>,
}

impl<'a> From<&'a SessionRecord> for NewSessionRow<'a> {
    fn from(s: &'a SessionRecord) -> Self {
        NewSessionRow {
            id_hash: &s.id_hash,
            kind: s.kind.as_str(),
            user_id: s.user_id,
            fs_uniquifier: s.fs_uniquifier.as_deref(),
            data: &s.data,
            created_at: micros(s.created_at),
            last_seen_at: micros(s.last_seen_at),
            expires_at: micros(s.expires_at),
            fresh_at: s.fresh_at.map(micros),
            ip: s.ip.as_deref(),
            user_agent: s.user_agent.as_deref(),
        }
    }
}

/// What `update_session` writes.
#[derive(AsChangeset)]
#[diesel(table_name = sessions, treat_none_as_null = true)]
pub(crate) struct SessionChanges<'a> {
    user_id: Option<i64>,
    fs_uniquifier: Option<&'a str>,
    data: &'a str,
    last_seen_at: NaiveDateTime,
    expires_at: NaiveDateTime,
    fresh_at: Option<NaiveDateTime>,
}

impl<'a> From<&'a SessionRecord> for SessionChanges<'a> {
    fn from(s: &'a SessionRecord) -> Self {
        SessionChanges {
            user_id: s.user_id,
            fs_uniquifier: s.fs_uniquifier.as_deref(),
            data: &s.data,
            last_seen_at: micros(s.last_seen_at),
            expires_at: micros(s.expires_at),
            fresh_at: s.fresh_at.map(micros),
        }
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = mail_outbox)]
pub(crate) struct OutboxRow {
    id: i64,
    sender: String,
    recipient: String,
    subject: String,
    body_text: String,
    body_html: String,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    last_error: Option<String>,
    created_at: NaiveDateTime,
    sent_at: Option<NaiveDateTime>,
}

impl From<OutboxRow> for OutboxMail {
    fn from(r: OutboxRow) -> Self {
        OutboxMail {
            id: r.id,
            sender: r.sender,
            recipient: r.recipient,
            subject: r.subject,
            body_text: r.body_text,
            body_html: r.body_html,
            attempts: r.attempts,
            next_attempt_at: r.next_attempt_at,
            last_error: r.last_error,
            created_at: r.created_at,
            sent_at: r.sent_at,
        }
    }
}

/// A mail entering the outbox: no delivery attempt yet.
#[derive(Insertable)]
#[diesel(table_name = mail_outbox)]
pub(crate) struct NewOutboxRow<'a> {
    sender: &'a str,
    recipient: &'a str,
    subject: &'a str,
    body_text: &'a str,
    body_html: &'a str,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
    last_error: Option<&'a str>,
    created_at: NaiveDateTime,
    sent_at: Option<NaiveDateTime>,
}

impl<'a> From<&'a OutboxMail> for NewOutboxRow<'a> {
    fn from(m: &'a OutboxMail) -> Self {
        NewOutboxRow {
            sender: &m.sender,
            recipient: &m.recipient,
            subject: &m.subject,
            body_text: &m.body_text,
            body_html: &m.body_html,
            attempts: 0,
            next_attempt_at: micros(m.next_attempt_at),
            last_error: m.last_error.as_deref(),
            created_at: micros(m.created_at),
            sent_at: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;

    #[test]
    fn permissions_round_trip_comma_separated() {
        let stored = join_permissions(&["read".into(), " write ".into(), "".into()]);
        assert_eq!(stored.as_deref(), Some("read,write"));
        assert_eq!(split_permissions(stored.as_deref()), ["read", "write"]);
        assert_eq!(join_permissions(&[]), None);
        assert!(split_permissions(None).is_empty());
    }

    #[test]
    fn times_are_cut_to_microseconds() {
        let t = chrono::DateTime::from_timestamp(1_700_000_000, 123_456_789)
            .unwrap()
            .naive_utc();
        assert_eq!(micros(t).nanosecond(), 123_456_000);
    }
}
