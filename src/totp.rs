//! Authenticator codes (RFC 6238: 6 digits, 30-second steps, HMAC-SHA1), QR codes, and
//! encryption at rest of the secrets behind them.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore;
use totp_rs::{Algorithm, TOTP};

use crate::token::{constant_time_eq, TokenKeys, TokenPurpose};

const STEP: u64 = 30;
const DIGITS: usize = 6;

/// A fresh 160-bit authenticator secret.
pub(crate) fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    secret
}

fn totp(secret: &[u8], issuer: Option<&str>, account: &str) -> TOTP {
    TOTP::new_unchecked(
        Algorithm::SHA1,
        DIGITS,
        0,
        STEP,
        secret.to_vec(),
        issuer.map(str::to_owned),
        account.to_owned(),
    )
}

/// The secret in base32 without padding, as authenticator apps take it.
pub(crate) fn base32(secret: &[u8]) -> String {
    totp(secret, None, "").get_secret_base32()
}

/// The base32 secret in groups of four: `ABCD-EFGH-...`.
pub(crate) fn grouped(b32: &str) -> String {
    b32.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// The `otpauth://totp/...` URI of a secret.
pub(crate) fn uri(secret: &[u8], issuer: &str, account: &str) -> String {
    totp(secret, Some(issuer), account).get_url()
}

/// The URI as an inline SVG QR code.
pub(crate) fn qr_svg(uri: &str) -> String {
    match qrcode::QrCode::new(uri.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

/// The code of a secret at a Unix time.
pub(crate) fn code_at(secret: &[u8], unix_time: u64) -> String {
    totp(secret, None, "").generate(unix_time)
}

/// The time step whose code `code` is, within `window_secs` either side of `unix_time`.
/// The comparison is constant-time.
pub(crate) fn matching_step(
    secret: &[u8],
    code: &str,
    unix_time: u64,
    window_secs: u64,
) -> Option<u64> {
    let code = code.trim().replace([' ', '-'], "");
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let span = window_secs / STEP;
    let current = unix_time / STEP;
    let mut found = None;
    for step in current.saturating_sub(span)..=current + span {
        if constant_time_eq(&code_at(secret, step * STEP), &code) {
            found = Some(step);
        }
    }
    found
}

/// A random numeric code of six digits (mailed codes).
pub(crate) fn random_code() -> String {
    let n = rand::rngs::OsRng.next_u32() % 1_000_000;
    format!("{n:06}")
}

/// Encrypts secrets at rest (authenticator secrets, recovery codes) with ChaCha20-Poly1305.
///
/// Keys come from `security.totp_secrets` (version → secret, the highest version encrypts;
/// older ones still decrypt, for rotation), or from the application's `secret_key` when that is
/// empty. Stored form: `v<version>:<base64url(nonce ‖ ciphertext)>`.
#[derive(Clone)]
pub(crate) struct SecretBox {
    keys: Vec<(String, [u8; 32])>,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox([redacted])")
    }
}

impl SecretBox {
    pub fn new(
        app_keys: &TokenKeys,
        rotation: &std::collections::BTreeMap<String, String>,
    ) -> Self {
        let mut keys: Vec<(String, [u8; 32])> = rotation
            .iter()
            .map(|(version, secret)| {
                let derived = TokenKeys::new(secret.as_bytes())
                    .sign_bytes(TokenPurpose::SetupState, b"secret-box");
                (version.clone(), derived)
            })
            .collect();
        if keys.is_empty() {
            keys.push((
                "0".into(),
                app_keys.sign_bytes(TokenPurpose::SetupState, b"secret-box"),
            ));
        }
        keys.sort_by_key(|(version, _)| version_order(version));
        SecretBox { keys }
    }

    pub fn seal(&self, plaintext: &[u8]) -> String {
        let (version, key) = self.keys.last().expect("at least one key");
        let cipher = ChaCha20Poly1305::new(Key::from_slice(key));
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ciphertext = cipher
            .encrypt(Nonce::from_slice(&nonce), plaintext)
            .expect("encryption of in-memory data does not fail");
        let mut blob = nonce.to_vec();
        blob.extend(ciphertext);
        format!("v{version}:{}", URL_SAFE_NO_PAD.encode(blob))
    }

    pub fn open(&self, sealed: &str) -> Option<Vec<u8>> {
        let (version, body) = sealed.strip_prefix('v')?.split_once(':')?;
        let (_, key) = self.keys.iter().find(|(v, _)| v == version)?;
        let blob = URL_SAFE_NO_PAD.decode(body).ok()?;
        if blob.len() < 12 {
            return None;
        }
        let (nonce, ciphertext) = blob.split_at(12);
        ChaCha20Poly1305::new(Key::from_slice(key))
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .ok()
    }
}

fn version_order(version: &str) -> (u64, String) {
    (version.parse().unwrap_or(0), version.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_sha1_vectors() {
        // RFC 6238 appendix B, SHA-1 secret, truncated to 6 digits.
        let secret = b"12345678901234567890";
        assert_eq!(code_at(secret, 59), "287082");
        assert_eq!(code_at(secret, 1_111_111_109), "081804");
        assert_eq!(code_at(secret, 2_000_000_000), "279037");
    }

    #[test]
    fn window_and_garbage() {
        let secret = new_secret();
        let now = 1_700_000_000;
        let code = code_at(&secret, now - 90);
        assert_eq!(
            matching_step(&secret, &code, now, 120),
            Some((now - 90) / 30)
        );
        assert_eq!(matching_step(&secret, &code, now, 30), None);
        for bad in ["", "12345", "1234567", "abcdef", "１２３４５６"] {
            assert_eq!(matching_step(&secret, bad, now, 120), None, "{bad}");
        }
    }

    #[test]
    fn grouping_and_uri() {
        assert_eq!(grouped("ABCDEFGHIJ"), "ABCD-EFGH-IJ");
        let secret = new_secret();
        let uri = uri(&secret, "fsref", "joe@example.com");
        assert!(uri.starts_with("otpauth://totp/fsref:"), "{uri}");
        assert!(uri.contains(&format!("secret={}", base32(&secret))));
        assert!(uri.contains("issuer=fsref"));
        assert!(qr_svg(&uri).contains("<svg"));
    }

    #[test]
    fn secret_box_round_trip_rotation_and_tamper() {
        let app = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let old: std::collections::BTreeMap<String, String> =
            [("1".to_string(), "old secret".to_string())].into();
        let sealed_old = SecretBox::new(&app, &old).seal(b"hello");
        let mut both = old.clone();
        both.insert("2".into(), "new secret".into());
        let rotated = SecretBox::new(&app, &both);
        assert_eq!(rotated.open(&sealed_old).as_deref(), Some(&b"hello"[..]));
        let sealed_new = rotated.seal(b"hello");
        assert!(sealed_new.starts_with("v2:"));
        assert!(!sealed_new.contains("hello"));
        let mut tampered = sealed_new.clone();
        tampered.pop();
        tampered.push(if sealed_new.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(rotated.open(&tampered), None);
        assert_eq!(
            SecretBox::new(&app, &Default::default()).open(&sealed_new),
            None
        );
    }
}
