//! CSRF tokens bound to the session, as Flask-WTF's: a hidden `csrf_token` field in forms, an
//! `X-CSRF-Token` (or `X-CSRFToken`) header from JSON clients.
//!
//! A token is `nonce.timestamp.signature` over the session's CSRF secret, valid for
//! `csrf_time_limit`. The same token keeps working across login (the secret moves to the
//! new session) and stops at logout (the secret is gone).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use rocket::request::{FromRequest, Outcome, Request};
use rocket::Sentinel;

use crate::error::Error;
use crate::i18n::Message;
use crate::session::SessionCell;
use crate::state::Security;
use crate::token::{constant_time_eq, random_secret, TokenPurpose};

fn signature(security: &Security, secret: &str, nonce: &str, timestamp: i64) -> String {
    let data = format!("{secret}|{nonce}|{timestamp}");
    URL_SAFE_NO_PAD.encode(
        security
            .keys()
            .sign_bytes(TokenPurpose::Csrf, data.as_bytes()),
    )
}

/// A fresh CSRF token for this request's session, creating the session's secret if needed.
pub(crate) async fn generate(request: &Request<'_>) -> Result<String, Error> {
    let security = Security::of(request);
    let mut session = SessionCell::lock(request).await?;
    let secret = match &session.data.csrf_secret {
        Some(secret) => secret.clone(),
        None => {
            let secret = random_secret();
            session.data.csrf_secret = Some(secret.clone());
            session.touch();
            secret
        }
    };
    // The thread's generator (a CSPRNG seeded from the system): one system call less per page.
    let mut nonce = [0u8; 12];
    rand::thread_rng().fill_bytes(&mut nonce);
    let nonce = URL_SAFE_NO_PAD.encode(nonce);
    let timestamp = security.now().timestamp();
    let sig = signature(security, &secret, &nonce, timestamp);
    Ok(format!("{nonce}.{timestamp}.{sig}"))
}

/// Checks a submitted token against the session. `Err` carries the exact message.
pub(crate) async fn validate(request: &Request<'_>, token: Option<&str>) -> Result<(), Error> {
    let security = Security::of(request);
    let token = token
        .filter(|t| !t.is_empty())
        .ok_or(Error::Csrf(Message::CsrfMissing))?;
    let session = SessionCell::lock(request).await?;
    let secret = session
        .data
        .csrf_secret
        .clone()
        .ok_or(Error::Csrf(Message::CsrfSessionMissing))?;
    drop(session);
    let mut parts = token.splitn(3, '.');
    let (Some(nonce), Some(timestamp), Some(sig)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(Error::Csrf(Message::CsrfInvalid));
    };
    let timestamp: i64 = timestamp
        .parse()
        .map_err(|_| Error::Csrf(Message::CsrfInvalid))?;
    if !constant_time_eq(&signature(security, &secret, nonce, timestamp), sig) {
        return Err(Error::Csrf(Message::CsrfInvalid));
    }
    let age = security.now().timestamp() - timestamp;
    if age > i64::try_from(security.config().csrf_time_limit.as_secs()).unwrap_or(i64::MAX) {
        return Err(Error::Csrf(Message::CsrfExpired));
    }
    Ok(())
}

/// The CSRF token from one of the configured headers.
pub(crate) fn header_token<'r>(request: &'r Request<'_>) -> Option<&'r str> {
    let security = Security::of(request);
    security
        .config()
        .csrf_headers
        .iter()
        .find_map(|name| request.headers().get_one(name))
}

/// A CSRF token for an application's own forms.
///
/// As a request guard it yields a fresh token bound to the session; render it in a hidden
/// `csrf_token` field and check the submission with [`CsrfToken::verify`].
///
/// ```no_run
/// # use rocket::{get, post, form::Form, FromForm, request::Request};
/// use rocket_security::CsrfToken;
///
/// #[get("/profile")]
/// fn profile(csrf: CsrfToken) -> String {
///     format!(r#"<form method="post"><input type="hidden" name="csrf_token" value="{}"></form>"#,
///         csrf.as_str())
/// }
/// ```
#[derive(Debug, Clone)]
pub struct CsrfToken(String);

impl CsrfToken {
    /// The token text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Checks a submitted token (form field, or `None` to read the `X-CSRF-Token` header).
    /// The error answers 400 with Flask-WTF's message.
    pub async fn verify(request: &Request<'_>, submitted: Option<&str>) -> Result<(), Error> {
        let submitted = submitted.or_else(|| header_token(request));
        validate(request, submitted).await
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CsrfToken {
    type Error = Error;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, Self::Error> {
        match generate(request).await {
            Ok(token) => Outcome::Success(CsrfToken(token)),
            Err(e) => crate::error::fail(request, e),
        }
    }
}

impl Sentinel for CsrfToken {
    fn abort(rocket: &rocket::Rocket<rocket::Ignite>) -> bool {
        crate::state::missing_fairing(rocket, "CsrfToken")
    }
}
