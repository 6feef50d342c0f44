//! `/reset` and `/reset/<token>`: forgotten passwords.

use rocket::http::Status;
use rocket::{get, post, Route};
use rocket_dyn_templates::tera::Context;
use serde_json::{json, Map};

use crate::context::{Ctx, Reply};
use crate::datastore::{User, UserChange, UserQuery};
use crate::error::Error;
use crate::events::SecurityEvent;
use crate::forms::check_new_password;
use crate::forms::{validate_email, FormKind, FormState, Input};
use crate::i18n::Message;
use crate::links::{reset_link, reset_token};
use crate::mail::MailKind;
use crate::responses::envelope;
use crate::signin::factor::FirstFactor;
use crate::signin::finish::finish_first_factor;
use crate::token::{fingerprint_matches, get_token_status, TokenPurpose};

const INVALID_TOKEN: Message = Message::InvalidResetToken;

pub(super) fn routes() -> Vec<Route> {
    rocket::routes![
        forgot_password_page,
        forgot_password,
        reset_password_page,
        reset_password
    ]
}

fn forgot_form(ctx: &Ctx<'_>) -> FormState {
    FormState::new("forgot_password_form", ctx.config().route_path("/reset"))
        .kind(FormKind::ForgotPassword)
}

#[get("/reset")]
async fn forgot_password_page(ctx: Ctx<'_>) -> Result<Reply, Error> {
    if ctx.json {
        return ctx.ok(Map::new()).await;
    }
    ctx.page("forgot_password.html", &forgot_form(&ctx), Context::new())
        .await
}

#[post("/reset", data = "<input>")]
async fn forgot_password(ctx: Ctx<'_>, input: Input) -> Result<Reply, Error> {
    ctx.check_csrf(&input).await?;
    let config = ctx.config();
    let mut form = forgot_form(&ctx);
    let raw = input.text("email");
    form.value("email", raw.clone().unwrap_or_default());
    if raw.is_none() {
        form.error("email", Message::EmailNotProvided);
    }
    form.check_extra_fields(ctx.sec, &input);
    if form.has_errors() {
        return ctx.invalid("forgot_password.html", &form).await;
    }
    let raw = raw.unwrap_or_default();
    // Unknown, malformed, unconfirmed and deactivated addresses get the same answer, no mail.
    let user = match validate_email(&raw) {
        Some(email) => {
            ctx.sec
                .datastore()
                .find_user(UserQuery::Email(&email))
                .await?
        }
        None if !config.return_generic_responses => {
            form.error("email", Message::InvalidEmail);
            return ctx.invalid("forgot_password.html", &form).await;
        }
        None => None,
    };
    let user = user.filter(|u| u.may_receive_mail(config.confirmable));
    let user = ctx.sec.mail_recipient(MailKind::Reset, user).await?;
    if let Some(user) = user {
        let token = reset_token(ctx.sec, &user);
        let mut context = Context::new();
        context.insert("user", &json!({"email": user.email}));
        context.insert("reset_link", &reset_link(&ctx, &token));
        ctx.sec
            .send_security_mail(
                Message::SubjectPasswordReset,
                &user.email,
                "reset_instructions",
                &context,
            )
            .await?;
        ctx.sec
            .emit(SecurityEvent::ResetPasswordInstructionsSent { user, token });
    }
    if ctx.json {
        return ctx.ok(Map::new()).await;
    }
    ctx.flash("info", Message::ResetInstructionsSent { email: raw })
        .await?;
    ctx.page("forgot_password.html", &form, Context::new())
        .await
}

/// The user of a valid reset token, or the message saying why it is not.
async fn check_token(ctx: &Ctx<'_>, token: &str) -> Result<Result<User, Message>, Error> {
    let sec = ctx.sec;
    let within = &ctx.config().reset_password_within;
    let status = get_token_status::<(String, String)>(
        sec.keys(),
        sec.datastore(),
        TokenPurpose::Reset,
        token,
        Some(within.as_secs()),
        sec.now(),
    )
    .await?;
    let user = match (status.user, status.data) {
        (Some(user), Some((_, fingerprint)))
            if fingerprint_matches(sec.keys(), TokenPurpose::Reset, &user, &fingerprint) =>
        {
            user
        }
        _ => return Ok(Err(INVALID_TOKEN)),
    };
    if status.expired {
        let within = within.clone();
        return Ok(Err(Message::PasswordResetExpired { within }));
    }
    if !user.active {
        return Ok(Err(INVALID_TOKEN));
    }
    Ok(Ok(user))
}

