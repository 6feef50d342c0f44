//! [`UserChange`]s in the in-memory store: checked and applied under the store's one lock, so
//! each is as atomic as the conditional `UPDATE` of the Diesel store.

use chrono::NaiveDateTime;

use super::Inner;
use crate::datastore::{same_key, DatastoreResult, Uniquifiers, User, UserChange};

/// Applies `change` to user `user_id` when its condition holds, stamped `now`, a new password
/// with `fresh` uniquifiers; the stored user (without roles) afterwards, or `None` when nothing
/// was written.
pub(super) fn apply(
    inner: &mut Inner,
    user_id: i64,
    change: UserChange<'_>,
    fresh: &Uniquifiers,
    now: NaiveDateTime,
) -> DatastoreResult<Option<User>> {
    if let UserChange::Email { old, new, .. } = change {
        if inner
            .users
            .get(&user_id)
            .is_some_and(|u| same_key(&u.email, old))
        {
            inner.check_unique(new, None, Some(user_id))?;
        }
    }
    if let UserChange::Username { new, .. } = change {
        if let Some(email) = inner.users.get(&user_id).map(|u| u.email.clone()) {
            inner.check_unique(&email, Some(new), Some(user_id))?;
        }
    }
    let Some(user) = inner.users.get_mut(&user_id) else {
        return Ok(None);
    };
    if !change.apply_to(user, fresh) {
        return Ok(None);
    }
    user.update_datetime = now;
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
