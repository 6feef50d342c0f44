//! Two app instances on one database, and the timing of a locked account's answer.

use rocket_security::{Argon2Hasher, Argon2Settings, DieselDatastore};

use super::*;
use crate::common::app::post_json_with;

// ----- two instances on one database -----

/// Two app instances over one database URL: a lock and a client's failures counted through one
/// are obeyed by the other.
async fn two_instances_share_locks(url: &str) {
    let first = DieselDatastore::connect(url, 8).await.unwrap();
    first.run_migrations().await.unwrap();
    let second = DieselDatastore::connect(url, 4).await.unwrap();
    let one = new_app(Arc::new(first.clone()), json!({"ip_failures": 5})).await;
    let two = app_with(
        Arc::new(second.clone()),
        settings(json!({"ip_failures": 5})),
        |b| b,
    )
    .await;
    let wrong = login(&two, JOE, WRONG).await;
    for _ in 0..2 {
        assert_eq!(login(&one, JOE, WRONG).await, wrong);
    }
    assert_eq!(
        login(&two, JOE, RIGHT).await,
        wrong,
        "locked through the other instance"
    );
    assert_eq!(
        basic(&two.client, "/api/basic", JOE, RIGHT).await.0,
        Status::Unauthorized
    );
    wait_lock_mail(&one).await;

    for n in 0..5 {
        let email = format!("guess{n}@example.com");
        login_from(&one.client, "10.9.9.9", &email, WRONG).await;
    }
    let (status, retry, _) = login_from(&two.client, "10.9.9.9", "amy@example.com", WRONG).await;
    assert_eq!(status, Status::TooManyRequests);
    assert!(retry.is_some());
    first.pool().close();
    second.pool().close();
}

per_backend!(databases: two_instances_share_locks);

// ----- timing -----

/// The median of `samples`.
fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// A locked account's answer to its right password takes as long as a wrong password's: the
/// hash is still computed. Measured alternately over many tries with a hash slow enough to
/// dominate, compared by the ratio of medians (robust on a busy machine).
#[rocket::async_test]
async fn a_locked_answer_takes_as_long_as_a_wrong_password() {
    let hasher = Arc::new(
        Argon2Hasher::builder()
            .settings(Argon2Settings {
                memory_kib: 2048,
                iterations: 1,
                parallelism: 1,
            })
            .pepper("pepper-for-tests")
            .workers(2)
            .build()
            .unwrap(),
    );
    let store: Arc<dyn UserDatastore> = Arc::new(rocket_security::MemoryDatastore::new());
    let app = app_with(store, settings(json!({})), move |b| {
        b.password_hasher(hasher.clone())
    })
    .await;
    app.user(JOE, RIGHT, true, true, &[]).await;
    app.user("amy@example.com", RIGHT, true, true, &[]).await;
    for _ in 0..3 {
        login(&app, JOE, WRONG).await;
    }
    let csrf = app.csrf().await;
    let amy = app.browser().await;
    let timed = |email: &'static str, password: &'static str| {
        let (client, csrf) = (&app.client, csrf.clone());
        async move {
            let started = Instant::now();
            let body = json!({"email": email, "password": password});
            let (status, _) = post_json_with(client, "/login", body, Some(&csrf)).await;
            assert_eq!(status, Status::BadRequest);
            started.elapsed()
        }
    };
    let (mut locked, mut wrong) = (Vec::new(), Vec::new());
    for round in 0..16 {
        if round % 2 == 0 {
            // Keep amy below the limit: her wrong passwords must not lock her.
            crate::common::app::login_with(&amy, "amy@example.com", RIGHT, "").await;
            amy.post("/logout").dispatch().await;
        }
        locked.push(timed(JOE, RIGHT).await);
        wrong.push(timed("amy@example.com", WRONG).await);
    }
    let (locked, wrong) = (median(locked), median(wrong));
    let ratio = locked.as_secs_f64() / wrong.as_secs_f64();
    assert!(
        (0.6..1.7).contains(&ratio),
        "locked {locked:?} vs wrong {wrong:?} (ratio {ratio:.2})"
    );
}
