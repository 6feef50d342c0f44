//! The `UserDatastore` contract, run against every backend.
//!
//! Each test is written once below and run by `per_backend!` on the in-memory store, SQLite,
//! PostgreSQL and MariaDB / MySQL (`datastore::<backend>::<test>`). SQLite and the in-memory
//! store always run; PostgreSQL and MySQL run when `TEST_POSTGRES_URL` / `TEST_MYSQL_URL` are
//! set, each test on a database of its own.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{Duration, NaiveDateTime};
use rocket_security::{
    DatastoreError, NewRole, NewUser, OneTimeCode, OutboxMail, SessionKind, SessionRecord, User,
    UserDatastore, UserQuery,
};

type Store = Arc<dyn UserDatastore>;

per_backend!(
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    stores:
    create_and_find_users,
    user_fields_round_trip,
    duplicate_emails_are_rejected_in_any_case,
    concurrent_creates_of_one_email_make_one_user,
    concurrent_creates_share_new_roles,
    update_user_writes_stored_fields_only,
    update_user_rejects_a_taken_email,
    delete_user_cascades,
    activation_reports_changes,
    roles_are_created_granted_and_revoked,
    concurrent_find_or_create_role_makes_one_role,
    record_login_shifts_current_to_last,
    concurrent_logins_all_count,
    sessions_are_stored_updated_and_deleted,
    a_duplicate_session_id_is_refused,
    user_sessions_are_listed_and_ended,
    outbox_queues_retries_and_delivers,
    outbox_ignores_empty_limits_and_unknown_mails,
    codes_work_once_and_expire,
    concurrent_takes_of_a_code_succeed_once,
    counters_count_within_their_window,
    concurrent_hits_are_all_counted,
);

// ----- helpers -----

/// A time with microseconds, the precision every backend keeps.
fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").expect("test time")
}

fn now() -> NaiveDateTime {
    let t = chrono::Utc::now().naive_utc();
    t - Duration::nanoseconds(i64::from(t.and_utc().timestamp_subsec_nanos() % 1000))
}

fn new_user(email: &str) -> NewUser {
    NewUser {
        email: email.to_owned(),
        password: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".to_owned()),
        active: true,
        ..NewUser::default()
    }
}

async fn create(store: &Store, email: &str) -> User {
    store
        .create_user(new_user(email))
        .await
        .expect("create user")
}

fn session(id_hash: &str, user_id: Option<i64>, created: NaiveDateTime) -> SessionRecord {
    SessionRecord {
        id_hash: id_hash.to_owned(),
        kind: SessionKind::Session,
        user_id,
        fs_uniquifier: user_id.map(|id| format!("uniq-{id}")),
        data: r#"{"csrf":"abc"}"#.to_owned(),
        created_at: created,
        last_seen_at: created,
        expires_at: created + Duration::days(1),
        fresh_at: Some(created),
        ip: Some("192.0.2.1".to_owned()),
        user_agent: Some("test-agent/1.0".to_owned()),
    }
}

fn mail(recipient: &str, created: NaiveDateTime) -> OutboxMail {
    OutboxMail {
        id: 0,
        sender: "no-reply@example.com".to_owned(),
        recipient: recipient.to_owned(),
        subject: "Confirm your address".to_owned(),
        body_text: "Follow the link.".to_owned(),
        body_html: "<p>Follow the link.</p>".to_owned(),
        attempts: 0,
        next_attempt_at: created,
        last_error: None,
        created_at: created,
        sent_at: None,
    }
}

fn role_names(user: &User) -> Vec<&str> {
    user.roles.iter().map(|r| r.name.as_str()).collect()
}

// ----- users -----

async fn create_and_find_users(store: Store) {
    let mut new = new_user("Ada.Lovelace@Example.com");
    new.username = Some("Ada".to_owned());
    new.roles = vec!["editor".to_owned(), "admin".to_owned(), "editor".to_owned()];
    new.extra.insert("name".to_owned(), "Ada Lovelace".into());
    let user = store.create_user(new).await.unwrap();

    assert!(user.id > 0);
    assert_eq!(user.email, "Ada.Lovelace@Example.com");
    assert_eq!(user.username.as_deref(), Some("Ada"));
    assert!(user.active);
    assert_eq!(role_names(&user), ["admin", "editor"]);
    assert_eq!(user.extra["name"], "Ada Lovelace");
    assert_eq!(user.login_count, 0);
    assert_eq!(user.create_datetime, user.update_datetime);
    for uniquifier in [&user.fs_uniquifier, &user.fs_token_uniquifier] {
        assert_eq!(uniquifier.len(), 32);
        assert!(uniquifier.bytes().all(|b| b.is_ascii_hexdigit()));
    }
    assert_ne!(user.fs_uniquifier, user.fs_token_uniquifier);
    assert!(
        store.find_role("admin").await.unwrap().is_some(),
        "roles are created on demand"
    );

    let queries = [
        UserQuery::Id(user.id),
        UserQuery::Email("ada.lovelace@example.com"),
        UserQuery::Email("ADA.LOVELACE@EXAMPLE.COM"),
        UserQuery::Uniquifier(&user.fs_uniquifier),
        UserQuery::TokenUniquifier(&user.fs_token_uniquifier),
        UserQuery::Username("aDA"),
    ];
    for query in queries {
        let found = store.find_user(query).await.unwrap();
        assert_eq!(found.as_ref(), Some(&user), "{query:?}");
    }
    assert_eq!(
        store.get_user(&user.id.to_string()).await.unwrap(),
        Some(user.clone())
    );
    assert_eq!(
        store.get_user("ada.LOVELACE@example.com").await.unwrap(),
        Some(user.clone())
    );

    for query in [
        UserQuery::Id(user.id + 1000),
        UserQuery::Email("nobody@example.com"),
        UserQuery::Uniquifier(&user.fs_token_uniquifier),
        UserQuery::TokenUniquifier("0123"),
        UserQuery::Username("Bob"),
    ] {
        assert_eq!(store.find_user(query).await.unwrap(), None, "{query:?}");
    }
    assert_eq!(store.get_user("999999").await.unwrap(), None);

    let other = create(&store, "grace@example.com").await;
    assert_ne!(other.id, user.id);
    assert!(other.roles.is_empty());
    assert_eq!(other.username, None);
    assert!(other.extra.is_empty());
}

