//! The records the datastore keeps: users, roles, sessions, queued mail, one-time codes.

use std::fmt;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// A user account, after Flask-Security-Too's fsqla v3 model.
///
/// `Debug` never prints the password hash, the TOTP secrets or the recovery codes.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Primary key.
    pub id: i64,
    /// The e-mail address, as validated (domain part lower-cased). Unique, case-insensitively.
    pub email: String,
    /// Optional user name (unique when set).
    pub username: Option<String>,
    /// Argon2id PHC string of the peppered password, or `None` for password-less accounts.
    #[serde(skip_serializing)]
    pub password: Option<String>,
    /// Inactive users cannot sign in in any way.
    pub active: bool,
    /// Random per-user value bound into sessions; rotating it ends every session.
    pub fs_uniquifier: String,
    /// Random per-user value bound into auth tokens; rotating it revokes every token.
    pub fs_token_uniquifier: String,
    /// When the e-mail address was confirmed (UTC), if it was.
    pub confirmed_at: Option<NaiveDateTime>,
    /// Trackable: the login before the current one (UTC).
    pub last_login_at: Option<NaiveDateTime>,
    /// Trackable: the latest login (UTC).
    pub current_login_at: Option<NaiveDateTime>,
    /// Trackable: the address of the login before the current one.
    pub last_login_ip: Option<String>,
    /// Trackable: the address of the latest login.
    pub current_login_ip: Option<String>,
    /// Trackable: how many interactive logins succeeded.
    pub login_count: i32,
    /// The second factor in use (`"authenticator"`), if any.
    pub tf_primary_method: Option<String>,
    /// The encrypted TOTP secret of the second factor.
    #[serde(skip_serializing)]
    pub tf_totp_secret: Option<String>,
    /// Phone number for an SMS second factor (unused by the shipped methods).
    pub tf_phone_number: Option<String>,
    /// Encrypted unified sign-in secrets, a JSON object keyed by method.
    #[serde(skip_serializing)]
    pub us_totp_secrets: Option<String>,
    /// Phone number for unified sign-in by SMS (unused by the shipped methods).
    pub us_phone_number: Option<String>,
    /// Hashed multi-factor recovery codes, a JSON list.
    #[serde(skip_serializing)]
    pub mf_recovery_codes: Option<String>,
    /// Application-defined fields (for example a `name` collected at registration), a JSON object.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// The language tag the user's mail is written in (set at registration from the
    /// request's language), if any.
    pub locale: Option<String>,
    /// When the account was created (UTC).
    pub create_datetime: NaiveDateTime,
    /// When the account was last changed (UTC).
    pub update_datetime: NaiveDateTime,
    /// The roles held by the user, sorted by name.
    pub roles: Vec<Role>,
}

impl fmt::Debug for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redact = |v: &Option<String>| v.as_ref().map(|_| "[redacted]");
        f.debug_struct("User")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("username", &self.username)
            .field("password", &redact(&self.password))
            .field("active", &self.active)
            .field("fs_uniquifier", &"[redacted]")
            .field("fs_token_uniquifier", &"[redacted]")
            .field("confirmed_at", &self.confirmed_at)
            .field("login_count", &self.login_count)
            .field("current_login_at", &self.current_login_at)
            .field("tf_primary_method", &self.tf_primary_method)
            .field("tf_totp_secret", &redact(&self.tf_totp_secret))
            .field("us_totp_secrets", &redact(&self.us_totp_secrets))
            .field("mf_recovery_codes", &redact(&self.mf_recovery_codes))
            .field(
                "roles",
                &self.roles.iter().map(|r| &r.name).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

/// What a new account starts with; everything else takes its default.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct NewUser {
    /// The validated e-mail address.
    pub email: String,
    /// Optional user name.
    pub username: Option<String>,
    /// The already hashed password (see [`crate::PasswordHasher`]), if any.
    pub password: Option<String>,
    /// Whether the account may sign in.
    pub active: bool,
    /// Set when the address counts as confirmed from the start.
    pub confirmed_at: Option<NaiveDateTime>,
    /// Application-defined fields.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Names of roles to grant; missing roles are created.
    pub roles: Vec<String>,
    /// The language tag of the user's mail, if known.
    pub locale: Option<String>,
}

impl fmt::Debug for NewUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewUser")
            .field("email", &self.email)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "[redacted]"))
            .field("active", &self.active)
            .field("confirmed_at", &self.confirmed_at)
            .field("roles", &self.roles)
            .finish_non_exhaustive()
    }
}

/// A role, after fsqla v3: a unique name, a description and a list of permissions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    /// Primary key.
    pub id: i64,
    /// Unique role name, for example `"admin"`.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Permission names granted by the role.
    pub permissions: Vec<String>,
    /// When the role was last changed (UTC).
    pub update_datetime: NaiveDateTime,
}

/// What a new role starts with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewRole {
    /// Unique role name.
    pub name: String,
    /// Free text.
    pub description: Option<String>,
    /// Permission names.
    pub permissions: Vec<String>,
}

/// The ways [`crate::UserStore::find_user`] can look a user up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserQuery<'a> {
    /// By primary key.
    Id(i64),
    /// By e-mail address, case-insensitively.
    Email(&'a str),
    /// By `fs_uniquifier`.
    Uniquifier(&'a str),
    /// By `fs_token_uniquifier`.
    TokenUniquifier(&'a str),
    /// By user name, case-insensitively.
    Username(&'a str),
}

/// Whether a [`SessionRecord`] is a browser session or a long-lived remember-me token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SessionKind {
    /// A browser session (`session` cookie).
    Session,
    /// A remember-me token (`remember_token` cookie).
    Remember,
}

impl SessionKind {
    /// The name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Session => "session",
            SessionKind::Remember => "remember",
        }
    }

    /// Parses the name stored in the database.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "session" => Some(SessionKind::Session),
            "remember" => Some(SessionKind::Remember),
            _ => None,
        }
    }
}

