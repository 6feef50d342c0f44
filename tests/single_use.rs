//! Single use under concurrency and no lost updates (issue #10, item 4): recovery codes, reset,
//! confirmation and change-of-address links and mailed codes work once when ten browsers use
//! them at the same moment, and a write made for one purpose never undoes a concurrent change;
//! `UserDatastore::change_user`, which the flows build on, checked directly on every backend.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::common::app::{
    app_with, contract_settings_with, get_json_with, post_json_with, TestApp,
};
use rocket::http::Status;
use rocket::local::asynchronous::Client;
use rocket_security::{
    NewUser, OneTimeCode, SecurityEvent, SessionKind, SessionRecord, User, UserChange,
    UserDatastore, UserQuery,
};
use serde_json::{json, Value};

const JOE: &str = "joe@example.com";
const PASSWORD: &str = "password123";
const WAIT: Duration = Duration::from_secs(5);
const RACERS: usize = 10;

type Store = Arc<dyn UserDatastore>;

per_backend!(
    stores:
    recovery_code_signs_in_once_under_concurrency,
    reset_link_works_once_under_concurrency,
    confirmation_link_confirms_once_under_concurrency,
    change_email_link_changes_once_under_concurrency,
    mailed_code_signs_in_once_under_concurrency,
    login_rehash_does_not_undo_a_concurrent_deactivation,
    login_rehash_does_not_undo_a_concurrent_reset,
    concurrent_password_changes_apply_once,
    changes_write_only_their_own_fields,
    changes_check_their_condition,
    password_change_keeps_listed_sessions_and_wipes_on_request,
);

fn with(extra: Value) -> Value {
    let mut settings = contract_settings_with(extra);
    let map = settings.as_object_mut().unwrap();
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
        let csrf = crate::common::app::csrf_with(&browser).await;
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
    let link =
        crate::common::app::link(text, "http://").unwrap_or_else(|| panic!("no link in {text}"));
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
    crate::common::totp::set_up_authenticator(&app).await;
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
        let body = crate::common::app::login_with_status(&app.browser().await, JOE, password).await;
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
    let setup_code = crate::common::totp::six_digits(&app.mailer.wait_for(1, WAIT).await[0].text);
    let path = format!("/us-setup/{state}");
    let (status, body) = app.post(&path, json!({"passcode": setup_code})).await;
    assert_eq!(status, Status::Ok, "{body}");
    app.post("/logout", json!({})).await;
    // The set-up code and the notice of the new sign-in method went out; the code comes next.
    let sent = app.mailer.wait_for(2, WAIT).await.len();
    let body = json!({"identity": JOE, "chosen_method": "email"});
    let (status, _) = app.post("/us-signin/send-code", body).await;
    assert_eq!(status, Status::Ok);
    let mails = app.mailer.wait_for(sent + 1, WAIT).await;
    let code = crate::common::totp::six_digits(&mails.last().unwrap().text);
    let bodies = vec![json!({"identity": JOE, "passcode": code}); RACERS];
    let results = race_post(browsers(&app, RACERS).await, "/us-signin", bodies).await;
    assert_eq!(successes(&results), 1, "one mailed code, one sign-in");
}

async fn login_rehash_does_not_undo_a_concurrent_deactivation(store: Arc<dyn UserDatastore>) {
    let hasher = crate::hooks::HookedHasher::outdated();
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
    crate::common::app::login_with_status(&app.client, JOE, PASSWORD).await;
    let joe = store
        .find_user(UserQuery::Email(JOE))
        .await
        .unwrap()
        .unwrap();
    assert!(!joe.active, "the deactivation stands");
    let body = crate::common::app::login_with_status(&app.browser().await, JOE, PASSWORD).await;
    assert_ne!(body["meta"]["code"], 200, "{body}");
}

async fn login_rehash_does_not_undo_a_concurrent_reset(store: Arc<dyn UserDatastore>) {
    let hasher = crate::hooks::HookedHasher::outdated();
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
    crate::common::app::login_with_status(&app.client, JOE, PASSWORD).await;
    let old = crate::common::app::login_with_status(&app.browser().await, JOE, PASSWORD).await;
    assert_ne!(old["meta"]["code"], 200, "the old password is gone: {old}");
    let new =
        crate::common::app::login_with_status(&app.browser().await, JOE, "brand-new-secret").await;
    assert_eq!(new["meta"]["code"], 200, "{new}");
}

// ----- the datastore's conditional writes, directly -----

async fn new_joe(store: &Store) -> User {
    store
        .create_user(NewUser {
            email: "joe@example.com".into(),
            password: Some("hash-0".into()),
            active: true,
            ..NewUser::default()
        })
        .await
        .unwrap()
}

async fn reload(store: &Store, user: &User) -> User {
    store
        .find_user(UserQuery::Id(user.id))
        .await
        .unwrap()
        .unwrap()
}

fn session(id: &str, user: &User) -> SessionRecord {
    let now = chrono::Utc::now().naive_utc();
    SessionRecord {
        id_hash: id.into(),
        kind: SessionKind::Session,
        user_id: Some(user.id),
        fs_uniquifier: Some(user.fs_uniquifier.clone()),
        data: "{}".into(),
        created_at: now,
        last_seen_at: now,
        expires_at: now + chrono::Duration::hours(1),
        fresh_at: None,
        ip: None,
        user_agent: None,
    }
}

