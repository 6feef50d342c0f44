//! The `session` cookie of an anonymous visitor: instead of the id of a stored session, it
//! carries the visitor's CSRF secret and waiting flashes, signed with the application's key,
//! so anonymous requests write nothing to the datastore.
//!
//! The value is `a.<payload>.<signature>`: base64url JSON, and an HMAC of it. Random session
//! ids are base64url and never contain a dot, so the two kinds cannot be confused.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::token::{constant_time_eq, TokenKeys, TokenPurpose};

/// Prefix of an anonymous `session` cookie value.
pub(crate) const PREFIX: &str = "a.";

/// Longest anonymous cookie value: browsers keep cookies up to 4 KiB. Older flashes are
/// dropped to stay below it.
const MAX_LEN: usize = 3800;

/// What an anonymous visitor's cookie carries (`F`: a flash).
#[derive(Serialize, Deserialize)]
pub(crate) struct AnonymousState<F> {
    /// The secret the visitor's CSRF tokens are bound to.
    #[serde(rename = "c", default, skip_serializing_if = "Option::is_none")]
    pub csrf_secret: Option<String>,
    /// Flashes waiting for the next page.
    #[serde(
        rename = "f",
        default = "Vec::new",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub flashes: Vec<F>,
}

fn signature(keys: &TokenKeys, payload: &str) -> String {
    let data = format!("anonymous-session|{payload}");
    URL_SAFE_NO_PAD.encode(keys.sign_bytes(TokenPurpose::Csrf, data.as_bytes()))
}

/// The cookie value for `state`; `None` when there is nothing to keep.
pub(crate) fn encode<F: Serialize>(
    keys: &TokenKeys,
    mut state: AnonymousState<F>,
) -> Option<String> {
    loop {
        if state.csrf_secret.is_none() && state.flashes.is_empty() {
            return None;
        }
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&state).ok()?);
        let value = format!("{PREFIX}{payload}.{}", signature(keys, &payload));
        if value.len() <= MAX_LEN || state.flashes.is_empty() {
            return Some(value);
        }
        state.flashes.remove(0);
    }
}

/// The state of a cookie value, when it is an anonymous cookie with a right signature.
pub(crate) fn decode<F: DeserializeOwned>(
    keys: &TokenKeys,
    value: &str,
) -> Option<AnonymousState<F>> {
    if value.len() > MAX_LEN {
        return None;
    }
    let (payload, sig) = value.strip_prefix(PREFIX)?.split_once('.')?;
    if !constant_time_eq(&signature(keys, payload), sig) {
        return None;
    }
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tampering() {
        let keys = TokenKeys::new(b"a key for the tests of anonymous cookies");
        let state = AnonymousState {
            csrf_secret: Some("secret".to_owned()),
            flashes: vec!["one".to_owned()],
        };
        let value = encode(&keys, state).unwrap();
        let back: AnonymousState<String> = decode(&keys, &value).unwrap();
        assert_eq!(back.csrf_secret.as_deref(), Some("secret"));
        assert_eq!(back.flashes, ["one"]);
        let other = TokenKeys::new(b"another key entirely, not the same one");
        assert!(decode::<String>(&other, &value).is_none());
        assert!(decode::<String>(&keys, &value.replace("a.", "a.x")).is_none());
        let empty = AnonymousState::<String> {
            csrf_secret: None,
            flashes: Vec::new(),
        };
        assert!(encode(&keys, empty).is_none());
        let big = AnonymousState {
            csrf_secret: Some("s".to_owned()),
            flashes: vec!["x".repeat(1000); 10],
        };
        let value = encode(&keys, big).unwrap();
        assert!(value.len() <= MAX_LEN);
        let back: AnonymousState<String> = decode(&keys, &value).unwrap();
        assert!(!back.flashes.is_empty() && back.flashes.len() < 10);
    }
}
