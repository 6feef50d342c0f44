//! The connection pool: a deadpool of diesel-async connections to the backend named by the
//! scheme of the database URL, usable through rocket_db_pools or on its own.

use std::fmt;
#[cfg(feature = "sqlite")]
use std::path::Path;
use std::path::PathBuf;
use std::time::Duration;

use diesel_async::pooled_connection::deadpool::{Object, Pool};
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
use diesel_async::pooled_connection::{ManagerConfig, RecyclingMethod};
#[cfg(feature = "mysql")]
use diesel_async::AsyncMysqlConnection;
#[cfg(feature = "postgres")]
use diesel_async::AsyncPgConnection;
#[cfg(feature = "sqlite")]
use diesel_async::{AsyncConnection, SimpleAsyncConnection};
use rocket::figment::Figment;

/// The async SQLite connection: diesel's synchronous connection, run on a thread of its own.
#[cfg(feature = "sqlite")]
pub(crate) type SqliteConn = diesel_async::sync_connection_wrapper::SyncConnectionWrapper<
    diesel::SqliteConnection,
    super::connection_thread::ConnectionThread,
>;

/// Set on every new SQLite connection: WAL and a busy timeout let a CLI process write while the
/// server runs; SQLite enforces foreign keys (and so the cascades) only when asked to. The
/// timeout comes first so that switching to WAL waits for a concurrent connection doing the
/// same instead of failing.
#[cfg(feature = "sqlite")]
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
     PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;";

/// How long [`DbPool::connect`] waits for a connection, in seconds.
const DEFAULT_CONNECT_TIMEOUT: u64 = 5;

/// A connection pool over one of the three backends, chosen by the URL scheme:
/// `sqlite://PATH` (or `sqlite:PATH`; a relative path is relative to the working directory and
/// the file is created), `postgres://…` (or `postgresql://…`), `mysql://…` (or `mariadb://…`).
///
/// Cloning is cheap: clones share the same pool.
#[derive(Clone)]
pub enum DbPool {
    /// SQLite through the bundled libsqlite3.
    #[cfg(feature = "sqlite")]
    Sqlite(Pool<SqliteConn>),
    /// PostgreSQL through tokio-postgres.
    #[cfg(feature = "postgres")]
    Postgres(Pool<AsyncPgConnection>),
    /// MySQL or MariaDB through mysql_async.
    #[cfg(feature = "mysql")]
    Mysql(Pool<AsyncMysqlConnection>),
}

/// What [`DbPool::status`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolStatus {
    /// Connections open, in use or idle.
    pub open: usize,
    /// Connections open and idle.
    pub idle: usize,
    /// The most connections the pool opens.
    pub max: usize,
}

/// A connection checked out of a [`DbPool`]; it goes back to the pool when dropped.
///
/// This is what `rocket_db_pools::Connection<SecurityDb>` dereferences to.
// The PostgreSQL connection is large, but a connection is moved once per checkout; boxing it
// would cost an allocation each time instead.
#[allow(clippy::large_enum_variant)]
pub enum DbConnection {
    /// A pooled SQLite connection.
    #[cfg(feature = "sqlite")]
    Sqlite(Object<SqliteConn>),
    /// A pooled PostgreSQL connection.
    #[cfg(feature = "postgres")]
    Postgres(Object<AsyncPgConnection>),
    /// A pooled MySQL / MariaDB connection.
    #[cfg(feature = "mysql")]
    Mysql(Object<AsyncMysqlConnection>),
}

