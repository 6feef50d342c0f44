//! Confirmation, password recovery, password change and change of e-mail, through the app,
//! with the mail actually sent (capturing mailer) and the links followed.

use std::sync::Arc;
use std::time::Duration;

use crate::common::app::{app, link, login_with, read_json, submit_form, TestApp};
use rocket::http::{Accept, ContentType, Header, Status};
use rocket_security::{Security, SecurityEvent, UserDatastore, UserQuery};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(5);

/// The path of the first link in the last mail to `to` that starts with `prefix`.
async fn mailed_path(app: &TestApp, count: usize, to: &str, prefix: &str) -> String {
    let mails = app.mailer.wait_for(count, WAIT).await;
    let mail = mails
        .iter()
        .rev()
        .find(|m| m.to == to)
        .expect("a mail to the user");
    let url = link(&mail.text, "http://").unwrap_or_else(|| panic!("no link in {}", mail.text));
    assert!(mail.html.contains(&url), "the HTML part has the same link");
    let path = url.splitn(4, '/').nth(3).map(|p| format!("/{p}")).unwrap();
    assert!(path.starts_with(prefix), "{path}");
    path
}

async fn flash_of(app: &TestApp, location: &str) -> String {
    let page = app
        .client
        .get(location)
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    let start = page
        .find("<ul class=\"flashes\">")
        .unwrap_or_else(|| panic!("no flashes on {location}"));
    page[start..].split("</ul>").next().unwrap().to_owned()
}

async fn follow(app: &TestApp, path: &str) -> (Status, String) {
    let response = app.client.get(path).dispatch().await;
    let status = response.status();
    (
        status,
        response
            .headers()
            .get_one("Location")
            .unwrap_or_default()
            .to_owned(),
    )
}

async fn confirmation_link_confirms_once(store: Arc<dyn UserDatastore>) {
    let app = app(store.clone()).await;
    let mut events = app.client.rocket().state::<Security>().unwrap().subscribe();
    app.post("/register", json!({"email": "amy@example.com", "password": "password123", "password_confirm": "password123"}))
        .await;
    let path = mailed_path(&app, 1, "amy@example.com", "/confirm/").await;
    let (status, body) = app
        .post(
            "/login",
            json!({"email": "amy@example.com", "password": "password123"}),
        )
        .await;
    assert_eq!(
        status,
        Status::BadRequest,
        "unconfirmed users cannot sign in: {body}"
    );
    // A tampered link is refused.
    let mut tampered = path.clone();
    tampered.insert(tampered.len() - 3, 'x');
    let (status, location) = follow(&app, &tampered).await;
    assert_eq!((status, location.as_str()), (Status::Found, "/confirm"));
    assert!(flash_of(&app, "/confirm")
        .await
        .contains("Invalid confirmation token."));
    let (status, location) = follow(&app, &path).await;
    assert_eq!((status, location.as_str()), (Status::Found, "/login"));
    assert!(flash_of(&app, "/login")
        .await
        .contains("Thank you. Your email has been confirmed."));
    let (status, _) = app.get_json("/protected").await;
    assert_eq!(status, Status::Unauthorized, "confirming does not sign in");
    let user = store
        .find_user(UserQuery::Email("amy@example.com"))
        .await
        .unwrap()
        .unwrap();
    assert!(user.confirmed_at.is_some());
    let (_, location) = follow(&app, &path).await;
    assert_eq!(location, "/confirm");
    assert!(flash_of(&app, "/confirm")
        .await
        .contains("Your email has already been confirmed."));
    app.login("amy@example.com", "password123").await;
    let mut seen = Vec::new();
    while let Ok(event) = events.try_recv() {
        seen.push(event);
    }
    assert!(seen.iter().any(|e| matches!(e, SecurityEvent::UserRegistered { user, confirm_token: Some(_) } if user.email == "amy@example.com")));
    assert!(seen.iter().any(
        |e| matches!(e, SecurityEvent::UserConfirmed { user } if user.email == "amy@example.com")
    ));
}

async fn expired_confirmation_link_leaves_the_user_unconfirmed(store: Arc<dyn UserDatastore>) {
    let app = app(store.clone()).await;
    app.post("/register", json!({"email": "bob@example.com", "password": "password123", "password_confirm": "password123"}))
        .await;
    let path = mailed_path(&app, 1, "bob@example.com", "/confirm/").await;
    app.clock.advance(chrono::Duration::seconds(11));
    let (status, location) = follow(&app, &path).await;
    assert_eq!((status, location.as_str()), (Status::Found, "/confirm"));
    assert!(flash_of(&app, "/confirm")
        .await
        .contains("You did not confirm your email within 10 seconds."));
    let user = store
        .find_user(UserQuery::Email("bob@example.com"))
        .await
        .unwrap()
        .unwrap();
    assert!(user.confirmed_at.is_none());
    assert_eq!(app.mailer.mails().len(), 1, "no new mail");
}

