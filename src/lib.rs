//! # rocket_security
//!
//! The security layer for [Rocket]: login, logout, registration, e-mail confirmation, password
//! recovery and change, change of e-mail, API tokens, HTTP Basic, roles, trackable logins and
//! CSRF — with HTML forms and a JSON API for every flow, wire-compatible with
//! Flask-Security-Too, on SQLite, PostgreSQL or MySQL.
//!
//! ## Quickstart
//!
//! 1. Attach the fairing and protect routes with guards:
//!
//! ```no_run
//! use rocket::{get, launch, routes};
//! use rocket_security::{role, AuthUser, Roles, Security};
//!
//! role!(Admin = "admin");
//!
//! #[get("/dashboard")]
//! fn dashboard(user: AuthUser) -> String {           // login_required
//!     format!("Hello, {}", user.email)
//! }
//!
//! #[get("/admin")]
//! fn admin(user: Roles<Admin>) -> String {           // roles_required("admin")
//!     format!("Admin area for {}", user.email)
//! }
//!
//! #[launch]
//! fn rocket() -> _ {
//!     rocket::build()
//!         .attach(Security::fairing())
//!         .mount("/", routes![dashboard, admin])
//! }
//! ```
//!
//! 2. Configure it in `Rocket.toml` (every key is documented on [`SecurityConfig`]):
//!
//! ```toml
//! [default.databases.security]
//! url = "sqlite://security.sqlite3"       # or postgres://..., mysql://...
//!
//! [default.security]
//! registerable = true
//! confirmable = true
//! recoverable = true
//! changeable = true
//!
//! [default.security.mail]
//! url = "smtp://127.0.0.1:25"
//! ```
//!
//! 3. Create users from the command line your `main` exposes through [`cli`], or let people
//!    register at `/register`. Sign in at `/login`.
//!
//! ## What you get
//!
//! | route | what |
//! |---|---|
//! | `/login`, `/logout` | sign in (with remember-me) and out |
//! | `/register` | create an account (`registerable`) |
//! | `/confirm`, `/confirm/<token>` | e-mail confirmation (`confirmable`) |
//! | `/reset`, `/reset/<token>` | forgotten password (`recoverable`) |
//! | `/change` | change password (`changeable`) |
//! | `/change-email`, `/change-email/<token>` | change e-mail address (`change_email`) |
//!
//! Every route answers HTML forms (GET renders, POST redirects with a flash) and JSON (a JSON
//! body or `Accept: application/json`) in Flask-Security-Too's envelope
//! `{"meta":{"code":N},"response":{..}}`.
//!
//! Guards: [`AuthUser`] (login_required), [`CurrentUser`], [`Roles`] (roles_required),
//! [`AnyRole`] (roles_accepted), [`TokenAuth`] (auth_token_required), [`BasicAuth`]
//! (http_auth_required), [`AuthRequired`] (auth_required with a list of mechanisms),
//! [`CsrfToken`] and [`PageContext`] for the application's own pages.
//!
//! ## Configuration
//!
//! Settings live under `[<profile>.security]`, named as Flask-Security-Too names them
//! (lower-case, without `SECURITY_`); [`SecurityConfig`] documents every key and its default.
//! The most used:
//!
//! | key | default | what |
//! |---|---|---|
//! | `registerable`, `confirmable`, `recoverable`, `changeable`, `change_email`, `trackable` | `false` | turn flows on |
//! | `two_factor`, `multi_factor_recovery_codes`, `unified_signin` | `false` | second factor, recovery codes, passwordless |
//! | `password_salt` | generated in debug | HMAC pepper; required in release |
//! | `password_length_min`, `password_length_max` | `8`, `128` | lengths in characters; the maximum is at least 64 |
//! | `password_complexity_checker`, `zxcvbn_minimum_score` | none, `3` | `"zxcvbn"` scores new passwords |
//! | `password_check_breached` | `false` | refuse common breached passwords (offline list) |
//! | `username_enable`, `change_username`, `username_recovery` | `false` | usernames |
//! | `deletable` | `false` | `/delete-account` |
//! | `return_generic_responses` | `true` | never reveal whether an account exists |
//! | `confirm_email_within`, `reset_password_within`, `change_email_within` | `"5 days"`, `"1 days"`, `"2 hours"` | link lifetimes |
//! | `token_authentication_header`, `token_max_age` | `"Authentication-Token"`, `"15 minutes"` | API tokens |
//! | `freshness`, `freshness_grace_period` | `"24 hours"`, `"1 hours"` | re-authentication for sensitive changes |
//! | `email_sender` | `"no-reply@localhost"` | `From` of every mail |
//! | `mail.url` | `"log"` | `smtp://host:port`, `smtps://...`, `file://DIR` or `log` |
//! | `url_prefix` | `""` | mount every route under a prefix |
//! | `locale` | `"en"` | the language when neither the application, `Accept-Language` nor the user chooses |
//! | `i18n_dirname` | none | the application's `.ftl` files, one folder a language, over the embedded ones |
//! | `msg_*` | | English message texts by Flask-Security-Too's names ([`Message::fst_name`]) |
//!
//! ## Cargo features
//!
//! - `sqlite` (default): SQLite through the bundled libsqlite3; nothing to install.
//! - `postgres` (default): PostgreSQL through tokio-postgres; no libpq needed.
//! - `mysql` (default): MySQL and MariaDB through mysql_async; no libmysqlclient needed.
//!
//! ## Design
//!
//! - Sessions are server-side: the cookie holds a random secret, the database its hash. Login
//!   rotates the id, logout deletes the row, a password change or reset ends every other
//!   session and revokes every auth token.
//! - Passwords are Argon2id (OWASP parameters or stronger) over an HMAC pepper, hashed on a
//!   bounded pool of dedicated threads.
//! - Mail goes through an outbox in the database and is delivered in the background with
//!   retries: a request never waits on SMTP and no mail is lost.
//! - Answers never reveal whether an account exists (`return_generic_responses`).
//! - Pages are Tera templates embedded in the crate; a file of the same name in the
//!   application's `templates/security/` replaces one.
//!
//! [Rocket]: https://rocket.rs
#![warn(missing_docs)]

