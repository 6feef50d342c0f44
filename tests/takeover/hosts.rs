//! The Host header and the configured site: mailed links, debug links, `next` and untrusted hosts.

use super::*;

per_backend!(
    stores:
    mailed_links_ignore_the_host_header,
    debug_links_use_rockets_address_not_the_host,
    next_must_match_the_configured_site,
    untrusted_hosts_get_400,
);

async fn mailed_links_ignore_the_host_header(store: Arc<dyn UserDatastore>) {
    let app = new_app(store, json!({"server_name": SITE})).await;
    let evil = [("Host", "evil.example.com")];

    let csrf = app.csrf().await;
    let (status, body) = post_json_headers(
        &app.client,
        "/reset",
        json!({"email": "joe@example.com"}),
        &[evil[0], ("X-CSRF-Token", &csrf)],
    )
    .await;
    assert_eq!(status, Status::Ok, "{body}");
    let mails = app.mailer.wait_for(1, WAIT).await;
    let url = link(&mails[0].text, "http").expect("a reset link");
    assert!(url.starts_with(&format!("{SITE}/reset/")), "{url}");

    // The magic sign-in link of a mailed code.
    app.login("joe@example.com", "password123").await;
    let (status, body) = app
        .post("/us-setup", json!({"chosen_method": "email"}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let state = body["response"]["state"].as_str().unwrap().to_owned();
    let mails = app.mailer.wait_for(2, WAIT).await;
    let code = six_digits(&mails[1].text);
    let (status, body) = app
        .post(&format!("/us-setup/{state}"), json!({"passcode": code}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    app.post("/logout", json!({})).await;
    // The notice of the new sign-in method went out too; the magic link comes next.
    let sent = app.mailer.wait_for(3, WAIT).await.len();
    let csrf = app.csrf().await;
    let (status, body) = post_json_headers(
        &app.client,
        "/us-signin/send-code",
        json!({"identity": "joe@example.com", "chosen_method": "email"}),
        &[
            evil[0],
            ("X-Forwarded-Host", "evil.example.com"),
            ("X-CSRF-Token", &csrf),
        ],
    )
    .await;
    assert_eq!(status, Status::Ok, "{body}");
    let mails = app.mailer.wait_for(sent + 1, WAIT).await;
    let url = link(&mails.last().unwrap().text, "http").expect("a magic link");
    assert!(url.starts_with(&format!("{SITE}/us-verify-link?")), "{url}");
}

async fn debug_links_use_rockets_address_not_the_host(store: Arc<dyn UserDatastore>) {
    let app = new_app(store, json!({"trust_forwarded_headers": true})).await;
    let csrf = app.csrf().await;
    let (status, _) = post_json_headers(
        &app.client,
        "/reset",
        json!({"email": "joe@example.com"}),
        &[
            ("Host", "evil.example.com"),
            ("X-Forwarded-Host", "evil.example.com"),
            ("X-CSRF-Token", &csrf),
        ],
    )
    .await;
    assert_eq!(status, Status::Ok);
    let mails = app.mailer.wait_for(1, WAIT).await;
    let config = app.client.rocket().config();
    let site = format!("http://{}:{}/reset/", config.address, config.port);
    let url = link(&mails[0].text, "http").expect("a reset link");
    assert!(url.starts_with(&site), "{url}");
}

async fn next_must_match_the_configured_site(store: Arc<dyn UserDatastore>) {
    // No `server_name`: the site is Rocket's address, not whatever `Host` says.
    let app = new_app(store, json!({})).await;
    let config = app.client.rocket().config();
    let site = format!("http://{}:{}", config.address, config.port);
    let csrf = app.csrf().await;
    let login =
        |next: &str| json!({"email": "joe@example.com", "password": "password123", "next": next});
    // Same origin as the forged Host, but not the site: refused.
    let (status, body) = post_json_headers(
        &app.client,
        "/login",
        login("http://evil.example.com/welcome"),
        &[("Host", "evil.example.com"), ("X-CSRF-Token", &csrf)],
    )
    .await;
    assert_eq!(status, Status::BadRequest, "{body}");
    assert!(
        body["response"]["field_errors"]["next"].is_array(),
        "{body}"
    );
    let (status, body) = post_json_headers(
        &app.client,
        "/login",
        login(&format!("{site}/welcome")),
        &[("Host", "evil.example.com"), ("X-CSRF-Token", &csrf)],
    )
    .await;
    assert_eq!(status, Status::Ok, "{body}");
}

async fn untrusted_hosts_get_400(store: Arc<dyn UserDatastore>) {
    let app = new_app(
        store,
        json!({"server_name": SITE, "trusted_hosts": ["app.example.com"]}),
    )
    .await;
    let get = |host: &'static str| {
        app.client
            .get("/login")
            .header(Accept::JSON)
            .header(Header::new("Host", host))
    };
    assert_eq!(
        get("evil.example.com").dispatch().await.status(),
        Status::BadRequest
    );
    assert_eq!(get("app.example.com").dispatch().await.status(), Status::Ok);
    assert_eq!(
        get("APP.example.com:443").dispatch().await.status(),
        Status::Ok
    );
    let response = get("app.example.com").dispatch().await;
    let (_, body) = read_json(response).await;
    let csrf = body["response"]["csrf_token"].as_str().unwrap().to_owned();
    let (status, _) = post_json_headers(
        &app.client,
        "/reset",
        json!({"email": "joe@example.com"}),
        &[("Host", "evil.example.com"), ("X-CSRF-Token", &csrf)],
    )
    .await;
    assert_eq!(status, Status::BadRequest);
    // Nor does a request without a Host get through.
    let (status, _) = post_json_headers(
        &app.client,
        "/reset",
        json!({"email": "joe@example.com"}),
        &[("X-CSRF-Token", &csrf)],
    )
    .await;
    assert_eq!(status, Status::BadRequest);
    assert!(app.mails().is_empty(), "no mail for an untrusted host");
}

// ----- #10.3: freshness belongs to one session and one user -----