async fn resending_confirmation_is_generic(store: Arc<dyn UserDatastore>) {
    let app = app(store).await;
    app.user("pending@example.com", "password123", false, true, &[])
        .await;
    app.user("done@example.com", "password123", true, true, &[])
        .await;
    let mut answers = Vec::new();
    for email in [
        "pending@example.com",
        "done@example.com",
        "nobody@example.com",
    ] {
        let (status, mut body) = app.post("/confirm", json!({"email": email})).await;
        assert_eq!(status, Status::Ok);
        body["response"]
            .as_object_mut()
            .unwrap()
            .remove("csrf_token");
        answers.push(body);
    }
    assert!(answers.iter().all(|a| a == &answers[0]), "{answers:?}");
    let mails = app.mailer.wait_for(1, WAIT).await;
    tokio_sleep().await;
    let mails_after = app.mailer.mails();
    assert_eq!(
        mails_after.len(),
        1,
        "only the unconfirmed account gets mail"
    );
    assert_eq!(mails[0].to, "pending@example.com");
    assert_eq!(mails[0].subject, "Please confirm your email");
    let path = mailed_path(&app, 1, "pending@example.com", "/confirm/").await;
    let (_, location) = follow(&app, &path).await;
    assert_eq!(location, "/login");
    // HTML: the same page with a flash.
    let response = submit_form(
        &app.client,
        "/confirm",
        "/confirm",
        &[("email", "nobody@example.com")],
    )
    .await;
    assert_eq!(response.status(), Status::Ok);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("Confirmation instructions have been sent to nobody@example.com."));
}

async fn tokio_sleep() {
    rocket::tokio::time::sleep(Duration::from_millis(300)).await;
}

async fn forgot_password_is_generic_and_mails_only_real_users(store: Arc<dyn UserDatastore>) {
    let app = app(store).await;
    app.user("joe@example.com", "password123", true, true, &[])
        .await;
    app.user("unconfirmed@example.com", "password123", false, true, &[])
        .await;
    app.user("inactive@example.com", "password123", true, false, &[])
        .await;
    let mut answers = Vec::new();
    for email in [
        "joe@example.com",
        "nobody@example.com",
        "not-an-email",
        "unconfirmed@example.com",
        "inactive@example.com",
    ] {
        let (status, mut body) = app.post("/reset", json!({"email": email})).await;
        assert_eq!(status, Status::Ok, "{email}: {body}");
        body["response"]
            .as_object_mut()
            .unwrap()
            .remove("csrf_token");
        answers.push(body);
    }
    assert!(
        answers
            .iter()
            .all(|a| a == &json!({"meta": {"code": 200}, "response": {}})),
        "{answers:?}"
    );
    app.mailer.wait_for(1, WAIT).await;
    tokio_sleep().await;
    let mails = app.mailer.mails();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, "joe@example.com");
    assert_eq!(mails[0].subject, "Password reset instructions");
}

