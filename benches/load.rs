//! A load run against the starter app over real HTTP on 127.0.0.1: concurrent logins (Argon2id
//! at the configured parameters, on the bounded hashing pool) and guarded page views, with the
//! throughput and the process's peak memory.
//!
//! `cargo bench --bench load` (options through the environment: `LOAD_CLIENTS`, default 32;
//! `LOAD_REQUESTS`, guarded requests per client, default 50). Everything it sends goes to its
//! own server on loopback, and it stops by itself.

#[path = "../examples/starter/routes.rs"]
mod routes;

#[path = "../examples/starter/app.rs"]
#[allow(dead_code)]
mod app;

#[path = "http/client.rs"]
#[allow(dead_code)]
mod client;

use std::time::{Duration, Instant};

use client::Connection;
use rocket::tokio::net::TcpStream;
use rocket_security::{NewUser, Security};

const PASSWORD: &str = "correct horse battery";

/// A connection signed in as `email`.
async fn login(port: u16, email: String) -> Connection {
    let mut connection = Connection::open(port).await;
    connection.login(&email, PASSWORD).await;
    connection
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[rocket::main]
async fn main() {
    let clients = env_number("LOAD_CLIENTS", 32);
    let requests = env_number("LOAD_REQUESTS", 50);
    let dir = tempfile::tempdir().expect("temporary directory");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    // Benchmarks build in release, where secrets must be given.
    let secret_key = {
        use base64::Engine;
        let bytes: Vec<u8> = (0..64).map(|_| rand::random::<u8>()).collect();
        base64::engine::general_purpose::STANDARD.encode(bytes)
    };
    let figment = rocket::Config::figment()
        .merge(("secret_key", secret_key))
        .merge(("security.password_salt", "load-run-pepper"))
        .merge(("port", port))
        .merge(("log_level", "off"))
        .merge((
            "databases.security.url",
            format!("sqlite://{}/load.sqlite3", dir.path().display()),
        ))
        .merge(("security.mail.url", "log"));
    let rocket = app::app()
        .configure(figment)
        .ignite()
        .await
        .expect("the starter app ignites");
    let security = rocket.state::<Security>().expect("security state").clone();
    let shutdown = rocket.shutdown();
    let server = rocket::tokio::spawn(rocket.launch());

    let hash = security.hasher().hash(PASSWORD).await.expect("hash");
    for i in 0..clients {
        security
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
    }
    for _ in 0..50 {
        if TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            break;
        }
        rocket::tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let started = Instant::now();
    let logins: Vec<_> = (0..clients)
        .map(|i| rocket::tokio::spawn(login(port, format!("user{i}@example.com"))))
        .collect();
    let mut connections = Vec::new();
    for login in logins {
        connections.push(login.await.expect("login task"));
    }
    let login_time = started.elapsed();

    let started = Instant::now();
    let views: Vec<_> = connections
        .into_iter()
        .map(|mut connection| {
            rocket::tokio::spawn(async move {
                for _ in 0..requests {
                    let (status, _) = connection.request("GET", "/protected", &[], "").await;
                    assert_eq!(status, 200);
                }
            })
        })
        .collect();
    for view in views {
        view.await.expect("view task");
    }
    let view_time = started.elapsed();

    println!("load run against the starter app on 127.0.0.1:{port}");
    println!(
        "  {clients} concurrent logins: {:.2} s, {:.1} logins/s",
        login_time.as_secs_f64(),
        clients as f64 / login_time.as_secs_f64()
    );
    println!(
        "  {} guarded page views ({clients} clients x {requests}): {:.2} s, {:.0} requests/s",
        clients * requests,
        view_time.as_secs_f64(),
        (clients * requests) as f64 / view_time.as_secs_f64()
    );
    println!("  peak resident memory: {} MiB", peak_rss_kib() / 1024);
    shutdown.notify();
    let _ = server.await;
}
