//! Signed, purpose-bound, time-stamped tokens: mail links, auth tokens, CSRF tokens.
//!
//! A token is `payload.timestamp.signature`, each part URL-safe base64 without padding. The
//! signature is HMAC-SHA256 under a key derived from Rocket's `secret_key` and the token's
//! purpose, so a token made for one purpose never validates for another.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::datastore::{User, UserDatastore, UserQuery};

type HmacSha256 = Hmac<Sha256>;

/// What a token is for. Each purpose signs with its own key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenPurpose {
    /// E-mail confirmation links.
    Confirm,
    /// Password reset links.
    Reset,
    /// Change-of-email links.
    ChangeEmail,
    /// Mailed sign-in links.
    Login,
    /// API auth tokens.
    Auth,
    /// CSRF tokens.
    Csrf,
    /// Pending two-factor and unified sign-in set-up state.
    SetupState,
    /// Cookie remembering a browser that passed two-factor validation.
    TwoFactorValidity,
    /// The user handle passkeys are registered with (derived, never stored).
    WebAuthnUser,
}

impl TokenPurpose {
    fn salt(self) -> &'static str {
        match self {
            TokenPurpose::Confirm => "confirm-salt",
            TokenPurpose::Reset => "reset-salt",
            TokenPurpose::ChangeEmail => "change-email-salt",
            TokenPurpose::Login => "login-salt",
            TokenPurpose::Auth => "auth-token-salt",
            TokenPurpose::Csrf => "csrf-salt",
            TokenPurpose::SetupState => "setup-state-salt",
            TokenPurpose::TwoFactorValidity => "tf-validity-salt",
            TokenPurpose::WebAuthnUser => "wan-user-handle-salt",
        }
    }
}

/// Why a token was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Malformed, tampered with, or signed for another purpose or with another key.
    #[error("the token is invalid")]
    Invalid,
    /// Well-formed and authentic, but older than allowed.
    #[error("the token has expired")]
    Expired,
}

/// The keys derived from the application secret. `Debug` shows nothing of them.
#[derive(Clone)]
pub struct TokenKeys {
    master: Vec<u8>,
}

impl fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenKeys([redacted])")
    }
}

impl TokenKeys {
    /// Keys derived from the application's secret key bytes.
    pub fn new(secret: &[u8]) -> Self {
        TokenKeys {
            master: secret.to_vec(),
        }
    }

    /// An HMAC instance keyed for `purpose`.
    fn mac(&self, purpose: TokenPurpose) -> HmacSha256 {
        let mut derive =
            HmacSha256::new_from_slice(&self.master).expect("HMAC accepts keys of any length");
        derive.update(b"rocket_security:");
        derive.update(purpose.salt().as_bytes());
        let key = derive.finalize().into_bytes();
        HmacSha256::new_from_slice(&key).expect("HMAC accepts keys of any length")
    }

    /// Raw HMAC of `data` under the key of `purpose`.
    pub fn sign_bytes(&self, purpose: TokenPurpose, data: &[u8]) -> [u8; 32] {
        let mut mac = self.mac(purpose);
        mac.update(data);
        mac.finalize().into_bytes().into()
    }

