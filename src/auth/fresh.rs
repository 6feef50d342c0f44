//! Freshness: whether the request's sign-in was proved recently enough for a sensitive
//! change, and the [`Fresh`] guard.

use rocket::request::{FromRequest, Outcome, Request};
use rocket::{Ignite, Rocket, Sentinel};

use crate::datastore::User;
use crate::error::{fail, Error, Failure};
use crate::session::{authenticate, AuthMethod, SessionCell};
use crate::state::{missing_fairing, Security};

/// Whether the request's sign-in is fresh: proved within `freshness` (plus
/// `freshness_grace_period`). Token-authenticated requests count as fresh: the token itself is
/// short-lived.
pub(crate) async fn is_fresh(request: &Request<'_>) -> Result<bool, Error> {
    let Some((_, method)) = authenticate(request).await? else {
        return Ok(false);
    };
    if matches!(method, AuthMethod::Token | AuthMethod::Basic) {
        return Ok(true);
    }
    let security = Security::of(request);
    let config = security.config();
    let fresh_at = SessionCell::lock(request).await?.fresh_at();
    let limit = config.freshness.to_chrono() + config.freshness_grace_period.to_chrono();
    Ok(fresh_at.is_some_and(|at| security.now().naive_utc() - at <= limit))
}

/// A signed-in user whose sign-in is fresh (see `freshness`): for sensitive pages of the
/// application. A stale session is sent to `/verify?next=...` (JSON: 401 with
/// `reauth_required`); an anonymous request is handled like [`AuthUser`](crate::AuthUser).
#[derive(Debug, Clone)]
pub struct Fresh(User);

impl std::ops::Deref for Fresh {
    type Target = User;
    fn deref(&self) -> &User {
        &self.0
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Fresh {
    type Error = Error;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, Error> {
        let user = match authenticate(request).await {
            Ok(Some((user, _))) => user,
            Ok(None) => return fail(request, Error::Unauthenticated),
            Err(e) => return fail(request, e),
        };
        match is_fresh(request).await {
            Ok(true) => Outcome::Success(Fresh(user)),
            Ok(false) => {
                Failure::record_reauth(request);
                fail(request, Error::Unauthenticated)
            }
            Err(e) => fail(request, e),
        }
    }
}

impl Sentinel for Fresh {
    fn abort(rocket: &Rocket<Ignite>) -> bool {
        missing_fairing(rocket, "Fresh")
    }
}
