//! Datastore benchmarks: looking a user up by e-mail address (the first query of every login),
//! per backend. SQLite always runs; PostgreSQL and MySQL when `TEST_POSTGRES_URL` /
//! `TEST_MYSQL_URL` name a server, on a fresh database dropped afterwards.
//!
//! ```sh
//! TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test \
//! TEST_MYSQL_URL=mysql://root@127.0.0.1:3306/test cargo bench --bench datastore
//! ```
// criterion_group! and criterion_main! generate undocumented public functions.
#![allow(missing_docs)]

#[path = "../tests/common/mod.rs"]
mod common;

use criterion::{criterion_group, criterion_main, Criterion};
use rocket_security::{NewUser, UserQuery};

use common::Server;

/// Users in the table, so the look-up goes through a real index rather than a one-page scan.
const USERS: usize = 2_000;

fn find_user_by_email(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
    let mut group = c.benchmark_group("find_user_by_email");
    for (name, server) in [
        ("sqlite", Server::Sqlite),
        ("postgres", Server::Postgres),
        ("mysql", Server::Mysql),
    ] {
        let Some(backend) = runtime.block_on(common::diesel_store(
            server,
            &format!("find_user_by_email/{name}"),
        )) else {
            continue;
        };
        let store = backend.store.clone();
        runtime.block_on(async {
            for i in 0..USERS {
                store
                    .create_user(NewUser {
                        email: format!("User-{i}@Example.com"),
                        active: true,
                        ..NewUser::default()
                    })
                    .await
                    .expect("seed user");
            }
        });
        let email = format!("user-{}@example.com", USERS / 2);
        group.bench_function(name, |b| {
            b.to_async(&runtime).iter(|| async {
                store
                    .find_user(UserQuery::Email(&email))
                    .await
                    .expect("look-up")
                    .expect("seeded user")
            })
        });
        drop(store);
        runtime.block_on(backend.finish());
    }
    group.finish();
}

criterion_group!(benches, find_user_by_email);
criterion_main!(benches);
