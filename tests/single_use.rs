//! Single use under concurrency and no lost updates (issue #10, item 4): recovery codes, reset,
//! confirmation and change-of-address links and mailed codes work once when ten browsers use
//! them at the same moment, and a write made for one purpose never undoes a concurrent change.

#[macro_use]
mod common;
mod hooks;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::app::{app_with, contract_settings, get_json_with, post_json_with, TestApp};
use rocket::http::Status;
use rocket::local::asynchronous::Client;
use rocket_security::{SecurityEvent, UserDatastore, UserQuery};
use serde_json::{json, Value};

const JOE: &str = "joe@example.com";
const PASSWORD: &str = "password123";
const WAIT: Duration = Duration::from_secs(5);
const RACERS: usize = 10;

backend_tests!(
    recovery_code_signs_in_once_under_concurrency,
    reset_link_works_once_under_concurrency,
    confirmation_link_confirms_once_under_concurrency,
    change_email_link_changes_once_under_concurrency,
    mailed_code_signs_in_once_under_concurrency,
    login_rehash_does_not_undo_a_concurrent_deactivation,
    login_rehash_does_not_undo_a_concurrent_reset,
);

fn with(extra: Value) -> Value {
    let mut settings = contract_settings();
    let map = settings.as_object_mut().unwrap();
    map.extend(extra.as_object().unwrap().clone());
    // A loaded machine takes a while to start the browsers: links must not expire meanwhile.
    map.insert("code_attempts_max".into(), json!(1000));
    map.insert("reset_password_within".into(), json!("1 hours"));
    map.insert("confirm_email_within".into(), json!("1 hours"));
    settings
}

/// Counts the events `pick` accepts, wherever in the app they are emitted.
fn counting(
    pick: fn(&SecurityEvent) -> bool,
) -> (
    Arc<AtomicUsize>,
    impl Fn(rocket_security::SecurityBuilder) -> rocket_security::SecurityBuilder + Send + Sync,
) {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let customise = move |builder: rocket_security::SecurityBuilder| {
        let seen = seen.clone();
        builder.on_event(move |event| {
            let seen = seen.clone();
            async move {
                if pick(&event) {
                    seen.fetch_add(1, Ordering::SeqCst);
                }
            }
        })
    };
    (count, customise)
}

/// Events are handled on spawned tasks: give them a moment.
async fn settled(count: &AtomicUsize) -> usize {
    rocket::tokio::time::sleep(Duration::from_millis(300)).await;
    count.load(Ordering::SeqCst)
}

/// `n` fresh browsers (other instances of the app), each with its CSRF token.
async fn browsers(app: &TestApp, n: usize) -> Vec<(Client, String)> {
    let mut out = Vec::new();
    for _ in 0..n {
        let browser = app.browser().await;
        let (_, page) = get_json_with(&browser, "/login").await;
        let csrf = page["response"]["csrf_token"].as_str().unwrap().to_owned();
        out.push((browser, csrf));
    }
    out
}

/// Every browser posts its body to `path` at the same moment; the browsers and their statuses.
async fn race_post(
    racers: Vec<(Client, String)>,
    path: &str,
    bodies: Vec<Value>,
) -> Vec<(Client, Status)> {
    let tasks: Vec<_> = racers
        .into_iter()
        .zip(bodies)
        .map(|((browser, csrf), body)| {
            let path = path.to_owned();
            rocket::tokio::spawn(async move {
                let (status, _) = post_json_with(&browser, &path, body, Some(&csrf)).await;
                (browser, status)
            })
        })
        .collect();
    let mut done = Vec::new();
    for task in tasks {
        done.push(task.await.expect("the request finishes"));
    }
    done
}

/// Every browser follows the link `path` at the same moment.
async fn race_get(racers: Vec<(Client, String)>, path: &str) -> Vec<Status> {
    let tasks: Vec<_> = racers
        .into_iter()
        .map(|(browser, _)| {
            let path = path.to_owned();
            rocket::tokio::spawn(async move { browser.get(path).dispatch().await.status() })
        })
        .collect();
    let mut done = Vec::new();
    for task in tasks {
        done.push(task.await.expect("the request finishes"));
    }
    done
}

fn successes(results: &[(Client, Status)]) -> usize {
    results.iter().filter(|(_, s)| *s == Status::Ok).count()
}

