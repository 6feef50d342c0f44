//! One way to finish a first factor, for every entry point (`/login`, `/us-signin`,
//! `/us-verify-link`, `/confirm/<token>`, `/reset/<token>`), and one way to finish the second.

use crate::config::SignInMethod;
use serde_json::{Map, Value};

use super::factor::FirstFactor;
use super::pending;
use super::second_factor;
use super::slots::PendingLogin;
use crate::context::{Ctx, Reply};
use crate::datastore::User;
use crate::error::Error;
use crate::session::login_user_via;

/// After a first factor, for every entry point: asks for the second factor when one is due
/// (or its set-up when required), else signs the user in (tracking, session, event) and
/// answers as the entry point does.
pub(crate) async fn finish_first_factor(
    ctx: &Ctx<'_>,
    user: &User,
    factor: FirstFactor,
    remember: bool,
    next: Option<String>,
) -> Result<Reply, Error> {
    if let Some(reply) = second_factor::ask(ctx, user, factor, remember, next.as_deref()).await? {
        return Ok(reply);
    }
    let user = login_user_via(ctx.req, user, remember, factor.recorded_as()).await?;
    let redirect = || {
        Reply::redirect(
            next.clone()
                .unwrap_or_else(|| ctx.config().post_login_view.clone()),
        )
    };
    let mut response = Map::new();
    match factor {
        FirstFactor::Password | FirstFactor::Unified(_) | FirstFactor::Passkey if ctx.json => {
            response.insert("tf_required".into(), Value::Bool(false));
        }
        FirstFactor::Reset if ctx.json => {}
        // Links opened in a browser.
        _ => return Ok(redirect()),
    }
    response.insert("user".into(), ctx.user_payload(&user));
    ctx.ok(response).await
}

/// Finishes the pending sign-in `login` of `user` after its second factor (`method`): signs
/// in, remembers the browser for `two_factor_login_validity`, and answers with the user
/// (JSON) or a redirect to where the sign-in was going.
pub(crate) async fn finish_second_factor(
    ctx: &Ctx<'_>,
    login: &PendingLogin,
    user: &User,
    method: SignInMethod,
) -> Result<Reply, Error> {
    pending::forget(ctx.req).await?;
    let user = login_user_via(ctx.req, user, login.remember, method).await?;
    second_factor::remember_browser(ctx, &user);
    if ctx.json {
        let mut response = Map::new();
        response.insert("user".into(), ctx.user_payload(&user));
        return ctx.ok(response).await;
    }
    Ok(Reply::redirect(
        login
            .next
            .clone()
            .unwrap_or_else(|| ctx.config().post_login_view.clone()),
    ))
}
