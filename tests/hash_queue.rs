//! A full password hashing queue answers at once with 503 and `Retry-After`, in JSON and HTML,
//! instead of piling up waiting requests.

use std::sync::Arc;
use std::time::Duration;

use crate::common::app::{app_with, contract_settings, TestApp};
use rocket::http::{Accept, ContentType, Header, Status};
use rocket_security::{Argon2Hasher, Argon2Settings, UserDatastore};
use serde_json::json;

/// Long enough for a burst of logins to find the only thread busy and the queue full.
const SLOW: Argon2Settings = Argon2Settings {
    memory_kib: 16 * 1024,
    iterations: 4,
    parallelism: 1,
};

/// An app whose hasher has one thread and room for one waiting job.
async fn tiny_pool_app(store: Arc<dyn UserDatastore>) -> TestApp {
    app_with(store, contract_settings(), |builder| {
        let hasher = Argon2Hasher::builder()
            .settings(SLOW)
            .pepper("pepper-for-tests")
            .workers(1)
            .queue(1)
            .build()
            .unwrap();
        builder.password_hasher(Arc::new(hasher))
    })
    .await
}

/// A login attempt in JSON or form mode; returns status, `Retry-After` and the body.
async fn attempt(app: &TestApp, csrf: &str, json: bool) -> (Status, Option<String>, String) {
    let request = app.client.post("/login");
    let request = if json {
        request
            .header(ContentType::JSON)
            .header(Accept::JSON)
            .header(Header::new("X-CSRF-Token", csrf.to_owned()))
            .body(json!({"email": "ann@example.com", "password": "password123"}).to_string())
    } else {
        request
            .header(ContentType::Form)
            .header(Accept::HTML)
            .body(format!(
                "email=ann%40example.com&password=password123&csrf_token={csrf}"
            ))
    };
    let response = request.dispatch().await;
    let status = response.status();
    let retry = response.headers().get_one("Retry-After").map(str::to_owned);
    let body = response.into_string().await.unwrap_or_default();
    (status, retry, body)
}

async fn burst_of_logins_gets_503_with_retry_after(store: Arc<dyn UserDatastore>) {
    let app = tiny_pool_app(store).await;
    app.user("ann@example.com", "password123", true, true, &[])
        .await;
    let csrf = app.csrf().await;
    let attempts = (0..24).map(|n| attempt(&app, &csrf, n % 2 == 0));
    let results = tokio::time::timeout(
        Duration::from_secs(60),
        rocket::futures::future::join_all(attempts),
    )
    .await
    .expect("no login hangs");
    let mut refused = 0;
    for (n, (status, retry, body)) in results.iter().enumerate() {
        let json = n % 2 == 0;
        match *status {
            Status::ServiceUnavailable => {
                refused += 1;
                assert_eq!(retry.as_deref(), Some("1"), "{body}");
                if json {
                    let value: serde_json::Value = serde_json::from_str(body).unwrap();
                    assert_eq!(value["meta"]["code"], 503, "{body}");
                    let message = value["response"]["errors"][0].as_str().unwrap();
                    assert!(message.contains("busy"), "{body}");
                } else {
                    assert!(body.contains("busy"), "an error page: {body}");
                }
            }
            // Served: signed in (JSON) or redirected (form).
            Status::Ok | Status::SeeOther | Status::Found => assert!(retry.is_none()),
            other => panic!("attempt {n}: unexpected {other}: {body}"),
        }
    }
    assert!(refused > 0, "a full queue refuses some of 24 logins");
    assert!(refused < results.len(), "the pool still serves some");
    // Once the burst is over, the same login works again.
    app.login("ann@example.com", "password123").await;
}

/// HTTP Basic checks the password in a guard: a full queue is a 503 with `Retry-After` there too.
async fn burst_of_basic_auth_requests_gets_503_with_retry_after(store: Arc<dyn UserDatastore>) {
    use base64::Engine;
    let app = tiny_pool_app(store).await;
    app.user("ann@example.com", "password123", true, true, &[])
        .await;
    let credentials =
        base64::engine::general_purpose::STANDARD.encode("ann@example.com:password123");
    let attempts = (0..24).map(|_| {
        app.client
            .get("/api/basic")
            .header(Accept::JSON)
            .header(Header::new("Authorization", format!("Basic {credentials}")))
            .dispatch()
    });
    let responses = tokio::time::timeout(
        Duration::from_secs(60),
        rocket::futures::future::join_all(attempts),
    )
    .await
    .expect("no request hangs");
    let mut refused = 0;
    for response in responses {
        match response.status() {
            Status::ServiceUnavailable => {
                refused += 1;
                assert_eq!(response.headers().get_one("Retry-After"), Some("1"));
            }
            Status::Ok => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert!(refused > 0, "a full queue refuses some of 24 requests");
}

per_backend!(
    stores:
    burst_of_logins_gets_503_with_retry_after,
    burst_of_basic_auth_requests_gets_503_with_retry_after,
);
