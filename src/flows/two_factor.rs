//! Two-factor authentication with an authenticator app: `/tf-setup`, `/tf-setup/<token>`,
//! `/tf-validate`, `/tf-rescue`, `/tf-select`. The sign-in waiting for its second factor is
//! [`PendingSignIn`]; codes are checked by [`codes::check_code`].

use rocket::http::Status;
use rocket::{get, post, Route};
use rocket_dyn_templates::tera::Context;
use serde_json::{json, Map, Value};

use crate::context::{Ctx, Reply};
use crate::datastore::{User, UserChange};
use crate::error::Error;
use crate::events::SecurityEvent;
use crate::forms::{FormState, Input};
use crate::i18n::Message;
use crate::mail::{MailKind, Notice};
use crate::responses::envelope;
use crate::session::SessionCell;
use crate::signin::codes::{self, CodePurpose, CodeSource};
use crate::signin::finish::finish_second_factor;
use crate::signin::fresh::require_fresh;
use crate::signin::pending::{AwaitingSecondFactor, PendingSignIn, PENDING_LIFETIME_SECS};
use crate::signin::slots::{PendingLogin, Slots, TwoFactorSetup};
use crate::token::TokenPurpose;
use crate::totp;

const INVALID_CODE: Message = Message::InvalidCode;

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

