//! Targeted, conditional changes of one user: each is one conditional write that touches only
//! the fields it names, so a concurrent change of any other field is never undone, and a
//! single-use thing (a recovery code, a reset link, a confirmation link) is used at most once.

use std::fmt;

use chrono::NaiveDateTime;

use super::{micros, same_key, Uniquifiers, User};

/// One targeted change of a user, applied by [`UserStore::change_user`] in one conditional
/// write. Each change says what it expects to find; when that no longer holds (the thing was used
/// or changed concurrently), nothing is written.
///
/// `Debug` never prints hashes, secrets or session ids.
///
/// [`UserStore::change_user`]: crate::UserStore::change_user
#[derive(Clone, Copy)]
pub enum UserChange<'a> {
    /// Replaces the password hash by a re-hash of the same password (stronger settings), if the
    /// stored hash still is `old`. Nothing else changes: no session or token is revoked.
    Rehash {
        /// The hash the new one replaces.
        old: &'a str,
        /// The new hash.
        new: &'a str,
    },
    /// Sets a new password, if the stored hash still is `old` (`None`: the user has none): the
    /// hash becomes `new`, `fs_uniquifier` and `fs_token_uniquifier` get fresh values (every
    /// session, remember-me token, auth token and mailed link issued before is void), and every
    /// session and remember-me token of the user is deleted except those whose id hashes are in
    /// `keep`, which are bound to the new `fs_uniquifier`.
    Password {
        /// The hash the new one replaces.
        old: Option<&'a str>,
        /// The new hash.
        new: &'a str,
        /// Id hashes of the sessions and remember-me tokens that stay signed in.
        keep: &'a [&'a str],
        /// Also removes everything the account could have been set up with by someone else: the
        /// unified sign-in methods, the second factor, the phone numbers, the recovery codes and
        /// any outstanding one-time codes.
        wipe: bool,
    },
    /// Marks the address confirmed at `at`, if the user is not confirmed yet and their address
    /// still is `email` (compared case-insensitively).
    Confirm {
        /// The address the confirmation link was mailed to.
        email: &'a str,
        /// When it was confirmed (UTC).
        at: NaiveDateTime,
    },
    /// Changes the address from `old` (case-insensitively) to `new` and marks it confirmed at
    /// `at`, if the address still is `old`. Fails with
    /// [`DatastoreError::DuplicateUser`](crate::DatastoreError::DuplicateUser) when `new` is taken.
    Email {
        /// The address being replaced.
        old: &'a str,
        /// The new, proven address.
        new: &'a str,
        /// When it was proven (UTC).
        at: NaiveDateTime,
    },
    /// Changes the username from `old` (compared case-insensitively; `None`: the user has none)
    /// to `new`, if it still is `old`. Fails with
    /// [`DatastoreError::DuplicateUser`](crate::DatastoreError::DuplicateUser) when `new` is taken.
    Username {
        /// The username being replaced.
        old: Option<&'a str>,
        /// The new, validated username.
        new: &'a str,
    },
    /// Replaces the (encrypted) recovery codes, if they still are `old` and the user's
    /// `fs_uniquifier` still is `uniquifier`.
    RecoveryCodes {
        /// The `fs_uniquifier` the request was authenticated with.
        uniquifier: &'a str,
        /// The stored value being replaced.
        old: Option<&'a str>,
        /// The new value (`None`: no codes left).
        new: Option<&'a str>,
    },
    /// Replaces the unified sign-in methods (`us_totp_secrets`), if they still are `old` and the
    /// user's `fs_uniquifier` still is `uniquifier`.
    UsMethods {
        /// The `fs_uniquifier` the request was authenticated with.
        uniquifier: &'a str,
        /// The stored value being replaced.
        old: Option<&'a str>,
        /// The new value (`None`: no methods).
        new: Option<&'a str>,
    },
    /// Sets the second factor (`tf_primary_method` and `tf_totp_secret`), if the user's
    /// `fs_uniquifier` still is `uniquifier`.
    TwoFactor {
        /// The `fs_uniquifier` the request was authenticated with.
        uniquifier: &'a str,
        /// The method (`None`: two-factor sign-in disabled).
        method: Option<&'a str>,
        /// The encrypted authenticator secret.
        secret: Option<&'a str>,
    },
}

