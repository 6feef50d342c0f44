//! Authentication tokens: issued on request, accepted in header, query and body, refused when
//! bad, expired, or revoked by a password change or reset.

use super::*;

per_backend!(
    stores:
    token_is_issued_only_when_asked_for_on_login,
    token_works_in_header_query_and_json_body_without_csrf,
    api_token_refuses_a_session_cookie_alone,
    bad_tokens_are_refused,
    tokens_expire_after_token_max_age,
    token_max_age_zero_never_expires,
    deactivated_users_neither_use_nor_get_tokens,
    token_survives_logout_of_the_issuing_session,
    token_dies_after_a_password_change_in_a_session,
    token_dies_after_a_password_reset,
);

async fn token_is_issued_only_when_asked_for_on_login(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store).await;

    let (status, page) = app.get_json("/login?include_auth_token").await;
    assert_eq!(status, Status::Ok);
    assert!(page["response"].get("user").is_none(), "{page}");

    let (status, body) = app
        .post("/login", json!({"email": JOE, "password": PASSWORD}))
        .await;
    assert_eq!(status, Status::Ok);
    assert_eq!(
        body["response"]["user"],
        json!({}),
        "no token without the flag"
    );

    // Signed in, GET pages show the user but never issue a token.
    for page in ["/login?include_auth_token", "/change?include_auth_token"] {
        let (status, body) = app.get_json(page).await;
        assert_eq!(status, Status::Ok);
        assert_eq!(body["response"]["user"], json!({}), "{page}: {body}");
    }

    let other = app.browser().await;
    let body = login_with(&other, JOE, PASSWORD, "?include_auth_token").await;
    let user = body["response"]["user"].as_object().unwrap();
    assert_eq!(
        user.keys().collect::<Vec<_>>(),
        ["authentication_token"],
        "{body}"
    );
    let token = user["authentication_token"].as_str().unwrap();
    assert!(!token.is_empty());
    assert_eq!(body["response"]["tf_required"], false);
    assert!(body["response"]["csrf_token"].is_string());

    let (status, body) = get_with_token(&app.browser().await, "/api/token", token).await;
    assert_eq!(status, Status::Ok);
    assert_eq!(body, json!({"email": JOE, "via": "token"}));
}

// ----- using tokens -----

async fn token_works_in_header_query_and_json_body_without_csrf(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store).await;
    let session = app.browser().await;
    let token1 = issue_token(&session, JOE, PASSWORD).await;

    // A fresh client with no cookies at all.
    let api = app.browser().await;
    let (status, body) = get_with_token(&api, "/api/token", &token1).await;
    assert_eq!(
        (status, body),
        (Status::Ok, json!({"email": JOE, "via": "token"}))
    );
    let (status, body) = get_json_with(&api, &format!("/api/token?auth_token={token1}")).await;
    assert_eq!(
        (status, body),
        (Status::Ok, json!({"email": JOE, "via": "token"}))
    );
    // login_required pages take a token too.
    let answer = fetch(&api, "/protected", &[token_header(&token1)], false).await;
    assert_eq!(answer.status, Status::Ok);
    assert!(
        answer
            .body
            .contains(&format!("<p>protected page for {JOE}</p>")),
        "{}",
        answer.body
    );
    let answer = fetch(&api, &format!("/protected?auth_token={token1}"), &[], false).await;
    assert_eq!(answer.status, Status::Ok);
    assert!(
        answer
            .body
            .contains(&format!("<p>protected page for {JOE}</p>")),
        "{}",
        answer.body
    );

    // The session that issued the token is still held to CSRF.
    let (status, body) =
        post_json_with(&session, "/change", change(PASSWORD, "second-pass-2"), None).await;
    assert_eq!(status, Status::BadRequest);
    assert_eq!(
        body,
        json!({"meta": {"code": 400}, "response": {"errors": ["The CSRF token is missing."]}})
    );

    // POST /change authenticated by a token, in each place, with no CSRF header: exempt.
    let response = api
        .post("/change?include_auth_token")
        .header(ContentType::JSON)
        .header(Accept::JSON)
        .header(token_header(&token1))
        .body(change(PASSWORD, "second-pass-2").to_string())
        .dispatch()
        .await;
    let (status, body) = read_json(response).await;
    assert_eq!(status, Status::Ok, "{body}");
    let token2 = body["response"]["user"]["authentication_token"]
        .as_str()
        .unwrap()
        .to_owned();

    let mut with_body_token = change("second-pass-2", "third-pass-3");
    with_body_token["auth_token"] = json!(token2);
    let (status, body) =
        post_json_with(&api, "/change?include_auth_token", with_body_token, None).await;
    assert_eq!(status, Status::Ok, "{body}");
    let token3 = body["response"]["user"]["authentication_token"]
        .as_str()
        .unwrap()
        .to_owned();

    let (status, body) = post_json_with(
        &api,
        &format!("/change?include_auth_token&auth_token={token3}"),
        change("third-pass-3", "fourth-pass-4"),
        None,
    )
    .await;
    assert_eq!(status, Status::Ok, "{body}");
    let token4 = body["response"]["user"]["authentication_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(body["response"]["csrf_token"].is_string());

    // Each change revoked the tokens issued before it.
    for old in [&token1, &token2, &token3] {
        let (status, body) = get_with_token(&api, "/api/token", old).await;
        assert_eq!((status, body), (Status::Unauthorized, unauthorized()));
    }
    let (status, _) = get_with_token(&api, "/api/token", &token4).await;
    assert_eq!(status, Status::Ok);
    let (status, _) = login_from(&app.client, JOE, "fourth-pass-4", None).await;
    assert_eq!(status, Status::Ok, "the password did change");
}

