//! Guarded requests against the starter app, side by side with a bare Rocket app of the same
//! route shapes, in one run: each scenario runs on the bare app and the starter in turn (twice,
//! alternating, after a second of unmeasured warm-up on each), over keep-alive HTTP/1.1
//! connections on 127.0.0.1, and prints throughput, p50/p99 latency and the starter's share of
//! the bare app's throughput. Logins are also set against the hashing limit, measured in the
//! same run: the verifies per second that the password hashing pool manages with nothing else
//! to do.
//!
//! Each app runs in a process of its own (this binary again), so the starter's memory is read
//! apart: resident (once idle) and peak after the scenarios, and after `HTTP_MEMORY_REQUESTS`
//! more guarded GETs when that is set.
//!
//! `cargo bench --bench http`, options through the environment: `HTTP_CONNECTIONS` (default
//! 32), `HTTP_SECONDS` per scenario and app (default 5), `HTTP_POSTGRES_URL` (a PostgreSQL
//! database the run may add users to: the scenarios run on it too), `HTTP_MEMORY_REQUESTS`
//! (default 0), `HTTP_AUTH_CACHE_MS` (the starter's `auth_cache_ttl_ms`, default 500; `0` to
//! compare without the cache), `HTTP_SCENARIOS` (some of `session,api,token,redirect,login`; default
//! all). Absolute numbers move with the machine; the ratios are what to compare.

#[path = "../../examples/starter/routes.rs"]
mod routes;

#[path = "../../examples/starter/app.rs"]
#[allow(dead_code)]
mod app;

mod bare;
mod client;
mod serve;

use std::sync::Arc;
use std::time::{Duration, Instant};

use client::Connection;
use rocket_security::{Argon2Hasher, PasswordHasher};
use serve::{Kind, Server};

const PASSWORD: &str = "correct horse battery";
const PEPPER: &str = "http-bench-pepper";
/// Each scenario's unmeasured first run on each app.
const WARM_UP_SECONDS: u64 = 1;

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
    SessionApi,
    TokenGet,
    AnonymousRedirect,
    Login,
}

impl Scenario {
    const ALL: [Scenario; 5] = [
        Scenario::SessionGet,
        Scenario::SessionApi,
        Scenario::TokenGet,
        Scenario::AnonymousRedirect,
        Scenario::Login,
    ];

    /// The name `HTTP_SCENARIOS` uses.
    fn name(self) -> &'static str {
        match self {
            Scenario::SessionGet => "session",
            Scenario::SessionApi => "api",
            Scenario::TokenGet => "token",
            Scenario::AnonymousRedirect => "redirect",
            Scenario::Login => "login",
        }
    }

    /// The scenarios `HTTP_SCENARIOS` names (comma-separated), all when it is unset.
    fn chosen() -> Vec<Scenario> {
        let Ok(names) = std::env::var("HTTP_SCENARIOS") else {
            return Scenario::ALL.to_vec();
        };
        let names: Vec<&str> = names.split(',').map(str::trim).collect();
        for name in &names {
            assert!(
                Scenario::ALL.iter().any(|s| s.name() == *name),
                "HTTP_SCENARIOS: `{name}` is none of session, api, token, redirect, login"
            );
        }
        Scenario::ALL
            .into_iter()
            .filter(|s| names.contains(&s.name()))
            .collect()
    }

    fn label(self) -> &'static str {
        match self {
            Scenario::SessionGet => "GET guarded by the session cookie",
            Scenario::SessionApi => "GET /api/me with the session cookie",
            Scenario::TokenGet => "GET guarded by an auth token",
            Scenario::AnonymousRedirect => "GET without credentials -> 302",
            Scenario::Login => "GET /login + POST /login with CSRF",
        }
    }
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

/// One request of `scenario` on `connection`.
async fn once(connection: &mut Connection, scenario: Scenario, token: &str, email: &str) {
    match scenario {
        Scenario::SessionGet => {
            let (status, _) = connection.request("GET", "/protected", &[], "").await;
            assert_eq!(status, 200);
        }
        Scenario::SessionApi => {
            let (status, _) = connection.request("GET", "/api/me", &[], "").await;
            assert_eq!(status, 200);
        }
        Scenario::TokenGet => {
            let headers = [("Authentication-Token", token)];
            let (status, _) = connection.request("GET", "/api/token", &headers, "").await;
            assert_eq!(status, 200);
        }
        Scenario::AnonymousRedirect => {
            connection.forget_cookies();
            let (status, _) = connection.request("GET", "/protected", &[], "").await;
            assert_eq!(status, 302);
        }
        Scenario::Login => {
            connection.forget_cookies();
            connection.login(email, PASSWORD).await;
        }
    }
}

/// A connection to `port` ready for `scenario`: signed in as `email` for the session scenarios.
async fn prepare(port: u16, scenario: Scenario, email: String) -> (Connection, String) {
    let mut connection = Connection::open(port).await;
    if matches!(scenario, Scenario::SessionGet | Scenario::SessionApi) {
        connection.login(&email, PASSWORD).await;
    }
    (connection, email)
}

/// One connection's loop for `scenario` until `deadline` or `budget` requests.
async fn drive(
    mut connection: Connection,
    token: Arc<str>,
    scenario: Scenario,
    email: String,
    deadline: Instant,
    budget: usize,
) -> Sample {
    let mut sample = Sample::default();
    let started = Instant::now();
    while Instant::now() < deadline && sample.requests < budget {
        let began = Instant::now();
        once(&mut connection, scenario, &token, &email).await;
        sample.latencies.push(began.elapsed());
        sample.requests += 1;
    }
    sample.elapsed = started.elapsed();
    sample
}

