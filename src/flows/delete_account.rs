//! `/delete-account`: a user deletes their own account (setting `deletable`).
//!
//! The request needs a fresh sign-in (`/verify` with the password, or `/us-verify` with a code)
//! and, when the account has a password, that password again in the form. The account goes
//! with everything tied to it — sessions and remember-me tokens, one-time codes, sign-in
//! methods, role grants, security activity and mail not sent yet — its API tokens and links
//! stop working, the browser is signed out, a goodbye mail goes to the address, and
//! [`SecurityEvent::AccountDeleted`] fires.

use rocket::{get, post, Route};
use rocket_dyn_templates::tera::Context;
use serde_json::Map;

use crate::context::{Ctx, Reply};
use crate::datastore::DatastoreError;
use crate::error::Error;
use crate::events::SecurityEvent;
use crate::forms::{FormState, Input};
use crate::i18n::Message;
use crate::mail::Notice;
use crate::session::logout_user;

const DELETED: Message = Message::AccountDeleted;

pub(super) fn routes() -> Vec<Route> {
    rocket::routes![delete_account_page, delete_account]
}

fn form(ctx: &Ctx<'_>) -> FormState {
    FormState::new(
        "delete_account_form",
        ctx.config().route_path("/delete-account"),
    )
}

fn page_context(has_password: bool) -> Context {
    let mut context = Context::new();
    context.insert("has_password", &has_password);
    context
}

#[get("/delete-account")]
async fn delete_account_page(ctx: Ctx<'_>) -> Result<Reply, Error> {
    let user = ctx.require_user(None).await?;
    if ctx.json {
        let mut response = Map::new();
        response.insert("user".into(), ctx.user_payload(&user));
        return ctx.ok(response).await;
    }
    let context = page_context(user.password.is_some());
    ctx.page("delete_account.html", &form(&ctx), context).await
}

#[post("/delete-account", data = "<input>")]
async fn delete_account(ctx: Ctx<'_>, input: Input) -> Result<Reply, Error> {
    let user = ctx.require_user(Some(&input)).await?;
    ctx.check_csrf(&input).await?;
    if let Some(reply) = crate::signin::fresh::require_fresh(&ctx).await? {
        return Ok(reply);
    }
    let sec = ctx.sec;
    let mut form = form(&ctx);
    // The password again (counted towards the lockout like every password), so a browser left
    // signed in cannot be used to delete the account within the freshness window.
    if user.password.is_some()
        && crate::signin::credentials::check_current_password(&ctx, &user, &input, &mut form)
            .await?
            .is_none()
    {
        if ctx.json {
            return ctx.invalid("delete_account.html", &form).await;
        }
        return ctx
            .page("delete_account.html", &form, page_context(true))
            .await;
    }
    match sec.datastore().delete_user(&user).await {
        // Deleted by a concurrent request: the outcome is the same.
        Ok(()) | Err(DatastoreError::UserNotFound) => {}
        Err(e) => return Err(e.into()),
    }
    logout_user(ctx.req).await?;
    // Queued after the deletion, which drops the mail not sent yet to this address.
    sec.notify(&user, Notice::AccountDeleted).await;
    sec.emit_from(ctx.req, SecurityEvent::AccountDeleted { user });
    if ctx.json {
        return Ok(ctx.ok_bare(Map::new()));
    }
    ctx.flash("info", DELETED).await?;
    Ok(Reply::redirect(sec.config().post_logout_view.clone()))
}
