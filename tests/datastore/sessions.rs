//! Server-side sessions: stored, updated, listed per user and ended.

use super::*;

per_backend!(
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    stores:
    sessions_are_stored_updated_and_deleted,
    a_duplicate_session_id_is_refused,
    user_sessions_are_listed_and_ended,
);

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
