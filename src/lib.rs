//! rocket_security: the security layer for Rocket.
#![warn(missing_docs)]

mod config;
mod datastore;
mod mail;
mod password;

pub use config::{ConfigError, MailConfig, MalformedDuration, SecurityConfig, WithinDelta};
pub use datastore::{
    DatastoreError, DatastoreResult, DbConnection, DbPool, DbPoolError, DieselDatastore,
    MemoryDatastore, NewRole, NewUser, OneTimeCode, OutboxMail, Role, SecurityDb, SessionKind,
    SessionRecord, User, UserDatastore, UserQuery,
};
