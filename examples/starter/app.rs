//! The starter app's routes and the Rocket instance that serves them.

use rocket::serde::json::Json;
use rocket::{get, routes, Build, Rocket};
use rocket_security::mechanism::{Session, Token};
use rocket_security::{
    role, AnyRole, AuthRequired, AuthUser, BasicAuth, Page, PageContext, Roles, Security, TokenAuth,
};
use serde_json::{json, Value};

role!(Admin = "admin", Editor = "editor", Author = "author");

#[get("/")]
fn index(page: PageContext) -> Page {
    Page::render("index", page.with(json!({ "title": "Welcome" })))
}

#[get("/protected")]
fn protected(user: AuthUser, page: PageContext) -> Page {
    Page::render(
        "protected",
        page.with(json!({ "title": "Protected", "email": user.email })),
    )
}

#[get("/admin")]
fn admin(user: Roles<Admin>, page: PageContext) -> Page {
    Page::render(
        "role_page",
        page.with(json!({ "title": "Admin", "area": "admin", "email": user.email })),
    )
}

#[get("/editor")]
fn editor(user: AnyRole<(Editor, Author)>, page: PageContext) -> Page {
    Page::render(
        "role_page",
        page.with(json!({ "title": "Editor", "area": "editor", "email": user.email })),
    )
}

/// The account page: sign-in history, and every sign-in method in one place.
#[get("/account")]
fn account(user: AuthUser, page: PageContext) -> Page {
    let us_methods = user.us_methods();
    let methods = json!({
        "password": user.password.is_some(),
        "authenticator": user.tf_primary_method.as_deref() == Some("authenticator"),
        "email_codes": us_methods.iter().any(|m| m == "email"),
        "authenticator_signin": us_methods.iter().any(|m| m == "authenticator"),
        "recovery_codes": user.has_recovery_codes(),
    });
    Page::render(
        "account",
        page.with(json!({ "title": "Your account", "me": me_json(&user), "methods": methods })),
    )
}

/// `/api/me`: session or token (`auth_required("session", "token")`).
#[get("/api/me")]
fn api_me(user: AuthRequired<(Session, Token)>) -> Json<Value> {
    Json(me_json(&user))
}

/// `/api/basic`: HTTP Basic (`http_auth_required`).
#[get("/api/basic")]
fn api_basic(user: BasicAuth) -> Json<Value> {
    Json(json!({ "email": user.email, "via": "basic" }))
}

#[get("/api/token")]
fn api_token(user: TokenAuth) -> Json<Value> {
    Json(json!({ "email": user.email, "via": "token" }))
}

fn me_json(user: &rocket_security::User) -> Value {
    let iso =
        |t: Option<chrono::NaiveDateTime>| t.map(|t| t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string());
    json!({
        "email": user.email,
        "active": user.active,
        "confirmed": user.confirmed_at.is_some(),
        "roles": user.role_names(),
        "login_count": user.login_count,
        "current_login_at": iso(user.current_login_at),
        "last_login_at": iso(user.last_login_at),
        "current_login_ip": user.current_login_ip,
        "last_login_ip": user.last_login_ip,
        "tf_primary_method": user.tf_primary_method,
    })
}

/// The application: security, templates, the demo routes.
pub fn app() -> Rocket<Build> {
    rocket::build()
        .attach(Security::fairing())
        .register("/", Security::catchers())
        .mount("/", Security::health())
        .mount(
            "/",
            routes![index, protected, admin, editor, account, api_me, api_token, api_basic],
        )
}
