//! The Rocket instance that serves the starter: its own pages (`examples/starter/templates/`,
//! Rocket's `template_dir` in `Rocket.toml`) through its own `Template` engine, with the
//! crate's `fluent` function and `local_datetime` filter registered, side by side with the
//! security layer, whose pages are built in. The folder's `security/_layout` and
//! `security/_macros` are copies of the crate's, which the starter's pages extend and import.

use rocket::{Build, Rocket};
use rocket_dyn_templates::Template;
use rocket_security::{Security, SecurityFairing};

use super::routes;

/// The application: security with its defaults, templates, the starter's routes.
pub fn app() -> Rocket<Build> {
    assemble(rocket::build(), Security::fairing())
}

/// The starter's routes, the template engine, the security layer given by `security`, its
/// catchers and its readiness route, on `rocket`.
pub fn assemble(rocket: Rocket<Build>, security: SecurityFairing) -> Rocket<Build> {
    rocket
        .attach(Template::custom(|engines| {
            rocket_security::register_i18n(&mut engines.tera)
        }))
        .attach(security)
        .register("/", Security::catchers())
        .mount("/", Security::health())
        .mount("/", routes::routes())
}
