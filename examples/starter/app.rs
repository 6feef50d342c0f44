//! The Rocket instance that serves the starter: its own pages (`examples/starter/templates/`,
//! Rocket's `template_dir` in `Rocket.toml`) rendered as [`Page`](rocket_security::Page)s by
//! the security layer's engine, which loads that folder over its built-in pages, so the
//! starter's pages extend the security layout without a copy of it and need no template
//! fairing of their own.

use rocket::{Build, Rocket};
use rocket_security::{Security, SecurityFairing};

use super::routes;

/// The application: security with its defaults, the starter's routes.
pub fn app() -> Rocket<Build> {
    assemble(rocket::build(), Security::fairing())
}

/// The starter's routes, the security layer given by `security`, its catchers and its
/// readiness route, on `rocket`.
pub fn assemble(rocket: Rocket<Build>, security: SecurityFairing) -> Rocket<Build> {
    rocket
        .attach(security)
        .register("/", Security::catchers())
        .mount("/", Security::health())
        .mount("/", routes::routes())
}
