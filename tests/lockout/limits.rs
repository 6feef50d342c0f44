//! Items 2 to 4: the per-client limit, code attempts, and HTTP Basic with a second factor, on
//! every backend.

use rocket_security::UserQuery;

use super::*;
use crate::common::app::{csrf_from_html, link};

// ----- item 2: the per-client limit -----

async fn too_many_failures_from_one_address_answer_429(store: Arc<dyn UserDatastore>) {
    let app = new_app(store, json!({"ip_failures": 3})).await;
    for n in 0..3 {
        let email = format!("guess{n}@example.com");
        let (status, retry, _) = login_from(&app.client, "10.0.0.1", &email, WRONG).await;
        assert_eq!((status, retry), (Status::BadRequest, None));
    }
    let (status, retry, body) = login_from(&app.client, "10.0.0.1", JOE, RIGHT).await;
    assert_eq!(status, Status::TooManyRequests, "{body}");
    let retry = retry.expect("Retry-After");
    assert!(retry > 0 && retry <= 900, "{retry}");
    assert_eq!(body["meta"]["code"], 429);
    assert!(!body["response"]["errors"].as_array().unwrap().is_empty());

    // A forwarded-for header does not pick another address unless the app trusts it.
    let csrf = crate::common::app::csrf_with(&app.client).await;
    let spoofed = app
        .client
        .post("/login")
        .remote(from("10.0.0.1"))
        .header(ContentType::JSON)
        .header(Accept::JSON)
        .header(Header::new("X-CSRF-Token", csrf))
        .header(Header::new("X-Real-IP", "192.0.2.77"))
        .header(Header::new("X-Forwarded-For", "192.0.2.77"))
        .body(json!({"email": JOE, "password": RIGHT}).to_string())
        .dispatch()
        .await;
    assert_eq!(spoofed.status(), Status::TooManyRequests);

    // A browser gets a page, Basic a 429 too, both with Retry-After.
    let browser = app.browser().await;
    let form = browser.get("/login").dispatch().await.into_string().await;
    let csrf = csrf_from_html(&form.unwrap());
    let page = browser
        .post("/login")
        .remote(from("10.0.0.1"))
        .header(ContentType::Form)
        .body(format!("email={JOE}&password={RIGHT}&csrf_token={csrf}"))
        .dispatch()
        .await;
    assert_eq!(page.status(), Status::TooManyRequests);
    assert!(page.headers().get_one("Retry-After").is_some());
    let response = app
        .client
        .get("/api/basic")
        .remote(from("10.0.0.1"))
        .header(Accept::JSON)
        .header(basic_header(JOE, RIGHT))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::TooManyRequests);
    assert!(response.headers().get_one("Retry-After").is_some());
    let (_, body) = read_json(response).await;
    assert_eq!(body["meta"]["code"], 429);

    // Other addresses are not affected; the first one may try again after the window.
    let (status, _, _) = login_from(&app.browser().await, "10.0.0.2", JOE, RIGHT).await;
    assert_eq!(status, Status::Ok);
    app.clock.advance(chrono::Duration::minutes(16));
    let (status, _, _) = login_from(&app.browser().await, "10.0.0.1", JOE, RIGHT).await;
    assert_eq!(status, Status::Ok);
}

/// Behind a trusted proxy (`trust_forwarded_headers`), the proxy's `X-Real-IP` names the client.
async fn a_trusted_proxy_header_names_the_client(store: Arc<dyn UserDatastore>) {
    let extra = json!({"ip_failures": 2, "trust_forwarded_headers": true});
    let app = new_app(store, extra).await;
    let attempt = |client_ip: &'static str, password: &'static str| {
        let client = &app.client;
        async move {
            let csrf = crate::common::app::csrf_with(client).await;
            client
                .post("/login")
                .remote(from("10.0.0.9"))
                .header(ContentType::JSON)
                .header(Accept::JSON)
                .header(Header::new("X-CSRF-Token", csrf))
                .header(Header::new("X-Real-IP", client_ip))
                .body(json!({"email": JOE, "password": password}).to_string())
                .dispatch()
                .await
                .status()
        }
    };
    assert_eq!(attempt("192.0.2.1", WRONG).await, Status::BadRequest);
    assert_eq!(attempt("192.0.2.1", WRONG).await, Status::BadRequest);
    assert_eq!(attempt("192.0.2.1", RIGHT).await, Status::TooManyRequests);
    assert_eq!(attempt("192.0.2.2", RIGHT).await, Status::Ok);
}

