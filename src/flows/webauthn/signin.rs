//! Passkey sign-in (`/wan-signin`: on its own with a discoverable passkey, or as the second
//! factor of a pending sign-in) and re-authentication (`/wan-verify`).

use rocket::{get, post, Route};
use rocket_dyn_templates::tera::Context;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use webauthn_rs::prelude::{Passkey, PublicKeyCredential, RequestChallengeResponse};

use super::ceremony::{
    check_assertion, credential_key, keep_state, parse_credential, refuse, relying_party,
    stored_passkey, take_state, Assertion, PASSKEY_REFUSED, STATE_INVALID,
};
use super::not_allowed;
use crate::auth::lockout::{client_allowed, client_failed};
use crate::config::{SecurityConfig, SignInMethod};
use crate::context::{anonymous_only, form_next, Ctx, Reply};
use crate::datastore::{User, UserQuery, WebAuthnCeremony, WebAuthnCredential, WebAuthnUsage};
use crate::error::Error;
use crate::forms::{FormState, Input};
use crate::i18n::Message;
use crate::session::SessionCell;
use crate::signin::factor::FirstFactor;
use crate::signin::finish::{finish_first_factor, finish_second_factor};
use crate::signin::pending::{AwaitingSecondFactor, PendingSignIn};

pub(super) fn routes(config: &SecurityConfig) -> Vec<Route> {
    let mut routes = rocket::routes![signin_page, signin_start, signin_finish];
    if config.wan_allow_as_verify {
        routes.extend(rocket::routes![verify_page, verify_start, verify_finish]);
    }
    routes
}

/// A sign-in or verification in progress.
#[derive(Serialize, Deserialize)]
struct SignIn {
    assertion: Assertion,
    remember: bool,
    next: Option<String>,
}

fn signin_form(ctx: &Ctx<'_>) -> FormState {
    FormState::new("wan_signin_form", ctx.config().route_path("/wan-signin"))
}

/// Whether this request may use `/wan-signin`: as the second factor of `pending`, or on its
/// own when passkeys may be a first factor.
fn signin_allowed(ctx: &Ctx<'_>, pending: &Option<AwaitingSecondFactor>) -> bool {
    match pending {
        Some(_) => ctx.config().wan_multi_factor(),
        None => ctx.config().wan_allow_as_first_factor,
    }
}

/// The options and state of a ceremony, answered as JSON or as the page running it.
struct Started<'a> {
    template: &'a str,
    form: FormState,
    options: RequestChallengeResponse,
    token: String,
    action: String,
    extra: Map<String, Value>,
}

async fn started(ctx: &Ctx<'_>, started: Started<'_>) -> Result<Reply, Error> {
    let credential_options = json!(started.options.public_key);
    if ctx.json {
        let mut response = started.extra;
        response.insert("credential_options".into(), credential_options);
        response.insert("wan_state".into(), json!(started.token));
        return ctx.ok(response).await;
    }
    let mut extra = Context::from_serialize(&started.extra).unwrap_or_default();
    extra.insert("credential_options", &credential_options.to_string());
    extra.insert("wan_state", &started.token);
    extra.insert("response_action", &started.action);
    ctx.page(started.template, &started.form, extra).await
}

#[get("/wan-signin")]
async fn signin_page(ctx: Ctx<'_>, pending: PendingSignIn) -> Result<Reply, Error> {
    let pending = pending.awaiting_code();
    if pending.is_none() {
        if let Some(reply) = anonymous_only(&ctx).await? {
            return Ok(reply);
        }
    }
    if !signin_allowed(&ctx, &pending) {
        return Ok(not_allowed(&ctx));
    }
    let is_secondary = pending.is_some();
    if ctx.json {
        let mut response = Map::new();
        response.insert("is_secondary".into(), json!(is_secondary));
        return ctx.ok(response).await;
    }
    let mut form = signin_form(&ctx);
    if let Some(next) = ctx.query_next() {
        form.value("next", next);
    }
    let mut extra = Context::new();
    extra.insert("is_secondary", &is_secondary);
    ctx.page("wan_signin.html", &form, extra).await
}

/// The user's passkeys usable with `usage` (any usage when `None`).
async fn usable_passkeys(
    ctx: &Ctx<'_>,
    user: &User,
    usage: Option<WebAuthnUsage>,
) -> Result<Vec<Passkey>, Error> {
    let stored = ctx
        .sec
        .datastore()
        .list_webauthn_credentials(user.id)
        .await?;
    Ok(stored
        .iter()
        .filter(|p| usage.is_none_or(|usage| p.usage == usage))
        .filter_map(stored_passkey)
        .collect())
}