fn no_permission(ctx: &Ctx<'_>) -> Reply {
    let message = crate::locale::text(ctx.req, &Message::NoPermissionPage);
    let mut response = Map::new();
    response.insert("errors".into(), json!([message]));
    response.insert("field_errors".into(), json!({"": [message]}));
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

fn rescue_choices(options: &Value, text: impl Fn(&Message) -> String) -> Vec<Value> {
    let mut choices = vec![
        json!({"value": "email", "label": text(&Message::TfChoiceEmail)}),
        json!({"value": "help", "label": text(&Message::TfChoiceHelp)}),
    ];
    if options.get("recovery_code").is_some() {
        let label = text(&Message::TfChoiceRecoveryCode);
        choices.push(json!({"value": "recovery_code", "label": label}));
    }
    choices
}

// ----- /tf-validate -----

async fn validate_form_page(ctx: &Ctx<'_>, user: &User, form: &FormState) -> Result<Reply, Error> {
    let options = recovery_options(ctx, user);
    let mut extra = Context::new();
    let choices = rescue_choices(&options, ctx.localizer().await);
    extra.insert("rescue_choices", &choices);
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

/// The answer when no sign-in waits for its second factor.
fn not_pending(ctx: &Ctx<'_>) -> Reply {
    if ctx.json {
        return no_permission(ctx);
    }
    Reply::redirect(ctx.config().route_path("/login"))
}

#[get("/tf-validate")]
async fn validate_page(ctx: Ctx<'_>, pending: PendingSignIn) -> Result<Reply, Error> {
    let Some(AwaitingSecondFactor { user, .. }) = pending.awaiting_code() else {
        return Ok(not_pending(&ctx));
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
async fn validate(ctx: Ctx<'_>, pending: PendingSignIn, input: Input) -> Result<Reply, Error> {
    ctx.check_csrf(&input).await?;
    let Some(AwaitingSecondFactor { login, user }) = pending.awaiting_code() else {
        return Ok(not_pending(&ctx));
    };
    let mut form = code_form(&ctx);
    let code = input.text("code");
    let secret = codes::user_secret(ctx.sec, &user);
    let mut sources = Vec::new();
    if let Some(secret) = &secret {
        sources.push(CodeSource::Authenticator(secret));
    }
    sources.push(CodeSource::Mailed(CodePurpose::TwoFactorRescue));
    let valid = match &code {
        None => false,
        Some(code) => codes::check_code(ctx.sec, &user, code, &sources)
            .await?
            .is_some(),
    };
    if !valid {
        form.error("code", INVALID_CODE);
        if ctx.json {
            return ctx.invalid("two_factor_verify_code.html", &form).await;
        }
        return validate_form_page(&ctx, &user, &form).await;
    }
    let method = user
        .tf_primary_method
        .as_deref()
        .and_then(crate::config::TwoFactorMethod::from_exact)
        .map_or(crate::config::SignInMethod::Authenticator, Into::into);
    finish_second_factor(&ctx, &login, &user, method).await
}

// ----- /tf-rescue -----

#[get("/tf-rescue")]
async fn rescue_page(ctx: Ctx<'_>, pending: PendingSignIn) -> Result<Reply, Error> {
    validate_page(ctx, pending).await
}

#[post("/tf-rescue", data = "<input>")]
async fn rescue(ctx: Ctx<'_>, pending: PendingSignIn, input: Input) -> Result<Reply, Error> {
    ctx.check_csrf(&input).await?;
    let Some(AwaitingSecondFactor { user, .. }) = pending.awaiting_code() else {
        return Ok(not_pending(&ctx));
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
            flash = Some(Message::TfCodeSent);
        }
        "email" => {
            let (purpose, validity) = (
                CodePurpose::TwoFactorRescue,
                config.two_factor_mail_validity.as_secs(),
            );
            let code = codes::issue_code(ctx.sec, &user, purpose, validity).await?;
            let mut context = Context::new();
            context.insert("user", &json!({"email": user.email}));
            context.insert("token", &code);
            ctx.sec
                .send_security_mail(
                    Message::SubjectTwoFactor,
                    &user.email,
                    "two_factor_instructions",
                    &context,
                )
                .await?;
            flash = Some(Message::TfCodeSent);
        }
        "help" => {
            if let Some(admin) = &config.two_factor_rescue_mail {
                let mut context = Context::new();
                context.insert("user", &json!({"email": user.email}));
                ctx.sec
                    .send_security_mail(
                        Message::SubjectTwoFactor,
                        admin,
                        "two_factor_rescue",
                        &context,
                    )
                    .await?;
            }
            flash = Some(Message::TfHelpRequested);
        }
        "recovery_code" if options.get("recovery_code").is_some() => {
            if !ctx.json {
                return Ok(Reply::redirect(config.route_path("/mf-recovery")));
            }
        }
        _ => form.error("help_setup", Message::ChooseAnOption),
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
    let mut methods: Vec<String> = ctx
        .config()
        .two_factor_enabled_methods
        .iter()
        .map(|m| m.as_str().to_owned())
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
    pending: PendingSignIn,
    input: Option<&Input>,
) -> Result<Option<(User, Option<PendingLogin>)>, Error> {
    if let Some(user) = ctx.current_user().await? {
        return Ok(Some((user, None)));
    }
    if let Some(AwaitingSecondFactor { login, user }) = pending.awaiting_setup() {
        return Ok(Some((user, Some(login))));
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
    let text = ctx.localizer().await;
    let choices: Vec<Value> = available_methods(ctx, Some(user))
        .into_iter()
        .map(|m| {
            let label = match m.as_str() {
                "authenticator" => text(&Message::TfChoiceAuthenticator),
                "disable" => text(&Message::TfChoiceDisable),
                other => other.to_owned(),
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
async fn setup_page(ctx: Ctx<'_>, pending: PendingSignIn) -> Result<Reply, Error> {
    let Some((user, pending)) = setup_user(&ctx, pending, None).await? else {
        return Err(Error::Unauthenticated);
    };
    if pending.is_none() {
        if let Some(reply) = require_fresh(&ctx).await? {
            return Ok(reply);
        }
    }
    if ctx.json {
        return ctx.ok(setup_json(&ctx, &user)).await;
    }
    setup_form_page(&ctx, &user, &setup_form(&ctx), None).await
}

#[post("/tf-setup", data = "<input>")]
async fn setup(ctx: Ctx<'_>, pending: PendingSignIn, input: Input) -> Result<Reply, Error> {
    let Some((user, pending)) = setup_user(&ctx, pending, Some(&input)).await? else {
        if ctx.json {
            return Ok(no_permission(&ctx));
        }
        return Err(Error::Unauthenticated);
    };
    ctx.check_csrf(&input).await?;
    if pending.is_none() {
        if let Some(reply) = require_fresh(&ctx).await? {
            return Ok(reply);
        }
    }
    let mut form = setup_form(&ctx);
    let choice = input.text("setup").unwrap_or_default();
    form.value("setup", choice.clone());
    if choice == "disable" && user.tf_primary_method.is_some() && pending.is_none() {
        return disable(&ctx, &user).await;
    }
    if choice != "authenticator"
        || !ctx
            .config()
            .two_factor_enabled_methods
            .iter()
            .any(|m| m == "authenticator")
    {
        form.error("setup", Message::TfMethodInvalid);
        if ctx.json {
            return ctx.invalid("two_factor_setup.html", &form).await;
        }
        return setup_form_page(&ctx, &user, &form, None).await;
    }
    start_authenticator(&ctx, &user, &form).await
}

/// Turns the user's second factor off.
async fn disable(ctx: &Ctx<'_>, user: &User) -> Result<Reply, Error> {
    let notice = Some(Notice::TwoFactorDisabled);
    let changed = change_two_factor(ctx, user, None, notice).await?;
    if ctx.json {
        return ctx.ok(setup_json(ctx, &changed)).await;
    }
    ctx.flash("success", Message::TfDisabled).await?;
    Ok(Reply::redirect(ctx.config().route_path("/tf-setup")))
}

/// Makes a new authenticator secret, keeps it in the session until its first code, and shows
/// it with the signed state token of `/tf-setup/<token>`.
async fn start_authenticator(ctx: &Ctx<'_>, user: &User, form: &FormState) -> Result<Reply, Error> {
    let sec = ctx.sec;
    let secret = totp::new_secret();
    let state = crate::token::random_secret();
    let state_token = sec.keys().sign(
        TokenPurpose::SetupState,
        &(user.fs_uniquifier.clone(), state.clone()),
        sec.now(),
    );
    let setup = TwoFactorSetup {
        sealed_secret: sec.secret_box().seal(&secret),
        state,
    };
    Slots::update(ctx.req, |slots| {
        slots.two_factor_setup = Some(setup);
        true
    })
    .await?;
    let details = codes::authenticator_details(ctx, user, &secret);
    if ctx.json {
        let mut response = Map::new();
        response.insert("tf_state".into(), json!("validating_profile"));
        response.insert("tf_method".into(), json!("authenticator"));
        response.insert("tf_primary_method".into(), json!("authenticator"));
        response.insert("tf_state_token".into(), json!(state_token));
        for key in ["key", "b32key", "username", "issuer", "uri"] {
            response.insert(format!("tf_authr_{key}"), details[key].clone());
        }
        return ctx.ok(response).await;
    }
    let mut authr = details;
    authr["action"] = json!(format!(
        "{}/{state_token}",
        ctx.config().route_path("/tf-setup")
    ));
    setup_form_page(ctx, user, form, Some(authr)).await
}

/// The secret being set up, when the session keeps one and `token` is its state for `user`.
async fn secret_in_setup(
    ctx: &Ctx<'_>,
    user: &User,
    token: &str,
) -> Result<Option<Vec<u8>>, Error> {
    let sec = ctx.sec;
    let stored = Slots::read(ctx.req).await?.two_factor_setup;
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
    Ok(match (stored, state) {
        (Some(stored), Some((uniquifier, state)))
            if uniquifier == user.fs_uniquifier
                && crate::token::constant_time_eq(&state, &stored.state) =>
        {
            sec.secret_box().open(&stored.sealed_secret)
        }
        _ => None,
    })
}

#[post("/tf-setup/<token>", data = "<input>")]
async fn setup_validate(
    ctx: Ctx<'_>,
    pending: PendingSignIn,
    token: &str,
    input: Input,
) -> Result<Reply, Error> {
    let Some((user, pending)) = setup_user(&ctx, pending, Some(&input)).await? else {
        if ctx.json {
            return Ok(no_permission(&ctx));
        }
        return Err(Error::Unauthenticated);
    };
    ctx.check_csrf(&input).await?;
    let Some(secret) = secret_in_setup(&ctx, &user, token).await? else {
        if ctx.json {
            return Ok(no_permission(&ctx));
        }
        ctx.flash("error", Message::NoPermissionPage).await?;
        return Ok(Reply::redirect(ctx.config().route_path("/tf-setup")));
    };
    let mut form = code_form(&ctx);
    form.action = format!("{}/{token}", ctx.config().route_path("/tf-setup"));
    let code = input.text("code").unwrap_or_default();
    let source = [CodeSource::Authenticator(&secret)];
    if codes::check_code(ctx.sec, &user, &code, &source)
        .await?
        .is_none()
    {
        form.error("code", INVALID_CODE);
        if ctx.json {
            return ctx.invalid("two_factor_setup.html", &form).await;
        }
        let mut authr = codes::authenticator_details(&ctx, &user, &secret);
        authr["action"] = json!(form.action.clone());
        return setup_form_page(&ctx, &user, &form, Some(authr)).await;
    }
    let changed = save_authenticator(&ctx, &user, &secret).await?;
    if let Some(login) = pending {
        return finish_second_factor(
            &ctx,
            &login,
            &changed,
            crate::config::SignInMethod::Authenticator,
        )
        .await;
    }
    if ctx.json {
        let mut response = Map::new();
        response.insert("tf_method".into(), json!("authenticator"));
        response.insert("tf_primary_method".into(), json!("authenticator"));
        response.insert("tf_phone".into(), Value::Null);
        return ctx.ok(response).await;
    }
    ctx.flash("success", Message::TfChanged).await?;
    Ok(Reply::redirect(ctx.config().route_path("/tf-setup")))
}

/// Stores the authenticator `secret` as the user's second factor and forgets the set-up.
async fn save_authenticator(ctx: &Ctx<'_>, user: &User, secret: &[u8]) -> Result<User, Error> {
    let sealed = ctx.sec.secret_box().seal(secret);
    let notice = user
        .tf_primary_method
        .is_some()
        .then_some(Notice::TwoFactorReplaced);
    let changed = change_two_factor(ctx, user, Some(&sealed), notice).await?;
    Slots::update(ctx.req, |slots| {
        slots.two_factor_setup = None;
        true
    })
    .await?;
    Ok(changed)
}

/// Sets the user's authenticator to the `sealed` secret (`None` turns the second factor off)
/// if the account is unchanged, refreshes the session's user, and tells the user (`notice`)
/// and the application.
async fn change_two_factor(
    ctx: &Ctx<'_>,
    user: &User,
    sealed: Option<&str>,
    notice: Option<Notice<'_>>,
) -> Result<User, Error> {
    let sec = ctx.sec;
    let method = sealed.map(|_| "authenticator");
    let change = UserChange::TwoFactor {
        uniquifier: &user.fs_uniquifier,
        method,
        secret: sealed,
    };
    let changed = sec.datastore().change_user(user.id, change).await?;
    let changed = changed.ok_or_else(|| Error::BadRequest(Message::AccountChanged))?;
    SessionCell::lock(ctx.req)
        .await?
        .refresh_user(changed.clone());
    if let Some(notice) = notice {
        sec.notify(&changed, notice).await;
    }
    sec.emit_from(
        ctx.req,
        SecurityEvent::TwoFactorMethodChanged {
            user: changed.clone(),
            method: method.and_then(crate::config::TwoFactorMethod::from_exact),
        },
    );
    Ok(changed)
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
