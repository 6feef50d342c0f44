//! `Store`: the datastore, for a route's own queries.

use std::ops::Deref;

use rocket::request::{FromRequest, Outcome, Request};
use rocket::{Ignite, Rocket, Sentinel};

use crate::datastore::UserDatastore;
use crate::error::Error;
use crate::state::{missing_fairing, Security};

/// The security layer's datastore, as a request guard: the users, roles and other records the
/// layer keeps, for the application's own routes. Never fails.
///
/// ```no_run
/// # use rocket::get;
/// use rocket_security::{AuthUser, Store, UserQuery};
///
/// #[get("/people/<email>")]
/// async fn person(_user: AuthUser, store: Store<'_>, email: &str) -> Option<String> {
///     let found = store.find_user(UserQuery::Email(email)).await.ok()??;
///     Some(found.email)
/// }
/// ```
#[derive(Clone, Copy)]
pub struct Store<'r>(&'r Security);

impl<'r> Store<'r> {
    /// The datastore.
    pub fn datastore(&self) -> &'r dyn UserDatastore {
        self.0.datastore()
    }
}

impl std::fmt::Debug for Store<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

impl<'r> Deref for Store<'r> {
    type Target = dyn UserDatastore;
    fn deref(&self) -> &Self::Target {
        self.0.datastore()
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for Store<'r> {
    type Error = Error;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, Error> {
        Outcome::Success(Store(Security::of(request)))
    }
}

impl Sentinel for Store<'_> {
    fn abort(rocket: &Rocket<Ignite>) -> bool {
        missing_fairing(rocket, "Store")
    }
}
