//! The flows: one module each, sharing the plumbing here — request context, body parsing,
//! form state, and replies in HTML or Flask-Security-Too's JSON envelope.

mod activity;
mod change;
mod change_email;
mod confirm;
mod delete_account;
mod devices;
pub(crate) mod lockout;
pub(crate) mod login;
mod recover;
mod recovery_codes;
mod register;
pub(crate) mod two_factor;
mod unified;
mod username;
pub(crate) mod verify;

use std::collections::BTreeMap;
use std::sync::Arc;

use rocket::data::{Data, FromData, ToByteUnit};
use rocket::http::{Header, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::{self, Responder, Response};
use rocket::Route;
use rocket_dyn_templates::tera::Context;
use serde_json::{json, Map, Value};

use crate::config::SecurityConfig;
use crate::datastore::User;
use crate::error::{envelope, json_response, msg, no_store, Error};
use crate::fairing::Security;
use crate::session::{authenticate, AuthMethod, SessionCell};
use crate::templates::html_response;

/// The routes of every enabled flow.
pub(crate) fn routes(config: &SecurityConfig) -> Vec<Route> {
    let mut routes = login::routes(config);
    routes.extend(rocket::routes![static_file]);
    if config.registerable {
        routes.extend(register::routes(config));
    }
    if config.confirmable {
        routes.extend(confirm::routes());
    }
    if config.recoverable {
        routes.extend(recover::routes());
    }
    if config.changeable {
        routes.extend(change::routes());
    }
    if config.change_email {
        routes.extend(change_email::routes());
    }
    if config.two_factor {
        routes.extend(two_factor::routes());
    }
    if config.multi_factor_recovery_codes {
        routes.extend(recovery_codes::routes());
    }
    if config.unified_signin {
        routes.extend(unified::routes());
    }
    if config.username_enable {
        routes.extend(username::routes(config));
    }
    if config.deletable {
        routes.extend(delete_account::routes());
    }
    routes.extend(verify::routes());
    routes.extend(devices::routes());
    routes.extend(activity::routes());
    routes
}

/// The default stylesheet (and any other embedded asset), overridable by a file of the same
/// name in the application's `static/security/`.
#[rocket::get("/fs-static/<name>")]
fn static_file(name: &str) -> Option<(rocket::http::ContentType, Vec<u8>)> {
    if name.contains("..") || name.contains('/') || name.contains('\\') {
        return None;
    }
    let kind = rocket::http::ContentType::from_extension(name.rsplit('.').next()?)?;
    let override_path = std::path::Path::new("static/security").join(name);
    if let Ok(body) = std::fs::read(&override_path) {
        return Some((kind, body));
    }
    crate::templates::static_file(name).map(|body| (kind, body.as_bytes().to_vec()))
}

// ----- request context -----

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
            json: crate::error::wants_json(req),
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

    /// Adds a flash (HTML mode only; JSON clients read the response).
    pub async fn flash(&self, category: &str, message: impl Into<String>) -> Result<(), Error> {
        if !self.json && self.config().flash_messages {
            SessionCell::lock(self.req).await?.flash(category, message);
        }
        Ok(())
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
            let mut response = Map::new();
            response.insert("errors".into(), json!(form.all_errors()));
            response.insert("field_errors".into(), json!(form.errors));
            return Ok(Reply::Json(
                Status::BadRequest,
                envelope(Status::BadRequest, response),
            ));
        }
        self.page(template, form, Context::new()).await
    }

    /// A JSON 400 `{"errors": [message]}` without `field_errors`.
    pub fn error(&self, status: Status, message: &str) -> Reply {
        Reply::Json(status, crate::error::error_envelope(status, message))
    }

    /// Renders a security page with the common context (CSRF token, flashes, user, urls,
    /// features) plus `form` and `extra`.
    pub async fn page(
        &self,
        template: &str,
        form: &FormState,
        extra: Context,
    ) -> Result<Reply, Error> {
        let mut context = self.sec.static_context();
        context.insert("csrf_token", &self.csrf_token().await?);
        let user = self.current_user().await?;
        context.insert(
            "current_user",
            &user.map(|u| json!({"email": u.email, "roles": u.role_names()})),
        );
        let flashes = SessionCell::lock(self.req).await?.take_flashes();
        context.insert("flashes", &flashes);
        context.insert("form", &form.to_json(self.sec));
        context.extend(extra);
        let body = self
            .sec
            .templates()
            .render(&format!("security/{template}"), &context)?;
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

// ----- input -----

/// A parsed request body: urlencoded form or flat JSON object, as field → values.
#[derive(Debug, Default, Clone)]
pub(crate) struct Input {
    fields: BTreeMap<String, Vec<String>>,
}

/// Largest body a security endpoint reads.
const BODY_LIMIT: u64 = 64 * 1024;

/// Longest value of one field, in characters: longer text is refused before it can reach the
/// datastore (or a password hash, or a mail).
const FIELD_LIMIT: usize = 4096;

impl Input {
    /// The first value of a field.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .get(name)
            .and_then(|v| v.first())
            .map(String::as_str)
    }

    /// The first value, trimmed; `None` when absent or blank.
    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }

    /// Every value of a field.
    pub fn all(&self, name: &str) -> &[String] {
        self.fields.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    /// A checkbox or JSON boolean.
    pub fn flag(&self, name: &str) -> bool {
        self.get(name).is_some_and(|v| {
            matches!(
                v.to_ascii_lowercase().as_str(),
                "y" | "yes" | "on" | "true" | "1"
            )
        })
    }

    fn from_json(body: &str) -> Result<Input, String> {
        if body.trim().is_empty() {
            return Ok(Input::default());
        }
        let value: Value = serde_json::from_str(body)
            .map_err(|e| format!("The request body is not valid JSON: {e}."))?;
        let Value::Object(object) = value else {
            return Err("The request body must be a JSON object of field names and values.".into());
        };
        let mut fields = BTreeMap::new();
        for (name, value) in object {
            let scalar = |v: &Value| -> Option<Option<String>> {
                match v {
                    Value::Null => Some(None),
                    Value::String(s) => Some(Some(s.clone())),
                    Value::Bool(b) => Some(Some(b.to_string())),
                    Value::Number(n) => Some(Some(n.to_string())),
                    _ => None,
                }
            };
            let bad = || format!("Field '{name}' must be a string, a number or a boolean.");
            let values = match &value {
                Value::Array(items) => {
                    let mut values = Vec::new();
                    for item in items {
                        values.extend(scalar(item).ok_or_else(bad)?);
                    }
                    values
                }
                other => scalar(other).ok_or_else(bad)?.into_iter().collect(),
            };
            fields.insert(name, values);
        }
        Ok(Input { fields })
    }

    /// Refuses text the datastore cannot hold: NUL characters (PostgreSQL rejects them) and
    /// values longer than [`FIELD_LIMIT`].
    fn check_storable(&self) -> Result<(), String> {
        for (name, values) in &self.fields {
            if name.contains('\u{0}') || values.iter().any(|v| v.contains('\u{0}')) {
                return Err("The request contains a NUL character, which is not allowed.".into());
            }
            if name.chars().count() > FIELD_LIMIT
                || values.iter().any(|v| v.chars().count() > FIELD_LIMIT)
            {
                return Err(format!(
                    "A field of the request is longer than {FIELD_LIMIT} characters."
                ));
            }
        }
        Ok(())
    }

    fn from_form(body: &str) -> Input {
        let mut fields: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, value) in url::form_urlencoded::parse(body.as_bytes()) {
            fields
                .entry(name.into_owned())
                .or_default()
                .push(value.into_owned());
        }
        Input { fields }
    }
}

