//! Two-factor authentication with an authenticator app: `/tf-setup`, `/tf-setup/<token>`,
//! `/tf-validate`, `/tf-rescue`, `/tf-select`; and the pending-login state every login path
//! goes through when the user has a second factor.

use chrono::Duration;
use rocket::http::{Cookie, SameSite, Status};
use rocket::{get, post, Route};
use rocket_dyn_templates::tera::Context;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::lockout::CounterKey;
use super::{Ctx, FormState, Input, Reply};
use crate::config::{SignInMethod, TwoFactorMethod, UnifiedMethod};
use crate::datastore::{OneTimeCode, User, UserChange, UserQuery};
use crate::error::{envelope, msg, Error};
use crate::events::SecurityEvent;
use crate::fairing::Security;
use crate::mail::{MailKind, Notice};
use crate::session::{login_user_via, SessionCell};
use crate::token::TokenPurpose;
use crate::totp;

const INVALID_CODE: &str = "Invalid code";
/// Session key of a login waiting for its second factor.
pub(crate) const PENDING_LOGIN_KEY: &str = "tf_pending";
const PENDING_LOGIN: &str = PENDING_LOGIN_KEY;
const PENDING_SETUP: &str = "tf_setup";
const VALIDITY_COOKIE: &str = "tf_validity";
/// How long a half-finished login waits for its second factor.
const PENDING_LIFETIME_SECS: i64 = 15 * 60;

pub(super) fn routes() -> Vec<Route> {
    rocket::routes![
        setup_page,
        setup,
        setup_validate,
        validate_page,
        validate,
        rescue_page,
        rescue,
        select_page,
        select
    ]
}

/// A login waiting for its second factor (or, with `two_factor_required`, for its set-up).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct PendingLogin {
    pub user_id: i64,
    pub uniquifier: String,
    pub remember: bool,
    pub next: Option<String>,
    pub method: String,
    pub started: i64,
    #[serde(default)]
    pub setup: bool,
}

/// An authenticator being set up, waiting for its first code.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct PendingSetup {
    sealed_secret: String,
    state: String,
}

pub(crate) async fn pending_login(ctx: &Ctx<'_>) -> Result<Option<(PendingLogin, User)>, Error> {
    let value = SessionCell::lock(ctx.req)
        .await?
        .data
        .extra
        .get(PENDING_LOGIN)
        .cloned();
    let Some(pending) = value.and_then(|v| serde_json::from_value::<PendingLogin>(v).ok()) else {
        return Ok(None);
    };
    if ctx.sec.now().timestamp() - pending.started > PENDING_LIFETIME_SECS {
        clear_pending(ctx).await?;
        return Ok(None);
    }
    let user = ctx
        .sec
        .datastore()
        .find_user(UserQuery::Id(pending.user_id))
        .await?
        .filter(|u| u.active && u.fs_uniquifier == pending.uniquifier);
    Ok(user.map(|u| (pending, u)))
}

async fn clear_pending(ctx: &Ctx<'_>) -> Result<(), Error> {
    let mut session = SessionCell::lock(ctx.req).await?;
    session.data.extra.remove(PENDING_LOGIN);
    session.data.extra.remove(PENDING_SETUP);
    session.touch();
    Ok(())
}

/// Whether this browser carries a valid "second factor passed recently" cookie for `user`.
fn browser_remembered(ctx: &Ctx<'_>, user: &User) -> bool {
    let config = ctx.config();
    if config.two_factor_always_validate {
        return false;
    }
    let Some(cookie) = ctx.req.cookies().get(VALIDITY_COOKIE) else {
        return false;
    };
    ctx.sec
        .keys()
        .verify::<String>(
            TokenPurpose::TwoFactorValidity,
            cookie.value(),
            Some(config.two_factor_login_validity.as_secs()),
            ctx.sec.now(),
        )
        .is_ok_and(|(uniquifier, _)| uniquifier == user.fs_uniquifier)
}

