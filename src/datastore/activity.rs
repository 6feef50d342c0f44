//! The security activity of an account, as stored: one append-only row per event.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// What happened to an account, as recorded in its security activity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ActivityKind {
    /// Signed in (the method is the row's detail).
    SignIn,
    /// A sign-in with a wrong password or code.
    SignInFailed,
    /// Too many wrong passwords locked the account.
    Locked,
    /// The owner changed the password.
    PasswordChanged,
    /// The password was reset through a mailed link.
    PasswordReset,
    /// A change of e-mail address was confirmed.
    EmailChanged,
    /// The username changed.
    UsernameChanged,
    /// Two-factor authentication was turned on (or its method changed).
    TwoFactorOn,
    /// Two-factor authentication was turned off.
    TwoFactorOff,
    /// New recovery codes were generated.
    RecoveryCodesRegenerated,
    /// A sign-in method (unified sign-in) was added; the method is the detail.
    SignInMethodAdded,
    /// A sign-in method was removed; the method is the detail.
    SignInMethodRemoved,
    /// Sessions were ended from the sessions page or the command line.
    SessionEnded,
    /// A passkey was registered; its name is the detail.
    PasskeyAdded,
    /// A passkey signed in or confirmed the user; its name is the detail.
    PasskeyUsed,
    /// A passkey was removed; its name is the detail.
    PasskeyRemoved,
}

impl ActivityKind {
    /// Every kind, in declaration order.
    pub const ALL: [ActivityKind; 16] = [
        ActivityKind::SignIn,
        ActivityKind::SignInFailed,
        ActivityKind::Locked,
        ActivityKind::PasswordChanged,
        ActivityKind::PasswordReset,
        ActivityKind::EmailChanged,
        ActivityKind::UsernameChanged,
        ActivityKind::TwoFactorOn,
        ActivityKind::TwoFactorOff,
        ActivityKind::RecoveryCodesRegenerated,
        ActivityKind::SignInMethodAdded,
        ActivityKind::SignInMethodRemoved,
        ActivityKind::SessionEnded,
        ActivityKind::PasskeyAdded,
        ActivityKind::PasskeyUsed,
        ActivityKind::PasskeyRemoved,
    ];

    /// The name stored in the database and sent to JSON clients.
    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::SignIn => "sign_in",
            ActivityKind::SignInFailed => "sign_in_failed",
            ActivityKind::Locked => "locked",
            ActivityKind::PasswordChanged => "password_changed",
            ActivityKind::PasswordReset => "password_reset",
            ActivityKind::EmailChanged => "email_changed",
            ActivityKind::UsernameChanged => "username_changed",
            ActivityKind::TwoFactorOn => "two_factor_on",
            ActivityKind::TwoFactorOff => "two_factor_off",
            ActivityKind::RecoveryCodesRegenerated => "recovery_codes_regenerated",
            ActivityKind::SignInMethodAdded => "sign_in_method_added",
            ActivityKind::SignInMethodRemoved => "sign_in_method_removed",
            ActivityKind::SessionEnded => "session_ended",
            ActivityKind::PasskeyAdded => "passkey_added",
            ActivityKind::PasskeyUsed => "passkey_used",
            ActivityKind::PasskeyRemoved => "passkey_removed",
        }
    }

    /// What the activity page says.
    pub fn label(self) -> &'static str {
        match self {
            ActivityKind::SignIn => "Signed in",
            ActivityKind::SignInFailed => "Failed sign-in",
            ActivityKind::Locked => "Account locked",
            ActivityKind::PasswordChanged => "Password changed",
            ActivityKind::PasswordReset => "Password reset",
            ActivityKind::EmailChanged => "E-mail address changed",
            ActivityKind::UsernameChanged => "Username changed",
            ActivityKind::TwoFactorOn => "Two-factor authentication turned on",
            ActivityKind::TwoFactorOff => "Two-factor authentication turned off",
            ActivityKind::RecoveryCodesRegenerated => "New recovery codes",
            ActivityKind::SignInMethodAdded => "Sign-in method added",
            ActivityKind::SignInMethodRemoved => "Sign-in method removed",
            ActivityKind::SessionEnded => "Sessions signed out",
            ActivityKind::PasskeyAdded => "Passkey added",
            ActivityKind::PasskeyUsed => "Passkey used",
            ActivityKind::PasskeyRemoved => "Passkey removed",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One recorded security event of an account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Activity {
    /// Order of recording (ignored when adding).
    pub id: i64,
    /// The account.
    pub user_id: i64,
    /// What happened.
    pub kind: ActivityKind,
    /// When (UTC).
    pub at: NaiveDateTime,
    /// Client address, when a request caused it.
    pub ip: Option<String>,
    /// Client `User-Agent`, when a request caused it.
    pub user_agent: Option<String>,
    /// Detail, such as the sign-in method.
    pub detail: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::ActivityKind;

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in ActivityKind::ALL {
            assert_eq!(ActivityKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_value(kind).unwrap();
            assert_eq!(json, kind.as_str());
        }
        assert_eq!(ActivityKind::parse("nope"), None);
    }
}