async fn concurrent_password_changes_apply_once(store: Store) {
    let user = new_joe(&store).await;
    let tasks: Vec<_> = (1..=10)
        .map(|i| {
            let store = store.clone();
            rocket::tokio::spawn(async move {
                let new = format!("hash-{i}");
                let change = UserChange::Password {
                    old: Some("hash-0"),
                    new: &new,
                    keep: &[],
                    wipe: false,
                };
                store.change_user(user.id, change).await.unwrap().is_some()
            })
        })
        .collect();
    let mut applied = 0;
    for task in tasks {
        applied += usize::from(task.await.unwrap());
    }
    assert_eq!(applied, 1);
    let after = reload(&store, &user).await;
    assert_ne!(after.password.as_deref(), Some("hash-0"));
    assert_ne!(after.fs_uniquifier, user.fs_uniquifier);
    assert_ne!(after.fs_token_uniquifier, user.fs_token_uniquifier);
}

async fn changes_write_only_their_own_fields(store: Store) {
    let user = new_joe(&store).await;
    // Read before the deactivation; the later writes must not undo it.
    assert!(store.deactivate_user(&user).await.unwrap());
    let codes = UserChange::RecoveryCodes {
        uniquifier: &user.fs_uniquifier,
        old: None,
        new: Some("sealed-codes"),
    };
    let changed = store.change_user(user.id, codes).await.unwrap().unwrap();
    assert_eq!(changed.mf_recovery_codes.as_deref(), Some("sealed-codes"));
    let rehash = UserChange::Rehash {
        old: "hash-0",
        new: "hash-0-stronger",
    };
    let changed = store.change_user(user.id, rehash).await.unwrap().unwrap();
    assert_eq!(changed.password.as_deref(), Some("hash-0-stronger"));
    assert_eq!(
        changed.fs_uniquifier, user.fs_uniquifier,
        "a re-hash revokes nothing"
    );
    let after = reload(&store, &user).await;
    assert!(!after.active, "the deactivation stands");
    assert_eq!(after.mf_recovery_codes.as_deref(), Some("sealed-codes"));
}

async fn changes_check_their_condition(store: Store) {
    let user = new_joe(&store).await;
    let at = chrono::Utc::now().naive_utc();
    let confirm = UserChange::Confirm {
        email: "JOE@example.com",
        at,
    };
    assert!(store.change_user(user.id, confirm).await.unwrap().is_some());
    assert!(store.change_user(user.id, confirm).await.unwrap().is_none());
    let rehash = UserChange::Rehash {
        old: "not-the-hash",
        new: "x",
    };
    assert!(store.change_user(user.id, rehash).await.unwrap().is_none());
    let email = UserChange::Email {
        old: "joe@example.com",
        new: "joseph@example.com",
        at,
    };
    let moved = store.change_user(user.id, email).await.unwrap().unwrap();
    assert_eq!(moved.email, "joseph@example.com");
    assert!(store.change_user(user.id, email).await.unwrap().is_none());
    let taken = store
        .create_user(NewUser {
            email: "ann@example.com".into(),
            active: true,
            ..NewUser::default()
        })
        .await
        .unwrap();
    let steal = UserChange::Email {
        old: "ann@example.com",
        new: "joseph@example.com",
        at,
    };
    assert!(store.change_user(taken.id, steal).await.is_err());
    let stale = UserChange::TwoFactor {
        uniquifier: "not-the-uniquifier",
        method: Some("authenticator"),
        secret: Some("sealed"),
    };
    assert!(store.change_user(user.id, stale).await.unwrap().is_none());
    let gone = UserChange::Confirm { email: "x@y.z", at };
    assert!(store
        .change_user(user.id + 1000, gone)
        .await
        .unwrap()
        .is_none());
}

async fn password_change_keeps_listed_sessions_and_wipes_on_request(store: Store) {
    let mut user = new_joe(&store).await;
    user.tf_primary_method = Some("authenticator".into());
    user.tf_totp_secret = Some("sealed".into());
    user.us_totp_secrets = Some(r#"{"email":true}"#.into());
    user.mf_recovery_codes = Some("sealed-codes".into());
    let user = store.update_user(&user).await.unwrap();
    store.create_session(&session("kept", &user)).await.unwrap();
    store
        .create_session(&session("other", &user))
        .await
        .unwrap();
    let expires_at = chrono::Utc::now().naive_utc() + chrono::Duration::minutes(5);
    let code = OneTimeCode {
        user_id: user.id,
        purpose: "us-email".into(),
        code_hash: "code-hash".into(),
        expires_at,
    };
    store.put_code(&code).await.unwrap();
    let change = UserChange::Password {
        old: Some("hash-0"),
        new: "hash-1",
        keep: &["kept"],
        wipe: true,
    };
    let changed = store.change_user(user.id, change).await.unwrap().unwrap();
    assert_eq!(store.find_session("other").await.unwrap(), None);
    let kept = store.find_session("kept").await.unwrap().unwrap();
    assert_eq!(kept.fs_uniquifier, Some(changed.fs_uniquifier.clone()));
    let after = reload(&store, &user).await;
    assert_eq!(after.fs_uniquifier, changed.fs_uniquifier);
    assert_eq!(after.tf_primary_method, None);
    assert_eq!(after.tf_totp_secret, None);
    assert_eq!(after.us_totp_secrets, None);
    assert_eq!(after.mf_recovery_codes, None);
    let now = chrono::Utc::now().naive_utc();
    let taken = store.take_code(user.id, "us-email", "code-hash", now).await;
    assert!(!taken.unwrap(), "outstanding codes are gone");
}
