//! HTTP Basic (`http_auth_required`) and the mechanism-list guard (`auth_required`).

use std::marker::PhantomData;
use std::ops::Deref;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use rocket::request::{FromRequest, Outcome, Request};
use rocket::{Ignite, Rocket, Sentinel};

use crate::catchers::BasicRealm;
use crate::context::Ctx;
use crate::datastore::User;
use crate::error::Error;
use crate::fairing::{missing_fairing, Security};
use crate::flows::login::authenticate_password;
use crate::guards::exempt;
use crate::session::{authenticate, AuthMethod};

/// The realm of a [`BasicAuth`] guard. Declare one with [`realm!`](crate::realm).
pub trait Realm: Send + Sync + 'static {
    /// The realm's name; `None` uses `default_http_auth_realm` (`"Login Required"`).
    const NAME: Option<&'static str>;
}

/// The configured default realm.
#[derive(Debug, Clone, Copy)]
pub struct DefaultRealm;

impl Realm for DefaultRealm {
    const NAME: Option<&'static str> = None;
}

/// Declares a realm type for [`BasicAuth`].
///
/// ```
/// use rocket_security::{realm, Realm};
///
/// realm!(ApiRealm = "API");
/// assert_eq!(ApiRealm::NAME, Some("API"));
/// ```
#[macro_export]
macro_rules! realm {
    ($ty:ident = $name:literal) => {
        #[doc = concat!("The `", $name, "` realm.")]
        #[derive(Debug, Clone, Copy)]
        pub struct $ty;
        impl $crate::Realm for $ty {
            const NAME: Option<&'static str> = Some($name);
        }
    };
}

/// A user authenticated by HTTP Basic credentials (`Authorization: Basic base64(email:password)`):
/// Flask-Security-Too's `http_auth_required(realm)`.
///
/// Failure answers 401 with `WWW-Authenticate: Basic realm="<realm>"`, never a redirect.
/// Deactivated and unconfirmed accounts are refused. No session is created and the request does
/// not count as a login.
///
/// HTTP Basic never skips a second factor: a user with two-factor authentication set up (or
/// required of everyone by `two_factor_required`) is refused with exactly the answer a wrong
/// password gets. Wrong passwords count towards the account lockout (a locked account's right
/// password is refused the same way) and the client's limit (`429 Too Many Requests` with
/// `Retry-After`), as on `/login`.
///
/// ```no_run
/// # use rocket::get;
/// use rocket_security::BasicAuth;
///
/// #[get("/api/basic")]
/// fn basic(user: BasicAuth) -> String {
///     user.email.clone()
/// }
/// ```
pub struct BasicAuth<R: Realm = DefaultRealm> {
    user: User,
    _realm: PhantomData<R>,
}

impl<R: Realm> BasicAuth<R> {
    /// The user.
    pub fn user(&self) -> &User {
        &self.user
    }

    /// Takes the user out.
    pub fn into_inner(self) -> User {
        self.user
    }
}

impl<R: Realm> Deref for BasicAuth<R> {
    type Target = User;
    fn deref(&self) -> &User {
        &self.user
    }
}

impl<R: Realm> std::fmt::Debug for BasicAuth<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BasicAuth")
            .field("user", &self.user)
            .finish()
    }
}

/// The e-mail address and password of an `Authorization: Basic` header.
fn basic_credentials(request: &Request<'_>) -> Option<(String, String)> {
    let header = request.headers().get_one("Authorization")?;
    let (scheme, encoded) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") || encoded.len() > 4096 {
        return None;
    }
    let decoded = STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (email, password) = text.split_once(':')?;
    Some((email.to_owned(), password.to_owned()))
}

/// Checks Basic credentials; `None` when absent or wrong, and for a user who has (or must set
/// up) a second factor, which HTTP Basic cannot ask for.
async fn basic_user(request: &Request<'_>) -> Result<Option<User>, Error> {
    let Some((email, password)) = basic_credentials(request) else {
        return Ok(None);
    };
    let Outcome::Success(ctx) = Ctx::from_request(request).await else {
        return Ok(None);
    };
    let user = authenticate_password(&ctx, &email, &password).await?;
    let config = ctx.config();
    Ok(user.filter(|user| {
        let has_factor = user.tf_primary_method.is_some() || user.tf_totp_secret.is_some();
        let required = config.two_factor && config.two_factor_required;
        !has_factor && !required
    }))
}

fn refuse<T>(request: &Request<'_>, realm: String) -> Outcome<T, Error> {
    if let Ok(mut slot) = request.local_cache(BasicRealm::default).0.lock() {
        *slot = Some(realm);
    }
    crate::error::fail(request, Error::Unauthenticated)
}

fn realm_name<R: Realm>(request: &Request<'_>) -> String {
    R::NAME.map(str::to_owned).unwrap_or_else(|| {
        Security::of(request)
            .config()
            .default_http_auth_realm
            .clone()
    })
}

#[rocket::async_trait]
impl<'r, R: Realm> FromRequest<'r> for BasicAuth<R> {
    type Error = Error;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, Error> {
        match basic_user(request).await {
            Ok(Some(user)) => Outcome::Success(BasicAuth {
                user,
                _realm: PhantomData,
            }),
            Ok(None) if exempt(request) => Outcome::Success(BasicAuth {
                user: User::anonymous(),
                _realm: PhantomData,
            }),
            Ok(None) => refuse(request, realm_name::<R>(request)),
            Err(e) => crate::error::fail(request, e),
        }
    }
}

