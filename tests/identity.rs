//! Usernames (registration, sign-in by e-mail or username, `/change-username`,
//! `/recover-username`, the payload and the command line) and account deletion by its owner.

use std::sync::Arc;

use crate::common::app::{
    app_with, contract_settings, contract_settings_with, login_with, TestApp,
};
use rocket::http::Status;
use rocket_security::{Security, SecurityEvent, UserDatastore, UserQuery};
use serde_json::{json, Value};

const PASSWORD: &str = "password123";

async fn username_app(store: Arc<dyn UserDatastore>) -> TestApp {
    let settings = contract_settings_with(json!({
        "username_enable": true,
        "change_username": true,
        "username_recovery": true,
        "deletable": true,
        "login_without_confirmation": true,
        "unified_signin": true,
        "us_enabled_methods": ["password", "email"],
    }));
    app_with(store, settings, |b| b).await
}

fn field_errors(body: &Value, field: &str) -> Vec<String> {
    serde_json::from_value(body["response"]["field_errors"][field].clone()).unwrap_or_default()
}

async fn delivered(app: &TestApp) -> Vec<rocket_security::Mail> {
    let security = app.client.rocket().state::<Security>().unwrap();
    security.outbox().flush().await.unwrap();
    app.mails()
}

async fn register(app: &TestApp, email: &str, username: &str) -> (Status, Value) {
    let body = json!({
        "email": email,
        "username": username,
        "password": PASSWORD,
        "password_confirm": PASSWORD,
    });
    app.post("/register", body).await
}

async fn usernames_register_sign_in_and_are_unique(store: Arc<dyn UserDatastore>) {
    let app = username_app(store.clone()).await;
    let (status, body) = register(&app, "ann@example.com", " Ann1815 ").await;
    assert_eq!(status, Status::Ok, "{body}");
    let ann = store
        .find_user(UserQuery::Username("ann1815"))
        .await
        .unwrap()
        .expect("found case-insensitively");
    assert_eq!(
        ann.username.as_deref(),
        Some("Ann1815"),
        "trimmed, case kept"
    );
    app.post("/logout", json!({})).await;

    for (username, error) in [
        ("ANN1815", "ANN1815 is already associated with an account."),
        ("ann.lee", "Username can contain only letters and numbers"),
        (
            "abc",
            "Username must be at least 4 characters and less than 32 characters",
        ),
    ] {
        let (status, body) = register(&app, "bob@example.com", username).await;
        assert_eq!(status, Status::BadRequest, "{body}");
        assert_eq!(field_errors(&body, "username"), [error]);
    }
    assert!(store
        .find_user(UserQuery::Email("bob@example.com"))
        .await
        .unwrap()
        .is_none());

    // Sign in with the username (any case) through `identity`, `username` or the e-mail.
    for (field, identity) in [
        ("identity", "ann1815"),
        ("username", "ANN1815"),
        ("identity", "ann@example.com"),
        ("email", "ann@example.com"),
    ] {
        let (status, body) = app
            .post("/login", json!({field: identity, "password": PASSWORD}))
            .await;
        assert_eq!(status, Status::Ok, "{field}={identity}: {body}");
        assert_eq!(body["response"]["user"]["username"], "Ann1815");
        app.post("/logout", json!({})).await;
    }
    let (status, _) = app
        .post(
            "/login",
            json!({"identity": "ann1815", "password": "wrong-pass"}),
        )
        .await;
    assert_eq!(status, Status::BadRequest);
    // Unified sign-in takes the username as identity too.
    let (status, body) = app
        .post(
            "/us-signin",
            json!({"identity": "Ann1815", "passcode": PASSWORD}),
        )
        .await;
    assert_eq!(status, Status::Ok, "{body}");
}

