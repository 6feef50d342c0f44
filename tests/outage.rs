//! Outages: while the database is down every request answers 503 with `Retry-After` (envelope
//! or page) and nothing panics or wedges; when it returns the application recovers by itself.
//! The readiness route follows the database.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common::app::{app, read_json, TestApp};
use crate::common::mariadb_server::MariaDbServer;
use crate::common::pg_server::PgServer;
use rocket::http::{Accept, Status};
use rocket_security::{DieselDatastore, UserDatastore};

/// The longest a request may take while the database is down: the pool's connect timeout
/// (5 s) and some slack for a busy machine.
const ANSWER_WITHIN: Duration = Duration::from_secs(12);

async fn status_and_retry_after(app: &TestApp, path: &str, json: bool) -> (Status, Option<String>) {
    let mut request = app.client.get(path);
    if json {
        request = request.header(Accept::JSON);
    }
    let started = Instant::now();
    let response = request.dispatch().await;
    assert!(
        started.elapsed() < ANSWER_WITHIN,
        "{path} took {:?}",
        started.elapsed()
    );
    let retry = response.headers().get_one("Retry-After").map(str::to_owned);
    let status = response.status();
    if json && status == Status::ServiceUnavailable {
        let (_, body) = read_json(response).await;
        if path == "/health" {
            assert_eq!(body["status"], "unavailable");
            return (status, retry);
        }
        assert_eq!(body["meta"]["code"], 503, "{path}: {body}");
        assert_eq!(
            body["response"]["errors"][0],
            "The service is busy. Please try again in a moment."
        );
    }
    (status, retry)
}

/// A database server the test can stop and start.
trait Outage {
    fn url(&self) -> String;
    async fn go_down(&mut self);
    async fn come_back(&mut self);
}

impl Outage for PgServer {
    fn url(&self) -> String {
        PgServer::url(self)
    }
    async fn go_down(&mut self) {
        self.stop();
    }
    async fn come_back(&mut self) {
        self.start_again();
    }
}

impl Outage for MariaDbServer {
    fn url(&self) -> String {
        MariaDbServer::url(self)
    }
    async fn go_down(&mut self) {
        self.stop();
    }
    async fn come_back(&mut self) {
        self.start_again().await;
    }
}

async fn outage_answers_503_and_recovers_by_itself(server: &mut impl Outage) {
    let store = DieselDatastore::connect(&server.url(), 4).await.unwrap();
    store.run_migrations().await.unwrap();
    let store: Arc<dyn UserDatastore> = Arc::new(store);
    let app = app(store).await;
    app.user("joe@example.com", "password123", true, true, &[])
        .await;
    app.login("joe@example.com", "password123").await;
    assert_eq!(app.get_json("/api/me").await.0, Status::Ok);
    assert_eq!(app.status("/health").await, Status::Ok);

    server.go_down().await;
    for (path, json) in [
        ("/api/me", true),
        ("/protected", false),
        ("/login", true),
        ("/health", true),
    ] {
        let (status, retry) = status_and_retry_after(&app, path, json).await;
        assert_eq!(status, Status::ServiceUnavailable, "{path} while down");
        assert_eq!(retry.as_deref(), Some("5"), "{path} while down");
    }
    let (status, body) = app
        .post_json(
            "/login",
            serde_json::json!({"email": "joe@example.com", "password": "password123"}),
            None,
        )
        .await;
    assert_eq!(status, Status::ServiceUnavailable, "{body}");

    server.come_back().await;
    let back = Instant::now();
    loop {
        let (status, _) = app.get_json("/api/me").await;
        if status == Status::Ok {
            break;
        }
        assert!(
            back.elapsed() < Duration::from_secs(5),
            "not recovered 5 s after the database returned: {status}"
        );
        rocket::tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The session made before the outage is still the user's; the readiness route is green.
    let (_, me) = app.get_json("/api/me").await;
    assert_eq!(me["email"], "joe@example.com");
    assert_eq!(app.status("/health").await, Status::Ok);
}

#[rocket::async_test]
async fn postgres_outage_answers_503_and_recovers_by_itself() {
    if let Some(mut server) = PgServer::start("postgres_outage_answers_503_and_recovers_by_itself")
    {
        outage_answers_503_and_recovers_by_itself(&mut server).await;
    }
}

#[rocket::async_test]
async fn mariadb_outage_answers_503_and_recovers_by_itself() {
    let test = "mariadb_outage_answers_503_and_recovers_by_itself";
    if let Some(mut server) = MariaDbServer::start(test).await {
        outage_answers_503_and_recovers_by_itself(&mut server).await;
    }
}