/// Called by every login path after the first factor: when the user has a second factor (or
/// must set one up), answers with the two-factor step instead of signing in. `None` means sign
/// in now. `unified` is the method of a unified sign-in, which asks for the second factor only
/// after the methods in `us_mfa_required`.
pub(crate) async fn hook(
    ctx: &Ctx<'_>,
    user: &User,
    remember: bool,
    next: Option<&str>,
    method: SignInMethod,
    unified: Option<UnifiedMethod>,
) -> Result<Option<Reply>, Error> {
    let config = ctx.config();
    if !config.two_factor {
        return Ok(None);
    }
    if unified.is_some_and(|m| !config.us_mfa_required.contains(&m)) {
        return Ok(None);
    }
    let has_factor = user.tf_primary_method.is_some() && user.tf_totp_secret.is_some();
    let setup = !has_factor && config.two_factor_required;
    if !has_factor && !setup {
        return Ok(None);
    }
    if has_factor && browser_remembered(ctx, user) {
        return Ok(None);
    }
    // Browsers go on to `next`, or (as Flask-Security-Too does) back to the login page, which
    // sends a signed-in user on to `post_login_view`.
    let next = match next {
        Some(next) => Some(next.to_owned()),
        None if !ctx.json && !setup => {
            Some(format!("{}{}", ctx.base_url(), config.route_path("/login")))
        }
        None => None,
    };
    let pending = PendingLogin {
        user_id: user.id,
        uniquifier: user.fs_uniquifier.clone(),
        remember,
        next: next.clone(),
        method: method.to_string(),
        started: ctx.sec.now().timestamp(),
        setup,
    };
    {
        let mut session = SessionCell::lock(ctx.req).await?;
        session.data.extra.insert(
            PENDING_LOGIN.into(),
            serde_json::to_value(&pending).unwrap_or_default(),
        );
        session.touch();
    }
    if setup {
        if ctx.json {
            let mut response = Map::new();
            response.insert("tf_required".into(), Value::Bool(true));
            response.insert("tf_state".into(), json!("setup_from_login"));
            return Ok(Some(ctx.ok(response).await?));
        }
        return Ok(Some(Reply::redirect(config.route_path("/tf-setup"))));
    }
    if ctx.json {
        let mut response = Map::new();
        response.insert("tf_required".into(), Value::Bool(true));
        response.insert("tf_state".into(), json!("ready"));
        response.insert("tf_method".into(), json!(user.tf_primary_method));
        response.insert("tf_primary_method".into(), json!(user.tf_primary_method));
        return Ok(Some(ctx.ok(response).await?));
    }
    let next: String =
        url::form_urlencoded::byte_serialize(next.unwrap_or_default().as_bytes()).collect();
    Ok(Some(Reply::redirect(format!(
        "{}?next={next}",
        config.route_path("/tf-validate")
    ))))
}

/// Finishes a pending login after its second factor.
pub(crate) async fn complete(
    ctx: &Ctx<'_>,
    pending: &PendingLogin,
    user: &User,
    method: SignInMethod,
) -> Result<Reply, Error> {
    clear_pending(ctx).await?;
    let user = login_user_via(ctx.req, user, pending.remember, method).await?;
    let config = ctx.config();
    if !config.two_factor_always_validate {
        let token = ctx.sec.keys().sign(
            TokenPurpose::TwoFactorValidity,
            &user.fs_uniquifier,
            ctx.sec.now(),
        );
        let secure = ctx.sec.cookies_secure(ctx.req);
        let max_age =
            rocket::time::Duration::seconds(config.two_factor_login_validity.as_secs() as i64);
        ctx.req.cookies().add(
            Cookie::build((VALIDITY_COOKIE, token))
                .http_only(true)
                .same_site(SameSite::Lax)
                .path("/")
                .secure(secure)
                .max_age(max_age),
        );
    }
    if ctx.json {
        let mut response = Map::new();
        response.insert("user".into(), ctx.user_payload(&user));
        return ctx.ok(response).await;
    }
    Ok(Reply::redirect(
        pending
            .next
            .clone()
            .unwrap_or_else(|| config.post_login_view.clone()),
    ))
}

/// Checks an authenticator code for `user` with `secret`: within the configured window, and
/// each time step's code accepted once. Callers count the attempt with [`throttled`] first.
pub(crate) async fn check_authenticator_code(
    sec: &Security,
    user: &User,
    secret: &[u8],
    code: &str,
) -> Result<bool, Error> {
    let config = sec.config();
    let now = sec.now();
    let Some(step) = totp::matching_step(
        secret,
        code,
        now.timestamp().max(0) as u64,
        config.two_factor_authenticator_validity.as_secs(),
    ) else {
        return Ok(false);
    };
    let window =
        Duration::seconds(2 * config.two_factor_authenticator_validity.as_secs() as i64 + 60);
    let uses = sec
        .datastore()
        .hit_counter(
            &CounterKey::TotpStep(user.id, step).to_string(),
            now.naive_utc(),
            window,
        )
        .await?;
    if uses > 1 {
        return Ok(false);
    }
    sec.datastore()
        .reset_counter(&CounterKey::CodeAttempts(user.id).to_string())
        .await?;
    Ok(true)
}

