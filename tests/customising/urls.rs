//! Where the routes live and where mailed links point: URL prefix, server name, forwarded
//! headers, and a full registration through SMTP.

use super::*;

per_backend!(
    stores:
    url_prefix_moves_every_security_route,
    register_and_confirm_through_smtp,
);

async fn url_prefix_moves_every_security_route(store: Arc<dyn UserDatastore>) {
    let app = app_with(
        store.clone(),
        contract_settings_with(json!({"url_prefix": "/auth"})),
        |b| b,
    )
    .await;
    let (status, page) = html(&app.client, "/auth/login").await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("action=\"/auth/login\""), "{page}");
    assert_eq!(html(&app.client, "/auth/register").await.0, Status::Ok);
    assert_eq!(html(&app.client, "/login").await.0, Status::NotFound);
    assert_eq!(html(&app.client, "/register").await.0, Status::NotFound);
    assert_eq!(app.status("/login").await, Status::NotFound);

    // Guards send browsers to the prefixed login page.
    let (status, location) = redirect_of(&app.client, "/protected").await;
    assert_eq!(status, Status::Found);
    assert_eq!(location, "/auth/login?next=/protected");
    let (status, _) = app.get_json("/protected").await;
    assert_eq!(status, Status::Unauthorized);

    // Mailed links carry the prefix, and following one lands on the prefixed login page.
    let (_, body) = get_json_with(&app.client, "/auth/login").await;
    let csrf = body["response"]["csrf_token"].as_str().unwrap().to_owned();
    let (status, body) =
        post_json_with(&app.client, "/auth/register", register_amy(), Some(&csrf)).await;
    assert_eq!(status, Status::Ok, "{body}");
    let mails = app.mailer.wait_for(1, WAIT).await;
    let url = link(&mails[0].text, "http://").expect("a confirmation link");
    let path = format!("/{}", url.splitn(4, '/').nth(3).unwrap());
    assert!(path.starts_with("/auth/confirm/"), "{url}");
    let (status, location) = redirect_of(&app.client, &path).await;
    assert_eq!((status, location.as_str()), (Status::Found, "/auth/login"));
    assert!(store
        .find_user(UserQuery::Email("amy@example.com"))
        .await
        .unwrap()
        .unwrap()
        .is_confirmed());

    // Signing in at the prefixed route opens the application's pages.
    let (status, body) = post_json_with(
        &app.client,
        "/auth/login",
        json!({"email": "amy@example.com", "password": "password123"}),
        Some(&csrf),
    )
    .await;
    assert_eq!(status, Status::Ok, "{body}");
    let (status, _) = html(&app.client, "/protected").await;
    assert_eq!(status, Status::Ok);
}

// ----- links in mail -----

/// Asks for a password reset for joe@example.com with extra `headers`; the link mailed.
async fn reset_link_with(app: &TestApp, headers: &[(&'static str, &'static str)]) -> String {
    let before = app.mails().len();
    let csrf = app.csrf().await;
    let mut request = app
        .client
        .post("/reset")
        .header(ContentType::JSON)
        .header(Accept::JSON)
        .header(Header::new("X-CSRF-Token", csrf))
        .body(json!({"email": "joe@example.com"}).to_string());
    for (name, value) in headers {
        request = request.header(Header::new(*name, *value));
    }
    let (status, body) = read_json(request.dispatch().await).await;
    assert_eq!(status, Status::Ok, "{body}");
    let mails = app.mailer.wait_for(before + 1, WAIT).await;
    let mail = mails.last().unwrap();
    assert_eq!(mail.subject, "Password reset instructions");
    let url = link(&mail.text, "http").expect("a reset link");
    assert!(mail.html.contains(&url), "{}", mail.html);
    url
}

const FORWARDED: [(&str, &str); 3] = [
    ("Host", "good.example.com"),
    ("X-Forwarded-Host", "evil.example.com"),
    ("X-Forwarded-Proto", "https"),
];

