//! `/login` and `/logout`.

use rocket::http::Status;
use rocket::{get, post, Route};
use serde_json::{json, Map};

use crate::auth::authenticate_password;
use crate::config::SecurityConfig;
use crate::context::{form_next, Ctx, Reply};
use crate::error::Error;
use crate::forms::{FormKind, FormState, Input};
use crate::i18n::Message;
use crate::session::logout_user;
use crate::signin::factor::FirstFactor;
use crate::signin::finish::finish_first_factor;

pub(super) fn routes(config: &SecurityConfig) -> Vec<Route> {
    let mut routes = rocket::routes![login_page, login, logout];
    routes.push(
        if config
            .logout_methods
            .contains(&crate::config::LogoutMethod::Get)
        {
            rocket::routes![logout_get].remove(0)
        } else {
            rocket::routes![logout_get_refused].remove(0)
        },
    );
    routes
}

fn login_form(ctx: &Ctx<'_>) -> FormState {
    FormState::new("login_user_form", ctx.config().route_path("/login")).kind(FormKind::Login)
}

#[get("/login")]
async fn login_page(ctx: Ctx<'_>) -> Result<Reply, Error> {
    crate::signin::pending::cancel(ctx.req).await?;
    if let Some(user) = ctx.current_user().await? {
        if ctx.json {
            let mut response = Map::new();
            response.insert(
                "identity_attributes".into(),
                json!(ctx.config().user_identity_attributes),
            );
            response.insert("user".into(), ctx.user_payload(&user));
            return ctx.ok(response).await;
        }
        return Ok(Reply::redirect(ctx.config().post_login_view.clone()));
    }
    if ctx.json {
        let mut response = Map::new();
        response.insert(
            "identity_attributes".into(),
            json!(ctx.config().user_identity_attributes),
        );
        return ctx.ok(response).await;
    }
    let mut form = login_form(&ctx);
    if let Some(next) = ctx.query_next() {
        form.value("next", next);
    }
    ctx.page("login_user.html", &form, Default::default()).await
}

#[post("/login", data = "<input>")]
async fn login(ctx: Ctx<'_>, input: Input) -> Result<Reply, Error> {
    ctx.check_csrf(&input).await?;
    let mut form = login_form(&ctx);
    let field = identity_field(ctx.config(), &input);
    let (email, password, remember) = form.credentials(&input, field, "password");
    let next = form_next(&ctx, &input, &mut form);
    form.check_extra_fields(ctx.sec, &input);
    if form.errors.contains_key("next") {
        ctx.flash("error", Message::InvalidRedirect).await?;
    }
    if form.has_errors() {
        return ctx.invalid("login_user.html", &form).await;
    }
    let (email, password) = (email.unwrap_or_default(), password.unwrap_or_default());

    let Some(user) = authenticate_password(ctx.sec, ctx.req, &email, &password).await? else {
        form.error("", Message::GenericAuthnFailed);
        return ctx.invalid("login_user.html", &form).await;
    };

    finish_first_factor(&ctx, &user, FirstFactor::Password, remember, next).await
}

/// The form field naming the account: `email`, or with usernames on, `identity` (an address
/// or a username) or `username`, whichever the client sent.
pub(crate) fn identity_field(config: &SecurityConfig, input: &Input) -> &'static str {
    if config.signs_in_with_username() {
        for field in ["identity", "username"] {
            if input.text(field).is_some() {
                return field;
            }
        }
        if input.text("email").is_none() {
            return "identity";
        }
    }
    "email"
}

#[post("/logout")]
async fn logout(ctx: Ctx<'_>) -> Result<Reply, Error> {
    logout_user(ctx.req).await?;
    if ctx.json {
        return Ok(ctx.ok_bare(Map::new()));
    }
    Ok(Reply::redirect(ctx.config().post_logout_view.clone()))
}

#[get("/logout")]
async fn logout_get(ctx: Ctx<'_>) -> Result<Reply, Error> {
    logout(ctx).await
}

#[get("/logout")]
fn logout_get_refused() -> Status {
    Status::MethodNotAllowed
}
