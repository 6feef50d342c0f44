//! A bare Rocket app with the starter's route shapes and nothing of the security layer: a
//! private cookie for the session, a fixed header token, a CSRF token in a private cookie, and
//! the same Argon2id hasher for the login. What the starter is measured against.

use std::sync::Arc;

use rocket::http::{Cookie, CookieJar, Status};
use rocket::request::{FromRequest, Outcome, Request};
use rocket::response::Redirect;
use rocket::serde::json::Json;
use rocket::{get, post, routes, Build, Rocket, State};
use rocket_security::{Argon2Hasher, PasswordHasher};
use serde_json::{json, Value};

/// The auth token the bare app accepts.
pub const TOKEN: &str = "bare-app-token-0123456789abcdef";

/// The signed-in user of a private cookie.
struct SessionUser(String);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for SessionUser {
    type Error = ();

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, ()> {
        match request.cookies().get_private("user") {
            Some(cookie) => Outcome::Success(SessionUser(cookie.value().to_owned())),
            None => Outcome::Forward(Status::Unauthorized),
        }
    }
}

/// A request with the right token header.
struct TokenUser;

#[rocket::async_trait]
impl<'r> FromRequest<'r> for TokenUser {
    type Error = ();

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, ()> {
        use subtle::ConstantTimeEq;
        let given = request
            .headers()
            .get_one("Authentication-Token")
            .unwrap_or("");
        if bool::from(given.as_bytes().ct_eq(TOKEN.as_bytes())) {
            Outcome::Success(TokenUser)
        } else {
            Outcome::Error((Status::Unauthorized, ()))
        }
    }
}

#[get("/protected")]
fn protected(user: SessionUser) -> String {
    format!("<p>Protected page of {}</p>", user.0)
}

#[get("/protected", rank = 2)]
fn protected_anonymous() -> Redirect {
    Redirect::found("/login?next=/protected")
}

/// The starter's `/api/me` body, for the signed-in user of a private cookie.
#[get("/api/me")]
fn api_me(user: SessionUser) -> Json<Value> {
    Json(json!({
        "email": user.0,
        "active": true,
        "confirmed": true,
        "roles": [],
        "login_count": 1,
        "current_login_at": "2026-01-01T00:00:00.000000",
        "last_login_at": "2026-01-01T00:00:00.000000",
        "current_login_ip": "127.0.0.1",
        "last_login_ip": "127.0.0.1",
        "tf_primary_method": null,
    }))
}

#[get("/api/token")]
fn api_token(_user: TokenUser) -> Json<Value> {
    Json(json!({ "via": "token" }))
}

#[get("/login")]
fn login_page(cookies: &CookieJar<'_>) -> Json<Value> {
    let token = hex::encode(rand::random::<[u8; 32]>());
    cookies.add_private(Cookie::new("csrf", token.clone()));
    Json(json!({ "meta": { "code": 200 }, "response": { "csrf_token": token } }))
}

struct Hashing {
    hasher: Arc<Argon2Hasher>,
    hash: String,
}

#[post("/login", data = "<body>")]
async fn login(
    body: Json<Value>,
    cookies: &CookieJar<'_>,
    csrf: CsrfHeader<'_>,
    hashing: &State<Hashing>,
) -> Result<Json<Value>, Status> {
    let expected = cookies.get_private("csrf").ok_or(Status::BadRequest)?;
    if expected.value() != csrf.0 {
        return Err(Status::BadRequest);
    }
    let password = body["password"].as_str().unwrap_or_default();
    let email = body["email"].as_str().unwrap_or_default().to_owned();
    let right = hashing
        .hasher
        .verify(password, &hashing.hash)
        .await
        .map_err(|_| Status::InternalServerError)?;
    if !right {
        return Err(Status::BadRequest);
    }
    cookies.add_private(Cookie::new("user", email));
    Ok(Json(json!({ "meta": { "code": 200 }, "response": {} })))
}

/// The `X-CSRF-Token` header.
struct CsrfHeader<'r>(&'r str);

#[rocket::async_trait]
impl<'r> FromRequest<'r> for CsrfHeader<'r> {
    type Error = ();

    async fn from_request(request: &'r Request<'_>) -> Outcome<Self, ()> {
        match request.headers().get_one("X-CSRF-Token") {
            Some(token) => Outcome::Success(CsrfHeader(token)),
            None => Outcome::Error((Status::BadRequest, ())),
        }
    }
}

/// The bare app, verifying every login against `hash` with `hasher`.
pub fn app(hasher: Arc<Argon2Hasher>, hash: String) -> Rocket<Build> {
    rocket::build().manage(Hashing { hasher, hash }).mount(
        "/",
        routes![
            protected,
            protected_anonymous,
            api_me,
            api_token,
            login_page,
            login
        ],
    )
}
