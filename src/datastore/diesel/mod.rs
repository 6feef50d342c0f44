//! The Diesel datastore: SQLite, PostgreSQL and MySQL through one code path.
//!
//! Every query is written once, against the one schema in [`schema`], and run on whichever
//! connection the pool hands out through [`with_conn!`], which expands it once per backend. Where
//! the backends differ:
//!
//! - **Case-insensitive e-mail addresses and user names.** `users.email_key` and
//!   `users.username_key` hold the lower-cased values and carry the unique indexes; look-ups
//!   compare against them, so a plain B-tree index serves them on every backend. The datastore
//!   sets them whenever it writes `email` or `username`; nothing else should write `users`.
//! - **No `RETURNING`** (MySQL lacks it): rows are read back by a unique key after writing;
//!   a new outbox mail, which has none, by the connection's last insert id, whose function is
//!   the only SQL written per backend (`outbox.rs`).
//! - **Upserts** are `INSERT … ON CONFLICT DO NOTHING` (`ON DUPLICATE KEY UPDATE pk = pk` on
//!   MySQL) followed by an `UPDATE`, or an `UPDATE` falling back to an `INSERT`.
//! - **MySQL evaluates `SET` assignments left to right** using values already assigned, the
//!   others all use the old values; assignments that read a column come before the assignment
//!   to that column, which gives the same result on all three.
//! - **SQLite transactions start deferred**; one that reads and then writes can fail with
//!   `SQLITE_BUSY` at once when another connection wrote in between. Every transaction here
//!   writes first, so SQLite takes the write lock at the start and waits (`busy_timeout`) like
//!   the other backends do on row locks.
//! - **MySQL's repeatable read** fixes a transaction's snapshot at its first plain read; rows
//!   other transactions may create concurrently (roles) are committed before a transaction
//!   that reads them back starts.
//! - **Comparisons are exact** everywhere: the MySQL tables use the binary collation.

#[cfg(not(any(feature = "sqlite", feature = "postgres", feature = "mysql")))]
compile_error!("rocket_security needs at least one of the features sqlite, postgres, mysql");

/// Runs `$body` with `$c` bound to the concrete `&mut` connection inside a [`DbConnection`],
/// so one query text is compiled for each enabled backend. The body is an `async` block's
/// contents and evaluates to a `diesel::QueryResult`.
macro_rules! with_conn {
    ($conn:expr, |$c:ident| $body:block) => {
        match $conn {
            #[cfg(feature = "sqlite")]
            $crate::datastore::diesel::DbConnection::Sqlite(object) => {
                let $c = &mut **object;
                async { $body }.await
            }
            #[cfg(feature = "postgres")]
            $crate::datastore::diesel::DbConnection::Postgres(object) => {
                let $c = &mut **object;
                async { $body }.await
            }
            #[cfg(feature = "mysql")]
            $crate::datastore::diesel::DbConnection::Mysql(object) => {
                let $c = &mut **object;
                async { $body }.await
            }
        }
    };
}

mod activity;
mod changes;
mod codes;
#[cfg(feature = "sqlite")]
mod connection_thread;
mod counters;
mod outbox;
mod pool;
mod purge;
mod roles;
mod rows;
mod schema;
mod sessions;
mod store;
mod users;
mod webauthn;

use std::sync::Arc;

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::AsyncMigrationHarness;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

#[cfg(feature = "sqlite")]
pub use self::connection_thread::ConnectionThread;
pub use self::pool::{DbConnection, DbPool, DbPoolError, PoolStatus};
use super::{Clocked, DatastoreError, DatastoreResult, StoreClock};
use crate::clock::Clock;

#[cfg(feature = "sqlite")]
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
#[cfg(feature = "postgres")]
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");
#[cfg(feature = "mysql")]
const MYSQL_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/mysql");

/// The rocket_db_pools database named `security`: configured under `databases.security`
/// (`url`, `max_connections`, `connect_timeout`, and `idle_timeout`: seconds after which an
/// unused connection is closed) in Rocket.toml or `ROCKET_DATABASES`.
///
/// ```toml
/// [default.databases.security]
/// url = "sqlite://security.sqlite3"
/// ```
#[derive(Debug, rocket_db_pools::Database)]
#[database("security")]
pub struct SecurityDb(pub DbPool);