    /// Signs `payload` (any serialisable value) for `purpose`, time-stamped `now`.
    ///
    /// ```
    /// use chrono::Utc;
    /// use rocket_security::{TokenKeys, TokenPurpose, TokenError};
    ///
    /// let keys = TokenKeys::new(b"an application secret of enough length");
    /// let now = Utc::now();
    /// let token = keys.sign(TokenPurpose::Reset, &("user-1", "hash-prefix"), now);
    /// let (data, _issued): ((String, String), _) =
    ///     keys.verify(TokenPurpose::Reset, &token, Some(3600), now).unwrap();
    /// assert_eq!(data.0, "user-1");
    /// // Another purpose does not accept it.
    /// assert_eq!(
    ///     keys.verify::<(String, String)>(TokenPurpose::Confirm, &token, None, now).unwrap_err(),
    ///     TokenError::Invalid
    /// );
    /// ```
    pub fn sign<T: Serialize>(
        &self,
        purpose: TokenPurpose,
        payload: &T,
        now: DateTime<Utc>,
    ) -> String {
        let json = serde_json::to_vec(payload).expect("token payloads serialise");
        let body = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(json),
            URL_SAFE_NO_PAD.encode(now.timestamp().to_be_bytes())
        );
        let signature = self.sign_bytes(purpose, body.as_bytes());
        format!("{body}.{}", URL_SAFE_NO_PAD.encode(signature))
    }

    /// Checks a token's signature (constant-time) and age; returns its payload and issue time.
    /// `max_age` in seconds; `None` accepts any age.
    pub fn verify<T: DeserializeOwned>(
        &self,
        purpose: TokenPurpose,
        token: &str,
        max_age: Option<u64>,
        now: DateTime<Utc>,
    ) -> Result<(T, DateTime<Utc>), TokenError> {
        if token.len() > 4096 {
            return Err(TokenError::Invalid);
        }
        let (body, signature) = token.rsplit_once('.').ok_or(TokenError::Invalid)?;
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| TokenError::Invalid)?;
        let expected = self.sign_bytes(purpose, body.as_bytes());
        if !bool::from(expected.as_slice().ct_eq(&signature)) {
            return Err(TokenError::Invalid);
        }
        let (payload, timestamp) = body.split_once('.').ok_or(TokenError::Invalid)?;
        let timestamp: [u8; 8] = URL_SAFE_NO_PAD
            .decode(timestamp)
            .ok()
            .and_then(|t| t.try_into().ok())
            .ok_or(TokenError::Invalid)?;
        let issued = DateTime::from_timestamp(i64::from_be_bytes(timestamp), 0)
            .ok_or(TokenError::Invalid)?;
        let payload = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| TokenError::Invalid)?;
        let data = serde_json::from_slice(&payload).map_err(|_| TokenError::Invalid)?;
        if let Some(max_age) = max_age {
            let age = now.signed_duration_since(issued).num_seconds();
            if age > i64::try_from(max_age).unwrap_or(i64::MAX) {
                return Err(TokenError::Expired);
            }
        }
        Ok((data, issued))
    }
}

/// The outcome of checking a mail-link token, as Flask-Security-Too's `get_token_status`
/// reports it.
#[derive(Debug, Clone, Default)]
pub struct TokenStatus<T> {
    /// The token is authentic but too old.
    pub expired: bool,
    /// The token is malformed, tampered with, of another purpose, or names no user.
    pub invalid: bool,
    /// The user the token names (also when expired).
    pub user: Option<User>,
    /// The token's payload.
    pub data: Option<T>,
}

/// Payloads of mail-link tokens start with the user's `fs_uniquifier`.
pub trait TokenSubject {
    /// The `fs_uniquifier` of the user the token is about.
    fn uniquifier(&self) -> &str;
}

impl TokenSubject for String {
    fn uniquifier(&self) -> &str {
        self
    }
}

impl<B> TokenSubject for (String, B) {
    fn uniquifier(&self) -> &str {
        &self.0
    }
}

impl<B, C> TokenSubject for (String, B, C) {
    fn uniquifier(&self) -> &str {
        &self.0
    }
}

