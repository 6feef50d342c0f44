//! Two-factor authentication, recovery codes and unified sign-in through the app, with real
//! TOTP codes and the mailed codes and links.

use std::sync::Arc;
use std::time::Duration;

use crate::common::app::{app_with, contract_settings, csrf_from_html, form_login, TestApp};
use crate::common::totp::{code_at, six_digits};
use rocket::http::{Accept, ContentType, Status};
use rocket_security::{UserDatastore, UserQuery};
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(5);

fn settings() -> Value {
    let mut settings = contract_settings();
    let extra = json!({
        "two_factor": true,
        "two_factor_enabled_methods": ["authenticator"],
        "multi_factor_recovery_codes": true,
        "unified_signin": true,
        "us_enabled_methods": ["password", "email", "authenticator"],
        "us_mfa_required": ["password", "email"],
        "totp_issuer": "fsref",
    });
    settings
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    settings
}

async fn new_app(store: Arc<dyn UserDatastore>) -> TestApp {
    let app = app_with(store, settings(), |b| b).await;
    app.user("joe@example.com", "password123", true, true, &[])
        .await;
    app
}

/// Sets up the authenticator for the signed-in user; returns the base32 secret.
async fn set_up_authenticator(app: &TestApp) -> String {
    let (status, body) = app.get_json("/tf-setup").await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(
        body["response"]["tf_available_methods"],
        json!(["authenticator"])
    );
    assert_eq!(body["response"]["tf_primary_method"], Value::Null);
    let (status, body) = app
        .post("/tf-setup", json!({"setup": "authenticator"}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let r = &body["response"];
    assert_eq!(r["tf_state"], "validating_profile");
    assert_eq!(r["tf_authr_issuer"], "fsref");
    assert_eq!(r["tf_authr_username"], "joe@example.com");
    let b32 = r["tf_authr_b32key"].as_str().unwrap().to_owned();
    assert_eq!(r["tf_authr_key"].as_str().unwrap().replace('-', ""), b32);
    assert!(r["tf_authr_uri"]
        .as_str()
        .unwrap()
        .starts_with("otpauth://totp/fsref:"));
    let state = r["tf_state_token"].as_str().unwrap().to_owned();
    let (status, body) = app
        .post(&format!("/tf-setup/{state}"), json!({"code": "000000"}))
        .await;
    assert_eq!(status, Status::BadRequest);
    assert_eq!(
        body["response"]["field_errors"]["code"],
        json!(["Invalid code"])
    );
    let (status, body) = app
        .post(
            &format!("/tf-setup/{state}"),
            json!({"code": code_at(app, &b32, 0)}),
        )
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(body["response"]["tf_primary_method"], "authenticator");
    b32
}

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

async fn unified_signin_with_mailed_code_and_magic_link(store: Arc<dyn UserDatastore>) {
    let app = new_app(store).await;
    app.login("joe@example.com", "password123").await;
    let (status, body) = app.get_json("/us-setup").await;
    assert_eq!(status, Status::Ok);
    assert_eq!(body["response"]["active_methods"], json!(["password"]));
    assert_eq!(
        body["response"]["setup_methods"],
        json!(["authenticator", "email"])
    );
    let (status, body) = app
        .post("/us-setup", json!({"chosen_method": "email"}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let state = body["response"]["state"].as_str().unwrap().to_owned();
    let mails = app.mailer.wait_for(1, WAIT).await;
    assert_eq!(mails[0].subject, "Verification Code");
    let setup_code = six_digits(&mails[0].text);
    let (status, body) = app
        .post(&format!("/us-setup/{state}"), json!({"passcode": "000000"}))
        .await;
    assert_eq!(status, Status::BadRequest);
    assert_eq!(
        body["response"]["field_errors"]["passcode"],
        json!(["Password or code submitted is not valid"])
    );
    let (status, body) = app
        .post(
            &format!("/us-setup/{state}"),
            json!({"passcode": setup_code}),
        )
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let (_, body) = app.get_json("/us-setup").await;
    assert_eq!(
        body["response"]["active_methods"],
        json!(["email", "password"])
    );
    app.post("/logout", json!({})).await;

    // Send-code answers the same for everyone; only the set-up identity gets mail.
    let (status, a) = app
        .post(
            "/us-signin/send-code",
            json!({"identity": "nobody@example.com", "chosen_method": "email"}),
        )
        .await;
    assert_eq!(status, Status::Ok);
    let (status, b) = app
        .post(
            "/us-signin/send-code",
            json!({"identity": "joe@example.com", "chosen_method": "email"}),
        )
        .await;
    assert_eq!(status, Status::Ok);
    let strip = |mut v: Value| {
        v["response"].as_object_mut().unwrap().remove("csrf_token");
        v
    };
    assert_eq!(strip(a), strip(b));
    // Setting the method up sent the owner a notice.
    let mails = app.mailer.wait_for(3, WAIT).await;
    assert_eq!(mails.len(), 3);
    assert_eq!(mails[1].subject, "Your sign-in methods have changed");
    let code = six_digits(&mails[2].text);
    let link = crate::common::app::link(&mails[2].text, "http://").unwrap();
    assert!(
        link.contains("/us-verify-link?id=") && link.ends_with(&format!("code={code}")),
        "{link}"
    );

    let (status, body) = app
        .post(
            "/us-signin",
            json!({"identity": "joe@example.com", "passcode": "999999"}),
        )
        .await;
    assert_eq!(status, Status::BadRequest);
    assert_eq!(
        body["response"]["field_errors"][""],
        json!(["Authentication failed - identity or password/passcode invalid"])
    );
    let (status, body) = app
        .post(
            "/us-signin",
            json!({"identity": "joe@example.com", "passcode": code}),
        )
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(body["response"]["tf_required"], false);
    assert_eq!(app.status("/protected").await, Status::Ok);
    app.post("/logout", json!({})).await;

    // The magic link: once, and only with the newest code.
    app.post(
        "/us-signin/send-code",
        json!({"identity": "joe@example.com", "chosen_method": "email"}),
    )
    .await;
    app.post(
        "/us-signin/send-code",
        json!({"identity": "joe@example.com", "chosen_method": "email"}),
    )
    .await;
    let mails = app.mailer.wait_for(5, WAIT).await;
    let older = crate::common::app::link(&mails[3].text, "http://").unwrap();
    let newest = crate::common::app::link(&mails[4].text, "http://").unwrap();
    let path = |l: &str| format!("/{}", l.splitn(4, '/').nth(3).unwrap());
    let response = app.client.get(path(&older)).dispatch().await;
    assert_eq!(
        response.headers().get_one("Location"),
        Some("/us-signin"),
        "a newer code voids the older"
    );
    let response = app.client.get(path(&newest)).dispatch().await;
    assert_eq!(response.headers().get_one("Location"), Some("/"));
    assert_eq!(app.status("/protected").await, Status::Ok);
    app.post("/logout", json!({})).await;
    let response = app.client.get(path(&newest)).dispatch().await;
    assert_eq!(
        response.headers().get_one("Location"),
        Some("/us-signin"),
        "a link works once"
    );
    let response = app
        .client
        .get("/us-verify-link?id=nope&code=123456")
        .header(Accept::HTML)
        .dispatch()
        .await;
    assert_eq!(response.headers().get_one("Location"), Some("/us-signin"));
}

async fn mailed_sign_in_codes_expire(store: Arc<dyn UserDatastore>) {
    let app = new_app(store).await;
    app.login("joe@example.com", "password123").await;
    let (_, body) = app
        .post("/us-setup", json!({"chosen_method": "email"}))
        .await;
    let state = body["response"]["state"].as_str().unwrap().to_owned();
    let mails = app.mailer.wait_for(1, WAIT).await;
    let (status, _) = app
        .post(
            &format!("/us-setup/{state}"),
            json!({"passcode": six_digits(&mails[0].text)}),
        )
        .await;
    assert_eq!(status, Status::Ok);
    app.post("/logout", json!({})).await;
    app.post(
        "/us-signin/send-code",
        json!({"identity": "joe@example.com", "chosen_method": "email"}),
    )
    .await;
    // The set-up code, the set-up notice, the sign-in code.
    let mails = app.mailer.wait_for(3, WAIT).await;
    let code = six_digits(&mails[2].text);
    app.clock.advance(chrono::Duration::seconds(121));
    let (status, _) = app
        .post(
            "/us-signin",
            json!({"identity": "joe@example.com", "passcode": code}),
        )
        .await;
    assert_eq!(
        status,
        Status::BadRequest,
        "codes last us_token_validity (120 s)"
    );
}

async fn unified_signin_with_password_needs_the_second_factor(store: Arc<dyn UserDatastore>) {
    let app = new_app(store).await;
    app.login("joe@example.com", "password123").await;
    set_up_authenticator(&app).await;
    app.post("/logout", json!({})).await;
    let (status, body) = app
        .post(
            "/us-signin",
            json!({"identity": "joe@example.com", "passcode": "password123"}),
        )
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(body["response"]["tf_required"], true);
    assert_eq!(app.status("/protected").await, Status::Unauthorized);
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

per_backend!(
    stores:
    authenticator_login_end_to_end,
    tf_validate_without_pending_login,
    html_two_factor_login_redirects_through_validate,
    recovery_codes_work_once,
    unified_signin_with_mailed_code_and_magic_link,
    unified_signin_with_password_needs_the_second_factor,
    mailed_sign_in_codes_expire,
    wrong_codes_are_throttled,
    stale_sessions_must_reauthenticate,
    validated_browser_is_remembered_when_configured,
    required_two_factor_is_set_up_at_login,
);