async fn api_token_refuses_a_session_cookie_alone(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store).await;
    let body = login_with(&app.client, JOE, PASSWORD, "?include_auth_token").await;
    let token = body["response"]["user"]["authentication_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.client.get("/protected").dispatch().await.status(),
        Status::Ok,
        "the session is signed in"
    );

    let answer = fetch(&app.client, "/api/token", &[], true).await;
    assert_eq!(answer.status, Status::Unauthorized);
    assert_eq!(answer.content_type.as_deref(), Some("application/json"));
    assert_eq!(answer.json(), unauthorized());

    let answer = fetch(&app.client, "/api/token", &[], false).await;
    assert_eq!(answer.status, Status::Found);
    assert_eq!(answer.location.as_deref(), Some("/login?next=/api/token"));
    assert_eq!(answer.www_authenticate, None);

    // With the token as well, the same client gets in.
    let (status, body) = get_with_token(&app.client, "/api/token", &token).await;
    assert_eq!(
        (status, body),
        (Status::Ok, json!({"email": JOE, "via": "token"}))
    );
}

async fn bad_tokens_are_refused(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store).await;
    let token = issue_token(&app.browser().await, JOE, PASSWORD).await;
    let csrf = app.csrf().await;
    let mut chars: Vec<char> = token.chars().collect();
    chars[1] = if chars[1] == 'A' { 'B' } else { 'A' };
    let tampered: String = chars.into_iter().collect();
    let (body, _) = token.rsplit_once('.').unwrap();
    let unsigned = format!("{body}.");
    let cases = [
        tampered.as_str(),
        unsigned.as_str(),
        &csrf, // signed by the app, for another purpose
        "garbage",
        "a.b.c",
        "",
    ];
    let client = app.browser().await;
    for bad in cases {
        let (status, body) = get_with_token(&client, "/api/token", bad).await;
        assert_eq!(
            (status, body),
            (Status::Unauthorized, unauthorized()),
            "{bad:?}"
        );
        let (status, body) = get_json_with(&client, &format!("/api/me?auth_token={bad}")).await;
        assert_eq!(
            (status, body),
            (Status::Unauthorized, unauthorized()),
            "{bad:?}"
        );
        let answer = fetch(&client, "/protected", &[token_header(bad)], false).await;
        assert_eq!(answer.status, Status::Found, "{bad:?}");
        assert_eq!(answer.location.as_deref(), Some("/login?next=/protected"));
    }
    let (status, _) = get_with_token(&client, "/api/token", &token).await;
    assert_eq!(status, Status::Ok, "the genuine token still works");
}

async fn tokens_expire_after_token_max_age(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store).await;
    let token = issue_token(&app.browser().await, JOE, PASSWORD).await;
    app.clock.advance(chrono::Duration::seconds(880));
    let (status, _) = get_with_token(&app.client, "/api/token", &token).await;
    assert_eq!(status, Status::Ok, "still within 900 s");
    app.clock.advance(chrono::Duration::seconds(30));
    let (status, body) = get_with_token(&app.client, "/api/token", &token).await;
    assert_eq!((status, body), (Status::Unauthorized, unauthorized()));
    let (status, _) = get_with_token(&app.client, "/api/me", &token).await;
    assert_eq!(status, Status::Unauthorized);

    let fresh = issue_token(&app.browser().await, JOE, PASSWORD).await;
    let (status, _) = get_with_token(&app.client, "/api/token", &fresh).await;
    assert_eq!(status, Status::Ok, "a new token works");
}

