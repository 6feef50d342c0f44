//! Passkeys (WebAuthn), with Flask-Security-Too's routes and field names: registering, listing,
//! renaming and deleting them from the account (`/wan-register`, `/wan-register/<state>`,
//! `/wan-rename`, `/wan-delete`); signing in with one alone or as the second factor
//! (`/wan-signin`, `/wan-signin/<state>`, in the `signin` module); re-authenticating with one
//! (`/wan-verify`, `/wan-verify/<state>`).
//!
//! Every ceremony is two requests: the first keeps the WebAuthn state in the store under a
//! random token and answers with `credential_options` and `wan_state`; the browser's answer
//! comes back to `/wan-…/<wan_state>` as `credential` (the credential's JSON), where the state
//! is used up by one conditional delete. The pages run the ceremonies with
//! `/fs-static/webauthn.js`.

mod ceremony;
mod signin;

use rocket::http::Status;
use rocket::{get, post, Route};
use rocket_dyn_templates::tera::Context;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use webauthn_rs::prelude::{PasskeyRegistration, RegisterPublicKeyCredential};

use self::ceremony::{
    credential_key, describe, keep_state, parse_credential, refuse, relying_party, stored_passkey,
    take_state, user_handle, STATE_INVALID,
};
use crate::config::SecurityConfig;
use crate::context::{Ctx, Reply};
use crate::datastore::{
    NewWebAuthnCredential, User, WebAuthnCeremony, WebAuthnCredential, WebAuthnUsage,
};
use crate::error::Error;
use crate::events::SecurityEvent;
use crate::forms::{FormState, Input};
use crate::i18n::Message;
use crate::mail::Notice;
use crate::signin::fresh::require_fresh;

/// Longest passkey name, in characters.
const NAME_MAX: usize = 64;

pub(super) fn routes(config: &SecurityConfig) -> Vec<Route> {
    let mut routes = rocket::routes![
        register_page,
        register_start,
        register_finish,
        rename,
        delete
    ];
    routes.extend(signin::routes(config));
    routes
}

/// A registration in progress.
#[derive(Serialize, Deserialize)]
struct Registration {
    state: PasskeyRegistration,
    name: String,
    usage: WebAuthnUsage,
}

fn register_form(ctx: &Ctx<'_>) -> FormState {
    let action = ctx.config().route_path("/wan-register");
    let mut form = FormState::new("wan_register_form", action);
    form.value("usage", default_usage(ctx.config()).as_str());
    form
}

/// The usage a new passkey gets when none is asked for.
fn default_usage(config: &SecurityConfig) -> WebAuthnUsage {
    if config.wan_allow_as_first_factor || !config.wan_multi_factor() {
        WebAuthnUsage::First
    } else {
        WebAuthnUsage::Secondary
    }
}

/// The account's passkeys page (or JSON list) with `form` and `extra`.
async fn passkeys_page(
    ctx: &Ctx<'_>,
    user: &User,
    form: &FormState,
    mut extra: Context,
) -> Result<Reply, Error> {
    let passkeys = ctx
        .sec
        .datastore()
        .list_webauthn_credentials(user.id)
        .await?;
    let listed: Vec<Value> = passkeys.iter().map(describe).collect();
    if ctx.json {
        let mut response = Map::new();
        response.insert("registered_credentials".into(), json!(listed));
        return ctx.ok(response).await;
    }
    extra.insert("registered_credentials", &listed);
    let text = ctx.localizer().await;
    extra.insert(
        "usage_choices",
        &json!([
            {"value": "first", "label": text(&Message::WanUsageFirst)},
            {"value": "secondary", "label": text(&Message::WanUsageSecondary)},
        ]),
    );
    ctx.page("wan_register.html", form, extra).await
}

/// A form with errors: JSON 400, or the page again with the errors by their fields.
async fn invalid(ctx: &Ctx<'_>, user: &User, form: &FormState) -> Result<Reply, Error> {
    if ctx.json {
        return ctx.invalid("wan_register.html", form).await;
    }
    passkeys_page(ctx, user, form, Context::new()).await
}

#[get("/wan-register")]
async fn register_page(ctx: Ctx<'_>) -> Result<Reply, Error> {
    let user = ctx.require_user(None).await?;
    passkeys_page(&ctx, &user, &register_form(&ctx), Context::new()).await
}

