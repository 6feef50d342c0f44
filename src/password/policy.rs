//! The password policy: length, strength and the offline list of breached passwords.
//!
//! It follows NIST SP 800-63B: a minimum length (8 by default; NIST asks for 15 when the
//! password is the only factor), a maximum of at least 64 characters, every printable Unicode
//! character and spaces allowed, and new passwords checked against passwords known from
//! breaches. Lengths are counted in characters of the NFKC-normalised password, so a letter
//! typed as one composed character or as a letter plus an accent counts the same.
//!
//! The breached list ships with the crate (`data/breached-passwords.bin`): the 300,000 most
//! common passwords of the SecLists project (MIT licence), as sorted 5-byte prefixes of their
//! SHA-256, looked up by binary search without any network call. `scripts/breached_passwords.py`
//! rebuilds it.

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use crate::config::{ComplexityChecker, SecurityConfig};

use super::{PasswordPolicyError, StrengthAdvice};

/// The embedded list: sorted, concatenated 5-byte SHA-256 prefixes.
static BREACHED: &[u8] = include_bytes!("../../data/breached-passwords.bin");
const PREFIX: usize = 5;

/// zxcvbn's work grows with the length; it sees at most this many characters.
const ZXCVBN_MAX_CHARS: usize = 100;

/// What a new password must satisfy, read from the configuration.
///
/// # Example
///
/// ```
/// use rocket_security::{PasswordPolicy, PasswordPolicyError};
///
/// let policy = PasswordPolicy {
///     check_breached: true,
///     ..PasswordPolicy::default()
/// };
/// assert_eq!(policy.check("password123", &[]), Err(PasswordPolicyError::Breached));
/// assert!(policy.check("plum orchard at dusk", &[]).is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordPolicy {
    /// Fewest characters (`password_length_min`).
    pub length_min: usize,
    /// Most characters (`password_length_max`).
    pub length_max: usize,
    /// The strength check, if any (`password_complexity_checker`).
    pub complexity: Option<ComplexityChecker>,
    /// The lowest zxcvbn score accepted, 0 to 4 (`zxcvbn_minimum_score`).
    pub zxcvbn_minimum_score: u8,
    /// Refuse passwords on the breached list (`password_check_breached`).
    pub check_breached: bool,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            length_min: 8,
            length_max: 128,
            complexity: None,
            zxcvbn_minimum_score: 3,
            check_breached: false,
        }
    }
}

impl PasswordPolicy {
    /// The policy the configuration describes.
    pub fn from_config(config: &SecurityConfig) -> Self {
        PasswordPolicy {
            length_min: config.password_length_min,
            length_max: config.password_length_max,
            complexity: config.password_complexity_checker,
            zxcvbn_minimum_score: config.zxcvbn_minimum_score,
            check_breached: config.password_check_breached,
        }
    }

    /// Checks a new password. `user_inputs` are words the password must not lean on, such as
    /// the account's e-mail address and username; zxcvbn counts them as easy to guess.
    ///
    /// The first problem found is returned: length, then the breached list, then strength.
    pub fn check(&self, password: &str, user_inputs: &[&str]) -> Result<(), PasswordPolicyError> {
        let password: String = password.nfkc().collect();
        let length = password.chars().count();
        if length < self.length_min {
            return Err(PasswordPolicyError::TooShort {
                min: self.length_min,
            });
        }
        if length > self.length_max {
            return Err(PasswordPolicyError::TooLong {
                max: self.length_max,
            });
        }
        if self.check_breached && is_breached(&password) {
            return Err(PasswordPolicyError::Breached);
        }
        match self.complexity {
            Some(ComplexityChecker::Zxcvbn) => {
                check_strength(&password, user_inputs, self.zxcvbn_minimum_score)
            }
            None => Ok(()),
        }
    }
}

/// Whether the password (or its lower-case form) is on the embedded list of common breached
/// passwords.
pub fn is_breached(password: &str) -> bool {
    let password: String = password.nfkc().collect();
    let lower = password.to_lowercase();
    listed(&password) || (lower != password && listed(&lower))
}

