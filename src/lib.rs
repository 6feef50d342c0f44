//! rocket_security: the security layer for Rocket.
#![warn(missing_docs)]

mod config;
mod datastore;
mod mail;
mod password;

pub use config::{ConfigError, MailConfig, MalformedDuration, SecurityConfig, WithinDelta};
pub use datastore::{
    DatastoreError, DatastoreResult, DbPool, DieselDatastore, MemoryDatastore, NewRole, NewUser,
    OneTimeCode, OutboxMail, Role, SecurityDb, SessionKind, SessionRecord, User, UserDatastore,
    UserQuery,
};
pub use password::{
    dummy_verify, get_hmac, hash_password, validate_password_length, verify_and_update_password,
    verify_password, Argon2Hasher, Argon2HasherBuilder, Argon2Settings, PasswordError,
    PasswordHasher, PasswordPolicyError,
};
// Re-exported for code ported from Flask-Security; using it still warns.
#[allow(deprecated)]
pub use password::encrypt_password;
