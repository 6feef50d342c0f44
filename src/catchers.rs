//! Error answers: every error answers in the JSON envelope for JSON clients and with a page
//! for browsers; an anonymous browser hitting a protected page is sent to the login page.
//!
//! Failures inside the security layer (guards, body parsing, handlers) are answered by the
//! fairing through [`answer`] whichever catcher ran, so an application keeps its own root
//! catchers. [`catchers`] gives the same answers as catchers, for an application that wants
//! them for its own errors too (`Security::catchers()`).

use rocket::http::{Header, Status};
use rocket::request::Request;
use rocket::response::{self, Responder, Response};
use rocket::{catch, catchers, Catcher};

use crate::endpoints::Endpoint;
use crate::error::{Failure, RETRY_AFTER_SECS};
use crate::i18n::Message;
use crate::responses::{
    error_envelope, json_response, reauth_envelope, redirect, retry_after_header, text_response,
    wants_json, with_next, Plain,
};
use crate::session::SessionCell;
use crate::state::Security;

/// The catchers of every status the security layer answers.
pub(crate) fn catchers() -> Vec<Catcher> {
    catchers![
        bad_request,
        unauthorized,
        forbidden,
        not_found,
        method_not_allowed,
        payload_too_large,
        unsupported,
        unprocessable,
        too_many_requests,
        internal,
        unavailable
    ]
}

/// Whether the security layer answers a failure of its own with `status` itself, rather than
/// leaving it to the application's catcher: always for JSON clients (the envelope) and for 401
/// (login redirect, Basic challenge or re-authentication); for other statuses only when no
/// catcher of the application covers the request's path.
pub(crate) fn answers_itself(request: &Request<'_>, status: Status) -> bool {
    if wants_json(request) || status == Status::Unauthorized {
        return true;
    }
    let path = request.uri().path();
    !request.rocket().catchers().any(|catcher| {
        catcher.code.is_none_or(|code| code == status.code)
            && path
                .as_str()
                .strip_prefix(catcher.base.path().as_str().trim_end_matches('/'))
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// The security layer's answer to `status` for `request`.
pub(crate) async fn answer(request: &Request<'_>, status: Status) -> Response<'static> {
    let answer = match status.code {
        400 => bad_request(request).respond_to(request),
        401 => unauthorized(request).await.respond_to(request),
        403 => forbidden().respond_to(request),
        404 => not_found().respond_to(request),
        413 => payload_too_large().respond_to(request),
        422 => unprocessable(request).respond_to(request),
        429 => too_many_requests(request).respond_to(request),
        503 => Plain(status, Message::ServiceBusy).respond_to(request),
        _ => Plain(status, Message::Text(status.reason_lossy().to_owned())).respond_to(request),
    };
    let mut answer = answer.unwrap_or_else(|status| Response::build().status(status).finalize());
    if status == Status::ServiceUnavailable {
        let seconds = Failure::retry_after(request).unwrap_or(RETRY_AFTER_SECS);
        answer.set_header(retry_after_header(seconds));
    }
    answer
}

fn early_message(request: &Request<'_>) -> Option<Message> {
    Failure::of_request(request).message
}

#[catch(400)]
fn bad_request(request: &Request<'_>) -> Plain {
    let message = early_message(request).unwrap_or(Message::BadRequestGeneric);
    Plain(Status::BadRequest, message)
}

/// Response of the 401 catcher.
enum Unauthorized {
    Basic(String, bool),
    Redirect(String),
    Reauth,
    Plain(Plain),
}

impl<'r> Responder<'r, 'static> for Unauthorized {
    fn respond_to(self, request: &'r Request<'_>) -> response::Result<'static> {
        match self {
            Unauthorized::Basic(realm, json) => {
                let header = Header::new("WWW-Authenticate", format!("Basic realm=\"{realm}\""));
                let message = crate::locale::text(request, &Message::Unauthenticated);
                let mut response = if json {
                    json_response(
                        Status::Unauthorized,
                        &error_envelope(Status::Unauthorized, &message),
                    )
                } else {
                    text_response(Status::Unauthorized, format!("{message}\n"))
                };
                response.set_header(header);
                Ok(response)
            }
            Unauthorized::Redirect(location) => Ok(redirect(location)),
            Unauthorized::Reauth => Ok(json_response(
                Status::Unauthorized,
                &reauth_envelope(request),
            )),
            Unauthorized::Plain(plain) => plain.respond_to(request),
        }
    }
}

#[catch(401)]
async fn unauthorized(request: &Request<'_>) -> Unauthorized {
    let failure = Failure::of_request(request);
    if let Some(realm) = failure.realm {
        return Unauthorized::Basic(realm, wants_json(request));
    }
    let Some(security) = request.rocket().state::<Security>() else {
        return Unauthorized::Plain(Plain(Status::Unauthorized, Message::Unauthenticated));
    };
    if failure.reauth {
        if wants_json(request) {
            return Unauthorized::Reauth;
        }
        let verify = Endpoint::Verify.path(security.config());
        return Unauthorized::Redirect(with_next(&verify, request));
    }
    if wants_json(request) {
        return Unauthorized::Plain(Plain(Status::Unauthorized, Message::Unauthenticated));
    }
    if security.config().flash_messages {
        let lang = crate::locale::request_locale(request).await;
        let message = security.catalog().message(&lang, &Message::Unauthenticated);
        if let Ok(mut session) = SessionCell::lock(request).await {
            session.flash("error", message);
        }
    }
    let login = Endpoint::Login.path(security.config());
    Unauthorized::Redirect(with_next(&login, request))
}

#[catch(403)]
fn forbidden() -> Plain {
    Plain(Status::Forbidden, Message::Forbidden)
}

#[catch(404)]
fn not_found() -> Plain {
    Plain(Status::NotFound, Message::PageNotFound)
}

#[catch(405)]
fn method_not_allowed() -> Plain {
    Plain(Status::MethodNotAllowed, Message::MethodNotAllowed)
}

#[catch(413)]
fn payload_too_large() -> Plain {
    Plain(Status::PayloadTooLarge, Message::PayloadTooLarge)
}

#[catch(415)]
fn unsupported() -> Plain {
    Plain(Status::UnsupportedMediaType, Message::UnsupportedMediaType)
}

#[catch(422)]
fn unprocessable(request: &Request<'_>) -> Plain {
    let message = early_message(request).unwrap_or(Message::Unprocessable);
    Plain(Status::UnprocessableEntity, message)
}

/// Response of the 429 catcher: the refusal with the `Retry-After` a guard recorded.
struct TooMany(Option<u64>);

impl<'r> Responder<'r, 'static> for TooMany {
    fn respond_to(self, request: &'r Request<'_>) -> response::Result<'static> {
        let message = Message::TooManyAttempts;
        let mut response = Plain(Status::TooManyRequests, message).respond_to(request)?;
        if let Some(seconds) = self.0 {
            response.set_header(Header::new("Retry-After", seconds.to_string()));
        }
        Ok(response)
    }
}

#[catch(429)]
fn too_many_requests(request: &Request<'_>) -> TooMany {
    TooMany(Failure::retry_after(request))
}

#[catch(500)]
fn internal() -> Plain {
    Plain(Status::InternalServerError, Message::InternalError)
}

/// A finished answer, as a responder.
struct Answered(Response<'static>);

impl<'r> Responder<'r, 'static> for Answered {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        Ok(self.0)
    }
}

#[catch(503)]
async fn unavailable(request: &Request<'_>) -> Answered {
    Answered(answer(request, Status::ServiceUnavailable).await)
}
