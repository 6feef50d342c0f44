//! The starter app's own routes: its pages, rendered by the security layer's template engine
//! from `template_dir` (they extend the security layout, so the whole site looks alike), and a
//! small JSON API behind the security guards.

use rocket::serde::json::Json;
use rocket::{get, routes, Route};
use rocket_security::mechanism::{Session, Token};
use rocket_security::{
    role, AnyRole, AuthRequired, AuthUser, BasicAuth, Page, PageContext, Roles, TokenAuth, User,
};
use serde_json::{json, Value};

role!(Admin = "admin", Editor = "editor", Author = "author");

/// Every route of the starter (the security routes are mounted by the fairing).
pub fn routes() -> Vec<Route> {
    routes![index, protected, admin, editor, account, api_me, api_token, api_basic]
}

#[get("/")]
fn index(page: PageContext) -> Page {
    page.render("index", json!({ "title": "Welcome" }))
}

#[get("/protected")]
fn protected(user: AuthUser, page: PageContext) -> Page {
    page.render(
        "protected",
        json!({ "title": "Protected", "email": user.email }),
    )
}

#[get("/admin")]
fn admin(user: Roles<Admin>, page: PageContext) -> Page {
    page.render(
        "role_page",
        json!({ "title": "Admin", "area": "admin", "email": user.email }),
    )
}

#[get("/editor")]
fn editor(user: AnyRole<(Editor, Author)>, page: PageContext) -> Page {
    page.render(
        "role_page",
        json!({ "title": "Editor", "area": "editor", "email": user.email }),
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
    page.render(
        "account",
        json!({ "title": "Your account", "me": me_json(&user), "methods": methods }),
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

/// The `/api/me` body (CONTRACT C6).
fn me_json(user: &User) -> Value {
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
