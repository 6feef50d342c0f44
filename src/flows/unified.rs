//! Unified sign-in: one form for a password or a code (`/us-signin`), mailed codes and magic
//! links (`/us-signin/send-code`, `/us-verify-link`), and the set-up of sign-in methods
//! (`/us-setup`, `/us-setup/<state>`).

use rocket::{get, post, Route};
use rocket_dyn_templates::tera::Context;
use serde_json::{json, Map, Value};

use crate::context::{anonymous_only, form_next, Ctx, Reply};
use crate::datastore::{User, UserChange, UserQuery};
use crate::error::Error;
use crate::events::SecurityEvent;
use crate::forms::{FormKind, FormState, Input};
use crate::i18n::Message;
use crate::mail::{MailKind, Notice};
use crate::session::SessionCell;
use crate::signin::codes::{self, CodePurpose, CodeSource};
use crate::signin::credentials::{
    active_methods, check_passcode, code_methods, email_set_up, methods_of, send_sign_in_code,
    INVALID_PASSCODE,
};
use crate::signin::factor::FirstFactor;
use crate::signin::finish::finish_first_factor;
use crate::signin::slots::{Slots, UnifiedSetup};
use crate::token::TokenPurpose;
use crate::totp;
use crate::username::find_by_identity;

const SETUP_LIFETIME_SECS: u64 = 15 * 60;

pub(super) fn routes() -> Vec<Route> {
    rocket::routes![
        signin_page,
        signin,
        send_code_route,
        verify_link,
        setup_page,
        setup,
        setup_validate
    ]
}

fn setup_methods(ctx: &Ctx<'_>) -> Vec<String> {
    let mut methods: Vec<String> = ctx
        .config()
        .us_enabled_methods
        .iter()
        .filter(|m| m.as_str() != "password")
        .map(|m| m.as_str().to_owned())
        .collect();
    methods.sort();
    methods
}

fn signin_form(ctx: &Ctx<'_>) -> FormState {
    FormState::new("us_signin_form", ctx.config().route_path("/us-signin"))
        .kind(FormKind::UnifiedSignin)
}

fn signin_json(ctx: &Ctx<'_>) -> Map<String, Value> {
    let mut response = Map::new();
    response.insert(
        "available_methods".into(),
        json!(ctx.config().us_enabled_methods),
    );
    response.insert("code_methods".into(), json!(code_methods(ctx)));
    response.insert(
        "identity_attributes".into(),
        json!(ctx.config().user_identity_attributes),
    );
    response
}

async fn signin_form_page(ctx: &Ctx<'_>, form: &FormState) -> Result<Reply, Error> {
    let mut extra = Context::new();
    extra.insert("code_methods", &code_methods(ctx));
    extra.insert("available_methods", &ctx.config().us_enabled_methods);
    ctx.page("us_signin.html", form, extra).await
}

#[get("/us-signin")]
async fn signin_page(ctx: Ctx<'_>) -> Result<Reply, Error> {
    crate::signin::pending::cancel(ctx.req).await?;
    if ctx.json {
        let mut response = signin_json(&ctx);
        if let Some(user) = ctx.current_user().await? {
            response.insert("user".into(), ctx.user_payload(&user));
        }
        return ctx.ok(response).await;
    }
    if ctx.current_user().await?.is_some() {
        return Ok(Reply::redirect(ctx.config().post_login_view.clone()));
    }
    let mut form = signin_form(&ctx);
    if let Some(next) = ctx.query_next() {
        form.value("next", next);
    }
    signin_form_page(&ctx, &form).await
}

#[post("/us-signin", data = "<input>")]
async fn signin(ctx: Ctx<'_>, input: Input) -> Result<Reply, Error> {
    ctx.check_csrf(&input).await?;
    let sec = ctx.sec;
    let config = ctx.config();
    let mut form = signin_form(&ctx);
    let (identity, passcode, remember) = form.credentials(&input, "identity", "passcode");
    let next = form_next(&ctx, &input, &mut form);
    form.check_extra_fields(sec, &input);
    if form.has_errors() {
        if ctx.json {
            return ctx.invalid("us_signin.html", &form).await;
        }
        return signin_form_page(&ctx, &form).await;
    }
    let (identity, passcode) = (identity.unwrap_or_default(), passcode.unwrap_or_default());
    let user = find_by_identity(sec.datastore(), config, &identity).await?;
    let method = check_passcode(&ctx, &identity, user.as_ref(), &passcode).await?;
    let allowed = |u: &User| {
        u.active && (!config.confirmable || config.login_without_confirmation || u.is_confirmed())
    };
    let (user, method) = match (user, method) {
        (Some(user), Some(method)) if allowed(&user) => (user, method),
        (user, _) => {
            sec.emit_from(
                ctx.req,
                SecurityEvent::UserFailedAuthn {
                    user,
                    identity: identity.clone(),
                },
            );
            form.error("", Message::GenericAuthnFailed);
            if ctx.json {
                return ctx.invalid("us_signin.html", &form).await;
            }
            return signin_form_page(&ctx, &form).await;
        }
    };
    let factor = FirstFactor::Unified(method);
    finish_first_factor(&ctx, &user, factor, remember, next).await
}

