//! Login tracking: what counts as a login and what is recorded.

use super::*;

per_backend!(
    stores:
    trackable_records_each_login,
    tokens_basic_and_failures_do_not_count_as_logins,
    concurrent_logins_all_count,
);

fn timestamp(value: &Value) -> chrono::NaiveDateTime {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a time: {value}"));
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.6f")
        .unwrap_or_else(|e| panic!("{text}: {e}"))
}

async fn trackable_records_each_login(store: Arc<dyn UserDatastore>) {
    let app = app(store.clone()).await;
    app.user(JOE, PASSWORD, true, true, &["editor", "admin"])
        .await;
    let fresh = joe(&store).await;
    assert_eq!(
        (
            fresh.login_count,
            fresh.current_login_at,
            fresh.last_login_at
        ),
        (0, None, None)
    );

    let (status, _) = login_from(&app.client, JOE, PASSWORD, Some("127.0.0.1:50000")).await;
    assert_eq!(status, Status::Ok);
    let (status, first) = app.get_json("/api/me").await;
    assert_eq!(status, Status::Ok, "{first}");
    let at = timestamp(&first["current_login_at"]);
    let drift = (app.clock.now().naive_utc() - at).num_seconds().abs();
    assert!(drift < 60, "login time {at} is the clock's time");
    assert_eq!(
        first,
        json!({
            "email": JOE,
            "active": true,
            "confirmed": true,
            "roles": ["admin", "editor"],
            "login_count": 1,
            "current_login_at": first["current_login_at"],
            "last_login_at": first["current_login_at"],
            "current_login_ip": "127.0.0.1",
            "last_login_ip": null,
            "tf_primary_method": null,
        })
    );

    // A failed login changes nothing.
    let stranger = app.browser().await;
    let (status, _) = login_from(&stranger, JOE, "wrong-password", Some("10.9.9.9:1")).await;
    assert_eq!(status, Status::BadRequest);

    app.clock.advance(chrono::Duration::hours(1));
    let second_browser = app.browser().await;
    let (status, _) = login_from(&second_browser, JOE, PASSWORD, Some("10.0.0.7:4000")).await;
    assert_eq!(status, Status::Ok);
    let (status, second) = get_json_with(&second_browser, "/api/me").await;
    assert_eq!(status, Status::Ok);
    assert_eq!(second["login_count"], 2);
    assert_eq!(second["last_login_at"], first["current_login_at"]);
    assert_eq!(second["last_login_ip"], "127.0.0.1");
    assert_eq!(second["current_login_ip"], "10.0.0.7");
    let gap = timestamp(&second["current_login_at"]) - at;
    assert!(
        gap >= chrono::Duration::minutes(59) && gap < chrono::Duration::minutes(61),
        "{gap}"
    );
    // Both sessions see the same, current record.
    let (_, again) = app.get_json("/api/me").await;
    assert_eq!(again, second);

    // IPv4 clients reaching an IPv6 socket are recorded as IPv4.
    let third_browser = app.browser().await;
    let (status, _) =
        login_from(&third_browser, JOE, PASSWORD, Some("[::ffff:192.0.2.1]:80")).await;
    assert_eq!(status, Status::Ok);
    let (_, third) = get_json_with(&third_browser, "/api/me").await;
    assert_eq!(third["login_count"], 3);
    assert_eq!(third["current_login_ip"], "192.0.2.1");
    assert_eq!(third["last_login_ip"], "10.0.0.7");
    assert_eq!(third["last_login_at"], second["current_login_at"]);

    // Rocket's local client has no peer address unless given one: nothing is made up.
    let no_address = app.browser().await;
    let (status, _) = login_from(&no_address, JOE, PASSWORD, None).await;
    assert_eq!(status, Status::Ok);
    let (_, fourth) = get_json_with(&no_address, "/api/me").await;
    assert_eq!(fourth["login_count"], 4);
    assert_eq!(fourth["current_login_ip"], Value::Null);
    assert_eq!(fourth["last_login_ip"], "192.0.2.1");
}

async fn tokens_basic_and_failures_do_not_count_as_logins(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store.clone()).await;
    let token = issue_token(&app.client, JOE, PASSWORD).await;
    let after_login = joe(&store).await;
    assert_eq!(after_login.login_count, 1);

    let api = app.browser().await;
    for path in ["/api/token", "/api/me", "/protected"] {
        let answer = fetch(&api, path, &[token_header(&token)], true).await;
        assert_eq!(answer.status, Status::Ok, "{path}");
    }
    for _ in 0..2 {
        let answer = fetch(
            &api,
            "/api/basic",
            &[basic(&format!("{JOE}:{PASSWORD}"))],
            true,
        )
        .await;
        assert_eq!(answer.status, Status::Ok);
    }
    for password in ["wrong-password", ""] {
        let (status, _) = login_from(&api, JOE, password, None).await;
        assert_eq!(status, Status::BadRequest);
    }
    let later = joe(&store).await;
    assert_eq!(later.login_count, 1);
    assert_eq!(later.current_login_at, after_login.current_login_at);
    assert_eq!(later.last_login_at, after_login.last_login_at);
    let (_, me) = get_with_token(&api, "/api/me", &token).await;
    assert_eq!(me["login_count"], 1);
}

async fn concurrent_logins_all_count(store: Arc<dyn UserDatastore>) {
    let app = with_joe(store.clone()).await;
    app.login(JOE, PASSWORD).await;
    let mut browsers = Vec::new();
    for _ in 0..10 {
        let browser = app.browser().await;
        // Each browser has its CSRF token before the logins start together.
        let csrf = crate::common::app::csrf_with(&browser).await;
        browsers.push((browser, csrf));
    }
    let tasks: Vec<_> = browsers
        .into_iter()
        .map(|(browser, csrf)| {
            rocket::tokio::spawn(async move {
                let (status, body) = post_json_with(
                    &browser,
                    "/login",
                    json!({"email": JOE, "password": PASSWORD}),
                    Some(&csrf),
                )
                .await;
                assert_eq!(status, Status::Ok, "{body}");
                browser
            })
        })
        .collect();
    let mut done = Vec::new();
    for task in tasks {
        done.push(task.await.expect("the login task finishes"));
    }
    assert_eq!(joe(&store).await.login_count, 11);
    for browser in &done {
        let (status, me) = get_json_with(browser, "/api/me").await;
        assert_eq!(status, Status::Ok);
        assert_eq!(me["login_count"], 11);
    }
}

// ----- /api/me and the user payload -----
