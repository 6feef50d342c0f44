//! Configuration: the defaults in force, duration parsing, what `from_figment` accepts and
//! refuses, and how a bad configuration stops the launch through Rocket.

use std::sync::Arc;

use rocket::error::ErrorKind;
use rocket::figment::providers::{Format, Toml};
use rocket::figment::Figment;
use rocket::{get, routes};
use rocket_security::{
    AuthMechanism, AuthUser, ConfigError, IdentityAttribute, LogoutMethod, MailConfig,
    MailTransport, MemoryDatastore, PasswordHashScheme, Security, SecurityConfig, TwoFactorMethod,
    UnifiedMethod, WithinDelta,
};
use serde_json::{json, Value};

mod defaults;
mod durations;
mod launch;
mod reading;

/// 64 random-looking bytes, base64: a valid `secret_key` used only by these tests.
const SECRET_KEY: &str =
    "hPRYyVRiMyxpw5sBB1XeCMN1kFsDCqKvBi2QJxBVHQk7VsrKd/6JHzuX7WFQ1FhLp31qVvOfhu0kszKYcLfbeQ==";

fn from_toml(security_toml: &str) -> Figment {
    Figment::new().merge(Toml::string(security_toml))
}

// ----- defaults -----
