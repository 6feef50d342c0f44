//! One error type for the security layer, and the one place that turns it into a response.

use rocket::http::{ContentType, Header, Status};
use rocket::request::Request;
use rocket::response::{self, Responder, Response};
use serde_json::{json, Map, Value};

use crate::datastore::DatastoreError;

/// Message texts that clients compare exactly (Flask-Security-Too's wording).
pub(crate) mod msg {
    pub const UNAUTHENTICATED: &str = "You must sign in to view this resource.";
    pub const FORBIDDEN: &str = "You do not have permission to view this resource.";
    pub const ANONYMOUS_ONLY: &str = "You can only access this endpoint when not logged in.";
    pub const GENERIC_AUTHN_FAILED: &str =
        "Authentication failed - identity or password/passcode invalid";
    pub const INVALID_REDIRECT: &str = "Redirections outside the domain are forbidden";
    pub const INVALID_EMAIL: &str = "Invalid email address";
    pub const EMAIL_NOT_PROVIDED: &str = "Email not provided";
    pub const PASSWORD_NOT_PROVIDED: &str = "Password not provided";
    pub const PASSWORDS_DO_NOT_MATCH: &str = "Passwords do not match";
    pub const CSRF_MISSING: &str = "The CSRF token is missing.";
    pub const CSRF_INVALID: &str = "The CSRF token is invalid.";
    pub const CSRF_EXPIRED: &str = "The CSRF token has expired.";
    pub const CSRF_SESSION_MISSING: &str = "The CSRF session token is missing.";
    pub const NO_PERMISSION_PAGE: &str =
        "You currently do not have permissions to access this page";
    pub const ACCOUNT_CHANGED: &str =
        "Your account changed while this request was handled. Please try again.";
    pub const INTERNAL: &str = "Something went wrong on our side. Please try again in a moment.";
    pub const UNAVAILABLE: &str = "The service is busy. Please try again in a moment.";
}

