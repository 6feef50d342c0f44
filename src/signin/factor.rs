//! How the first factor of a sign-in was proved.

use serde::{Deserialize, Serialize};

use crate::config::SignInMethod;
pub(crate) use crate::config::UnifiedMethod;

/// How the first factor of a sign-in was proved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum FirstFactor {
    /// `/login`: e-mail address and password.
    Password,
    /// `/us-signin`: the password or a code of a set-up method.
    Unified(UnifiedMethod),
    /// `/us-verify-link`: the magic link of a mailed sign-in code.
    MagicLink,
    /// `/confirm/<token>` with `auto_login_after_confirm`.
    Confirm,
    /// `/reset/<token>` with `auto_login_after_reset`.
    Reset,
    /// `/wan-signin`: a passkey, which proves possession and user verification at once.
    Passkey,
}

impl FirstFactor {
    /// The method `UserAuthenticated` reports when the sign-in needs no second factor.
    pub fn recorded_as(self) -> SignInMethod {
        match self {
            FirstFactor::Password => SignInMethod::Password,
            FirstFactor::Unified(method) => method.into(),
            FirstFactor::MagicLink => SignInMethod::MagicLink,
            FirstFactor::Confirm => SignInMethod::Confirm,
            FirstFactor::Reset => SignInMethod::Reset,
            FirstFactor::Passkey => SignInMethod::Passkey,
        }
    }

    /// The unified sign-in method of this factor, which asks for a second factor only when it
    /// is in `us_mfa_required`.
    pub fn unified_method(self) -> Option<UnifiedMethod> {
        match self {
            FirstFactor::Unified(method) => Some(method),
            FirstFactor::MagicLink => Some(UnifiedMethod::Email),
            _ => None,
        }
    }
}
