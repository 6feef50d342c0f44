//! `SecurityConfig`: every setting under `[<profile>.security]`, typed, with its default.
//!
//! Names follow Flask-Security-Too's, lower-case and without the `SECURITY_` prefix. Durations
//! are written the way Flask-Security-Too's `*_WITHIN` settings are: `"10 seconds"`,
//! `"2 hours"`, `"5 days"`.

mod choices;
mod duration;
mod mail;
mod settings;

use std::collections::BTreeMap;

use rocket::figment::{Figment, Profile};

pub use choices::{
    AuthMechanism, ComplexityChecker, IdentityAttribute, LogoutMethod, MailTransport,
    PasswordHashScheme, SignInMethod, TwoFactorMethod, UnifiedMethod, UnknownChoice,
};
pub use duration::{MalformedDuration, TimeUnit, WithinDelta};
pub(crate) use mail::redact_url;
pub use mail::MailConfig;
pub use settings::SecurityConfig;

/// Why the configuration was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A key has the wrong type or a malformed value; figment's message names the key.
    #[error("invalid security configuration: {0}")]
    Invalid(#[from] Box<rocket::figment::Error>),
    /// A setting that must be given is missing.
    #[error("missing setting `{key}`: {hint}")]
    Missing {
        /// The key, for example `security.password_salt`.
        key: &'static str,
        /// What to do about it.
        hint: &'static str,
    },
    /// A setting has a value that cannot work.
    #[error("unsupported value for `security.{key}`: {reason}")]
    Unsupported {
        /// The key under `security`.
        key: &'static str,
        /// Why.
        reason: String,
    },
}

impl SecurityConfig {
    /// Reads the `security` table of a figment (Rocket's, in an application) and checks it.
    ///
    /// Returns the config and the unknown keys found, which the caller should warn about.
    pub fn from_figment(figment: &Figment) -> Result<(Self, Vec<String>), ConfigError> {
        let mut config: SecurityConfig = if figment.contains("security") {
            figment
                .extract_inner("security")
                .map_err(|e| ConfigError::Invalid(Box::new(e)))?
        } else {
            SecurityConfig::default()
        };
        config.check()?;
        if config.username_enable && !config.signs_in_with_username() {
            config
                .user_identity_attributes
                .push(IdentityAttribute::Username);
        }
        Ok((config, unknown_keys(figment)))
    }

    /// Whether users may sign in with their username (`username_enable`, and `"username"` in
    /// `user_identity_attributes`).
    pub fn signs_in_with_username(&self) -> bool {
        self.username_enable
            && self
                .user_identity_attributes
                .contains(&IdentityAttribute::Username)
    }

    /// Looks a lifetime setting up by name, as Flask-Security-Too's `get_within_delta` does.
    ///
    /// ```
    /// use rocket_security::SecurityConfig;
    ///
    /// let config = SecurityConfig::default();
    /// let within = config.get_within_delta("change_email_within").unwrap();
    /// assert_eq!(within.as_secs(), 2 * 3600);
    /// assert!(config.get_within_delta("no_such_key").is_none());
    /// ```
    pub fn get_within_delta(&self, key: &str) -> Option<&WithinDelta> {
        let key = key.trim_start_matches("SECURITY_").to_ascii_lowercase();
        Some(match key.as_str() {
            "confirm_email_within" => &self.confirm_email_within,
            "reset_password_within" => &self.reset_password_within,
            "change_email_within" => &self.change_email_within,
            "freshness" => &self.freshness,
            "freshness_grace_period" => &self.freshness_grace_period,
            "session_idle_timeout" => &self.session_idle_timeout,
            "session_absolute_timeout" => &self.session_absolute_timeout,
            "remember_cookie_duration" => &self.remember_cookie_duration,
            "activity_keep" => &self.activity_keep,
            "two_factor_login_validity" => &self.two_factor_login_validity,
            "code_attempts_window" => &self.code_attempts_window,
            "mail_limit_within" => &self.mail_limit_within,
            "lockout_within" => &self.lockout_within,
            "lockout_duration" => &self.lockout_duration,
            "ip_failures_within" => &self.ip_failures_within,
            "csrf_time_limit" => &self.csrf_time_limit,
            "token_max_age" => &self.token_max_age,
            "two_factor_authenticator_validity" => &self.two_factor_authenticator_validity,
            "two_factor_mail_validity" => &self.two_factor_mail_validity,
            "us_token_validity" => &self.us_token_validity,
            _ => return None,
        })
    }