/// Counts a code attempt; `true` when the user made more than `code_attempts_max` in
/// `code_attempts_window` (every code, right or wrong, is then refused until the window ends).
/// The window is never longer than `lockout_duration`, so a stranger who only knows an address
/// cannot block the owner's codes for longer.
pub(crate) async fn throttled(sec: &Security, user: &User) -> Result<bool, Error> {
    let config = sec.config();
    let window = config
        .code_attempts_window
        .to_chrono()
        .min(config.lockout_duration.to_chrono());
    let attempts = sec
        .datastore()
        .hit_counter(
            &CounterKey::CodeAttempts(user.id).to_string(),
            sec.now().naive_utc(),
            window,
        )
        .await?;
    Ok(attempts > config.code_attempts_max)
}

/// The user's authenticator secret, decrypted.
pub(crate) fn user_secret(sec: &Security, user: &User) -> Option<Vec<u8>> {
    sec.secret_box().open(user.tf_totp_secret.as_deref()?)
}

/// Mails a one-time code for `purpose`, valid `validity_secs`, voiding older ones.
pub(crate) async fn issue_code(
    sec: &Security,
    user: &User,
    purpose: &str,
    validity_secs: u64,
) -> Result<String, Error> {
    let code = totp::random_code();
    sec.datastore()
        .put_code(&OneTimeCode {
            user_id: user.id,
            purpose: purpose.to_owned(),
            code_hash: sec.code_hash(purpose, &code),
            expires_at: sec.now().naive_utc() + Duration::seconds(validity_secs as i64),
        })
        .await?;
    Ok(code)
}

/// Uses up a mailed code. Callers count the attempt with [`throttled`] first.
pub(crate) async fn take_code(
    sec: &Security,
    user: &User,
    purpose: &str,
    code: &str,
) -> Result<bool, Error> {
    let taken = sec
        .datastore()
        .take_code(
            user.id,
            purpose,
            &sec.code_hash(purpose, code),
            sec.now().naive_utc(),
        )
        .await?;
    if taken {
        sec.datastore()
            .reset_counter(&CounterKey::CodeAttempts(user.id).to_string())
            .await?;
    }
    Ok(taken)
}

fn no_permission(ctx: &Ctx<'_>) -> Reply {
    let mut response = Map::new();
    response.insert("errors".into(), json!([msg::NO_PERMISSION_PAGE]));
    response.insert(
        "field_errors".into(),
        json!({"": [msg::NO_PERMISSION_PAGE]}),
    );
    let _ = ctx;
    Reply::Json(Status::BadRequest, envelope(Status::BadRequest, response))
}

fn recovery_options(ctx: &Ctx<'_>, user: &User) -> Value {
    let config = ctx.config();
    let mut options = Map::new();
    options.insert("help".into(), json!(config.route_path("/tf-rescue")));
    options.insert("email".into(), json!(config.route_path("/tf-rescue")));
    if config.multi_factor_recovery_codes && user.mf_recovery_codes.is_some() {
        options.insert(
            "recovery_code".into(),
            json!(config.route_path("/mf-recovery")),
        );
    }
    Value::Object(options)
}

fn rescue_choices(options: &Value) -> Vec<Value> {
    let mut choices = vec![
        json!({"value": "email", "label": "Send a one-time code to my e-mail address"}),
        json!({"value": "help", "label": "Ask the site's administrators for help"}),
    ];
    if options.get("recovery_code").is_some() {
        choices.push(json!({"value": "recovery_code", "label": "Use a recovery code"}));
    }
    choices
}

// ----- /tf-validate -----

async fn validate_form_page(ctx: &Ctx<'_>, user: &User, form: &FormState) -> Result<Reply, Error> {
    let options = recovery_options(ctx, user);
    let mut extra = Context::new();
    extra.insert("rescue_choices", &rescue_choices(&options));
    extra.insert("recovery_url", &options.get("recovery_code"));
    extra.insert("method", &user.tf_primary_method);
    ctx.page("two_factor_verify_code.html", form, extra).await
}

