//! Connecting: SQLite set-up and indexes, URLs that pick the backend, connections the server
//! closed, and the pool serving Rocket handlers.

use super::*;

/// The case-insensitive e-mail look-up is served by the unique index on `email_key`.
#[cfg(feature = "sqlite")]
#[test]
fn email_lookup_uses_the_index_on_sqlite() {
    use diesel::prelude::*;

    #[derive(QueryableByName)]
    struct Plan {
        #[diesel(sql_type = diesel::sql_types::Text)]
        detail: String,
    }

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let backend = runtime
        .block_on(crate::common::sqlite(
            "email_lookup_uses_the_index_on_sqlite",
        ))
        .unwrap();
    let path = backend
        .url()
        .unwrap()
        .trim_start_matches("sqlite://")
        .to_owned();
    let mut conn = diesel::SqliteConnection::establish(&path).unwrap();
    let plan = diesel::sql_query(
        "EXPLAIN QUERY PLAN SELECT users.id, users.email FROM users \
         WHERE users.email_key = ? LIMIT ?",
    )
    .bind::<diesel::sql_types::Text, _>("ada@example.com")
    .bind::<diesel::sql_types::BigInt, _>(1)
    .load::<Plan>(&mut conn)
    .unwrap();
    let details: Vec<_> = plan.iter().map(|p| p.detail.as_str()).collect();
    assert!(
        details
            .iter()
            .any(|d| d.starts_with("SEARCH users USING INDEX users_email_key")),
        "{details:?}"
    );
    drop(conn);
    runtime.block_on(backend.finish());
}

/// Every pooled SQLite connection runs in WAL mode with a busy timeout and enforced foreign
/// keys, so that a CLI process can write while the server runs.
#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread")]
async fn sqlite_connections_are_set_up() {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    use rocket_security::DbConnection;

    #[derive(QueryableByName)]
    struct Setting {
        #[diesel(sql_type = diesel::sql_types::Text)]
        value: String,
    }

    let backend = crate::common::sqlite("sqlite_connections_are_set_up")
        .await
        .unwrap();
    let pool = backend.diesel.as_ref().unwrap().pool().clone();
    // Two connections at once: both new, both set up.
    let mut first = pool.get().await.unwrap();
    let mut second = pool.get().await.unwrap();
    for conn in [&mut first, &mut second] {
        assert_eq!(conn.backend_name(), "sqlite");
        #[allow(irrefutable_let_patterns)]
        let DbConnection::Sqlite(conn) = conn
        else {
            panic!("not sqlite")
        };
        let mut setting = async |sql: &str| {
            diesel::sql_query(sql)
                .load::<Setting>(&mut **conn)
                .await
                .unwrap()
                .remove(0)
                .value
        };
        assert_eq!(
            setting("SELECT journal_mode AS value FROM pragma_journal_mode").await,
            "wal"
        );
        assert_eq!(
            setting("SELECT CAST(timeout AS TEXT) AS value FROM pragma_busy_timeout").await,
            "5000"
        );
        assert_eq!(
            setting("SELECT CAST(foreign_keys AS TEXT) AS value FROM pragma_foreign_keys").await,
            "1"
        );
        assert_eq!(
            setting("SELECT CAST(synchronous AS TEXT) AS value FROM pragma_synchronous").await,
            "1",
            "NORMAL"
        );
    }
    drop((first, second));
    backend.finish().await;
}

/// Each pooled SQLite connection runs its queries on one thread of its own: however many
/// requests query at once, the threads doing SQLite work are as many as the pool's connections.
#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_queries_run_on_one_thread_per_pooled_connection() {
    use rocket_security::{DbConnection, DbPool};

    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("threads.sqlite3").display());
    let pool = DbPool::connect(&url, 3).await.unwrap();
    let callers: Vec<_> = (0..24)
        .map(|_| {
            let pool = pool.clone();
            tokio::spawn(async move {
                let mut seen = Vec::new();
                for _ in 0..5 {
                    #[allow(irrefutable_let_patterns)]
                    let DbConnection::Sqlite(mut conn) = pool.get().await.unwrap() else {
                        panic!("not sqlite")
                    };
                    let thread = conn
                        .spawn_blocking(|_| {
                            let current = std::thread::current();
                            Ok((current.id(), current.name().map(str::to_owned)))
                        })
                        .await
                        .unwrap();
                    seen.push(thread);
                }
                seen
            })
        })
        .collect();
    let mut threads = std::collections::HashMap::new();
    for caller in callers {
        threads.extend(caller.await.unwrap());
    }
    assert!(
        (1..=3).contains(&threads.len()),
        "{} threads for 3 connections",
        threads.len()
    );
    assert!(
        threads
            .values()
            .all(|name| name.as_deref() == Some("rs-sqlite")),
        "{threads:?}"
    );
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn urls_choose_the_backend_and_bad_ones_are_named() {
    use rocket_security::DbPool;

    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("data/nested/security.sqlite3");
    let pool = DbPool::connect(&format!("sqlite://{}", nested.display()), 2)
        .await
        .unwrap();
    assert_eq!(pool.backend_name(), "sqlite");
    assert!(nested.exists(), "the file and its directories are created");
    let pool = DbPool::connect(&format!("sqlite:{}", nested.display()), 2)
        .await
        .unwrap();
    assert_eq!(pool.backend_name(), "sqlite");

    for url in ["redis://127.0.0.1/0", "security.sqlite3", "sqlite::memory:"] {
        let message = DbPool::connect(url, 1).await.unwrap_err().to_string();
        assert!(message.contains(url), "{message}");
    }
    let message = DbPool::connect("mssql://sa:hunter2@db/app", 1)
        .await
        .unwrap_err()
        .to_string();
    assert!(message.contains("mssql://sa:***@db/app"), "{message}");
    assert!(!message.contains("hunter2"), "{message}");
}

