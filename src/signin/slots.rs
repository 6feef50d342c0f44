//! Typed session slots: what a flow keeps in the session between two requests, in one struct
//! serialised once under one key of the session's flow state.

use rocket::request::Request;
use serde::{Deserialize, Serialize};

use super::factor::FirstFactor;
use crate::error::Error;
use crate::session::SessionCell;

/// Key of the session's flow state under which the slots are stored.
const SLOTS_KEY: &str = "flow";

/// A sign-in waiting for its second factor (or, with `two_factor_required`, for its set-up).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct PendingLogin {
    /// The user signing in.
    pub user_id: i64,
    /// The user's `fs_uniquifier` when the first factor was checked: a change in between
    /// (password reset, deactivation) ends the sign-in.
    pub uniquifier: String,
    /// Whether "remember me" was asked for.
    pub remember: bool,
    /// Where to go once signed in.
    pub next: Option<String>,
    /// How the first factor was proved.
    pub first_factor: FirstFactor,
    /// When the first factor was proved (Unix seconds).
    pub started: i64,
    /// Whether the second factor must be set up first.
    #[serde(default)]
    pub setup: bool,
}

/// An authenticator being set up with `/tf-setup`, waiting for its first code.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct TwoFactorSetup {
    /// The new secret, sealed.
    pub sealed_secret: String,
    /// The nonce the signed state token of `/tf-setup/<token>` must carry.
    pub state: String,
}

/// A unified sign-in method being set up with `/us-setup`, waiting for its first code.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct UnifiedSetup {
    /// The method being set up (`email` or `authenticator`).
    pub method: String,
    /// The nonce the signed state of `/us-setup/<state>` must carry.
    pub nonce: String,
    /// The new authenticator secret, sealed (none for mailed codes).
    pub sealed_secret: Option<String>,
}

/// The flow state of one session.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct Slots {
    /// A sign-in waiting for its second factor (or its mandatory set-up).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_login: Option<PendingLogin>,
    /// An authenticator being set up for the second factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub two_factor_setup: Option<TwoFactorSetup>,
    /// A unified sign-in method being set up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unified_setup: Option<UnifiedSetup>,
}

impl Slots {
    fn is_empty(&self) -> bool {
        self.pending_login.is_none()
            && self.two_factor_setup.is_none()
            && self.unified_setup.is_none()
    }

    /// The slots of this request's session (empty when none are kept or they do not parse).
    pub async fn read(req: &Request<'_>) -> Result<Slots, Error> {
        let session = SessionCell::lock(req).await?;
        Ok(session
            .data
            .extra
            .get(SLOTS_KEY)
            .and_then(|value| serde_json::from_value(value.clone()).ok())
            .unwrap_or_default())
    }

    /// Changes the slots of this request's session with `change`, and saves them when it
    /// returns `true` (an empty state removes the key, so an anonymous session needs no row).
    pub async fn update(
        req: &Request<'_>,
        change: impl FnOnce(&mut Slots) -> bool,
    ) -> Result<(), Error> {
        let mut session = SessionCell::lock(req).await?;
        let mut slots: Slots = session
            .data
            .extra
            .get(SLOTS_KEY)
            .and_then(|value| serde_json::from_value(value.clone()).ok())
            .unwrap_or_default();
        if !change(&mut slots) {
            return Ok(());
        }
        if slots.is_empty() {
            session.data.extra.remove(SLOTS_KEY);
        } else {
            let value = serde_json::to_value(&slots).unwrap_or_default();
            session.data.extra.insert(SLOTS_KEY.into(), value);
        }
        session.touch();
        Ok(())
    }
}