fn code_form(ctx: &Ctx<'_>) -> FormState {
    FormState::new(
        "two_factor_verify_code_form",
        ctx.config().route_path("/tf-validate"),
    )
}

#[get("/tf-validate")]
async fn validate_page(ctx: Ctx<'_>) -> Result<Reply, Error> {
    let Some((_, user)) = pending_login(&ctx).await?.filter(|(p, _)| !p.setup) else {
        if ctx.json {
            return Ok(no_permission(&ctx));
        }
        return Ok(Reply::redirect(ctx.config().route_path("/login")));
    };
    if ctx.json {
        let mut response = Map::new();
        response.insert("user".into(), json!({}));
        response.insert("recovery_options".into(), recovery_options(&ctx, &user));
        return ctx.ok(response).await;
    }
    validate_form_page(&ctx, &user, &code_form(&ctx)).await
}

#[post("/tf-validate", data = "<input>")]
async fn validate(ctx: Ctx<'_>, input: Input) -> Result<Reply, Error> {
    ctx.check_csrf(&input).await?;
    let Some((pending, user)) = pending_login(&ctx).await?.filter(|(p, _)| !p.setup) else {
        if ctx.json {
            return Ok(no_permission(&ctx));
        }
        return Ok(Reply::redirect(ctx.config().route_path("/login")));
    };
    let mut form = code_form(&ctx);
    let code = input.text("code");
    let valid = match &code {
        None => false,
        Some(_) if throttled(ctx.sec, &user).await? => false,
        Some(code) => {
            let by_app = match user_secret(ctx.sec, &user) {
                Some(secret) => check_authenticator_code(ctx.sec, &user, &secret, code).await?,
                None => false,
            };
            by_app || take_code(ctx.sec, &user, "tf-rescue", code).await?
        }
    };
    if !valid {
        form.error("code", INVALID_CODE);
        if ctx.json {
            return ctx.invalid("two_factor_verify_code.html", &form).await;
        }
        return validate_form_page(&ctx, &user, &form).await;
    }
    let method = (user.tf_primary_method.as_deref())
        .and_then(TwoFactorMethod::from_exact)
        .unwrap_or(TwoFactorMethod::Authenticator);
    complete(&ctx, &pending, &user, method.into()).await
}

// ----- /tf-rescue -----

#[get("/tf-rescue")]
async fn rescue_page(ctx: Ctx<'_>) -> Result<Reply, Error> {
    validate_page(ctx).await
}

#[post("/tf-rescue", data = "<input>")]
async fn rescue(ctx: Ctx<'_>, input: Input) -> Result<Reply, Error> {
    ctx.check_csrf(&input).await?;
    let Some((_, user)) = pending_login(&ctx).await?.filter(|(p, _)| !p.setup) else {
        if ctx.json {
            return Ok(no_permission(&ctx));
        }
        return Ok(Reply::redirect(ctx.config().route_path("/login")));
    };
    let config = ctx.config();
    let options = recovery_options(&ctx, &user);
    let choice = input.text("help_setup").unwrap_or_default();
    let mut form = FormState::new("two_factor_rescue_form", config.route_path("/tf-rescue"));
    let mut flash = None;
    match choice.as_str() {
        "email"
            if !ctx
                .sec
                .mail_allowed(MailKind::TwoFactorRescue, &user.email)
                .await? =>
        {
            flash = Some("A one-time code was sent to your e-mail address.".to_owned());
        }
        "email" => {
            let code = issue_code(
                ctx.sec,
                &user,
                "tf-rescue",
                config.two_factor_mail_validity.as_secs(),
            )
            .await?;
            let mut context = Context::new();
            context.insert("user", &json!({"email": user.email}));
            context.insert("token", &code);
            ctx.sec
                .send_mail(
                    &config.email_subject_two_factor,
                    &user.email,
                    "two_factor_instructions",
                    &context,
                )
                .await?;
            flash = Some("A one-time code was sent to your e-mail address.".to_owned());
        }
        "help" => {
            if let Some(admin) = &config.two_factor_rescue_mail {
                let mut context = Context::new();
                context.insert("user", &json!({"email": user.email}));
                ctx.sec
                    .send_mail(
                        &config.email_subject_two_factor,
                        admin,
                        "two_factor_rescue",
                        &context,
                    )
                    .await?;
            }
            flash = Some("The administrators were asked to help you sign in.".to_owned());
        }
        "recovery_code" if options.get("recovery_code").is_some() => {
            if !ctx.json {
                return Ok(Reply::redirect(config.route_path("/mf-recovery")));
            }
        }
        _ => form.error("help_setup", "Choose one of the options."),
    }
    if form.has_errors() {
        if ctx.json {
            return ctx.invalid("two_factor_verify_code.html", &form).await;
        }
        return validate_form_page(&ctx, &user, &code_form(&ctx)).await;
    }
    if ctx.json {
        let mut response = Map::new();
        response.insert("recovery_options".into(), options);
        return ctx.ok(response).await;
    }
    if let Some(message) = flash {
        ctx.flash("info", message).await?;
    }
    validate_form_page(&ctx, &user, &code_form(&ctx)).await
}