/// Starts an assertion for `keys` (or, with none given, for any discoverable passkey).
fn start_assertion(
    ctx: &Ctx<'_>,
    keys: Option<&[Passkey]>,
) -> Result<(RequestChallengeResponse, Assertion), Error> {
    let rp = relying_party(ctx)?;
    let started = match keys {
        Some(keys) => rp
            .start_passkey_authentication(keys)
            .map(|(options, state)| (options, Assertion::Known(state))),
        None => rp
            .start_discoverable_authentication()
            .map(|(options, state)| (options, Assertion::Discoverable(state))),
    };
    started.map_err(|e| {
        tracing::warn!("passkey sign-in could not start: {e}");
        Error::BadRequest(Message::WanSigninStartFailed)
    })
}

#[post("/wan-signin", data = "<input>")]
async fn signin_start(ctx: Ctx<'_>, pending: PendingSignIn, input: Input) -> Result<Reply, Error> {
    let pending = pending.awaiting_code();
    if pending.is_none() {
        if let Some(reply) = anonymous_only(&ctx).await? {
            return Ok(reply);
        }
    }
    if !signin_allowed(&ctx, &pending) {
        return Ok(not_allowed(&ctx));
    }
    ctx.check_csrf(&input).await?;
    let mut form = signin_form(&ctx);
    let next = form_next(&ctx, &input, &mut form);
    if form.has_errors() {
        return ctx.invalid("wan_signin.html", &form).await;
    }
    let remember = input.flag("remember");
    let (options, assertion, ceremony) = match &pending {
        Some(awaiting) => {
            let keys =
                usable_passkeys(&ctx, &awaiting.user, Some(WebAuthnUsage::Secondary)).await?;
            if keys.is_empty() {
                let message = Message::WanNoSecondFactor;
                return refuse(&ctx, message, "/tf-validate").await;
            }
            let (options, assertion) = start_assertion(&ctx, Some(&keys))?;
            (options, assertion, WebAuthnCeremony::SecondFactor)
        }
        None => {
            let (options, assertion) = start_assertion(&ctx, None)?;
            (options, assertion, WebAuthnCeremony::SignIn)
        }
    };
    let user_id = pending.as_ref().map(|a| a.user.id);
    let state = SignIn {
        assertion,
        remember,
        next,
    };
    let within = &ctx.config().wan_signin_within;
    let token = keep_state(&ctx, ceremony, user_id, &state, within).await?;
    let mut extra = Map::new();
    extra.insert("remember".into(), json!(remember));
    extra.insert("is_secondary".into(), json!(pending.is_some()));
    let action = ctx.config().route_path(&format!("/wan-signin/{token}"));
    let start = Started {
        template: "wan_signin.html",
        form,
        options,
        token,
        action,
        extra,
    };
    started(&ctx, start).await
}

/// The stored passkey the browser answered with, and its active owner.
async fn answering_passkey(
    ctx: &Ctx<'_>,
    answer: &PublicKeyCredential,
) -> Result<Option<(WebAuthnCredential, User)>, Error> {
    let store = ctx.sec.datastore();
    let key = credential_key(answer.get_credential_id());
    let Some(passkey) = store.find_webauthn_credential(&key).await? else {
        return Ok(None);
    };
    let owner = store.find_user(UserQuery::Id(passkey.user_id)).await?;
    let config = ctx.config();
    Ok(owner
        .filter(|user| user.active)
        .filter(|user| {
            !(config.confirmable && !config.login_without_confirmation && !user.is_confirmed())
        })
        .map(|user| (passkey, user)))
}

