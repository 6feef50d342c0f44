//! Passkeys (WebAuthn credentials) and the state of WebAuthn ceremonies, as stored.
//!
//! The store keeps a credential's public key material as the opaque JSON text the WebAuthn
//! library serialises it to, so the store traits do not depend on that library.

use std::fmt;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// What a passkey may be used for (Flask-Security-Too's `usage`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WebAuthnUsage {
    /// Signs in on its own, without a password (`"first"`).
    First,
    /// Second factor after a password (`"secondary"`).
    Secondary,
}

impl WebAuthnUsage {
    /// The wire and storage name: `"first"` or `"secondary"`.
    pub fn as_str(self) -> &'static str {
        match self {
            WebAuthnUsage::First => "first",
            WebAuthnUsage::Secondary => "secondary",
        }
    }

    /// Parses a wire or storage name.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "first" => Some(WebAuthnUsage::First),
            "secondary" => Some(WebAuthnUsage::Secondary),
            _ => None,
        }
    }
}

/// A registered passkey of a user.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebAuthnCredential {
    /// Primary key.
    pub id: i64,
    /// The owner.
    pub user_id: i64,
    /// The credential id the authenticator chose, base64url without padding; unique.
    pub credential_id: String,
    /// The name the owner gave it; unique per user.
    pub name: String,
    /// What it may be used for.
    pub usage: WebAuthnUsage,
    /// The public key, sign count and flags, as the WebAuthn library serialises them (JSON).
    #[serde(skip_serializing)]
    pub passkey: String,
    /// When it was registered (UTC).
    pub create_datetime: NaiveDateTime,
    /// When it was last used to sign in or verify (UTC).
    pub last_use_datetime: Option<NaiveDateTime>,
}

impl fmt::Debug for WebAuthnCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebAuthnCredential")
            .field("id", &self.id)
            .field("user_id", &self.user_id)
            .field("name", &self.name)
            .field("usage", &self.usage)
            .field("create_datetime", &self.create_datetime)
            .field("last_use_datetime", &self.last_use_datetime)
            .finish_non_exhaustive()
    }
}

/// A passkey to store (see [`WebAuthnStore::add_webauthn_credential`](super::WebAuthnStore::add_webauthn_credential)).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewWebAuthnCredential {
    /// The owner.
    pub user_id: i64,
    /// The credential id, base64url without padding.
    pub credential_id: String,
    /// Its name, unique per user.
    pub name: String,
    /// What it may be used for.
    pub usage: WebAuthnUsage,
    /// The serialised public key material (JSON).
    pub passkey: String,
}

/// Which WebAuthn ceremony a stored state belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WebAuthnCeremony {
    /// Registering a new passkey.
    Register,
    /// Signing in with a passkey alone.
    SignIn,
    /// A passkey as second factor after a password.
    SecondFactor,
    /// Re-authenticating for freshness.
    Verify,
}

impl WebAuthnCeremony {
    /// The storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            WebAuthnCeremony::Register => "register",
            WebAuthnCeremony::SignIn => "signin",
            WebAuthnCeremony::SecondFactor => "second_factor",
            WebAuthnCeremony::Verify => "verify",
        }
    }
}

/// The server side of a WebAuthn ceremony between its start and the browser's answer, kept in
/// the store so any application instance can finish it. Used once.
#[derive(Clone, PartialEq, Eq)]
pub struct WebAuthnState {
    /// Keyed HMAC of the opaque state token handed to the browser.
    pub token_hash: String,
    /// The ceremony.
    pub ceremony: WebAuthnCeremony,
    /// The user the ceremony is for; `None` for a sign-in with a discoverable passkey.
    pub user_id: Option<i64>,
    /// The ceremony's state as the WebAuthn library serialises it, plus what the flow needs
    /// back (JSON).
    pub state: String,
    /// After this time (UTC) the state is refused.
    pub expires_at: NaiveDateTime,
}

impl fmt::Debug for WebAuthnState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebAuthnState")
            .field("ceremony", &self.ceremony)
            .field("user_id", &self.user_id)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}