/// A server-side session or remember-me token.
///
/// The cookie carries a random 256-bit secret; the database keeps only `id_hash`, its SHA-256,
/// so a leaked database does not leak live sessions.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// Hex SHA-256 of the cookie secret. Primary key.
    pub id_hash: String,
    /// Session or remember-me token.
    pub kind: SessionKind,
    /// The signed-in user, if any (anonymous sessions hold CSRF secrets and flashes).
    pub user_id: Option<i64>,
    /// The user's `fs_uniquifier` when the session was authenticated; a mismatch ends the session.
    pub fs_uniquifier: Option<String>,
    /// Session data as a JSON object (CSRF secret, flashes, pending two-factor state, ...).
    pub data: String,
    /// When the session was created (UTC).
    pub created_at: NaiveDateTime,
    /// When the session was last used (UTC).
    pub last_seen_at: NaiveDateTime,
    /// When the session ends at the latest (UTC).
    pub expires_at: NaiveDateTime,
    /// When the user last proved their identity in this session (UTC).
    pub fresh_at: Option<NaiveDateTime>,
    /// Client address at creation.
    pub ip: Option<String>,
    /// Client user agent at creation.
    pub user_agent: Option<String>,
}

impl fmt::Debug for SessionRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionRecord")
            .field("kind", &self.kind)
            .field("user_id", &self.user_id)
            .field("created_at", &self.created_at)
            .field("last_seen_at", &self.last_seen_at)
            .field("expires_at", &self.expires_at)
            .field("fresh_at", &self.fresh_at)
            .field("ip", &self.ip)
            .finish_non_exhaustive()
    }
}

/// A mail waiting in the outbox, or being retried.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxMail {
    /// Primary key (ignored on enqueue).
    pub id: i64,
    /// Envelope and `From` sender.
    pub sender: String,
    /// Recipient address.
    pub recipient: String,
    /// Subject line.
    pub subject: String,
    /// text/plain part.
    pub body_text: String,
    /// text/html part.
    pub body_html: String,
    /// Delivery attempts made so far.
    pub attempts: i32,
    /// Do not try before this time (UTC).
    pub next_attempt_at: NaiveDateTime,
    /// The last delivery error, for operators.
    pub last_error: Option<String>,
    /// When the mail was queued (UTC).
    pub created_at: NaiveDateTime,
    /// When delivery succeeded; `None` while pending.
    pub sent_at: Option<NaiveDateTime>,
}

/// A short-lived one-time code (mailed sign-in codes, two-factor rescue codes).
///
/// Only a hash of the code is kept. Issuing a new code for the same user and purpose voids the
/// older one.
#[derive(Clone, PartialEq, Eq)]
pub struct OneTimeCode {
    /// The user the code belongs to.
    pub user_id: i64,
    /// What the code is for, for example `"us-signin"` or `"tf-rescue"`.
    pub purpose: String,
    /// Hex HMAC of the code.
    pub code_hash: String,
    /// After this time (UTC) the code is refused.
    pub expires_at: NaiveDateTime,
}

impl fmt::Debug for OneTimeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OneTimeCode")
            .field("user_id", &self.user_id)
            .field("purpose", &self.purpose)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl User {
    /// Whether the user holds the named role (Flask-Security-Too's `UserMixin.has_role`).
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r.name == role)
    }

    /// Whether the user may sign in (`UserMixin.is_active`).
    pub fn is_active(&self) -> bool {
        self.active
    }

    /// Whether the e-mail address was confirmed.
    pub fn is_confirmed(&self) -> bool {
        self.confirmed_at.is_some()
    }

    /// Whether account mail (a reset link, a username reminder) may go to this user: the
    /// account is active and, where `confirmable` is on, its address confirmed.
    pub(crate) fn may_receive_mail(&self, confirmable: bool) -> bool {
        self.active && (!confirmable || self.is_confirmed())
    }

    /// The unified sign-in methods the user has set up (`email`, `authenticator`), sorted.
    pub fn us_methods(&self) -> Vec<String> {
        let methods: serde_json::Map<String, serde_json::Value> = self
            .us_totp_secrets
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default();
        methods.keys().cloned().collect()
    }

    /// Whether the user has generated multi-factor recovery codes.
    pub fn has_recovery_codes(&self) -> bool {
        self.mf_recovery_codes.is_some()
    }

    /// The sorted names of the user's roles.
    pub fn role_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.roles.iter().map(|r| r.name.clone()).collect();
        names.sort();
        names
    }

    /// The stand-in user that guards hand out when `login_disabled` is set and nobody is signed
    /// in, and to `OPTIONS` requests (Flask-Security-Too's `AnonymousUser`): id 0, no e-mail
    /// address, no roles.
    pub fn anonymous() -> User {
        let epoch = NaiveDateTime::default();
        User {
            id: 0,
            email: String::new(),
            username: None,
            password: None,
            active: true,
            fs_uniquifier: String::new(),
            fs_token_uniquifier: String::new(),
            confirmed_at: None,
            last_login_at: None,
            current_login_at: None,
            last_login_ip: None,
            current_login_ip: None,
            login_count: 0,
            tf_primary_method: None,
            tf_totp_secret: None,
            tf_phone_number: None,
            us_totp_secrets: None,
            us_phone_number: None,
            mf_recovery_codes: None,
            extra: serde_json::Map::new(),
            locale: None,
            create_datetime: epoch,
            update_datetime: epoch,
            roles: Vec::new(),
        }
    }
}