// ----- /tf-setup -----

fn available_methods(ctx: &Ctx<'_>, user: Option<&User>) -> Vec<String> {
    let mut methods: Vec<String> = (ctx.config().two_factor_enabled_methods.iter())
        .map(ToString::to_string)
        .collect();
    if user.is_some_and(|u| u.tf_primary_method.is_some()) {
        methods.insert(0, "disable".into());
    }
    methods
}

/// The user `/tf-setup` acts for: the signed-in user, or the user of a login waiting for its
/// mandatory set-up.
async fn setup_user(
    ctx: &Ctx<'_>,
    input: Option<&Input>,
) -> Result<Option<(User, Option<PendingLogin>)>, Error> {
    if let Some(user) = ctx.current_user().await? {
        return Ok(Some((user, None)));
    }
    if let Some((pending, user)) = pending_login(ctx).await?.filter(|(p, _)| p.setup) {
        return Ok(Some((user, Some(pending))));
    }
    if input.is_some() {
        if let Ok(user) = ctx.require_user(input).await {
            return Ok(Some((user, None)));
        }
    }
    Ok(None)
}

fn setup_form(ctx: &Ctx<'_>) -> FormState {
    FormState::new(
        "two_factor_setup_form",
        ctx.config().route_path("/tf-setup"),
    )
}

async fn setup_form_page(
    ctx: &Ctx<'_>,
    user: &User,
    form: &FormState,
    authr: Option<Value>,
) -> Result<Reply, Error> {
    let choices: Vec<Value> = available_methods(ctx, Some(user))
        .into_iter()
        .map(|m| {
            let label = match TwoFactorMethod::from_exact(&m) {
                Some(TwoFactorMethod::Authenticator) => "Authenticator app".to_owned(),
                None if m == "disable" => "Turn two-factor authentication off".to_owned(),
                None => m.clone(),
            };
            json!({"value": m, "label": label})
        })
        .collect();
    let mut extra = Context::new();
    extra.insert("choices", &choices);
    extra.insert("current_method", &user.tf_primary_method);
    extra.insert("show_phone", &false);
    extra.insert("authr", &authr);
    ctx.page("two_factor_setup.html", form, extra).await
}

fn setup_json(ctx: &Ctx<'_>, user: &User) -> Map<String, Value> {
    let mut response = Map::new();
    response.insert(
        "tf_required".into(),
        json!(ctx.config().two_factor_required),
    );
    response.insert("tf_method".into(), json!(user.tf_primary_method));
    response.insert("tf_primary_method".into(), json!(user.tf_primary_method));
    response.insert("tf_phone_number".into(), json!(user.tf_phone_number));
    response.insert(
        "tf_available_methods".into(),
        json!(available_methods(ctx, Some(user))),
    );
    response
}

#[get("/tf-setup")]
async fn setup_page(ctx: Ctx<'_>) -> Result<Reply, Error> {
    let Some((user, pending)) = setup_user(&ctx, None).await? else {
        return Err(Error::Unauthenticated);
    };
    if pending.is_none() {
        if let Some(reply) = super::verify::require_fresh(&ctx).await? {
            return Ok(reply);
        }
    }
    if ctx.json {
        return ctx.ok(setup_json(&ctx, &user)).await;
    }
    setup_form_page(&ctx, &user, &setup_form(&ctx), None).await
}