async fn the_username_is_required_when_configured(store: Arc<dyn UserDatastore>) {
    let mut settings = contract_settings();
    settings["username_enable"] = json!(true);
    settings["username_required"] = json!(true);
    let app = app_with(store, settings, |b| b).await;
    let body =
        json!({"email": "cy@example.com", "password": PASSWORD, "password_confirm": PASSWORD});
    let (status, body) = app.post("/register", body).await;
    assert_eq!(status, Status::BadRequest, "{body}");
    assert_eq!(field_errors(&body, "username"), ["Username not provided"]);
    // The registration page offers the field.
    let html = app
        .client
        .get("/register")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(html.contains(r#"name="username""#), "{html}");
}

async fn changing_the_username_is_fresh_unique_and_noticed(store: Arc<dyn UserDatastore>) {
    let events = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = events.clone();
    let mut settings = contract_settings();
    settings["username_enable"] = json!(true);
    settings["change_username"] = json!(true);
    let app = app_with(store.clone(), settings, move |b| {
        let seen = seen.clone();
        b.on_event(move |event| {
            let seen = seen.clone();
            async move {
                if let SecurityEvent::UsernameChanged { old_username, .. } = event {
                    seen.lock().unwrap().push(old_username);
                }
            }
        })
    })
    .await;
    app.user("dee@example.com", PASSWORD, true, true, &[]).await;
    app.user("eve@example.com", PASSWORD, true, true, &[]).await;
    let eve = store
        .find_user(UserQuery::Email("eve@example.com"))
        .await
        .unwrap()
        .unwrap();
    let change = rocket_security::UserChange::Username {
        old: None,
        new: "Eve2",
    };
    store.change_user(eve.id, change).await.unwrap().unwrap();

    assert_eq!(app.status("/change-username").await, Status::Unauthorized);
    app.login("dee@example.com", PASSWORD).await;
    let (status, body) = app.get_json("/change-username").await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(body["response"]["current_username"], Value::Null);

    let (status, body) = app
        .post("/change-username", json!({"username": "eve2"}))
        .await;
    assert_eq!(status, Status::BadRequest, "{body}");
    assert_eq!(
        field_errors(&body, "username"),
        ["eve2 is already associated with an account."]
    );
    let (status, body) = app
        .post("/change-username", json!({"username": "Dee1"}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(body["response"]["current_username"], "Dee1");
    assert_eq!(body["response"]["user"]["username"], "Dee1");
    let (status, body) = app
        .post("/change-username", json!({"username": "DeeTwo"}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");

    let mails = delivered(&app).await;
    let notices: Vec<_> = mails
        .iter()
        .filter(|m| m.to == "dee@example.com" && m.subject == "Your username has been changed")
        .collect();
    assert_eq!(notices.len(), 2);
    assert!(
        notices[1].text.contains("from Dee1 to\nDeeTwo"),
        "{}",
        notices[1].text
    );
    tokio_sleep().await;
    assert_eq!(*events.lock().unwrap(), [None, Some("Dee1".to_owned())]);

    // A stale session must re-authenticate first.
    app.clock.advance(chrono::Duration::hours(25));
    let (status, body) = app
        .post("/change-username", json!({"username": "DeeThree"}))
        .await;
    assert_eq!(status, Status::Unauthorized, "{body}");
    assert_eq!(body["response"]["reauth_required"], true);
}

async fn tokio_sleep() {
    rocket::tokio::time::sleep(std::time::Duration::from_millis(50)).await;
}

async fn the_username_is_mailed_to_its_owner_only(store: Arc<dyn UserDatastore>) {
    let app = username_app(store.clone()).await;
    app.user("fay@example.com", PASSWORD, true, true, &[]).await;
    // An unconfirmed account with a username gets nothing, like an unknown address.
    register(&app, "ira@example.com", "Ira2000").await;
    app.post("/logout", json!({})).await;
    let fay = store
        .find_user(UserQuery::Email("fay@example.com"))
        .await
        .unwrap()
        .unwrap();
    let change = rocket_security::UserChange::Username {
        old: None,
        new: "Fay2000",
    };
    store.change_user(fay.id, change).await.unwrap().unwrap();
    let generic = |body: &Value| body["response"].as_object().map(|r| r.len());
    let (status, known) = app
        .post("/recover-username", json!({"email": "FAY@example.com"}))
        .await;
    assert_eq!(status, Status::Ok, "{known}");
    let (status, unknown) = app
        .post("/recover-username", json!({"email": "nobody@example.com"}))
        .await;
    assert_eq!(status, Status::Ok, "{unknown}");
    assert_eq!(
        generic(&known),
        generic(&unknown),
        "the same answer for both"
    );
    let mails = delivered(&app).await;
    let sent: Vec<_> = mails
        .iter()
        .filter(|m| m.subject == "Your requested username")
        .collect();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, "fay@example.com");
    assert!(sent[0].text.contains("Fay2000"));
    let (status, body) = app.post("/recover-username", json!({})).await;
    assert_eq!(status, Status::BadRequest);
    assert_eq!(field_errors(&body, "email"), ["Email not provided"]);
}

async fn deleting_an_account_removes_everything_tied_to_it(store: Arc<dyn UserDatastore>) {
    let app = username_app(store.clone()).await;
    app.user("gil@example.com", PASSWORD, true, true, &["editor"])
        .await;
    let other = app.browser().await;
    login_with(&other, "gil@example.com", PASSWORD, "").await;
    let body = app.login("gil@example.com", PASSWORD).await;
    let gil = store
        .find_user(UserQuery::Email("gil@example.com"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store.list_user_sessions(gil.id).await.unwrap().len(),
        2,
        "{body}"
    );
    let security = app.client.rocket().state::<Security>().unwrap();
    let token = security.get_auth_token(&gil);

    // The password again, counted like any password.
    let (status, body) = app
        .post("/delete-account", json!({"password": "wrong-pass"}))
        .await;
    assert_eq!(status, Status::BadRequest, "{body}");
    assert_eq!(field_errors(&body, "password"), ["Invalid password"]);
    let (status, body) = app.post("/delete-account", json!({})).await;
    assert_eq!(status, Status::BadRequest, "{body}");
    assert!(store
        .find_user(UserQuery::Email("gil@example.com"))
        .await
        .unwrap()
        .is_some());

    // A mail to the address still waiting in the outbox, and activity recorded.
    let now = chrono::Utc::now().naive_utc();
    let waiting = rocket_security::OutboxMail {
        id: 0,
        sender: "no-reply@example.com".into(),
        recipient: "gil@example.com".into(),
        subject: "Waiting".into(),
        body_text: "text".into(),
        body_html: "<p>html</p>".into(),
        attempts: 0,
        next_attempt_at: now + chrono::Duration::hours(1),
        last_error: None,
        created_at: now,
        sent_at: None,
    };
    store.enqueue_mail(&waiting).await.unwrap();

    let (status, body) = app
        .post("/delete-account", json!({"password": PASSWORD}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let pending = store.pending_mails().await.unwrap();
    assert!(
        pending.iter().all(|m| m.subject != "Waiting"),
        "{pending:?}"
    );
    assert!(store.list_activity(gil.id, 0, 10).await.unwrap().is_empty());
    assert!(store
        .find_user(UserQuery::Email("gil@example.com"))
        .await
        .unwrap()
        .is_none());
    assert!(store.list_user_sessions(gil.id).await.unwrap().is_empty());
    // Signed out here and on the other browser; the API token is void.
    assert_eq!(app.status("/change-username").await, Status::Unauthorized);
    assert_eq!(
        crate::common::app::get_json_with(&other, "/change-username")
            .await
            .0,
        Status::Unauthorized
    );
    let response = app
        .client
        .get("/change-username")
        .header(rocket::http::Header::new("Authentication-Token", token))
        .header(rocket::http::Accept::JSON)
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Unauthorized);
    // The goodbye mail goes out; the address can register afresh.
    let mails = delivered(&app).await;
    assert!(mails
        .iter()
        .any(|m| m.to == "gil@example.com" && m.subject == "Your account has been deleted"));
    let (status, body) = register(&app, "gil@example.com", "GilAgain").await;
    assert_eq!(status, Status::Ok, "{body}");
}

async fn deletion_needs_a_fresh_sign_in_and_is_off_by_default(store: Arc<dyn UserDatastore>) {
    let app = username_app(store.clone()).await;
    app.user("hal@example.com", PASSWORD, true, true, &[]).await;
    app.login("hal@example.com", PASSWORD).await;
    app.clock.advance(chrono::Duration::hours(25));
    let (status, body) = app
        .post("/delete-account", json!({"password": PASSWORD}))
        .await;
    assert_eq!(status, Status::Unauthorized, "{body}");
    assert_eq!(body["response"]["reauth_required"], true);
    let (status, _) = app.post("/verify", json!({"password": PASSWORD})).await;
    assert_eq!(status, Status::Ok);
    let (status, body) = app
        .post("/delete-account", json!({"password": PASSWORD}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");

    let plain = app_with(store, contract_settings(), |b| b).await;
    assert_eq!(plain.status("/delete-account").await, Status::NotFound);
    assert_eq!(plain.status("/change-username").await, Status::NotFound);
    assert_eq!(plain.status("/recover-username").await, Status::NotFound);
}

/// The pages a person sees: labelled fields of the right type, for people and password
/// managers.
async fn the_pages_have_labelled_fields(store: Arc<dyn UserDatastore>) {
    let app = username_app(store).await;
    let page = |path: &'static str| {
        let client = &app.client;
        async move {
            let response = client.get(path).dispatch().await;
            assert_eq!(response.status(), Status::Ok, "{path}");
            response.into_string().await.unwrap()
        }
    };
    let login = page("/login").await;
    assert!(login.contains(r#"name="identity""#), "{login}");
    assert!(login.contains("Email address or username"));
    assert!(login.contains(r#"autocomplete="username""#));
    assert!(
        login.contains("/recover-username"),
        "the login page links to it"
    );
    let register = page("/register").await;
    assert!(register.contains(r#"name="username""#), "{register}");
    let recover = page("/recover-username").await;
    assert!(recover.contains(r#"type="email""#), "{recover}");
    assert!(recover.contains(r#"<label for="email""#), "{recover}");

    app.user("ian@example.com", PASSWORD, true, true, &[]).await;
    login_with(&app.client, "ian@example.com", PASSWORD, "").await;
    let change = page("/change-username").await;
    assert!(change.contains(r#"<label for="username""#), "{change}");
    assert!(change.contains("has no username yet"), "{change}");
    let delete = page("/delete-account").await;
    assert!(delete.contains(r#"type="password""#), "{delete}");
    assert!(
        delete.contains(r#"autocomplete="current-password""#),
        "{delete}"
    );
    assert!(delete.contains("cannot be undone"), "{delete}");
}

per_backend!(
    stores:
    usernames_register_sign_in_and_are_unique,
    the_username_is_required_when_configured,
    changing_the_username_is_fresh_unique_and_noticed,
    the_username_is_mailed_to_its_owner_only,
    deleting_an_account_removes_everything_tied_to_it,
    deletion_needs_a_fresh_sign_in_and_is_off_by_default,
    the_pages_have_labelled_fields,
);