/// The path of the first link to `route` in the newest of the first `n` mails.
async fn mailed_link(app: &TestApp, n: usize, route: &str) -> String {
    let mails = app.mailer.wait_for(n, WAIT).await;
    let text = &mails[n - 1].text;
    let link = common::app::link(text, "http://").unwrap_or_else(|| panic!("no link in {text}"));
    let at = link.find(route).unwrap_or_else(|| panic!("{link}"));
    link[at..].to_owned()
}

async fn recovery_code_signs_in_once_under_concurrency(store: Arc<dyn UserDatastore>) {
    let settings = with(json!({
        "two_factor": true,
        "two_factor_enabled_methods": ["authenticator"],
        "multi_factor_recovery_codes": true,
        "totp_issuer": "fsref",
    }));
    let app = app_with(store, settings, |b| b).await;
    app.user(JOE, PASSWORD, true, true, &[]).await;
    app.login(JOE, PASSWORD).await;
    let (status, body) = app.post("/mf-recovery-codes", json!({})).await;
    assert_eq!(status, Status::Ok, "{body}");
    let code = body["response"]["recovery_codes"][0]
        .as_str()
        .unwrap()
        .to_owned();
    hooks::set_up_authenticator(&app).await;
    app.post("/logout", json!({})).await;

    // Ten browsers each pass the password and wait for the second factor.
    let racers = browsers(&app, RACERS).await;
    for (browser, csrf) in &racers {
        let body = json!({"email": JOE, "password": PASSWORD});
        let (status, body) = post_json_with(browser, "/login", body, Some(csrf)).await;
        assert_eq!(status, Status::Ok, "{body}");
        assert_eq!(body["response"]["tf_required"], true, "{body}");
    }
    let bodies = vec![json!({"code": code}); RACERS];
    let results = race_post(racers, "/mf-recovery", bodies).await;
    assert_eq!(successes(&results), 1, "one recovery code, one sign-in");
    let mut signed_in = 0;
    for (browser, _) in &results {
        if get_json_with(browser, "/api/me").await.0 == Status::Ok {
            signed_in += 1;
        }
    }
    assert_eq!(signed_in, 1);
}

async fn reset_link_works_once_under_concurrency(store: Arc<dyn UserDatastore>) {
    let app = app_with(store.clone(), with(json!({})), |b| b).await;
    app.user(JOE, PASSWORD, true, true, &[]).await;
    let (status, _) = app.post("/reset", json!({"email": JOE})).await;
    assert_eq!(status, Status::Ok);
    let link = mailed_link(&app, 1, "/reset/").await;
    let passwords: Vec<String> = (0..RACERS).map(|i| format!("new-password-{i}")).collect();
    let bodies = passwords
        .iter()
        .map(|p| json!({"password": p, "password_confirm": p}))
        .collect();
    let results = race_post(browsers(&app, RACERS).await, &link, bodies).await;
    assert_eq!(successes(&results), 1, "one reset link, one new password");
    let winner = results.iter().position(|(_, s)| *s == Status::Ok).unwrap();
    for (i, password) in passwords.iter().enumerate() {
        let body = common::app::login_with_status(&app.browser().await, JOE, password).await;
        assert_eq!(
            body["meta"]["code"] == 200,
            i == winner,
            "{password}: {body}"
        );
    }
}

async fn confirmation_link_confirms_once_under_concurrency(store: Arc<dyn UserDatastore>) {
    let (confirmed, customise) = counting(|e| matches!(e, SecurityEvent::UserConfirmed { .. }));
    let settings = with(json!({"auto_login_after_confirm": true}));
    let app = app_with(store, settings, customise).await;
    app.user(JOE, PASSWORD, false, true, &[]).await;
    let (status, _) = app.post("/confirm", json!({"email": JOE})).await;
    assert_eq!(status, Status::Ok);
    let link = mailed_link(&app, 1, "/confirm/").await;
    let statuses = race_get(browsers(&app, RACERS).await, &link).await;
    assert!(
        statuses.iter().all(|s| s.class().is_redirection()),
        "{statuses:?}"
    );
    assert_eq!(settled(&confirmed).await, 1, "one link, one confirmation");
}