    /// Whether cookies get the `Secure` flag, given whether the request came over HTTPS:
    /// `cookie_secure`, else its older name `session_cookie_secure`, else `https`.
    pub fn cookie_secure(&self, https: bool) -> bool {
        self.cookie_secure
            .or(self.session_cookie_secure)
            .unwrap_or(https)
    }

    /// Whether a passkey may be the second factor: `wan_allow_as_second_factor` when set,
    /// else `wan_allow_as_multi_factor`.
    pub fn wan_multi_factor(&self) -> bool {
        self.wan_allow_as_second_factor
            .unwrap_or(self.wan_allow_as_multi_factor)
    }

    /// The path of a security route under `url_prefix`, for example `"/auth/login"`.
    pub fn route_path(&self, path: &str) -> String {
        format!("{}{}", self.url_prefix.trim_end_matches('/'), path)
    }

    fn check(&self) -> Result<(), ConfigError> {
        self.check_passwords_and_usernames()?;
        if self.mail.transport().is_none() {
            return Err(ConfigError::Unsupported {
                key: "mail.url",
                reason: format!(
                    "{:?}; write smtp://host:port (add ?tls=required for STARTTLS), \
                     smtps://host:port, file://DIR or log",
                    redact_url(&self.mail.url)
                ),
            });
        }
        if self.mail_limit < 1 {
            return Err(ConfigError::Unsupported {
                key: "mail_limit",
                reason: "at least one mail of each kind must be allowed".into(),
            });
        }
        if let Some(server) = &self.server_name {
            let valid = url::Url::parse(server).is_ok_and(|url| {
                matches!(url.scheme(), "http" | "https")
                    && url.host_str().is_some()
                    && url.query().is_none()
                    && url.username().is_empty()
            });
            if !valid {
                return Err(ConfigError::Unsupported {
                    key: "server_name",
                    reason: format!(
                        "{server:?}; write the site's URL, e.g. \"https://app.example.com\""
                    ),
                });
            }
        }
        self.check_passkeys()?;
        if !self.url_prefix.is_empty() && !self.url_prefix.starts_with('/') {
            return Err(ConfigError::Unsupported {
                key: "url_prefix",
                reason: "it must start with '/'".into(),
            });
        }
        Ok(())
    }

    /// The relying party id of passkeys must be the site's host or a suffix of it.
    fn check_passkeys(&self) -> Result<(), ConfigError> {
        let (true, Some(rp_id), Some(server)) = (self.webauthn, &self.wan_rp_id, &self.server_name)
        else {
            return Ok(());
        };
        let host = url::Url::parse(server)
            .ok()
            .and_then(|url| url.host_str().map(str::to_owned))
            .unwrap_or_default();
        if host == *rp_id || host.ends_with(&format!(".{rp_id}")) {
            return Ok(());
        }
        Err(ConfigError::Unsupported {
            key: "wan_rp_id",
            reason: format!(
                "{rp_id:?} is not the host of server_name ({host:?}) nor a suffix of it"
            ),
        })
    }

    /// The password policy and username settings.
    fn check_passwords_and_usernames(&self) -> Result<(), ConfigError> {
        if self.argon2_memory_kib < 8 * self.argon2_parallelism.max(1)
            || self.argon2_iterations == 0
        {
            return Err(ConfigError::Unsupported {
                key: "argon2_memory_kib",
                reason: "argon2 needs at least 8 KiB a lane and one iteration".into(),
            });
        }
        if self.password_length_min > self.password_length_max {
            return Err(ConfigError::Unsupported {
                key: "password_length_min",
                reason: "it is larger than password_length_max".into(),
            });
        }
        if self.password_length_max < 64 {
            return Err(ConfigError::Unsupported {
                key: "password_length_max",
                reason: format!(
                    "{}; it must allow at least 64 characters",
                    self.password_length_max
                ),
            });
        }
        if self.zxcvbn_minimum_score > 4 {
            return Err(ConfigError::Unsupported {
                key: "zxcvbn_minimum_score",
                reason: format!(
                    "{}; zxcvbn scores run from 0 to 4",
                    self.zxcvbn_minimum_score
                ),
            });
        }
        if !self.username_enable
            && self
                .user_identity_attributes
                .contains(&IdentityAttribute::Username)
        {
            return Err(ConfigError::Unsupported {
                key: "user_identity_attributes",
                reason: "\"username\" needs username_enable".into(),
            });
        }
        if self.username_min_length == 0 || self.username_min_length > self.username_max_length {
            return Err(ConfigError::Unsupported {
                key: "username_min_length",
                reason: "it must be at least 1 and at most username_max_length".into(),
            });
        }
        Ok(())
    }
}