async fn token_max_age_zero_never_expires(store: Arc<dyn UserDatastore>) {
    let mut settings = contract_settings();
    settings["token_max_age"] = json!(0);
    let app = app_with(store, settings, |b| b).await;
    app.user(JOE, PASSWORD, true, true, &[]).await;
    let token = issue_token(&app.client, JOE, PASSWORD).await;
    app.clock.advance(chrono::Duration::days(400));
    let (status, body) = get_with_token(&app.browser().await, "/api/token", &token).await;
    assert_eq!(
        (status, body),
        (Status::Ok, json!({"email": JOE, "via": "token"}))
    );
}

async fn deactivated_users_neither_use_nor_get_tokens(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store.clone()).await;
    app.user("inactive@example.com", PASSWORD, true, false, &[])
        .await;
    let token = issue_token(&app.browser().await, JOE, PASSWORD).await;
    let client = app.browser().await;
    let (status, _) = get_with_token(&client, "/api/token", &token).await;
    assert_eq!(status, Status::Ok);

    assert!(store.deactivate_user(&joe(&store).await).await.unwrap());
    for path in ["/api/token", "/api/me", "/protected"] {
        let (status, body) = get_with_token(&client, path, &token).await;
        assert_eq!(
            (status, body),
            (Status::Unauthorized, unauthorized()),
            "{path}"
        );
    }
    for email in [JOE, "inactive@example.com"] {
        let other = app.browser().await;
        let (status, body) = login_from(&other, email, PASSWORD, None).await;
        assert_eq!(
            (status, body),
            (Status::BadRequest, login_failed()),
            "{email}"
        );
        let (_, page) = get_json_with(&other, "/login").await;
        let (status, body) = post_json_with(
            &other,
            "/login?include_auth_token",
            json!({"email": email, "password": PASSWORD}),
            page["response"]["csrf_token"].as_str(),
        )
        .await;
        assert_eq!(
            (status, body),
            (Status::BadRequest, login_failed()),
            "{email}: no token"
        );
    }
}

async fn token_survives_logout_of_the_issuing_session(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store).await;
    let token = issue_token(&app.client, JOE, PASSWORD).await;
    let (status, body) = app.post("/logout", json!({})).await;
    assert_eq!(
        (status, body),
        (Status::Ok, json!({"meta": {"code": 200}, "response": {}}))
    );
    let (status, _) = app.get_json("/protected").await;
    assert_eq!(status, Status::Unauthorized, "the session is over");
    let (status, _) = get_with_token(&app.client, "/api/token", &token).await;
    assert_eq!(status, Status::Ok);
    let (status, _) = get_with_token(&app.browser().await, "/api/token", &token).await;
    assert_eq!(status, Status::Ok);
}

async fn token_dies_after_a_password_change_in_a_session(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store).await;
    let other = app.browser().await;
    let token = issue_token(&other, JOE, PASSWORD).await;
    app.login(JOE, PASSWORD).await;
    let (status, body) = app
        .post("/change", change(PASSWORD, "new-password-1"))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(body["response"]["user"], json!({}), "no token unless asked");
    let (status, body) = get_with_token(&other, "/api/token", &token).await;
    assert_eq!((status, body), (Status::Unauthorized, unauthorized()));
    assert_eq!(
        app.client.get("/protected").dispatch().await.status(),
        Status::Ok,
        "the session that changed the password stays"
    );
}

async fn token_dies_after_a_password_reset(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store).await;
    let token = issue_token(&app.browser().await, JOE, PASSWORD).await;
    let (status, _) = app.post("/reset", json!({"email": JOE})).await;
    assert_eq!(status, Status::Ok);
    let mails = app.mailer.wait_for(1, Duration::from_secs(5)).await;
    let url = link(&mails[0].text, "http://").expect("a reset link");
    let path = format!("/{}", url.splitn(4, '/').nth(3).unwrap());
    assert!(path.starts_with("/reset/"), "{path}");
    let (status, _) = get_with_token(&app.client, "/api/token", &token).await;
    assert_eq!(status, Status::Ok, "asking for a reset changes nothing yet");

    let (status, body) = app
        .post(
            &path,
            json!({"password": "new-password-1", "password_confirm": "new-password-1"}),
        )
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let (status, body) = get_with_token(&app.client, "/api/token", &token).await;
    assert_eq!((status, body), (Status::Unauthorized, unauthorized()));
    let fresh = issue_token(&app.browser().await, JOE, "new-password-1").await;
    let (status, _) = get_with_token(&app.client, "/api/token", &fresh).await;
    assert_eq!(status, Status::Ok);
}

// ----- HTTP Basic -----
