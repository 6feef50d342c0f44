//! What the passkey ceremonies share: the relying party built from configuration, ceremony
//! state kept in the store under an opaque single-use token, the user handle, the browser's
//! answer parsed, and one check of an assertion against a stored passkey.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rocket::http::Status;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use webauthn_rs::prelude::{
    DiscoverableAuthentication, DiscoverableKey, Passkey, PasskeyAuthentication,
    PublicKeyCredential, Url, Uuid, Webauthn, WebauthnBuilder,
};

use crate::activity::iso;
use crate::config::WithinDelta;
use crate::context::{Ctx, Reply};
use crate::datastore::{DatastoreError, User, WebAuthnCeremony, WebAuthnCredential, WebAuthnState};
use crate::error::Error;
use crate::events::SecurityEvent;
use crate::forms::Input;
use crate::i18n::Message;
use crate::token::{random_secret, sha256_hex, TokenPurpose};

/// The answer to a state token that is unknown, used, expired or for another ceremony.
pub(super) const STATE_INVALID: Message = Message::WanStateInvalid;
/// The answer to a request without the browser's credential.
pub(super) const CREDENTIAL_MISSING: Message = Message::WanCredentialMissing;
/// The answer to a credential that is not the JSON of a WebAuthn credential.
pub(super) const CREDENTIAL_GARBLED: Message = Message::WanCredentialGarbled;
/// The answer to an assertion that failed verification, came from an unknown passkey, or from
/// a passkey not usable here.
pub(super) const PASSKEY_REFUSED: Message = Message::WanRefused;
/// The answer when the relying party cannot be set up from configuration.
const NOT_CONFIGURED: Message = Message::WanNotConfigured;

/// The relying party: `wan_rp_id` (else the host of the site URL), the site URL as the only
/// origin, and `wan_rp_name` (else the host) as the name authenticators show.
pub(super) fn relying_party(ctx: &Ctx<'_>) -> Result<Webauthn, Error> {
    let config = ctx.config();
    let refuse = |reason: String| {
        tracing::error!("passkeys: {reason}");
        Error::BadRequest(NOT_CONFIGURED)
    };
    let origin = Url::parse(ctx.sec.site_url()).map_err(|e| refuse(e.to_string()))?;
    let host = origin.host_str().unwrap_or_default().to_owned();
    let rp_id = config.wan_rp_id.clone().unwrap_or_else(|| host.clone());
    let rp_name = config.wan_rp_name.clone().unwrap_or(host);
    WebauthnBuilder::new(&rp_id, &origin)
        .and_then(|builder| builder.rp_name(&rp_name).build())
        .map_err(|e| refuse(e.to_string()))
}