/// The message of a request that failed before its handler ran (bad body), for the catchers.
#[derive(Default)]
pub(crate) struct EarlyError(pub std::sync::Mutex<Option<String>>);

pub(crate) fn early_error<'r, T>(
    req: &Request<'_>,
    error: Error,
) -> rocket::data::Outcome<'r, T, Error> {
    if let Ok(mut slot) = req.local_cache(EarlyError::default).0.lock() {
        *slot = Some(error.public_message());
    }
    crate::error::Failure::record(req, error.status());
    rocket::data::Outcome::Error((error.status(), error))
}

#[rocket::async_trait]
impl<'r> FromData<'r> for Input {
    type Error = Error;

    async fn from_data(req: &'r Request<'_>, data: Data<'r>) -> rocket::data::Outcome<'r, Self> {
        let body = match data.open(BODY_LIMIT.bytes()).into_string().await {
            Ok(body) if body.is_complete() => body.into_inner(),
            Ok(_) => return early_error(req, Error::PayloadTooLarge),
            Err(_) => {
                return early_error(
                    req,
                    Error::BadRequest("The request body is not valid UTF-8 text.".into()),
                )
            }
        };
        let content_type = req.content_type();
        let storable = |input: Input| match input.check_storable() {
            Ok(()) => rocket::data::Outcome::Success(input),
            Err(message) => early_error(req, Error::BadRequest(message)),
        };
        if content_type.is_some_and(|ct| ct.is_json()) {
            return match Input::from_json(&body) {
                Ok(input) => storable(input),
                Err(message) => early_error(req, Error::BadRequest(message)),
            };
        }
        if content_type.is_some_and(|ct| ct.is_form_data()) {
            return early_error(
                req,
                Error::BadRequest(
                    "Send the form as application/x-www-form-urlencoded or application/json."
                        .into(),
                ),
            );
        }
        storable(Input::from_form(&body))
    }
}

// ----- forms -----

/// Which security form an application field is added to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FormKind {
    /// `/login`.
    Login,
    /// `/register`; values are stored in [`User::extra`].
    Register,
    /// `/confirm` (send confirmation).
    SendConfirmation,
    /// `/reset` (forgot password).
    ForgotPassword,
    /// `/reset/<token>`.
    ResetPassword,
    /// `/change`.
    ChangePassword,
    /// `/us-signin` (passwordless).
    UnifiedSignin,
}

