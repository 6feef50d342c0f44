//! Users, roles and login tracking: creation, lookups, updates, deletion and concurrent writes.

use super::*;

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
);

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
    let user = store
        .create_user(NewUser {
            roles: vec!["editor".into(), "admin".into()],
            ..new_user("track@example.com")
        })
        .await
        .unwrap();
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
    assert_eq!(
        role_names(&first),
        ["admin", "editor"],
        "the roles come along"
    );
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
