//! [`UserChange`]s in the in-memory store: checked and applied under the store's one lock, so
//! each is as atomic as the conditional `UPDATE` of the Diesel store.

use super::{eq_ignore_case, new_uniquifier, now, Inner};
use crate::datastore::{micros, DatastoreResult, User, UserChange};

/// Applies `change` to user `user_id` when its condition holds; the stored user (without
/// roles) afterwards, or `None` when nothing was written.
pub(super) fn apply(
    inner: &mut Inner,
    user_id: i64,
    change: UserChange<'_>,
) -> DatastoreResult<Option<User>> {
    if let UserChange::Email { old, new, .. } = change {
        if inner
            .users
            .get(&user_id)
            .is_some_and(|u| eq_ignore_case(&u.email, old))
        {
            inner.check_unique(new, None, Some(user_id))?;
        }
    }
    let Some(user) = inner.users.get_mut(&user_id) else {
        return Ok(None);
    };
    let applied = match change {
        UserChange::Rehash { old, new } => {
            let holds = user.password.as_deref() == Some(old);
            if holds {
                user.password = Some(new.to_owned());
            }
            holds
        }
        UserChange::Password { old, new, wipe, .. } => {
            let holds = user.password.as_deref() == old;
            if holds {
                user.password = Some(new.to_owned());
                user.fs_uniquifier = new_uniquifier();
                user.fs_token_uniquifier = new_uniquifier();
                if wipe {
                    user.tf_primary_method = None;
                    user.tf_totp_secret = None;
                    user.tf_phone_number = None;
                    user.us_totp_secrets = None;
                    user.us_phone_number = None;
                    user.mf_recovery_codes = None;
                }
            }
            holds
        }
        UserChange::Confirm { email, at } => {
            let holds = user.confirmed_at.is_none() && eq_ignore_case(&user.email, email);
            if holds {
                user.confirmed_at = Some(micros(at));
            }
            holds
        }
        UserChange::Email { old, new, at } => {
            let holds = eq_ignore_case(&user.email, old);
            if holds {
                user.email = new.to_owned();
                user.confirmed_at = Some(micros(at));
            }
            holds
        }
        UserChange::RecoveryCodes {
            uniquifier,
            old,
            new,
        } => {
            let holds =
                user.fs_uniquifier == uniquifier && user.mf_recovery_codes.as_deref() == old;
            if holds {
                user.mf_recovery_codes = new.map(str::to_owned);
            }
            holds
        }
        UserChange::UsMethods {
            uniquifier,
            old,
            new,
        } => {
            let holds = user.fs_uniquifier == uniquifier && user.us_totp_secrets.as_deref() == old;
            if holds {
                user.us_totp_secrets = new.map(str::to_owned);
            }
            holds
        }
        UserChange::TwoFactor {
            uniquifier,
            method,
            secret,
        } => {
            let holds = user.fs_uniquifier == uniquifier;
            if holds {
                user.tf_primary_method = method.map(str::to_owned);
                user.tf_totp_secret = secret.map(str::to_owned);
            }
            holds
        }
    };
    if !applied {
        return Ok(None);
    }
    user.update_datetime = now();
    let user = user.clone();
    if let UserChange::Password { keep, wipe, .. } = change {
        inner
            .sessions
            .retain(|id, s| s.user_id != Some(user_id) || keep.contains(&id.as_str()));
        for session in inner.sessions.values_mut() {
            if session.user_id == Some(user_id) {
                session.fs_uniquifier = Some(user.fs_uniquifier.clone());
            }
        }
        if wipe {
            inner.codes.retain(|(id, _), _| *id != user_id);
        }
    }
    Ok(Some(user))
}
