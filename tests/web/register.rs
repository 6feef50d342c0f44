//! Registration, and clear 4xx answers to bad input.

use super::*;

per_backend!(
    stores:
    register_creates_an_unconfirmed_user_and_mails,
    register_validation_reports_everything,
    register_duplicate_looks_like_success,
    register_html_redirects_with_flash,
    bad_input_gets_a_clear_4xx,
);

async fn register_creates_an_unconfirmed_user_and_mails(store: Arc<dyn UserDatastore>) {
    let app = app(store.clone()).await;
    let (status, body) = app
        .post("/register", json!({"email": "New@Example.COM", "password": "password123", "password_confirm": "password123"}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(body["response"]["user"], json!({}));
    let user = store
        .find_user(UserQuery::Email("new@example.com"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.email, "New@example.com");
    assert!(user.confirmed_at.is_none());
    let (status, _) = app.get_json("/protected").await;
    assert_eq!(
        status,
        Status::Unauthorized,
        "registration does not sign in when confirmation is on"
    );
    let mails = app
        .mailer
        .wait_for(1, std::time::Duration::from_secs(5))
        .await;
    assert_eq!(mails[0].subject, "Welcome");
    assert_eq!(mails[0].to, "New@example.com");
    assert!(mails[0].text.contains("/confirm/"));
}

async fn register_validation_reports_everything(store: Arc<dyn UserDatastore>) {
    let app = app(store).await;
    let (status, body) = app
        .post("/register", json!({"email": "bad", "password": "short", "password_confirm": "other", "next": "//evil.example.com"}))
        .await;
    assert_eq!(status, Status::BadRequest);
    let errors = &body["response"]["field_errors"];
    assert_eq!(errors["email"], json!(["Invalid email address"]));
    assert_eq!(
        errors["password"],
        json!(["Password must be at least 8 characters"])
    );
    assert_eq!(
        errors["password_confirm"],
        json!(["Passwords do not match"])
    );
    assert_eq!(
        errors["next"],
        json!(["Redirections outside the domain are forbidden"])
    );
    assert_eq!(body["response"]["errors"].as_array().unwrap().len(), 4);
    let (_, body) = app.post("/register", json!({})).await;
    let errors = &body["response"]["field_errors"];
    assert_eq!(errors["email"], json!(["Email not provided"]));
    assert_eq!(errors["password"], json!(["Password not provided"]));
    assert_eq!(errors["password_confirm"], json!(["Password not provided"]));
}

async fn register_duplicate_looks_like_success(store: Arc<dyn UserDatastore>) {
    let app = with_user(store.clone()).await;
    let before = store
        .find_user(UserQuery::Email("joe@example.com"))
        .await
        .unwrap()
        .unwrap();
    let (status, body) = app
        .post("/register", json!({"email": "JOE@example.com", "password": "another-pass", "password_confirm": "another-pass"}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let after = store
        .find_user(UserQuery::Email("joe@example.com"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        before.password, after.password,
        "the existing password is unchanged"
    );
    let mails = app
        .mailer
        .wait_for(1, std::time::Duration::from_secs(5))
        .await;
    assert_eq!(mails[0].to, "joe@example.com");
    assert!(mails[0].text.contains("/reset/"), "{}", mails[0].text);
    // With another invalid field, only that error is reported.
    let (status, body) = app
        .post(
            "/register",
            json!({"email": "joe@example.com", "password": "short", "password_confirm": "short"}),
        )
        .await;
    assert_eq!(status, Status::BadRequest);
    assert_eq!(
        body["response"]["field_errors"],
        json!({"password": ["Password must be at least 8 characters"]})
    );
    app.login("joe@example.com", "password123").await;
    let (status, body) = app.get_json("/register").await;
    assert_eq!(status, Status::BadRequest);
    assert_eq!(
        body["response"]["errors"],
        json!(["You can only access this endpoint when not logged in."])
    );
    assert_eq!(
        app.client.get("/register").dispatch().await.status(),
        Status::Found
    );
}

async fn register_html_redirects_with_flash(store: Arc<dyn UserDatastore>) {
    let app = app(store).await;
    let fields = [
        ("email", "amy@example.com"),
        ("password", "password123"),
        ("password_confirm", "password123"),
    ];
    let response = submit_form(&app.client, "/register", "/register", &fields).await;
    assert_eq!(response.status(), Status::Found);
    assert_eq!(response.headers().get_one("Location"), Some("/"));
    let page = app
        .client
        .get("/login")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(page.contains("<ul class=\"flashes\">"));
    assert!(page.contains("amy@example.com"));
}

async fn bad_input_gets_a_clear_4xx(store: Arc<dyn UserDatastore>) {
    let app = with_user(store).await;
    let token = app.csrf().await;
    for (body, needle) in [
        ("{not json", "not valid JSON"),
        ("[1,2,3]", "JSON object"),
        (r#"{"email": {"x": 1}, "password": "p"}"#, "Field 'email'"),
    ] {
        let response = app
            .client
            .post("/login")
            .header(ContentType::JSON)
            .header(Accept::JSON)
            .header(Header::new("X-CSRF-Token", token.clone()))
            .body(body)
            .dispatch()
            .await;
        let (status, reply) = read_json(response).await;
        assert_eq!(status, Status::BadRequest, "{body}");
        let message = reply["response"]["errors"][0].as_str().unwrap();
        assert!(message.contains(needle), "{message}");
    }
    let huge = format!(r#"{{"email": "{}"}}"#, "a".repeat(200_000));
    let response = app
        .client
        .post("/login")
        .header(ContentType::JSON)
        .header(Accept::JSON)
        .body(huge)
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::PayloadTooLarge);
    // Garbled cookies are ignored, not an error.
    let response = app
        .client
        .get("/protected")
        .header(Accept::JSON)
        .cookie(Cookie::new("session", "%%%garbage%%%"))
        .cookie(Cookie::new("remember_token", "x".repeat(5000)))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Unauthorized);
    let response = app
        .client
        .get("/api/token")
        .header(Accept::JSON)
        .header(Header::new("Authentication-Token", "\u{7f}garbage"))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Unauthorized);
    // A user still signs in afterwards: nothing was damaged.
    app.login("joe@example.com", "password123").await;
}
