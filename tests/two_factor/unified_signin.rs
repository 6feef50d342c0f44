//! Unified sign-in: mailed codes and magic links, their expiry, and passwords that still need the second factor.

use super::*;

per_backend!(
    stores:
    unified_signin_with_mailed_code_and_magic_link,
    unified_signin_with_password_needs_the_second_factor,
    mailed_sign_in_codes_expire,
);

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
