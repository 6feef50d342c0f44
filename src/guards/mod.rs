//! Request guards: `AuthUser` (login_required), `CurrentUser`, `Roles<..>` (roles_required),
//! `AnyRole<..>` (roles_accepted), `TokenAuth` (auth_token_required).
//!
//! The user is resolved once per request, however many guards a route has. Failures follow
//! Flask-Security-Too: not signed in → 401 (browsers are redirected to the login page with
//! `next`), signed in without the role → 403. `OPTIONS` requests pass every guard as anonymous
//! (pre-flight requests carry no credentials). Each guard is a [`Sentinel`]: a route using one
//! in an application without the fairing fails at launch, not at request time.

mod http;
mod page;
mod store;

pub use http::{mechanism, AuthRequired, BasicAuth, DefaultRealm, Realm};
pub use page::{Page, PageContext};
pub use store::Store;

use std::marker::PhantomData;
use std::ops::Deref;

use rocket::http::Method;
use rocket::request::{FromRequest, Outcome, Request};
use rocket::{Ignite, Rocket, Sentinel};

use crate::datastore::User;
use crate::error::{fail, Error};
use crate::session::{authenticate, AuthMethod};
use crate::state::{missing_fairing, Security};

/// A signed-in, active user: Flask-Security-Too's `login_required`.
///
/// Accepts a session cookie, a remember-me cookie, or an auth token. Anonymous browsers are
/// redirected to `/login?next=<this path>`; JSON clients get a 401 envelope.
///
/// ```no_run
/// # use rocket::get;
/// use rocket_security::AuthUser;
///
/// #[get("/dashboard")]
/// fn dashboard(user: AuthUser) -> String {
///     format!("Hello, {}", user.email)
/// }
/// ```
#[derive(Debug, Clone)]
pub struct AuthUser {
    user: User,
    method: AuthMethod,
}

impl AuthUser {
    /// The user.
    pub fn user(&self) -> &User {
        &self.user
    }

    /// How the request was authenticated.
    pub fn method(&self) -> AuthMethod {
        self.method
    }

    /// Takes the user out.
    pub fn into_inner(self) -> User {
        self.user
    }
}

impl Deref for AuthUser {
    type Target = User;
    fn deref(&self) -> &User {
        &self.user
    }
}

async fn resolve(request: &Request<'_>) -> Result<Option<(User, AuthMethod)>, Error> {
    if request.method() == Method::Options {
        return Ok(None);
    }
    authenticate(request).await
}

/// Whether guards let a request through without a user: `login_disabled` is set, or it is an
/// `OPTIONS` request (pre-flight requests carry no credentials; Flask-Login exempts them too).
pub(crate) fn exempt(request: &Request<'_>) -> bool {
    request.method() == Method::Options || Security::of(request).config().login_disabled
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for AuthUser {
    type Error = Error;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, Error> {
        match resolve(request).await {
            Ok(Some((user, method))) => Outcome::Success(AuthUser { user, method }),
            Ok(None) if exempt(request) => Outcome::Success(AuthUser {
                user: User::anonymous(),
                method: AuthMethod::Session,
            }),
            Ok(None) => fail(request, Error::Unauthenticated),
            Err(e) => fail(request, e),
        }
    }
}

impl Sentinel for AuthUser {
    fn abort(rocket: &Rocket<Ignite>) -> bool {
        missing_fairing(rocket, "AuthUser")
    }
}

/// The signed-in user, or anonymous: Flask-Security-Too's `current_user`. Never fails.
#[derive(Debug, Clone)]
pub enum CurrentUser {
    /// Signed in.
    Authenticated(Box<User>),
    /// Not signed in.
    Anonymous,
}

impl CurrentUser {
    /// The user, when signed in.
    pub fn user(&self) -> Option<&User> {
        match self {
            CurrentUser::Authenticated(user) => Some(user),
            CurrentUser::Anonymous => None,
        }
    }

    /// Whether someone is signed in.
    pub fn is_authenticated(&self) -> bool {
        matches!(self, CurrentUser::Authenticated(_))
    }

    /// Whether the user holds the role; always `false` when anonymous.
    pub fn has_role(&self, role: &str) -> bool {
        self.user().is_some_and(|u| u.has_role(role))
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CurrentUser {
    type Error = Error;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, Error> {
        match resolve(request).await {
            Ok(Some((user, _))) => Outcome::Success(CurrentUser::Authenticated(Box::new(user))),
            Ok(None) => Outcome::Success(CurrentUser::Anonymous),
            Err(e) => fail(request, e),
        }
    }
}

impl Sentinel for CurrentUser {
    fn abort(rocket: &Rocket<Ignite>) -> bool {
        missing_fairing(rocket, "CurrentUser")
    }
}

/// A role declared as a type, for [`Roles`] and [`AnyRole`]. Declare with [`role!`](crate::role).
pub trait RoleName: Send + Sync + 'static {
    /// The role's name in the datastore.
    const NAME: &'static str;
}

/// One role type or a tuple of them.
pub trait RoleSet: Send + Sync + 'static {
    /// The role names.
    fn names() -> Vec<&'static str>;
}

impl<R: RoleName> RoleSet for R {
    fn names() -> Vec<&'static str> {
        vec![R::NAME]
    }
}