async fn user_fields_round_trip(store: Store) {
    let confirmed = at("2024-02-29 23:59:59.654321");
    let mut new = new_user("round@example.com");
    new.active = false;
    new.password = None;
    new.confirmed_at = Some(confirmed);
    new.extra.insert(
        "nested".to_owned(),
        serde_json::json!({"list": [1, 2.5, "três"], "ok": true}),
    );
    let user = store.create_user(new).await.unwrap();
    assert!(!user.active);
    assert_eq!(user.password, None);
    assert_eq!(user.confirmed_at, Some(confirmed));
    assert_eq!(user.extra["nested"]["list"][2], "três");

    // Times keep microseconds everywhere; finer digits are cut the same way on every backend.
    let fine = at("2030-01-02 03:04:05.123456789");
    let logged_in = store
        .record_login(user.id, fine, Some("2001:db8::1"))
        .await
        .unwrap();
    assert_eq!(
        logged_in.current_login_at,
        Some(at("2030-01-02 03:04:05.123456"))
    );
    let found = store
        .find_user(UserQuery::Id(user.id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found, logged_in);
    assert!(found.create_datetime <= now());
}

async fn duplicate_emails_are_rejected_in_any_case(store: Store) {
    create(&store, "ann@example.com").await;
    for email in ["ann@example.com", "ANN@Example.COM", "Ann@example.com"] {
        let err = store.create_user(new_user(email)).await.unwrap_err();
        assert!(
            matches!(err, DatastoreError::DuplicateUser),
            "{email}: {err:?}"
        );
    }
    let mut named = new_user("bea@example.com");
    named.username = Some("Bea".to_owned());
    store.create_user(named).await.unwrap();
    let mut same_name = new_user("other@example.com");
    same_name.username = Some("BEA".to_owned());
    let err = store.create_user(same_name).await.unwrap_err();
    assert!(matches!(err, DatastoreError::DuplicateUser), "{err:?}");
    // Users without a user name do not collide with each other.
    create(&store, "c1@example.com").await;
    create(&store, "c2@example.com").await;
}

async fn concurrent_creates_of_one_email_make_one_user(store: Store) {
    let emails = [
        "race@example.com",
        "Race@example.com",
        "RACE@example.com",
        "race@Example.com",
        "race@EXAMPLE.COM",
        "rAce@example.com",
        "raCe@example.com",
        "racE@example.com",
    ];
    let tasks: Vec<_> = emails
        .iter()
        .map(|email| {
            let store = store.clone();
            let mut new = new_user(email);
            new.roles = vec!["racer".to_owned(), "member".to_owned()];
            tokio::spawn(async move { store.create_user(new).await })
        })
        .collect();
    let (mut created, mut duplicates) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(user) => {
                created += 1;
                assert_eq!(role_names(&user), ["member", "racer"]);
            }
            Err(DatastoreError::DuplicateUser) => duplicates += 1,
            Err(e) => panic!("expected DuplicateUser, got {e:?}"),
        }
    }
    assert_eq!((created, duplicates), (1, emails.len() - 1));
    assert!(store
        .find_user(UserQuery::Email("RACE@EXAMPLE.COM"))
        .await
        .unwrap()
        .is_some());
    let roles = store.list_roles().await.unwrap();
    let names: Vec<_> = roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["member", "racer"]);
}

async fn concurrent_creates_share_new_roles(store: Store) {
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let store = store.clone();
            let mut new = new_user(&format!("member{i}@example.com"));
            new.roles = ["gamma", "alpha", "beta"].map(String::from).to_vec();
            new.roles.rotate_left(i % 3);
            tokio::spawn(async move { store.create_user(new).await })
        })
        .collect();
    for task in tasks {
        let user = task.await.unwrap().unwrap();
        assert_eq!(
            role_names(&user),
            ["alpha", "beta", "gamma"],
            "{}",
            user.email
        );
    }
    assert_eq!(store.list_roles().await.unwrap().len(), 3);
}

