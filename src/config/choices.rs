//! The closed sets of the configuration: sign-in methods, two-factor methods, logout methods,
//! the password hash scheme, authentication mechanisms, identity attributes and mail transports.
//!
//! Each is written in `Rocket.toml` as the string Flask-Security-Too uses (matched without
//! regard to case) and refused at launch, naming the key and the value, when it is none of them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a string is none of the values of a closed set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown value {value:?}, expected one of {}", .expected.join(", "))]
pub struct UnknownChoice {
    value: String,
    expected: &'static [&'static str],
}

/// An enum written as one of a fixed set of strings: `as_str`, `Display`, `FromStr` (case
/// insensitive) and serde through the string.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in the order of the documentation.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            const NAMES: &'static [&'static str] = &[$($text),+];

            /// The string written in `Rocket.toml` and sent on the wire.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// The value written exactly `text`, as forms and stored data write it (settings
            /// are read without regard to case, through `FromStr`).
            pub fn from_exact(text: &str) -> Option<Self> {
                $name::ALL.iter().copied().find(|choice| choice.as_str() == text)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownChoice;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::ALL
                    .iter()
                    .copied()
                    .find(|choice| choice.as_str().eq_ignore_ascii_case(s.trim()))
                    .ok_or_else(|| UnknownChoice {
                        value: s.to_owned(),
                        expected: $name::NAMES,
                    })
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                self.as_str() == other
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

string_enum! {
    /// A method of unified sign-in (`us_enabled_methods`, `us_mfa_required`): what a user
    /// may type in the passcode field of `/us-signin`.
    pub enum UnifiedMethod {
        /// The account's password.
        Password => "password",
        /// A code mailed to the account's address (and its magic link).
        Email => "email",
        /// A code of an authenticator app.
        Authenticator => "authenticator",
    }
}

impl UnifiedMethod {
    /// Whether the method delivers a code to the user (`code_methods` of `/us-signin`).
    pub fn sends_code(self) -> bool {
        self == UnifiedMethod::Email
    }
}

string_enum! {
    /// How new passwords are scored for strength (`password_complexity_checker`).
    pub enum ComplexityChecker {
        /// zxcvbn's guess-based score, compared with `zxcvbn_minimum_score`.
        Zxcvbn => "zxcvbn",
    }
}

string_enum! {
    /// A second factor (`two_factor_enabled_methods`, and a user's `tf_primary_method`).
    pub enum TwoFactorMethod {
        /// A code of an authenticator app (RFC 6238 TOTP).
        Authenticator => "authenticator",
    }
}

string_enum! {
    /// An HTTP method `/logout` answers (`logout_methods`).
    pub enum LogoutMethod {
        /// `POST /logout`, protected by the same-site session cookie.
        Post => "POST",
        /// `GET /logout`: any page can sign the user out with a link or an image.
        Get => "GET",
    }
}

string_enum! {
    /// The password hash scheme (`password_hash`).
    pub enum PasswordHashScheme {
        /// Argon2id, in PHC strings.
        Argon2 => "argon2",
    }
}

string_enum! {
    /// How a request is authenticated (`csrf_protect_mechanisms`).
    pub enum AuthMechanism {
        /// The session cookie (or the remember-me cookie).
        Session => "session",
        /// HTTP Basic credentials.
        Basic => "basic",
        /// An auth token, in the header, the query or the JSON body.
        Token => "token",
    }
}

string_enum! {
    /// An attribute a user may sign in with (`user_identity_attributes`).
    pub enum IdentityAttribute {
        /// The e-mail address, case-insensitive.
        Email => "email",
        /// The username (with `username_enable`), case-insensitive.
        Username => "username",
    }
}

string_enum! {
    /// How mail leaves the application: the scheme of `mail.url`.
    pub enum MailTransport {
        /// `log`: links printed to the console.
        Log => "log",
        /// `file://DIR`: one `.eml` file a mail.
        File => "file",
        /// `smtp://host:port`: plain SMTP, or STARTTLS with `?tls=required`.
        Smtp => "smtp",
        /// `smtps://host:port`: SMTP over TLS from the first byte.
        Smtps => "smtps",
    }
}

impl MailTransport {
    /// The transport a `mail.url` names: `log`, or the scheme before its `:`; `None` for
    /// anything else.
    pub fn of_url(url: &str) -> Option<Self> {
        let url = url.trim();
        if url.eq_ignore_ascii_case("log") {
            return Some(MailTransport::Log);
        }
        let (scheme, _) = url.split_once(':')?;
        scheme
            .parse()
            .ok()
            .filter(|transport| *transport != MailTransport::Log)
    }
}

string_enum! {
    /// How a user signed in, as reported by
    /// [`SecurityEvent::UserAuthenticated`](crate::SecurityEvent).
    pub enum SignInMethod {
        /// A password, at `/login`, `/us-signin` or by [`login_user`](crate::login_user).
        Password => "password",
        /// A mailed code at `/us-signin`.
        Email => "email",
        /// An authenticator code, as a second factor or at `/us-signin`.
        Authenticator => "authenticator",
        /// A recovery code, as a second factor.
        RecoveryCode => "recovery_code",
        /// The magic link of a mailed sign-in code.
        MagicLink => "magic_link",
        /// Registration, when it signs the new user in.
        Register => "register",
        /// A confirmation link, with `auto_login_after_confirm`.
        Confirm => "confirm",
        /// A password reset, with `auto_login_after_reset`.
        Reset => "reset",
        /// A passkey (WebAuthn), on its own at `/wan-signin` or as the second factor.
        Passkey => "passkey",
    }
}

impl From<UnifiedMethod> for SignInMethod {
    fn from(method: UnifiedMethod) -> Self {
        match method {
            UnifiedMethod::Password => SignInMethod::Password,
            UnifiedMethod::Email => SignInMethod::Email,
            UnifiedMethod::Authenticator => SignInMethod::Authenticator,
        }
    }
}

impl From<TwoFactorMethod> for SignInMethod {
    fn from(method: TwoFactorMethod) -> Self {
        match method {
            TwoFactorMethod::Authenticator => SignInMethod::Authenticator,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_round_trip_and_ignore_case() {
        for method in UnifiedMethod::ALL {
            assert_eq!(method.as_str().parse::<UnifiedMethod>(), Ok(*method));
        }
        assert_eq!("post".parse::<LogoutMethod>(), Ok(LogoutMethod::Post));
        assert_eq!(
            "Argon2".parse::<PasswordHashScheme>(),
            Ok(PasswordHashScheme::Argon2)
        );
        let json = serde_json::to_value([LogoutMethod::Post]).unwrap();
        assert_eq!(json, serde_json::json!(["POST"]));
    }

    #[test]
    fn unknown_values_are_named_with_the_choices() {
        let error = "sms".parse::<UnifiedMethod>().unwrap_err().to_string();
        assert_eq!(
            error,
            "unknown value \"sms\", expected one of password, email, authenticator"
        );
    }

    #[test]
    fn mail_transports_by_scheme() {
        assert_eq!(MailTransport::of_url(" LOG "), Some(MailTransport::Log));
        assert_eq!(
            MailTransport::of_url("file://out"),
            Some(MailTransport::File)
        );
        assert_eq!(
            MailTransport::of_url("SMTP://h:25"),
            Some(MailTransport::Smtp)
        );
        assert_eq!(
            MailTransport::of_url("smtps://h"),
            Some(MailTransport::Smtps)
        );
        for bad in [
            "",
            "log:",
            "sendmail:///usr/sbin/sendmail",
            "smtp.example.com",
        ] {
            assert_eq!(MailTransport::of_url(bad), None, "{bad}");
        }
    }
}