/// Checks a submitted value; `Err` holds the message shown next to the field.
pub type FieldValidator = Arc<dyn Fn(&str) -> Result<(), String> + Send + Sync>;

/// A field an application adds to a security form.
#[derive(Clone)]
pub struct FormField {
    name: String,
    label: String,
    input_type: String,
    required: bool,
    validator: Option<FieldValidator>,
}

impl std::fmt::Debug for FormField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FormField")
            .field("name", &self.name)
            .field("label", &self.label)
            .field("input_type", &self.input_type)
            .field("required", &self.required)
            .finish_non_exhaustive()
    }
}

impl FormField {
    /// A text field.
    pub fn text(name: &str, label: &str) -> Self {
        FormField {
            name: name.into(),
            label: label.into(),
            input_type: "text".into(),
            required: false,
            validator: None,
        }
    }

    /// Sets the HTML input type (`text`, `tel`, `number`, `checkbox`, ...).
    pub fn input_type(mut self, input_type: &str) -> Self {
        self.input_type = input_type.into();
        self
    }

    /// Makes the field required (`"<label> not provided"` when blank).
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Adds a check of the submitted value.
    pub fn validate(
        mut self,
        check: impl Fn(&str) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        self.validator = Some(Arc::new(check));
        self
    }

    /// The field name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// Values and errors of one form, as the page and the JSON envelope show them.
#[derive(Debug, Clone)]
pub(crate) struct FormState {
    pub kind: Option<FormKind>,
    pub name: &'static str,
    pub action: String,
    pub values: BTreeMap<String, String>,
    /// Field → messages; form-level messages under `""`.
    pub errors: BTreeMap<String, Vec<String>>,
}

impl FormState {
    pub fn new(name: &'static str, action: String) -> Self {
        FormState {
            kind: None,
            name,
            action,
            values: BTreeMap::new(),
            errors: BTreeMap::new(),
        }
    }

    pub fn kind(mut self, kind: FormKind) -> Self {
        self.kind = Some(kind);
        self
    }

    pub fn value(&mut self, field: &str, value: impl Into<String>) {
        self.values.insert(field.into(), value.into());
    }

