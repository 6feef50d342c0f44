//! `/change-username` (a signed-in, fresh user picks a new username) and `/recover-username`
//! (the username is mailed to the account's address), as Flask-Security-Too 5.6 has them.

use rocket::{get, post, Route};
use rocket_dyn_templates::tera::Context;
use serde_json::{json, Map, Value};

use crate::config::SecurityConfig;
use crate::context::{Ctx, Reply};
use crate::datastore::{DatastoreError, User, UserChange, UserQuery};
use crate::error::Error;
use crate::events::SecurityEvent;
use crate::forms::{FormState, Input};
use crate::i18n::Message;
use crate::mail::{MailKind, Notice};
use crate::username::{validate_username, UsernameError};

const CHANGED: Message = Message::UsernameChanged;
const RECOVERY_SENT: Message = Message::UsernameRecoverySent;

/// The routes `config` turns on.
pub(super) fn routes(config: &SecurityConfig) -> Vec<Route> {
    let mut routes = Vec::new();
    if config.change_username {
        routes.extend(rocket::routes![change_username_page, change_username]);
    }
    if config.username_recovery {
        routes.extend(rocket::routes![recover_username_page, recover_username]);
    }
    routes
}

fn change_form(ctx: &Ctx<'_>) -> FormState {
    FormState::new(
        "change_username_form",
        ctx.config().route_path("/change-username"),
    )
}

fn current(user: &User) -> Context {
    let mut context = Context::new();
    context.insert("current_username", &user.username);
    context
}

async fn answer_change(ctx: &Ctx<'_>, user: &User, form: &FormState) -> Result<Reply, Error> {
    if ctx.json {
        let mut response = Map::new();
        response.insert("current_username".into(), json!(user.username));
        response.insert("user".into(), ctx.user_payload(user));
        return ctx.ok(response).await;
    }
    ctx.page("change_username.html", form, current(user)).await
}

#[get("/change-username")]
async fn change_username_page(ctx: Ctx<'_>) -> Result<Reply, Error> {
    let user = ctx.require_user(None).await?;
    answer_change(&ctx, &user, &change_form(&ctx)).await
}

#[post("/change-username", data = "<input>")]
async fn change_username(ctx: Ctx<'_>, input: Input) -> Result<Reply, Error> {
    let user = ctx.require_user(Some(&input)).await?;
    ctx.check_csrf(&input).await?;
    if let Some(reply) = crate::signin::fresh::require_fresh(&ctx).await? {
        return Ok(reply);
    }
    let sec = ctx.sec;
    let mut form = change_form(&ctx);
    let raw = input.text("username").unwrap_or_default();
    form.value("username", raw.clone());
    let new = match validate_username(sec.config(), &raw) {
        Ok(new) => new,
        Err(error) => {
            form.error("username", error);
            return invalid_change(&ctx, &user, &form).await;
        }
    };
    let change = UserChange::Username {
        old: user.username.as_deref(),
        new: &new,
    };
    let changed = match sec.datastore().change_user(user.id, change).await {
        Ok(Some(changed)) => changed,
        Ok(None) => {
            // Changed meanwhile by another request: show the form again with what is stored.
            form.error("username", Message::UsernameChangedMeanwhile);
            return invalid_change(&ctx, &user, &form).await;
        }
        Err(DatastoreError::DuplicateUser) => {
            form.error("username", UsernameError::Taken(new));
            return invalid_change(&ctx, &user, &form).await;
        }
        Err(e) => return Err(e.into()),
    };
    if sec.config().send_username_change_email {
        let notice = Notice::UsernameChanged {
            old_username: user.username.as_deref(),
        };
        sec.notify(&changed, notice).await;
    }
    sec.emit_from(
        ctx.req,
        SecurityEvent::UsernameChanged {
            user: changed.clone(),
            old_username: user.username.clone(),
        },
    );
    if ctx.json {
        return answer_change(&ctx, &changed, &form).await;
    }
    ctx.flash("success", CHANGED).await?;
    Ok(Reply::redirect(sec.config().post_login_view.clone()))
}

async fn invalid_change(ctx: &Ctx<'_>, user: &User, form: &FormState) -> Result<Reply, Error> {
    if ctx.json {
        return ctx.invalid("change_username.html", form).await;
    }
    ctx.page("change_username.html", form, current(user)).await
}

fn recover_form(ctx: &Ctx<'_>) -> FormState {
    FormState::new(
        "username_recovery_form",
        ctx.config().route_path("/recover-username"),
    )
}

#[get("/recover-username")]
async fn recover_username_page(ctx: Ctx<'_>) -> Result<Reply, Error> {
    if ctx.json {
        return ctx.ok(Map::new()).await;
    }
    ctx.page("recover_username.html", &recover_form(&ctx), Context::new())
        .await
}

#[post("/recover-username", data = "<input>")]
async fn recover_username(ctx: Ctx<'_>, input: Input) -> Result<Reply, Error> {
    ctx.check_csrf(&input).await?;
    let sec = ctx.sec;
    let config = sec.config();
    let mut form = recover_form(&ctx);
    let email = input.text("email");
    form.value("email", email.clone().unwrap_or_default());
    let Some(email) = email else {
        form.error("email", Message::EmailNotProvided);
        return ctx.invalid("recover_username.html", &form).await;
    };
    // Unknown addresses, accounts without a username, deactivated and unconfirmed accounts,
    // and addresses over the mail limit all get the same answer; only a real owner gets mail.
    let user = match crate::auth::validate_email(&email) {
        Some(email) => sec.datastore().find_user(UserQuery::Email(&email)).await?,
        None => None,
    };
    let user = user.filter(|u| u.username.is_some() && u.may_receive_mail(config.confirmable));
    if let Some(user) = sec.mail_recipient(MailKind::UsernameRecovery, user).await? {
        let mut context = Context::new();
        context.insert("user", &json!({"email": user.email}));
        context.insert("username", &user.username);
        sec.send_security_mail(
            Message::SubjectUsernameRecovery,
            &user.email,
            "username_recovery",
            &context,
        )
        .await?;
        sec.emit(SecurityEvent::UsernameRecoveryEmailSent { user });
    }
    if ctx.json {
        return ctx.ok(Map::<String, Value>::new()).await;
    }
    ctx.flash("info", RECOVERY_SENT).await?;
    Ok(Reply::redirect(config.route_path("/login")))
}
