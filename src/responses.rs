//! Every answer of the security layer takes its shape here: Flask-Security-Too's JSON
//! envelope, the no-store header, the error page, and the `next` parameter of redirects to the
//! login and re-authentication pages.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use rocket::http::{ContentType, Header, Status};
use rocket::request::Request;
use rocket::response::{self, Responder, Response};
use serde_json::{json, Map, Value};

use crate::error::{Error, Failure};
use crate::i18n::Message;
use crate::state::Security;

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
    body_response(status, ContentType::JSON, body.to_string())
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
        let message = crate::locale::text(request, &self.public_message());
        let mut response = if wants_json(request) {
            json_response(status, &error_envelope(status, &message))
        } else {
            error_page(request, status, &message)?
        };
        if let Some(seconds) = retry_after {
            response.set_header(retry_after_header(seconds));
        }
        Ok(response)
    }
}

/// A `Retry-After` header.
pub(crate) fn retry_after_header(seconds: u64) -> Header<'static> {
    Header::new("Retry-After", seconds.to_string())
}

/// A response of `kind` with the no-store header.
fn body_response<'r>(status: Status, kind: ContentType, body: String) -> Response<'r> {
    Response::build()
        .status(status)
        .header(kind)
        .header(no_store())
        .sized_body(body.len(), std::io::Cursor::new(body))
        .finalize()
}

/// The Content-Security-Policy of the security pages: their own script and stylesheet only
/// (no inline script or style), images from the site or `data:` URLs, forms posted to the site,
/// and no framing.
pub(crate) const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; \
     frame-ancestors 'none'; form-action 'self'";

/// An HTML response with the no-store header and the pages' Content-Security-Policy.
pub(crate) fn html_response<'r>(status: Status, body: String) -> Response<'r> {
    let mut response = body_response(status, ContentType::HTML, body);
    response.set_raw_header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    response
}

/// A plain-text response with the no-store header.
pub(crate) fn text_response<'r>(status: Status, body: String) -> Response<'r> {
    body_response(status, ContentType::Plain, body)
}

/// The error page for `status` with `message`; plain text if the page cannot be rendered.
pub(crate) fn error_page(
    request: &Request<'_>,
    status: Status,
    message: &str,
) -> response::Result<'static> {
    let rendered = request.rocket().state::<Security>().and_then(|security| {
        let lang = crate::locale::request_locale_now(request);
        let own = json!({
            "status": status.code,
            "title": status.reason().unwrap_or("Error"),
            "message": message,
            "flashes": [],
            "csrf_token": "",
            "current_user": null,
        });
        let Value::Object(own) = own else {
            return None;
        };
        security.page_base(&lang).render_with(own, |context| {
            security
                .templates()
                .render("security/error.html", context)
                .ok()
        })
    });
    Ok(match rendered {
        Some(body) => html_response(status, body),
        None => {
            let reason = status.reason().unwrap_or("");
            text_response(status, format!("{} {reason}\n\n{message}\n", status.code))
        }
    })
}

/// A status with a message, answered in the request's mode: the envelope for JSON clients,
/// the error page for browsers.
pub(crate) struct Plain(pub Status, pub Message);

impl<'r> Responder<'r, 'static> for Plain {
    fn respond_to(self, request: &'r Request<'_>) -> response::Result<'static> {
        let message = crate::locale::text(request, &self.1);
        if wants_json(request) {
            return Ok(json_response(self.0, &error_envelope(self.0, &message)));
        }
        error_page(request, self.0, &message)
    }
}

/// The 401 of a JSON client whose sign-in is not fresh: `reauth_required` in the envelope.
pub(crate) fn reauth_envelope(request: &Request<'_>) -> Value {
    let mut response = Map::new();
    let message = crate::locale::text(request, &Message::ReauthRequired);
    response.insert("errors".into(), json!([message]));
    response.insert("reauth_required".into(), Value::Bool(true));
    envelope(Status::Unauthorized, response)
}

/// Characters escaped in the `next` query value; `/` stays readable, as Flask-Security-Too
/// leaves it.
const NEXT_VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'+')
    .add(b'<')
    .add(b'>')
    .add(b'=')
    .add(b'?')
    .add(b'\\')
    .add(b'`');

/// `path?next=<the request's URI>`: where a page sends a browser that must sign in (or
/// re-authenticate) first, to come back after.
pub(crate) fn with_next(path: &str, request: &Request<'_>) -> String {
    let here = request.uri().to_string();
    format!("{path}?next={}", utf8_percent_encode(&here, NEXT_VALUE))
}

/// A redirect (302) with the no-store header.
pub(crate) fn redirect<'r>(location: String) -> Response<'r> {
    Response::build()
        .status(Status::Found)
        .header(Header::new("Location", location))
        .header(no_store())
        .finalize()
}
