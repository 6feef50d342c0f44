//! Server-side sessions: the `session` and `remember_token` cookies, flashes, and who is signed
//! in.
//!
//! The cookies carry random 256-bit secrets; the datastore keeps only their SHA-256. A session
//! row is written only when there is something to keep beyond a CSRF secret and flashes (flow
//! state, a login), and changes are saved once, when the response leaves (see
//! [`SessionCell::persist`]). An anonymous visitor costs no row: the CSRF secret and flashes
//! travel in the `session` cookie itself, signed (see [`crate::anonymous`]), until the first
//! request that needs a stored session.
//!
//! A request authenticated by an auth token never reads or writes the cookie session: its
//! session is a detached, empty one that is not saved.

use chrono::{DateTime, NaiveDateTime, Utc};
use rocket::http::{Cookie, SameSite};
use rocket::request::Request;
use rocket::tokio::sync::{Mutex, MutexGuard};
use rocket::Response;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::anonymous::{self, AnonymousState};
use crate::config::SecurityConfig;
use crate::datastore::{find_session, SessionKind, SessionRecord, User};
use crate::error::Error;
use crate::state::Security;
use crate::token::{random_secret, sha256_hex};

mod login;

pub(crate) use login::{authenticate, login_user_via};
pub use login::{login_user, logout_user};

/// Key of the session data that names the remember-me token issued with (or used to start) the
/// session, so that signing the device out (sessions page) ends the token too.
pub(crate) const REMEMBER_LINK: &str = "remember_token";

/// A message shown once on the next page a person sees.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    /// `error`, `info` or `success`.
    pub category: String,
    /// The text.
    pub message: String,
}

/// What a session keeps besides its user.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct SessionData {
    /// Secret the CSRF tokens of this session are bound to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csrf_secret: Option<String>,
    /// Flashes waiting for the next rendered page.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flashes: Vec<Flash>,
    /// Flow state (pending two-factor login, set-up state, ...).
    #[serde(default, flatten)]
    pub extra: Map<String, Value>,
}

/// How the current request was authenticated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMethod {
    /// A session cookie.
    Session,
    /// A remember-me cookie (which then starts a new session).
    Remember,
    /// An auth token (header, query parameter or JSON body key).
    Token,
    /// HTTP Basic credentials.
    Basic,
}

/// Flashes kept per session; older ones are dropped.
const MAX_FLASHES: usize = 10;

enum RememberChange {
    Keep,
    /// Issue a token for the user with this id and `fs_uniquifier`.
    Set(i64, String),
    Clear,
}

/// The session of one request, loaded on first use.
pub(crate) struct LiveSession {
    secret: Option<String>,
    record: Option<SessionRecord>,
    pub data: SessionData,
    user: Option<(User, AuthMethod)>,
    auth_resolved: bool,
    fresh_at: Option<NaiveDateTime>,
    dirty: bool,
    rotate: bool,
    destroy: bool,
    clear_cookie: bool,
    remember_hash: Option<String>,
    remember: RememberChange,
    /// Authenticated by an auth token: the cookie session is neither read nor written.
    detached: bool,
    /// The `session` cookie of the request carries anonymous state (no row).
    anonymous: bool,
}

/// Request-local holder of the [`LiveSession`]; saved by the fairing when the response leaves.
#[derive(Default)]
pub(crate) struct SessionCell {
    inner: Mutex<Option<LiveSession>>,
}

fn naive(now: DateTime<Utc>) -> NaiveDateTime {
    now.naive_utc()
}

fn cookie_secret<'a>(request: &'a Request<'_>, name: &str) -> Option<&'a str> {
    request
        .cookies()
        .get(name)
        .map(|c| c.value())
        .filter(|v| !v.is_empty() && v.len() <= 128)
}

impl SessionCell {
    /// The cell of this request.
    pub fn of<'r>(request: &'r Request<'_>) -> &'r SessionCell {
        request.local_cache(SessionCell::default)
    }

    /// Locks the session, loading it from the cookie on first use.
    pub async fn lock<'r>(request: &'r Request<'_>) -> Result<SessionGuard<'r>, Error> {
        let cell = SessionCell::of(request);
        let mut guard = cell.inner.lock().await;
        if guard.is_none() {
            *guard = Some(load(request).await?);
        }
        Ok(SessionGuard { guard })
    }