/// Why a [`DbPool`] could not be set up or could not hand out a connection.
#[derive(Debug, thiserror::Error)]
pub enum DbPoolError {
    /// The `databases.security` configuration is missing or malformed.
    #[error("invalid database configuration: {0}")]
    Config(Box<rocket::figment::Error>),
    /// The URL names no backend this crate knows.
    #[error(
        "unsupported database url {0:?}: use sqlite://PATH, postgres://USER@HOST/DB \
         or mysql://USER@HOST/DB"
    )]
    UnsupportedUrl(String),
    /// The URL names a backend whose cargo feature is disabled.
    #[error("database url {url:?} needs the `{feature}` feature of rocket_security")]
    FeatureDisabled {
        /// The URL, password removed.
        url: String,
        /// The cargo feature to enable.
        feature: &'static str,
    },
    /// The directory for the SQLite file could not be created.
    #[error("cannot create the directory of the SQLite database {path:?}: {source}")]
    SqliteDirectory {
        /// The directory.
        path: PathBuf,
        /// What the file system said.
        source: std::io::Error,
    },
    /// The pool could not be built.
    #[error("cannot build the database pool: {0}")]
    Build(#[from] deadpool::managed::BuildError),
    /// No connection could be had: the server is down, refused us, or the pool is exhausted.
    #[error("cannot get a database connection: {0}")]
    Get(#[from] diesel_async::pooled_connection::deadpool::PoolError),
}

/// The backend a URL names, with the URL to hand to its driver.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    Sqlite(PathBuf),
    Postgres(String),
    Mysql(String),
}

impl Target {
    fn parse(url: &str) -> Result<Self, DbPoolError> {
        let url = url.trim();
        let (scheme, rest) = url
            .split_once(':')
            .ok_or_else(|| DbPoolError::UnsupportedUrl(redact(url)))?;
        match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => {
                let path = rest.strip_prefix("//").unwrap_or(rest);
                if path.is_empty() || path.starts_with(":memory:") || path.starts_with("file:") {
                    return Err(DbPoolError::UnsupportedUrl(redact(url)));
                }
                Ok(Target::Sqlite(PathBuf::from(path)))
            }
            "postgres" | "postgresql" => Ok(Target::Postgres(url.to_owned())),
            // mysql_async only accepts the mysql scheme.
            "mysql" | "mariadb" => Ok(Target::Mysql(format!("mysql:{rest}"))),
            _ => Err(DbPoolError::UnsupportedUrl(redact(url))),
        }
    }
}

/// The task behind [`DbPool::close_idle_after`]: it holds the pool weakly, so it ends with it.
fn close_idle<M>(pool: deadpool::managed::WeakPool<M>, idle: Duration)
where
    M: deadpool::managed::Manager + 'static,
{
    let period = (idle / 2).max(Duration::from_secs(1));
    rocket::tokio::spawn(async move {
        let mut ticks = rocket::tokio::time::interval(period);
        ticks.set_missed_tick_behavior(rocket::tokio::time::MissedTickBehavior::Delay);
        ticks.tick().await;
        loop {
            ticks.tick().await;
            let Some(pool) = pool.upgrade() else {
                return;
            };
            if pool.is_closed() {
                return;
            }
            pool.retain(|_, metrics| metrics.last_used() < idle);
        }
    });
}

/// The URL without its password, for error messages and logs.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            // Cannot fail: a URL with a password has a host.
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

impl DbPool {
    /// Opens a pool of at most `max_connections` connections to `url` and checks out one
    /// connection, so that a wrong URL or a server that is down fails here. For SQLite this
    /// creates the database file (and its directory).
    ///
    /// Meant for use outside Rocket (CLI commands, tests); a Rocket application gets its pool
    /// from `#[derive(Database)]` on [`SecurityDb`](super::SecurityDb).
    pub async fn connect(url: &str, max_connections: usize) -> Result<Self, DbPoolError> {
        let pool = Self::build(url, max_connections, DEFAULT_CONNECT_TIMEOUT)?;
        drop(pool.get().await?);
        Ok(pool)
    }