/// Connections that PostgreSQL closes (a restart, an administrator, an idle timeout) are not
/// handed out again once the client has seen them close: the next queries succeed on new
/// connections, without a failed request and without a test query before each checkout.
#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread")]
async fn postgres_connections_closed_by_the_server_are_replaced() {
    let test = "postgres_connections_closed_by_the_server_are_replaced";
    let Some(backend) = crate::common::postgres(test).await else {
        return;
    };
    let admin_url = std::env::var(crate::common::POSTGRES_ENV).expect("the admin URL");
    let name = url::Url::parse(backend.url().expect("a URL"))
        .expect("the database URL")
        .path()
        .trim_start_matches('/')
        .to_owned();
    create(&backend.store, "kept@example.com").await;
    // Every connection of the pool has been used once.
    let lookups: Vec<_> = (0..8)
        .map(|_| {
            let store = backend.store.clone();
            tokio::spawn(async move { store.find_user(UserQuery::Email("kept@example.com")).await })
        })
        .collect();
    for lookup in lookups {
        let found = lookup.await.expect("the task");
        assert!(found.expect("a lookup before").is_some());
    }
    let terminate = format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    );
    crate::common::execute_admin(crate::common::Server::Postgres, &admin_url, &terminate).await;
    // The client library notices the closed sockets as soon as it runs; give it a moment.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    for _ in 0..8 {
        let found = backend
            .store
            .find_user(UserQuery::Email("kept@example.com"))
            .await
            .expect("a lookup after the server closed the pool's connections");
        assert_eq!(found.expect("the user").email, "kept@example.com");
    }
    backend.finish().await;
}

/// `SecurityDb` works as a rocket_db_pools database: configured from `databases.security`,
/// handing out connections to handlers and its pool to a `DieselDatastore`.
#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread")]
async fn security_db_serves_rocket_handlers() {
    use rocket::http::Status;
    use rocket::local::asynchronous::Client;
    use rocket::State;
    use rocket_db_pools::{Connection, Database};
    use rocket_security::{DieselDatastore, SecurityDb};

    #[rocket::get("/backend")]
    fn backend_name(db: Connection<SecurityDb>) -> &'static str {
        db.backend_name()
    }

    #[rocket::get("/users/<email>")]
    async fn user_email(db: &State<SecurityDb>, email: &str) -> Option<String> {
        let store = DieselDatastore::from(&**db);
        let user = rocket_security::UserStore::find_user(&store, UserQuery::Email(email))
            .await
            .ok()??;
        Some(user.email)
    }

    let backend = crate::common::sqlite("security_db_serves_rocket_handlers")
        .await
        .unwrap();
    create(&backend.store, "Rocket@Example.com").await;

    let figment = rocket::Config::figment()
        .merge(("databases.security.url", backend.url().unwrap()))
        .merge(("databases.security.max_connections", 2));
    let rocket = rocket::custom(figment)
        .attach(SecurityDb::init())
        .mount("/", rocket::routes![backend_name, user_email]);
    let client = Client::tracked(rocket).await.unwrap();
    let response = client.get("/backend").dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(response.into_string().await.unwrap(), "sqlite");
    let response = client.get("/users/rocket@example.com").dispatch().await;
    assert_eq!(response.into_string().await.unwrap(), "Rocket@Example.com");
    let status = client
        .get("/users/nobody@example.com")
        .dispatch()
        .await
        .status();
    assert_eq!(status, Status::NotFound);
    drop(client);

    // A URL naming no known backend stops the launch.
    let figment =
        rocket::Config::figment().merge(("databases.security.url", "ftp://example.com/db"));
    let ignited = rocket::custom(figment)
        .attach(SecurityDb::init())
        .ignite()
        .await
        .expect_err("launch must fail");
    assert!(
        matches!(ignited.kind(), rocket::error::ErrorKind::FailedFairings(_)),
        "{ignited}"
    );
    backend.finish().await;
}

per_backend!(#[tokio::test(flavor = "multi_thread")] databases: idle_connections_close);

/// With `idle_timeout` in the database's configuration, connections left unused that long are
/// closed (on SQLite, with their threads); one in use stays, and the pool opens new ones.
async fn idle_connections_close(url: &str) {
    use rocket::figment::Figment;
    use rocket_security::DbPool;

    let figment = Figment::new()
        .merge(("url", url))
        .merge(("max_connections", 4))
        .merge(("connect_timeout", 5))
        .merge(("idle_timeout", 1));
    let pool = <DbPool as rocket_db_pools::Pool>::init(&figment)
        .await
        .unwrap();
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(pool.get().await.unwrap());
    }
    let in_use = held.pop().unwrap();
    drop(held);
    assert_eq!(pool.status().open, 3);

    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while pool.status().open > 1 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let status = pool.status();
    assert_eq!((status.open, status.idle), (1, 0), "{status:?}");
    drop(in_use);
    let again = pool.get().await.unwrap();
    assert_eq!(again.backend_name(), pool.backend_name());
    drop(again);
    pool.close();
}