    /// Saves what changed and sets or clears the cookies. Called once per response.
    pub async fn persist(request: &Request<'_>, response: &mut Response<'_>) -> Result<(), Error> {
        let cell = SessionCell::of(request);
        let mut guard = cell.inner.lock().await;
        let Some(live) = guard.as_mut() else {
            return Ok(());
        };
        if live.detached {
            return Ok(());
        }
        let security = Security::of(request);
        let config = security.config();
        let store = security.datastore();
        let secure = security.cookies_secure(request);

        // The session names the remember-me token issued with it, so that signing the device
        // out (sessions page) ends both.
        let remember_secret = matches!(live.remember, RememberChange::Set(..)).then(random_secret);
        if let Some(secret) = &remember_secret {
            let link = REMEMBER_LINK.to_owned();
            live.data.extra.insert(link, sha256_hex(secret).into());
            live.dirty = true;
        }
        if live.destroy || live.rotate {
            if let Some(old) = live.record.take() {
                store.delete_session(&old.id_hash).await?;
            }
            live.secret = None;
        }
        let cookie_set = write_record(request, response, live).await?;
        let anonymous_left =
            live.anonymous && live.data.csrf_secret.is_none() && live.data.flashes.is_empty();
        if !cookie_set
            && live.record.is_none()
            && (live.destroy || live.clear_cookie || anonymous_left)
        {
            let mut removal = session_cookie(config, secure, String::new());
            removal.make_removal();
            response.adjoin_header(removal);
        }
        live.dirty = false;
        live.rotate = false;
        live.destroy = false;
        live.clear_cookie = false;

        persist_remember(request, response, live, remember_secret).await
    }
}

/// The session cookie carrying `value`.
fn session_cookie(config: &SecurityConfig, secure: bool, value: String) -> Cookie<'static> {
    Cookie::build((config.session_cookie_name.clone(), value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(secure)
        .build()
}

/// When a session seen at `last_seen` and created at `created` expires.
fn expires(
    config: &SecurityConfig,
    last_seen: NaiveDateTime,
    created: NaiveDateTime,
) -> NaiveDateTime {
    (last_seen + config.session_idle_timeout.to_chrono())
        .min(created + config.session_absolute_timeout.to_chrono())
}

/// Stores the session's row (or, for an anonymous visitor, its signed cookie); returns whether
/// a session cookie was set.
async fn write_record(
    request: &Request<'_>,
    response: &mut Response<'_>,
    live: &mut LiveSession,
) -> Result<bool, Error> {
    let security = Security::of(request);
    let config = security.config();
    let store = security.datastore();
    let now = security.now();
    let secure = security.cookies_secure(request);
    let user_row = live.user_id_for_row();
    let mut cookie_set = false;
    match &mut live.record {
        Some(record) => {
            let stale = naive(now) - record.last_seen_at > chrono::Duration::seconds(60);
            if live.dirty || stale {
                record.data = serde_json::to_string(&live.data).unwrap_or_default();
                record.last_seen_at = naive(now);
                record.expires_at = expires(config, record.last_seen_at, record.created_at);
                record.fresh_at = live.fresh_at;
                store.update_session(record).await?;
            }
        }
        None if user_row.is_none() && live.dirty && live.data.is_anonymous() => {
            let state = AnonymousState {
                csrf_secret: live.data.csrf_secret.clone(),
                flashes: live.data.flashes.clone(),
            };
            if let Some(value) = anonymous::encode(security.keys(), state) {
                response.adjoin_header(session_cookie(config, secure, value));
                live.anonymous = true;
                cookie_set = true;
            }
        }
        None if live.dirty || (live.rotate && user_row.is_some()) => {
            let secret = random_secret();
            let record = SessionRecord {
                id_hash: sha256_hex(&secret),
                kind: SessionKind::Session,
                user_id: user_row.as_ref().map(|(id, _)| *id),
                fs_uniquifier: user_row.map(|(_, uniquifier)| uniquifier),
                data: serde_json::to_string(&live.data).unwrap_or_default(),
                created_at: naive(now),
                last_seen_at: naive(now),
                expires_at: expires(config, naive(now), naive(now)),
                fresh_at: live.fresh_at,
                ip: security.client_ip(request),
                user_agent: request
                    .headers()
                    .get_one("User-Agent")
                    .map(|ua| ua.chars().take(255).collect()),
            };
            store.create_session(&record).await?;
            response.adjoin_header(session_cookie(config, secure, secret.clone()));
            live.secret = Some(secret);
            live.record = Some(record);
            live.anonymous = false;
            cookie_set = true;
        }
        None => {}
    }
    Ok(cookie_set)
}

/// Issues or ends the remember-me token the session asked for, with its cookie.
async fn persist_remember(
    request: &Request<'_>,
    response: &mut Response<'_>,
    live: &mut LiveSession,
    remember_secret: Option<String>,
) -> Result<(), Error> {
    let security = Security::of(request);
    let config = security.config();
    let store = security.datastore();
    let now = security.now();
    let secure = security.cookies_secure(request);
    match std::mem::replace(&mut live.remember, RememberChange::Keep) {
        RememberChange::Keep => {}
        RememberChange::Set(user_id, uniquifier) => {
            let secret = remember_secret.unwrap_or_else(random_secret);
            let duration = config.remember_cookie_duration.to_chrono();
            let record = SessionRecord {
                id_hash: sha256_hex(&secret),
                kind: SessionKind::Remember,
                user_id: Some(user_id),
                fs_uniquifier: Some(uniquifier),
                data: "{}".into(),
                created_at: naive(now),
                last_seen_at: naive(now),
                expires_at: naive(now) + duration,
                fresh_at: None,
                ip: security.client_ip(request),
                user_agent: request
                    .headers()
                    .get_one("User-Agent")
                    .map(|ua| ua.chars().take(255).collect()),
            };
            store.create_session(&record).await?;
            let expires_at =
                rocket::time::OffsetDateTime::from_unix_timestamp((now + duration).timestamp())
                    .unwrap_or(rocket::time::OffsetDateTime::now_utc());
            let cookie = Cookie::build((config.remember_cookie_name.clone(), secret))
                .http_only(true)
                .same_site(SameSite::Lax)
                .path("/")
                .secure(secure)
                .expires(expires_at)
                .build();
            response.adjoin_header(cookie);
            live.remember_hash = Some(record.id_hash);
        }
        RememberChange::Clear => {
            if let Some(hash) = live.remember_hash.take() {
                store.delete_session(&hash).await?;
            }
            let mut removal = Cookie::build((config.remember_cookie_name.clone(), ""))
                .path("/")
                .secure(secure)
                .build();
            removal.make_removal();
            removal.set_expires(rocket::time::OffsetDateTime::UNIX_EPOCH);
            response.adjoin_header(removal);
        }
    }
    Ok(())
}

/// A locked session.
pub(crate) struct SessionGuard<'r> {
    guard: MutexGuard<'r, Option<LiveSession>>,
}