/// The checked `name` of a new or renamed passkey, or an error on `field`.
fn checked_name(
    form: &mut FormState,
    input: &Input,
    field: &str,
    taken: &[WebAuthnCredential],
) -> Option<String> {
    let name = input.text(field);
    if let Some(name) = &name {
        form.value(field, name.clone());
    }
    match name {
        None => form.error(field, Message::WanNameMissing),
        Some(name) if name.chars().count() > NAME_MAX => {
            let length = NAME_MAX;
            form.error(field, Message::WanNameTooLong { length });
        }
        Some(name) if taken.iter().any(|p| p.name == name) => {
            form.error(field, Message::WanNameInUse { name });
        }
        Some(name) => return Some(name),
    }
    None
}

/// The asked-for `usage`, which configuration must allow.
fn checked_usage(ctx: &Ctx<'_>, form: &mut FormState, input: &Input) -> Option<WebAuthnUsage> {
    let config = ctx.config();
    let usage = match input.text("usage") {
        None => default_usage(config),
        Some(text) => match WebAuthnUsage::parse(&text) {
            Some(usage) => usage,
            None => {
                form.error("usage", Message::WanUsageInvalid);
                return None;
            }
        },
    };
    let allowed = match usage {
        WebAuthnUsage::First => config.wan_allow_as_first_factor,
        WebAuthnUsage::Secondary => config.wan_multi_factor() && config.two_factor,
    };
    if !allowed {
        form.error("usage", Message::WanUsageRefused);
        return None;
    }
    form.value("usage", usage.as_str());
    Some(usage)
}

#[post("/wan-register", data = "<input>")]
async fn register_start(ctx: Ctx<'_>, input: Input) -> Result<Reply, Error> {
    let user = ctx.require_user(Some(&input)).await?;
    ctx.check_csrf(&input).await?;
    if let Some(reply) = require_fresh(&ctx).await? {
        return Ok(reply);
    }
    let mut form = register_form(&ctx);
    let existing = ctx
        .sec
        .datastore()
        .list_webauthn_credentials(user.id)
        .await?;
    let name = checked_name(&mut form, &input, "name", &existing);
    let usage = checked_usage(&ctx, &mut form, &input);
    let (Some(name), Some(usage)) = (name, usage) else {
        return invalid(&ctx, &user, &form).await;
    };
    let exclude = existing
        .iter()
        .filter_map(stored_passkey)
        .map(|key| key.cred_id().clone())
        .collect();
    let rp = relying_party(&ctx)?;
    let (options, state) = rp
        .start_passkey_registration(
            user_handle(&ctx, user.id),
            &user.email,
            &user.email,
            Some(exclude),
        )
        .map_err(|e| {
            tracing::warn!("passkey registration could not start: {e}");
            Error::BadRequest(Message::WanRegisterStartFailed)
        })?;
    let registration = Registration { state, name, usage };
    let within = &ctx.config().wan_register_within;
    let token = keep_state(
        &ctx,
        WebAuthnCeremony::Register,
        Some(user.id),
        &registration,
        within,
    )
    .await?;
    let mut credential_options = json!(options.public_key);
    if usage == WebAuthnUsage::First {
        // Signing in without an e-mail address needs a passkey the authenticator can discover.
        credential_options["authenticatorSelection"]["residentKey"] = json!("preferred");
    }
    if ctx.json {
        let mut response = Map::new();
        response.insert("credential_options".into(), credential_options);
        response.insert("wan_state".into(), json!(token));
        return ctx.ok(response).await;
    }
    let mut extra = Context::new();
    extra.insert("credential_options", &credential_options.to_string());
    extra.insert("wan_state", &token);
    extra.insert(
        "response_action",
        &ctx.config().route_path(&format!("/wan-register/{token}")),
    );
    passkeys_page(&ctx, &user, &form, extra).await
}

