//! Outages: while the database is down every request answers 503 with `Retry-After` (envelope
//! or page) and nothing panics or wedges; when it returns the application recovers by itself.
//! The readiness route follows the database.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::app::{app, read_json, TestApp};
use common::pg_server::PgServer;
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

#[rocket::async_test]
async fn database_outage_answers_503_and_recovers_by_itself() {
    let Some(server) = PgServer::start("database_outage_answers_503_and_recovers_by_itself") else {
        return;
    };
    let store = DieselDatastore::connect(&server.url(), 4).await.unwrap();
    store.run_migrations().await.unwrap();
    let store: Arc<dyn UserDatastore> = Arc::new(store);
    let app = app(store).await;
    app.user("joe@example.com", "password123", true, true, &[])
        .await;
    app.login("joe@example.com", "password123").await;
    assert_eq!(app.get_json("/api/me").await.0, Status::Ok);
    assert_eq!(app.status("/health").await, Status::Ok);

    server.stop();
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

    server.start_again();
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