async fn change_email_link_changes_once_under_concurrency(store: Arc<dyn UserDatastore>) {
    let (changed, customise) =
        counting(|e| matches!(e, SecurityEvent::ChangeEmailConfirmed { .. }));
    let app = app_with(store.clone(), with(json!({})), customise).await;
    app.user(JOE, PASSWORD, true, true, &[]).await;
    app.login(JOE, PASSWORD).await;
    let (status, body) = app
        .post("/change-email", json!({"email": "joseph@example.com"}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let link = mailed_link(&app, 1, "/change-email/").await;
    race_get(browsers(&app, RACERS).await, &link).await;
    assert_eq!(settled(&changed).await, 1, "one link, one change");
    let user = store.find_user(UserQuery::Email("joseph@example.com"));
    assert!(user.await.unwrap().is_some());
}

async fn mailed_code_signs_in_once_under_concurrency(store: Arc<dyn UserDatastore>) {
    let settings = with(json!({
        "unified_signin": true,
        "us_enabled_methods": ["password", "email"],
    }));
    let app = app_with(store, settings, |b| b).await;
    app.user(JOE, PASSWORD, true, true, &[]).await;
    app.login(JOE, PASSWORD).await;
    let (status, body) = app
        .post("/us-setup", json!({"chosen_method": "email"}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let state = body["response"]["state"].as_str().unwrap().to_owned();
    let setup_code = hooks::six_digits(&app.mailer.wait_for(1, WAIT).await[0].text);
    let path = format!("/us-setup/{state}");
    let (status, body) = app.post(&path, json!({"passcode": setup_code})).await;
    assert_eq!(status, Status::Ok, "{body}");
    app.post("/logout", json!({})).await;
    let body = json!({"identity": JOE, "chosen_method": "email"});
    let (status, _) = app.post("/us-signin/send-code", body).await;
    assert_eq!(status, Status::Ok);
    let code = hooks::six_digits(&app.mailer.wait_for(2, WAIT).await[1].text);
    let bodies = vec![json!({"identity": JOE, "passcode": code}); RACERS];
    let results = race_post(browsers(&app, RACERS).await, "/us-signin", bodies).await;
    assert_eq!(successes(&results), 1, "one mailed code, one sign-in");
}

async fn login_rehash_does_not_undo_a_concurrent_deactivation(store: Arc<dyn UserDatastore>) {
    let hasher = hooks::HookedHasher::outdated();
    let plugged = hasher.clone();
    let app = app_with(store.clone(), with(json!({})), move |b| {
        b.password_hasher(Arc::new(plugged.clone()))
    })
    .await;
    app.user(JOE, PASSWORD, true, true, &[]).await;
    // An administrator deactivates the account while the sign-in checks the password (whose
    // hash is then upgraded).
    let admin_store = store.clone();
    hasher.after_next_verify(async move {
        let joe = admin_store.find_user(UserQuery::Email(JOE)).await.unwrap();
        assert!(admin_store.deactivate_user(&joe.unwrap()).await.unwrap());
    });
    common::app::login_with_status(&app.client, JOE, PASSWORD).await;
    let joe = store
        .find_user(UserQuery::Email(JOE))
        .await
        .unwrap()
        .unwrap();
    assert!(!joe.active, "the deactivation stands");
    let body = common::app::login_with_status(&app.browser().await, JOE, PASSWORD).await;
    assert_ne!(body["meta"]["code"], 200, "{body}");
}

async fn login_rehash_does_not_undo_a_concurrent_reset(store: Arc<dyn UserDatastore>) {
    let hasher = hooks::HookedHasher::outdated();
    let plugged = hasher.clone();
    let app = app_with(store.clone(), with(json!({})), move |b| {
        b.password_hasher(Arc::new(plugged.clone()))
    })
    .await;
    app.user(JOE, PASSWORD, true, true, &[]).await;
    let (status, _) = app.post("/reset", json!({"email": JOE})).await;
    assert_eq!(status, Status::Ok);
    let link = mailed_link(&app, 1, "/reset/").await;
    // The owner resets the password while someone signs in with the old one.
    let resetter = browsers(&app, 1).await.pop().unwrap();
    hasher.after_next_verify(async move {
        let (browser, csrf) = resetter;
        let body = json!({"password": "brand-new-secret", "password_confirm": "brand-new-secret"});
        let (status, body) = post_json_with(&browser, &link, body, Some(&csrf)).await;
        assert_eq!(status, Status::Ok, "{body}");
    });
    common::app::login_with_status(&app.client, JOE, PASSWORD).await;
    let old = common::app::login_with_status(&app.browser().await, JOE, PASSWORD).await;
    assert_ne!(old["meta"]["code"], 200, "the old password is gone: {old}");
    let new = common::app::login_with_status(&app.browser().await, JOE, "brand-new-secret").await;
    assert_eq!(new["meta"]["code"], 200, "{new}");
}