#[post("/wan-register/<state>", data = "<input>")]
async fn register_finish(ctx: Ctx<'_>, state: &str, input: Input) -> Result<Reply, Error> {
    let user = ctx.require_user(Some(&input)).await?;
    ctx.check_csrf(&input).await?;
    let back = "/wan-register";
    let taken = take_state::<Registration>(&ctx, state, WebAuthnCeremony::Register).await?;
    let Some((_, registration)) = taken.filter(|(owner, _)| *owner == Some(user.id)) else {
        return refuse(&ctx, STATE_INVALID, back).await;
    };
    let answer: RegisterPublicKeyCredential = match parse_credential(&input) {
        Ok(answer) => answer,
        Err(message) => return refuse(&ctx, message, back).await,
    };
    let key = match relying_party(&ctx)?.finish_passkey_registration(&answer, &registration.state) {
        Ok(key) => key,
        Err(e) => {
            tracing::info!("passkey registration refused: {e}");
            return refuse(&ctx, Message::WanRegisterFailed, back).await;
        }
    };
    let new = NewWebAuthnCredential {
        user_id: user.id,
        credential_id: credential_key(key.cred_id().as_slice()),
        name: registration.name.clone(),
        usage: registration.usage,
        passkey: serde_json::to_string(&key).map_err(crate::datastore::DatastoreError::backend)?,
    };
    let now = ctx.sec.now().naive_utc();
    if ctx
        .sec
        .datastore()
        .add_webauthn_credential(&new, now)
        .await?
        .is_none()
    {
        let message = Message::WanAlreadyRegistered;
        return refuse(&ctx, message, back).await;
    }
    ctx.sec.emit(SecurityEvent::PasskeyRegistered {
        user: user.clone(),
        name: new.name.clone(),
    });
    ctx.sec
        .notify(&user, Notice::PasskeyAdded { name: &new.name })
        .await;
    if ctx.json {
        let mut response = Map::new();
        response.insert("user".into(), ctx.user_payload(&user));
        return ctx.ok(response).await;
    }
    let name = new.name.clone();
    ctx.flash("success", Message::WanRegistered { name })
        .await?;
    let config = ctx.config();
    Ok(Reply::redirect(
        config
            .wan_post_register_view
            .clone()
            .unwrap_or_else(|| config.route_path(back)),
    ))
}

/// The user's passkey named by the `field` of `input`, or an error on that field.
fn named<'p>(
    form: &mut FormState,
    input: &Input,
    field: &str,
    passkeys: &'p [WebAuthnCredential],
) -> Option<&'p WebAuthnCredential> {
    let name = input.text(field).unwrap_or_default();
    let found = passkeys.iter().find(|p| p.name == name);
    if found.is_none() {
        form.value(field, name.clone());
        form.error(field, Message::WanNameNotFound { name });
    }
    found
}

#[post("/wan-rename", data = "<input>")]
async fn rename(ctx: Ctx<'_>, input: Input) -> Result<Reply, Error> {
    let user = ctx.require_user(Some(&input)).await?;
    ctx.check_csrf(&input).await?;
    let mut form = FormState::new("wan_rename_form", ctx.config().route_path("/wan-rename"));
    let passkeys = ctx
        .sec
        .datastore()
        .list_webauthn_credentials(user.id)
        .await?;
    let passkey = named(&mut form, &input, "name", &passkeys);
    let new_name = checked_name(&mut form, &input, "new_name", &passkeys);
    let (Some(passkey), Some(new_name)) = (passkey, new_name) else {
        return invalid(&ctx, &user, &form).await;
    };
    let store = ctx.sec.datastore();
    if !store
        .rename_webauthn_credential(user.id, passkey.id, &new_name)
        .await?
    {
        let name = new_name.clone();
        form.error("new_name", Message::WanNameInUse { name });
        return invalid(&ctx, &user, &form).await;
    }
    let renamed = Message::WanRenamed {
        name: passkey.name.clone(),
        new_name,
    };
    done(&ctx, renamed).await
}

#[post("/wan-delete", data = "<input>")]
async fn delete(ctx: Ctx<'_>, input: Input) -> Result<Reply, Error> {
    let user = ctx.require_user(Some(&input)).await?;
    ctx.check_csrf(&input).await?;
    if let Some(reply) = require_fresh(&ctx).await? {
        return Ok(reply);
    }
    let mut form = FormState::new("wan_delete_form", ctx.config().route_path("/wan-delete"));
    let passkeys = ctx
        .sec
        .datastore()
        .list_webauthn_credentials(user.id)
        .await?;
    let Some(passkey) = named(&mut form, &input, "name", &passkeys) else {
        return invalid(&ctx, &user, &form).await;
    };
    if ctx
        .sec
        .datastore()
        .delete_webauthn_credential(user.id, passkey.id)
        .await?
    {
        ctx.sec.emit(SecurityEvent::PasskeyDeleted {
            user: user.clone(),
            name: passkey.name.clone(),
        });
        ctx.sec
            .notify(
                &user,
                Notice::PasskeyRemoved {
                    name: &passkey.name,
                },
            )
            .await;
    }
    let name = passkey.name.clone();
    done(&ctx, Message::WanRemoved { name }).await
}

/// A change made: JSON 200, or the message flashed and back to the passkeys page.
async fn done(ctx: &Ctx<'_>, message: Message) -> Result<Reply, Error> {
    if ctx.json {
        return ctx.ok(Map::new()).await;
    }
    ctx.flash("success", message).await?;
    Ok(Reply::redirect(ctx.config().route_path("/wan-register")))
}

/// A JSON 404 or page for a route whose use configuration turned off.
fn not_allowed(ctx: &Ctx<'_>) -> Reply {
    ctx.error(Status::NotFound, Message::WanUsageRefused)
}
