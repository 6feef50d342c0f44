//! Single-use codes and rate counters, also under concurrent use.

use super::*;

per_backend!(
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    stores:
    codes_work_once_and_expire,
    concurrent_takes_of_a_code_succeed_once,
    counters_count_within_their_window,
    counters_are_read_together_in_the_order_asked,
    concurrent_hits_are_all_counted,
);

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

async fn counters_are_read_together_in_the_order_asked(store: Store) {
    let t = at("2024-08-01 00:00:00");
    let window = Duration::minutes(15);
    store.hit_counter("read:a", t, window).await.unwrap();
    store.hit_counter("read:b", t, window).await.unwrap();
    store
        .hit_counter("read:b", t + Duration::minutes(1), window)
        .await
        .unwrap();
    let keys = ["read:b", "read:missing", "read:a"].map(String::from);
    assert_eq!(
        store.read_counters(&keys).await.unwrap(),
        vec![Some((2, t)), None, Some((1, t))]
    );
    assert_eq!(store.read_counters(&[]).await.unwrap(), vec![]);
    // The same answers as one key at a time.
    for key in &keys {
        let one = store.read_counter(key).await.unwrap();
        let together = store
            .read_counters(std::slice::from_ref(key))
            .await
            .unwrap();
        assert_eq!(together, vec![one], "{key}");
    }
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
