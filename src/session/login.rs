//! Signing in and out, and who a request is authenticated as.

use crate::config::SignInMethod;
use rocket::request::Request;

use super::{naive, AuthMethod, RememberChange, SessionCell, REMEMBER_LINK};
use crate::datastore::{find_user, SessionKind, User, UserQuery};
use crate::error::Error;
use crate::state::Security;

/// Finds who the request is authenticated as: auth token, session cookie, or remember-me
/// cookie, in that order. Cached for the rest of the request.
pub(crate) async fn authenticate(
    request: &Request<'_>,
) -> Result<Option<(User, AuthMethod)>, Error> {
    let mut session = SessionCell::lock(request).await?;
    if session.auth_resolved {
        return Ok(session.user.clone());
    }
    session.auth_resolved = true;
    let security = Security::of(request);
    let store = security.datastore();
    let now = security.now();

    if let Some(record) = &session.record {
        if let Some(user_id) = record.user_id {
            let cache = security.auth_cache(request);
            let user = find_user(cache, store, UserQuery::Id(user_id)).await?;
            match user {
                Some(user)
                    if user.active
                        && Some(&user.fs_uniquifier) == record.fs_uniquifier.as_ref() =>
                {
                    session.user = Some((user, AuthMethod::Session));
                    return Ok(session.user.clone());
                }
                _ => {
                    // The user is gone, deactivated or rotated their uniquifier: end the session.
                    session.logout();
                }
            }
        }
    }

    if let Some(hash) = session.remember_hash.clone() {
        let record = store.find_session(&hash).await?;
        let user = match &record {
            Some(r) if r.kind == SessionKind::Remember && r.expires_at > naive(now) => {
                match r.user_id {
                    Some(id) => store.find_user(UserQuery::Id(id)).await?,
                    None => None,
                }
            }
            _ => None,
        };
        match (record, user) {
            (Some(r), Some(user))
                if user.active && r.fs_uniquifier.as_ref() == Some(&user.fs_uniquifier) =>
            {
                session.user = Some((user, AuthMethod::Remember));
                // Restored from a remember-me cookie: signed in, but not fresh.
                session.fresh_at = None;
                let link = REMEMBER_LINK.to_owned();
                session.data.extra.insert(link, hash.into());
                session.rotate = true;
                session.dirty = true;
                return Ok(session.user.clone());
            }
            _ => {
                session.remember = RememberChange::Clear;
            }
        }
    }
    Ok(None)
}

/// Signs `user` in for the rest of this request and in a new session: the session id is
/// rotated, `remember` sets the `remember_token` cookie, trackable fields are updated and
/// [`SecurityEvent::UserAuthenticated`](crate::SecurityEvent) is emitted.
///
/// This is Flask-Security-Too's `login_user`. The flows call it after checking credentials;
/// an application may call it from its own handlers (for example after an OAuth callback).
pub async fn login_user(request: &Request<'_>, user: &User, remember: bool) -> Result<User, Error> {
    login_user_via(request, user, remember, SignInMethod::Password).await
}

pub(crate) async fn login_user_via(
    request: &Request<'_>,
    user: &User,
    remember: bool,
    method: SignInMethod,
) -> Result<User, Error> {
    let security = Security::of(request);
    let now = security.now();
    let user = if security.config().trackable {
        let ip = security.client_ip(request);
        let mut tracked = security
            .datastore()
            .record_login(user.id, naive(now), ip.as_deref())
            .await?;
        // The session, remember-me token and auth token stay bound to the account as it was
        // when the credentials were checked: a password change or reset in between ends them.
        tracked.fs_uniquifier = user.fs_uniquifier.clone();
        tracked.fs_token_uniquifier = user.fs_token_uniquifier.clone();
        tracked
    } else {
        user.clone()
    };
    SessionCell::lock(request)
        .await?
        .login(&user, remember, naive(now));
    security.emit_from(
        request,
        crate::events::SecurityEvent::UserAuthenticated {
            user: user.clone(),
            method,
        },
    );
    Ok(user)
}

/// Signs the current user out: the server-side session is deleted (a copied cookie stops
/// working) and the remember-me token is revoked. This is Flask-Security-Too's `logout_user`.
pub async fn logout_user(request: &Request<'_>) -> Result<(), Error> {
    SessionCell::lock(request).await?.logout();
    Ok(())
}