async fn update_user_writes_stored_fields_only(store: Store) {
    let mut new = new_user("eve@example.com");
    new.roles = vec!["reader".to_owned()];
    let original = store.create_user(new).await.unwrap();
    let logged_in = store
        .record_login(original.id, at("2024-01-01 08:00:00.5"), Some("192.0.2.7"))
        .await
        .unwrap();

    let mut changed = logged_in.clone();
    changed.email = "Eve.New@Example.com".to_owned();
    changed.username = Some("Evie".to_owned());
    changed.password = None;
    changed.active = false;
    changed.fs_uniquifier = "f".repeat(32);
    changed.fs_token_uniquifier = "e".repeat(32);
    changed.confirmed_at = Some(at("2024-01-02 00:00:00.000001"));
    changed.tf_primary_method = Some("authenticator".to_owned());
    changed.tf_totp_secret = Some("sealed-secret".to_owned());
    changed.tf_phone_number = Some("+15555550100".to_owned());
    changed.us_totp_secrets = Some(r#"{"email":"x"}"#.to_owned());
    changed.us_phone_number = Some("+15555550101".to_owned());
    changed.mf_recovery_codes = Some(r#"["a","b"]"#.to_owned());
    changed.extra.insert("theme".to_owned(), "dark".into());
    // Neither trackable fields, nor roles, nor the creation time are written.
    changed.login_count = 99;
    changed.current_login_ip = Some("203.0.113.9".to_owned());
    changed.last_login_at = None;
    changed.roles.clear();
    changed.create_datetime = at("2000-01-01 00:00:00");

    let updated = store.update_user(&changed).await.unwrap();
    assert!(updated.update_datetime >= logged_in.update_datetime);
    let mut expected = changed.clone();
    expected.login_count = logged_in.login_count;
    expected.current_login_ip = logged_in.current_login_ip.clone();
    expected.last_login_at = logged_in.last_login_at;
    expected.roles = logged_in.roles.clone();
    expected.create_datetime = logged_in.create_datetime;
    expected.update_datetime = updated.update_datetime;
    assert_eq!(updated, expected);

    let found = store
        .find_user(UserQuery::Email("eve.new@example.com"))
        .await
        .unwrap();
    assert_eq!(found, Some(updated.clone()));
    assert_eq!(
        store
            .find_user(UserQuery::Email("eve@example.com"))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store.find_user(UserQuery::Username("EVIE")).await.unwrap(),
        Some(updated.clone())
    );
    assert_eq!(
        store
            .find_user(UserQuery::Uniquifier(&"f".repeat(32)))
            .await
            .unwrap(),
        Some(updated.clone())
    );

    // Changing only the case of one's own address is fine.
    let mut recased = updated.clone();
    recased.email = "EVE.NEW@example.com".to_owned();
    assert_eq!(
        store.update_user(&recased).await.unwrap().email,
        "EVE.NEW@example.com"
    );

    let mut ghost = updated;
    ghost.id += 1000;
    ghost.email = "ghost@example.com".to_owned();
    ghost.fs_uniquifier = "1".repeat(32);
    ghost.fs_token_uniquifier = "2".repeat(32);
    ghost.username = None;
    let err = store.update_user(&ghost).await.unwrap_err();
    assert!(matches!(err, DatastoreError::UserNotFound), "{err:?}");
}

async fn update_user_rejects_a_taken_email(store: Store) {
    create(&store, "first@example.com").await;
    let second = create(&store, "second@example.com").await;
    let mut clash = second.clone();
    clash.email = "FIRST@example.com".to_owned();
    let err = store.update_user(&clash).await.unwrap_err();
    assert!(matches!(err, DatastoreError::DuplicateUser), "{err:?}");
    // Nothing was written.
    assert_eq!(
        store.find_user(UserQuery::Id(second.id)).await.unwrap(),
        Some(second)
    );
}

async fn delete_user_cascades(store: Store) {
    let mut new = new_user("gone@example.com");
    new.roles = vec!["staff".to_owned()];
    let user = store.create_user(new).await.unwrap();
    let keeper = create(&store, "stays@example.com").await;
    let t = now();
    store
        .create_session(&session("s-gone", Some(user.id), t))
        .await
        .unwrap();
    store
        .create_session(&session("s-stays", Some(keeper.id), t))
        .await
        .unwrap();
    let code = OneTimeCode {
        user_id: user.id,
        purpose: "us-signin".to_owned(),
        code_hash: "h1".to_owned(),
        expires_at: t + Duration::minutes(5),
    };
    store.put_code(&code).await.unwrap();

    store.delete_user(&user).await.unwrap();
    assert_eq!(store.find_user(UserQuery::Id(user.id)).await.unwrap(), None);
    assert_eq!(
        store
            .find_user(UserQuery::Email("gone@example.com"))
            .await
            .unwrap(),
        None
    );
    assert_eq!(store.find_session("s-gone").await.unwrap(), None);
    assert!(store.find_session("s-stays").await.unwrap().is_some());
    assert!(!store
        .take_code(user.id, "us-signin", "h1", t)
        .await
        .unwrap());
    assert!(
        store.find_role("staff").await.unwrap().is_some(),
        "roles outlive their holders"
    );
    let err = store.delete_user(&user).await.unwrap_err();
    assert!(matches!(err, DatastoreError::UserNotFound), "{err:?}");
    // The address is free again.
    create(&store, "GONE@example.com").await;
}

async fn activation_reports_changes(store: Store) {
    let user = create(&store, "switch@example.com").await;
    assert!(user.active);
    assert!(!store.activate_user(&user).await.unwrap());
    assert!(store.deactivate_user(&user).await.unwrap());
    assert!(!store.deactivate_user(&user).await.unwrap());
    let inactive = store
        .find_user(UserQuery::Id(user.id))
        .await
        .unwrap()
        .unwrap();
    assert!(!inactive.active);
    assert!(inactive.update_datetime >= user.update_datetime);
    assert!(store.activate_user(&inactive).await.unwrap());

    let active = store
        .find_user(UserQuery::Id(user.id))
        .await
        .unwrap()
        .unwrap();
    assert!(active.active);
    assert!(store.toggle_active(&active).await.unwrap());
    let toggled = store
        .find_user(UserQuery::Id(user.id))
        .await
        .unwrap()
        .unwrap();
    assert!(!toggled.active);
    assert!(store.toggle_active(&toggled).await.unwrap());
    assert!(
        store
            .find_user(UserQuery::Id(user.id))
            .await
            .unwrap()
            .unwrap()
            .active
    );
}

// ----- roles -----

async fn roles_are_created_granted_and_revoked(store: Store) {
    let admin = store
        .create_role(NewRole {
            name: "admin".to_owned(),
            description: Some("Runs the place".to_owned()),
            permissions: vec!["users-read".to_owned(), "users-write".to_owned()],
        })
        .await
        .unwrap();
    assert_eq!(admin.name, "admin");
    assert_eq!(admin.description.as_deref(), Some("Runs the place"));
    assert_eq!(admin.permissions, ["users-read", "users-write"]);
    assert_eq!(store.find_role("admin").await.unwrap(), Some(admin.clone()));
    assert_eq!(
        store.find_role("Admin").await.unwrap(),
        None,
        "names are exact"
    );
    let err = store
        .create_role(NewRole {
            name: "admin".to_owned(),
            ..NewRole::default()
        })
        .await
        .unwrap_err();
    assert!(
        matches!(&err, DatastoreError::DuplicateRole(name) if name == "admin"),
        "{err:?}"
    );
    let author = store.find_or_create_role("author").await.unwrap();
    assert!(author.permissions.is_empty());
    assert_eq!(store.find_or_create_role("author").await.unwrap(), author);
    let names: Vec<_> = store
        .list_roles()
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(names, ["admin", "author"]);

    let user = create(&store, "roles@example.com").await;
    assert!(store.add_role_to_user(&user, "author").await.unwrap());
    assert!(store.add_role_to_user(&user, "admin").await.unwrap());
    assert!(!store.add_role_to_user(&user, "admin").await.unwrap());
    let err = store.add_role_to_user(&user, "wizard").await.unwrap_err();
    assert!(
        matches!(&err, DatastoreError::RoleNotFound(name) if name == "wizard"),
        "{err:?}"
    );
    let granted = store
        .find_user(UserQuery::Id(user.id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(role_names(&granted), ["admin", "author"]);
    assert_eq!(granted.roles[0], admin);

    assert!(store.remove_role_from_user(&user, "admin").await.unwrap());
    assert!(!store.remove_role_from_user(&user, "admin").await.unwrap());
    assert!(!store.remove_role_from_user(&user, "wizard").await.unwrap());
    let revoked = store
        .find_user(UserQuery::Id(user.id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(role_names(&revoked), ["author"]);
}

async fn concurrent_find_or_create_role_makes_one_role(store: Store) {
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.find_or_create_role("shared").await })
        })
        .collect();
    let mut ids = BTreeSet::new();
    for task in tasks {
        ids.insert(task.await.unwrap().unwrap().id);
    }
    assert_eq!(ids.len(), 1);
    assert_eq!(store.list_roles().await.unwrap().len(), 1);
}

// ----- trackable -----

async fn record_login_shifts_current_to_last(store: Store) {
    let user = create(&store, "track@example.com").await;
    let (t1, t2, t3) = (
        at("2024-03-01 10:00:00.000001"),
        at("2024-03-02 11:30:00.25"),
        at("2024-03-03 12:00:00"),
    );

    let first = store
        .record_login(user.id, t1, Some("192.0.2.1"))
        .await
        .unwrap();
    assert_eq!(first.login_count, 1);
    assert_eq!(first.current_login_at, Some(t1));
    assert_eq!(first.current_login_ip.as_deref(), Some("192.0.2.1"));
    assert_eq!(first.last_login_at, Some(t1), "first login: last := at");
    assert_eq!(
        first.last_login_ip, None,
        "first login: no previous address"
    );

    let second = store
        .record_login(user.id, t2, Some("198.51.100.2"))
        .await
        .unwrap();
    assert_eq!(second.login_count, 2);
    assert_eq!(second.last_login_at, Some(t1));
    assert_eq!(second.last_login_ip.as_deref(), Some("192.0.2.1"));
    assert_eq!(second.current_login_at, Some(t2));
    assert_eq!(second.current_login_ip.as_deref(), Some("198.51.100.2"));

    let third = store.record_login(user.id, t3, None).await.unwrap();
    assert_eq!(third.login_count, 3);
    assert_eq!(third.last_login_at, Some(t2));
    assert_eq!(third.last_login_ip.as_deref(), Some("198.51.100.2"));
    assert_eq!(third.current_login_at, Some(t3));
    assert_eq!(third.current_login_ip, None);
    assert_eq!(
        store.find_user(UserQuery::Id(user.id)).await.unwrap(),
        Some(third)
    );

    let err = store
        .record_login(user.id + 1000, t3, None)
        .await
        .unwrap_err();
    assert!(matches!(err, DatastoreError::UserNotFound), "{err:?}");
}

async fn concurrent_logins_all_count(store: Store) {
    let user = create(&store, "busy@example.com").await;
    let base = at("2024-04-01 00:00:00");
    let tasks: Vec<_> = (0..10)
        .map(|i| {
            let store = store.clone();
            let ip = format!("192.0.2.{i}");
            tokio::spawn(async move {
                store
                    .record_login(user.id, base + Duration::seconds(i), Some(&ip))
                    .await
            })
        })
        .collect();
    let mut counts = BTreeSet::new();
    for task in tasks {
        counts.insert(task.await.unwrap().unwrap().login_count);
    }
    // Each call saw its own increment.
    assert_eq!(counts, (1..=10).collect());
    let after = store
        .find_user(UserQuery::Id(user.id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.login_count, 10);
    assert!(after.last_login_at.is_some() && after.last_login_ip.is_some());
}

// ----- sessions -----

async fn sessions_are_stored_updated_and_deleted(store: Store) {
    let user = create(&store, "sess@example.com").await;
    let t = at("2024-05-01 09:00:00.123456");
    let record = session("hash-1", Some(user.id), t);
    store.create_session(&record).await.unwrap();
    assert_eq!(
        store.find_session("hash-1").await.unwrap(),
        Some(record.clone())
    );
    assert_eq!(store.find_session("hash-2").await.unwrap(), None);

    let anonymous = SessionRecord {
        kind: SessionKind::Session,
        user_id: None,
        fs_uniquifier: None,
        fresh_at: None,
        ip: None,
        user_agent: None,
        ..session("hash-anon", None, t)
    };
    store.create_session(&anonymous).await.unwrap();
    assert_eq!(
        store.find_session("hash-anon").await.unwrap(),
        Some(anonymous.clone())
    );

    // Signing the anonymous session in, and everything else update_session writes.
    let mut signed_in = anonymous.clone();
    signed_in.user_id = Some(user.id);
    signed_in.fs_uniquifier = Some(user.fs_uniquifier.clone());
    signed_in.data = r#"{"csrf":"new","_flashes":[]}"#.to_owned();
    signed_in.last_seen_at = t + Duration::minutes(5);
    signed_in.expires_at = t + Duration::days(14);
    signed_in.fresh_at = Some(t + Duration::minutes(5));
    // Not written by update_session.
    signed_in.kind = SessionKind::Remember;
    signed_in.ip = Some("203.0.113.1".to_owned());
    assert!(store.update_session(&signed_in).await.unwrap());
    let mut expected = signed_in.clone();
    expected.kind = anonymous.kind;
    expected.ip = anonymous.ip.clone();
    assert_eq!(
        store.find_session("hash-anon").await.unwrap(),
        Some(expected)
    );

    let mut missing = record.clone();
    missing.id_hash = "hash-missing".to_owned();
    assert!(!store.update_session(&missing).await.unwrap());
    assert_eq!(store.find_session("hash-missing").await.unwrap(), None);

    assert!(store.delete_session("hash-1").await.unwrap());
    assert!(!store.delete_session("hash-1").await.unwrap());
    assert_eq!(store.find_session("hash-1").await.unwrap(), None);
}

async fn a_duplicate_session_id_is_refused(store: Store) {
    let record = session("hash-dup", None, at("2024-05-01 09:00:00"));
    store.create_session(&record).await.unwrap();
    let err = store.create_session(&record).await.unwrap_err();
    assert!(matches!(err, DatastoreError::Backend(_)), "{err:?}");
    assert_eq!(store.find_session("hash-dup").await.unwrap(), Some(record));
}

async fn user_sessions_are_listed_and_ended(store: Store) {
    let user = create(&store, "many@example.com").await;
    let other = create(&store, "other@example.com").await;
    let t = now();
    let older = session("older", Some(user.id), t - Duration::hours(2));
    let newer = session("newer", Some(user.id), t - Duration::hours(1));
    let remember = SessionRecord {
        kind: SessionKind::Remember,
        expires_at: t + Duration::days(365),
        ..session("remember", Some(user.id), t - Duration::minutes(30))
    };
    let expired = SessionRecord {
        expires_at: t - Duration::minutes(1),
        ..session("expired", Some(user.id), t - Duration::days(3))
    };
    let others = session("others", Some(other.id), t);
    let anonymous = session("anonymous", None, t);
    for s in [&older, &newer, &remember, &expired, &others, &anonymous] {
        store.create_session(s).await.unwrap();
    }

    let listed = store.list_user_sessions(user.id).await.unwrap();
    let ids: Vec<_> = listed.iter().map(|s| s.id_hash.as_str()).collect();
    assert_eq!(
        ids,
        ["remember", "newer", "older"],
        "live ones, newest first"
    );
    assert_eq!(listed[0], remember);

    // Ending every other session, e.g. after a password change.
    assert_eq!(
        store
            .delete_user_sessions(user.id, &["newer", "others"])
            .await
            .unwrap(),
        3
    );
    let ids: Vec<_> = store
        .list_user_sessions(user.id)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id_hash)
        .collect();
    assert_eq!(ids, ["newer"]);
    assert!(store.find_session("others").await.unwrap().is_some());
    assert_eq!(store.delete_user_sessions(user.id, &[]).await.unwrap(), 1);
    assert_eq!(store.delete_user_sessions(user.id, &[]).await.unwrap(), 0);

    // Expiry clean-up deletes only what expired before `now`.
    let stale = SessionRecord {
        expires_at: t - Duration::seconds(1),
        ..session("stale", Some(other.id), t - Duration::days(1))
    };
    let edge = SessionRecord {
        expires_at: t,
        ..session("edge", None, t - Duration::days(1))
    };
    store.create_session(&stale).await.unwrap();
    store.create_session(&edge).await.unwrap();
    assert_eq!(store.delete_expired_sessions(t).await.unwrap(), 1);
    assert_eq!(store.find_session("stale").await.unwrap(), None);
    assert!(store.find_session("edge").await.unwrap().is_some());
    assert!(store.find_session("anonymous").await.unwrap().is_some());
}

// ----- outbox -----

async fn outbox_queues_retries_and_delivers(store: Store) {
    let t = at("2024-06-01 12:00:00.000500");
    let mut first = mail("one@example.com", t);
    // Ignored on enqueue.
    first.id = 77;
    first.attempts = 5;
    first.sent_at = Some(t);
    let mut second = mail("two@example.com", t + Duration::seconds(1));
    second.body_html = format!("<p>{}</p>", "x".repeat(200_000));
    let mut later = mail("three@example.com", t + Duration::seconds(2));
    later.next_attempt_at = t + Duration::hours(1);

    let first = store.enqueue_mail(&first).await.unwrap();
    assert_ne!(first.id, 77);
    assert_eq!(first.attempts, 0);
    assert_eq!(first.sent_at, None);
    assert_eq!(first.created_at, t);
    assert_eq!(first.subject, "Confirm your address");
    let second_stored = store.enqueue_mail(&second).await.unwrap();
    assert_eq!(
        second_stored.body_html, second.body_html,
        "large bodies fit"
    );
    assert_ne!(second_stored.id, first.id);
    let later = store.enqueue_mail(&later).await.unwrap();

    let due: Vec<_> = store
        .due_mails(t + Duration::seconds(5), 10)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(due, [first.id, second_stored.id]);
    assert_eq!(
        store.due_mails(t + Duration::seconds(5), 1).await.unwrap(),
        std::slice::from_ref(&first)
    );
    assert!(store
        .due_mails(t - Duration::seconds(1), 10)
        .await
        .unwrap()
        .is_empty());

    // A failed attempt postpones the mail.
    let retry_at = t + Duration::minutes(10);
    store
        .mark_mail_failed(first.id, 1, retry_at, "421 try later")
        .await
        .unwrap();
    let due: Vec<_> = store
        .due_mails(t + Duration::seconds(5), 10)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(due, [second_stored.id]);
    let retried = store.due_mails(retry_at, 10).await.unwrap();
    assert_eq!(retried[0].id, first.id);
    assert_eq!(retried[0].attempts, 1);
    assert_eq!(retried[0].next_attempt_at, retry_at);
    assert_eq!(retried[0].last_error.as_deref(), Some("421 try later"));

    store
        .mark_mail_sent(second_stored.id, t + Duration::seconds(6))
        .await
        .unwrap();
    let pending: Vec<_> = store
        .pending_mails()
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(pending, [first.id, later.id], "oldest first");
    assert_eq!(
        store
            .due_mails(t + Duration::hours(2), 10)
            .await
            .unwrap()
            .len(),
        2
    );
}

// ----- one-time codes -----

async fn outbox_ignores_empty_limits_and_unknown_mails(store: Store) {
    let t = at("2024-05-01 09:00:00");
    store
        .enqueue_mail(&mail("ada@example.com", t))
        .await
        .unwrap();
    assert!(store.due_mails(t, 0).await.unwrap().is_empty());
    assert!(store.due_mails(t, -1).await.unwrap().is_empty());
    assert_eq!(store.due_mails(t, 1).await.unwrap().len(), 1);
    // Unknown ids are ignored.
    store.mark_mail_sent(4242, t).await.unwrap();
    store.mark_mail_failed(4242, 1, t, "x").await.unwrap();
    assert!(!store.claim_mail(4242, t, t).await.unwrap());
    assert_eq!(store.pending_mails().await.unwrap().len(), 1);
}

async fn codes_work_once_and_expire(store: Store) {
    let user = create(&store, "codes@example.com").await;
    let t = at("2024-07-01 08:00:00");
    let code = |hash: &str, expires_at| OneTimeCode {
        user_id: user.id,
        purpose: "us-signin".to_owned(),
        code_hash: hash.to_owned(),
        expires_at,
    };
    store
        .put_code(&code("aaaa", t + Duration::minutes(5)))
        .await
        .unwrap();
    assert!(!store
        .take_code(user.id, "us-signin", "bbbb", t)
        .await
        .unwrap());
    assert!(!store
        .take_code(user.id, "us-signin", "aaa", t)
        .await
        .unwrap());
    assert!(!store
        .take_code(user.id, "tf-rescue", "aaaa", t)
        .await
        .unwrap());
    assert!(
        store
            .take_code(user.id, "us-signin", "aaaa", t)
            .await
            .unwrap(),
        "a wrong guess does not burn the code"
    );
    assert!(
        !store
            .take_code(user.id, "us-signin", "aaaa", t)
            .await
            .unwrap(),
        "single use"
    );

    // Expiry: good until expires_at, refused after.
    store.put_code(&code("cccc", t)).await.unwrap();
    assert!(!store
        .take_code(user.id, "us-signin", "cccc", t + Duration::microseconds(1))
        .await
        .unwrap());
    assert!(store
        .take_code(user.id, "us-signin", "cccc", t)
        .await
        .unwrap());

    // A new code replaces the old one of the same purpose only.
    store
        .put_code(&code("dddd", t + Duration::minutes(5)))
        .await
        .unwrap();
    store
        .put_code(&OneTimeCode {
            purpose: "tf-rescue".to_owned(),
            ..code("rrrr", t + Duration::minutes(5))
        })
        .await
        .unwrap();
    store
        .put_code(&code("eeee", t + Duration::minutes(5)))
        .await
        .unwrap();
    assert!(!store
        .take_code(user.id, "us-signin", "dddd", t)
        .await
        .unwrap());
    assert!(store
        .take_code(user.id, "us-signin", "eeee", t)
        .await
        .unwrap());
    assert!(store
        .take_code(user.id, "tf-rescue", "rrrr", t)
        .await
        .unwrap());

    let err = store
        .put_code(&OneTimeCode {
            user_id: user.id + 1000,
            ..code("ffff", t)
        })
        .await
        .unwrap_err();
    assert!(matches!(err, DatastoreError::UserNotFound), "{err:?}");
}

async fn concurrent_takes_of_a_code_succeed_once(store: Store) {
    let user = create(&store, "once@example.com").await;
    let t = now();
    store
        .put_code(&OneTimeCode {
            user_id: user.id,
            purpose: "tf-rescue".to_owned(),
            code_hash: "0123456789abcdef".to_owned(),
            expires_at: t + Duration::minutes(5),
        })
        .await
        .unwrap();
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .take_code(user.id, "tf-rescue", "0123456789abcdef", t)
                    .await
            })
        })
        .collect();
    let mut successes = 0;
    for task in tasks {
        successes += usize::from(task.await.unwrap().unwrap());
    }
    assert_eq!(successes, 1);
}