#[post("/wan-signin/<state>", data = "<input>")]
async fn signin_finish(
    ctx: Ctx<'_>,
    state: &str,
    pending: PendingSignIn,
    input: Input,
) -> Result<Reply, Error> {
    let pending = pending.awaiting_code();
    if pending.is_none() {
        if let Some(reply) = anonymous_only(&ctx).await? {
            return Ok(reply);
        }
    }
    ctx.check_csrf(&input).await?;
    client_allowed(ctx.sec, ctx.req).await?;
    let back = "/wan-signin";
    let ceremony = match pending {
        Some(_) => WebAuthnCeremony::SecondFactor,
        None => WebAuthnCeremony::SignIn,
    };
    let taken = take_state::<SignIn>(&ctx, state, ceremony).await?;
    let expected_user = pending.as_ref().map(|a| a.user.id);
    let Some((_, signin)) = taken.filter(|(owner, _)| *owner == expected_user) else {
        return refuse(&ctx, STATE_INVALID, back).await;
    };
    let answer: PublicKeyCredential = match parse_credential(&input) {
        Ok(answer) => answer,
        Err(message) => return refuse(&ctx, message, back).await,
    };
    let usage = match pending {
        Some(_) => WebAuthnUsage::Secondary,
        None => WebAuthnUsage::First,
    };
    let found = answering_passkey(&ctx, &answer)
        .await?
        .filter(|(passkey, user)| {
            passkey.usage == usage && expected_user.is_none_or(|id| id == user.id)
        });
    let verified = match &found {
        Some((passkey, user)) => {
            check_assertion(&ctx, user, passkey, &answer, signin.assertion).await?
        }
        None => false,
    };
    let Some((_, user)) = found.filter(|_| verified) else {
        client_failed(ctx.sec, ctx.req).await?;
        return refuse(&ctx, PASSKEY_REFUSED, back).await;
    };
    match pending {
        Some(awaiting) => {
            finish_second_factor(&ctx, &awaiting.login, &user, SignInMethod::Passkey).await
        }
        None => {
            let factor = FirstFactor::Passkey;
            finish_first_factor(&ctx, &user, factor, signin.remember, signin.next).await
        }
    }
}

fn verify_form(ctx: &Ctx<'_>) -> FormState {
    FormState::new("wan_verify_form", ctx.config().route_path("/wan-verify"))
}

#[get("/wan-verify")]
async fn verify_page(ctx: Ctx<'_>) -> Result<Reply, Error> {
    ctx.require_user(None).await?;
    if ctx.json {
        return ctx.ok(Map::new()).await;
    }
    let mut form = verify_form(&ctx);
    if let Some(next) = ctx.query_next() {
        form.value("next", next);
    }
    ctx.page("wan_verify.html", &form, Context::new()).await
}

#[post("/wan-verify", data = "<input>")]
async fn verify_start(ctx: Ctx<'_>, input: Input) -> Result<Reply, Error> {
    let user = ctx.require_user(Some(&input)).await?;
    ctx.check_csrf(&input).await?;
    let mut form = verify_form(&ctx);
    let next = form_next(&ctx, &input, &mut form);
    let keys = usable_passkeys(&ctx, &user, None).await?;
    if keys.is_empty() {
        form.error("", Message::WanNoneRegistered);
    }
    if form.has_errors() {
        return ctx.invalid("wan_verify.html", &form).await;
    }
    let (options, assertion) = start_assertion(&ctx, Some(&keys))?;
    let state = SignIn {
        assertion,
        remember: false,
        next,
    };
    let within = &ctx.config().wan_signin_within;
    let token = keep_state(
        &ctx,
        WebAuthnCeremony::Verify,
        Some(user.id),
        &state,
        within,
    )
    .await?;
    let action = ctx.config().route_path(&format!("/wan-verify/{token}"));
    let start = Started {
        template: "wan_verify.html",
        form,
        options,
        token,
        action,
        extra: Map::new(),
    };
    started(&ctx, start).await
}

#[post("/wan-verify/<state>", data = "<input>")]
async fn verify_finish(ctx: Ctx<'_>, state: &str, input: Input) -> Result<Reply, Error> {
    let user = ctx.require_user(Some(&input)).await?;
    ctx.check_csrf(&input).await?;
    let back = "/wan-verify";
    let taken = take_state::<SignIn>(&ctx, state, WebAuthnCeremony::Verify).await?;
    let Some((_, verify)) = taken.filter(|(owner, _)| *owner == Some(user.id)) else {
        return refuse(&ctx, STATE_INVALID, back).await;
    };
    let answer: PublicKeyCredential = match parse_credential(&input) {
        Ok(answer) => answer,
        Err(message) => return refuse(&ctx, message, back).await,
    };
    let found = answering_passkey(&ctx, &answer)
        .await?
        .filter(|(_, owner)| owner.id == user.id);
    let verified = match &found {
        Some((passkey, owner)) => {
            check_assertion(&ctx, owner, passkey, &answer, verify.assertion).await?
        }
        None => false,
    };
    if !verified {
        return refuse(&ctx, PASSKEY_REFUSED, back).await;
    }
    SessionCell::lock(ctx.req)
        .await?
        .mark_fresh(ctx.sec.now().naive_utc());
    if ctx.json {
        let mut response = Map::new();
        response.insert("user".into(), ctx.user_payload(&user));
        return ctx.ok(response).await;
    }
    Ok(Reply::redirect(
        verify
            .next
            .unwrap_or_else(|| ctx.config().post_login_view.clone()),
    ))
}