#[post("/us-signin/send-code", data = "<input>")]
async fn send_code_route(ctx: Ctx<'_>, input: Input) -> Result<Reply, Error> {
    if let Some(reply) = anonymous_only(&ctx).await? {
        return Ok(reply);
    }
    ctx.check_csrf(&input).await?;
    let mut form = signin_form(&ctx);
    let identity = input.text("identity");
    form.value("identity", identity.clone().unwrap_or_default());
    let chosen = input
        .text("chosen_method")
        .unwrap_or_else(|| "email".into());
    if identity.is_none() {
        form.error("identity", Message::EmailNotProvided);
    }
    if !code_methods(&ctx).contains(&chosen) {
        form.error("chosen_method", Message::NotAValidChoice);
    }
    if form.has_errors() {
        if ctx.json {
            return ctx.invalid("us_signin.html", &form).await;
        }
        return signin_form_page(&ctx, &form).await;
    }
    let user = match identity.as_deref() {
        Some(identity) => find_by_identity(ctx.sec.datastore(), ctx.config(), identity).await?,
        None => None,
    };
    // Only a set-up, active identity gets a mail; the answer is the same for everyone.
    let user = user.filter(|u| u.active && email_set_up(u));
    let user = ctx.sec.mail_recipient(MailKind::SigninCode, user).await?;
    if let Some(user) = user {
        send_sign_in_code(&ctx, &user, true).await?;
    }
    if ctx.json {
        return ctx.ok(signin_json(&ctx)).await;
    }
    ctx.flash("info", Message::IdentityCodeSent).await?;
    signin_form_page(&ctx, &form).await
}

#[get("/us-verify-link?<id>&<code>")]
async fn verify_link(ctx: Ctx<'_>, id: Option<&str>, code: Option<&str>) -> Result<Reply, Error> {
    if let Some(reply) = anonymous_only(&ctx).await? {
        return Ok(reply);
    }
    let config = ctx.config();
    let user = match (id, code) {
        (Some(id), Some(code)) => {
            let user = ctx
                .sec
                .datastore()
                .find_user(UserQuery::Uniquifier(id))
                .await?;
            match user.filter(|u| u.active && email_set_up(u)) {
                // Counted like the codes of `/us-signin`: past the limit even the right code
                // is refused until the window ends.
                Some(user) => {
                    let source = [CodeSource::Mailed(CodePurpose::UnifiedSignin)];
                    let matched = codes::check_code(ctx.sec, &user, code, &source).await?;
                    matched.map(|_| user)
                }
                None => None,
            }
        }
        _ => None,
    };
    let Some(user) = user else {
        ctx.flash("error", Message::UsLinkInvalid).await?;
        return Ok(Reply::redirect(config.route_path("/us-signin")));
    };
    finish_first_factor(&ctx, &user, FirstFactor::MagicLink, false, None).await
}

// ----- /us-setup -----

fn setup_form(ctx: &Ctx<'_>) -> FormState {
    FormState::new("us_setup_form", ctx.config().route_path("/us-setup"))
}

fn setup_json(ctx: &Ctx<'_>, user: &User) -> Map<String, Value> {
    let mut response = Map::new();
    response.insert("active_methods".into(), json!(active_methods(ctx, user)));
    response.insert(
        "available_methods".into(),
        json!(ctx.config().us_enabled_methods),
    );
    response.insert("setup_methods".into(), json!(setup_methods(ctx)));
    response.insert(
        "identity_attributes".into(),
        json!(ctx.config().user_identity_attributes),
    );
    response.insert("phone".into(), json!(user.us_phone_number));
    response
}

async fn setup_form_page(
    ctx: &Ctx<'_>,
    user: &User,
    form: &FormState,
    state_action: Option<String>,
    authr: Option<Value>,
) -> Result<Reply, Error> {
    let mut extra = Context::new();
    extra.insert("setup_methods", &setup_methods(ctx));
    let deletable: Vec<String> = active_methods(ctx, user)
        .into_iter()
        .filter(|m| m != "password")
        .collect();
    extra.insert("active_methods", &deletable);
    extra.insert("state", &state_action.is_some());
    extra.insert("state_action", &state_action);
    extra.insert("authr", &authr);
    ctx.page("us_setup.html", form, extra).await
}

