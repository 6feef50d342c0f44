//! The flows, one module each. This module only lists them and mounts their routes; what they
//! share lives below them: [`crate::context`] (request context and replies),
//! [`crate::forms`] (bodies, form state, validation) and [`crate::signin`] (finishing a sign-in,
//! second factor, codes).

mod activity;
mod change;
mod change_email;
mod confirm;
mod delete_account;
mod devices;
pub(crate) mod login;
mod recover;
mod recovery_codes;
mod register;
pub(crate) mod two_factor;
mod unified;
mod username;
pub(crate) mod verify;
#[cfg(feature = "webauthn")]
mod webauthn;

use rocket::Route;

use crate::config::SecurityConfig;

/// The routes of every enabled flow.
pub(crate) fn routes(config: &SecurityConfig) -> Vec<Route> {
    let mut routes = login::routes(config);
    routes.extend(rocket::routes![static_file]);
    if config.registerable {
        routes.extend(register::routes(config));
    }
    if config.confirmable {
        routes.extend(confirm::routes());
    }
    if config.recoverable {
        routes.extend(recover::routes());
    }
    if config.changeable {
        routes.extend(change::routes());
    }
    if config.change_email {
        routes.extend(change_email::routes());
    }
    if config.two_factor {
        routes.extend(two_factor::routes());
    }
    if config.multi_factor_recovery_codes {
        routes.extend(recovery_codes::routes());
    }
    if config.unified_signin {
        routes.extend(unified::routes());
    }
    if config.username_enable {
        routes.extend(username::routes(config));
    }
    if config.deletable {
        routes.extend(delete_account::routes());
    }
    #[cfg(feature = "webauthn")]
    if config.webauthn {
        routes.extend(webauthn::routes(config));
    }
    routes.extend(verify::routes());
    routes.extend(devices::routes());
    routes.extend(activity::routes());
    routes
}

/// The default stylesheet (and any other embedded asset), overridable by a file of the same
/// name in the application's `static/security/`.
#[rocket::get("/fs-static/<name>")]
fn static_file(name: &str) -> Option<(rocket::http::ContentType, Vec<u8>)> {
    if name.contains("..") || name.contains('/') || name.contains('\\') {
        return None;
    }
    let kind = rocket::http::ContentType::from_extension(name.rsplit('.').next()?)?;
    let override_path = std::path::Path::new("static/security").join(name);
    if let Ok(body) = std::fs::read(&override_path) {
        return Some((kind, body));
    }
    crate::templates::static_file(name).map(|body| (kind, body.as_bytes().to_vec()))
}
