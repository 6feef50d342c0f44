//! Guarded requests against the starter app, side by side with a bare Rocket app of the same
//! route shapes, in one run: each scenario runs on the bare app and the starter in turn (twice,
//! alternating), over keep-alive HTTP/1.1 connections on 127.0.0.1, and prints throughput,
//! p50/p99 latency and the starter's share of the bare app's throughput.
//!
//! `cargo bench --bench http` (options through the environment: `HTTP_CONNECTIONS`, default
//! 32; `HTTP_SECONDS` per scenario and app, default 5). Absolute numbers move with the machine;
//! the ratios are what to compare. Everything goes to its own servers on loopback, and the run
//! stops by itself.

#[path = "../../examples/starter/routes.rs"]
mod routes;

#[path = "../../examples/starter/app.rs"]
#[allow(dead_code)]
mod app;

mod bare;
mod client;

use std::sync::Arc;
use std::time::{Duration, Instant};

use client::Connection;
use rocket::{Build, Rocket};
use rocket_security::{Argon2Hasher, NewUser, PasswordHasher, Security};

const PASSWORD: &str = "correct horse battery";

/// One measured run of one scenario on one app.
#[derive(Default)]
struct Sample {
    requests: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Sample {
    fn merge(&mut self, other: Sample) {
        self.requests += other.requests;
        self.elapsed += other.elapsed;
        self.latencies.extend(other.latencies);
    }

    fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    fn percentile(&mut self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        self.latencies.sort();
        let index = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[index]
    }
}

/// What each connection does, repeatedly, until time is up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scenario {
    SessionGet,
    TokenGet,
    AnonymousRedirect,
    Login,
}

impl Scenario {
    fn label(self) -> &'static str {
        match self {
            Scenario::SessionGet => "GET guarded by the session cookie",
            Scenario::TokenGet => "GET guarded by an auth token",
            Scenario::AnonymousRedirect => "GET without credentials -> 302",
            Scenario::Login => "GET /login + POST /login with CSRF",
        }
    }
}

/// A running app and how to sign in to it.
struct Target {
    name: &'static str,
    port: u16,
    token: String,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn secret_key() -> String {
    use base64::Engine;
    let bytes: Vec<u8> = (0..64).map(|_| rand::random::<u8>()).collect();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Launches `rocket` on `port`, waits until it listens, and returns its security state, if any.
async fn launch(rocket: Rocket<Build>, port: u16) -> Option<Security> {
    let rocket = rocket.ignite().await.expect("the app ignites");
    let security = rocket.state::<Security>().cloned();
    rocket::tokio::spawn(rocket.launch());
    for _ in 0..100 {
        if rocket::tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            break;
        }
        rocket::tokio::time::sleep(Duration::from_millis(50)).await;
    }
    security
}

/// One connection's loop for `scenario` until `deadline`.
async fn drive(
    target: Arc<Target>,
    scenario: Scenario,
    email: String,
    deadline: Instant,
) -> Sample {
    let mut connection = Connection::open(target.port).await;
    if scenario == Scenario::SessionGet {
        connection.login(&email, PASSWORD).await;
    }
    let mut sample = Sample::default();
    let started = Instant::now();
    while Instant::now() < deadline {
        let began = Instant::now();
        match scenario {
            Scenario::SessionGet => {
                let (status, _) = connection.request("GET", "/protected", &[], "").await;
                assert_eq!(status, 200, "{}", target.name);
            }
            Scenario::TokenGet => {
                let headers = [("Authentication-Token", target.token.as_str())];
                let (status, _) = connection.request("GET", "/api/token", &headers, "").await;
                assert_eq!(status, 200, "{}", target.name);
            }
            Scenario::AnonymousRedirect => {
                connection.forget_cookies();
                let (status, _) = connection.request("GET", "/protected", &[], "").await;
                assert_eq!(status, 302, "{}", target.name);
            }
            Scenario::Login => {
                connection.forget_cookies();
                connection.login(&email, PASSWORD).await;
            }
        }
        sample.latencies.push(began.elapsed());
        sample.requests += 1;
    }
    sample.elapsed = started.elapsed();
    sample
}

async fn measure(
    target: &Arc<Target>,
    scenario: Scenario,
    connections: usize,
    seconds: u64,
) -> Sample {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..connections)
        .map(|i| {
            rocket::tokio::spawn(drive(
                Arc::clone(target),
                scenario,
                format!("user{i}@example.com"),
                deadline,
            ))
        })
        .collect();
    let mut total = Sample::default();
    let mut longest = Duration::ZERO;
    for task in tasks {
        let sample = task.await.expect("a load task");
        longest = longest.max(sample.elapsed);
        total.requests += sample.requests;
        total.latencies.extend(sample.latencies);
    }
    total.elapsed = longest;
    total
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
        / 1024
}