#[get("/us-setup")]
async fn setup_page(ctx: Ctx<'_>) -> Result<Reply, Error> {
    let user = ctx.require_user(None).await?;
    if let Some(reply) = crate::signin::fresh::require_fresh(&ctx).await? {
        return Ok(reply);
    }
    if ctx.json {
        return ctx.ok(setup_json(&ctx, &user)).await;
    }
    setup_form_page(&ctx, &user, &setup_form(&ctx), None, None).await
}

async fn save_methods(
    ctx: &Ctx<'_>,
    user: &User,
    methods: Map<String, Value>,
) -> Result<User, Error> {
    let before = methods_of(user);
    let stored = (!methods.is_empty()).then(|| Value::Object(methods.clone()).to_string());
    let change = UserChange::UsMethods {
        uniquifier: &user.fs_uniquifier,
        old: user.us_totp_secrets.as_deref(),
        new: stored.as_deref(),
    };
    let changed = ctx.sec.datastore().change_user(user.id, change).await?;
    let changed = changed.ok_or_else(|| Error::BadRequest(Message::AccountChanged))?;
    let added = methods.keys().filter(|m| !before.contains_key(*m));
    let removed = before.keys().filter(|m| !methods.contains_key(*m));
    for (method, added) in added.map(|m| (m, true)).chain(removed.map(|m| (m, false))) {
        let Some(method) = crate::config::UnifiedMethod::from_exact(method) else {
            continue;
        };
        let user = changed.clone();
        let event = SecurityEvent::SignInMethodChanged {
            user,
            method,
            added,
        };
        ctx.sec.emit_from(ctx.req, event);
    }
    SessionCell::lock(ctx.req)
        .await?
        .refresh_user(changed.clone());
    Ok(changed)
}

#[post("/us-setup", data = "<input>")]
async fn setup(ctx: Ctx<'_>, input: Input) -> Result<Reply, Error> {
    let user = ctx.require_user(Some(&input)).await?;
    ctx.check_csrf(&input).await?;
    if let Some(reply) = crate::signin::fresh::require_fresh(&ctx).await? {
        return Ok(reply);
    }
    let sec = ctx.sec;
    let mut form = setup_form(&ctx);
    let delete: Vec<String> = input.all("delete_method").to_vec();
    if !delete.is_empty() {
        let mut methods = methods_of(&user);
        for method in &delete {
            if methods.remove(method).is_none() {
                let method = method.clone();
                form.error("delete_method", Message::UsMethodNotSetUp { method });
            }
        }
        if !form.has_errors() {
            let user = save_methods(&ctx, &user, methods).await?;
            sec.notify(&user, Notice::removed_methods(&delete)).await;
            if ctx.json {
                return ctx.ok(setup_json(&ctx, &user)).await;
            }
            ctx.flash("success", Message::UsMethodRemoved).await?;
            return Ok(Reply::redirect(ctx.config().route_path("/us-setup")));
        }
    }
    let chosen = input.text("chosen_method");
    if delete.is_empty() {
        match chosen.as_deref() {
            Some(m)
                if setup_methods(&ctx).iter().any(|s| s == m)
                    && matches!(m, "email" | "authenticator") => {}
            _ => form.error("chosen_method", Message::NotAValidChoice),
        }
    }
    if form.has_errors() {
        if ctx.json {
            return ctx.invalid("us_setup.html", &form).await;
        }
        return setup_form_page(&ctx, &user, &form, None, None).await;
    }
    start_setup(&ctx, &user, &form, chosen.unwrap_or_default()).await
}