/// `connections` clients running `scenario` on `server` for `seconds` (or `budget` requests
/// each). The session scenarios sign every client in before the clock starts, so that the
/// hashing of those logins is neither counted in the time nor competing with the requests.
async fn measure(
    server: &Server,
    scenario: Scenario,
    connections: usize,
    seconds: u64,
    budget: usize,
) -> Sample {
    let token: Arc<str> = server.token.as_str().into();
    let preparing: Vec<_> = (0..connections)
        .map(|i| {
            rocket::tokio::spawn(prepare(
                server.port,
                scenario,
                format!("user{i}@example.com"),
            ))
        })
        .collect();
    let mut ready = Vec::with_capacity(connections);
    for task in preparing {
        ready.push(task.await.expect("a connection"));
    }
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let tasks: Vec<_> = ready
        .into_iter()
        .map(|(connection, email)| {
            let token = token.clone();
            rocket::tokio::spawn(drive(connection, token, scenario, email, deadline, budget))
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

/// Verifies per second of the default Argon2id pool with `callers` waiting on it: the most
/// logins the machine can do.
async fn hashing_limit(callers: usize, seconds: u64) -> f64 {
    let hasher = Arc::new(
        Argon2Hasher::builder()
            .pepper(PEPPER)
            .build()
            .expect("hasher"),
    );
    let hash = hasher.hash(PASSWORD).await.expect("hash");
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = (0..callers)
        .map(|_| {
            let (hasher, hash) = (hasher.clone(), hash.clone());
            rocket::tokio::spawn(async move {
                let mut done = 0usize;
                while Instant::now() < deadline {
                    assert!(hasher.verify(PASSWORD, &hash).await.expect("verify"));
                    done += 1;
                }
                done
            })
        })
        .collect();
    let mut total = 0;
    for task in tasks {
        total += task.await.expect("a hashing task");
    }
    total as f64 / started.elapsed().as_secs_f64()
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Every scenario on the bare app and the starter on `database`, alternating, with the report.
async fn run(database_name: &str, database: &str, connections: usize, seconds: u64) {
    let key = secret_key();
    let starter = Server::start(Kind::Starter, free_port(), database, &key, connections);
    let bare = Server::start(Kind::Bare, free_port(), database, &key, connections);
    let (rss, _) = starter.memory_mib();
    println!(
        "\n{database_name}: {connections} connections, {seconds} s per scenario and app, twice, \
         alternating; starter RSS at start {rss} MiB"
    );
    println!(
        "{:<36} {:>10} {:>10} {:>6} {:>16} {:>16}",
        "scenario", "bare/s", "starter/s", "share", "bare p50/p99", "starter p50/p99"
    );
    for scenario in Scenario::chosen() {
        // Unmeasured: the first requests of a scenario open database connections and fill
        // caches on either app.
        for server in [&bare, &starter] {
            measure(server, scenario, connections, WARM_UP_SECONDS, usize::MAX).await;
        }
        let (mut on_bare, mut on_starter) = (Sample::default(), Sample::default());
        let mut limit = 0.0;
        for _ in 0..2 {
            if scenario == Scenario::Login {
                limit += hashing_limit(connections, seconds).await / 2.0;
            }
            on_bare.merge(measure(&bare, scenario, connections, seconds, usize::MAX).await);
            on_starter.merge(measure(&starter, scenario, connections, seconds, usize::MAX).await);
        }
        println!(
            "{:<36} {:>10.0} {:>10.0} {:>5.0}% {:>7.2}/{:<7.2}ms {:>7.2}/{:<7.2}ms",
            scenario.label(),
            on_bare.per_second(),
            on_starter.per_second(),
            100.0 * on_starter.per_second() / on_bare.per_second().max(1e-9),
            ms(on_bare.percentile(0.5)),
            ms(on_bare.percentile(0.99)),
            ms(on_starter.percentile(0.5)),
            ms(on_starter.percentile(0.99)),
        );
        if scenario == Scenario::Login {
            println!(
                "{:<36} {:>10.0} {:>10.0} {:>5.0}%   (starter logins / verifies alone)",
                "hashing limit (verifies/s alone)",
                limit,
                on_starter.per_second(),
                100.0 * on_starter.per_second() / f64::max(limit, 1e-9),
            );
        }
    }
    // Read once the last responses have gone out and the starter is idle.
    rocket::tokio::time::sleep(Duration::from_secs(1)).await;
    let (rss, peak) = starter.memory_mib();
    println!("starter RSS {rss} MiB, peak {peak} MiB after the scenarios");
    let requests = env_number("HTTP_MEMORY_REQUESTS", 0) as usize;
    if requests > 0 {
        let each = requests.div_ceil(connections);
        let sample = measure(&starter, Scenario::SessionGet, connections, 86_400, each).await;
        let (rss, peak) = starter.memory_mib();
        println!(
            "after {} more session GETs ({:.0}/s): starter RSS {rss} MiB, peak {peak} MiB",
            sample.requests,
            sample.per_second()
        );
    }
}

#[rocket::main]
async fn main() {
    serve::serve_if_asked().await;
    let connections = env_number("HTTP_CONNECTIONS", 32) as usize;
    let seconds = env_number("HTTP_SECONDS", 5);
    let dir = tempfile::tempdir().expect("temporary directory");
    let sqlite = format!("sqlite://{}/http.sqlite3", dir.path().display());
    run("SQLite", &sqlite, connections, seconds).await;
    match std::env::var("HTTP_POSTGRES_URL") {
        Ok(url) if !url.trim().is_empty() => run("PostgreSQL", &url, connections, seconds).await,
        _ => println!("\nPostgreSQL: skipped (set HTTP_POSTGRES_URL to a database to use)"),
    }
}