impl fmt::Debug for UserChange<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            UserChange::Rehash { .. } => "Rehash",
            UserChange::Password { wipe, .. } => {
                return f
                    .debug_struct("Password")
                    .field("wipe", wipe)
                    .finish_non_exhaustive()
            }
            UserChange::Confirm { .. } => "Confirm",
            UserChange::Email { .. } => "Email",
            UserChange::Username { .. } => "Username",
            UserChange::RecoveryCodes { .. } => "RecoveryCodes",
            UserChange::UsMethods { .. } => "UsMethods",
            UserChange::TwoFactor { method, .. } => {
                return f
                    .debug_struct("TwoFactor")
                    .field("method", method)
                    .finish_non_exhaustive()
            }
        };
        f.debug_struct(name).finish_non_exhaustive()
    }
}

impl UserChange<'_> {
    /// Checks the change's condition on `user` and, when it holds, applies the change to it
    /// (without `update_datetime`). A new password takes `fresh` as its uniquifiers.
    /// Returns whether the condition held; `user` is untouched when not.
    pub(crate) fn apply_to(&self, user: &mut User, fresh: &Uniquifiers) -> bool {
        let holds = match *self {
            UserChange::Rehash { old, .. } => user.password.as_deref() == Some(old),
            UserChange::Password { old, .. } => user.password.as_deref() == old,
            UserChange::Confirm { email, .. } => {
                user.confirmed_at.is_none() && same_key(&user.email, email)
            }
            UserChange::Email { old, .. } => same_key(&user.email, old),
            UserChange::Username { old, .. } => match (user.username.as_deref(), old) {
                (Some(current), Some(old)) => same_key(current, old),
                (current, old) => current.is_none() && old.is_none(),
            },
            UserChange::RecoveryCodes {
                uniquifier, old, ..
            } => user.fs_uniquifier == uniquifier && user.mf_recovery_codes.as_deref() == old,
            UserChange::UsMethods {
                uniquifier, old, ..
            } => user.fs_uniquifier == uniquifier && user.us_totp_secrets.as_deref() == old,
            UserChange::TwoFactor { uniquifier, .. } => user.fs_uniquifier == uniquifier,
        };
        if !holds {
            return false;
        }
        match *self {
            UserChange::Rehash { new, .. } => user.password = Some(new.to_owned()),
            UserChange::Password { new, wipe, .. } => {
                user.password = Some(new.to_owned());
                user.fs_uniquifier = fresh.fs_uniquifier.clone();
                user.fs_token_uniquifier = fresh.fs_token_uniquifier.clone();
                if wipe {
                    user.tf_primary_method = None;
                    user.tf_totp_secret = None;
                    user.tf_phone_number = None;
                    user.us_totp_secrets = None;
                    user.us_phone_number = None;
                    user.mf_recovery_codes = None;
                }
            }
            UserChange::Confirm { at, .. } => user.confirmed_at = Some(micros(at)),
            UserChange::Email { new, at, .. } => {
                user.email = new.to_owned();
                user.confirmed_at = Some(micros(at));
            }
            UserChange::Username { new, .. } => user.username = Some(new.to_owned()),
            UserChange::RecoveryCodes { new, .. } => {
                user.mf_recovery_codes = new.map(str::to_owned);
            }
            UserChange::UsMethods { new, .. } => user.us_totp_secrets = new.map(str::to_owned),
            UserChange::TwoFactor { method, secret, .. } => {
                user.tf_primary_method = method.map(str::to_owned);
                user.tf_totp_secret = secret.map(str::to_owned);
            }
        }
        true
    }
}