/// The user handle passkeys of `user_id` are registered with: a keyed digest of the id, so it
/// is stable, reveals nothing and needs no column.
pub(super) fn user_handle(ctx: &Ctx<'_>, user_id: i64) -> Uuid {
    let digest = ctx
        .sec
        .keys()
        .sign_bytes(TokenPurpose::WebAuthnUser, &user_id.to_be_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    Uuid::from_bytes(bytes)
}

/// A credential id as the store keeps it: base64url without padding.
pub(super) fn credential_key(id: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(id)
}

/// Keeps `state` of `ceremony` for `within` and returns the opaque token the browser sends
/// back in the path (`/wan-…/<state>`).
pub(super) async fn keep_state<T: Serialize>(
    ctx: &Ctx<'_>,
    ceremony: WebAuthnCeremony,
    user_id: Option<i64>,
    state: &T,
    within: &WithinDelta,
) -> Result<String, Error> {
    let token = random_secret();
    let record = WebAuthnState {
        token_hash: sha256_hex(&token),
        ceremony,
        user_id,
        state: serde_json::to_string(state).map_err(DatastoreError::backend)?,
        expires_at: ctx.sec.now().naive_utc() + within.to_chrono(),
    };
    ctx.sec.datastore().put_webauthn_state(&record).await?;
    Ok(token)
}

/// Uses up the state kept under `token` for `ceremony` (one conditional delete in the store):
/// its user and contents, or `None` when unknown, used, expired or unreadable.
pub(super) async fn take_state<T: DeserializeOwned>(
    ctx: &Ctx<'_>,
    token: &str,
    ceremony: WebAuthnCeremony,
) -> Result<Option<(Option<i64>, T)>, Error> {
    let now = ctx.sec.now().naive_utc();
    let taken = ctx
        .sec
        .datastore()
        .take_webauthn_state(&sha256_hex(token), ceremony, now)
        .await?;
    Ok(taken.and_then(|record| {
        let state = serde_json::from_str(&record.state).ok()?;
        Some((record.user_id, state))
    }))
}

/// The browser's credential from the `credential` field (a JSON string, as
/// Flask-Security-Too's clients send it).
pub(super) fn parse_credential<T: DeserializeOwned>(input: &Input) -> Result<T, Message> {
    let text = input.text("credential").ok_or(CREDENTIAL_MISSING)?;
    serde_json::from_str(&text).map_err(|_| CREDENTIAL_GARBLED)
}

/// A passkey as the JSON API and the pages list it (Flask-Security-Too's field names).
pub(super) fn describe(passkey: &WebAuthnCredential) -> Value {
    json!({
        "name": passkey.name,
        "credential_id": passkey.credential_id,
        "usage": passkey.usage.as_str(),
        "create_datetime": iso(passkey.create_datetime),
        "lastuse": passkey.last_use_datetime.map(iso),
    })
}

/// The key material of a stored passkey.
pub(super) fn stored_passkey(passkey: &WebAuthnCredential) -> Option<Passkey> {
    serde_json::from_str(&passkey.passkey).ok()
}

/// A refused passkey request: JSON 400 with the message, or the message flashed and a
/// redirect to `back`.
pub(super) async fn refuse(ctx: &Ctx<'_>, message: Message, back: &str) -> Result<Reply, Error> {
    if ctx.json {
        return Ok(ctx.error(Status::BadRequest, message));
    }
    ctx.flash("error", message).await?;
    Ok(Reply::redirect(ctx.config().route_path(back)))
}

/// An authentication ceremony in progress: for known passkeys (second factor, verify) or for
/// whichever discoverable passkey the browser offers (sign-in).
#[derive(Serialize, Deserialize)]
pub(super) enum Assertion {
    /// The user is known; their passkeys were offered.
    Known(PasskeyAuthentication),
    /// Any discoverable passkey.
    Discoverable(DiscoverableAuthentication),
}

/// Checks the browser's assertion `answer` against the stored `passkey` of `user` (whose user
/// handle, when the authenticator sent one, must match), then stores the new sign count and
/// emits [`SecurityEvent::PasskeyUsed`]. `false` when refused: a bad signature, a sign count
/// that did not go up (a cloned authenticator), missing user verification.
pub(super) async fn check_assertion(
    ctx: &Ctx<'_>,
    user: &User,
    passkey: &WebAuthnCredential,
    answer: &PublicKeyCredential,
    assertion: Assertion,
) -> Result<bool, Error> {
    let Some(mut key) = stored_passkey(passkey) else {
        tracing::error!(id = passkey.id, "a stored passkey could not be read");
        return Ok(false);
    };
    if let Some(handle) = answer.get_user_unique_id() {
        if handle != user_handle(ctx, user.id).as_bytes() {
            return Ok(false);
        }
    }
    let rp = relying_party(ctx)?;
    let result = match assertion {
        Assertion::Known(state) => rp.finish_passkey_authentication(answer, &state),
        Assertion::Discoverable(state) => {
            rp.finish_discoverable_authentication(answer, state, &[DiscoverableKey::from(&key)])
        }
    };
    let result = match result {
        Ok(result) if result.user_verified() => result,
        Ok(_) => return Ok(false),
        Err(e) => {
            tracing::info!(user = user.id, "passkey assertion refused: {e}");
            return Ok(false);
        }
    };
    key.update_credential(&result);
    let serialised = serde_json::to_string(&key).map_err(DatastoreError::backend)?;
    let now = ctx.sec.now().naive_utc();
    ctx.sec
        .datastore()
        .update_webauthn_credential(passkey.id, &serialised, now)
        .await?;
    ctx.sec.emit(SecurityEvent::PasskeyUsed {
        user: user.clone(),
        name: passkey.name.clone(),
    });
    Ok(true)
}
