//! A sign-in waiting for its second factor: the session slot it is kept in and the request
//! guard of the routes that finish it (`/tf-validate`, `/tf-rescue`, `/tf-setup`,
//! `/mf-recovery`).

use rocket::request::{FromRequest, Outcome, Request};

use super::slots::{PendingLogin, Slots};
use crate::datastore::{User, UserQuery};
use crate::error::Error;
use crate::state::Security;

/// How long a half-finished sign-in waits for its second factor, in seconds.
pub(crate) const PENDING_LIFETIME_SECS: i64 = 15 * 60;

/// The pending sign-in of this session with its user, as the routes finishing it read it.
#[derive(Clone, Debug)]
pub(crate) struct AwaitingSecondFactor {
    /// The sign-in as the first factor left it.
    pub login: PendingLogin,
    /// Its user, still active and unchanged.
    pub user: User,
}

/// Request guard: the sign-in of this session waiting for its second factor, if any. An
/// expired one is forgotten; one whose user changed or was deactivated is ignored.
#[derive(Clone, Debug)]
pub(crate) struct PendingSignIn(Option<AwaitingSecondFactor>);

impl PendingSignIn {
    /// A sign-in waiting for a code (not for a set-up).
    pub fn awaiting_code(self) -> Option<AwaitingSecondFactor> {
        self.0.filter(|a| !a.login.setup)
    }

    /// A sign-in waiting for the set-up of its second factor.
    pub fn awaiting_setup(self) -> Option<AwaitingSecondFactor> {
        self.0.filter(|a| a.login.setup)
    }

    /// Any pending sign-in.
    pub fn any(self) -> Option<AwaitingSecondFactor> {
        self.0
    }

    async fn load(req: &Request<'_>) -> Result<Self, Error> {
        let sec = Security::of(req);
        let Some(login) = Slots::read(req).await?.pending_login else {
            return Ok(PendingSignIn(None));
        };
        if sec.now().timestamp() - login.started > PENDING_LIFETIME_SECS {
            forget(req).await?;
            return Ok(PendingSignIn(None));
        }
        let user = sec
            .datastore()
            .find_user(UserQuery::Id(login.user_id))
            .await?
            .filter(|u| u.active && u.fs_uniquifier == login.uniquifier);
        Ok(PendingSignIn(
            user.map(|user| AwaitingSecondFactor { login, user }),
        ))
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for PendingSignIn {
    type Error = Error;

    async fn from_request(req: &'r Request<'_>) -> Outcome<Self, Error> {
        match PendingSignIn::load(req).await {
            Ok(pending) => Outcome::Success(pending),
            Err(error) => crate::error::fail(req, error),
        }
    }
}

/// Forgets the pending sign-in of this session and any second factor being set up for it.
pub(crate) async fn forget(req: &Request<'_>) -> Result<(), Error> {
    Slots::update(req, |slots| {
        slots.pending_login = None;
        slots.two_factor_setup = None;
        true
    })
    .await
}

/// Forgets a half-finished sign-in of this session (`GET /login` starts over).
pub(crate) async fn cancel(req: &Request<'_>) -> Result<(), Error> {
    Slots::update(req, |slots| slots.pending_login.take().is_some()).await
}
