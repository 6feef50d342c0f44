//! Account lockout, the per-client limit, code attempt counting and HTTP Basic with a second
//! factor, attacked through the app on every backend.

#[macro_use]
mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use common::app::{
    app_with, contract_settings, csrf_from_html, get_json_with, link, post_json_with, read_json,
    TestApp,
};
use common::Server;
use rocket::http::{Accept, ContentType, Header, Status};
use rocket::local::asynchronous::Client;
use rocket_security::{
    Argon2Hasher, Argon2Settings, DieselDatastore, Security, SecurityEvent, UserDatastore,
    UserQuery,
};
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(5);
const JOE: &str = "joe@example.com";
const RIGHT: &str = "password123";
const WRONG: &str = "not-the-password";

/// The contract settings with a lockout after three wrong passwords, unified sign-in, and
/// `extra` over them.
fn settings(extra: Value) -> Value {
    let mut settings = contract_settings();
    let base = json!({
        "lockout_failures": 3,
        "unified_signin": true,
        "us_enabled_methods": ["password", "email"],
    });
    let map = settings.as_object_mut().unwrap();
    map.extend(base.as_object().unwrap().clone());
    map.extend(extra.as_object().unwrap().clone());
    settings
}

async fn new_app(store: Arc<dyn UserDatastore>, extra: Value) -> TestApp {
    let app = app_with(store, settings(extra), |b| b).await;
    app.user(JOE, RIGHT, true, true, &[]).await;
    app
}

fn security(app: &TestApp) -> &Security {
    app.client.rocket().state::<Security>().unwrap()
}

/// `POST /login` (JSON) with a fresh CSRF token.
async fn login(app: &TestApp, email: &str, password: &str) -> (Status, Value) {
    app.post("/login", json!({"email": email, "password": password}))
        .await
}

fn basic_header(email: &str, password: &str) -> Header<'static> {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{email}:{password}"));
    Header::new("Authorization", format!("Basic {encoded}"))
}

/// A GET with Basic credentials: status, `WWW-Authenticate`, body.
async fn basic(
    client: &Client,
    path: &str,
    email: &str,
    password: &str,
) -> (Status, String, String) {
    let response = client
        .get(path.to_owned())
        .header(Accept::JSON)
        .header(basic_header(email, password))
        .dispatch()
        .await;
    let status = response.status();
    let challenge = response
        .headers()
        .get_one("WWW-Authenticate")
        .unwrap_or_default()
        .to_owned();
    (
        status,
        challenge,
        response.into_string().await.unwrap_or_default(),
    )
}

/// The account-locked mails sent so far.
fn lock_mails(app: &TestApp) -> Vec<rocket_security::Mail> {
    app.mails()
        .into_iter()
        .filter(|m| m.subject.contains("locked"))
        .collect()
}

