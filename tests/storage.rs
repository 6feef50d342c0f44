//! Bounded storage for anonymous visitors, on every backend: a flood of cookie-less requests
//! (pages, JSON, failed sign-ins, bad links) leaves the session table as it was, CSRF keeps
//! working without a row, and flashes per session are capped.

use std::sync::Arc;

use crate::common::app::{contract_settings, csrf_from_html, read_json};
use rocket::http::{Accept, ContentType, Cookie, Header, Status};
use rocket::local::asynchronous::{Client, LocalResponse};
use rocket_security::{
    Argon2Hasher, Argon2Settings, CapturingMailer, NewUser, Security, UserDatastore,
};
use serde_json::json;

/// The test app without cookie tracking: every request is a new, cookie-less visitor unless
/// it carries cookies itself.
async fn untracked(store: Arc<dyn UserDatastore>) -> Client {
    use base64::Engine;
    let key: Vec<u8> = (0..64).map(|_| rand::random::<u8>()).collect();
    let hasher = Argon2Hasher::builder()
        .settings(Argon2Settings {
            memory_kib: 1024,
            iterations: 1,
            parallelism: 1,
        })
        .pepper("pepper-for-tests")
        .workers(2)
        .build()
        .unwrap();
    let figment = rocket::Config::figment()
        .merge((
            "secret_key",
            base64::engine::general_purpose::STANDARD.encode(key),
        ))
        .merge(("log_level", "critical"))
        .merge(("template_dir", "tests/no-such-dir"))
        .merge(("security", contract_settings()));
    let fairing = Security::builder()
        .datastore(store)
        .mailer(Arc::new(CapturingMailer::new()))
        .password_hasher(Arc::new(hasher))
        .fairing();
    Client::untracked(rocket::custom(figment).attach(fairing))
        .await
        .expect("the app launches")
}

async fn add_user(client: &Client, store: &Arc<dyn UserDatastore>) {
    let security = client.rocket().state::<Security>().unwrap();
    let hash = security.hasher().hash("password123").await.unwrap();
    store
        .create_user(NewUser {
            email: "joe@example.com".into(),
            password: Some(hash),
            active: true,
            confirmed_at: Some(chrono::Utc::now().naive_utc()),
            ..NewUser::default()
        })
        .await
        .unwrap();
}

/// How many session and remember-me rows exist (it removes them: call it last).
async fn session_rows(store: &Arc<dyn UserDatastore>) -> u64 {
    let far = chrono::Utc::now().naive_utc() + chrono::Duration::days(365 * 200);
    store.delete_expired_sessions(far).await.unwrap()
}

fn session_of(response: &LocalResponse<'_>) -> Option<Cookie<'static>> {
    response
        .cookies()
        .get("session")
        .map(|c| Cookie::new("session", c.value().to_owned()))
}

async fn json_csrf(client: &Client) -> (Cookie<'static>, String) {
    let response = client.get("/login").header(Accept::JSON).dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    let cookie = session_of(&response).expect("a session cookie");
    let (_, body) = read_json(response).await;
    let csrf = body["response"]["csrf_token"].as_str().unwrap().to_owned();
    (cookie, csrf)
}

async fn post_login<'c>(
    client: &'c Client,
    cookie: &Cookie<'static>,
    csrf: &str,
    email: &str,
    password: &str,
) -> LocalResponse<'c> {
    client
        .post("/login")
        .header(ContentType::JSON)
        .header(Accept::JSON)
        .header(Header::new("X-CSRF-Token", csrf.to_owned()))
        .cookie(cookie.clone())
        .body(json!({"email": email, "password": password}).to_string())
        .dispatch()
        .await
}