fn listed(password: &str) -> bool {
    let digest = Sha256::digest(password.as_bytes());
    let wanted = &digest[..PREFIX];
    let (mut low, mut high) = (0, BREACHED.len() / PREFIX);
    while low < high {
        let middle = low + (high - low) / 2;
        let entry = &BREACHED[middle * PREFIX..(middle + 1) * PREFIX];
        match entry.cmp(wanted) {
            std::cmp::Ordering::Less => low = middle + 1,
            std::cmp::Ordering::Greater => high = middle,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

fn check_strength(
    password: &str,
    user_inputs: &[&str],
    minimum: u8,
) -> Result<(), PasswordPolicyError> {
    let end = password
        .char_indices()
        .nth(ZXCVBN_MAX_CHARS)
        .map_or(password.len(), |(at, _)| at);
    // zxcvbn matches whole words: give it the inputs and their parts, so a password built
    // from "jane" and "doe" is known to lean on "jane.doe@example.com".
    let mut inputs: Vec<&str> = Vec::new();
    for input in user_inputs.iter().filter(|i| !i.is_empty()) {
        inputs.push(input);
        inputs.extend(
            input
                .split(|c: char| !c.is_alphanumeric())
                .filter(|part| part.chars().count() >= 3),
        );
    }
    let entropy = zxcvbn::zxcvbn(&password[..end], &inputs);
    if u8::from(entropy.score()) >= minimum {
        return Ok(());
    }
    Err(PasswordPolicyError::TooWeak {
        advice: StrengthAdvice::from_feedback(entropy.feedback()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zxcvbn_policy() -> PasswordPolicy {
        PasswordPolicy {
            complexity: Some(ComplexityChecker::Zxcvbn),
            ..PasswordPolicy::default()
        }
    }

    #[test]
    fn the_list_is_sorted_whole_entries() {
        assert_eq!(BREACHED.len() % PREFIX, 0);
        assert!(BREACHED.len() / PREFIX >= 100_000);
        assert!(BREACHED
            .chunks(PREFIX)
            .zip(BREACHED.chunks(PREFIX).skip(1))
            .all(|(a, b)| a < b));
    }

    #[test]
    fn common_passwords_are_breached_and_rare_ones_are_not() {
        for common in [
            "password",
            "12345678",
            "iloveyou",
            "Password1",
            "PASSWORD",
            "qwertyuiop",
        ] {
            assert!(is_breached(common), "{common}");
        }
        for rare in [
            "plum orchard at dusk",
            "Vq8#wL2!mZ7r",
            "ñandú-glacier-1987-violin",
        ] {
            assert!(!is_breached(rare), "{rare}");
        }
    }

    #[test]
    fn breached_check_is_off_unless_asked() {
        assert!(PasswordPolicy::default().check("password123", &[]).is_ok());
    }

    #[test]
    fn weak_passwords_get_zxcvbn_feedback() {
        let err = zxcvbn_policy().check("abcdefgh", &[]).unwrap_err();
        let PasswordPolicyError::TooWeak { advice } = &err else {
            panic!("expected TooWeak, got {err:?}");
        };
        assert!(!advice.is_empty());
        assert!(err.to_string().starts_with("Password not complex enough"));
    }

    #[test]
    fn the_users_own_address_makes_a_password_weak() {
        let policy = zxcvbn_policy();
        let inputs = ["zephyrine.kwabena@example.com"];
        assert!(policy.check("zephyrinekwabena", &[]).is_ok());
        assert!(matches!(
            policy.check("zephyrinekwabena", &inputs),
            Err(PasswordPolicyError::TooWeak { .. })
        ));
    }

    #[test]
    fn strong_passphrases_pass_zxcvbn() {
        assert!(zxcvbn_policy()
            .check("correct plum orchard whistles at dusk", &[])
            .is_ok());
    }

    #[test]
    fn lengths_count_composed_characters_and_allow_spaces_and_symbols() {
        let policy = PasswordPolicy {
            length_min: 8,
            length_max: 64,
            ..PasswordPolicy::default()
        };
        // Eight characters whether "é" arrives composed or as "e" plus a combining accent.
        assert!(policy.check("ééééééé ", &[]).is_ok());
        assert!(policy
            .check(
                "e\u{301}e\u{301}e\u{301}e\u{301}e\u{301}e\u{301}e\u{301} ",
                &[]
            )
            .is_ok());
        assert_eq!(
            policy.check("e\u{301}e\u{301}e\u{301}", &[]),
            Err(PasswordPolicyError::TooShort { min: 8 })
        );
        assert!(policy.check("🔑 my key — ключ 🗝️", &[]).is_ok());
        assert!(policy.check(&"a".repeat(64), &[]).is_ok());
        assert_eq!(
            policy.check(&"a".repeat(65), &[]),
            Err(PasswordPolicyError::TooLong { max: 64 })
        );
    }
}