mod activity;
mod anonymous;
mod auth;
mod builder;
mod catchers;
pub mod cli;
mod clock;
mod config;
mod context;
mod csrf;
mod datastore;
mod devices;
mod endpoints;
mod error;
mod events;
mod extra;
mod fairing;
mod flows;
mod forms;
mod guards;
mod hardening;
mod health;
mod i18n;
mod links;
mod locale;
mod mail;
mod mixins;
mod notices;
mod page_base;
mod password;
mod purge;
mod recorder;
mod responses;
mod session;
mod signin;
mod state;
mod templates;
mod token;
mod totp;
mod user_agent;
mod username;

pub use auth::Fresh;
pub use builder::SecurityBuilder;
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{
    AuthMechanism, ComplexityChecker, ConfigError, IdentityAttribute, LogoutMethod, MailConfig,
    MailTransport, MalformedDuration, PasswordHashScheme, SecurityConfig, SignInMethod, TimeUnit,
    TwoFactorMethod, UnifiedMethod, UnknownChoice, WithinDelta,
};
pub use csrf::CsrfToken;
#[cfg(feature = "sqlite")]
pub use datastore::ConnectionThread;
pub use datastore::{
    lookup_key, ActivityStore, Clocked, CodeStore, CounterStore, DatastoreError, DatastoreResult,
    DbConnection, DbPool, DbPoolError, DieselDatastore, MemoryDatastore, NewRole, NewUser,
    OneTimeCode, OutboxMail, OutboxStore, PoolStatus, Role, RoleStore, SecurityDb, SessionKind,
    SessionRecord, SessionStore, Uniquifiers, User, UserChange, UserDatastore, UserQuery,
    UserStore,
};
pub use datastore::{Activity, ActivityKind};
pub use datastore::{
    NewWebAuthnCredential, WebAuthnCeremony, WebAuthnCredential, WebAuthnState, WebAuthnStore,
    WebAuthnUsage,
};
pub use error::Error;
pub use events::{EventHandler, SecurityEvent};
pub use fairing::SecurityFairing;
pub use forms::{FieldValidator, FormField, FormKind};
pub use guards::{
    mechanism, AnyRole, AuthRequired, AuthUser, BasicAuth, CurrentUser, DefaultRealm, Page,
    PageContext, Realm, RoleName, RoleSet, Roles, Store, TokenAuth,
};
pub use i18n::{register_i18n, LocaleFn, Message};
pub use mail::{
    mailer_from_config, CapturingMailer, FileMailer, LogMailer, Mail, MailError, Mailer, Outbox,
    SmtpMailer,
};
pub use mixins::{AnonymousUser, RoleMixin, UserMixin};
pub use password::{
    dummy_verify, get_hmac, hash_password, is_breached, validate_password_length,
    verify_and_update_password, verify_password, Argon2Hasher, Argon2HasherBuilder, Argon2Settings,
    PasswordError, PasswordHasher, PasswordPolicy, PasswordPolicyError, StrengthAdvice,
};
pub use purge::Purged;
pub use session::{login_user, logout_user, AuthMethod};
pub use state::{PayloadFn, Security};
pub use token::{get_token_status, TokenError, TokenKeys, TokenPurpose, TokenStatus, TokenSubject};
pub use username::{find_by_identity, validate_username, UsernameError};
// Re-exported for code ported from Flask-Security; using it still warns.
#[allow(deprecated)]
pub use password::encrypt_password;