/// Why a security request failed.
///
/// Handlers return it; its [`Responder`] decides status, page and JSON envelope in one place:
/// JSON clients get `{"meta":{"code":N},"response":{"errors":[..]}}`, browsers an error page.
/// Internal failures are logged and answered with a generic message; their details never reach
/// a client.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request is malformed (bad body, wrong JSON types, garbled parameters). 400.
    #[error("{0}")]
    BadRequest(String),
    /// A CSRF check failed. 400 with one of the `The CSRF ...` messages.
    #[error("{0}")]
    Csrf(&'static str),
    /// Not signed in. 401.
    #[error("{}", msg::UNAUTHENTICATED)]
    Unauthenticated,
    /// Signed in without the required role or permission. 403.
    #[error("{}", msg::FORBIDDEN)]
    Forbidden,
    /// Too many failed sign-ins from this client; try again in `retry_after` seconds. 429 with
    /// `Retry-After`.
    #[error("Too many failed attempts from your address. Try again later.")]
    TooManyRequests {
        /// Seconds until the client's window ends.
        retry_after: u64,
    },
    /// The body is larger than allowed. 413.
    #[error("The request body is too large.")]
    PayloadTooLarge,
    /// The datastore failed.
    #[error(transparent)]
    Datastore(#[from] DatastoreError),
    /// Password hashing failed or is overloaded.
    #[error(transparent)]
    Password(#[from] crate::password::PasswordError),
    /// Rendering a page or mail failed.
    #[error("template error: {0}")]
    Template(String),
    /// Queueing a mail failed.
    #[error(transparent)]
    Mail(#[from] crate::mail::MailError),
}

impl Error {
    /// The HTTP status this error answers with.
    pub fn status(&self) -> Status {
        match self {
            Error::BadRequest(_) | Error::Csrf(_) => Status::BadRequest,
            Error::Unauthenticated => Status::Unauthorized,
            Error::Forbidden => Status::Forbidden,
            Error::PayloadTooLarge => Status::PayloadTooLarge,
            Error::Datastore(e) if e.is_unavailable() => Status::ServiceUnavailable,
            Error::Password(crate::password::PasswordError::Busy) => Status::ServiceUnavailable,
            Error::TooManyRequests { .. } => Status::TooManyRequests,
            Error::Datastore(_) | Error::Password(_) | Error::Template(_) | Error::Mail(_) => {
                Status::InternalServerError
            }
        }
    }

    /// The message a person may see.
    pub fn public_message(&self) -> String {
        match self.status() {
            Status::InternalServerError => msg::INTERNAL.to_owned(),
            Status::ServiceUnavailable => msg::UNAVAILABLE.to_owned(),
            _ => self.to_string(),
        }
    }

    /// Seconds a client should wait before trying again (`Retry-After`), for errors that
    /// pass by themselves.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Error::TooManyRequests { retry_after } => Some(*retry_after),
            Error::Password(crate::password::PasswordError::Busy) => Some(RETRY_AFTER_BUSY_SECS),
            _ if self.status() == Status::ServiceUnavailable => Some(RETRY_AFTER_SECS),
            _ => None,
        }
    }
}

/// The status a request failed with inside the security layer (a guard, the body parser, a
/// handler's [`Error`]). The fairing answers such a failure in the layer's own shape (JSON
/// envelope, login redirect) whichever catcher ran: the application's root catchers stay its
/// own.
#[derive(Default)]
pub(crate) struct Failure {
    status: std::sync::atomic::AtomicU16,
    retry_after: std::sync::atomic::AtomicU64,
}

impl Failure {
    /// Records that `request` failed with `status`.
    pub(crate) fn record(request: &Request<'_>, status: Status) {
        request
            .local_cache(Failure::default)
            .status
            .store(status.code, std::sync::atomic::Ordering::Relaxed);
    }

    /// Records that `request` failed with `error`, and when to try again if it passes by
    /// itself.
    pub(crate) fn record_error(request: &Request<'_>, error: &Error) {
        Failure::record(request, error.status());
        if let Some(seconds) = error.retry_after() {
            request
                .local_cache(Failure::default)
                .retry_after
                .store(seconds, std::sync::atomic::Ordering::Relaxed);
        }
    }

    /// The `Retry-After` seconds recorded for `request`, if any.
    pub(crate) fn retry_after(request: &Request<'_>) -> Option<u64> {
        let seconds = request
            .local_cache(Failure::default)
            .retry_after
            .load(std::sync::atomic::Ordering::Relaxed);
        (seconds != 0).then_some(seconds)
    }

    /// The status `request` failed with, if it failed in the security layer.
    pub(crate) fn of(request: &Request<'_>) -> Option<Status> {
        let code = request
            .local_cache(Failure::default)
            .status
            .load(std::sync::atomic::Ordering::Relaxed);
        (code != 0).then(|| Status::new(code))
    }
}

/// A failing request-guard outcome for `error`, recorded for the fairing (see [`Failure`]).
pub(crate) fn fail<T>(request: &Request<'_>, error: Error) -> rocket::request::Outcome<T, Error> {
    Failure::record_error(request, &error);
    rocket::request::Outcome::Error((error.status(), error))
}
/// `Retry-After` of a 503 while the password hashing queue is full: hashes take tens of
/// milliseconds, so a second is plenty for the queue to drain.
pub(crate) const RETRY_AFTER_BUSY_SECS: u64 = 1;

/// A JSON body in Flask-Security-Too's envelope: `{"meta":{"code":N},"response":{..}}`.
pub(crate) fn envelope(status: Status, response: Map<String, Value>) -> Value {
    json!({"meta": {"code": status.code}, "response": response})
}

/// `{"errors": [message]}` inside the envelope, without `field_errors`.
pub(crate) fn error_envelope(status: Status, message: &str) -> Value {
    let mut response = Map::new();
    response.insert("errors".into(), json!([message]));
    envelope(status, response)
}

/// Whether the request wants JSON: a JSON body, or `application/json` as the best match of
/// `Accept`.
pub(crate) fn wants_json(request: &Request<'_>) -> bool {
    request.content_type().is_some_and(|ct| ct.is_json())
        || request
            .accept()
            .is_some_and(|accept| accept.preferred().media_type().is_json())
}

/// A JSON response with the no-store header every security answer carries.
pub(crate) fn json_response<'r>(status: Status, body: &Value) -> Response<'r> {
    let text = body.to_string();
    Response::build()
        .status(status)
        .header(ContentType::JSON)
        .header(no_store())
        .sized_body(text.len(), std::io::Cursor::new(text))
        .finalize()
}

/// `Cache-Control: private, no-store`.
pub(crate) fn no_store() -> Header<'static> {
    Header::new("Cache-Control", "private, no-store")
}

impl<'r> Responder<'r, 'static> for Error {
    fn respond_to(self, request: &'r Request<'_>) -> response::Result<'static> {
        let status = self.status();
        // Not signed in / not allowed: the catchers answer (login redirect with `next`, or
        // the JSON envelope), exactly as for a failing guard.
        if matches!(self, Error::Unauthenticated | Error::Forbidden) {
            Failure::record(request, status);
            return Err(status);
        }
        let retry_after = self.retry_after();
        if retry_after.is_some() {
            tracing::warn!(error = %self, path = %request.uri().path(), "security request refused");
        } else if status.code >= 500 {
            tracing::error!(error = %self, path = %request.uri().path(), "security request failed");
        }
        let message = self.public_message();
        let mut response = if wants_json(request) {
            json_response(status, &error_envelope(status, &message))
        } else {
            crate::templates::error_page(request, status, &message)?
        };
        if let Some(seconds) = retry_after {
            response.set_header(retry_after_header(seconds));
        }
        Ok(response)
    }
}

/// `Retry-After` of a 503 while the database cannot be reached: long enough for a restart or a
/// fail-over to make progress.
pub(crate) const RETRY_AFTER_SECS: u64 = 5;

/// A `Retry-After` header.
pub(crate) fn retry_after_header(seconds: u64) -> Header<'static> {
    Header::new("Retry-After", seconds.to_string())
}
