//! Backends for integration tests: a fresh SQLite file, or a fresh database on the PostgreSQL /
//! MySQL server named by `TEST_POSTGRES_URL` / `TEST_MYSQL_URL`, each migrated and dropped
//! again at the end; and [`per_backend!`](crate::per_backend), which runs a test written once
//! on each of them:
//!
//! ```ignore
//! async fn sessions_survive_a_restart(store: Arc<dyn UserDatastore>) { /* ... */ }
//!
//! per_backend!(stores: sessions_survive_a_restart);
//! ```
//!
//! Every constructor takes the test's name and returns `None` (after printing why) when its
//! server is not configured.
#![allow(dead_code)]

pub mod app;
pub mod mariadb_server;
pub mod passkey;
pub mod pg_server;
pub mod process;
pub mod smtp_sink;
pub mod totp;

use std::sync::Arc;

use rocket_security::{DieselDatastore, UserDatastore};

/// The variable naming the PostgreSQL server, e.g. `postgres://postgres@127.0.0.1:5432/test`.
pub const POSTGRES_ENV: &str = "TEST_POSTGRES_URL";
/// The variable naming the MySQL / MariaDB server, e.g. `mysql://root@127.0.0.1:3306/test`.
pub const MYSQL_ENV: &str = "TEST_MYSQL_URL";

/// Connections per test pool: enough for the concurrency tests to contend for real.
const POOL_SIZE: usize = 8;

/// The kinds of database server a test can run against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Server {
    /// A file in a temporary directory.
    Sqlite,
    /// The server in `TEST_POSTGRES_URL`.
    Postgres,
    /// The server in `TEST_MYSQL_URL`.
    Mysql,
}

/// A database made for one test: its URL, and what removes it (also when the test panics).
pub struct FreshDatabase {
    /// The URL to give to `DbPool::connect` or to Rocket's `databases.security.url`.
    pub url: String,
    server: Server,
    cleanup: Option<Cleanup>,
}

enum Cleanup {
    /// Removing the directory removes the SQLite file.
    TempDir(tempfile::TempDir),
    /// `DROP DATABASE name` through the admin URL.
    Drop { admin_url: String, name: String },
}

impl FreshDatabase {
    /// A new, empty database on `server`, or `None` when the server's variable is unset.
    /// Panics when the server is configured but cannot be reached: a configured backend never
    /// skips silently.
    pub async fn create(server: Server, test: &str) -> Option<Self> {
        let feature = match server {
            Server::Sqlite => cfg!(feature = "sqlite"),
            Server::Postgres => cfg!(feature = "postgres"),
            Server::Mysql => cfg!(feature = "mysql"),
        };
        if !feature {
            println!("skipping {test}: built without the {server:?} backend");
            return None;
        }
        let env = match server {
            Server::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let url = format!("sqlite://{}", dir.path().join("security.sqlite3").display());
                return Some(FreshDatabase {
                    url,
                    server,
                    cleanup: Some(Cleanup::TempDir(dir)),
                });
            }
            Server::Postgres => POSTGRES_ENV,
            Server::Mysql => MYSQL_ENV,
        };
        let Some(admin_url) = std::env::var(env).ok().filter(|u| !u.trim().is_empty()) else {
            println!("skipping {test}: {env} not set");
            return None;
        };
        let name = format!("rs_test_{}", hex::encode(rand::random::<[u8; 8]>()));
        let mut url = url::Url::parse(&admin_url).unwrap_or_else(|e| panic!("{env}: {e}"));
        url.set_path(&format!("/{name}"));
        execute_admin(server, &admin_url, &format!("CREATE DATABASE {name}")).await;
        Some(FreshDatabase {
            url: url.to_string(),
            server,
            cleanup: Some(Cleanup::Drop { admin_url, name }),
        })
    }

    /// Which server the database is on.
    pub fn server(&self) -> Server {
        self.server
    }

    /// Removes the database now (dropping the value does it too, less politely).
    pub async fn remove(mut self) {
        match self.cleanup.take() {
            Some(Cleanup::Drop { admin_url, name }) => {
                execute_admin(self.server, &admin_url, &drop_statement(self.server, &name)).await
            }
            Some(Cleanup::TempDir(dir)) => drop(dir),
            None => {}
        }
    }
}

impl Drop for FreshDatabase {
    fn drop(&mut self) {
        if let Some(Cleanup::Drop { admin_url, name }) = self.cleanup.take() {
            let server = self.server;
            // Drop runs inside the test's runtime: use a runtime of our own on another thread.
            let dropped = std::thread::spawn(move || {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("tokio runtime")
                    .block_on(execute_admin(
                        server,
                        &admin_url,
                        &drop_statement(server, &name),
                    ))
            })
            .join();
            if dropped.is_err() {
                eprintln!("could not drop a test database on {server:?}");
            }
        }
    }
}

fn drop_statement(server: Server, name: &str) -> String {
    match server {
        // WITH (FORCE) ends the connections a pool may still hold (PostgreSQL 13+).
        Server::Postgres => format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        _ => format!("DROP DATABASE IF EXISTS {name}"),
    }
}

