//! The password check of every sign-in path: identity lookup, lockout, rehashing.

use rocket::request::Request;

use super::email::validate_email;
use super::lockout::check_password;
use crate::datastore::{User, UserChange, UserQuery};
use crate::error::Error;
use crate::events::SecurityEvent;
use crate::state::Security;

/// Checks an e-mail address and password. Every failure — unknown address, wrong password,
/// locked, deactivated or unconfirmed account — returns `None` after the same work (one
/// password verification), so neither the answer nor its timing tells which accounts exist or
/// are locked. Wrong passwords are counted towards the lockout and the client's limit; a
/// client over its limit gets [`Error::TooManyRequests`].
pub(crate) async fn authenticate_password(
    sec: &Security,
    request: &Request<'_>,
    email: &str,
    password: &str,
) -> Result<Option<User>, Error> {
    let user = match validate_email(email) {
        Some(email) => sec.datastore().find_user(UserQuery::Email(&email)).await?,
        None => crate::username::find_by_identity(sec.datastore(), sec.config(), email).await?,
    };
    let mut verified = check_password(sec, request, email, user.as_ref(), password).await?;
    let config = sec.config();
    if let Some(user) = &user {
        let unconfirmed =
            config.confirmable && !config.login_without_confirmation && !user.is_confirmed();
        if !user.active || unconfirmed {
            verified = false;
        }
    }
    match user {
        Some(mut user) if verified => {
            if user
                .password
                .as_deref()
                .is_some_and(|h| sec.hasher().needs_update(h))
            {
                let (old, new) = (user.password.clone(), sec.hasher().hash(password).await?);
                let change = UserChange::Rehash {
                    old: old.as_deref().unwrap_or_default(),
                    new: &new,
                };
                // Only the hash, only if unchanged: a concurrent reset or deactivation stays.
                if sec
                    .datastore()
                    .change_user(user.id, change)
                    .await?
                    .is_some()
                {
                    user.password = Some(new);
                }
            }
            Ok(Some(user))
        }
        user => {
            sec.emit(SecurityEvent::UserFailedAuthn {
                user,
                identity: email.to_owned(),
            });
            Ok(None)
        }
    }
}
