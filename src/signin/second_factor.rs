//! Whether a sign-in needs its second factor, and the cookie that lets a browser skip it for
//! `two_factor_login_validity` after passing it.

use rocket::http::{Cookie, SameSite};
use serde_json::{json, Map, Value};

use super::factor::FirstFactor;
use super::slots::{PendingLogin, Slots};
use crate::context::{Ctx, Reply};
use crate::datastore::{User, WebAuthnUsage};
use crate::error::Error;
use crate::token::TokenPurpose;

/// Cookie of a browser that passed the second factor recently.
const VALIDITY_COOKIE: &str = "tf_validity";

/// Whether this browser carries a valid "second factor passed recently" cookie for `user`.
fn browser_remembered(ctx: &Ctx<'_>, user: &User) -> bool {
    let config = ctx.config();
    if config.two_factor_always_validate {
        return false;
    }
    let Some(cookie) = ctx.req.cookies().get(VALIDITY_COOKIE) else {
        return false;
    };
    ctx.sec
        .keys()
        .verify::<String>(
            TokenPurpose::TwoFactorValidity,
            cookie.value(),
            Some(config.two_factor_login_validity.as_secs()),
            ctx.sec.now(),
        )
        .is_ok_and(|(uniquifier, _)| uniquifier == user.fs_uniquifier)
}

/// Sets the "second factor passed recently" cookie for `user` (unless
/// `two_factor_always_validate`).
pub(crate) fn remember_browser(ctx: &Ctx<'_>, user: &User) {
    let config = ctx.config();
    if config.two_factor_always_validate {
        return;
    }
    let token = ctx.sec.keys().sign(
        TokenPurpose::TwoFactorValidity,
        &user.fs_uniquifier,
        ctx.sec.now(),
    );
    let secure = ctx.sec.cookies_secure(ctx.req);
    let max_age =
        rocket::time::Duration::seconds(config.two_factor_login_validity.as_secs() as i64);
    ctx.req.cookies().add(
        Cookie::build((VALIDITY_COOKIE, token))
            .http_only(true)
            .same_site(SameSite::Lax)
            .path("/")
            .secure(secure)
            .max_age(max_age),
    );
}

/// Whether `user` has a passkey registered as a second factor (and passkeys may be one).
pub(crate) async fn has_passkey_factor(ctx: &Ctx<'_>, user: &User) -> Result<bool, Error> {
    let config = ctx.config();
    if !(config.webauthn && config.wan_multi_factor()) {
        return Ok(false);
    }
    let passkeys = ctx
        .sec
        .datastore()
        .list_webauthn_credentials(user.id)
        .await?;
    Ok(passkeys.iter().any(|p| p.usage == WebAuthnUsage::Secondary))
}

/// Whether `user`, after `factor`, must pass a second factor (`Some(false)`) or set one up
/// (`Some(true)`); `None` means sign in now. Unified sign-in asks only after the methods in
/// `us_mfa_required`; a passkey, which verified its user, never asks.
fn due(ctx: &Ctx<'_>, user: &User, factor: FirstFactor, passkey: bool) -> Option<bool> {
    let config = ctx.config();
    if !config.two_factor || factor == FirstFactor::Passkey {
        return None;
    }
    if let Some(method) = factor.unified_method() {
        if !config.us_mfa_required.iter().any(|m| m == method.as_str()) {
            return None;
        }
    }
    let has_factor = passkey || has_totp(user);
    if has_factor {
        return (!browser_remembered(ctx, user)).then_some(false);
    }
    config.two_factor_required.then_some(true)
}

fn has_totp(user: &User) -> bool {
    user.tf_primary_method.is_some() && user.tf_totp_secret.is_some()
}

/// When the user must pass (or set up) a second factor, keeps the sign-in pending in the
/// session and answers with the two-factor step. `None` means sign in now.
pub(crate) async fn ask(
    ctx: &Ctx<'_>,
    user: &User,
    factor: FirstFactor,
    remember: bool,
    next: Option<&str>,
) -> Result<Option<Reply>, Error> {
    let passkey = has_passkey_factor(ctx, user).await?;
    let Some(setup) = due(ctx, user, factor, passkey) else {
        return Ok(None);
    };
    // Without an authenticator, the passkey is the second factor to ask for.
    let passkey_only = passkey && !has_totp(user);
    let config = ctx.config();
    // Browsers go on to `next`, or (as Flask-Security-Too does) back to the login page, which
    // sends a signed-in user on to `post_login_view`.
    let next = match next {
        Some(next) => Some(next.to_owned()),
        None if !ctx.json && !setup => {
            Some(format!("{}{}", ctx.base_url(), config.route_path("/login")))
        }
        None => None,
    };
    let login = PendingLogin {
        user_id: user.id,
        uniquifier: user.fs_uniquifier.clone(),
        remember,
        next: next.clone(),
        first_factor: factor,
        started: ctx.sec.now().timestamp(),
        setup,
    };
    Slots::update(ctx.req, |slots| {
        slots.pending_login = Some(login);
        true
    })
    .await?;
    if ctx.json {
        let mut response = Map::new();
        response.insert("tf_required".into(), Value::Bool(true));
        if setup {
            response.insert("tf_state".into(), json!("setup_from_login"));
        } else {
            response.insert("tf_state".into(), json!("ready"));
            let method = if passkey_only {
                Some("webauthn")
            } else {
                user.tf_primary_method.as_deref()
            };
            response.insert("tf_method".into(), json!(method));
            response.insert("tf_primary_method".into(), json!(method));
        }
        return Ok(Some(ctx.ok(response).await?));
    }
    if setup {
        return Ok(Some(Reply::redirect(config.route_path("/tf-setup"))));
    }
    let next: String =
        url::form_urlencoded::byte_serialize(next.unwrap_or_default().as_bytes()).collect();
    let step = if passkey_only {
        "/wan-signin"
    } else {
        "/tf-validate"
    };
    Ok(Some(Reply::redirect(format!(
        "{}?next={next}",
        config.route_path(step)
    ))))
}
