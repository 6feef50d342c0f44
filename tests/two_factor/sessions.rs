//! Second factors over a session's life: reauthentication, remembered browsers and required set-up.

use super::*;

per_backend!(
    stores:
    stale_sessions_must_reauthenticate,
    validated_browser_is_remembered_when_configured,
    required_two_factor_is_set_up_at_login,
);

async fn stale_sessions_must_reauthenticate(store: Arc<dyn UserDatastore>) {
    let app = new_app(store).await;
    app.login("joe@example.com", "password123").await;
    app.clock.advance(chrono::Duration::hours(26));
    let (status, body) = app.get_json("/tf-setup").await;
    assert_eq!(status, Status::Unauthorized);
    assert_eq!(body["response"]["reauth_required"], true);
    for (path, body) in [
        (
            "/change",
            json!({"password": "password123", "new_password": "new-password-1", "new_password_confirm": "new-password-1"}),
        ),
        ("/change-email", json!({"email": "joseph@example.com"})),
    ] {
        let (status, reply) = app.post(path, body).await;
        assert_eq!(status, Status::Unauthorized, "{path}: {reply}");
        assert_eq!(reply["response"]["reauth_required"], true);
    }
    let response = app.client.get("/mf-recovery-codes").dispatch().await;
    assert_eq!(response.status(), Status::Found);
    assert!(response
        .headers()
        .get_one("Location")
        .unwrap()
        .starts_with("/verify?next="));
    let (status, _) = app
        .post("/verify", json!({"password": "wrong-password"}))
        .await;
    assert_eq!(status, Status::BadRequest);
    let before = app.session_cookie().unwrap().value().to_owned();
    let (status, _) = app
        .post("/verify", json!({"password": "password123"}))
        .await;
    assert_eq!(status, Status::Ok);
    assert_ne!(
        app.session_cookie().unwrap().value(),
        before,
        "re-authentication rotates the session id"
    );
    let (status, _) = app.get_json("/tf-setup").await;
    assert_eq!(status, Status::Ok);
}

async fn validated_browser_is_remembered_when_configured(store: Arc<dyn UserDatastore>) {
    let mut settings = settings();
    settings["two_factor_always_validate"] = json!(false);
    settings["two_factor_login_validity"] = json!("1 days");
    let app = app_with(store, settings, |b| b).await;
    app.user("joe@example.com", "password123", true, true, &[])
        .await;
    app.login("joe@example.com", "password123").await;
    let b32 = set_up_authenticator(&app).await;
    app.post("/logout", json!({})).await;
    let (_, body) = app
        .post(
            "/login",
            json!({"email": "joe@example.com", "password": "password123"}),
        )
        .await;
    assert_eq!(body["response"]["tf_required"], true);
    let csrf = body["response"]["csrf_token"].as_str().unwrap().to_owned();
    let (status, _) = app
        .post_json(
            "/tf-validate",
            json!({"code": code_at(&app, &b32, 1)}),
            Some(&csrf),
        )
        .await;
    assert_eq!(status, Status::Ok);
    app.post("/logout", json!({})).await;
    // This browser passed the second factor: the next login skips it.
    let (_, body) = app
        .post(
            "/login",
            json!({"email": "joe@example.com", "password": "password123"}),
        )
        .await;
    assert_eq!(body["response"]["tf_required"], false, "{body}");
    app.post("/logout", json!({})).await;
    // Another browser still needs it, and so does this one once the validity has passed.
    let other = app.browser().await;
    let body =
        crate::common::app::login_with_status(&other, "joe@example.com", "password123").await;
    assert_eq!(body["response"]["tf_required"], true);
    app.clock.advance(chrono::Duration::days(2));
    let (_, body) = app
        .post(
            "/login",
            json!({"email": "joe@example.com", "password": "password123"}),
        )
        .await;
    assert_eq!(body["response"]["tf_required"], true);
}

async fn required_two_factor_is_set_up_at_login(store: Arc<dyn UserDatastore>) {
    let mut settings = settings();
    settings["two_factor_required"] = json!(true);
    let app = app_with(store, settings, |b| b).await;
    app.user("joe@example.com", "password123", true, true, &[])
        .await;
    let (status, body) = app
        .post(
            "/login",
            json!({"email": "joe@example.com", "password": "password123"}),
        )
        .await;
    assert_eq!(status, Status::Ok);
    assert_eq!(body["response"]["tf_required"], true);
    assert_eq!(body["response"]["tf_state"], "setup_from_login");
    assert_eq!(app.status("/protected").await, Status::Unauthorized);
    let csrf = body["response"]["csrf_token"].as_str().unwrap().to_owned();
    let (status, body) = app
        .post_json("/tf-setup", json!({"setup": "authenticator"}), Some(&csrf))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let b32 = body["response"]["tf_authr_b32key"]
        .as_str()
        .unwrap()
        .to_owned();
    let state = body["response"]["tf_state_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = app
        .post_json(
            &format!("/tf-setup/{state}"),
            json!({"code": code_at(&app, &b32, 0)}),
            Some(&csrf),
        )
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(
        app.status("/protected").await,
        Status::Ok,
        "set-up completes the login"
    );
}
