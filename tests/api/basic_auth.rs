//! HTTP Basic authentication: success without a session, failures with the realm.

use super::*;

per_backend!(
    stores:
    basic_auth_succeeds_without_a_session_or_a_login,
    basic_auth_failures_are_401_with_the_realm,
    basic_auth_names_a_custom_realm,
);

async fn basic_auth_succeeds_without_a_session_or_a_login(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store.clone()).await;
    for json_mode in [true, false] {
        let answer = fetch(
            &app.client,
            "/api/basic",
            &[basic(&format!("{JOE}:{PASSWORD}"))],
            json_mode,
        )
        .await;
        assert_eq!(answer.status, Status::Ok, "{answer:?}");
        assert_eq!(answer.content_type.as_deref(), Some("application/json"));
        assert_eq!(answer.json(), json!({"email": JOE, "via": "basic"}));
        assert_eq!(answer.set_cookies, Vec::<String>::new(), "no cookie at all");
        assert_eq!(answer.www_authenticate, None);
    }
    // Nothing was remembered between requests.
    let (status, _) = app.get_json("/protected").await;
    assert_eq!(status, Status::Unauthorized);
    let user = joe(&store).await;
    assert_eq!(user.login_count, 0, "Basic is not a login");
    assert_eq!(user.current_login_at, None);
    assert!(store.list_user_sessions(user.id).await.unwrap().is_empty());

    // Routes that do not list Basic do not take it, and say nothing of a realm.
    let answer = fetch(
        &app.client,
        "/api/me",
        &[basic(&format!("{JOE}:{PASSWORD}"))],
        true,
    )
    .await;
    assert_eq!(answer.status, Status::Unauthorized);
    assert_eq!(answer.www_authenticate, None);
    assert_eq!(answer.json(), unauthorized());
}

async fn basic_auth_failures_are_401_with_the_realm(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store).await;
    app.user("inactive@example.com", PASSWORD, true, false, &[])
        .await;
    app.user("unconfirmed@example.com", PASSWORD, false, true, &[])
        .await;
    let raw = |value: &str| Header::new("Authorization", value.to_owned());
    let cases: Vec<(&str, Vec<Header<'static>>)> = vec![
        ("missing", vec![]),
        (
            "bad password",
            vec![basic(&format!("{JOE}:wrong-password"))],
        ),
        (
            "unknown user",
            vec![basic("nobody@example.com:password123")],
        ),
        ("inactive", vec![basic("inactive@example.com:password123")]),
        (
            "unconfirmed",
            vec![basic("unconfirmed@example.com:password123")],
        ),
        ("empty credentials", vec![basic(":")]),
        ("not base64", vec![raw("Basic !!not*base64!!")]),
        (
            "no colon",
            vec![raw(&format!(
                "Basic {}",
                STANDARD.encode("joe@example.com password123")
            ))],
        ),
        (
            "wrong scheme",
            vec![raw(&format!(
                "Bearer {}",
                STANDARD.encode("joe@example.com:password123")
            ))],
        ),
        ("scheme only", vec![raw("Basic")]),
        ("empty header", vec![raw("")]),
    ];
    for (case, headers) in &cases {
        let answer = fetch(&app.client, "/api/basic", headers, true).await;
        assert_eq!(answer.status, Status::Unauthorized, "{case}");
        assert_eq!(
            answer.www_authenticate.as_deref(),
            Some(DEFAULT_REALM),
            "{case}"
        );
        assert_eq!(
            answer.content_type.as_deref(),
            Some("application/json"),
            "{case}"
        );
        assert_eq!(answer.json(), unauthorized(), "{case}");
        assert_eq!(answer.location, None, "{case}: never a redirect");

        let answer = fetch(&app.client, "/api/basic", headers, false).await;
        assert_eq!(answer.status, Status::Unauthorized, "{case}");
        assert_eq!(
            answer.www_authenticate.as_deref(),
            Some(DEFAULT_REALM),
            "{case}"
        );
        assert_eq!(
            answer.content_type.as_deref(),
            Some("text/plain; charset=utf-8"),
            "{case}"
        );
        assert_eq!(answer.body, format!("{SIGN_IN}\n"), "{case}");
        assert_eq!(answer.location, None, "{case}: never a redirect");
        assert_eq!(answer.set_cookies, Vec::<String>::new(), "{case}");
    }
}

async fn basic_auth_names_a_custom_realm(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store).await;
    for json_mode in [true, false] {
        let answer = fetch(&app.client, "/api/realm", &[], json_mode).await;
        assert_eq!(answer.status, Status::Unauthorized);
        assert_eq!(
            answer.www_authenticate.as_deref(),
            Some("Basic realm=\"API\"")
        );
        let answer = fetch(
            &app.client,
            "/api/realm",
            &[basic(&format!("{JOE}:wrong-password"))],
            json_mode,
        )
        .await;
        assert_eq!(
            answer.www_authenticate.as_deref(),
            Some("Basic realm=\"API\"")
        );
    }
    let answer = fetch(
        &app.client,
        "/api/realm",
        &[basic(&format!("{JOE}:{PASSWORD}"))],
        true,
    )
    .await;
    assert_eq!(answer.status, Status::Ok);
    assert_eq!(answer.json(), json!({"email": JOE, "via": "basic"}));
}

// ----- trackable -----