#[rocket::main]
async fn main() {
    let connections = env_number("HTTP_CONNECTIONS", 32) as usize;
    let seconds = env_number("HTTP_SECONDS", 5);
    let dir = tempfile::tempdir().expect("temporary directory");
    let key = secret_key();

    // The starter, on SQLite, in release with its default Argon2id parameters.
    let starter_port = free_port();
    let figment = rocket::Config::figment()
        .merge(("secret_key", key.clone()))
        .merge(("security.password_salt", "http-bench-pepper"))
        .merge(("port", starter_port))
        .merge(("log_level", "off"))
        .merge((
            "databases.security.url",
            format!("sqlite://{}/http.sqlite3", dir.path().display()),
        ))
        .merge(("security.mail.url", "log"));
    let security = launch(app::app().configure(figment.clone()), starter_port)
        .await
        .expect("security state");
    let hash = security.hasher().hash(PASSWORD).await.expect("hash");
    let mut first = None;
    for i in 0..connections {
        let user = security
            .datastore()
            .create_user(NewUser {
                email: format!("user{i}@example.com"),
                password: Some(hash.clone()),
                active: true,
                confirmed_at: Some(chrono::Utc::now().naive_utc()),
                ..NewUser::default()
            })
            .await
            .expect("user");
        first.get_or_insert(user);
    }
    let starter = Arc::new(Target {
        name: "starter",
        port: starter_port,
        token: security.get_auth_token(&first.expect("a user")),
    });

    // The bare app: the same route shapes, a private cookie for the session, the same hasher.
    let bare_port = free_port();
    let hasher = Arc::new(
        Argon2Hasher::builder()
            .pepper("http-bench-pepper")
            .build()
            .expect("hasher"),
    );
    let bare_hash = hasher.hash(PASSWORD).await.expect("hash");
    let bare_rocket = bare::app(hasher, bare_hash).configure(figment.merge(("port", bare_port)));
    launch(bare_rocket, bare_port).await;
    let bare = Arc::new(Target {
        name: "bare",
        port: bare_port,
        token: bare::TOKEN.to_owned(),
    });

    println!(
        "{connections} connections, {seconds} s per scenario and app, twice, alternating \
         (RSS before: {} MiB)",
        rss_mib()
    );
    println!(
        "{:<40} {:>12} {:>12} {:>7} {:>16} {:>16}",
        "scenario", "bare req/s", "starter req/s", "share", "bare p50/p99", "starter p50/p99"
    );
    for scenario in [
        Scenario::SessionGet,
        Scenario::TokenGet,
        Scenario::AnonymousRedirect,
        Scenario::Login,
    ] {
        let (mut on_bare, mut on_starter) = (Sample::default(), Sample::default());
        for _ in 0..2 {
            on_bare.merge(measure(&bare, scenario, connections, seconds).await);
            on_starter.merge(measure(&starter, scenario, connections, seconds).await);
        }
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{:<40} {:>12.0} {:>12.0} {:>6.0}% {:>7.2}/{:<7.2}ms {:>7.2}/{:<7.2}ms",
            scenario.label(),
            on_bare.per_second(),
            on_starter.per_second(),
            100.0 * on_starter.per_second() / on_bare.per_second().max(1e-9),
            ms(on_bare.percentile(0.5)),
            ms(on_bare.percentile(0.99)),
            ms(on_starter.percentile(0.5)),
            ms(on_starter.percentile(0.99)),
        );
    }
    println!("RSS after: {} MiB", rss_mib());
}
