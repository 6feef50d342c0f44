//! `/login` and `/logout`.

use rocket::http::Status;
use rocket::{get, post, Route};
use serde_json::{json, Map};

use super::{form_next, Ctx, FormKind, FormState, Input, Reply};
use crate::config::SecurityConfig;
use crate::datastore::{User, UserQuery};
use crate::error::{msg, Error};
use crate::events::SecurityEvent;
use crate::session::logout_user;
use crate::username::find_by_identity;

pub(super) fn routes(config: &SecurityConfig) -> Vec<Route> {
    let mut routes = rocket::routes![login_page, login, logout];
    routes.push(
        if config
            .logout_methods
            .iter()
            .any(|m| m.eq_ignore_ascii_case("GET"))
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
    crate::flows::cancel_pending_login(&ctx).await?;
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
        ctx.flash("error", msg::INVALID_REDIRECT).await?;
    }
    if form.has_errors() {
        return ctx.invalid("login_user.html", &form).await;
    }
    let (email, password) = (email.unwrap_or_default(), password.unwrap_or_default());

    let Some(user) = authenticate_password(&ctx, &email, &password).await? else {
        form.error("", msg::GENERIC_AUTHN_FAILED);
        return ctx.invalid("login_user.html", &form).await;
    };

    super::finish_sign_in(&ctx, &user, remember, next, "password", "password").await
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

/// Checks an e-mail address (or, with usernames on, a username) and password. Every failure — unknown address, wrong password,
/// locked, deactivated or unconfirmed account — returns `None` after the same work (one
/// password verification), so neither the answer nor its timing tells which accounts exist or
/// are locked. Wrong passwords are counted towards the lockout and the client's limit; a
/// client over its limit gets [`Error::TooManyRequests`].
pub(crate) async fn authenticate_password(
    ctx: &Ctx<'_>,
    email: &str,
    password: &str,
) -> Result<Option<User>, Error> {
    let sec = ctx.sec;
    let user = match crate::flows::validate_email(email) {
        Some(email) => sec.datastore().find_user(UserQuery::Email(&email)).await?,
        None => find_by_identity(sec.datastore(), sec.config(), email).await?,
    };
    let mut verified = super::lockout::check_password(ctx, email, user.as_ref(), password).await?;
    let config = sec.config();
    if let Some(user) = &user {
        let unconfirmed =
            config.confirmable && !config.login_without_confirmation && !user.is_confirmed();
        if !user.active || unconfirmed {
            verified = false;
        }
    }
    match user {
        Some(mut user) if verified => {
            if user
                .password
                .as_deref()
                .is_some_and(|h| sec.hasher().needs_update(h))
            {
                let (old, new) = (user.password.clone(), sec.hasher().hash(password).await?);
                let change = crate::datastore::UserChange::Rehash {
                    old: old.as_deref().unwrap_or_default(),
                    new: &new,
                };
                // Only the hash, only if unchanged: a concurrent reset or deactivation stays.
                if sec
                    .datastore()
                    .change_user(user.id, change)
                    .await?
                    .is_some()
                {
                    user.password = Some(new);
                }
            }
            Ok(Some(user))
        }
        user => {
            sec.emit(SecurityEvent::UserFailedAuthn {
                user,
                identity: email.to_owned(),
            });
            Ok(None)
        }
    }
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