/// The issuer shown by authenticator apps.
fn issuer(ctx: &Ctx<'_>) -> String {
    ctx.config().totp_issuer.clone().unwrap_or_else(|| {
        ctx.req
            .headers()
            .get_one("Host")
            .unwrap_or("rocket_security")
            .split(':')
            .next()
            .unwrap_or("rocket_security")
            .to_owned()
    })
}

/// `tf_authr_*` values of a new secret.
pub(crate) fn authenticator_details(ctx: &Ctx<'_>, user: &User, secret: &[u8]) -> Value {
    let issuer = issuer(ctx);
    let b32 = totp::base32(secret);
    let uri = totp::uri(secret, &issuer, &user.email);
    json!({
        "key": totp::grouped(&b32),
        "b32key": b32,
        "username": user.email,
        "issuer": issuer,
        "uri": uri,
        "qrcode_svg": totp::qr_svg(&uri),
    })
}

#[post("/tf-setup", data = "<input>")]
async fn setup(ctx: Ctx<'_>, input: Input) -> Result<Reply, Error> {
    let Some((user, pending)) = setup_user(&ctx, Some(&input)).await? else {
        if ctx.json {
            return Ok(no_permission(&ctx));
        }
        return Err(Error::Unauthenticated);
    };
    ctx.check_csrf(&input).await?;
    if pending.is_none() {
        if let Some(reply) = super::verify::require_fresh(&ctx).await? {
            return Ok(reply);
        }
    }
    let mut form = setup_form(&ctx);
    let choice = input.text("setup").unwrap_or_default();
    form.value("setup", choice.clone());
    let sec = ctx.sec;
    if choice == "disable" && user.tf_primary_method.is_some() && pending.is_none() {
        let (uniquifier, method, secret) = (&user.fs_uniquifier, None, None);
        let change = UserChange::TwoFactor {
            uniquifier,
            method,
            secret,
        };
        let changed = sec.datastore().change_user(user.id, change).await?;
        let changed = changed.ok_or_else(|| Error::BadRequest(msg::ACCOUNT_CHANGED.into()))?;
        SessionCell::lock(ctx.req)
            .await?
            .refresh_user(changed.clone());
        sec.notify(&changed, Notice::TwoFactorDisabled).await;
        sec.emit_from(
            ctx.req,
            SecurityEvent::TwoFactorMethodChanged {
                user: changed.clone(),
                method: None,
            },
        );
        if ctx.json {
            return ctx.ok(setup_json(&ctx, &changed)).await;
        }
        ctx.flash(
            "success",
            "You successfully disabled two-factor authorization.",
        )
        .await?;
        return Ok(Reply::redirect(ctx.config().route_path("/tf-setup")));
    }
    if !TwoFactorMethod::from_exact(&choice)
        .is_some_and(|m| ctx.config().two_factor_enabled_methods.contains(&m))
    {
        form.error("setup", "Marked method is not valid");
        if ctx.json {
            return ctx.invalid("two_factor_setup.html", &form).await;
        }
        return setup_form_page(&ctx, &user, &form, None).await;
    }
    let secret = totp::new_secret();
    let state = crate::token::random_secret();
    let state_token = sec.keys().sign(
        TokenPurpose::SetupState,
        &(user.fs_uniquifier.clone(), state.clone()),
        sec.now(),
    );
    {
        let mut session = SessionCell::lock(ctx.req).await?;
        let pending_setup = PendingSetup {
            sealed_secret: sec.secret_box().seal(&secret),
            state,
        };
        session.data.extra.insert(
            PENDING_SETUP.into(),
            serde_json::to_value(pending_setup).unwrap_or_default(),
        );
        session.touch();
    }
    let details = authenticator_details(&ctx, &user, &secret);
    if ctx.json {
        let mut response = Map::new();
        response.insert("tf_state".into(), json!("validating_profile"));
        response.insert("tf_method".into(), json!("authenticator"));
        response.insert("tf_primary_method".into(), json!("authenticator"));
        response.insert("tf_state_token".into(), json!(state_token));
        response.insert("tf_authr_key".into(), details["key"].clone());
        response.insert("tf_authr_b32key".into(), details["b32key"].clone());
        response.insert("tf_authr_username".into(), details["username"].clone());
        response.insert("tf_authr_issuer".into(), details["issuer"].clone());
        response.insert("tf_authr_uri".into(), details["uri"].clone());
        return ctx.ok(response).await;
    }
    let mut authr = details;
    authr["action"] = json!(format!(
        "{}/{state_token}",
        ctx.config().route_path("/tf-setup")
    ));
    setup_form_page(&ctx, &user, &form, Some(authr)).await
}

