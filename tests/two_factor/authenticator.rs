//! Authenticator apps: set-up, sign-in through validation, recovery codes and throttling.

use super::*;

per_backend!(
    stores:
    authenticator_login_end_to_end,
    tf_validate_without_pending_login,
    html_two_factor_login_redirects_through_validate,
    recovery_codes_work_once,
    wrong_codes_are_throttled,
);

async fn authenticator_login_end_to_end(store: Arc<dyn UserDatastore>) {
    let app = new_app(store.clone()).await;
    app.login("joe@example.com", "password123").await;
    let b32 = set_up_authenticator(&app).await;
    let user = store
        .find_user(UserQuery::Email("joe@example.com"))
        .await
        .unwrap()
        .unwrap();
    let stored = user.tf_totp_secret.clone().unwrap();
    assert!(!stored.contains(&b32), "the secret is encrypted at rest");
    let (_, body) = app.get_json("/tf-setup").await;
    assert_eq!(
        body["response"]["tf_available_methods"],
        json!(["disable", "authenticator"])
    );
    app.post("/logout", json!({})).await;

    let (status, body) = app
        .post(
            "/login?include_auth_token",
            json!({"email": "joe@example.com", "password": "password123"}),
        )
        .await;
    assert_eq!(status, Status::Ok);
    assert_eq!(body["response"]["tf_required"], true);
    assert_eq!(body["response"]["tf_state"], "ready");
    assert!(body["response"].get("user").is_none());
    let csrf = body["response"]["csrf_token"].as_str().unwrap().to_owned();
    let status = app.status("/protected").await;
    assert_eq!(
        status,
        Status::Unauthorized,
        "not signed in before the second factor"
    );
    let (status, body) = app.get_json("/tf-validate").await;
    assert_eq!(status, Status::Ok);
    assert_eq!(body["response"]["recovery_options"]["email"], "/tf-rescue");
    let (status, body) = app
        .post_json("/tf-validate", json!({"code": "123456"}), Some(&csrf))
        .await;
    assert_eq!(status, Status::BadRequest);
    assert_eq!(
        body["response"]["field_errors"]["code"],
        json!(["Invalid code"])
    );
    let good = code_at(&app, &b32, 1);
    let (status, body) = app
        .post_json(
            "/tf-validate?include_auth_token",
            json!({"code": good}),
            Some(&csrf),
        )
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    assert!(body["response"]["user"]["authentication_token"].is_string());
    let status = app.status("/protected").await;
    assert_eq!(status, Status::Ok);
    let user = store
        .find_user(UserQuery::Email("joe@example.com"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        user.login_count, 2,
        "the first login and the completed two-factor login count; the first step alone does not"
    );

    // The same code does not work a second time.
    app.post("/logout", json!({})).await;
    let (_, body) = app
        .post(
            "/login",
            json!({"email": "joe@example.com", "password": "password123"}),
        )
        .await;
    let csrf = body["response"]["csrf_token"].as_str().unwrap().to_owned();
    let (status, _) = app
        .post_json("/tf-validate", json!({"code": good}), Some(&csrf))
        .await;
    assert_eq!(status, Status::BadRequest, "a replayed code is refused");

    // Mailed rescue code.
    let (status, body) = app
        .post_json("/tf-rescue", json!({"help_setup": "email"}), Some(&csrf))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let mails = app.mailer.wait_for(1, WAIT).await;
    assert_eq!(mails[0].subject, "Two-Factor Login");
    let rescue = six_digits(&mails[0].text);
    let (status, body) = app
        .post_json("/tf-validate", json!({"code": rescue}), Some(&csrf))
        .await;
    assert_eq!(status, Status::Ok, "{body}");

    // Disable.
    let (status, body) = app.post("/tf-setup", json!({"setup": "disable"})).await;
    assert_eq!(status, Status::Ok, "{body}");
    let user = store
        .find_user(UserQuery::Email("joe@example.com"))
        .await
        .unwrap()
        .unwrap();
    assert!(user.tf_primary_method.is_none() && user.tf_totp_secret.is_none());
}

async fn tf_validate_without_pending_login(store: Arc<dyn UserDatastore>) {
    let app = new_app(store).await;
    let response = app.client.get("/tf-validate").dispatch().await;
    assert_eq!(response.status(), Status::Found);
    assert_eq!(response.headers().get_one("Location"), Some("/login"));
    let (status, body) = app.post("/tf-validate", json!({"code": "123456"})).await;
    assert_eq!(status, Status::BadRequest);
    let m = "You currently do not have permissions to access this page";
    assert_eq!(body["response"]["errors"], json!([m]));
    assert_eq!(body["response"]["field_errors"], json!({"": [m]}));
    let (status, body) = app
        .post("/tf-setup", json!({"setup": "authenticator"}))
        .await;
    assert_eq!(status, Status::BadRequest);
    assert_eq!(body["response"]["errors"], json!([m]));
}

async fn html_two_factor_login_redirects_through_validate(store: Arc<dyn UserDatastore>) {
    let app = new_app(store).await;
    app.login("joe@example.com", "password123").await;
    let b32 = set_up_authenticator(&app).await;
    app.post("/logout", json!({})).await;
    let response = form_login(&app.client, "joe@example.com", "password123").await;
    assert_eq!(response.status(), Status::Found);
    let location = response.headers().get_one("Location").unwrap().to_owned();
    assert!(location.starts_with("/tf-validate?next="), "{location}");
    let page = app
        .client
        .get(location)
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(
        page.contains("two_factor_verify_code_form") && page.contains("two_factor_rescue_form")
    );
    let token = csrf_from_html(&page);
    let response = app
        .client
        .post("/tf-validate")
        .header(ContentType::Form)
        .body(format!(
            "code={}&csrf_token={token}",
            code_at(&app, &b32, 1)
        ))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Found);
    // Without a `next`, back to the login page, which sends a signed-in user home.
    let location = response.headers().get_one("Location").unwrap().to_owned();
    assert!(location.ends_with("/login"), "{location}");
    let response = app.client.get("/login").dispatch().await;
    assert_eq!(response.status(), Status::Found);
    assert_eq!(response.headers().get_one("Location"), Some("/"));
    assert_eq!(
        app.client.get("/protected").dispatch().await.status(),
        Status::Ok
    );
}