/// Starts the set-up of `method`: a new authenticator secret shown, or a code mailed; the
/// state is kept in the session until the first code.
async fn start_setup(
    ctx: &Ctx<'_>,
    user: &User,
    form: &FormState,
    method: String,
) -> Result<Reply, Error> {
    let sec = ctx.sec;
    let nonce = crate::token::random_secret();
    let state = sec.keys().sign(
        TokenPurpose::SetupState,
        &(user.fs_uniquifier.clone(), method.clone(), nonce.clone()),
        sec.now(),
    );
    let mut authr = None;
    let sealed_secret = if method == "authenticator" {
        let secret = totp::new_secret();
        authr = Some(codes::authenticator_details(ctx, user, &secret));
        Some(sec.secret_box().seal(&secret))
    } else {
        let validity = ctx.config().us_token_validity.as_secs();
        let code = codes::issue_code(sec, user, CodePurpose::UnifiedSetup, validity).await?;
        let mut context = Context::new();
        context.insert("user", &json!({"email": user.email}));
        context.insert("token", &code);
        sec.send_security_mail(
            Message::SubjectVerificationCode,
            &user.email,
            "us_instructions",
            &context,
        )
        .await?;
        None
    };
    let pending = UnifiedSetup {
        method: method.clone(),
        nonce,
        sealed_secret,
    };
    Slots::update(ctx.req, |slots| {
        slots.unified_setup = Some(pending);
        true
    })
    .await?;
    if ctx.json {
        let mut response = Map::new();
        response.insert("chosen_method".into(), json!(method));
        response.insert("phone".into(), Value::Null);
        response.insert("state".into(), json!(state));
        if let Some(details) = &authr {
            for key in ["key", "b32key", "username", "issuer", "uri"] {
                response.insert(format!("authr_{key}"), details[key].clone());
            }
        }
        return ctx.ok(response).await;
    }
    let action = format!("{}/{state}", ctx.config().route_path("/us-setup"));
    if method == "email" {
        ctx.flash(
            "info",
            Message::CodeSentTo {
                email: user.email.clone(),
            },
        )
        .await?;
    }
    setup_form_page(ctx, user, form, Some(action), authr).await
}

/// The set-up kept in the session, when `state` is its signed state for `user`.
async fn setup_in_progress(
    ctx: &Ctx<'_>,
    user: &User,
    state: &str,
) -> Result<Option<UnifiedSetup>, Error> {
    let sec = ctx.sec;
    let pending = Slots::read(ctx.req).await?.unified_setup;
    let claims = sec
        .keys()
        .verify::<(String, String, String)>(
            TokenPurpose::SetupState,
            state,
            Some(SETUP_LIFETIME_SECS),
            sec.now(),
        )
        .ok()
        .map(|(claims, _)| claims);
    Ok(match (pending, claims) {
        (Some(p), Some((uniquifier, method, nonce)))
            if uniquifier == user.fs_uniquifier
                && method == p.method
                && crate::token::constant_time_eq(&nonce, &p.nonce) =>
        {
            Some(p)
        }
        _ => None,
    })
}

#[post("/us-setup/<state>", data = "<input>")]
async fn setup_validate(ctx: Ctx<'_>, state: &str, input: Input) -> Result<Reply, Error> {
    let user = ctx.require_user(Some(&input)).await?;
    ctx.check_csrf(&input).await?;
    let sec = ctx.sec;
    let Some(pending) = setup_in_progress(&ctx, &user, state).await? else {
        if ctx.json {
            return Ok(ctx.error(rocket::http::Status::BadRequest, Message::NoPermissionPage));
        }
        ctx.flash("error", Message::NoPermissionPage).await?;
        return Ok(Reply::redirect(ctx.config().route_path("/us-setup")));
    };
    let passcode = input.text("passcode").unwrap_or_default();
    // Past the limit the code is neither checked nor used up.
    let secret = pending
        .sealed_secret
        .as_deref()
        .map(|sealed| sec.secret_box().open(sealed).unwrap_or_default());
    let (source, stored) = match (&secret, &pending.sealed_secret) {
        (Some(secret), Some(sealed)) => (
            CodeSource::Authenticator(secret),
            Value::String(sealed.clone()),
        ),
        _ => (
            CodeSource::Mailed(CodePurpose::UnifiedSetup),
            Value::Bool(true),
        ),
    };
    let valid = codes::check_code(sec, &user, &passcode, &[source]).await?;
    if valid.is_none() {
        let mut form = FormState::new(
            "us_setup_validate_form",
            format!("{}/{state}", ctx.config().route_path("/us-setup")),
        );
        form.error("passcode", INVALID_PASSCODE);
        if ctx.json {
            return ctx.invalid("us_setup.html", &form).await;
        }
        let action = form.action.clone();
        return setup_form_page(&ctx, &user, &form, Some(action), None).await;
    }
    let mut methods = methods_of(&user);
    methods.insert(pending.method.clone(), stored);
    let user = save_methods(&ctx, &user, methods).await?;
    sec.notify(&user, Notice::added_method(&pending.method))
        .await;
    Slots::update(ctx.req, |slots| {
        slots.unified_setup = None;
        true
    })
    .await?;
    if ctx.json {
        let mut response = Map::new();
        response.insert("chosen_method".into(), json!(pending.method));
        response.insert("phone".into(), json!(user.us_phone_number));
        return ctx.ok(response).await;
    }
    ctx.flash("success", Message::UsSetupDone).await?;
    Ok(Reply::redirect(ctx.config().route_path("/us-setup")))
}
