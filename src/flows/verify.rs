//! Re-authentication and freshness: `/verify` (password), `/us-verify` and
//! `/us-verify/send-code` (password or a code), and the [`Fresh`] guard.

use rocket::{get, post, Route};
use rocket_dyn_templates::tera::Context;
use serde_json::{json, Map};

use crate::context::{form_next, Ctx, Reply};
use crate::datastore::User;
use crate::error::Error;
use crate::forms::{FormState, Input};
use crate::i18n::Message;
use crate::session::SessionCell;
use crate::signin::credentials;

pub(super) fn routes() -> Vec<Route> {
    rocket::routes![
        verify_page,
        verify,
        us_verify_page,
        us_verify,
        us_verify_send_code
    ]
}

fn verify_form(ctx: &Ctx<'_>) -> FormState {
    FormState::new("verify_form", ctx.config().route_path("/verify"))
}

#[get("/verify")]
async fn verify_page(ctx: Ctx<'_>) -> Result<Reply, Error> {
    ctx.require_user(None).await?;
    if ctx.json {
        return ctx.ok(Map::new()).await;
    }
    let mut form = verify_form(&ctx);
    if let Some(next) = ctx.query_next() {
        form.value("next", next);
    }
    ctx.page("verify.html", &form, Context::new()).await
}

/// Marks the session fresh and answers.
async fn reauthenticated(ctx: &Ctx<'_>, user: &User, next: Option<String>) -> Result<Reply, Error> {
    {
        let mut session = SessionCell::lock(ctx.req).await?;
        session.mark_fresh(ctx.sec.now().naive_utc());
    }
    if ctx.json {
        let mut response = Map::new();
        response.insert("user".into(), ctx.user_payload(user));
        return ctx.ok(response).await;
    }
    Ok(Reply::redirect(
        next.unwrap_or_else(|| ctx.config().post_login_view.clone()),
    ))
}

#[post("/verify", data = "<input>")]
async fn verify(ctx: Ctx<'_>, input: Input) -> Result<Reply, Error> {
    let user = ctx.require_user(Some(&input)).await?;
    ctx.check_csrf(&input).await?;
    let mut form = verify_form(&ctx);
    let next = form_next(&ctx, &input, &mut form);
    crate::signin::credentials::check_current_password(&ctx, &user, &input, &mut form).await?;
    if form.has_errors() {
        return ctx.invalid("verify.html", &form).await;
    }
    reauthenticated(&ctx, &user, next).await
}

fn us_verify_form(ctx: &Ctx<'_>) -> FormState {
    FormState::new("us_verify_form", ctx.config().route_path("/us-verify"))
}

#[get("/us-verify")]
async fn us_verify_page(ctx: Ctx<'_>) -> Result<Reply, Error> {
    let user = ctx.require_user(None).await?;
    if ctx.json {
        let mut response = Map::new();
        response.insert(
            "available_methods".into(),
            json!(credentials::active_methods(&ctx, &user)),
        );
        response.insert(
            "code_methods".into(),
            json!(credentials::code_methods(&ctx)),
        );
        return ctx.ok(response).await;
    }
    let mut form = us_verify_form(&ctx);
    if let Some(next) = ctx.query_next() {
        form.value("next", next);
    }
    ctx.page("us_verify.html", &form, Context::new()).await
}

#[post("/us-verify", data = "<input>")]
async fn us_verify(ctx: Ctx<'_>, input: Input) -> Result<Reply, Error> {
    let user = ctx.require_user(Some(&input)).await?;
    ctx.check_csrf(&input).await?;
    let mut form = us_verify_form(&ctx);
    let next = form_next(&ctx, &input, &mut form);
    let passcode = input.text("passcode").unwrap_or_default();
    if credentials::check_passcode(&ctx, &user.email, Some(&user), &passcode)
        .await?
        .is_none()
    {
        form.error("passcode", credentials::INVALID_PASSCODE);
    }
    if form.has_errors() {
        return ctx.invalid("us_verify.html", &form).await;
    }
    reauthenticated(&ctx, &user, next).await
}

#[post("/us-verify/send-code", data = "<input>")]
async fn us_verify_send_code(ctx: Ctx<'_>, input: Input) -> Result<Reply, Error> {
    let user = ctx.require_user(Some(&input)).await?;
    ctx.check_csrf(&input).await?;
    if credentials::email_set_up(&user) {
        credentials::send_sign_in_code(&ctx, &user, false).await?;
    }
    if ctx.json {
        return ctx.ok(Map::new()).await;
    }
    ctx.flash("info", Message::CodeSent).await?;
    let mut form = us_verify_form(&ctx);
    if let Some(next) = input.text("next") {
        form.value("next", next);
    }
    ctx.page("us_verify.html", &form, Context::new()).await
}
