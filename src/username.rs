//! Usernames: how they are checked and normalised, and finding a user by e-mail or username.
//!
//! A username is trimmed and NFKC-normalised, may hold only letters and digits (of any script),
//! and is between `username_min_length` and `username_max_length` characters. Its case is kept
//! for display; look-ups and the unique key ignore it, so `Ann` and `ann` are one username.

use unicode_normalization::UnicodeNormalization;

use crate::config::SecurityConfig;
use crate::datastore::{DatastoreResult, User, UserDatastore, UserQuery};

/// Why a username was refused; the messages are Flask-Security-Too's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsernameError {
    /// Empty.
    #[error("Username not provided")]
    NotProvided,
    /// Holds something other than letters and digits.
    #[error("Username can contain only letters and numbers")]
    DisallowedCharacters,
    /// Too short or too long.
    #[error("Username must be at least {min} characters and less than {max} characters")]
    InvalidLength {
        /// `username_min_length`.
        min: usize,
        /// `username_max_length`.
        max: usize,
    },
    /// Another account has it.
    #[error("{0} is already associated with an account.")]
    Taken(String),
}

/// Checks a username typed by a person and returns it normalised.
///
/// # Example
///
/// ```
/// use rocket_security::{validate_username, SecurityConfig, UsernameError};
///
/// let config = SecurityConfig::default();
/// assert_eq!(validate_username(&config, " Zoë2000 ").unwrap(), "Zoë2000");
/// assert_eq!(
///     validate_username(&config, "zoe 2000"),
///     Err(UsernameError::DisallowedCharacters)
/// );
/// ```
pub fn validate_username(config: &SecurityConfig, raw: &str) -> Result<String, UsernameError> {
    let username: String = raw.trim().nfkc().collect();
    if username.is_empty() {
        return Err(UsernameError::NotProvided);
    }
    if !username.chars().all(char::is_alphanumeric) {
        return Err(UsernameError::DisallowedCharacters);
    }
    let length = username.chars().count();
    if length < config.username_min_length || length > config.username_max_length {
        return Err(UsernameError::InvalidLength {
            min: config.username_min_length,
            max: config.username_max_length,
        });
    }
    Ok(username)
}

/// Finds the user an identity typed at sign-in names: an e-mail address, or (when users may
/// sign in with their username) a username. Unknown or malformed identities find nobody.
pub async fn find_by_identity(
    store: &dyn UserDatastore,
    config: &SecurityConfig,
    identity: &str,
) -> DatastoreResult<Option<User>> {
    let identity = identity.trim();
    if identity.contains('@') {
        return store.find_user(UserQuery::Email(identity)).await;
    }
    if !config.signs_in_with_username() {
        return Ok(None);
    }
    match validate_username(config, identity) {
        Ok(username) => store.find_user(UserQuery::Username(&username)).await,
        Err(_) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_letters_and_digits_of_any_script() {
        let config = SecurityConfig::default();
        assert_eq!(validate_username(&config, "Ñandú42").unwrap(), "Ñandú42");
        assert_eq!(validate_username(&config, "Влад").unwrap(), "Влад");
        // Full-width letters normalise to their usual form.
        assert_eq!(validate_username(&config, "ＡＢＣＤ").unwrap(), "ABCD");
        for bad in ["ann.lee", "ann lee", "ann<b>", "ann\u{0}x", "ann_lee"] {
            assert_eq!(
                validate_username(&config, bad),
                Err(UsernameError::DisallowedCharacters),
                "{bad:?}"
            );
        }
        assert_eq!(
            validate_username(&config, "  "),
            Err(UsernameError::NotProvided)
        );
    }

    #[test]
    fn lengths_are_checked_in_characters() {
        let config = SecurityConfig::default();
        let error = UsernameError::InvalidLength { min: 4, max: 32 };
        assert_eq!(validate_username(&config, "abc"), Err(error.clone()));
        assert_eq!(
            validate_username(&config, &"a".repeat(33)),
            Err(error.clone())
        );
        assert!(validate_username(&config, &"ü".repeat(32)).is_ok());
        assert_eq!(
            error.to_string(),
            "Username must be at least 4 characters and less than 32 characters"
        );
    }
}
