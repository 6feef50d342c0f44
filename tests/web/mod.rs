//! The web layer through Rocket's local client: sessions, guards, CSRF, login, logout,
//! registration, in JSON and HTML mode, on every backend.

use std::sync::Arc;

use crate::common::app::{
    app, form_login, get_json_with, post_json_with, read_json, submit_form, TestApp,
};
use rocket::http::{Accept, ContentType, Cookie, Header, Status};
use rocket_security::{UserDatastore, UserQuery};
use serde_json::json;

mod login;
mod register;
mod sessions;

const GENERIC: &str = "Authentication failed - identity or password/passcode invalid";

async fn with_user(store: Arc<dyn UserDatastore>) -> TestApp {
    let app = app(store).await;
    app.user("joe@example.com", "password123", true, true, &[])
        .await;
    app
}
