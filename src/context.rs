//! The request context of the security endpoints and what they answer: [`Ctx`] (the request,
//! the state, whether JSON is wanted) and [`Reply`] (HTML, Flask-Security-Too's JSON envelope,
//! or a redirect).

use rocket::http::{Header, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::{self, Responder, Response};
use rocket_dyn_templates::tera::Context;
use serde_json::{json, Map, Value};

use crate::config::SecurityConfig;
use crate::datastore::User;
use crate::error::Error;
use crate::forms::{FormState, Input};
use crate::i18n::{LanguageIdentifier, Message};
use crate::locale::request_locale;
use crate::responses::{envelope, html_response, json_response, no_store};
use crate::session::{authenticate, AuthMethod, SessionCell};
use crate::state::Security;

/// What every flow handler needs: the request, the state, and whether JSON is wanted.
pub(crate) struct Ctx<'r> {
    pub req: &'r Request<'r>,
    pub sec: &'r Security,
    pub json: bool,
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Ctx<'r> {
    type Error = Error;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Error> {
        let req: &'r Request<'r> = shorten(req);
        Outcome::Success(Ctx {
            sec: Security::of(req),
            json: crate::responses::wants_json(req),
            req,
        })
    }
}

/// Rocket hands guards `&'r Request<'_>`; the context needs only the shorter lifetime.
fn shorten<'r>(req: &'r Request<'_>) -> &'r Request<'r> {
    req
}

impl<'r> Ctx<'r> {
    pub fn config(&self) -> &'r SecurityConfig {
        self.sec.config()
    }

    /// The authenticated user and how, if any.
    pub async fn auth(&self) -> Result<Option<(User, AuthMethod)>, Error> {
        authenticate(self.req).await
    }

    /// The signed-in user, if any.
    pub async fn current_user(&self) -> Result<Option<User>, Error> {
        Ok(self.auth().await?.map(|(user, _)| user))
    }

    /// The signed-in user (an auth token in a JSON body counts too: the fairing reads it
    /// before routing); else [`Error::Unauthenticated`] (login redirect or 401).
    pub async fn require_user(&self, _input: Option<&Input>) -> Result<User, Error> {
        if let Some(user) = self.current_user().await? {
            return Ok(user);
        }
        if self.config().login_disabled {
            return Ok(User::anonymous());
        }
        Err(Error::Unauthenticated)
    }

    /// A CSRF token for this session.
    pub async fn csrf_token(&self) -> Result<String, Error> {
        crate::csrf::generate(self.req).await
    }

    /// Checks the CSRF token of a state-changing request, as Flask-Security-Too does: the
    /// `csrf_token` form field (HTML) or an `X-CSRF-Token` header (both modes; JSON bodies are
    /// not searched). Requests authenticated by a mechanism not in `csrf_protect_mechanisms`
    /// (auth tokens, by default) are exempt.
    pub async fn check_csrf(&self, input: &Input) -> Result<(), Error> {
        let config = self.config();
        if !config.csrf_protect {
            return Ok(());
        }
        let auth = self.auth().await?;
        match &auth {
            Some((_, AuthMethod::Token))
                if !config.csrf_protect_mechanisms.iter().any(|m| m == "token") =>
            {
                return Ok(())
            }
            None if config.csrf_ignore_unauth_endpoints => return Ok(()),
            _ => {}
        }
        let submitted = if self.json {
            crate::csrf::header_token(self.req)
        } else {
            input
                .get("csrf_token")
                .or_else(|| crate::csrf::header_token(self.req))
        };
        crate::csrf::validate(self.req, submitted).await
    }

    /// Adds `message` as a flash in the request's language (HTML mode only; JSON clients
    /// read the response).
    pub async fn flash(&self, category: &str, message: Message) -> Result<(), Error> {
        if !self.json && self.config().flash_messages {
            let text = self.text(&message).await;
            SessionCell::lock(self.req).await?.flash(category, text);
        }
        Ok(())
    }

    /// The language of this request.
    pub async fn lang(&self) -> LanguageIdentifier {
        request_locale(self.req).await
    }

    /// `message` in the language of this request.
    pub async fn text(&self, message: &Message) -> String {
        self.sec.catalog().message(&self.lang().await, message)
    }

    /// A function giving a [`Message`] in the language of this request, for code that
    /// cannot wait.
    pub async fn localizer(&self) -> impl Fn(&Message) -> String + '_ {
        let lang = self.lang().await;
        move |message| self.sec.catalog().message(&lang, message)
    }

    /// Whether `?include_auth_token` is in the query.
    pub fn include_auth_token(&self) -> bool {
        self.req
            .uri()
            .query()
            .is_some_and(|q| q.segments().any(|(k, _)| k == "include_auth_token"))
    }

    /// `?next=` of the request.
    pub fn query_next(&self) -> Option<String> {
        self.req
            .query_value::<String>("next")
            .and_then(Result::ok)
            .filter(|n| !n.is_empty())
    }

    /// The `user` object of a JSON response, with an auth token when an authenticating POST
    /// asked for one (`?include_auth_token`); a GET never issues a token.
    pub fn user_payload(&self, user: &User) -> Value {
        let mut payload = self.sec.get_security_payload(user);
        if self.include_auth_token() && self.req.method() == rocket::http::Method::Post {
            if let Value::Object(map) = &mut payload {
                map.insert(
                    "authentication_token".into(),
                    Value::String(self.sec.get_auth_token(user)),
                );
            }
        }
        payload
    }

    /// JSON 200 with `csrf_token` added to `response`.
    pub async fn ok(&self, mut response: Map<String, Value>) -> Result<Reply, Error> {
        response.insert("csrf_token".into(), Value::String(self.csrf_token().await?));
        Ok(Reply::Json(Status::Ok, envelope(Status::Ok, response)))
    }

    /// JSON 200 with exactly `response` (no CSRF token).
    pub fn ok_bare(&self, response: Map<String, Value>) -> Reply {
        Reply::Json(Status::Ok, envelope(Status::Ok, response))
    }

    /// A JSON 400 with `errors` and `field_errors`, or the page re-rendered with 200.
    pub async fn invalid(&self, template: &str, form: &FormState) -> Result<Reply, Error> {
        if self.json {
            let lang = self.lang().await;
            let mut response = Map::new();
            response.insert("errors".into(), json!(form.all_errors(self.sec, &lang)));
            let field_errors = form.field_errors(self.sec, &lang);
            response.insert("field_errors".into(), json!(field_errors));
            return Ok(Reply::Json(
                Status::BadRequest,
                envelope(Status::BadRequest, response),
            ));
        }
        self.page(template, form, Context::new()).await
    }

    /// A JSON `{"errors": [message]}` without `field_errors`, in the request's language.
    pub fn error(&self, status: Status, message: Message) -> Reply {
        let message = crate::locale::text(self.req, &message);
        Reply::Json(status, crate::responses::error_envelope(status, &message))
    }

    /// Renders a security page with the common context (CSRF token, flashes, user, urls,
    /// features) plus `form` and `extra`.
    pub async fn page(
        &self,
        template: &str,
        form: &FormState,
        extra: Context,
    ) -> Result<Reply, Error> {
        let lang = self.lang().await;
        let mut own = Map::new();
        own.insert("csrf_token".into(), Value::String(self.csrf_token().await?));
        let user = self.current_user().await?;
        own.insert(
            "current_user".into(),
            user.map_or(
                Value::Null,
                |u| json!({"email": u.email, "roles": u.role_names()}),
            ),
        );
        let flashes = SessionCell::lock(self.req).await?.take_flashes();
        own.insert("flashes".into(), json!(flashes));
        own.insert("form".into(), form.to_json(self.sec, &lang));
        if let Value::Object(extra) = extra.into_json() {
            own.extend(extra);
        }
        let name = format!("security/{template}");
        let templates = self.sec.templates();
        let body = self
            .sec
            .page_base(&lang)
            .render_with(own, |context| templates.render(&name, context))?;
        Ok(Reply::Html(Status::Ok, body))
    }

    /// The absolute base URL for links in mail: [`Security::site_url`], from configuration
    /// only (never the request's `Host` or forwarded headers).
    pub fn base_url(&self) -> String {
        self.sec.site_url().to_owned()
    }
}