/// The keys under `security` (and `security.mail`) that no setting reads.
fn unknown_keys(figment: &Figment) -> Vec<String> {
    let known = serde_json::to_value(SecurityConfig::default()).unwrap_or_default();
    let known_mail = serde_json::to_value(MailConfig::default()).unwrap_or_default();
    let Ok(dict) = figment.extract_inner::<rocket::figment::value::Dict>("security") else {
        return Vec::new();
    };
    let mut unknown = Vec::new();
    for (key, value) in &dict {
        if known.get(key).is_none() && !key.starts_with("msg_") {
            unknown.push(format!("security.{key}"));
        } else if key == "mail" {
            if let Some(mail) = value.as_dict() {
                unknown.extend(
                    mail.keys()
                        .filter(|k| known_mail.get(k.as_str()).is_none())
                        .map(|k| format!("security.mail.{k}")),
                );
            }
        }
    }
    unknown.sort();
    unknown
}

/// The English message overrides of the `security` table: its `msg_*` keys (Flask-Security-Too's
/// names) with their texts.
pub(crate) fn message_overrides(figment: &Figment) -> Result<BTreeMap<String, String>, String> {
    let Ok(dict) = figment.extract_inner::<rocket::figment::value::Dict>("security") else {
        return Ok(BTreeMap::new());
    };
    dict.iter()
        .filter(|(key, _)| key.starts_with("msg_"))
        .map(|(key, value)| match value.as_str() {
            Some(text) => Ok((key.clone(), text.to_owned())),
            None => Err(format!("security.{key} must be a string")),
        })
        .collect()
}

impl SecurityConfig {
    /// The configured mail subjects by setting name (`email_subject_*`, `us_email_subject`):
    /// the English subjects of the security mails.
    pub(crate) fn mail_subjects(&self) -> [(&'static str, &str); 19] {
        [
            ("email_subject_register", &self.email_subject_register),
            ("email_subject_confirm", &self.email_subject_confirm),
            (
                "email_subject_password_reset",
                &self.email_subject_password_reset,
            ),
            (
                "email_subject_password_notice",
                &self.email_subject_password_notice,
            ),
            (
                "email_subject_password_change_notice",
                &self.email_subject_password_change_notice,
            ),
            (
                "email_subject_change_email_instructions",
                &self.email_subject_change_email_instructions,
            ),
            ("email_subject_two_factor", &self.email_subject_two_factor),
            ("us_email_subject", &self.us_email_subject),
            (
                "email_subject_username_recovery",
                &self.email_subject_username_recovery,
            ),
            (
                "email_subject_username_change_notice",
                &self.email_subject_username_change_notice,
            ),
            (
                "email_subject_account_deleted",
                &self.email_subject_account_deleted,
            ),
            (
                "email_subject_change_email_notice",
                &self.email_subject_change_email_notice,
            ),
            (
                "email_subject_two_factor_disabled_notice",
                &self.email_subject_two_factor_disabled_notice,
            ),
            (
                "email_subject_two_factor_changed_notice",
                &self.email_subject_two_factor_changed_notice,
            ),
            (
                "email_subject_recovery_codes_notice",
                &self.email_subject_recovery_codes_notice,
            ),
            (
                "email_subject_us_setup_notice",
                &self.email_subject_us_setup_notice,
            ),
            (
                "email_subject_account_locked",
                &self.email_subject_account_locked,
            ),
            (
                "email_subject_passkey_added_notice",
                &self.email_subject_passkey_added_notice,
            ),
            (
                "email_subject_passkey_removed_notice",
                &self.email_subject_passkey_removed_notice,
            ),
        ]
    }
}

/// Whether the figment selects a release profile (secrets must then be configured).
pub(crate) fn is_release(figment: &Figment) -> bool {
    *figment.profile() == Profile::new("release")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_passkey_relying_party_must_suit_the_site() {
        let config = |rp_id: &str| SecurityConfig {
            webauthn: true,
            server_name: Some("https://app.example.com".into()),
            wan_rp_id: Some(rp_id.into()),
            ..SecurityConfig::default()
        };
        assert!(config("example.com").check_passkeys().is_ok());
        assert!(config("app.example.com").check_passkeys().is_ok());
        let refused = config("other.org").check_passkeys().unwrap_err();
        assert!(refused.to_string().contains("wan_rp_id"), "{refused}");
        assert!(config("ample.com").check_passkeys().is_err());
    }
}
