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
pub use mail::{
    mailer_from_config, render_mail, CapturingMailer, FileMailer, LogMailer, Mail, MailError,
    Mailer, Outbox, SmtpMailer,
};