/// Runs `sql` on `server` through `admin_url` (the server's variable); panics when it fails.
pub async fn execute_admin(server: Server, admin_url: &str, sql: &str) {
    #[cfg(any(feature = "postgres", feature = "mysql"))]
    use diesel_async::{AsyncConnection, SimpleAsyncConnection};

    match server {
        #[cfg(feature = "postgres")]
        Server::Postgres => {
            let mut conn = diesel_async::AsyncPgConnection::establish(admin_url)
                .await
                .unwrap_or_else(|e| panic!("cannot connect to {POSTGRES_ENV}: {e}"));
            conn.batch_execute(sql)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        #[cfg(feature = "mysql")]
        Server::Mysql => {
            let mut conn = diesel_async::AsyncMysqlConnection::establish(admin_url)
                .await
                .unwrap_or_else(|e| panic!("cannot connect to {MYSQL_ENV}: {e}"));
            conn.batch_execute(sql)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
        // SQLite needs no server; a backend left out of the build never gets here.
        _ => {
            let _ = (admin_url, sql);
        }
    }
}

/// A migrated datastore on a fresh database, for one test.
pub struct TestStore {
    /// The store under test.
    pub store: Arc<dyn UserDatastore>,
    /// The same store as a `DieselDatastore` (`None` for the in-memory store).
    pub diesel: Option<DieselDatastore>,
    database: Option<FreshDatabase>,
}

impl TestStore {
    /// Wraps a store that needs no database, such as an in-memory one.
    pub fn without_database(store: Arc<dyn UserDatastore>) -> Self {
        TestStore {
            store,
            diesel: None,
            database: None,
        }
    }

    /// The database's URL (`None` for the in-memory store).
    pub fn url(&self) -> Option<&str> {
        self.database.as_ref().map(|d| d.url.as_str())
    }

    /// Closes the pool and removes the database.
    pub async fn finish(mut self) {
        if let Some(diesel) = self.diesel.take() {
            diesel.pool().close();
        }
        if let Some(database) = self.database.take() {
            database.remove().await;
        }
    }
}

/// A migrated Diesel datastore on a fresh database on `server`.
pub async fn diesel_store(server: Server, test: &str) -> Option<TestStore> {
    let database = FreshDatabase::create(server, test).await?;
    let store = DieselDatastore::connect(&database.url, POOL_SIZE)
        .await
        .unwrap_or_else(|e| panic!("connect to {:?}: {e}", database.url));
    store
        .run_migrations()
        .await
        .unwrap_or_else(|e| panic!("migrations on {server:?}: {e}"));
    Some(TestStore {
        store: Arc::new(store.clone()),
        diesel: Some(store),
        database: Some(database),
    })
}

/// The in-memory datastore (always available).
pub async fn memory(_test: &str) -> Option<TestStore> {
    Some(TestStore::without_database(Arc::new(
        rocket_security::MemoryDatastore::new(),
    )))
}

/// A Diesel datastore on a temporary SQLite file (always available).
pub async fn sqlite(test: &str) -> Option<TestStore> {
    diesel_store(Server::Sqlite, test).await
}

/// A Diesel datastore on a fresh database on `TEST_POSTGRES_URL`'s server.
pub async fn postgres(test: &str) -> Option<TestStore> {
    diesel_store(Server::Postgres, test).await
}

/// A Diesel datastore on a fresh database on `TEST_MYSQL_URL`'s server.
pub async fn mysql(test: &str) -> Option<TestStore> {
    diesel_store(Server::Mysql, test).await
}

/// Runs a test body written once on every backend, as one test function per backend in a
/// module per backend (`<module>::sqlite::<case>`, `<module>::postgres::<case>`, ...). The
/// PostgreSQL and MariaDB / MySQL functions print why they skip and return when
/// `TEST_POSTGRES_URL` / `TEST_MYSQL_URL` is unset; SQLite always runs.
///
/// - `per_backend!(stores: case, ...)` calls `async fn case(store: Arc<dyn UserDatastore>)` with
///   a migrated store on a fresh database, and with the in-memory store (`memory::case`).
/// - `per_backend!(databases: case, ...)` calls `async fn case(url: &str)` with the URL of a
///   fresh, empty database, for tests that start their own pools, apps or processes on it.
///
/// Each test is a `#[rocket::async_test]` unless an attribute comes first:
/// `per_backend!(#[tokio::test(flavor = "multi_thread")] databases: case)`. One call per module.
#[macro_export]
macro_rules! per_backend {
    (stores: $($case:ident),+ $(,)?) => {
        $crate::per_backend!(#[rocket::async_test] stores: $($case),+);
    };
    (databases: $($case:ident),+ $(,)?) => {
        $crate::per_backend!(#[rocket::async_test] databases: $($case),+);
    };
    (#[$test:meta] stores: $($case:ident),+ $(,)?) => {
        $crate::per_backend!(@store [$test] memory: $($case),+);
        $crate::per_backend!(@store [$test] sqlite: $($case),+);
        $crate::per_backend!(@store [$test] postgres: $($case),+);
        $crate::per_backend!(@store [$test] mysql: $($case),+);
    };
    (#[$test:meta] databases: $($case:ident),+ $(,)?) => {
        $crate::per_backend!(@database [$test] sqlite Sqlite: $($case),+);
        $crate::per_backend!(@database [$test] postgres Postgres: $($case),+);
        $crate::per_backend!(@database [$test] mysql Mysql: $($case),+);
    };
    (@store [$test:meta] $backend:ident: $($case:ident),+) => {
        mod $backend {
            $(
                #[$test]
                async fn $case() {
                    let name = concat!(module_path!(), "::", stringify!($case));
                    let Some(test) = $crate::common::$backend(name).await else { return };
                    super::$case(test.store.clone()).await;
                    test.finish().await;
                }
            )+
        }
    };
    (@database [$test:meta] $backend:ident $server:ident: $($case:ident),+) => {
        mod $backend {
            $(
                #[$test]
                async fn $case() {
                    let name = concat!(module_path!(), "::", stringify!($case));
                    let server = $crate::common::Server::$server;
                    let Some(db) = $crate::common::FreshDatabase::create(server, name).await
                    else {
                        return;
                    };
                    super::$case(&db.url).await;
                    db.remove().await;
                }
            )+
        }
    };
}
