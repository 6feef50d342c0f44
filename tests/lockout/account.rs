//! Item 1: the account lockout, on every backend.

use rocket_security::SecurityEvent;

use super::*;
use crate::common::app::{csrf_from_html, link, post_json_with};

// ----- item 1: the lockout -----

async fn lock_refuses_the_right_password_like_a_wrong_one(store: Arc<dyn UserDatastore>) {
    let app = new_app(store, json!({})).await;
    let mut events = security(&app).subscribe();
    let wrong = login(&app, JOE, WRONG).await;
    assert_eq!(wrong.0, Status::BadRequest);
    login(&app, JOE, WRONG).await;
    login(&app, JOE, WRONG).await;

    // Locked: the right password gets exactly the wrong one's answer.
    assert_eq!(login(&app, JOE, RIGHT).await, wrong);
    let page = app
        .client
        .get("/login")
        .dispatch()
        .await
        .into_string()
        .await;
    let csrf = csrf_from_html(&page.unwrap());
    let form = app
        .client
        .post("/login")
        .header(ContentType::Form)
        .body(format!("email={JOE}&password={RIGHT}&csrf_token={csrf}"))
        .dispatch()
        .await;
    assert_eq!(form.status(), Status::Ok, "the form is shown again");
    assert!(form
        .into_string()
        .await
        .unwrap()
        .contains("Authentication failed - identity or password/passcode invalid"));

    // The owner gets one mail for this lock, saying when it ends and linking to /reset.
    let mail = wait_lock_mail(&app).await;
    assert_eq!(mail.to, JOE);
    assert!(mail.text.contains("UTC"), "{}", mail.text);
    let reset = link(&mail.text, "http://").expect("a link");
    assert!(reset.ends_with("/reset"), "{reset}");
    assert!(mail.html.contains(&reset));
    for _ in 0..4 {
        assert_eq!(login(&app, JOE, WRONG).await, wrong);
    }
    rocket::tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(lock_mails(&app).len(), 1, "one mail per lock");

    let (mut failed, mut locked) = (0, 0);
    while let Ok(event) = events.try_recv() {
        match event {
            SecurityEvent::LoginFailed { user, identity, .. } => {
                assert_eq!(identity, JOE);
                assert!(user.is_some());
                failed += 1;
            }
            SecurityEvent::AccountLocked { user, until, .. } => {
                assert_eq!(user.unwrap().email, JOE);
                assert!(until > chrono::Utc::now().naive_utc());
                locked += 1;
            }
            _ => {}
        }
    }
    assert_eq!((failed, locked), (9, 1));

    // The lock ends after lockout_duration.
    app.clock.advance(chrono::Duration::minutes(16));
    app.login(JOE, RIGHT).await;
}

async fn a_successful_sign_in_clears_the_count(store: Arc<dyn UserDatastore>) {
    let app = new_app(store, json!({})).await;
    for _ in 0..2 {
        login(&app, JOE, WRONG).await;
    }
    app.login(JOE, RIGHT).await;
    app.post("/logout", json!({})).await;
    for _ in 0..2 {
        login(&app, JOE, WRONG).await;
    }
    app.login(JOE, RIGHT).await;
    assert!(lock_mails(&app).is_empty());
}

async fn unknown_addresses_are_counted_and_mail_nobody(store: Arc<dyn UserDatastore>) {
    let app = new_app(store, json!({})).await;
    let mut events = security(&app).subscribe();
    let known = login(&app, JOE, WRONG).await;
    for _ in 0..5 {
        let (status, body) = login(&app, "Nobody@Example.com", WRONG).await;
        assert_eq!((status, &body), (known.0, &known.1));
    }
    let mut locked = Vec::new();
    while let Ok(event) = events.try_recv() {
        if let SecurityEvent::AccountLocked { user, identity, .. } = event {
            locked.push((user.is_some(), identity));
        }
    }
    assert_eq!(locked, [(false, "Nobody@Example.com".to_owned())]);
    // Differently cased, the same address is locked too.
    app.user("nobody@example.com", RIGHT, true, true, &[]).await;
    assert_eq!(login(&app, "nobody@example.com", RIGHT).await, known);
    rocket::tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(app.mails().is_empty(), "nobody is mailed");
}

