//! Two instances on one database, each reusing guarded reads for a short while: revocation on
//! one instance is obeyed by it at once and by the other within a second (logout, password
//! change, deactivation, role change).

use std::time::{Duration, Instant};

use crate::common::app::{csrf_with, instance_on, login_with, post_json_with};
use rocket::http::{Accept, ContentType, Cookie, Header, Status};
use rocket::local::asynchronous::Client;
use rocket_security::{NewUser, Security, UserQuery};
use serde_json::json;

const EMAIL: &str = "joe@example.com";
const PASSWORD: &str = "password123";
/// What the cache promises for other instances.
const OTHER_INSTANCE: Duration = Duration::from_secs(1);

per_backend!(
    #[rocket::async_test]
    databases:
    logout_on_one_instance_ends_the_session_on_both,
    password_change_on_one_instance_ends_other_sessions_and_tokens_on_both,
    deactivation_on_one_instance_signs_out_on_both,
    role_revoked_on_one_instance_is_refused_on_both,
);

/// How a request proves who it is.
#[derive(Clone)]
enum Credential {
    Cookie(Cookie<'static>),
    Token(String),
}

/// The status of a JSON `GET path` on `client` with only `credential`.
async fn status(client: &Client, path: &str, credential: &Credential) -> Status {
    let request = client
        .get(path.to_owned())
        .header(ContentType::JSON)
        .header(Accept::JSON);
    let request = match credential {
        Credential::Cookie(cookie) => request.cookie(cookie.clone()),
        Credential::Token(token) => {
            request.header(Header::new("Authentication-Token", token.clone()))
        }
    };
    request.dispatch().await.status()
}

/// Asserts that `path` on `client` answers `expected` no later than `within` from `since`.
async fn answers_within(
    client: &Client,
    path: &str,
    credential: &Credential,
    expected: Status,
    since: Instant,
    within: Duration,
) {
    loop {
        let got = status(client, path, credential).await;
        if got == expected {
            return;
        }
        assert!(
            since.elapsed() <= within,
            "{path} still answers {got} {:?} after the revocation",
            since.elapsed()
        );
        rocket::tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn security(client: &Client) -> &Security {
    client.rocket().state::<Security>().expect("security state")
}

/// Instances A and B on the database at `url`, and a confirmed user holding `admin`.
async fn two_instances(url: &str) -> (Client, Client) {
    let a = instance_on(url, json!({})).await;
    let b = instance_on(url, json!({})).await;
    let store = security(&a).datastore();
    let hash = security(&a).hasher().hash(PASSWORD).await.expect("hash");
    store
        .create_user(NewUser {
            email: EMAIL.into(),
            password: Some(hash),
            active: true,
            confirmed_at: Some(chrono::Utc::now().naive_utc()),
            roles: vec!["admin".into()],
            ..NewUser::default()
        })
        .await
        .expect("user");
    (a, b)
}

/// Signs in on `client` (a browser of its own); its session cookie and an auth token.
async fn sign_in(client: &Client) -> (Credential, Credential) {
    let body = login_with(client, EMAIL, PASSWORD, "?include_auth_token").await;
    let token = body["response"]["user"]["authentication_token"]
        .as_str()
        .expect("an auth token")
        .to_owned();
    let cookie = client.cookies().get("session").expect("a session").clone();
    (Credential::Cookie(cookie), Credential::Token(token))
}

/// Both instances let `credential` through `path` (and have read it at least once).
async fn both_accept(a: &Client, b: &Client, path: &str, credential: &Credential) {
    for client in [a, b, a, b] {
        assert_eq!(status(client, path, credential).await, Status::Ok, "{path}");
    }
}

async fn stored_user(client: &Client) -> rocket_security::User {
    security(client)
        .datastore()
        .find_user(UserQuery::Email(EMAIL))
        .await
        .expect("find")
        .expect("the user")
}

async fn logout_on_one_instance_ends_the_session_on_both(url: &str) {
    let (a, b) = two_instances(url).await;
    let (cookie, _) = sign_in(&a).await;
    both_accept(&a, &b, "/api/me", &cookie).await;

    let csrf = csrf_with(&a).await;
    let (logged_out, body) = post_json_with(&a, "/logout", json!({}), Some(&csrf)).await;
    assert_eq!(logged_out, Status::Ok, "{body}");
    let revoked = Instant::now();
    assert_eq!(
        status(&a, "/api/me", &cookie).await,
        Status::Unauthorized,
        "the instance that signed out refuses a copy of the cookie at once"
    );
    answers_within(
        &b,
        "/api/me",
        &cookie,
        Status::Unauthorized,
        revoked,
        OTHER_INSTANCE,
    )
    .await;
}

async fn password_change_on_one_instance_ends_other_sessions_and_tokens_on_both(url: &str) {
    let (a, b) = two_instances(url).await;
    let laptop = instance_on(url, json!({})).await;
    let (cookie, token) = sign_in(&laptop).await;
    both_accept(&a, &b, "/api/me", &cookie).await;
    both_accept(&a, &b, "/api/token", &token).await;

    sign_in(&a).await;
    let csrf = csrf_with(&a).await;
    let change = json!({"password": PASSWORD, "new_password": "another-password-1",
                        "new_password_confirm": "another-password-1"});
    let (changed, body) = post_json_with(&a, "/change", change, Some(&csrf)).await;
    assert_eq!(changed, Status::Ok, "{body}");
    let revoked = Instant::now();
    for (path, credential) in [("/api/me", &cookie), ("/api/token", &token)] {
        assert_eq!(
            status(&a, path, credential).await,
            Status::Unauthorized,
            "{path}: the instance that changed the password refuses at once"
        );
    }
    for (path, credential) in [("/api/me", &cookie), ("/api/token", &token)] {
        answers_within(
            &b,
            path,
            credential,
            Status::Unauthorized,
            revoked,
            OTHER_INSTANCE,
        )
        .await;
    }
}

async fn deactivation_on_one_instance_signs_out_on_both(url: &str) {
    let (a, b) = two_instances(url).await;
    let (cookie, token) = sign_in(&b).await;
    both_accept(&a, &b, "/api/me", &cookie).await;
    both_accept(&a, &b, "/api/token", &token).await;

    let user = stored_user(&a).await;
    assert!(security(&a)
        .datastore()
        .deactivate_user(&user)
        .await
        .expect("deactivate"));
    let revoked = Instant::now();
    for (path, credential) in [("/api/me", &cookie), ("/api/token", &token)] {
        assert_eq!(
            status(&a, path, credential).await,
            Status::Unauthorized,
            "{path}: the instance that deactivated the user refuses at once"
        );
    }
    for (path, credential) in [("/api/me", &cookie), ("/api/token", &token)] {
        answers_within(
            &b,
            path,
            credential,
            Status::Unauthorized,
            revoked,
            OTHER_INSTANCE,
        )
        .await;
    }
}

async fn role_revoked_on_one_instance_is_refused_on_both(url: &str) {
    let (a, b) = two_instances(url).await;
    let (cookie, _) = sign_in(&a).await;
    both_accept(&a, &b, "/admin", &cookie).await;

    let user = stored_user(&b).await;
    let store = security(&b).datastore();
    assert!(store
        .remove_role_from_user(&user, "admin")
        .await
        .expect("revoke"));
    let revoked = Instant::now();
    assert_eq!(
        status(&b, "/admin", &cookie).await,
        Status::Forbidden,
        "the instance that took the role away refuses at once"
    );
    answers_within(
        &a,
        "/admin",
        &cookie,
        Status::Forbidden,
        revoked,
        OTHER_INSTANCE,
    )
    .await;
    // The session itself still works: only the role is gone.
    assert_eq!(status(&a, "/api/me", &cookie).await, Status::Ok);
}
