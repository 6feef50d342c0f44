//! The Diesel datastore: SQLite, PostgreSQL and MySQL through one code path.

/// A connection pool over one of the three backends, chosen by the URL scheme.
#[derive(Debug)]
pub enum DbPool {}

/// The rocket_db_pools database named `security`.
#[derive(Debug)]
pub struct SecurityDb(pub DbPool);

/// [`UserDatastore`](super::UserDatastore) over a [`DbPool`].
#[derive(Debug)]
pub struct DieselDatastore {}