/// `/verify`, `/change` and `/us-verify` count wrong passwords, and a lock made through them
/// holds everywhere; `/us-signin`, Basic and `/login` count too.
async fn every_password_path_counts_and_obeys(store: Arc<dyn UserDatastore>) {
    let app = new_app(store, json!({})).await;
    app.login(JOE, RIGHT).await;
    let change = |password: &str| {
        json!({"password": password, "new_password": "new-password-9",
               "new_password_confirm": "new-password-9"})
    };
    let wrong_verify = app.post("/verify", json!({"password": WRONG})).await;
    assert_eq!(wrong_verify.0, Status::BadRequest);
    let wrong_change = app.post("/change", change(WRONG)).await;
    assert_eq!(wrong_change.0, Status::BadRequest);
    let wrong_us_verify = app.post("/us-verify", json!({"passcode": WRONG})).await;
    assert_eq!(wrong_us_verify.0, Status::BadRequest);

    // Locked: every path refuses the right password as it refuses a wrong one.
    assert_eq!(
        app.post("/verify", json!({"password": RIGHT})).await,
        wrong_verify
    );
    assert_eq!(app.post("/change", change(RIGHT)).await, wrong_change);
    assert_eq!(
        app.post("/us-verify", json!({"passcode": RIGHT})).await,
        wrong_us_verify
    );
    let other = app.browser().await;
    let wrong_basic = basic(&other, "/api/basic", "amy@example.com", WRONG).await;
    assert_eq!(wrong_basic.0, Status::Unauthorized);
    assert_eq!(basic(&other, "/api/basic", JOE, RIGHT).await, wrong_basic);
    let signin = |password: &str| json!({"identity": JOE, "passcode": password});
    let csrf = crate::common::app::csrf_with(&other).await;
    let (status, body) = post_json_with(&other, "/us-signin", signin(RIGHT), Some(&csrf)).await;
    assert_eq!(status, Status::BadRequest, "{body}");
    let (status, _) = post_json_with(
        &other,
        "/login",
        json!({"email": JOE, "password": RIGHT}),
        Some(&csrf),
    )
    .await;
    assert_eq!(status, Status::BadRequest);
    wait_lock_mail(&app).await;

    // Another account locked through Basic, /us-signin and /login together.
    app.user("amy@example.com", RIGHT, true, true, &[]).await;
    basic(&other, "/api/basic", "amy@example.com", WRONG).await;
    let amy = |password: &str| json!({"identity": "amy@example.com", "passcode": password});
    post_json_with(&other, "/us-signin", amy(WRONG), Some(&csrf)).await;
    let (status, _) = post_json_with(&other, "/us-signin", amy(RIGHT), Some(&csrf)).await;
    assert_eq!(
        status,
        Status::BadRequest,
        "the third failure (earlier) locked amy"
    );
    let (status, _) = post_json_with(
        &other,
        "/login",
        json!({"email": "amy@example.com", "password": RIGHT}),
        Some(&csrf),
    )
    .await;
    assert_eq!(status, Status::BadRequest);
}

async fn a_password_reset_ends_the_lock(store: Arc<dyn UserDatastore>) {
    let app = new_app(store, json!({})).await;
    for _ in 0..3 {
        login(&app, JOE, WRONG).await;
    }
    wait_lock_mail(&app).await;
    app.post("/reset", json!({"email": JOE})).await;
    let deadline = Instant::now() + WAIT;
    let path = loop {
        let found = app
            .mails()
            .iter()
            .filter_map(|m| link(&m.text, "http://"))
            .find(|l| l.contains("/reset/"));
        if let Some(url) = found {
            break url.splitn(4, '/').nth(3).map(|p| format!("/{p}")).unwrap();
        }
        assert!(Instant::now() < deadline, "no reset mail");
        rocket::tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let (status, body) = app
        .post(
            &path,
            json!({"password": "new-password-1", "password_confirm": "new-password-1"}),
        )
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    app.login(JOE, "new-password-1").await;
}

per_backend!(
    stores:
    lock_refuses_the_right_password_like_a_wrong_one,
    a_successful_sign_in_clears_the_count,
    unknown_addresses_are_counted_and_mail_nobody,
    every_password_path_counts_and_obeys,
    a_password_reset_ends_the_lock,
);
