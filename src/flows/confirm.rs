//! `/confirm` and `/confirm/<token>`: e-mail confirmation.

use rocket::{get, post, Route};
use rocket_dyn_templates::tera::Context;
use serde_json::{json, Map};

use crate::context::{Ctx, Reply};
use crate::datastore::{UserChange, UserQuery};
use crate::error::Error;
use crate::events::SecurityEvent;
use crate::forms::{FormKind, FormState, Input};
use crate::i18n::Message;
use crate::links::{confirmation_link, confirmation_token};
use crate::mail::MailKind;
use crate::signin::factor::FirstFactor;
use crate::signin::finish::finish_first_factor;
use crate::token::{fingerprint_matches, get_token_status, TokenPurpose};

pub(super) fn routes() -> Vec<Route> {
    rocket::routes![
        send_confirmation_page,
        send_confirmation,
        confirm_email,
        confirm_email_post
    ]
}

fn form(ctx: &Ctx<'_>) -> FormState {
    FormState::new(
        "send_confirmation_form",
        ctx.config().route_path("/confirm"),
    )
    .kind(FormKind::SendConfirmation)
}

#[get("/confirm")]
async fn send_confirmation_page(ctx: Ctx<'_>) -> Result<Reply, Error> {
    if ctx.json {
        return ctx.ok(Map::new()).await;
    }
    ctx.page("send_confirmation.html", &form(&ctx), Context::new())
        .await
}

#[post("/confirm", data = "<input>")]
async fn send_confirmation(ctx: Ctx<'_>, input: Input) -> Result<Reply, Error> {
    ctx.check_csrf(&input).await?;
    let mut form = form(&ctx);
    let email = form.email_field(&input, "email");
    form.check_extra_fields(ctx.sec, &input);
    if form.has_errors() {
        return ctx.invalid("send_confirmation.html", &form).await;
    }
    let email = email.unwrap_or_default();
    let user = ctx
        .sec
        .datastore()
        .find_user(UserQuery::Email(&email))
        .await?;
    // Only an existing, unconfirmed account gets mail; the answer is the same for everyone.
    let user = user.filter(|u| !u.is_confirmed());
    let user = ctx.sec.mail_recipient(MailKind::Confirm, user).await?;
    if let Some(user) = user {
        let token = confirmation_token(ctx.sec, &user);
        let mut context = Context::new();
        context.insert("user", &json!({"email": user.email}));
        context.insert("confirmation_link", &confirmation_link(&ctx, &token));
        ctx.sec
            .send_security_mail(
                Message::SubjectConfirm,
                &user.email,
                "confirmation_instructions",
                &context,
            )
            .await?;
        ctx.sec
            .emit(SecurityEvent::ConfirmInstructionsSent { user, token });
    }
    if ctx.json {
        return ctx.ok(Map::new()).await;
    }
    ctx.flash("info", Message::ConfirmationSent { email })
        .await?;
    ctx.page("send_confirmation.html", &form, Context::new())
        .await
}

#[get("/confirm/<token>")]
async fn confirm_email(ctx: Ctx<'_>, token: &str) -> Result<Reply, Error> {
    let sec = ctx.sec;
    let config = ctx.config();
    let within = &config.confirm_email_within;
    let status = get_token_status::<(String, String)>(
        sec.keys(),
        sec.datastore(),
        TokenPurpose::Confirm,
        token,
        Some(within.as_secs()),
        sec.now(),
    )
    .await?;
    let retry = config.route_path("/confirm");
    let user = match (status.user, status.data) {
        (Some(user), Some((_, fingerprint)))
            if fingerprint_matches(sec.keys(), TokenPurpose::Confirm, &user, &fingerprint) =>
        {
            user
        }
        _ => {
            ctx.flash("error", Message::InvalidConfirmationToken)
                .await?;
            return Ok(Reply::redirect(retry));
        }
    };
    if user.is_confirmed() {
        ctx.flash("info", Message::AlreadyConfirmed).await?;
        return Ok(Reply::redirect(retry));
    }
    if status.expired {
        let within = within.clone();
        ctx.flash("error", Message::ConfirmationExpired { within })
            .await?;
        return Ok(Reply::redirect(retry));
    }
    // One conditional write: of concurrent uses of the link, one confirms.
    let change = UserChange::Confirm {
        email: &user.email,
        at: sec.now().naive_utc(),
    };
    let Some(confirmed) = sec.datastore().change_user(user.id, change).await? else {
        ctx.flash("info", Message::AlreadyConfirmed).await?;
        return Ok(Reply::redirect(retry));
    };
    sec.emit(SecurityEvent::UserConfirmed {
        user: confirmed.clone(),
    });
    ctx.flash("success", Message::EmailConfirmed).await?;
    if config.auto_login_after_confirm && confirmed.active {
        return finish_first_factor(&ctx, &confirmed, FirstFactor::Confirm, false, None).await;
    }
    Ok(Reply::redirect(config.route_path("/login")))
}

/// Some mail clients follow links with POST; it confirms the same way.
#[post("/confirm/<token>")]
async fn confirm_email_post(ctx: Ctx<'_>, token: &str) -> Result<Reply, Error> {
    confirm_email(ctx, token).await
}