async fn recovery_codes_work_once(store: Arc<dyn UserDatastore>) {
    let app = new_app(store).await;
    app.login("joe@example.com", "password123").await;
    let (status, body) = app.get_json("/mf-recovery-codes").await;
    assert_eq!(status, Status::Ok);
    assert_eq!(body["response"]["recovery_codes"], json!([]));
    let (status, body) = app.post("/mf-recovery-codes", json!({})).await;
    assert_eq!(status, Status::Ok, "{body}");
    let codes: Vec<String> =
        serde_json::from_value(body["response"]["recovery_codes"].clone()).unwrap();
    assert_eq!(codes.len(), 5);
    for code in &codes {
        let parts: Vec<&str> = code.split('-').collect();
        assert_eq!(parts.len(), 3);
        assert!(parts.iter().all(|p| p.len() == 4
            && p.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())));
    }
    let (_, body) = app.get_json("/mf-recovery-codes").await;
    assert_eq!(body["response"]["recovery_codes"], json!(codes));
    set_up_authenticator(&app).await;
    app.post("/logout", json!({})).await;
    for attempt in 0..2 {
        let (_, body) = app
            .post(
                "/login",
                json!({"email": "joe@example.com", "password": "password123"}),
            )
            .await;
        let csrf = body["response"]["csrf_token"].as_str().unwrap().to_owned();
        let (_, body) = app.get_json("/tf-validate").await;
        assert_eq!(
            body["response"]["recovery_options"]["recovery_code"],
            "/mf-recovery"
        );
        let (status, body) = app
            .post_json("/mf-recovery", json!({"code": codes[0]}), Some(&csrf))
            .await;
        if attempt == 0 {
            assert_eq!(status, Status::Ok, "{body}");
            assert_eq!(app.status("/protected").await, Status::Ok);
            app.post("/logout", json!({})).await;
        } else {
            assert_eq!(status, Status::BadRequest);
            assert_eq!(
                body["response"]["field_errors"]["code"],
                json!(["Recovery code invalid"])
            );
        }
    }
}

async fn wrong_codes_are_throttled(store: Arc<dyn UserDatastore>) {
    let app = new_app(store).await;
    app.login("joe@example.com", "password123").await;
    let b32 = set_up_authenticator(&app).await;
    app.post("/logout", json!({})).await;
    let (_, body) = app
        .post(
            "/login",
            json!({"email": "joe@example.com", "password": "password123"}),
        )
        .await;
    let csrf = body["response"]["csrf_token"].as_str().unwrap().to_owned();
    for _ in 0..10 {
        let (status, _) = app
            .post_json("/tf-validate", json!({"code": "000001"}), Some(&csrf))
            .await;
        assert_eq!(status, Status::BadRequest);
    }
    let (status, _) = app
        .post_json(
            "/tf-validate",
            json!({"code": code_at(&app, &b32, 0)}),
            Some(&csrf),
        )
        .await;
    assert_eq!(
        status,
        Status::BadRequest,
        "after too many wrong codes even a right one is refused"
    );
    app.clock.advance(chrono::Duration::minutes(16));
    let (_, body) = app
        .post(
            "/login",
            json!({"email": "joe@example.com", "password": "password123"}),
        )
        .await;
    let csrf = body["response"]["csrf_token"].as_str().unwrap().to_owned();
    let (status, body) = app
        .post_json(
            "/tf-validate",
            json!({"code": code_at(&app, &b32, 0)}),
            Some(&csrf),
        )
        .await;
    assert_eq!(status, Status::Ok, "the window passed: {body}");
}