// ----- throttling -----

async fn counters_count_within_their_window(store: Store) {
    let t = at("2024-08-01 00:00:00");
    let window = Duration::minutes(15);
    assert_eq!(store.hit_counter("login:ip:a", t, window).await.unwrap(), 1);
    assert_eq!(
        store
            .hit_counter("login:ip:a", t + Duration::minutes(1), window)
            .await
            .unwrap(),
        2
    );
    assert_eq!(store.hit_counter("login:ip:b", t, window).await.unwrap(), 1);
    // Exactly `window` after its start the window still holds.
    assert_eq!(
        store
            .hit_counter("login:ip:a", t + window, window)
            .await
            .unwrap(),
        3
    );
    // Past it, counting starts over, and the new window starts then.
    let restart = t + window + Duration::seconds(1);
    assert_eq!(
        store
            .hit_counter("login:ip:a", restart, window)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .hit_counter("login:ip:a", restart + window, window)
            .await
            .unwrap(),
        2
    );
    store.reset_counter("login:ip:a").await.unwrap();
    store.reset_counter("never-counted").await.unwrap();
    assert_eq!(
        store
            .hit_counter("login:ip:a", restart, window)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .hit_counter("login:ip:b", t + Duration::minutes(2), window)
            .await
            .unwrap(),
        2
    );
}

