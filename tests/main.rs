//! The integration tests, built as one binary (`autotests = false` and one `[[test]]` in
//! Cargo.toml): every file under `tests/` is a module of this crate, so the crate and its
//! dependencies are linked once for all of them.
//!
//! `cargo test` runs everything; `cargo test --test integration web::` runs one module.
//! Shared helpers live in [`common`] (the test app, backends, the per-backend macro, SMTP sink,
//! processes, TOTP) and [`hooks`] (a password hasher that runs a step mid-request).

#![recursion_limit = "512"]

#[macro_use]
mod common;
mod hooks;

mod activity;
mod api;
mod cache_instances;
mod cli;
mod config;
mod customising;
mod datastore;
mod devices;
mod hash_queue;
mod host_app;
mod i18n;
mod i18n_feedback;
mod i18n_messages;
mod identity;
mod lockout;
mod mail_flows;
mod mail_limits;
mod mail_smtp;
mod notices;
mod outage;
mod outbox_instances;
mod passkey_store;
mod passkeys;
mod password_policy;
mod processes;
mod purge;
mod revocation;
mod single_use;
mod storage;
mod takeover;
mod templates;
mod two_factor;
mod web;
