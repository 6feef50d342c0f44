//! The starter app: a full-stack, server-rendered application on rocket_security.
//!
//! `cargo run --example starter` serves it on SQLite with no set-up. With arguments it is the
//! command line for users and roles: `cargo run --example starter -- users create ...`.

mod app;
mod routes;

#[rocket::main]
async fn main() -> std::process::ExitCode {
    if std::env::args_os().len() > 1 {
        return rocket_security::cli::main_exit_code().await;
    }
    match app::app().launch().await {
        Ok(_) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            std::process::ExitCode::FAILURE
        }
    }
}