async fn reset_password_end_to_end(store: Arc<dyn UserDatastore>) {
    let app = app(store.clone()).await;
    app.user("joe@example.com", "password123", true, true, &[])
        .await;
    // A session and a token from before the reset, in another browser.
    let other = app.browser().await;
    let body = login_with(
        &other,
        "joe@example.com",
        "password123",
        "?include_auth_token",
    )
    .await;
    let old_token = body["response"]["user"]["authentication_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        other.get("/protected").dispatch().await.status(),
        Status::Ok
    );

    app.post("/reset", json!({"email": "joe@example.com"}))
        .await;
    let first = mailed_path(&app, 1, "joe@example.com", "/reset/").await;
    app.post("/reset", json!({"email": "joe@example.com"}))
        .await;
    let path = mailed_path(&app, 2, "joe@example.com", "/reset/").await;

    // The form opens, in JSON mode too.
    let response = app
        .client
        .get(path.clone())
        .header(Accept::JSON)
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(response.content_type(), Some(ContentType::HTML));
    let (status, body) = app
        .post(
            &path,
            json!({"password": "short", "password_confirm": "short"}),
        )
        .await;
    assert_eq!(status, Status::BadRequest);
    assert_eq!(
        body["response"]["field_errors"]["password"],
        json!(["Password must be at least 8 characters"])
    );
    let (_, body) = app
        .post(
            &path,
            json!({"password": "new-password-1", "password_confirm": "other-password"}),
        )
        .await;
    assert_eq!(
        body["response"]["field_errors"]["password_confirm"],
        json!(["Passwords do not match"])
    );
    let (status, body) = app
        .post(
            &path,
            json!({"password": "new-password-1", "password_confirm": "new-password-1"}),
        )
        .await;
    assert_eq!(
        status,
        Status::Ok,
        "the token survives validation errors: {body}"
    );
    assert_eq!(body, json!({"meta": {"code": 200}, "response": {}}));
    let (status, _) = app.get_json("/protected").await;
    assert_eq!(status, Status::Unauthorized, "a reset does not sign in");

    for used in [&path, &first] {
        let (status, body) = app
            .post(
                used,
                json!({"password": "again-password", "password_confirm": "again-password"}),
            )
            .await;
        assert_eq!(status, Status::BadRequest);
        assert_eq!(
            body["response"],
            json!({"errors": ["Invalid reset password token."], "field_errors": {"": ["Invalid reset password token."]}})
        );
    }
    let (status, location) = follow(&app, &path).await;
    assert_eq!((status, location.as_str()), (Status::Found, "/reset"));
    assert!(flash_of(&app, "/reset")
        .await
        .contains("Invalid reset password token."));

    let (status, _) = app
        .post(
            "/login",
            json!({"email": "joe@example.com", "password": "password123"}),
        )
        .await;
    assert_eq!(status, Status::BadRequest, "the old password is gone");
    app.login("joe@example.com", "new-password-1").await;
    let response = other
        .get("/protected")
        .header(Accept::JSON)
        .dispatch()
        .await;
    assert_eq!(
        response.status(),
        Status::Unauthorized,
        "sessions from before the reset end"
    );
    let mails = app.mailer.wait_for(3, WAIT).await;
    assert!(mails
        .iter()
        .any(|m| m.subject == "Your password has been reset"));
    let response = app
        .client
        .get("/api/token")
        .header(Accept::JSON)
        .header(Header::new("Authentication-Token", old_token))
        .dispatch()
        .await;
    assert_eq!(
        response.status(),
        Status::Unauthorized,
        "tokens from before the reset stop working"
    );
    let user = store
        .find_user(UserQuery::Email("joe@example.com"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store.list_user_sessions(user.id).await.unwrap().len(),
        1,
        "only the new session is left"
    );
}

async fn expired_reset_link(store: Arc<dyn UserDatastore>) {
    let app = app(store).await;
    app.user("joe@example.com", "password123", true, true, &[])
        .await;
    app.post("/reset", json!({"email": "joe@example.com"}))
        .await;
    let path = mailed_path(&app, 1, "joe@example.com", "/reset/").await;
    app.clock.advance(chrono::Duration::seconds(11));
    let (status, location) = follow(&app, &path).await;
    assert_eq!((status, location.as_str()), (Status::Found, "/reset"));
    assert!(flash_of(&app, "/reset")
        .await
        .contains("You did not reset your password within 10 seconds."));
    let (status, body) = app
        .post(
            &path,
            json!({"password": "new-password-1", "password_confirm": "new-password-1"}),
        )
        .await;
    assert_eq!(status, Status::BadRequest);
    assert!(body["response"]["errors"][0]
        .as_str()
        .unwrap()
        .starts_with("You did not reset your password within"));
}

async fn change_password_keeps_this_session_and_ends_the_others(store: Arc<dyn UserDatastore>) {
    let app = app(store.clone()).await;
    app.user("joe@example.com", "password123", true, true, &[])
        .await;
    let other = app.browser().await;
    let body = login_with(&other, "joe@example.com", "password123", "").await;
    assert_eq!(body["response"]["user"], json!({}));
    let body = app
        .post(
            "/login?include_auth_token",
            json!({"email": "joe@example.com", "password": "password123"}),
        )
        .await
        .1;
    let old_token = body["response"]["user"]["authentication_token"]
        .as_str()
        .unwrap()
        .to_owned();

    let (status, body) = app.get_json("/change").await;
    assert_eq!(status, Status::Ok);
    assert_eq!(body["response"]["active_password"], true);
    for (fields, field, message) in [
        (
            json!({"password": "wrong-password", "new_password": "new-password-1", "new_password_confirm": "new-password-1"}),
            "password",
            "Invalid password",
        ),
        (
            json!({"new_password": "new-password-1", "new_password_confirm": "new-password-1"}),
            "password",
            "Password not provided",
        ),
        (
            json!({"password": "password123", "new_password": "password123", "new_password_confirm": "password123"}),
            "password",
            "Your new password must be different than your previous password.",
        ),
        (
            json!({"password": "password123", "new_password": "short", "new_password_confirm": "short"}),
            "new_password",
            "Password must be at least 8 characters",
        ),
        (
            json!({"password": "password123", "new_password": "new-password-1", "new_password_confirm": "nope-nope-1"}),
            "new_password_confirm",
            "Passwords do not match",
        ),
    ] {
        let (status, body) = app.post("/change", fields).await;
        assert_eq!(status, Status::BadRequest);
        assert_eq!(
            body["response"]["field_errors"][field],
            json!([message]),
            "{body}"
        );
    }
    let (status, body) = app
        .post("/change?include_auth_token", json!({"password": "password123", "new_password": "new-password-1", "new_password_confirm": "new-password-1"}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let new_token = body["response"]["user"]["authentication_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.client.get("/protected").dispatch().await.status(),
        Status::Ok,
        "this session stays"
    );
    let response = other
        .get("/protected")
        .header(Accept::JSON)
        .dispatch()
        .await;
    assert_eq!(
        response.status(),
        Status::Unauthorized,
        "the other session ended"
    );
    let user = store
        .find_user(UserQuery::Email("joe@example.com"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store.list_user_sessions(user.id).await.unwrap().len(),
        1,
        "only this session is left"
    );
    for (token, expected) in [
        (old_token, Status::Unauthorized),
        (new_token.clone(), Status::Ok),
    ] {
        let response = app
            .client
            .get("/api/token")
            .header(Accept::JSON)
            .header(Header::new("Authentication-Token", token))
            .dispatch()
            .await;
        assert_eq!(response.status(), expected);
    }
    let mails = app.mailer.wait_for(1, WAIT).await;
    assert_eq!(mails[0].subject, "Your password has been changed");
    assert!(mails[0].text.contains("/reset"));
    // Token-authenticated requests need no CSRF token.
    let browser = app.browser().await;
    let response = browser
        .post("/change")
        .header(ContentType::JSON)
        .header(Accept::JSON)
        .header(Header::new("Authentication-Token", new_token))
        .body(json!({"password": "new-password-1", "new_password": "new-password-2", "new_password_confirm": "new-password-2"}).to_string())
        .dispatch()
        .await;
    let (status, body) = read_json(response).await;
    assert_eq!(status, Status::Ok, "{body}");
}

async fn change_password_requires_a_login(store: Arc<dyn UserDatastore>) {
    let app = app(store).await;
    let (status, _) = app.get_json("/change").await;
    assert_eq!(status, Status::Unauthorized);
    let response = app.client.get("/change").dispatch().await;
    assert_eq!(response.status(), Status::Found);
    assert_eq!(
        response.headers().get_one("Location"),
        Some("/login?next=/change")
    );
}

async fn change_email_end_to_end(store: Arc<dyn UserDatastore>) {
    let app = app(store.clone()).await;
    app.user("joe@example.com", "password123", true, true, &[])
        .await;
    app.user("taken@example.com", "password123", true, true, &[])
        .await;
    app.login("joe@example.com", "password123").await;
    let (status, body) = app.get_json("/change-email").await;
    assert_eq!(status, Status::Ok);
    assert_eq!(body["response"]["current_email"], "joe@example.com");
    let (status, body) = app.post("/change-email", json!({"email": "nope"})).await;
    assert_eq!(status, Status::BadRequest);
    assert_eq!(
        body["response"]["field_errors"],
        json!({"email": ["Invalid email address"]})
    );
    for email in ["taken@example.com", "JOE@example.com"] {
        let (status, body) = app.post("/change-email", json!({"email": email})).await;
        assert_eq!(status, Status::Ok);
        assert_eq!(body["response"]["current_email"], "joe@example.com");
    }
    let (status, body) = app
        .post("/change-email", json!({"email": "joseph@example.com"}))
        .await;
    assert_eq!(status, Status::Ok);
    assert_eq!(
        body["response"]["current_email"], "joe@example.com",
        "unchanged until the link is followed"
    );
    let path = mailed_path(&app, 1, "joseph@example.com", "/change-email/").await;
    assert_eq!(
        app.mailer.mails().len(),
        1,
        "no mail for taken or unchanged addresses"
    );
    assert_eq!(
        app.mailer.mails()[0].subject,
        "Confirm your new email address"
    );
    app.post("/logout", json!({})).await;
    let (status, location) = follow(&app, &path).await;
    assert_eq!((status, location.as_str()), (Status::Found, "/"));
    assert!(store
        .find_user(UserQuery::Email("joseph@example.com"))
        .await
        .unwrap()
        .is_some());
    let (status, _) = app
        .post(
            "/login",
            json!({"email": "joe@example.com", "password": "password123"}),
        )
        .await;
    assert_eq!(
        status,
        Status::BadRequest,
        "the old address no longer signs in"
    );
    app.login("joseph@example.com", "password123").await;
    let (_, location) = follow(&app, &path).await;
    assert_eq!(location, "/change-email", "a used link is refused");
}

per_backend!(
    stores:
    confirmation_link_confirms_once,
    expired_confirmation_link_leaves_the_user_unconfirmed,
    resending_confirmation_is_generic,
    forgot_password_is_generic_and_mails_only_real_users,
    reset_password_end_to_end,
    expired_reset_link,
    change_password_keeps_this_session_and_ends_the_others,
    change_password_requires_a_login,
    change_email_end_to_end,
);