impl SessionData {
    /// Whether nothing but a CSRF secret and flashes is kept: an anonymous visitor's cookie
    /// carries those, no row is needed.
    fn is_anonymous(&self) -> bool {
        self.extra.is_empty()
    }
}

impl std::ops::Deref for SessionGuard<'_> {
    type Target = LiveSession;
    fn deref(&self) -> &LiveSession {
        self.guard
            .as_ref()
            .expect("loaded before the guard is handed out")
    }
}

impl std::ops::DerefMut for SessionGuard<'_> {
    fn deref_mut(&mut self) -> &mut LiveSession {
        self.guard
            .as_mut()
            .expect("loaded before the guard is handed out")
    }
}

async fn load(request: &Request<'_>) -> Result<LiveSession, Error> {
    let security = Security::of(request);
    let config = security.config();
    let now = naive(security.now());
    let mut live = LiveSession::blank();
    // A request authenticated by a token is that token's user only: the cookie session (its
    // freshness, flashes and CSRF secret) is neither read nor written.
    if let Some(token) = auth_token_of(request) {
        let cache = security.auth_cache(request);
        if let Some(user) = security.user_for_auth_token_via(&token, cache).await? {
            // CSRF tokens of token clients (when `csrf_protect_mechanisms` lists "token") are
            // bound to the token's user instead of a stored session.
            live.data.csrf_secret = Some(sha256_hex(&format!(
                "token-csrf|{}",
                user.fs_token_uniquifier
            )));
            live.user = Some((user, AuthMethod::Token));
            live.auth_resolved = true;
            live.detached = true;
            return Ok(live);
        }
    }
    let cookie = request.cookies().get(&config.session_cookie_name);
    if let Some(value) = cookie
        .map(|c| c.value())
        .filter(|v| v.starts_with(anonymous::PREFIX))
    {
        match anonymous::decode::<Flash>(security.keys(), value) {
            Some(state) => {
                live.data.csrf_secret = state.csrf_secret;
                live.data.flashes = state.flashes;
                live.anonymous = true;
            }
            None => live.clear_cookie = true,
        }
    } else if let Some(secret) = cookie_secret(request, &config.session_cookie_name) {
        let hash = sha256_hex(secret);
        let cache = security.auth_cache(request);
        match find_session(cache, security.datastore(), &hash).await? {
            Some(record) if record.kind == SessionKind::Session && record.expires_at > now => {
                live.data = serde_json::from_str(&record.data).unwrap_or_default();
                live.fresh_at = record.fresh_at;
                live.secret = Some(secret.to_owned());
                live.record = Some(record);
            }
            Some(record) => {
                security.datastore().delete_session(&record.id_hash).await?;
                live.clear_cookie = true;
            }
            None => live.clear_cookie = true,
        }
    } else if request.cookies().get(&config.session_cookie_name).is_some() {
        live.clear_cookie = true;
    }
    if let Some(secret) = cookie_secret(request, &config.remember_cookie_name) {
        live.remember_hash = Some(sha256_hex(secret));
    }
    Ok(live)
}

