use std::sync::Arc;
use std::time::Duration;

use argon2::password_hash::{PasswordHasher as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rocket::futures::future::join_all;
use rocket::tokio;

use super::*;
use crate::datastore::{MemoryDatastore, NewUser, UserQuery, UserStore};

/// Small parameters, so the debug-build tests stay fast.
const FAST: Argon2Settings = Argon2Settings {
    memory_kib: 1024,
    iterations: 1,
    parallelism: 1,
};

fn make_hasher(settings: Argon2Settings, pepper: Option<&str>) -> Argon2Hasher {
    let builder = Argon2Hasher::builder().settings(settings).workers(2);
    match pepper {
        Some(pepper) => builder.pepper(pepper),
        None => builder,
    }
    .build()
    .unwrap()
}

fn fast() -> Argon2Hasher {
    make_hasher(FAST, Some("pepper"))
}

/// A hash made by the argon2 crate itself over what Flask-Security-Too would feed it.
fn reference_hash(algorithm: Algorithm, settings: Argon2Settings, input: &str) -> String {
    let params = Params::new(
        settings.memory_kib,
        settings.iterations,
        settings.parallelism,
        None,
    )
    .unwrap();
    let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
    Argon2::new(algorithm, Version::V0x13, params)
        .hash_password(input.as_bytes(), &salt)
        .unwrap()
        .to_string()
}

#[rocket::async_test]
async fn hashes_are_argon2id_phc_strings_with_owasp_defaults() {
    let hasher = make_hasher(Argon2Settings::default(), Some("pepper"));
    let hash = hasher.hash("correct horse battery staple").await.unwrap();
    let parts: Vec<&str> = hash.split('$').collect();
    assert_eq!(
        parts[..5],
        ["", "argon2id", "v=19", "m=19456,t=2,p=1", parts[4]]
    );
    assert_eq!(parts.len(), 6, "{hash}");
    assert_eq!(parts[4].len(), 22, "16 bytes of salt: {hash}");
    assert_eq!(parts[5].len(), 43, "32 bytes of hash: {hash}");
    assert!(hasher
        .verify("correct horse battery staple", &hash)
        .await
        .unwrap());
    assert!(!hasher.needs_update(&hash));
}

#[rocket::async_test]
async fn verify_accepts_the_password_and_refuses_others() {
    let hasher = fast();
    let hash = hasher.hash("password123").await.unwrap();
    assert!(hasher.verify("password123", &hash).await.unwrap());
    assert!(!hasher.verify("password124", &hash).await.unwrap());
    assert!(!hasher.verify("Password123", &hash).await.unwrap());
    assert!(!hasher.verify("", &hash).await.unwrap());
}

#[rocket::async_test]
async fn every_hash_gets_its_own_salt() {
    let hasher = fast();
    let first = hasher.hash("password123").await.unwrap();
    let second = hasher.hash("password123").await.unwrap();
    assert_ne!(first, second);
    assert!(hasher.verify("password123", &second).await.unwrap());
}

#[rocket::async_test]
async fn the_pepper_must_match() {
    let peppered = fast();
    let hash = peppered.hash("password123").await.unwrap();
    let other_pepper = make_hasher(FAST, Some("other pepper"));
    let no_pepper = make_hasher(FAST, None);
    assert!(!other_pepper.verify("password123", &hash).await.unwrap());
    assert!(!no_pepper.verify("password123", &hash).await.unwrap());

    let plain = no_pepper.hash("password123").await.unwrap();
    assert!(no_pepper.verify("password123", &plain).await.unwrap());
    assert!(!peppered.verify("password123", &plain).await.unwrap());
}

#[test]
fn get_hmac_matches_flask_security() {
    // base64.b64encode(hmac.new(b"pepper", b"secret", hashlib.sha512).digest())
    assert_eq!(
        get_hmac(Some("pepper"), "secret"),
        "yVw+5dYtc2kYvAL+BE+HFfRpMbKWPCxoiYRgWn0K6bfDjjEbAxw5OrstMFdrf+bhYOal+xbIPz/ka0R9ey+hBw=="
    );
    assert_eq!(get_hmac(None, "secret"), "secret");
    assert_eq!(get_hmac(Some(""), "").len(), 88);
}

#[rocket::async_test]
async fn argon2_hashes_the_normalised_peppered_password() {
    // What Flask-Security-Too stores for "ﬁancé" with SECURITY_PASSWORD_SALT = "pepper":
    // HMAC-SHA512 of the NFKD form "fiance\u{301}", base64, hashed by argon2.
    let input =
        "WoPxEWvCQpDiCbqaDJ1xoP0I+xDg/giczJKFvPWdLmw0Vnk1k8VvAPYPFSTCG8KPs3wkawI69vTJrVOTa/8suQ==";
    assert_eq!(prepare(Some("pepper"), "ﬁancé"), input);
    let stored = reference_hash(Algorithm::Argon2id, FAST, input);
    let hasher = fast();
    assert!(hasher.verify("ﬁancé", &stored).await.unwrap());
    assert!(!hasher.needs_update(&stored));

    let unpeppered = reference_hash(Algorithm::Argon2id, FAST, "fiance\u{301}");
    assert!(make_hasher(FAST, None)
        .verify("ﬁancé", &unpeppered)
        .await
        .unwrap());
}

#[rocket::async_test]
async fn equivalent_unicode_forms_verify_the_same() {
    let hasher = fast();
    let ligature = hasher.hash("\u{FB01}nal").await.unwrap(); // "ﬁnal"
    assert!(hasher.verify("final", &ligature).await.unwrap());

    let composed = hasher.hash("caf\u{E9}").await.unwrap();
    assert!(hasher.verify("cafe\u{301}", &composed).await.unwrap());
    let decomposed = hasher.hash("cafe\u{301}").await.unwrap();
    assert!(hasher.verify("caf\u{E9}", &decomposed).await.unwrap());
    assert!(!hasher.verify("cafe", &composed).await.unwrap());
}

#[rocket::async_test]
async fn long_and_empty_passwords_work() {
    let hasher = fast();
    let long = "pässwörd-".repeat(128); // over 1 KiB
    assert!(long.len() > 1024);
    let hash = hasher.hash(&long).await.unwrap();
    assert!(hasher.verify(&long, &hash).await.unwrap());
    assert!(!hasher.verify(&long[..long.len() - 1], &hash).await.unwrap());

    let empty = hasher.hash("").await.unwrap();
    assert!(hasher.verify("", &empty).await.unwrap());
    assert!(!hasher.verify(" ", &empty).await.unwrap());
}

#[rocket::async_test]
async fn malformed_stored_hashes_do_not_verify() {
    let hasher = fast();
    let good = hasher.hash("password123").await.unwrap();
    let (head, tail) = good.rsplit_once('$').unwrap();
    let bad = [
        String::new(),
        "password123".into(),
        "$".into(),
        "$argon2id$".into(),
        "$argon2id$v=19$m=1024,t=1,p=1$".into(),
        head.to_owned(),
        format!("{head}$"),
        format!("{head}${}", &tail[..10]),
        format!("{head}$!!!!{}", &tail[4..]),
        good.replace("v=19", "v=99"),
        good.replace("m=1024", "m=abc"),
        good.replace("m=1024", "m=1"),
        good.replace("argon2id", "argon2x"),
        good.replace("argon2id", "pbkdf2-sha256"),
        // A salt of 3 bytes: Argon2 needs at least 8.
        "$argon2id$v=19$m=1024,t=1,p=1$YWJj$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g".into(),
        "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW".into(),
        format!("{good}\u{0}"),
    ];
    for stored in &bad {
        assert!(
            !hasher.verify("password123", stored).await.unwrap(),
            "{stored:?}"
        );
        assert!(hasher.needs_update(stored), "{stored:?}");
    }
}

#[rocket::async_test]
async fn absurd_stored_parameters_are_refused_without_computing() {
    let hasher = fast();
    let good = hasher.hash("password123").await.unwrap();
    for absurd in ["m=4294967295,t=1,p=1", "m=1024,t=4000000000,p=1"] {
        let stored = good.replace("m=1024,t=1,p=1", absurd);
        let started = std::time::Instant::now();
        assert!(!hasher.verify("password123", &stored).await.unwrap());
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}

#[rocket::async_test]
async fn needs_update_compares_algorithm_and_parameters() {
    let hasher = fast();
    let current = hasher.hash("password123").await.unwrap();
    assert!(!hasher.needs_update(&current));

    for settings in [
        Argon2Settings {
            memory_kib: 2048,
            ..FAST
        },
        Argon2Settings {
            iterations: 2,
            ..FAST
        },
        Argon2Settings {
            parallelism: 2,
            ..FAST
        },
    ] {
        assert!(
            make_hasher(settings, Some("pepper")).needs_update(&current),
            "{settings:?}"
        );
    }

    let input = prepare(Some("pepper"), "password123");
    let argon2i = reference_hash(Algorithm::Argon2i, FAST, &input);
    assert!(hasher.needs_update(&argon2i));
    // Older variants still verify, so they can be upgraded at the next login.
    assert!(hasher.verify("password123", &argon2i).await.unwrap());
}

#[rocket::async_test]
async fn verify_and_update_password_rehashes_outdated_hashes() {
    let store = MemoryDatastore::new();
    let old = fast();
    let old_hash = old.hash("password123").await.unwrap();
    let mut user = store
        .create_user(NewUser {
            email: "ada@example.com".into(),
            password: Some(old_hash.clone()),
            active: true,
            ..NewUser::default()
        })
        .await
        .unwrap();

    let current = make_hasher(
        Argon2Settings {
            memory_kib: 2048,
            iterations: 2,
            parallelism: 1,
        },
        Some("pepper"),
    );
    assert!(current.needs_update(&old_hash));

    // A wrong password changes nothing.
    assert!(
        !verify_and_update_password(&current, &store, &mut user, "wrong")
            .await
            .unwrap()
    );
    assert_eq!(user.password.as_deref(), Some(old_hash.as_str()));

    assert!(
        verify_and_update_password(&current, &store, &mut user, "password123")
            .await
            .unwrap()
    );
    let new_hash = user.password.clone().unwrap();
    assert_ne!(new_hash, old_hash);
    assert!(
        new_hash.starts_with("$argon2id$v=19$m=2048,t=2,p=1$"),
        "{new_hash}"
    );
    assert!(!current.needs_update(&new_hash));
    let stored = store
        .find_user(UserQuery::Id(user.id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.password.as_deref(), Some(new_hash.as_str()));
    assert!(current.verify("password123", &new_hash).await.unwrap());

    // Up to date now: a second login verifies without writing.
    assert!(
        verify_and_update_password(&current, &store, &mut user, "password123")
            .await
            .unwrap()
    );
    assert_eq!(user.password.as_deref(), Some(new_hash.as_str()));
}

#[rocket::async_test]
async fn verify_and_update_password_refuses_password_less_users() {
    let store = MemoryDatastore::new();
    let mut user = store
        .create_user(NewUser {
            email: "ada@example.com".into(),
            active: true,
            ..NewUser::default()
        })
        .await
        .unwrap();
    let hasher = fast();
    assert!(!verify_and_update_password(&hasher, &store, &mut user, "")
        .await
        .unwrap());
    assert!(
        !verify_and_update_password(&hasher, &store, &mut user, "anything")
            .await
            .unwrap()
    );
}

#[rocket::async_test]
async fn free_functions_delegate_to_the_hasher() {
    let hasher = fast();
    let hash = hash_password(&hasher, "password123").await.unwrap();
    assert!(verify_password(&hasher, "password123", &hash)
        .await
        .unwrap());
    assert!(!verify_password(&hasher, "nope", &hash).await.unwrap());
    #[allow(deprecated)]
    let old_name = encrypt_password(&hasher, "password123").await.unwrap();
    assert!(verify_password(&hasher, "password123", &old_name)
        .await
        .unwrap());
}

#[rocket::async_test]
async fn dummy_verify_spends_a_verification() {
    let hasher = fast();
    dummy_verify(&hasher, "password123").await.unwrap();
    let dummy = hasher.dummy_hash.get().unwrap().clone();
    assert!(dummy.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"));
    assert!(!hasher.verify("password123", &dummy).await.unwrap());
    // The dummy hash is made once.
    dummy_verify(&hasher, "other").await.unwrap();
    assert_eq!(hasher.dummy_hash.get(), Some(&dummy));
}

/// 32 concurrent verifies on `workers` threads with room for `queue` waiting jobs: each
/// returns the right answer or `Busy`; none hangs. Returns how many were refused.
async fn concurrent_verifies(workers: usize, queue: usize) -> usize {
    let hasher = Arc::new(
        Argon2Hasher::builder()
            .settings(FAST)
            .pepper("pepper")
            .workers(workers)
            .queue(queue)
            .build()
            .unwrap(),
    );
    assert_eq!(hasher.workers(), workers);
    let hash = hasher.hash("password123").await.unwrap();
    let checks = (0..32).map(|i| {
        let hasher = hasher.clone();
        let hash = hash.clone();
        tokio::spawn(async move {
            let password = if i % 2 == 0 { "password123" } else { "wrong" };
            match hasher.verify(password, &hash).await {
                Ok(matched) => {
                    assert_eq!(matched, i % 2 == 0);
                    false
                }
                Err(PasswordError::Busy) => true,
                Err(e) => panic!("{e}"),
            }
        })
    });
    let results = tokio::time::timeout(Duration::from_secs(60), join_all(checks))
        .await
        .expect("32 verifies finish");
    results.into_iter().filter(|r| *r.as_ref().unwrap()).count()
}

#[rocket::async_test]
async fn many_concurrent_verifies_share_two_threads() {
    assert_eq!(concurrent_verifies(2, 32).await, 0, "all 32 fit the queue");
}

#[rocket::async_test]
async fn a_full_queue_refuses_at_once_instead_of_waiting() {
    let refused = concurrent_verifies(1, 1).await;
    assert!(
        refused > 0,
        "one thread and one queued job cannot take 32 at once"
    );
    assert!(refused < 32, "the first job is always taken");
}

#[test]
fn works_from_a_current_thread_runtime() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let hasher = fast();
    let ok = runtime.block_on(async {
        let hash = hasher.hash("password123").await.unwrap();
        hasher.verify("password123", &hash).await.unwrap()
    });
    assert!(ok);
}

#[rocket::async_test]
async fn dropping_the_hasher_stops_its_threads() {
    let hasher = Argon2Hasher::builder()
        .settings(FAST)
        .workers(1)
        .queue(8)
        .build()
        .unwrap();
    let hash = hasher.hash("password123").await.unwrap();
    // Queue work and abandon it, as a client that disconnects would.
    let pending = join_all((0..8).map(|_| hasher.verify("password123", &hash)));
    let _ = tokio::time::timeout(Duration::from_millis(1), pending).await;

    let dropped = tokio::task::spawn_blocking(move || drop(hasher));
    tokio::time::timeout(Duration::from_secs(30), dropped)
        .await
        .expect("drop returns once the threads have stopped")
        .unwrap();
}

#[test]
fn workers_default_to_one_per_core() {
    let hasher = Argon2Hasher::new(FAST, None).unwrap();
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    assert_eq!(hasher.workers(), cores);
    assert_eq!(hasher.settings(), FAST);
}

#[test]
fn invalid_settings_are_refused() {
    let err = Argon2Hasher::new(
        Argon2Settings {
            iterations: 0,
            ..FAST
        },
        None,
    )
    .unwrap_err();
    assert!(matches!(err, PasswordError::InvalidSettings(_)), "{err:?}");
    assert!(
        err.to_string().starts_with("invalid Argon2 settings"),
        "{err}"
    );
}

#[test]
fn from_config_reads_the_security_settings() {
    let config = crate::SecurityConfig {
        password_salt: Some("pepper".into()),
        argon2_memory_kib: 1024,
        argon2_iterations: 1,
        argon2_parallelism: 1,
        password_hash_workers: 1,
        password_hash_queue: 3,
        ..crate::SecurityConfig::default()
    };
    let hasher = Argon2Hasher::from_config(&config).unwrap();
    assert_eq!(hasher.settings(), FAST);
    assert_eq!(hasher.workers(), 1);
    let shown = format!("{hasher:?}");
    assert!(
        shown.contains("[redacted]") && !shown.contains("pepper\""),
        "{shown}"
    );
    assert!(shown.contains("queue: 3"), "{shown}");
}

#[test]
fn debug_never_shows_the_pepper() {
    let builder = Argon2Hasher::builder().pepper("s3cr3t-pepper").workers(1);
    assert!(!format!("{builder:?}").contains("s3cr3t"));
    let hasher = builder.settings(FAST).build().unwrap();
    assert!(!format!("{hasher:?}").contains("s3cr3t"));
}

#[test]
fn password_length_is_counted_after_normalisation() {
    assert_eq!(validate_password_length("12345678", 8, 10), Ok(()));
    assert_eq!(validate_password_length("1234567890", 8, 10), Ok(()));
    assert_eq!(
        validate_password_length("1234567", 8, 10),
        Err(PasswordPolicyError::TooShort { min: 8 })
    );
    assert_eq!(
        validate_password_length("12345678901", 8, 10),
        Err(PasswordPolicyError::TooLong { max: 10 })
    );
    // "ﬁ" is two characters under NFKC; "é" is one, composed or typed as "e" and an accent.
    assert_eq!(validate_password_length("\u{FB01}", 2, 2), Ok(()));
    assert_eq!(validate_password_length("\u{E9}", 1, 1), Ok(()));
    assert_eq!(validate_password_length("e\u{301}", 1, 1), Ok(()));
    assert!(validate_password_length("", 1, 10).is_err());
    assert_eq!(
        PasswordPolicyError::TooShort { min: 8 }.to_string(),
        "Password must be at least 8 characters"
    );
    assert_eq!(
        PasswordPolicyError::TooLong { max: 128 }.to_string(),
        "Password must be at most 128 characters"
    );
}