/// 2,000 anonymous requests (HTML and JSON `GET /login`, failed sign-ins, bad links) cost
/// no session row.
async fn anonymous_floods_leave_no_rows(store: Arc<dyn UserDatastore>) {
    let client = untracked(store.clone()).await;
    add_user(&client, &store).await;
    for i in 0..400 {
        let page = client.get("/login").dispatch().await;
        assert_eq!(page.status(), Status::Ok);
        let cookie = session_of(&page).expect("the form's CSRF secret rides in a cookie");
        let html = page.into_string().await.unwrap();
        let token = csrf_from_html(&html);
        let response = client
            .post("/login")
            .header(ContentType::Form)
            .cookie(cookie)
            .body(format!(
                "email=nobody{i}%40example.com&password=wrong-password&csrf_token={token}"
            ))
            .dispatch()
            .await;
        assert!(response.status().code < 500, "{}", response.status());

        let (cookie, csrf) = json_csrf(&client).await;
        let response = post_login(&client, &cookie, &csrf, "joe@example.com", "wrong").await;
        assert!(response.status().code < 500, "{}", response.status());
        let response = client.get("/confirm/not-a-token").dispatch().await;
        assert_eq!(response.status(), Status::Found);
    }
    assert_eq!(
        session_rows(&store).await,
        0,
        "anonymous visitors cost no rows"
    );
}

/// The CSRF token of an anonymous visitor works without a row, survives login (which makes
/// the one row), and is bound to that visitor's cookie.
async fn csrf_works_without_a_row(store: Arc<dyn UserDatastore>) {
    let client = untracked(store.clone()).await;
    add_user(&client, &store).await;
    let (cookie, csrf) = json_csrf(&client).await;

    // Another visitor's cookie, or none, does not go with this token.
    let (other_cookie, _) = json_csrf(&client).await;
    let (status, body) = read_json(
        post_login(
            &client,
            &other_cookie,
            &csrf,
            "joe@example.com",
            "password123",
        )
        .await,
    )
    .await;
    assert_eq!(status, Status::BadRequest);
    assert_eq!(
        body["response"]["errors"],
        json!(["The CSRF token is invalid."])
    );
    let response = client
        .post("/login")
        .header(ContentType::JSON)
        .header(Accept::JSON)
        .header(Header::new("X-CSRF-Token", csrf.clone()))
        .body(json!({"email": "joe@example.com", "password": "password123"}).to_string())
        .dispatch()
        .await;
    let (status, body) = read_json(response).await;
    assert_eq!(status, Status::BadRequest);
    assert_eq!(
        body["response"]["errors"],
        json!(["The CSRF session token is missing."])
    );
    // A forged anonymous cookie is no session.
    let forged = Cookie::new("session", format!("a.{}.x", &cookie.value()[2..20]));
    let (status, _) =
        read_json(post_login(&client, &forged, &csrf, "joe@example.com", "password123").await)
            .await;
    assert_eq!(status, Status::BadRequest);

    // Login rotates the cookie and keeps the token valid.
    let response = post_login(&client, &cookie, &csrf, "joe@example.com", "password123").await;
    assert_eq!(response.status(), Status::Ok);
    let signed_in = session_of(&response).expect("a new session cookie");
    assert_ne!(signed_in.value(), cookie.value());
    let response = client
        .post("/verify")
        .header(ContentType::JSON)
        .header(Accept::JSON)
        .header(Header::new("X-CSRF-Token", csrf.clone()))
        .cookie(signed_in.clone())
        .body(json!({"password": "password123"}).to_string())
        .dispatch()
        .await;
    let (status, body) = read_json(response).await;
    assert_eq!(status, Status::Ok, "{body}");
    assert_eq!(session_rows(&store).await, 1, "the signed-in session only");
}

/// Flashes pile up on a session only to a bound (the last ten).
async fn flashes_per_session_are_capped(store: Arc<dyn UserDatastore>) {
    let client = untracked(store.clone()).await;
    let mut cookie: Option<Cookie<'static>> = None;
    for _ in 0..25 {
        let mut request = client.get("/confirm/not-a-token");
        if let Some(cookie) = &cookie {
            request = request.cookie(cookie.clone());
        }
        let response = request.dispatch().await;
        assert_eq!(response.status(), Status::Found);
        cookie = session_of(&response).or(cookie);
    }
    let page = client
        .get("/confirm")
        .cookie(cookie.unwrap())
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    let shown = page.matches("Invalid confirmation token.").count();
    assert_eq!(shown, 10, "{page}");
    assert_eq!(session_rows(&store).await, 0);
}

per_backend!(
    stores:
    anonymous_floods_leave_no_rows,
    csrf_works_without_a_row,
    flashes_per_session_are_capped,
);