/// [`UserDatastore`](super::UserDatastore) over a [`DbPool`]: SQLite, PostgreSQL or MySQL.
///
/// Times it stamps itself (`create_datetime`, `update_datetime`, which sessions are live) come
/// from its clock: the system clock, or the one given by [`with_clock`](Self::with_clock) or
/// handed over by the [`SecurityBuilder`](crate::SecurityBuilder).
///
/// Cloning is cheap and shares the pool and the clock.
#[derive(Clone, Debug)]
pub struct DieselDatastore {
    pool: DbPool,
    clock: StoreClock,
}

impl DieselDatastore {
    /// A datastore using `pool`.
    pub fn new(pool: DbPool) -> Self {
        DieselDatastore {
            pool,
            clock: StoreClock::default(),
        }
    }

    /// A datastore using `pool` that stamps times from `clock`.
    pub fn with_clock(pool: DbPool, clock: Arc<dyn Clock>) -> Self {
        DieselDatastore {
            pool,
            clock: StoreClock::new(clock),
        }
    }

    /// Connects to `url` (see [`DbPool`] for the schemes) with at most `max_connections`
    /// connections. Does not run the migrations: see [`DieselDatastore::run_migrations`].
    pub async fn connect(url: &str, max_connections: usize) -> DatastoreResult<Self> {
        let pool = DbPool::connect(url, max_connections)
            .await
            .map_err(DatastoreError::backend)?;
        Ok(DieselDatastore::new(pool))
    }

    /// The pool this datastore takes its connections from.
    pub fn pool(&self) -> &DbPool {
        &self.pool
    }

    /// Brings the schema up to date by running the embedded migrations of the pool's backend
    /// that have not run yet. Safe to call on every start.
    pub async fn run_migrations(&self) -> DatastoreResult<()> {
        let conn = self.conn().await?;
        // The harness drives the async connection with block_on: run it on a blocking thread,
        // which works under both of tokio's runtimes.
        let applied = tokio::task::spawn_blocking(move || {
            macro_rules! run {
                ($c:expr, $migrations:expr) => {
                    AsyncMigrationHarness::new($c)
                        .run_pending_migrations($migrations)
                        .map(|versions| versions.iter().map(ToString::to_string).collect())
                };
            }
            let applied: Result<Vec<String>, _> = match conn {
                #[cfg(feature = "sqlite")]
                DbConnection::Sqlite(c) => run!(c, SQLITE_MIGRATIONS),
                #[cfg(feature = "postgres")]
                DbConnection::Postgres(c) => run!(c, POSTGRES_MIGRATIONS),
                #[cfg(feature = "mysql")]
                DbConnection::Mysql(c) => run!(c, MYSQL_MIGRATIONS),
            };
            applied
        })
        .await
        .map_err(DatastoreError::backend)?
        .map_err(DatastoreError::Backend)?;
        for version in applied {
            tracing::info!(%version, "applied database migration");
        }
        Ok(())
    }

    /// A pooled connection.
    async fn conn(&self) -> DatastoreResult<DbConnection> {
        self.pool.get().await.map_err(DatastoreError::backend)
    }
}

impl Clocked for DieselDatastore {
    fn now(&self) -> chrono::NaiveDateTime {
        self.clock.now()
    }

    fn use_clock(&self, clock: Arc<dyn Clock>) {
        self.clock.set(clock);
    }
}

impl From<&SecurityDb> for DieselDatastore {
    fn from(db: &SecurityDb) -> Self {
        DieselDatastore::new(db.0.clone())
    }
}

/// Whether `e` is the violation of a unique index or primary key.
fn is_unique_violation(e: &DieselError) -> bool {
    matches!(
        e,
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)
    )
}

/// Whether `e` is the violation of a foreign key (the user or role is gone).
fn is_foreign_key_violation(e: &DieselError) -> bool {
    matches!(
        e,
        DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _)
    )
}

/// Any other database error.
fn backend(e: DieselError) -> DatastoreError {
    DatastoreError::backend(e)
}

/// How often an update-or-insert is retried when a concurrent caller inserted or deleted the
/// same key between its `UPDATE` and its `INSERT`. One retry suffices unless the row is also
/// deleted concurrently, again and again.
const UPSERT_ATTEMPTS: usize = 4;

/// An update-or-insert that lost every race it ran; only under pathological contention.
fn contended(what: &str) -> DatastoreError {
    DatastoreError::backend(std::io::Error::other(format!(
        "the {what} kept changing while being written; try again"
    )))
}