fn reset_form(ctx: &Ctx<'_>, token: &str) -> FormState {
    FormState::new(
        "reset_password_form",
        format!("{}/{token}", ctx.config().route_path("/reset")),
    )
    .kind(FormKind::ResetPassword)
}

#[get("/reset/<token>")]
async fn reset_password_page(ctx: Ctx<'_>, token: &str) -> Result<Reply, Error> {
    match check_token(&ctx, token).await? {
        // The form is a page in both modes: the link is opened in a browser.
        Ok(_) => {
            let html_ctx = Ctx { json: false, ..ctx };
            html_ctx
                .page(
                    "reset_password.html",
                    &reset_form(&html_ctx, token),
                    Context::new(),
                )
                .await
        }
        Err(message) => {
            let flash_ctx = Ctx { json: false, ..ctx };
            flash_ctx.flash("error", message).await?;
            Ok(Reply::redirect(flash_ctx.config().route_path("/reset")))
        }
    }
}

/// The answer to a reset with an unusable token.
async fn refused(ctx: &Ctx<'_>, message: Message) -> Result<Reply, Error> {
    if ctx.json {
        let text = ctx.text(&message).await;
        let mut response = Map::new();
        response.insert("errors".into(), json!([text]));
        response.insert("field_errors".into(), json!({"": [text]}));
        return Ok(Reply::Json(
            Status::BadRequest,
            envelope(Status::BadRequest, response),
        ));
    }
    ctx.flash("error", message).await?;
    Ok(Reply::redirect(ctx.config().route_path("/reset")))
}

/// Sets the new password if the password is still the one the token was issued for: one
/// conditional write, so of concurrent uses of one link exactly one succeeds (`None` for the
/// others). Every session, remember-me token, auth token and mailed link of the user ends.
///
/// Following the link proves the address belongs to whoever reset. When the application let
/// someone use the account without proving it (no confirmation required, or sign-in allowed
/// before it, or never confirmed), whatever they may have set up goes too — sign-in methods,
/// second factor, recovery codes, outstanding codes — so a pre-registered account cannot be
/// hijacked.
async fn use_token(ctx: &Ctx<'_>, user: &User, password: &str) -> Result<Option<User>, Error> {
    let config = ctx.config();
    let wipe = !config.confirmable || config.login_without_confirmation || !user.is_confirmed();
    let hash = ctx.sec.hasher().hash(password).await?;
    let change = UserChange::Password {
        old: user.password.as_deref(),
        new: &hash,
        keep: &[],
        wipe,
    };
    Ok(ctx.sec.datastore().change_user(user.id, change).await?)
}

#[post("/reset/<token>", data = "<input>")]
async fn reset_password(ctx: Ctx<'_>, token: &str, input: Input) -> Result<Reply, Error> {
    ctx.check_csrf(&input).await?;
    let config = ctx.config();
    let user = match check_token(&ctx, token).await? {
        Ok(user) => user,
        Err(message) => return refused(&ctx, message).await,
    };
    let mut form = reset_form(&ctx, token);
    let password = check_new_password(
        config,
        &mut form,
        &input,
        ("password", "password_confirm"),
        &[&user.email],
    );
    form.check_extra_fields(ctx.sec, &input);
    if form.has_errors() {
        return ctx.invalid("reset_password.html", &form).await;
    }
    let Some(user) = use_token(&ctx, &user, &password.unwrap_or_default()).await? else {
        return refused(&ctx, INVALID_TOKEN).await;
    };
    crate::auth::lockout::unlock(ctx.sec, &user.email).await?;
    if config.send_password_reset_notice_email {
        let mut context = Context::new();
        context.insert("user", &json!({"email": user.email}));
        ctx.sec
            .send_security_mail(
                Message::SubjectPasswordNotice,
                &user.email,
                "reset_notice",
                &context,
            )
            .await?;
    }
    ctx.sec
        .emit_from(ctx.req, SecurityEvent::PasswordReset { user: user.clone() });
    if config.auto_login_after_reset {
        return finish_first_factor(&ctx, &user, FirstFactor::Reset, false, None).await;
    }
    if ctx.json {
        return Ok(ctx.ok_bare(Map::new()));
    }
    ctx.flash("success", Message::PasswordReset).await?;
    Ok(Reply::redirect(config.route_path("/login")))
}