#[post("/tf-setup/<token>", data = "<input>")]
async fn setup_validate(ctx: Ctx<'_>, token: &str, input: Input) -> Result<Reply, Error> {
    let Some((user, pending)) = setup_user(&ctx, Some(&input)).await? else {
        if ctx.json {
            return Ok(no_permission(&ctx));
        }
        return Err(Error::Unauthenticated);
    };
    ctx.check_csrf(&input).await?;
    let sec = ctx.sec;
    let stored = SessionCell::lock(ctx.req)
        .await?
        .data
        .extra
        .get(PENDING_SETUP)
        .cloned()
        .and_then(|v| serde_json::from_value::<PendingSetup>(v).ok());
    let state = sec
        .keys()
        .verify::<(String, String)>(
            TokenPurpose::SetupState,
            token,
            Some(PENDING_LIFETIME_SECS as u64),
            sec.now(),
        )
        .ok()
        .map(|(data, _)| data);
    let secret = match (stored, state) {
        (Some(stored), Some((uniquifier, state)))
            if uniquifier == user.fs_uniquifier
                && crate::token::constant_time_eq(&state, &stored.state) =>
        {
            sec.secret_box().open(&stored.sealed_secret)
        }
        _ => None,
    };
    let Some(secret) = secret else {
        if ctx.json {
            return Ok(no_permission(&ctx));
        }
        ctx.flash("error", msg::NO_PERMISSION_PAGE).await?;
        return Ok(Reply::redirect(ctx.config().route_path("/tf-setup")));
    };
    let mut form = code_form(&ctx);
    form.action = format!("{}/{token}", ctx.config().route_path("/tf-setup"));
    let code = input.text("code").unwrap_or_default();
    if throttled(sec, &user).await? || !check_authenticator_code(sec, &user, &secret, &code).await?
    {
        form.error("code", INVALID_CODE);
        if ctx.json {
            return ctx.invalid("two_factor_setup.html", &form).await;
        }
        let mut authr = authenticator_details(&ctx, &user, &secret);
        authr["action"] = json!(form.action.clone());
        return setup_form_page(&ctx, &user, &form, Some(authr)).await;
    }
    let (uniquifier, sealed) = (&user.fs_uniquifier, sec.secret_box().seal(&secret));
    let method = Some(TwoFactorMethod::Authenticator.as_str());
    let secret = Some(sealed.as_str());
    let change = UserChange::TwoFactor {
        uniquifier,
        method,
        secret,
    };
    let changed = sec.datastore().change_user(user.id, change).await?;
    let changed = changed.ok_or_else(|| Error::BadRequest(msg::ACCOUNT_CHANGED.into()))?;
    {
        let mut session = SessionCell::lock(ctx.req).await?;
        session.data.extra.remove(PENDING_SETUP);
        session.touch();
        session.refresh_user(changed.clone());
    }
    if user.tf_primary_method.is_some() {
        sec.notify(&changed, Notice::TwoFactorReplaced).await;
    }
    sec.emit_from(
        ctx.req,
        SecurityEvent::TwoFactorMethodChanged {
            user: changed.clone(),
            method: Some(TwoFactorMethod::Authenticator),
        },
    );
    if let Some(pending) = pending {
        return complete(&ctx, &pending, &changed, SignInMethod::Authenticator).await;
    }
    if ctx.json {
        let mut response = Map::new();
        response.insert("tf_method".into(), json!("authenticator"));
        response.insert("tf_primary_method".into(), json!("authenticator"));
        response.insert("tf_phone".into(), Value::Null);
        return ctx.ok(response).await;
    }
    ctx.flash(
        "success",
        "You successfully changed your two-factor method.",
    )
    .await?;
    Ok(Reply::redirect(ctx.config().route_path("/tf-setup")))
}

// ----- /tf-select (one method only here: straight to validation) -----

#[get("/tf-select")]
async fn select_page(ctx: Ctx<'_>) -> Result<Reply, Error> {
    Ok(Reply::redirect(ctx.config().route_path("/tf-validate")))
}

#[post("/tf-select")]
async fn select(ctx: Ctx<'_>) -> Result<Reply, Error> {
    Ok(Reply::redirect(ctx.config().route_path("/tf-validate")))
}