    /// Builds the pool without connecting yet.
    fn build(url: &str, max_connections: usize, timeout_secs: u64) -> Result<Self, DbPoolError> {
        let max_size = max_connections.max(1);
        let timeout = Some(Duration::from_secs(timeout_secs.max(1)));
        macro_rules! pool {
            ($variant:ident, $manager:expr) => {
                Pool::builder($manager)
                    .max_size(max_size)
                    .wait_timeout(timeout)
                    .create_timeout(timeout)
                    // The most recently used connection goes out first, so that under light
                    // load the others stay idle and `idle_timeout` can close them.
                    .queue_mode(deadpool::managed::QueueMode::Lifo)
                    .runtime(deadpool::Runtime::Tokio1)
                    .build()
                    .map(DbPool::$variant)
                    .map_err(DbPoolError::from)
            };
        }
        #[allow(unreachable_patterns)]
        match Target::parse(url)? {
            #[cfg(feature = "sqlite")]
            Target::Sqlite(path) => {
                create_parent_directory(&path)?;
                let mut config = ManagerConfig::<SqliteConn>::default();
                // A local file: checking each connection out with a query costs more than the
                // rare broken connection it would catch.
                config.recycling_method = RecyclingMethod::Fast;
                config.custom_setup = Box::new(|path: &str| {
                    Box::pin(async move {
                        let mut conn = SqliteConn::establish(path).await?;
                        conn.batch_execute(SQLITE_PRAGMAS)
                            .await
                            .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                        Ok(conn)
                    })
                });
                let path = path.to_string_lossy().into_owned();
                pool!(
                    Sqlite,
                    AsyncDieselConnectionManager::new_with_config(path, config)
                )
            }
            #[cfg(feature = "postgres")]
            Target::Postgres(url) => {
                let mut config = ManagerConfig::<AsyncPgConnection>::default();
                // No `SELECT 1` on every checkout (a round trip per query): tokio-postgres
                // marks a connection closed as soon as its server goes away, and a closed
                // connection counts as broken at checkout, so the pool opens a new one.
                config.recycling_method = RecyclingMethod::Fast;
                pool!(
                    Postgres,
                    AsyncDieselConnectionManager::new_with_config(url, config)
                )
            }
            #[cfg(feature = "mysql")]
            Target::Mysql(url) => pool!(Mysql, AsyncDieselConnectionManager::new(url)),
            target => Err(DbPoolError::FeatureDisabled {
                url: redact(url),
                feature: match target {
                    Target::Sqlite(_) => "sqlite",
                    Target::Postgres(_) => "postgres",
                    Target::Mysql(_) => "mysql",
                },
            }),
        }
    }

    /// Checks a connection out of the pool, waiting up to the connect timeout.
    pub async fn get(&self) -> Result<DbConnection, DbPoolError> {
        Ok(match self {
            #[cfg(feature = "sqlite")]
            DbPool::Sqlite(pool) => DbConnection::Sqlite(pool.get().await?),
            #[cfg(feature = "postgres")]
            DbPool::Postgres(pool) => DbConnection::Postgres(pool.get().await?),
            #[cfg(feature = "mysql")]
            DbPool::Mysql(pool) => DbConnection::Mysql(pool.get().await?),
        })
    }

    /// Closes the pool: waiting and later requests for a connection fail, idle connections are
    /// dropped.
    pub fn close(&self) {
        match self {
            #[cfg(feature = "sqlite")]
            DbPool::Sqlite(pool) => pool.close(),
            #[cfg(feature = "postgres")]
            DbPool::Postgres(pool) => pool.close(),
            #[cfg(feature = "mysql")]
            DbPool::Mysql(pool) => pool.close(),
        }
    }

    /// Closes the connections left unused for longer than `idle`, looking every half of it (at
    /// most once a second), until the pool is closed or dropped: rocket_db_pools'
    /// `idle_timeout`. A closed SQLite connection ends its thread and frees its page cache.
    /// Must be called within a Tokio runtime.
    pub fn close_idle_after(&self, idle: Duration) {
        match self {
            #[cfg(feature = "sqlite")]
            DbPool::Sqlite(pool) => close_idle(pool.weak(), idle),
            #[cfg(feature = "postgres")]
            DbPool::Postgres(pool) => close_idle(pool.weak(), idle),
            #[cfg(feature = "mysql")]
            DbPool::Mysql(pool) => close_idle(pool.weak(), idle),
        }
    }

    /// How many connections the pool holds now (in use or idle), and its limit.
    pub fn status(&self) -> PoolStatus {
        let status = match self {
            #[cfg(feature = "sqlite")]
            DbPool::Sqlite(pool) => pool.status(),
            #[cfg(feature = "postgres")]
            DbPool::Postgres(pool) => pool.status(),
            #[cfg(feature = "mysql")]
            DbPool::Mysql(pool) => pool.status(),
        };
        PoolStatus {
            open: status.size,
            idle: status.available,
            max: status.max_size,
        }
    }

