//! `/change-email` and `/change-email/<token>`: change the address of the signed-in user,
//! confirmed by a link mailed to the new address.

use rocket::{get, post, Route};
use rocket_dyn_templates::tera::Context;
use serde_json::{json, Map, Value};

use crate::context::{Ctx, Reply};
use crate::datastore::{DatastoreError, User, UserChange, UserQuery};
use crate::error::Error;
use crate::events::SecurityEvent;
use crate::forms::{FormState, Input};
use crate::i18n::Message;
use crate::mail::Notice;
use crate::token::{fingerprint_matches, get_token_status, state_fingerprint, TokenPurpose};

pub(super) fn routes() -> Vec<Route> {
    rocket::routes![change_email_page, change_email, confirm_change_email]
}

fn form(ctx: &Ctx<'_>) -> FormState {
    FormState::new(
        "change_email_form",
        ctx.config().route_path("/change-email"),
    )
}

fn current_email_context(user: &User) -> Context {
    let mut context = Context::new();
    context.insert("current_email", &user.email);
    context
}

#[get("/change-email")]
async fn change_email_page(ctx: Ctx<'_>) -> Result<Reply, Error> {
    let user = ctx.require_user(None).await?;
    if ctx.json {
        let mut response = Map::new();
        response.insert("current_email".into(), Value::String(user.email.clone()));
        response.insert("user".into(), ctx.user_payload(&user));
        return ctx.ok(response).await;
    }
    ctx.page(
        "change_email.html",
        &form(&ctx),
        current_email_context(&user),
    )
    .await
}

#[post("/change-email", data = "<input>")]
async fn change_email(ctx: Ctx<'_>, input: Input) -> Result<Reply, Error> {
    let user = ctx.require_user(Some(&input)).await?;
    ctx.check_csrf(&input).await?;
    if let Some(reply) = crate::signin::fresh::require_fresh(&ctx).await? {
        return Ok(reply);
    }
    let sec = ctx.sec;
    let config = ctx.config();
    let mut form = form(&ctx);
    let new_email = form.email_field(&input, "email");
    if form.has_errors() {
        if ctx.json {
            return ctx.invalid("change_email.html", &form).await;
        }
        return ctx
            .page("change_email.html", &form, current_email_context(&user))
            .await;
    }
    let new_email = new_email.unwrap_or_default();
    // A taken or unchanged address gets the same answer and no mail.
    let unchanged = new_email.to_lowercase() == user.email.to_lowercase();
    let taken = sec
        .datastore()
        .find_user(UserQuery::Email(&new_email))
        .await?
        .is_some();
    if !unchanged && !taken {
        let token = sec.keys().sign(
            TokenPurpose::ChangeEmail,
            // Bound to the current address and password: a change of either voids the link.
            &(
                user.fs_uniquifier.clone(),
                state_fingerprint(sec.keys(), TokenPurpose::ChangeEmail, &user),
                new_email.clone(),
            ),
            sec.now(),
        );
        let mut context = Context::new();
        context.insert("user", &json!({"email": user.email}));
        context.insert("new_email", &new_email);
        context.insert(
            "link",
            &format!(
                "{}{}/{token}",
                ctx.base_url(),
                config.route_path("/change-email")
            ),
        );
        // The new address has no account yet: the mail is in the user's language.
        let lang = sec.user_locale(&user);
        sec.send_mail_in(
            &lang,
            &sec.catalog().message(&lang, &Message::SubjectChangeEmail),
            &new_email,
            "change_email_instructions",
            &context,
        )
        .await?;
    }
    if ctx.json {
        let mut response = Map::new();
        response.insert("current_email".into(), Value::String(user.email.clone()));
        response.insert("user".into(), ctx.user_payload(&user));
        return ctx.ok(response).await;
    }
    ctx.flash("info", Message::ChangeEmailSent { email: new_email })
        .await?;
    ctx.page("change_email.html", &form, current_email_context(&user))
        .await
}

#[get("/change-email/<token>")]
async fn confirm_change_email(ctx: Ctx<'_>, token: &str) -> Result<Reply, Error> {
    let sec = ctx.sec;
    let config = ctx.config();
    let retry = config.route_path("/change-email");
    let status = get_token_status::<(String, String, String)>(
        sec.keys(),
        sec.datastore(),
        TokenPurpose::ChangeEmail,
        token,
        Some(config.change_email_within.as_secs()),
        sec.now(),
    )
    .await?;
    let (user, new_email) = match (status.user, status.data) {
        (Some(user), Some((_, fingerprint, new)))
            if !status.expired
                && fingerprint_matches(
                    sec.keys(),
                    TokenPurpose::ChangeEmail,
                    &user,
                    &fingerprint,
                ) =>
        {
            (user, new)
        }
        (Some(_), Some(_)) if status.expired => {
            let within = config.change_email_within.clone();
            ctx.flash("error", Message::ChangeEmailExpired { within })
                .await?;
            return Ok(Reply::redirect(retry));
        }
        _ => {
            ctx.flash("error", Message::InvalidChangeEmailToken).await?;
            return Ok(Reply::redirect(retry));
        }
    };
    let old_email = user.email.clone();
    // Following the link proves the new address belongs to the user. One conditional write:
    // the address changes only if it still is the one the link was issued for.
    let change = UserChange::Email {
        old: &old_email,
        new: &new_email,
        at: sec.now().naive_utc(),
    };
    let changed = match sec.datastore().change_user(user.id, change).await {
        Ok(Some(user)) => user,
        Ok(None) | Err(DatastoreError::DuplicateUser) => {
            ctx.flash("error", Message::InvalidChangeEmailToken).await?;
            return Ok(Reply::redirect(retry));
        }
        Err(e) => return Err(e.into()),
    };
    let notice = Notice::EmailChanged {
        old_email: &old_email,
    };
    sec.notify(&changed, notice).await;
    sec.emit_from(
        ctx.req,
        SecurityEvent::ChangeEmailConfirmed {
            user: changed,
            old_email,
        },
    );
    ctx.flash("success", Message::ChangeEmailConfirmed).await?;
    Ok(Reply::redirect(config.post_login_view.clone()))
}