// ----- replies -----

/// What a flow answers.
#[derive(Debug)]
pub(crate) enum Reply {
    /// A JSON body (already enveloped where needed).
    Json(Status, Value),
    /// A rendered page.
    Html(Status, String),
    /// 302 to a location.
    Redirect(String),
}

impl Reply {
    /// 302 to `location`.
    pub fn redirect(location: impl Into<String>) -> Reply {
        Reply::Redirect(location.into())
    }
}

impl<'r> Responder<'r, 'static> for Reply {
    fn respond_to(self, _: &'r Request<'_>) -> response::Result<'static> {
        Ok(match self {
            Reply::Json(status, body) => json_response(status, &body),
            Reply::Html(status, body) => html_response(status, body),
            Reply::Redirect(location) => Response::build()
                .status(Status::Found)
                .header(Header::new("Location", location))
                .header(no_store())
                .finalize(),
        })
    }
}

// ----- `next` and anonymous-only pages -----

/// Whether `next` may be redirected to: a path on this site, or an absolute http(s) URL with
/// the configured site's scheme, host and port ([`Security::site_url`]). Backslashes, `//host` and other schemes are refused.
pub(crate) fn safe_next(ctx: &Ctx<'_>, next: &str) -> bool {
    if next.chars().any(|c| c.is_control() || c == '\\') {
        return false;
    }
    if next.starts_with('/') {
        return !next.starts_with("//");
    }
    let Ok(url) = url::Url::parse(next) else {
        return false;
    };
    let Ok(base) = url::Url::parse(&ctx.base_url()) else {
        return false;
    };
    matches!(url.scheme(), "http" | "https")
        && url.scheme() == base.scheme()
        && url.host_str() == base.host_str()
        && url.port_or_known_default() == base.port_or_known_default()
        && url.username().is_empty()
        && url.password().is_none()
}

/// Reads and checks `next` from the form (or the query when the field is blank). Records the
/// error `Redirections outside the domain are forbidden` on the form.
pub(crate) fn form_next(ctx: &Ctx<'_>, input: &Input, form: &mut FormState) -> Option<String> {
    let next = input.text("next").or_else(|| ctx.query_next())?;
    form.value("next", next.clone());
    if safe_next(ctx, &next) {
        Some(next)
    } else {
        form.error("next", Message::InvalidRedirect);
        None
    }
}

/// Browsers signed in are sent home; JSON clients get 400 (Flask-Security-Too's
/// `anonymous_user_required`).
pub(crate) async fn anonymous_only(ctx: &Ctx<'_>) -> Result<Option<Reply>, Error> {
    if ctx.current_user().await?.is_none() {
        return Ok(None);
    }
    Ok(Some(if ctx.json {
        ctx.error(Status::BadRequest, Message::AnonymousOnly)
    } else {
        Reply::redirect(ctx.config().post_login_view.clone())
    }))
}