impl LiveSession {
    fn blank() -> LiveSession {
        LiveSession {
            secret: None,
            record: None,
            data: SessionData::default(),
            user: None,
            auth_resolved: false,
            fresh_at: None,
            dirty: false,
            rotate: false,
            destroy: false,
            clear_cookie: false,
            remember_hash: None,
            remember: RememberChange::Keep,
            detached: false,
            anonymous: false,
        }
    }

    fn user_id_for_row(&self) -> Option<(i64, String)> {
        match &self.user {
            Some((user, AuthMethod::Session | AuthMethod::Remember)) => {
                Some((user.id, user.fs_uniquifier.clone()))
            }
            _ => None,
        }
    }

    /// Hash of the current session's cookie secret, if it is stored.
    pub fn id_hash(&self) -> Option<&str> {
        self.record.as_ref().map(|r| r.id_hash.as_str())
    }

    /// Hash of the remember-me cookie presented with this request.
    pub fn remember_hash(&self) -> Option<&str> {
        self.remember_hash.as_deref()
    }

    /// Marks the data changed, so it is saved with the response.
    pub fn touch(&mut self) {
        self.dirty = true;
    }

    /// Adds a flash for the next page.
    pub fn flash(&mut self, category: &str, message: impl Into<String>) {
        self.data.flashes.push(Flash {
            category: category.into(),
            message: message.into(),
        });
        let excess = self.data.flashes.len().saturating_sub(MAX_FLASHES);
        self.data.flashes.drain(..excess);
        self.dirty = true;
    }

    /// Takes the waiting flashes.
    pub fn take_flashes(&mut self) -> Vec<Flash> {
        if self.data.flashes.is_empty() {
            return Vec::new();
        }
        self.dirty = true;
        std::mem::take(&mut self.data.flashes)
    }

    /// When the signed-in user last proved who they are in this session.
    pub fn fresh_at(&self) -> Option<NaiveDateTime> {
        self.fresh_at
    }

    /// Marks the session freshly authenticated, under a new id (re-authentication is a login
    /// of its own: no fixation).
    pub fn mark_fresh(&mut self, at: NaiveDateTime) {
        self.fresh_at = Some(at);
        self.dirty = true;
        if matches!(
            self.user,
            Some((_, AuthMethod::Session | AuthMethod::Remember))
        ) {
            self.rotate = true;
        }
    }

    /// Starts a signed-in session for `user` under a new id (no fixation). The data (CSRF
    /// secret, flashes) moves to the new session.
    pub fn login(&mut self, user: &User, remember: bool, at: NaiveDateTime) {
        self.user = Some((user.clone(), AuthMethod::Session));
        self.auth_resolved = true;
        self.fresh_at = Some(at);
        self.rotate = true;
        self.dirty = true;
        self.data.extra.remove(REMEMBER_LINK);
        if remember {
            self.remember = RememberChange::Set(user.id, user.fs_uniquifier.clone());
        }
    }

    /// Ends the session: the row is deleted, a copied cookie stops working, flow state and the
    /// CSRF secret are gone, and the remember-me token is revoked.
    pub fn logout(&mut self) {
        self.user = None;
        self.auth_resolved = true;
        self.data = SessionData::default();
        self.fresh_at = None;
        self.destroy = true;
        self.dirty = false;
        self.remember = RememberChange::Clear;
    }

    /// After this session's user set a new password (which rotated `fs_uniquifier` and bound
    /// the sessions it kept to the new value): replaces the cached user and binds this
    /// session's row to the new uniquifier too, so saving it does not undo that.
    pub fn password_changed(&mut self, user: User) {
        if let Some(record) = self.record.as_mut() {
            if record.user_id == Some(user.id) {
                record.fs_uniquifier = Some(user.fs_uniquifier.clone());
            }
        }
        self.refresh_user(user);
    }

    /// Replaces the cached user (after the user changed in this request).
    pub fn refresh_user(&mut self, user: User) {
        if let Some((current, _)) = &mut self.user {
            if current.id == user.id {
                *current = user;
            }
        }
    }
}

/// The auth token of a request: the configured header, else the configured query parameter,
/// else the same key in a JSON body (read by the fairing before routing).
fn auth_token_of(request: &Request<'_>) -> Option<String> {
    let config = Security::of(request).config();
    if let Some(value) = request
        .headers()
        .get_one(&config.token_authentication_header)
    {
        return Some(value.to_owned()).filter(|v| !v.is_empty());
    }
    let key = config.token_authentication_key.as_deref()?;
    request
        .query_value::<String>(key)
        .and_then(Result::ok)
        .filter(|v| !v.is_empty())
        .or_else(|| crate::hardening::body_token(request))
}
