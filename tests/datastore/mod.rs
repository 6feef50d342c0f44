//! The `UserDatastore` contract, run against every backend.
//!
//! Each test is written once below and run by `per_backend!` on the in-memory store, SQLite,
//! PostgreSQL and MariaDB / MySQL (`datastore::<backend>::<test>`). SQLite and the in-memory
//! store always run; PostgreSQL and MySQL run when `TEST_POSTGRES_URL` / `TEST_MYSQL_URL` are
//! set, each test on a database of its own.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{Duration, NaiveDateTime};
use rocket_security::{
    DatastoreError, NewRole, NewUser, OneTimeCode, OutboxMail, SessionKind, SessionRecord, User,
    UserDatastore, UserQuery,
};

mod codes_and_counters;
mod connections;
mod outbox;
mod sessions;
mod users;

type Store = Arc<dyn UserDatastore>;

/// A time with microseconds, the precision every backend keeps.
fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").expect("test time")
}

fn now() -> NaiveDateTime {
    let t = chrono::Utc::now().naive_utc();
    t - Duration::nanoseconds(i64::from(t.and_utc().timestamp_subsec_nanos() % 1000))
}

fn new_user(email: &str) -> NewUser {
    NewUser {
        email: email.to_owned(),
        password: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned()),
        active: true,
        ..NewUser::default()
    }
}

async fn create(store: &Store, email: &str) -> User {
    store
        .create_user(new_user(email))
        .await
        .expect("create user")
}

fn role_names(user: &User) -> Vec<&str> {
    user.roles.iter().map(|r| r.name.as_str()).collect()
}

// ----- users -----

fn session(id_hash: &str, user_id: Option<i64>, created: NaiveDateTime) -> SessionRecord {
    SessionRecord {
        id_hash: id_hash.to_owned(),
        kind: SessionKind::Session,
        user_id,
        fs_uniquifier: user_id.map(|id| format!("uniq-{id}")),
        data: r#"{"csrf":"abc"}"#.to_owned(),
        created_at: created,
        last_seen_at: created,
        expires_at: created + Duration::days(1),
        fresh_at: Some(created),
        ip: Some("192.0.2.1".to_owned()),
        user_agent: Some("test-agent/1.0".to_owned()),
    }
}
