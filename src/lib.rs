//! rocket_security: the security layer for Rocket.
#![warn(missing_docs)]

mod catchers;
pub mod cli;
mod clock;
mod config;
mod csrf;
mod datastore;
mod error;
mod events;
mod fairing;
mod flows;
mod guards;
mod mail;
mod password;
mod session;
mod templates;
mod token;

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{ConfigError, MailConfig, MalformedDuration, SecurityConfig, WithinDelta};
pub use csrf::CsrfToken;
pub use datastore::{
    DatastoreError, DatastoreResult, DbPool, DieselDatastore, MemoryDatastore, NewRole, NewUser,
    OneTimeCode, OutboxMail, Role, SecurityDb, SessionKind, SessionRecord, User, UserDatastore,
    UserQuery,
};
pub use error::Error;
pub use events::{EventHandler, SecurityEvent};
pub use fairing::{PayloadFn, Security, SecurityBuilder, SecurityFairing};
pub use flows::{FieldValidator, FormField, FormKind};
pub use guards::{
    AnyRole, AuthUser, CurrentUser, PageContext, RoleName, RoleSet, Roles, TokenAuth,
};
pub use session::{login_user, logout_user, AuthMethod, Flash};
pub use token::{get_token_status, TokenError, TokenKeys, TokenPurpose, TokenStatus, TokenSubject};