    pub fn error(&mut self, field: &str, message: impl Into<String>) {
        self.errors
            .entry(field.into())
            .or_default()
            .push(message.into());
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// Every message, flattened in field order.
    pub fn all_errors(&self) -> Vec<&str> {
        self.errors.values().flatten().map(String::as_str).collect()
    }

    /// Reads a required e-mail field: `Email not provided` when blank, `Invalid email address`
    /// when malformed. Returns the validated address.
    pub fn email_field(&mut self, input: &Input, field: &str) -> Option<String> {
        let raw = input.text(field);
        self.value(field, raw.clone().unwrap_or_default());
        let Some(raw) = raw else {
            self.error(field, msg::EMAIL_NOT_PROVIDED);
            return None;
        };
        let valid = validate_email(&raw);
        if valid.is_none() {
            self.error(field, msg::INVALID_EMAIL);
        }
        valid
    }

    /// Reads the identity and secret of a sign-in form (`email`/`password` or
    /// `identity`/`passcode`) and the `remember` box, recording `... not provided` errors.
    pub fn credentials(
        &mut self,
        input: &Input,
        identity: &str,
        secret: &str,
    ) -> (Option<String>, Option<String>, bool) {
        let id = input.text(identity);
        // Passwords are taken as typed: spaces at either end are part of them.
        let secret_value = input
            .get(secret)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        let remember = input.flag("remember");
        self.value(identity, id.clone().unwrap_or_default());
        if remember {
            self.value("remember", "y");
        }
        if id.is_none() {
            self.error(identity, msg::EMAIL_NOT_PROVIDED);
        }
        if secret_value.is_none() {
            self.error(secret, msg::PASSWORD_NOT_PROVIDED);
        }
        (id, secret_value, remember)
    }

    /// Validates the application's extra fields of this form, recording values and errors.
    /// Returns their values.
    pub fn check_extra_fields(&mut self, security: &Security, input: &Input) -> Map<String, Value> {
        let mut values = Map::new();
        let Some(kind) = self.kind else { return values };
        for field in security.form_fields(kind) {
            let value = input.text(&field.name);
            self.value(&field.name, value.clone().unwrap_or_default());
            match &value {
                None if field.required => {
                    self.error(&field.name, format!("{} not provided", field.label));
                }
                Some(v) => {
                    if let Some(Err(message)) = field.validator.as_ref().map(|check| check(v)) {
                        self.error(&field.name, message);
                    }
                    values.insert(field.name.clone(), Value::String(v.clone()));
                }
                None => {}
            }
        }
        values
    }

    fn to_json(&self, security: &Security) -> Value {
        let mut fields = Map::new();
        let names = self
            .values
            .keys()
            .chain(self.errors.keys())
            .filter(|k| !k.is_empty());
        for name in names {
            fields.insert(
                name.clone(),
                json!({
                    "value": self.values.get(name).cloned().unwrap_or_default(),
                    "errors": self.errors.get(name).cloned().unwrap_or_default(),
                }),
            );
        }
        let extra_fields: Vec<Value> = match self.kind {
            Some(kind) => security
                .form_fields(kind)
                .map(|f| {
                    json!({
                        "name": f.name,
                        "label": f.label,
                        "type": f.input_type,
                        "required": f.required,
                        "value": self.values.get(&f.name).cloned().unwrap_or_default(),
                        "errors": self.errors.get(&f.name).cloned().unwrap_or_default(),
                    })
                })
                .collect(),
            None => Vec::new(),
        };
        json!({
            "name": self.name,
            "action": self.action,
            "fields": fields,
            "errors": self.errors.get("").cloned().unwrap_or_default(),
            "extra_fields": extra_fields,
        })
    }
}

// ----- two-factor hooks used by every login path -----

/// Forgets a half-finished two-factor login of this session (`GET /login` starts over).
pub(crate) async fn cancel_pending_login(ctx: &Ctx<'_>) -> Result<(), Error> {
    let mut session = SessionCell::lock(ctx.req).await?;
    let removed = session
        .data
        .extra
        .remove(two_factor::PENDING_LOGIN_KEY)
        .is_some();
    if removed {
        session.touch();
    }
    Ok(())
}

// ----- steps shared by the flows -----

/// Checks the signed-in user's current password in the `password` field, recording
/// `Password not provided` or `Invalid password`. A user without a password still costs one
/// verification; a wrong password counts towards the lockout, and a locked account's right
/// password is refused like a wrong one. Returns the password when it is right.
pub(crate) async fn check_current_password(
    ctx: &Ctx<'_>,
    user: &User,
    input: &Input,
    form: &mut FormState,
) -> Result<Option<String>, Error> {
    let Some(given) = input.get("password").filter(|p| !p.is_empty()) else {
        form.error("password", msg::PASSWORD_NOT_PROVIDED);
        return Ok(None);
    };
    let right = lockout::check_password(ctx, &user.email, Some(user), given).await?;
    if !right {
        form.error("password", "Invalid password");
        return Ok(None);
    }
    Ok(Some(given.to_owned()))
}

/// After a first factor: the second-factor step when one is due, else signs the user in and
/// answers `{"tf_required": false, "user": ..}` (JSON) or redirects to `next`.
pub(crate) async fn finish_sign_in(
    ctx: &Ctx<'_>,
    user: &User,
    remember: bool,
    next: Option<String>,
    method: &str,
    hook_method: &str,
) -> Result<Reply, Error> {
    if let Some(reply) = two_factor::hook(ctx, user, remember, next.as_deref(), hook_method).await?
    {
        return Ok(reply);
    }
    let user = crate::session::login_user_via(ctx.req, user, remember, method).await?;
    if ctx.json {
        let mut response = Map::new();
        response.insert("tf_required".into(), Value::Bool(false));
        response.insert("user".into(), ctx.user_payload(&user));
        return ctx.ok(response).await;
    }
    Ok(Reply::redirect(
        next.unwrap_or_else(|| ctx.config().post_login_view.clone()),
    ))
}

// ----- validation shared by the flows -----

/// Validates an e-mail address by the syntax rules of python's email-validator (without
/// deliverability checks). Returns it with the domain lower-cased.
pub(crate) fn validate_email(email: &str) -> Option<String> {
    let email = email.trim();
    if email.len() > 254 || email.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return None;
    }
    let (local, domain) = email.rsplit_once('@')?;
    if local.is_empty()
        || local.len() > 64
        || local.starts_with('.')
        || local.ends_with('.')
        || local.contains("..")
    {
        return None;
    }
    let local_ok = local
        .chars()
        .all(|c| c.is_alphanumeric() || "!#$%&'*+/=?^_`{|}~-.".contains(c) || !c.is_ascii());
    if !local_ok {
        return None;
    }
    let domain = domain.to_lowercase();
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 || domain.len() > 253 {
        return None;
    }
    for label in &labels {
        if label.is_empty()
            || label.len() > 63
            || label.starts_with('-')
            || label.ends_with('-')
            || !label.chars().all(|c| c.is_alphanumeric() || c == '-')
        {
            return None;
        }
    }
    if labels.last()?.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(format!("{local}@{domain}"))
}

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
        form.error("next", msg::INVALID_REDIRECT);
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
        ctx.error(Status::BadRequest, msg::ANONYMOUS_ONLY)
    } else {
        Reply::redirect(ctx.config().post_login_view.clone())
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_syntax() {
        assert_eq!(
            validate_email("Joe@Example.COM").as_deref(),
            Some("Joe@example.com")
        );
        for bad in [
            "",
            "joe",
            "joe@",
            "@example.com",
            "joe@localhost",
            "joe@@example.com",
            "jo e@example.com",
            "joe@example..com",
            ".joe@example.com",
            "joe@-example.com",
            "joe@example.123",
            "joe(x)@example.com",
        ] {
            assert!(validate_email(bad).is_none(), "{bad:?}");
        }
        assert!(validate_email("o'brien+tag@sub.example.co.uk").is_some());
    }

    #[test]
    fn json_input_types() {
        let input =
            Input::from_json(r#"{"email":"a@b.co","remember":true,"n":5,"m":["x","y"],"z":null}"#)
                .unwrap();
        assert_eq!(input.get("email"), Some("a@b.co"));
        assert!(input.flag("remember"));
        assert_eq!(input.get("n"), Some("5"));
        assert_eq!(input.all("m"), ["x", "y"]);
        assert_eq!(input.get("z"), None);
        assert!(Input::from_json("[1,2]").is_err());
        assert!(Input::from_json("{\"email\": {\"a\": 1}}")
            .unwrap_err()
            .contains("email"));
        assert!(Input::from_json("{not json").is_err());
    }
}