#[rocket::async_test]
async fn mail_links_use_server_name_when_set() {
    let app = app_with(
        Arc::new(MemoryDatastore::new()),
        contract_settings_with(json!({"server_name": "https://app.example.com/"})),
        |b| b,
    )
    .await;
    app.user("joe@example.com", "password123", true, true, &[])
        .await;
    let url = reset_link_with(&app, &FORWARDED).await;
    assert!(url.starts_with("https://app.example.com/reset/"), "{url}");
    let url = reset_link_with(&app, &[]).await;
    assert!(url.starts_with("https://app.example.com/reset/"), "{url}");
}

#[rocket::async_test]
async fn mail_links_never_come_from_the_request() {
    // Without `server_name` (a debug build), links go to Rocket's own address and port,
    // whatever `Host` or forwarded headers say, trusted or not.
    for trust in [false, true] {
        let app = app_with(
            Arc::new(MemoryDatastore::new()),
            contract_settings_with(json!({"trust_forwarded_headers": trust})),
            |b| b,
        )
        .await;
        app.user("joe@example.com", "password123", true, true, &[])
            .await;
        for headers in [
            &FORWARDED[..],
            &[("Host", "good.example.com:8443")],
            &[("Host", "evil.example.com/phish?x=")],
        ] {
            let config = app.client.rocket().config();
            let site = format!("http://{}:{}/reset/", config.address, config.port);
            let url = reset_link_with(&app, headers).await;
            assert!(url.starts_with(&site), "{url}");
        }
    }
}

// ----- real SMTP -----

async fn register_and_confirm_through_smtp(store: Arc<dyn UserDatastore>) {
    let sink = SmtpSink::start().await;
    let smtp: Arc<dyn Mailer> = Arc::new(
        SmtpMailer::from_config(&MailConfig {
            url: format!("smtp://127.0.0.1:{}", sink.port()),
            ..MailConfig::default()
        })
        .unwrap(),
    );
    let app = app_configured(store.clone(), contract_settings(), json!({}), move |b| {
        b.mailer(smtp.clone())
    })
    .await;
    let (status, body) = app.post("/register", register_amy()).await;
    assert_eq!(status, Status::Ok, "{body}");

    let mails = sink.wait_for(1, WAIT).await;
    assert_eq!(mails.len(), 1, "the Welcome mail arrives over SMTP");
    let mail = &mails[0];
    assert_eq!(mail.from, "no-reply@fsref.example.com");
    assert_eq!(mail.recipients, ["amy@example.com"]);
    assert!(
        mail.header("From")
            .unwrap()
            .contains("no-reply@fsref.example.com"),
        "{:?}",
        mail.header("From")
    );
    assert_eq!(mail.header("Subject").as_deref(), Some("Welcome"));
    assert!(
        mail.header("Content-Type")
            .unwrap()
            .starts_with("multipart/alternative"),
        "{:?}",
        mail.header("Content-Type")
    );
    let text = mail.text_part().expect("a text/plain part");
    let html = mail.html_part().expect("a text/html part");
    let url = link(&text, "http://").unwrap_or_else(|| panic!("no link in {text}"));
    assert!(
        html.contains(&url),
        "the HTML part has the same link: {html}"
    );
    let path = format!("/{}", url.splitn(4, '/').nth(3).unwrap());
    let token = path
        .strip_prefix("/confirm/")
        .unwrap_or_else(|| panic!("{url}"));
    assert!(token.len() > 10 && !token.contains('?'), "{token}");
    assert!(app.mails().is_empty(), "nothing went to the default mailer");

    let (status, location) = redirect_of(&app.client, &path).await;
    assert_eq!((status, location.as_str()), (Status::Found, "/login"));
    let amy = store
        .find_user(UserQuery::Email("amy@example.com"))
        .await
        .unwrap()
        .unwrap();
    assert!(amy.is_confirmed());
    app.login("amy@example.com", "password123").await;
}