macro_rules! role_set_tuple {
    ($($t:ident),+) => {
        impl<$($t: RoleName),+> RoleSet for ($($t,)+) {
            fn names() -> Vec<&'static str> {
                vec![$($t::NAME),+]
            }
        }
    };
}
role_set_tuple!(A);
role_set_tuple!(A, B);
role_set_tuple!(A, B, C);
role_set_tuple!(A, B, C, D);
role_set_tuple!(A, B, C, D, E);
role_set_tuple!(A, B, C, D, E, F);

/// Declares role marker types for [`Roles`] and [`AnyRole`].
///
/// ```
/// use rocket_security::{role, RoleName};
///
/// role!(Admin = "admin");
/// role!(Editor = "editor", Author = "author");
/// assert_eq!(Admin::NAME, "admin");
/// assert_eq!(Author::NAME, "author");
/// ```
#[macro_export]
macro_rules! role {
    ($($ty:ident = $name:literal),+ $(,)?) => {
        $(
            #[doc = concat!("The `", $name, "` role.")]
            #[derive(Debug, Clone, Copy)]
            pub struct $ty;
            impl $crate::RoleName for $ty {
                const NAME: &'static str = $name;
            }
        )+
    };
}

/// A signed-in user holding **every** role of `R`: Flask-Security-Too's `roles_required`.
///
/// `R` is a role type or a tuple, e.g. `Roles<Admin>` or `Roles<(Admin, Editor)>`.
///
/// ```no_run
/// # use rocket::get;
/// use rocket_security::{role, Roles};
/// role!(Admin = "admin");
///
/// #[get("/admin")]
/// fn admin(user: Roles<Admin>) -> String {
///     format!("admin page for {}", user.email)
/// }
/// ```
pub struct Roles<R: RoleSet> {
    user: AuthUser,
    _roles: PhantomData<R>,
}

/// A signed-in user holding **at least one** role of `R`: Flask-Security-Too's
/// `roles_accepted`.
pub struct AnyRole<R: RoleSet> {
    user: AuthUser,
    _roles: PhantomData<R>,
}

macro_rules! role_guard {
    ($guard:ident, $check:ident) => {
        impl<R: RoleSet> $guard<R> {
            /// The user.
            pub fn user(&self) -> &User {
                &self.user.user
            }

            /// Takes the user out.
            pub fn into_inner(self) -> User {
                self.user.user
            }
        }

        impl<R: RoleSet> Deref for $guard<R> {
            type Target = User;
            fn deref(&self) -> &User {
                &self.user.user
            }
        }

        impl<R: RoleSet> std::fmt::Debug for $guard<R> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($guard))
                    .field("user", &self.user.user)
                    .field("roles", &R::names())
                    .finish()
            }
        }

        #[rocket::async_trait]
        impl<'r, R: RoleSet> FromRequest<'r> for $guard<R> {
            type Error = Error;

            async fn from_request(request: &'r Request<'_>) -> Outcome<Self, Error> {
                let user = match AuthUser::from_request(request).await {
                    Outcome::Success(user) => user,
                    Outcome::Error(e) => return Outcome::Error(e),
                    Outcome::Forward(s) => return Outcome::Forward(s),
                };
                let names = R::names();
                let allowed = exempt(request) || names.iter().$check(|name| user.has_role(name));
                if allowed {
                    Outcome::Success($guard {
                        user,
                        _roles: PhantomData,
                    })
                } else {
                    fail(request, Error::Forbidden)
                }
            }
        }

        impl<R: RoleSet> Sentinel for $guard<R> {
            fn abort(rocket: &Rocket<Ignite>) -> bool {
                missing_fairing(rocket, stringify!($guard))
            }
        }
    };
}

role_guard!(Roles, all);
role_guard!(AnyRole, any);

/// A user authenticated by an auth token only: Flask-Security-Too's `auth_token_required`.
/// A session cookie alone is not enough.
///
/// The token comes from an authenticating POST with `?include_auth_token` (for example
/// `POST /login?include_auth_token` → `response.user.authentication_token`) and is sent as the
/// `Authentication-Token` header or the `auth_token` query parameter.
///
/// ```no_run
/// # use rocket::get;
/// use rocket_security::TokenAuth;
///
/// #[get("/api/token")]
/// fn api(user: TokenAuth) -> String {
///     format!("{} via token", user.email)
/// }
/// ```
#[derive(Debug, Clone)]
pub struct TokenAuth(User);

impl TokenAuth {
    /// The user.
    pub fn user(&self) -> &User {
        &self.0
    }
}

impl Deref for TokenAuth {
    type Target = User;
    fn deref(&self) -> &User {
        &self.0
    }
}

#[rocket::async_trait]
impl<'r> FromRequest<'r> for TokenAuth {
    type Error = Error;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, Error> {
        match resolve(request).await {
            Ok(Some((user, AuthMethod::Token))) => Outcome::Success(TokenAuth(user)),
            Ok(found) if exempt(request) => Outcome::Success(TokenAuth(
                found.map_or_else(User::anonymous, |(user, _)| user),
            )),
            Ok(_) => fail(request, Error::Unauthenticated),
            Err(e) => fail(request, e),
        }
    }
}

impl Sentinel for TokenAuth {
    fn abort(rocket: &Rocket<Ignite>) -> bool {
        missing_fairing(rocket, "TokenAuth")
    }
}