    /// The backend's name: `"sqlite"`, `"postgres"` or `"mysql"`.
    pub fn backend_name(&self) -> &'static str {
        match self {
            #[cfg(feature = "sqlite")]
            DbPool::Sqlite(_) => "sqlite",
            #[cfg(feature = "postgres")]
            DbPool::Postgres(_) => "postgres",
            #[cfg(feature = "mysql")]
            DbPool::Mysql(_) => "mysql",
        }
    }
}

#[cfg(feature = "sqlite")]
fn create_parent_directory(path: &Path) -> Result<(), DbPoolError> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() && !dir.exists() => std::fs::create_dir_all(dir)
            .map_err(|source| DbPoolError::SqliteDirectory {
                path: dir.to_owned(),
                source,
            }),
        _ => Ok(()),
    }
}

impl fmt::Debug for DbPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = match self {
            #[cfg(feature = "sqlite")]
            DbPool::Sqlite(pool) => pool.status(),
            #[cfg(feature = "postgres")]
            DbPool::Postgres(pool) => pool.status(),
            #[cfg(feature = "mysql")]
            DbPool::Mysql(pool) => pool.status(),
        };
        f.debug_struct("DbPool")
            .field("backend", &self.backend_name())
            .field("size", &status.size)
            .field("max_size", &status.max_size)
            .field("available", &status.available)
            .finish()
    }
}

impl DbConnection {
    /// The backend's name: `"sqlite"`, `"postgres"` or `"mysql"`.
    pub fn backend_name(&self) -> &'static str {
        match self {
            #[cfg(feature = "sqlite")]
            DbConnection::Sqlite(_) => "sqlite",
            #[cfg(feature = "postgres")]
            DbConnection::Postgres(_) => "postgres",
            #[cfg(feature = "mysql")]
            DbConnection::Mysql(_) => "mysql",
        }
    }
}

impl fmt::Debug for DbConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DbConnection")
            .field("backend", &self.backend_name())
            .finish_non_exhaustive()
    }
}

#[rocket::async_trait]
impl rocket_db_pools::Pool for DbPool {
    type Connection = DbConnection;
    type Error = DbPoolError;

    async fn init(figment: &Figment) -> Result<Self, Self::Error> {
        let config: rocket_db_pools::Config = figment
            .extract()
            .map_err(|e| DbPoolError::Config(Box::new(e)))?;
        let pool = Self::build(&config.url, config.max_connections, config.connect_timeout)?;
        // Fail the launch now, with the reason, rather than at the first request.
        drop(pool.get().await?);
        if let Some(idle) = config.idle_timeout {
            pool.close_idle_after(Duration::from_secs(idle));
        }
        Ok(pool)
    }

    async fn get(&self) -> Result<Self::Connection, Self::Error> {
        DbPool::get(self).await
    }

    async fn close(&self) {
        DbPool::close(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_the_backend() {
        assert_eq!(
            Target::parse("sqlite://data/app.sqlite3").unwrap(),
            Target::Sqlite("data/app.sqlite3".into())
        );
        assert_eq!(
            Target::parse("sqlite:///var/app.db").unwrap(),
            Target::Sqlite("/var/app.db".into())
        );
        assert_eq!(
            Target::parse("sqlite:app.db").unwrap(),
            Target::Sqlite("app.db".into())
        );
        assert_eq!(
            Target::parse("postgresql://u@h/db").unwrap(),
            Target::Postgres("postgresql://u@h/db".into())
        );
        assert_eq!(
            Target::parse("mariadb://root@127.0.0.1:3306/test").unwrap(),
            Target::Mysql("mysql://root@127.0.0.1:3306/test".into())
        );
    }

    #[test]
    fn unknown_urls_are_named_without_password() {
        let err = Target::parse("oracle://scott:tiger@db/x").unwrap_err();
        let message = err.to_string();
        assert!(message.contains("oracle://scott:***@db/x"), "{message}");
        assert!(!message.contains("tiger"), "{message}");
        assert!(Target::parse("app.db").is_err());
        assert!(Target::parse("sqlite::memory:").is_err());
        assert!(Target::parse("sqlite://").is_err());
    }
}
