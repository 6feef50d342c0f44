//! `/change`: change the password of the signed-in user.

use rocket::{get, post, Route};
use rocket_dyn_templates::tera::Context;
use serde_json::{json, Map, Value};

use crate::context::{Ctx, Reply};
use crate::error::Error;
use crate::events::SecurityEvent;
use crate::forms::check_new_password;
use crate::forms::{FormKind, FormState, Input};
use crate::i18n::Message;
use crate::session::SessionCell;

pub(super) fn routes() -> Vec<Route> {
    rocket::routes![change_password_page, change_password]
}

fn form(ctx: &Ctx<'_>) -> FormState {
    FormState::new("change_password_form", ctx.config().route_path("/change"))
        .kind(FormKind::ChangePassword)
}

#[get("/change")]
async fn change_password_page(ctx: Ctx<'_>) -> Result<Reply, Error> {
    let user = ctx.require_user(None).await?;
    if ctx.json {
        let mut response = Map::new();
        response.insert(
            "active_password".into(),
            Value::Bool(user.password.is_some()),
        );
        response.insert("user".into(), ctx.user_payload(&user));
        return ctx.ok(response).await;
    }
    ctx.page("change_password.html", &form(&ctx), Context::new())
        .await
}

#[post("/change", data = "<input>")]
async fn change_password(ctx: Ctx<'_>, input: Input) -> Result<Reply, Error> {
    let user = ctx.require_user(Some(&input)).await?;
    ctx.check_csrf(&input).await?;
    if let Some(reply) = crate::signin::fresh::require_fresh(&ctx).await? {
        return Ok(reply);
    }
    let config = ctx.config();
    let sec = ctx.sec;
    let mut form = form(&ctx);
    let new_password = check_new_password(
        config,
        &mut form,
        &input,
        ("new_password", "new_password_confirm"),
        &[&user.email],
    );
    form.check_extra_fields(sec, &input);
    let current =
        crate::signin::credentials::check_current_password(&ctx, &user, &input, &mut form).await?;
    if current.is_some() && current == new_password {
        form.error("password", Message::PasswordIsTheSame);
    }
    if form.has_errors() {
        return ctx.invalid("change_password.html", &form).await;
    }

    // This session (and its remember-me token) stay; every other session and token ends.
    let keep: Vec<String> = {
        let session = SessionCell::lock(ctx.req).await?;
        session
            .id_hash()
            .into_iter()
            .chain(session.remember_hash())
            .map(str::to_owned)
            .collect()
    };
    let keep: Vec<&str> = keep.iter().map(String::as_str).collect();
    let user = sec
        .set_password(&user, &new_password.unwrap_or_default(), &keep)
        .await?;
    SessionCell::lock(ctx.req)
        .await?
        .password_changed(user.clone());
    if config.send_password_change_email {
        let mut context = Context::new();
        context.insert("user", &json!({"email": user.email}));
        context.insert(
            "reset_link",
            &format!("{}{}", ctx.base_url(), config.route_path("/reset")),
        );
        sec.send_security_mail(
            Message::SubjectPasswordChangeNotice,
            &user.email,
            "change_notice",
            &context,
        )
        .await?;
    }
    sec.emit_from(
        ctx.req,
        SecurityEvent::PasswordChanged { user: user.clone() },
    );
    if ctx.json {
        let mut response = Map::new();
        response.insert("user".into(), ctx.user_payload(&user));
        return ctx.ok(response).await;
    }
    ctx.flash("success", Message::PasswordChanged).await?;
    Ok(Reply::redirect(config.post_login_view.clone()))
}
