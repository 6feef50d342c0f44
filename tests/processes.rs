//! The starter app as real processes: a graceful stop on SIGTERM, and several instances on
//! one database sharing sessions, remember-me cookies, auth tokens and their revocation.

use std::path::Path;
use std::time::Duration;

use crate::common::process::{
    free_port, random_key, starter_command, write_config, Browser, Server,
};
use crate::common::smtp_sink::SmtpSink;
use serde_json::json;

const EMAIL: &str = "joe@example.com";
const PASSWORD: &str = "password123";
/// How soon a revocation on one instance is obeyed by the others.
const OTHER_INSTANCE: Duration = Duration::from_secs(1);

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_finishes_in_flight_work_and_exits_zero() {
    let sink = SmtpSink::start().await;
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("db.sqlite3").display());
    let port = free_port();
    let config = write_config(dir.path(), &random_key(), port, &database, &sink.url());
    starter_command(
        &config,
        &[
            "users",
            "create",
            EMAIL,
            "--password",
            PASSWORD,
            "--confirmed",
        ],
    );
    let mut server = Server::start(&config, port).await;

    let mut browser = Browser::default();
    let response = browser
        .post(port, "/reset", json!({ "email": EMAIL }))
        .await;
    assert_eq!(response.status, 200, "{}", response.body);
    server.terminate();
    let status = server.wait(Duration::from_secs(20)).await;
    assert!(status.success(), "exit status {status}");

    let mails = sink.wait_for(1, Duration::from_secs(2)).await;
    assert_eq!(
        mails.len(),
        1,
        "the queued reset mail went out before the exit"
    );
    assert!(mails[0].text_part().unwrap().contains("/reset/"));
    // Stopped means stopped: nothing listens any more.
    assert!(tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err());
}

/// Two instances of the starter on one database, a client alternating between them.
async fn two_instances_share_sessions_tokens_and_revocation(database: &str, dir: &Path) {
    let (port_a, port_b) = (free_port(), free_port());
    // Instances of one application share its secret key and pepper.
    let key = random_key();
    let config_a = write_config(dir, &key, port_a, database, "log");
    let config_b = write_config(dir, &key, port_b, database, "log");
    starter_command(
        &config_a,
        &[
            "users",
            "create",
            EMAIL,
            "--password",
            PASSWORD,
            "--confirmed",
        ],
    );
    let _a = Server::start(&config_a, port_a).await;
    let _b = Server::start(&config_b, port_b).await;

    // A session made on A works on B.
    let mut browser = Browser::default();
    let login = browser
        .post(
            port_a,
            "/login?include_auth_token",
            json!({"email": EMAIL, "password": PASSWORD, "remember": true}),
        )
        .await;
    assert_eq!(login.status, 200, "{}", login.body);
    let token = login.json()["response"]["user"]["authentication_token"]
        .as_str()
        .expect("an auth token")
        .to_owned();
    let me = browser.request(port_b, "GET", "/api/me", &[], None).await;
    assert_eq!(me.status, 200, "session from A on B: {}", me.body);
    assert_eq!(me.json()["email"], EMAIL);

    // A remember-me cookie made on A signs in alone on B.
    let mut remembered = Browser::default();
    remembered.cookies.insert(
        "remember_token".into(),
        browser.cookies["remember_token"].clone(),
    );
    let me = remembered
        .request(port_b, "GET", "/api/me", &[], None)
        .await;
    assert_eq!(me.status, 200, "remember-me from A on B: {}", me.body);

    // An auth token made on A works on B.
    let mut api = Browser::default();
    let me = api
        .request(
            port_b,
            "GET",
            "/api/me",
            &[("Authentication-Token", &token)],
            None,
        )
        .await;
    assert_eq!(me.status, 200, "token from A on B: {}", me.body);

    // Logout on B is obeyed by A, also for a copy of the cookie taken before it.
    let mut copied = browser.clone();
    let logout = browser.post(port_b, "/logout", json!({})).await;
    assert_eq!(logout.status, 200, "{}", logout.body);
    copied.cookies.remove("remember_token");
    let revoked = std::time::Instant::now();
    loop {
        let me = copied.request(port_a, "GET", "/api/me", &[], None).await;
        if me.status == 401 {
            break;
        }
        // Another instance may reuse what it read for up to `auth_cache_ttl_ms` (500 ms).
        assert!(
            revoked.elapsed() < OTHER_INSTANCE,
            "after logout on B, A still takes the session: {}",
            me.status
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // A password change on A revokes the token on B.
    let mut owner = Browser::default();
    let login = owner
        .post(
            port_a,
            "/login",
            json!({"email": EMAIL, "password": PASSWORD}),
        )
        .await;
    assert_eq!(login.status, 200, "{}", login.body);
    let change = owner
        .post(
            port_a,
            "/change",
            json!({"password": PASSWORD, "new_password": "another-password-1",
                   "new_password_confirm": "another-password-1"}),
        )
        .await;
    assert_eq!(change.status, 200, "{}", change.body);
    let revoked = std::time::Instant::now();
    loop {
        let headers = [("Authentication-Token", token.as_str())];
        let me = api.request(port_b, "GET", "/api/me", &headers, None).await;
        if me.status == 401 {
            break;
        }
        assert!(
            revoked.elapsed() < OTHER_INSTANCE,
            "after a password change on A, B still takes the old token: {}",
            me.status
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Two starter processes on one database (a SQLite file, or a PostgreSQL / MariaDB database).
async fn two_instances_on_one_database(database: &str) {
    let dir = tempfile::tempdir().unwrap();
    two_instances_share_sessions_tokens_and_revocation(database, dir.path()).await;
}

per_backend!(
    #[tokio::test(flavor = "multi_thread")]
    databases: two_instances_on_one_database,
);

/// SMTP down for 60 s while mail is queued: requests answer at once, and when SMTP returns
/// every mail is delivered, none lost, none twice.
#[tokio::test(flavor = "multi_thread")]
async fn smtp_outage_loses_no_mail_and_sends_none_twice() {
    let sink = SmtpSink::start().await;
    sink.stop().await;
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", dir.path().join("db.sqlite3").display());
    let port = free_port();
    let config = write_config(dir.path(), &random_key(), port, &database, &sink.url());
    let users: Vec<String> = (0..4).map(|n| format!("user{n}@example.com")).collect();
    for user in &users {
        starter_command(
            &config,
            &[
                "users",
                "create",
                user,
                "--password",
                PASSWORD,
                "--confirmed",
            ],
        );
    }
    let _server = Server::start(&config, port).await;
    let outage = std::time::Instant::now();

    let mut browser = Browser::default();
    for (n, user) in users.iter().enumerate() {
        if n == users.len() - 1 {
            // One more request well into the outage.
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
        let started = std::time::Instant::now();
        let response = browser.post(port, "/reset", json!({ "email": user })).await;
        assert_eq!(response.status, 200, "{}", response.body);
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "a request waited on SMTP: {:?}",
            started.elapsed()
        );
    }
    tokio::time::sleep(Duration::from_secs(60).saturating_sub(outage.elapsed())).await;
    assert!(sink.mails().is_empty());
    sink.restart().await;

    let mails = sink.wait_for(users.len(), Duration::from_secs(90)).await;
    assert_eq!(mails.len(), users.len(), "every queued mail arrives");
    // Give a duplicate every chance to show up.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut recipients: Vec<String> = sink
        .mails()
        .iter()
        .flat_map(|m| m.recipients.clone())
        .collect();
    recipients.sort();
    assert_eq!(recipients, users, "each address got its mail exactly once");
}
