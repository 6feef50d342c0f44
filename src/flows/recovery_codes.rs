//! Multi-factor recovery codes: `/mf-recovery-codes` (show, generate) and `/mf-recovery` (use
//! one instead of the second factor).
//!
//! Codes are kept encrypted (so their owner can see them again) and each works once.

use rand::RngCore;
use rocket::{get, post, Route};
use rocket_dyn_templates::tera::Context;
use serde_json::{json, Map};

use crate::context::{Ctx, Reply};
use crate::datastore::{User, UserChange};
use crate::error::Error;
use crate::forms::{FormState, Input};
use crate::i18n::Message;
use crate::mail::Notice;
use crate::session::SessionCell;
use crate::signin::codes::CodeAttempt;
use crate::signin::finish::finish_second_factor;
use crate::signin::pending::PendingSignIn;

const INVALID: Message = Message::RecoveryCodeInvalid;

pub(super) fn routes() -> Vec<Route> {
    rocket::routes![codes_page, generate, recovery_page, recover]
}

fn codes_of(ctx: &Ctx<'_>, user: &User) -> Vec<String> {
    user.mf_recovery_codes
        .as_deref()
        .and_then(|sealed| ctx.sec.secret_box().open(sealed))
        .and_then(|plain| serde_json::from_slice(&plain).ok())
        .unwrap_or_default()
}

fn seal_codes(ctx: &Ctx<'_>, codes: &[String]) -> Option<String> {
    (!codes.is_empty()).then(|| {
        ctx.sec
            .secret_box()
            .seal(&serde_json::to_vec(codes).unwrap_or_default())
    })
}

/// Stores `codes` in place of the user's codes as read: one conditional write, `None` when
/// they changed in between (a code was used or new ones made) or the account was reset.
async fn replace_codes(
    ctx: &Ctx<'_>,
    user: &User,
    codes: &[String],
) -> Result<Option<User>, Error> {
    let sealed = seal_codes(ctx, codes);
    let change = UserChange::RecoveryCodes {
        uniquifier: &user.fs_uniquifier,
        old: user.mf_recovery_codes.as_deref(),
        new: sealed.as_deref(),
    };
    Ok(ctx.sec.datastore().change_user(user.id, change).await?)
}

/// A code like `1a2b-3c4d-5e6f`.
fn new_code() -> String {
    let mut bytes = [0u8; 6];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let hex = hex::encode(bytes);
    format!("{}-{}-{}", &hex[0..4], &hex[4..8], &hex[8..12])
}

fn codes_form(ctx: &Ctx<'_>) -> FormState {
    FormState::new(
        "mf_recovery_codes_form",
        ctx.config().route_path("/mf-recovery-codes"),
    )
}

#[get("/mf-recovery-codes?<show_codes>")]
async fn codes_page(ctx: Ctx<'_>, show_codes: Option<&str>) -> Result<Reply, Error> {
    let user = ctx.require_user(None).await?;
    if let Some(reply) = crate::signin::fresh::require_fresh(&ctx).await? {
        return Ok(reply);
    }
    let codes = codes_of(&ctx, &user);
    if ctx.json {
        let mut response = Map::new();
        response.insert("recovery_codes".into(), json!(codes));
        return ctx.ok(response).await;
    }
    let mut extra = Context::new();
    let shown: Vec<String> = if show_codes.is_some() {
        codes.clone()
    } else {
        Vec::new()
    };
    extra.insert("recovery_codes", &shown);
    extra.insert("has_codes", &!codes.is_empty());
    ctx.page("mf_recovery_codes.html", &codes_form(&ctx), extra)
        .await
}

#[post("/mf-recovery-codes", data = "<input>")]
async fn generate(ctx: Ctx<'_>, input: Input) -> Result<Reply, Error> {
    let user = ctx.require_user(Some(&input)).await?;
    ctx.check_csrf(&input).await?;
    if let Some(reply) = crate::signin::fresh::require_fresh(&ctx).await? {
        return Ok(reply);
    }
    let codes: Vec<String> = (0..ctx.config().multi_factor_recovery_codes_n)
        .map(|_| new_code())
        .collect();
    let Some(changed) = replace_codes(&ctx, &user, &codes).await? else {
        return Err(Error::BadRequest(Message::AccountChanged));
    };
    ctx.sec
        .notify(&changed, Notice::RecoveryCodesGenerated)
        .await;
    let event = crate::events::SecurityEvent::RecoveryCodesGenerated {
        user: changed.clone(),
    };
    ctx.sec.emit_from(ctx.req, event);
    SessionCell::lock(ctx.req).await?.refresh_user(changed);
    if ctx.json {
        let mut response = Map::new();
        response.insert("recovery_codes".into(), json!(codes));
        return ctx.ok(response).await;
    }
    let mut extra = Context::new();
    extra.insert("recovery_codes", &codes);
    extra.insert("has_codes", &true);
    ctx.page("mf_recovery_codes.html", &codes_form(&ctx), extra)
        .await
}

fn recovery_form(ctx: &Ctx<'_>) -> FormState {
    FormState::new("mf_recovery_form", ctx.config().route_path("/mf-recovery"))
}

#[get("/mf-recovery")]
async fn recovery_page(ctx: Ctx<'_>, pending: PendingSignIn) -> Result<Reply, Error> {
    if pending.any().is_none() {
        if ctx.json {
            return Ok(ctx.error(rocket::http::Status::BadRequest, Message::NoPermissionPage));
        }
        return Ok(Reply::redirect(ctx.config().route_path("/login")));
    }
    if ctx.json {
        return ctx.ok(Map::new()).await;
    }
    ctx.page("mf_recovery.html", &recovery_form(&ctx), Context::new())
        .await
}

#[post("/mf-recovery", data = "<input>")]
async fn recover(ctx: Ctx<'_>, pending: PendingSignIn, input: Input) -> Result<Reply, Error> {
    ctx.check_csrf(&input).await?;
    let Some(awaiting) = pending.any() else {
        let message = Message::NoPermissionPage;
        if ctx.json {
            let mut form = recovery_form(&ctx);
            form.error("", message);
            return ctx.invalid("mf_recovery.html", &form).await;
        }
        return Ok(Reply::redirect(ctx.config().route_path("/login")));
    };
    let submitted = input.text("code").unwrap_or_default().to_ascii_lowercase();
    let user = &awaiting.user;
    let mut codes = codes_of(&ctx, user);
    let attempt = CodeAttempt::count(ctx.sec, user).await?;
    let position = attempt.and_then(|attempt| attempt.recovery_code(&codes, &submitted));
    let Some(position) = position else {
        let mut form = recovery_form(&ctx);
        form.error("code", INVALID);
        return ctx.invalid("mf_recovery.html", &form).await;
    };
    codes.remove(position);
    // Of concurrent uses of one code, only the first write of the rest succeeds.
    if replace_codes(&ctx, user, &codes).await?.is_none() {
        let mut form = recovery_form(&ctx);
        form.error("code", INVALID);
        return ctx.invalid("mf_recovery.html", &form).await;
    }
    // The sign-in stays bound to the account as the pending login checked it.
    let mut reply = finish_second_factor(
        &ctx,
        &awaiting.login,
        user,
        crate::config::SignInMethod::RecoveryCode,
    )
    .await?;
    if !ctx.json {
        // As Flask-Security-Too: a recovered sign-in goes to `post_login_view`.
        reply = Reply::redirect(ctx.config().post_login_view.clone());
    }
    Ok(reply)
}
