//! The fairing at launch: a valid configuration mounts the flows, a bad one stops the launch.

use super::*;

/// A Rocket figment with no `Rocket.toml` and no environment: debug profile, quiet.
fn rocket_figment() -> Figment {
    Figment::from(rocket::Config::debug_default()).merge(("log_level", "off"))
}

/// A configuration that launches: secrets given, so nothing is generated on disk.
fn valid_figment() -> Figment {
    rocket_figment()
        .merge(("secret_key", SECRET_KEY))
        .merge(("security.password_salt", "pepper"))
        .merge(("security.registerable", true))
        .merge(("security.argon2_memory_kib", 64))
        .merge(("security.argon2_iterations", 1))
        .merge(("security.password_hash_workers", 1))
}

async fn ignite(figment: Figment) -> Result<rocket::Rocket<rocket::Ignite>, rocket::Error> {
    rocket::custom(figment)
        .attach(
            Security::builder()
                .datastore(Arc::new(MemoryDatastore::new()))
                .fairing(),
        )
        .ignite()
        .await
}

/// Asserts the launch failed in the security fairing (which logs what to fix).
fn assert_fairing_failed(result: Result<rocket::Rocket<rocket::Ignite>, rocket::Error>) {
    let Err(error) = result else {
        panic!("the launch should fail")
    };
    match error.kind() {
        ErrorKind::FailedFairings(fairings) => {
            assert_eq!(fairings.len(), 1);
            assert_eq!(fairings[0].name, "rocket_security");
        }
        other => panic!("expected the security fairing to fail, got {other:?}"),
    }
}

#[rocket::async_test]
async fn a_valid_configuration_launches_with_the_flows_mounted() {
    let rocket = ignite(valid_figment()).await.expect("launches");
    let security = rocket.state::<Security>().expect("the state is managed");
    assert!(security.config().registerable);
    assert_eq!(security.config().password_salt.as_deref(), Some("pepper"));
    let paths: Vec<String> = rocket.routes().map(|r| r.uri.path().to_string()).collect();
    assert!(paths.iter().any(|p| p == "/login"), "{paths:?}");
    assert!(paths.iter().any(|p| p == "/register"), "{paths:?}");
    assert!(
        !paths.iter().any(|p| p == "/reset"),
        "recoverable is off: {paths:?}"
    );
}

#[rocket::async_test]
async fn unknown_keys_do_not_stop_the_launch() {
    let figment = valid_figment()
        .merge(("security.registrable", true))
        .merge(("security.mail.hostname", "smtp.example.com"));
    let rocket = ignite(figment).await.expect("launches with a warning");
    assert!(rocket.state::<Security>().unwrap().config().registerable);
}

#[rocket::async_test]
async fn a_malformed_duration_stops_the_launch() {
    let figment = valid_figment().merge(("security.confirm_email_within", "10 fortnights"));
    assert_fairing_failed(ignite(figment).await);
    let figment = valid_figment().merge(("security.session_idle_timeout", "1000000000000 weeks"));
    assert_fairing_failed(ignite(figment).await);
}

#[rocket::async_test]
async fn a_wrong_type_stops_the_launch() {
    let figment = valid_figment().merge(("security.registerable", "yes"));
    assert_fairing_failed(ignite(figment).await);
}

#[rocket::async_test]
async fn an_unsupported_value_stops_the_launch() {
    let figment = valid_figment().merge(("security.password_hash", "md5"));
    assert_fairing_failed(ignite(figment).await);
}

#[rocket::async_test]
async fn a_value_outside_a_closed_set_stops_the_launch() {
    for (key, value) in [
        ("security.us_enabled_methods", json!(["password", "sms"])),
        ("security.two_factor_enabled_methods", json!(["sms"])),
        ("security.logout_methods", json!(["PUT"])),
        ("security.csrf_protect_mechanisms", json!(["cookie"])),
    ] {
        let figment = valid_figment().merge((key, value));
        assert_fairing_failed(ignite(figment).await);
    }
    let figment = valid_figment().merge(("security.mail.url", "sendmail://localhost"));
    assert_fairing_failed(ignite(figment).await);
}

#[rocket::async_test]
async fn an_invalid_secret_key_stops_the_launch() {
    use base64::Engine;
    let ten_bytes = base64::engine::general_purpose::STANDARD.encode([7u8; 10]);
    let figment = valid_figment().merge(("secret_key", ten_bytes));
    assert_fairing_failed(ignite(figment).await);
    let figment = valid_figment().merge(("secret_key", "not base64 at all!"));
    assert_fairing_failed(ignite(figment).await);
}

#[rocket::async_test]
async fn release_needs_the_pepper() {
    let figment = rocket_figment()
        .merge(("secret_key", SECRET_KEY))
        .select("release");
    assert_fairing_failed(ignite(figment.clone()).await);
    let figment = figment
        .merge(("security.password_salt", "pepper"))
        .merge(("security.server_name", "https://app.example.com"));
    ignite(figment).await.expect("launches with both secrets");
}

#[rocket::async_test]
async fn release_needs_the_server_name() {
    let figment = rocket_figment()
        .merge(("secret_key", SECRET_KEY))
        .merge(("security.password_salt", "pepper"))
        .select("release");
    assert_fairing_failed(ignite(figment.clone()).await);
    let rocket = ignite(figment.merge(("security.server_name", "https://app.example.com/")))
        .await
        .expect("launches with server_name");
    let security = rocket.state::<Security>().unwrap();
    assert_eq!(security.site_url(), "https://app.example.com");
    assert_eq!(
        security.config().cookie_secure,
        Some(true),
        "an https site gets Secure cookies by default in release"
    );
}

#[rocket::async_test]
async fn debug_links_use_rockets_address_and_port() {
    let figment = valid_figment()
        .merge(("address", "127.0.0.1"))
        .merge(("port", 8123));
    let rocket = ignite(figment).await.expect("launches");
    let security = rocket.state::<Security>().unwrap();
    assert_eq!(security.site_url(), "http://127.0.0.1:8123");
    assert_eq!(security.config().cookie_secure, None);
}

#[get("/protected")]
fn protected(user: AuthUser) -> String {
    user.email.clone()
}

#[rocket::async_test]
async fn a_guard_without_the_fairing_stops_the_launch() {
    let result = rocket::custom(rocket_figment())
        .mount("/", routes![protected])
        .ignite()
        .await;
    let Err(error) = result else {
        panic!("the sentinel should abort the launch")
    };
    match error.kind() {
        ErrorKind::SentinelAborts(sentries) => {
            assert_eq!(sentries.len(), 1, "{sentries:?}");
            assert!(
                sentries[0].type_name.contains("AuthUser"),
                "{}",
                sentries[0].type_name
            );
        }
        other => panic!("expected a sentinel abort, got {other:?}"),
    }
    // With the fairing the same route launches.
    let rocket = rocket::custom(valid_figment())
        .attach(
            Security::builder()
                .datastore(Arc::new(MemoryDatastore::new()))
                .fairing(),
        )
        .mount("/", routes![protected])
        .ignite()
        .await;
    assert!(rocket.is_ok());
}