async fn concurrent_hits_are_all_counted(store: Store) {
    let t = now();
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .hit_counter("reset:user:1", t, Duration::hours(1))
                    .await
            })
        })
        .collect();
    let mut counts = BTreeSet::new();
    for task in tasks {
        counts.insert(task.await.unwrap().unwrap());
    }
    assert_eq!(counts, (1..=10).collect(), "each hit sees its own count");
    assert_eq!(
        store
            .hit_counter("reset:user:1", t, Duration::hours(1))
            .await
            .unwrap(),
        11
    );
}

// ----- backend specifics -----

/// The case-insensitive e-mail look-up is served by the unique index on `email_key`.
#[cfg(feature = "sqlite")]
#[test]
fn email_lookup_uses_the_index_on_sqlite() {
    use diesel::prelude::*;

    #[derive(QueryableByName)]
    struct Plan {
        #[diesel(sql_type = diesel::sql_types::Text)]
        detail: String,
    }

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let backend = runtime
        .block_on(crate::common::sqlite(
            "email_lookup_uses_the_index_on_sqlite",
        ))
        .unwrap();
    let path = backend
        .url()
        .unwrap()
        .trim_start_matches("sqlite://")
        .to_owned();
    let mut conn = diesel::SqliteConnection::establish(&path).unwrap();
    let plan = diesel::sql_query(
        "EXPLAIN QUERY PLAN SELECT users.id, users.email FROM users \
         WHERE users.email_key = ? LIMIT ?",
    )
    .bind::<diesel::sql_types::Text, _>("ada@example.com")
    .bind::<diesel::sql_types::BigInt, _>(1)
    .load::<Plan>(&mut conn)
    .unwrap();
    let details: Vec<_> = plan.iter().map(|p| p.detail.as_str()).collect();
    assert!(
        details
            .iter()
            .any(|d| d.starts_with("SEARCH users USING INDEX users_email_key")),
        "{details:?}"
    );
    drop(conn);
    runtime.block_on(backend.finish());
}