/// Checks a token and looks up the user it names, as Flask-Security-Too's `get_token_status`.
///
/// An expired token still reports its user (so a flow can say "you did not confirm within ...").
pub async fn get_token_status<T: DeserializeOwned + TokenSubject>(
    keys: &TokenKeys,
    datastore: &dyn UserDatastore,
    purpose: TokenPurpose,
    token: &str,
    max_age: Option<u64>,
    now: DateTime<Utc>,
) -> Result<TokenStatus<T>, crate::datastore::DatastoreError> {
    let (data, expired) = match keys.verify::<T>(purpose, token, max_age, now) {
        Ok((data, _)) => (Some(data), false),
        Err(TokenError::Expired) => (
            keys.verify::<T>(purpose, token, None, now)
                .ok()
                .map(|d| d.0),
            true,
        ),
        Err(TokenError::Invalid) => (None, false),
    };
    let user = match &data {
        Some(d) => {
            datastore
                .find_user(UserQuery::Uniquifier(d.uniquifier()))
                .await?
        }
        None => None,
    };
    Ok(TokenStatus {
        expired,
        invalid: user.is_none(),
        user,
        data,
    })
}

/// A short keyed digest of the account state a mailed link is bound to: the e-mail address
/// (lower-cased) and the stored password hash. A link carrying it stops working once the
/// address or the password changes; the hash itself never leaves the server.
pub(crate) fn state_fingerprint(keys: &TokenKeys, purpose: TokenPurpose, user: &User) -> String {
    let mut data = user.email.to_lowercase().into_bytes();
    data.push(0);
    data.extend_from_slice(user.password.as_deref().unwrap_or("").as_bytes());
    hex::encode(&keys.sign_bytes(purpose, &data)[..12])
}

/// Whether a link's fingerprint (see [`state_fingerprint`]) matches the user as they are now.
pub(crate) fn fingerprint_matches(
    keys: &TokenKeys,
    purpose: TokenPurpose,
    user: &User,
    fingerprint: &str,
) -> bool {
    constant_time_eq(fingerprint, &state_fingerprint(keys, purpose, user))
}

/// Hex SHA-256 of a secret, as kept in the database for session and code lookups.
pub(crate) fn sha256_hex(secret: &str) -> String {
    use sha2::Digest;
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A fresh random secret: 32 bytes, URL-safe base64.
pub(crate) fn random_secret() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Constant-time equality of two strings.
pub(crate) fn constant_time_eq(a: &str, b: &str) -> bool {
    bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::new(b"0123456789abcdef0123456789abcdef")
    }

    #[test]
    fn round_trip_and_expiry() {
        let now = Utc::now();
        let token = keys().sign(TokenPurpose::Confirm, &"u1".to_string(), now);
        let (data, issued): (String, _) = keys()
            .verify(TokenPurpose::Confirm, &token, Some(10), now)
            .unwrap();
        assert_eq!(data, "u1");
        assert_eq!(issued.timestamp(), now.timestamp());
        let later = now + chrono::Duration::seconds(11);
        assert_eq!(
            keys()
                .verify::<String>(TokenPurpose::Confirm, &token, Some(10), later)
                .unwrap_err(),
            TokenError::Expired
        );
    }

    #[test]
    fn tampering_wrong_key_and_garbage_are_invalid() {
        let now = Utc::now();
        let token = keys().sign(TokenPurpose::Reset, &"u1".to_string(), now);
        let mut tampered = token.clone().into_bytes();
        let i = tampered.len() / 3;
        tampered[i] = if tampered[i] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap();
        for bad in [
            tampered.as_str(),
            "",
            ".",
            "a.b.c",
            "%%%.%%%.%%%",
            &"x".repeat(10_000),
        ] {
            assert_eq!(
                keys()
                    .verify::<String>(TokenPurpose::Reset, bad, None, now)
                    .unwrap_err(),
                TokenError::Invalid,
                "{bad:?}"
            );
        }
        let other = TokenKeys::new(b"another secret entirely, 32 bytes");
        assert_eq!(
            other
                .verify::<String>(TokenPurpose::Reset, &token, None, now)
                .unwrap_err(),
            TokenError::Invalid
        );
    }

    #[test]
    fn tokens_are_url_safe() {
        let token = keys().sign(TokenPurpose::Confirm, &("a/b+c?d", 1), Utc::now());
        assert!(token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)));
    }
}