// ----- item 3: codes -----

/// A stranger with a user's id guessing magic-link codes: past the limit even the right link is
/// refused, and the block ends after `lockout_duration` even with a longer code window.
async fn magic_link_codes_are_counted(store: Arc<dyn UserDatastore>) {
    let extra = json!({"code_attempts_max": 3, "code_attempts_window": "1 hours",
                       "lockout_duration": "1 minutes"});
    let app = new_app(store, extra).await;
    let mut user = app
        .store
        .find_user(UserQuery::Email(JOE))
        .await
        .unwrap()
        .unwrap();
    user.us_totp_secrets = Some(json!({"email": true}).to_string());
    let user = app.store.update_user(&user).await.unwrap();
    let (status, _) = app
        .post(
            "/us-signin/send-code",
            json!({"identity": JOE, "chosen_method": "email"}),
        )
        .await;
    assert_eq!(status, Status::Ok);
    let mails = app.mailer.wait_for(1, WAIT).await;
    let url = link(&mails[0].text, "http://").unwrap();
    let path = url.splitn(4, '/').nth(3).map(|p| format!("/{p}")).unwrap();
    assert!(path.starts_with("/us-verify-link?id="), "{path}");
    let code = path.rsplit('=').next().unwrap().to_owned();
    let wrong = if code == "000000" { "111111" } else { "000000" };

    let stranger = app.browser().await;
    for _ in 0..4 {
        let guess = format!("/us-verify-link?id={}&code={wrong}", user.fs_uniquifier);
        let response = stranger.get(guess).dispatch().await;
        assert_eq!(response.status(), Status::Found);
    }
    let owner = app.browser().await;
    let response = owner.get(path.clone()).dispatch().await;
    assert_eq!(
        response.headers().get_one("Location"),
        Some("/us-signin"),
        "the right link is refused past the limit"
    );
    assert_eq!(
        get_json_with(&owner, "/api/me").await.0,
        Status::Unauthorized
    );
    // The same count holds the code branch of /us-signin.
    let (status, _) = app
        .post("/us-signin", json!({"identity": JOE, "passcode": code}))
        .await;
    assert_eq!(
        status,
        Status::BadRequest,
        "one counter for every code path"
    );

    app.clock.advance(chrono::Duration::seconds(61));
    let response = owner.get(path).dispatch().await;
    assert_eq!(response.headers().get_one("Location"), Some("/"));
    assert_eq!(get_json_with(&owner, "/api/me").await.0, Status::Ok);
}

// ----- item 4: HTTP Basic and the second factor -----

async fn basic_never_skips_a_second_factor(store: Arc<dyn UserDatastore>) {
    let app = new_app(store.clone(), json!({"lockout_failures": 100})).await;
    app.user("amy@example.com", RIGHT, true, true, &[]).await;
    assert_eq!(
        basic(&app.client, "/api/basic", "amy@example.com", RIGHT)
            .await
            .0,
        Status::Ok
    );
    assert_eq!(
        basic(&app.client, "/api/report", "amy@example.com", RIGHT)
            .await
            .0,
        Status::Ok
    );

    let mut user = store
        .find_user(UserQuery::Email(JOE))
        .await
        .unwrap()
        .unwrap();
    user.tf_primary_method = Some("authenticator".into());
    user.tf_totp_secret = Some("sealed-secret".into());
    store.update_user(&user).await.unwrap();
    for path in ["/api/basic", "/api/report"] {
        let wrong = basic(&app.client, path, JOE, WRONG).await;
        assert_eq!(wrong.0, Status::Unauthorized);
        assert!(wrong.1.starts_with("Basic realm="), "{wrong:?}");
        assert_eq!(basic(&app.client, path, JOE, RIGHT).await, wrong, "{path}");
    }

    // With two_factor_required, a user who has not set one up is refused too.
    let required = json!({"two_factor": true, "two_factor_required": true, "totp_issuer": "fsref",
                          "lockout_failures": 100});
    let strict = app_with(store, settings(required), |b| b).await;
    let wrong = basic(&strict.client, "/api/basic", "amy@example.com", WRONG).await;
    assert_eq!(wrong.0, Status::Unauthorized);
    assert_eq!(
        basic(&strict.client, "/api/basic", "amy@example.com", RIGHT).await,
        wrong
    );
}

per_backend!(
    stores:
    too_many_failures_from_one_address_answer_429,
    a_trusted_proxy_header_names_the_client,
    magic_link_codes_are_counted,
    basic_never_skips_a_second_factor,
);