/// Every pooled SQLite connection runs in WAL mode with a busy timeout and enforced foreign
/// keys, so that a CLI process can write while the server runs.
#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread")]
async fn sqlite_connections_are_set_up() {
    use diesel::prelude::*;
    use diesel_async::RunQueryDsl;
    use rocket_security::DbConnection;

    #[derive(QueryableByName)]
    struct Setting {
        #[diesel(sql_type = diesel::sql_types::Text)]
        value: String,
    }

    let backend = crate::common::sqlite("sqlite_connections_are_set_up")
        .await
        .unwrap();
    let pool = backend.diesel.as_ref().unwrap().pool().clone();
    // Two connections at once: both new, both set up.
    let mut first = pool.get().await.unwrap();
    let mut second = pool.get().await.unwrap();
    for conn in [&mut first, &mut second] {
        assert_eq!(conn.backend_name(), "sqlite");
        #[allow(irrefutable_let_patterns)]
        let DbConnection::Sqlite(conn) = conn
        else {
            panic!("not sqlite")
        };
        let mut setting = async |sql: &str| {
            diesel::sql_query(sql)
                .load::<Setting>(&mut **conn)
                .await
                .unwrap()
                .remove(0)
                .value
        };
        assert_eq!(
            setting("SELECT journal_mode AS value FROM pragma_journal_mode").await,
            "wal"
        );
        assert_eq!(
            setting("SELECT CAST(timeout AS TEXT) AS value FROM pragma_busy_timeout").await,
            "5000"
        );
        assert_eq!(
            setting("SELECT CAST(foreign_keys AS TEXT) AS value FROM pragma_foreign_keys").await,
            "1"
        );
        assert_eq!(
            setting("SELECT CAST(synchronous AS TEXT) AS value FROM pragma_synchronous").await,
            "1",
            "NORMAL"
        );
    }
    drop((first, second));
    backend.finish().await;
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn urls_choose_the_backend_and_bad_ones_are_named() {
    use rocket_security::DbPool;

    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("data/nested/security.sqlite3");
    let pool = DbPool::connect(&format!("sqlite://{}", nested.display()), 2)
        .await
        .unwrap();
    assert_eq!(pool.backend_name(), "sqlite");
    assert!(nested.exists(), "the file and its directories are created");
    let pool = DbPool::connect(&format!("sqlite:{}", nested.display()), 2)
        .await
        .unwrap();
    assert_eq!(pool.backend_name(), "sqlite");

    for url in ["redis://127.0.0.1/0", "security.sqlite3", "sqlite::memory:"] {
        let message = DbPool::connect(url, 1).await.unwrap_err().to_string();
        assert!(message.contains(url), "{message}");
    }
    let message = DbPool::connect("mssql://sa:hunter2@db/app", 1)
        .await
        .unwrap_err()
        .to_string();
    assert!(message.contains("mssql://sa:***@db/app"), "{message}");
    assert!(!message.contains("hunter2"), "{message}");
}

/// `SecurityDb` works as a rocket_db_pools database: configured from `databases.security`,
/// handing out connections to handlers and its pool to a `DieselDatastore`.
#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread")]
async fn security_db_serves_rocket_handlers() {
    use rocket::http::Status;
    use rocket::local::asynchronous::Client;
    use rocket::State;
    use rocket_db_pools::{Connection, Database};
    use rocket_security::{DieselDatastore, SecurityDb};

    #[rocket::get("/backend")]
    fn backend_name(db: Connection<SecurityDb>) -> &'static str {
        db.backend_name()
    }

    #[rocket::get("/users/<email>")]
    async fn user_email(db: &State<SecurityDb>, email: &str) -> Option<String> {
        let store = DieselDatastore::from(&**db);
        let user = rocket_security::UserStore::find_user(&store, UserQuery::Email(email))
            .await
            .ok()??;
        Some(user.email)
    }

    let backend = crate::common::sqlite("security_db_serves_rocket_handlers")
        .await
        .unwrap();
    create(&backend.store, "Rocket@Example.com").await;

    let figment = rocket::Config::figment()
        .merge(("databases.security.url", backend.url().unwrap()))
        .merge(("databases.security.max_connections", 2));
    let rocket = rocket::custom(figment)
        .attach(SecurityDb::init())
        .mount("/", rocket::routes![backend_name, user_email]);
    let client = Client::tracked(rocket).await.unwrap();
    let response = client.get("/backend").dispatch().await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(response.into_string().await.unwrap(), "sqlite");
    let response = client.get("/users/rocket@example.com").dispatch().await;
    assert_eq!(response.into_string().await.unwrap(), "Rocket@Example.com");
    let status = client
        .get("/users/nobody@example.com")
        .dispatch()
        .await
        .status();
    assert_eq!(status, Status::NotFound);
    drop(client);

    // A URL naming no known backend stops the launch.
    let figment =
        rocket::Config::figment().merge(("databases.security.url", "ftp://example.com/db"));
    let ignited = rocket::custom(figment)
        .attach(SecurityDb::init())
        .ignite()
        .await
        .expect_err("launch must fail");
    assert!(
        matches!(ignited.kind(), rocket::error::ErrorKind::FailedFairings(_)),
        "{ignited}"
    );
    backend.finish().await;
}