/// Waits for the background lock mail.
async fn wait_lock_mail(app: &TestApp) -> rocket_security::Mail {
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some(mail) = lock_mails(app).pop() {
            return mail;
        }
        assert!(Instant::now() < deadline, "no account-locked mail");
        rocket::tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

// ----- item 1: the lockout -----

async fn lock_refuses_the_right_password_like_a_wrong_one(store: Arc<dyn UserDatastore>) {
    let app = new_app(store, json!({})).await;
    let mut events = security(&app).subscribe();
    let wrong = login(&app, JOE, WRONG).await;
    assert_eq!(wrong.0, Status::BadRequest);
    login(&app, JOE, WRONG).await;
    login(&app, JOE, WRONG).await;

    // Locked: the right password gets exactly the wrong one's answer.
    assert_eq!(login(&app, JOE, RIGHT).await, wrong);
    let page = app
        .client
        .get("/login")
        .dispatch()
        .await
        .into_string()
        .await;
    let csrf = csrf_from_html(&page.unwrap());
    let form = app
        .client
        .post("/login")
        .header(ContentType::Form)
        .body(format!("email={JOE}&password={RIGHT}&csrf_token={csrf}"))
        .dispatch()
        .await;
    assert_eq!(form.status(), Status::Ok, "the form is shown again");
    assert!(form
        .into_string()
        .await
        .unwrap()
        .contains("Authentication failed - identity or password/passcode invalid"));

    // The owner gets one mail for this lock, saying when it ends and linking to /reset.
    let mail = wait_lock_mail(&app).await;
    assert_eq!(mail.to, JOE);
    assert!(mail.text.contains("UTC"), "{}", mail.text);
    let reset = link(&mail.text, "http://").expect("a link");
    assert!(reset.ends_with("/reset"), "{reset}");
    assert!(mail.html.contains(&reset));
    for _ in 0..4 {
        assert_eq!(login(&app, JOE, WRONG).await, wrong);
    }
    rocket::tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(lock_mails(&app).len(), 1, "one mail per lock");

    let (mut failed, mut locked) = (0, 0);
    while let Ok(event) = events.try_recv() {
        match event {
            SecurityEvent::LoginFailed { user, identity, .. } => {
                assert_eq!(identity, JOE);
                assert!(user.is_some());
                failed += 1;
            }
            SecurityEvent::AccountLocked { user, until, .. } => {
                assert_eq!(user.unwrap().email, JOE);
                assert!(until > chrono::Utc::now().naive_utc());
                locked += 1;
            }
            _ => {}
        }
    }
    assert_eq!((failed, locked), (9, 1));

    // The lock ends after lockout_duration.
    app.clock.advance(chrono::Duration::minutes(16));
    app.login(JOE, RIGHT).await;
}

async fn a_successful_sign_in_clears_the_count(store: Arc<dyn UserDatastore>) {
    let app = new_app(store, json!({})).await;
    for _ in 0..2 {
        login(&app, JOE, WRONG).await;
    }
    app.login(JOE, RIGHT).await;
    app.post("/logout", json!({})).await;
    for _ in 0..2 {
        login(&app, JOE, WRONG).await;
    }
    app.login(JOE, RIGHT).await;
    assert!(lock_mails(&app).is_empty());
}

async fn unknown_addresses_are_counted_and_mail_nobody(store: Arc<dyn UserDatastore>) {
    let app = new_app(store, json!({})).await;
    let mut events = security(&app).subscribe();
    let known = login(&app, JOE, WRONG).await;
    for _ in 0..5 {
        let (status, body) = login(&app, "Nobody@Example.com", WRONG).await;
        assert_eq!((status, &body), (known.0, &known.1));
    }
    let mut locked = Vec::new();
    while let Ok(event) = events.try_recv() {
        if let SecurityEvent::AccountLocked { user, identity, .. } = event {
            locked.push((user.is_some(), identity));
        }
    }
    assert_eq!(locked, [(false, "Nobody@Example.com".to_owned())]);
    // Differently cased, the same address is locked too.
    app.user("nobody@example.com", RIGHT, true, true, &[]).await;
    assert_eq!(login(&app, "nobody@example.com", RIGHT).await, known);
    rocket::tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(app.mails().is_empty(), "nobody is mailed");
}

/// `/verify`, `/change` and `/us-verify` count wrong passwords, and a lock made through them
/// holds everywhere; `/us-signin`, Basic and `/login` count too.
async fn every_password_path_counts_and_obeys(store: Arc<dyn UserDatastore>) {
    let app = new_app(store, json!({})).await;
    app.login(JOE, RIGHT).await;
    let change = |password: &str| {
        json!({"password": password, "new_password": "new-password-9",
               "new_password_confirm": "new-password-9"})
    };
    let wrong_verify = app.post("/verify", json!({"password": WRONG})).await;
    assert_eq!(wrong_verify.0, Status::BadRequest);
    let wrong_change = app.post("/change", change(WRONG)).await;
    assert_eq!(wrong_change.0, Status::BadRequest);
    let wrong_us_verify = app.post("/us-verify", json!({"passcode": WRONG})).await;
    assert_eq!(wrong_us_verify.0, Status::BadRequest);

    // Locked: every path refuses the right password as it refuses a wrong one.
    assert_eq!(
        app.post("/verify", json!({"password": RIGHT})).await,
        wrong_verify
    );
    assert_eq!(app.post("/change", change(RIGHT)).await, wrong_change);
    assert_eq!(
        app.post("/us-verify", json!({"passcode": RIGHT})).await,
        wrong_us_verify
    );
    let other = app.browser().await;
    let wrong_basic = basic(&other, "/api/basic", "amy@example.com", WRONG).await;
    assert_eq!(wrong_basic.0, Status::Unauthorized);
    assert_eq!(basic(&other, "/api/basic", JOE, RIGHT).await, wrong_basic);
    let signin = |password: &str| json!({"identity": JOE, "passcode": password});
    let (_, body) = get_json_with(&other, "/login").await;
    let csrf = body["response"]["csrf_token"].as_str().unwrap().to_owned();
    let (status, body) = post_json_with(&other, "/us-signin", signin(RIGHT), Some(&csrf)).await;
    assert_eq!(status, Status::BadRequest, "{body}");
    let (status, _) = post_json_with(
        &other,
        "/login",
        json!({"email": JOE, "password": RIGHT}),
        Some(&csrf),
    )
    .await;
    assert_eq!(status, Status::BadRequest);
    wait_lock_mail(&app).await;

    // Another account locked through Basic, /us-signin and /login together.
    app.user("amy@example.com", RIGHT, true, true, &[]).await;
    basic(&other, "/api/basic", "amy@example.com", WRONG).await;
    let amy = |password: &str| json!({"identity": "amy@example.com", "passcode": password});
    post_json_with(&other, "/us-signin", amy(WRONG), Some(&csrf)).await;
    let (status, _) = post_json_with(&other, "/us-signin", amy(RIGHT), Some(&csrf)).await;
    assert_eq!(
        status,
        Status::BadRequest,
        "the third failure (earlier) locked amy"
    );
    let (status, _) = post_json_with(
        &other,
        "/login",
        json!({"email": "amy@example.com", "password": RIGHT}),
        Some(&csrf),
    )
    .await;
    assert_eq!(status, Status::BadRequest);
}

async fn a_password_reset_ends_the_lock(store: Arc<dyn UserDatastore>) {
    let app = new_app(store, json!({})).await;
    for _ in 0..3 {
        login(&app, JOE, WRONG).await;
    }
    wait_lock_mail(&app).await;
    app.post("/reset", json!({"email": JOE})).await;
    let deadline = Instant::now() + WAIT;
    let path = loop {
        let found = app
            .mails()
            .iter()
            .filter_map(|m| link(&m.text, "http://"))
            .find(|l| l.contains("/reset/"));
        if let Some(url) = found {
            break url.splitn(4, '/').nth(3).map(|p| format!("/{p}")).unwrap();
        }
        assert!(Instant::now() < deadline, "no reset mail");
        rocket::tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let (status, body) = app
        .post(
            &path,
            json!({"password": "new-password-1", "password_confirm": "new-password-1"}),
        )
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    app.login(JOE, "new-password-1").await;
}

// ----- item 2: the per-client limit -----

fn from(ip: &str) -> SocketAddr {
    format!("{ip}:40000").parse().unwrap()
}

/// `POST /login` (JSON) from `ip`: status, `Retry-After`, body.
async fn login_from(
    client: &Client,
    ip: &str,
    email: &str,
    password: &str,
) -> (Status, Option<u64>, Value) {
    let (_, body) = get_json_with(client, "/login").await;
    let csrf = body["response"]["csrf_token"].as_str().unwrap().to_owned();
    let response = client
        .post("/login")
        .remote(from(ip))
        .header(ContentType::JSON)
        .header(Accept::JSON)
        .header(Header::new("X-CSRF-Token", csrf))
        .body(json!({"email": email, "password": password}).to_string())
        .dispatch()
        .await;
    let retry = response
        .headers()
        .get_one("Retry-After")
        .map(|v| v.parse().unwrap());
    let (status, body) = read_json(response).await;
    (status, retry, body)
}

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
    let (_, body) = get_json_with(&app.client, "/login").await;
    let csrf = body["response"]["csrf_token"].as_str().unwrap().to_owned();
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
            let (_, body) = get_json_with(client, "/login").await;
            let csrf = body["response"]["csrf_token"].as_str().unwrap().to_owned();
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

backend_tests!(
    lock_refuses_the_right_password_like_a_wrong_one,
    a_successful_sign_in_clears_the_count,
    unknown_addresses_are_counted_and_mail_nobody,
    every_password_path_counts_and_obeys,
    a_password_reset_ends_the_lock,
    too_many_failures_from_one_address_answer_429,
    a_trusted_proxy_header_names_the_client,
    magic_link_codes_are_counted,
    basic_never_skips_a_second_factor,
);

// ----- two instances on one database -----

/// Two app instances over one database URL: a lock and a client's failures counted through one
/// are obeyed by the other.
async fn two_instances_share_locks(server: Server, test: &str) {
    let Some(db) = common::diesel_store(server, test).await else {
        return;
    };
    let second = DieselDatastore::connect(db.url().unwrap(), 4)
        .await
        .unwrap();
    let one = new_app(db.store.clone(), json!({"ip_failures": 5})).await;
    let two = app_with(
        Arc::new(second.clone()),
        settings(json!({"ip_failures": 5})),
        |b| b,
    )
    .await;
    let wrong = login(&two, JOE, WRONG).await;
    for _ in 0..2 {
        assert_eq!(login(&one, JOE, WRONG).await, wrong);
    }
    assert_eq!(
        login(&two, JOE, RIGHT).await,
        wrong,
        "locked through the other instance"
    );
    assert_eq!(
        basic(&two.client, "/api/basic", JOE, RIGHT).await.0,
        Status::Unauthorized
    );
    wait_lock_mail(&one).await;

    for n in 0..5 {
        let email = format!("guess{n}@example.com");
        login_from(&one.client, "10.9.9.9", &email, WRONG).await;
    }
    let (status, retry, _) = login_from(&two.client, "10.9.9.9", "amy@example.com", WRONG).await;
    assert_eq!(status, Status::TooManyRequests);
    assert!(retry.is_some());
    second.pool().close();
    db.finish().await;
}

#[rocket::async_test]
async fn two_instances_share_locks_sqlite() {
    two_instances_share_locks(Server::Sqlite, "two_instances_share_locks_sqlite").await;
}

#[rocket::async_test]
async fn two_instances_share_locks_postgres() {
    two_instances_share_locks(Server::Postgres, "two_instances_share_locks_postgres").await;
}

#[rocket::async_test]
async fn two_instances_share_locks_mysql() {
    two_instances_share_locks(Server::Mysql, "two_instances_share_locks_mysql").await;
}

// ----- timing -----

/// The median of `samples`.
fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// A locked account's answer to its right password takes as long as a wrong password's: the
/// hash is still computed. Measured alternately over many tries with a hash slow enough to
/// dominate, compared by the ratio of medians (robust on a busy machine).
#[rocket::async_test]
async fn a_locked_answer_takes_as_long_as_a_wrong_password() {
    let hasher = Arc::new(
        Argon2Hasher::builder()
            .settings(Argon2Settings {
                memory_kib: 2048,
                iterations: 1,
                parallelism: 1,
            })
            .pepper("pepper-for-tests")
            .workers(2)
            .build()
            .unwrap(),
    );
    let store: Arc<dyn UserDatastore> = Arc::new(rocket_security::MemoryDatastore::new());
    let app = app_with(store, settings(json!({})), move |b| {
        b.password_hasher(hasher.clone())
    })
    .await;
    app.user(JOE, RIGHT, true, true, &[]).await;
    app.user("amy@example.com", RIGHT, true, true, &[]).await;
    for _ in 0..3 {
        login(&app, JOE, WRONG).await;
    }
    let csrf = app.csrf().await;
    let amy = app.browser().await;
    let timed = |email: &'static str, password: &'static str| {
        let (client, csrf) = (&app.client, csrf.clone());
        async move {
            let started = Instant::now();
            let body = json!({"email": email, "password": password});
            let (status, _) = post_json_with(client, "/login", body, Some(&csrf)).await;
            assert_eq!(status, Status::BadRequest);
            started.elapsed()
        }
    };
    let (mut locked, mut wrong) = (Vec::new(), Vec::new());
    for round in 0..16 {
        if round % 2 == 0 {
            // Keep amy below the limit: her wrong passwords must not lock her.
            common::app::login_with(&amy, "amy@example.com", RIGHT, "").await;
            amy.post("/logout").dispatch().await;
        }
        locked.push(timed(JOE, RIGHT).await);
        wrong.push(timed("amy@example.com", WRONG).await);
    }
    let (locked, wrong) = (median(locked), median(wrong));
    let ratio = locked.as_secs_f64() / wrong.as_secs_f64();
    assert!(
        (0.6..1.7).contains(&ratio),
        "locked {locked:?} vs wrong {wrong:?} (ratio {ratio:.2})"
    );
}