impl<R: Realm> Sentinel for BasicAuth<R> {
    fn abort(rocket: &Rocket<Ignite>) -> bool {
        missing_fairing(rocket, "BasicAuth")
    }
}

/// Authentication mechanisms for [`AuthRequired`].
pub mod mechanism {
    /// One mechanism.
    pub trait Mechanism: Send + Sync + 'static {
        /// Its name: `session`, `token` or `basic`.
        const NAME: &'static str;
    }

    /// Session and remember-me cookies.
    #[derive(Debug, Clone, Copy)]
    pub struct Session;
    /// Auth tokens.
    #[derive(Debug, Clone, Copy)]
    pub struct Token;
    /// HTTP Basic credentials.
    #[derive(Debug, Clone, Copy)]
    pub struct Basic;

    impl Mechanism for Session {
        const NAME: &'static str = "session";
    }
    impl Mechanism for Token {
        const NAME: &'static str = "token";
    }
    impl Mechanism for Basic {
        const NAME: &'static str = "basic";
    }

    /// One mechanism or a tuple of them.
    pub trait Mechanisms: Send + Sync + 'static {
        /// Their names, in order.
        fn names() -> Vec<&'static str>;
    }

    impl<M: Mechanism> Mechanisms for M {
        fn names() -> Vec<&'static str> {
            vec![M::NAME]
        }
    }
    impl<A: Mechanism, B: Mechanism> Mechanisms for (A, B) {
        fn names() -> Vec<&'static str> {
            vec![A::NAME, B::NAME]
        }
    }
    impl<A: Mechanism, B: Mechanism, C: Mechanism> Mechanisms for (A, B, C) {
        fn names() -> Vec<&'static str> {
            vec![A::NAME, B::NAME, C::NAME]
        }
    }
}

use mechanism::Mechanisms;

/// A user authenticated by any of the listed mechanisms: Flask-Security-Too's
/// `auth_required("session", "token", "basic")`.
///
/// ```no_run
/// # use rocket::get;
/// use rocket_security::{mechanism::{Basic, Session, Token}, AuthRequired};
///
/// #[get("/api/me")]
/// fn me(user: AuthRequired<(Session, Token)>) -> String {
///     user.email.clone()
/// }
///
/// #[get("/api/report")]
/// fn report(user: AuthRequired<(Session, Token, Basic)>) -> String {
///     user.email.clone()
/// }
/// ```
///
/// Failure is a 401 (browsers are redirected to the login page unless `Basic` is listed, in
/// which case the 401 carries `WWW-Authenticate`).
///
/// With `Basic` listed, the credentials are checked as by [`BasicAuth`]: a user with a second
/// factor set up (or required by `two_factor_required`) is refused exactly as for a wrong
/// password, and wrong passwords count towards the lockout and the client's limit.
pub struct AuthRequired<M: Mechanisms> {
    user: User,
    method: AuthMethod,
    _mechanisms: PhantomData<M>,
}

impl<M: Mechanisms> AuthRequired<M> {
    /// The user.
    pub fn user(&self) -> &User {
        &self.user
    }

    /// The mechanism that authenticated the request.
    pub fn method(&self) -> AuthMethod {
        self.method
    }
}

impl<M: Mechanisms> Deref for AuthRequired<M> {
    type Target = User;
    fn deref(&self) -> &User {
        &self.user
    }
}

impl<M: Mechanisms> std::fmt::Debug for AuthRequired<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthRequired")
            .field("user", &self.user)
            .field("method", &self.method)
            .finish()
    }
}

#[rocket::async_trait]
impl<'r, M: Mechanisms> FromRequest<'r> for AuthRequired<M> {
    type Error = Error;

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, Error> {
        let names = M::names();
        let allowed = |method: AuthMethod| match method {
            AuthMethod::Session | AuthMethod::Remember => names.contains(&"session"),
            AuthMethod::Token => names.contains(&"token"),
            AuthMethod::Basic => names.contains(&"basic"),
        };
        let success = |user, method| {
            Outcome::Success(AuthRequired {
                user,
                method,
                _mechanisms: PhantomData,
            })
        };
        match authenticate(request).await {
            Ok(Some((user, method))) if allowed(method) => return success(user, method),
            Ok(_) if exempt(request) => return success(User::anonymous(), AuthMethod::Session),
            Ok(_) => {}
            Err(e) => return crate::error::fail(request, e),
        }
        if names.contains(&"basic") {
            match basic_user(request).await {
                Ok(Some(user)) => return success(user, AuthMethod::Basic),
                Ok(None) => {
                    let realm = Security::of(request)
                        .config()
                        .default_http_auth_realm
                        .clone();
                    return refuse(request, realm);
                }
                Err(e) => return crate::error::fail(request, e),
            }
        }
        crate::error::fail(request, Error::Unauthenticated)
    }
}

impl<M: Mechanisms> Sentinel for AuthRequired<M> {
    fn abort(rocket: &Rocket<Ignite>) -> bool {
        missing_fairing(rocket, "AuthRequired")
    }
}
