//! The servers of the run, each in a process of its own (this same binary, started with
//! `HTTP_SERVE=starter` or `HTTP_SERVE=bare`), so that their memory can be read apart from the
//! load generator's and from each other's.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use rocket::figment::Figment;
use rocket_security::{Argon2Hasher, DatastoreError, NewUser, PasswordHasher, Security, UserQuery};

use crate::{app, bare, PASSWORD, PEPPER};

/// Which app a server process runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Starter,
    Bare,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Starter => "starter",
            Kind::Bare => "bare",
        }
    }

    fn parse(name: &str) -> Option<Kind> {
        [Kind::Starter, Kind::Bare]
            .into_iter()
            .find(|k| k.name() == name)
    }
}

/// A server process of the run, and how to sign in to it.
pub struct Server {
    pub port: u16,
    pub token: String,
    child: Child,
    _stdout: BufReader<ChildStdout>,
}

impl Server {
    /// Starts `kind` on `port` with `database` (the starter's datastore) and `users` accounts,
    /// and waits until it listens.
    pub fn start(kind: Kind, port: u16, database: &str, key: &str, users: usize) -> Server {
        let mut child = Command::new(std::env::current_exe().expect("this binary"))
            .env("HTTP_SERVE", kind.name())
            .env("HTTP_PORT", port.to_string())
            .env("HTTP_DATABASE", database)
            .env("HTTP_KEY", key)
            .env("HTTP_USERS", users.to_string())
            .stdout(Stdio::piped())
            .spawn()
            .expect("a server process");
        let mut stdout = BufReader::new(child.stdout.take().expect("its output"));
        let mut token = String::new();
        loop {
            let mut line = String::new();
            let read = stdout.read_line(&mut line).expect("server output");
            assert!(
                read > 0,
                "the {} server stopped while starting",
                kind.name()
            );
            match line.trim().split_once(' ') {
                Some(("token", value)) => token = value.to_owned(),
                _ if line.trim() == "ready" => break,
                _ => {}
            }
        }
        Server {
            port,
            token,
            child,
            _stdout: stdout,
        }
    }

    /// Resident and peak resident memory of the process, in MiB.
    pub fn memory_mib(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
                .unwrap_or(0)
                / 1024
        };
        (field("VmRSS:"), field("VmHWM:"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The figment of a server process: release-mode secrets, quiet logs, the database, and the
/// starter's pages wherever the run starts from (`Rocket.toml` is found from the working
/// directory, so a run from elsewhere would otherwise answer the starter's pages with 500).
fn figment(port: u16, database: &str, key: &str) -> Figment {
    rocket::Config::figment()
        .merge((
            "template_dir",
            concat!(env!("CARGO_MANIFEST_DIR"), "/examples/starter/templates"),
        ))
        .merge(("secret_key", key))
        .merge(("security.password_salt", PEPPER))
        .merge(("port", port))
        .merge(("log_level", "off"))
        .merge(("databases.security.url", database))
        .merge(("security.mail.url", "log"))
        .merge(("security.server_name", format!("http://127.0.0.1:{port}")))
        .merge((
            "security.auth_cache_ttl_ms",
            crate::env_number("HTTP_AUTH_CACHE_MS", 500),
        ))
}

/// Creates `user0..` (kept when a previous run made them) and returns user0's auth token.
async fn seed(security: &Security, users: usize) -> String {
    let hash = security.hasher().hash(PASSWORD).await.expect("hash");
    let mut token = None;
    for i in 0..users {
        let email = format!("user{i}@example.com");
        let created = security
            .datastore()
            .create_user(NewUser {
                email: email.clone(),
                password: Some(hash.clone()),
                active: true,
                confirmed_at: Some(chrono::Utc::now().naive_utc()),
                ..NewUser::default()
            })
            .await;
        let user = match created {
            Ok(user) => user,
            Err(DatastoreError::DuplicateUser) => security
                .datastore()
                .find_user(UserQuery::Email(&email))
                .await
                .expect("find")
                .expect("the user"),
            Err(e) => panic!("seeding: {e}"),
        };
        token.get_or_insert_with(|| security.get_auth_token(&user));
    }
    token.expect("at least one user")
}

/// Serves as the process named by `HTTP_SERVE`, if it names one; never returns then.
pub async fn serve_if_asked() {
    let Some(kind) = std::env::var("HTTP_SERVE")
        .ok()
        .and_then(|k| Kind::parse(&k))
    else {
        return;
    };
    let var = |name: &str| std::env::var(name).expect(name);
    let port: u16 = var("HTTP_PORT").parse().expect("HTTP_PORT");
    let users: usize = var("HTTP_USERS").parse().expect("HTTP_USERS");
    let figment = figment(port, &var("HTTP_DATABASE"), &var("HTTP_KEY"));
    let rocket = match kind {
        Kind::Starter => {
            let rocket = app::app()
                .configure(figment)
                .ignite()
                .await
                .expect("ignite");
            let security = rocket.state::<Security>().expect("security state").clone();
            println!("token {}", seed(&security, users).await);
            rocket
        }
        Kind::Bare => {
            let hasher = Arc::new(
                Argon2Hasher::builder()
                    .pepper(PEPPER)
                    .build()
                    .expect("hasher"),
            );
            let hash = hasher.hash(PASSWORD).await.expect("hash");
            println!("token {}", bare::TOKEN);
            let rocket = bare::app(hasher, hash).configure(figment);
            rocket.ignite().await.expect("ignite")
        }
    };
    let server = rocket::tokio::spawn(rocket.launch());
    for _ in 0..200 {
        let listening = rocket::tokio::net::TcpStream::connect(("127.0.0.1", port)).await;
        if listening.is_ok() {
            break;
        }
        rocket::tokio::time::sleep(Duration::from_millis(25)).await;
    }
    println!("ready");
    let _ = server.await;
    std::process::exit(0);
}
