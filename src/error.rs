//! One error type for the security layer, and the one marker of a request that failed in it.
//! The responses module turns both into answers.

use std::sync::Mutex;

use rocket::http::Status;
use rocket::request::Request;

use crate::datastore::DatastoreError;
use crate::i18n::Message;

/// Why a security request failed.
///
/// Handlers return it; its `Responder` (in `responses.rs`) decides status, page and JSON
/// envelope in one place:
/// JSON clients get `{"meta":{"code":N},"response":{"errors":[..]}}`, browsers an error page.
/// Internal failures are logged and answered with a generic message; their details never reach
/// a client.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request is malformed (bad body, wrong JSON types, garbled parameters). 400.
    #[error("{0}")]
    BadRequest(Message),
    /// A CSRF check failed. 400 with one of the `The CSRF ...` messages.
    #[error("{0}")]
    Csrf(Message),
    /// Not signed in. 401.
    #[error("{}", Message::Unauthenticated)]
    Unauthenticated,
    /// Signed in without the required role or permission. 403.
    #[error("{}", Message::Forbidden)]
    Forbidden,
    /// Too many failed sign-ins from this client; try again in `retry_after` seconds. 429 with
    /// `Retry-After`.
    #[error("{}", Message::TooManyAttempts)]
    TooManyRequests {
        /// Seconds until the client's window ends.
        retry_after: u64,
    },
    /// The body is larger than allowed. 413.
    #[error("{}", Message::PayloadTooLarge)]
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

    /// The message a person may see (in the request's language when answered).
    pub fn public_message(&self) -> Message {
        match self {
            Error::BadRequest(message) | Error::Csrf(message) => message.clone(),
            Error::Unauthenticated => Message::Unauthenticated,
            Error::Forbidden => Message::Forbidden,
            Error::TooManyRequests { .. } => Message::TooManyAttempts,
            Error::PayloadTooLarge => Message::PayloadTooLarge,
            _ if self.status() == Status::ServiceUnavailable => Message::ServiceBusy,
            _ => Message::InternalError,
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

/// How a request failed inside the security layer (a guard, the body parser, a handler's
/// [`Error`]), kept in the request's local cache. The fairing answers such a failure in the
/// layer's own shape (JSON envelope, login redirect, Basic challenge, re-authentication)
/// whichever catcher ran: the application's root catchers stay its own.
#[derive(Debug, Default, Clone)]
pub(crate) struct Failure {
    /// The status the request failed with.
    pub status: Option<Status>,
    /// Seconds until a failure that passes by itself may be retried (`Retry-After`).
    pub retry_after: Option<u64>,
    /// The message of a request refused before its handler ran (a bad body).
    pub message: Option<Message>,
    /// The realm of an HTTP Basic challenge (`WWW-Authenticate`).
    pub realm: Option<String>,
    /// Signed in, but not recently enough: the 401 asks to re-authenticate.
    pub reauth: bool,
}

/// The request-local slot of a [`Failure`].
#[derive(Default)]
struct Slot(Mutex<Failure>);

impl Failure {
    fn update(request: &Request<'_>, change: impl FnOnce(&mut Failure)) {
        if let Ok(mut failure) = request.local_cache(Slot::default).0.lock() {
            change(&mut failure);
        }
    }

    /// What is recorded for `request` (nothing when it did not fail in the security layer).
    pub(crate) fn of_request(request: &Request<'_>) -> Failure {
        request
            .local_cache(Slot::default)
            .0
            .lock()
            .map(|failure| failure.clone())
            .unwrap_or_default()
    }

    /// Records that `request` failed with `status`.
    pub(crate) fn record(request: &Request<'_>, status: Status) {
        Failure::update(request, |failure| failure.status = Some(status));
    }

    /// Records that `request` failed with `error`, and when to try again if it passes by
    /// itself.
    pub(crate) fn record_error(request: &Request<'_>, error: &Error) {
        let retry_after = error.retry_after();
        Failure::update(request, |failure| {
            failure.status = Some(error.status());
            if retry_after.is_some() {
                failure.retry_after = retry_after;
            }
        });
    }

    /// Records that `request` was refused with `error` before its handler ran, keeping the
    /// message for the catcher.
    pub(crate) fn record_early(request: &Request<'_>, error: &Error) {
        let message = error.public_message();
        Failure::update(request, |failure| failure.message = Some(message));
        Failure::record_error(request, error);
    }

    /// Records that `request` needs HTTP Basic credentials for `realm` (401 with
    /// `WWW-Authenticate`).
    pub(crate) fn record_realm(request: &Request<'_>, realm: String) {
        Failure::update(request, |failure| failure.realm = Some(realm));
    }

    /// Records that `request` is signed in, but not recently enough.
    pub(crate) fn record_reauth(request: &Request<'_>) {
        Failure::update(request, |failure| failure.reauth = true);
    }

    /// The `Retry-After` seconds recorded for `request`, if any.
    pub(crate) fn retry_after(request: &Request<'_>) -> Option<u64> {
        Failure::of_request(request).retry_after
    }

    /// The status `request` failed with, if it failed in the security layer.
    pub(crate) fn of(request: &Request<'_>) -> Option<Status> {
        Failure::of_request(request).status
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

/// `Retry-After` of a 503 while the database cannot be reached: long enough for a restart or a
/// fail-over to make progress.
pub(crate) const RETRY_AFTER_SECS: u64 = 5;
