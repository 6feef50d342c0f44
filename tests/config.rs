//! Configuration: the defaults in force, duration parsing, what `from_figment` accepts and
//! refuses, and how a bad configuration stops the launch through Rocket.

use std::sync::Arc;

use rocket::error::ErrorKind;
use rocket::figment::providers::{Format, Toml};
use rocket::figment::Figment;
use rocket::{get, routes};
use rocket_security::{
    AuthMechanism, AuthUser, ConfigError, IdentityAttribute, LogoutMethod, MailConfig,
    MailTransport, MemoryDatastore, PasswordHashScheme, Security, SecurityConfig, TwoFactorMethod,
    UnifiedMethod, WithinDelta,
};
use serde_json::{json, Value};

/// 64 random-looking bytes, base64: a valid `secret_key` used only by these tests.
const SECRET_KEY: &str =
    "hPRYyVRiMyxpw5sBB1XeCMN1kFsDCqKvBi2QJxBVHQk7VsrKd/6JHzuX7WFQ1FhLp31qVvOfhu0kszKYcLfbeQ==";

fn from_toml(security_toml: &str) -> Figment {
    Figment::new().merge(Toml::string(security_toml))
}

// ----- defaults -----

/// Every default, as the key names a `Rocket.toml` uses. A setting added without a line here
/// fails this test, so its default gets looked at.
#[test]
fn every_default_is_the_documented_value() {
    let defaults = serde_json::to_value(SecurityConfig::default()).unwrap();
    let expected = json!({
        "registerable": false,
        "confirmable": false,
        "recoverable": false,
        "changeable": false,
        "change_email": false,
        "trackable": false,
        "two_factor": false,
        "unified_signin": false,
        "multi_factor_recovery_codes": false,
        "login_disabled": false,
        "password_salt": null,
        "password_hash": "argon2",
        "password_length_min": 8,
        "password_length_max": 128,
        "password_complexity_checker": null,
        "zxcvbn_minimum_score": 3,
        "password_check_breached": false,
        "username_enable": false,
        "username_required": false,
        "username_min_length": 4,
        "username_max_length": 32,
        "change_username": false,
        "send_username_change_email": true,
        "username_recovery": false,
        "email_subject_username_recovery": "Your requested username",
        "email_subject_username_change_notice": "Your username has been changed",
        "deletable": false,
        "email_subject_account_deleted": "Your account has been deleted",
        "argon2_memory_kib": 19456,
        "argon2_iterations": 2,
        "argon2_parallelism": 1,
        "password_hash_workers": 0,
        "password_hash_queue": 64,
        "return_generic_responses": true,
        "login_without_confirmation": false,
        "auto_login_after_confirm": false,
        "auto_login_after_reset": false,
        "send_register_email": true,
        "send_password_change_email": true,
        "send_password_reset_notice_email": true,
        "user_identity_attributes": ["email"],
        "flash_messages": true,
        "confirm_email_within": "5 days",
        "reset_password_within": "1 days",
        "change_email_within": "2 hours",
        "freshness": "24 hours",
        "freshness_grace_period": "1 hours",
        "session_idle_timeout": "7 days",
        "session_absolute_timeout": "30 days",
        "url_prefix": "",
        "post_login_view": "/",
        "post_logout_view": "/",
        "post_register_view": null,
        "logout_methods": ["POST"],
        "server_name": null,
        "trusted_hosts": [],
        "trust_forwarded_headers": false,
        "session_cookie_name": "session",
        "cookie_secure": null,
        "session_cookie_secure": null,
        "hsts": null,
        "remember_cookie_name": "remember_token",
        "remember_cookie_duration": "365 days",
        "activity_keep": "365 days",
        "notify_new_device": false,
        "csrf_protect": true,
        "csrf_protect_mechanisms": ["session", "basic"],
        "csrf_ignore_unauth_endpoints": false,
        "csrf_headers": ["X-CSRF-Token", "X-CSRFToken"],
        "csrf_time_limit": "1 hours",
        "token_authentication_header": "Authentication-Token",
        "token_authentication_key": "auth_token",
        "token_max_age": "15 minutes",
        "default_http_auth_realm": "Login Required",
        "email_sender": "no-reply@localhost",
        "email_subject_register": "Welcome",
        "email_subject_confirm": "Please confirm your email",
        "email_subject_password_reset": "Password reset instructions",
        "email_subject_password_notice": "Your password has been reset",
        "email_subject_password_change_notice": "Your password has been changed",
        "email_subject_change_email_instructions": "Confirm your new email address",
        "email_subject_two_factor": "Two-Factor Login",
        "us_email_subject": "Verification Code",
        "email_subject_change_email_notice": "Your email address has been changed",
        "email_subject_two_factor_disabled_notice": "Two-factor authentication has been turned off",
        "email_subject_two_factor_changed_notice": "Your two-factor authenticator has been replaced",
        "email_subject_recovery_codes_notice": "New recovery codes have been generated",
        "email_subject_us_setup_notice": "Your sign-in methods have changed",
        "mail": {"url": "log", "username": null, "password": null, "max_attempts": 10},
        "totp_issuer": null,
        "totp_secrets": {},
        "two_factor_enabled_methods": ["authenticator"],
        "two_factor_required": false,
        "two_factor_always_validate": true,
        "two_factor_login_validity": "30 days",
        "two_factor_authenticator_validity": "120 seconds",
        "two_factor_mail_validity": "5 minutes",
        "two_factor_rescue_mail": null,
        "multi_factor_recovery_codes_n": 5,
        "us_enabled_methods": ["password", "email"],
        "us_mfa_required": ["password", "email"],
        "us_token_validity": "120 seconds",
        "code_attempts_max": 10,
        "code_attempts_window": "15 minutes",
        "mail_limit": 3,
        "mail_limit_within": "15 minutes",
        "lockout_failures": 10,
        "lockout_within": "15 minutes",
        "lockout_duration": "15 minutes",
        "ip_failures": 100,
        "ip_failures_within": "15 minutes",
        "email_subject_account_locked": "Your account was locked",
        "auto_migrate": true,
        "webauthn": false,
        "wan_rp_id": null,
        "wan_rp_name": null,
        "wan_allow_as_first_factor": true,
        "wan_allow_as_multi_factor": true,
        "wan_allow_as_second_factor": null,
        "wan_allow_as_verify": true,
        "wan_register_within": "30 minutes",
        "wan_signin_within": "1 minutes",
        "wan_post_register_view": null,
        "email_subject_passkey_added_notice": "A passkey was added to your account",
        "email_subject_passkey_removed_notice": "A passkey was removed from your account",
    });
    let (Value::Object(defaults), Value::Object(expected)) = (&defaults, &expected) else {
        unreachable!()
    };
    for (key, value) in expected {
        assert_eq!(defaults.get(key), Some(value), "default of {key}");
    }
    let unlisted: Vec<&String> = defaults
        .keys()
        .filter(|k| !expected.contains_key(*k))
        .collect();
    assert!(
        unlisted.is_empty(),
        "settings without a checked default: {unlisted:?}"
    );
}

/// The lockout and per-client limits read from `Rocket.toml`, and refused when malformed.
#[test]
fn lockout_and_client_limits_parse() {
    let figment = from_toml(
        "[security]\nlockout_failures = 3\nlockout_within = \"2 minutes\"\n\
         lockout_duration = \"1 hours\"\nip_failures = 100000\nip_failures_within = \"1 days\"",
    );
    let (config, unknown) = SecurityConfig::from_figment(&figment).unwrap();
    assert!(unknown.is_empty(), "{unknown:?}");
    assert_eq!(config.lockout_failures, 3);
    assert_eq!(config.lockout_within.as_secs(), 120);
    assert_eq!(config.lockout_duration.as_secs(), 3600);
    assert_eq!(config.ip_failures, 100_000);
    assert_eq!(config.ip_failures_within.as_secs(), 86_400);
    let defaults = SecurityConfig::default();
    assert_eq!(defaults.lockout_failures, 10);
    assert_eq!(defaults.lockout_duration.as_secs(), 900);
    assert_eq!(defaults.ip_failures, 100);
    let bad = from_toml("[security]\nlockout_duration = \"forever\"");
    let error = SecurityConfig::from_figment(&bad).unwrap_err().to_string();
    assert!(error.contains("lockout_duration"), "{error}");
    let bad = from_toml("[security]\nip_failures = \"many\"");
    let error = SecurityConfig::from_figment(&bad).unwrap_err().to_string();
    assert!(error.contains("ip_failures"), "{error}");
}

/// The values CONTRACT C1 and C8 rely on, through the typed fields.
#[test]
fn contract_defaults_in_typed_form() {
    let c = SecurityConfig::default();
    assert!(c.return_generic_responses);
    assert_eq!(c.password_length_min, 8);
    assert!(!c.login_without_confirmation);
    assert!(!c.auto_login_after_confirm && !c.auto_login_after_reset);
    assert!(c.send_register_email);
    assert!(c.send_password_change_email && c.send_password_reset_notice_email);
    assert_eq!(c.password_hash, PasswordHashScheme::Argon2);
    assert_eq!(c.user_identity_attributes, [IdentityAttribute::Email]);
    assert_eq!(c.logout_methods, [LogoutMethod::Post]);
    assert_eq!(
        c.csrf_protect_mechanisms,
        [AuthMechanism::Session, AuthMechanism::Basic]
    );
    assert_eq!(c.token_authentication_header, "Authentication-Token");
    assert_eq!(c.token_authentication_key.as_deref(), Some("auth_token"));
    assert_eq!(c.token_max_age.as_secs(), 900);
    assert_eq!(c.default_http_auth_realm, "Login Required");
    assert_eq!(c.csrf_time_limit.as_secs(), 3600);
    assert_eq!(c.post_login_view, "/");
    assert_eq!(c.post_logout_view, "/");
    assert_eq!(c.multi_factor_recovery_codes_n, 5);
    assert_eq!(c.two_factor_authenticator_validity.as_secs(), 120);
    assert_eq!(c.us_token_validity.as_secs(), 120);
    assert_eq!(c.two_factor_mail_validity.as_secs(), 300);
    assert_eq!(
        c.two_factor_enabled_methods,
        [TwoFactorMethod::Authenticator]
    );
    let (password, email) = (UnifiedMethod::Password, UnifiedMethod::Email);
    assert_eq!(c.us_enabled_methods, [password, email]);
    assert_eq!(c.us_mfa_required, [password, email]);
    // C1 lifetimes (production values) and freshness.
    let secs = |d: &WithinDelta| d.as_secs();
    assert_eq!(secs(&c.confirm_email_within), 5 * 86_400);
    assert_eq!(secs(&c.reset_password_within), 86_400);
    assert_eq!(secs(&c.change_email_within), 2 * 3600);
    assert_eq!(secs(&c.freshness), 24 * 3600);
    assert_eq!(secs(&c.freshness_grace_period), 3600);
    assert_eq!(secs(&c.session_idle_timeout), 7 * 86_400);
    assert_eq!(secs(&c.session_absolute_timeout), 30 * 86_400);
    assert_eq!(secs(&c.remember_cookie_duration), 365 * 86_400);
    assert_eq!(secs(&c.two_factor_login_validity), 30 * 86_400);
    assert_eq!(secs(&c.code_attempts_window), 15 * 60);
    assert_eq!(c.mail_limit, 3);
    assert_eq!(secs(&c.mail_limit_within), 15 * 60);
    // C8 subjects.
    assert_eq!(c.email_subject_register, "Welcome");
    assert_eq!(c.email_subject_confirm, "Please confirm your email");
    assert_eq!(
        c.email_subject_password_reset,
        "Password reset instructions"
    );
    assert_eq!(
        c.email_subject_password_notice,
        "Your password has been reset"
    );
    assert_eq!(
        c.email_subject_password_change_notice,
        "Your password has been changed"
    );
    assert_eq!(
        c.email_subject_change_email_instructions,
        "Confirm your new email address"
    );
    assert_eq!(c.email_subject_two_factor, "Two-Factor Login");
    assert_eq!(c.us_email_subject, "Verification Code");
    assert_eq!(c.mail, MailConfig::default());
    assert_eq!(c.mail.url, "log");
    assert_eq!(c.mail.transport(), Some(MailTransport::Log));
    assert_eq!(c.mail.max_attempts, 10);
}

/// The doc comment of each field of `SecurityConfig` (what `cargo doc` shows users) and its
/// actual default agree: every "Default: `...`" is compared with the serialized default.
#[test]
fn doc_comments_state_the_real_defaults() {
    // From the crate root, so the test reads the same file wherever it moves under tests/.
    let source = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/config/settings.rs"
    ));
    let body = source
        .split("pub struct SecurityConfig {")
        .nth(1)
        .and_then(|rest| rest.split("\n}\n").next())
        .expect("the struct in src/config/settings.rs");
    let defaults = serde_json::to_value(SecurityConfig::default()).unwrap();
    let mut docs = String::new();
    let mut checked = 0;
    let mut undocumented = Vec::new();
    for line in body.lines().map(str::trim) {
        if let Some(doc) = line.strip_prefix("///") {
            docs.push_str(doc);
            docs.push(' ');
            continue;
        }
        let Some(field) = line
            .strip_prefix("pub ")
            .and_then(|rest| rest.split(':').next())
        else {
            continue;
        };
        let documented = docs
            .split("Default: `")
            .nth(1)
            .and_then(|rest| rest.split('`').next())
            .map(str::to_owned);
        docs.clear();
        let actual = &defaults[field];
        let Some(documented) = documented else {
            undocumented.push(field.to_owned());
            continue;
        };
        let expected: Value = if documented == "None" {
            Value::Null
        } else if let Some(inner) = documented
            .strip_prefix("Some(")
            .and_then(|s| s.strip_suffix(')'))
        {
            serde_json::from_str(inner).unwrap()
        } else {
            serde_json::from_str(&documented)
                .unwrap_or_else(|e| panic!("{field}: documented default {documented:?}: {e}"))
        };
        assert_eq!(
            actual, &expected,
            "{field}: the doc comment says {documented}"
        );
        checked += 1;
    }
    // Secrets have no default, `totp_secrets` says "empty" and `mail` is its own table.
    assert_eq!(undocumented, ["password_salt", "mail", "totp_secrets"]);
    assert_eq!(defaults["totp_secrets"], json!({}));
    assert!(checked > 70, "only {checked} defaults documented");
}

// ----- durations -----

#[test]
fn durations_parse_in_get_within_delta_form() {
    for (text, secs) in [
        ("10 seconds", 10),
        ("1 second", 1),
        ("1 minute", 60),
        ("15 minutes", 900),
        ("2 hours", 7200),
        ("1 hour", 3600),
        ("5 days", 5 * 86_400),
        ("1 weeks", 604_800),
        ("2 WEEKS", 2 * 604_800),
        ("0 seconds", 0),
        ("  3   days ", 3 * 86_400),
    ] {
        let parsed: WithinDelta = text
            .parse()
            .unwrap_or_else(|e| panic!("{text:?} was refused: {e}"));
        assert_eq!(parsed.as_secs(), secs, "{text:?}");
        assert_eq!(parsed.duration().as_secs(), secs, "{text:?}");
        assert_eq!(parsed.to_chrono().num_seconds(), secs as i64, "{text:?}");
    }
    // The text is kept as written (messages quote it), only trimmed.
    let d: WithinDelta = "10 seconds".parse().unwrap();
    assert_eq!(d.to_string(), "10 seconds");
    assert_eq!(format!("{d:?}"), "\"10 seconds\"");
    let d: WithinDelta = " 2 hours ".parse().unwrap();
    assert_eq!(d.to_string(), "2 hours");
}

#[test]
fn malformed_durations_are_refused_naming_the_input() {
    for text in [
        "ten seconds",
        "10",
        "10 fortnights",
        "",
        "   ",
        "seconds",
        "10 seconds ago",
        "-5 seconds",
        "1.5 hours",
        "10 secondss",
        "10 s",
        "+5 seconds",
    ] {
        let error = text
            .parse::<WithinDelta>()
            .expect_err(&format!("{text:?} was accepted"));
        let message = error.to_string();
        assert!(
            message.contains(&format!("{text:?}")),
            "{text:?}: message does not quote the input: {message}"
        );
        assert!(message.contains("\"10 seconds\""), "{message}");
    }
}

/// Durations too long for date arithmetic are refused when read, not at the first request
/// that adds one to a timestamp.
#[test]
fn overlong_durations_are_refused_naming_the_input() {
    assert_eq!(
        "365000 days".parse::<WithinDelta>().unwrap().as_secs(),
        365_000 * 86_400
    );
    for text in [
        "365001 days",
        "1000000000000 weeks",
        "18446744073709551615 seconds",
        "18446744073709551615 weeks",
        "99999999999999999999999 seconds",
    ] {
        let error = text
            .parse::<WithinDelta>()
            .expect_err(&format!("{text:?} was accepted"));
        let message = error.to_string();
        assert!(message.contains(&format!("{text:?}")), "{message}");
        assert!(message.contains("too long"), "{message}");
    }
}

#[test]
fn durations_round_trip_through_serde() {
    let d: WithinDelta = serde_json::from_value(json!("2 hours")).unwrap();
    assert_eq!(d.as_secs(), 7200);
    assert_eq!(serde_json::to_value(&d).unwrap(), json!("2 hours"));
    let error = serde_json::from_value::<WithinDelta>(json!("2 fortnights")).unwrap_err();
    assert!(error.to_string().contains("\"2 fortnights\""), "{error}");
    assert!(serde_json::from_value::<WithinDelta>(json!(7200)).is_err());
}

// ----- from_figment -----

#[test]
fn from_figment_without_a_security_table_gives_the_defaults() {
    let (config, unknown) = SecurityConfig::from_figment(&Figment::new()).unwrap();
    assert_eq!(config, SecurityConfig::default());
    assert!(unknown.is_empty());
}

#[test]
fn from_figment_reads_the_contract_configuration() {
    let figment = from_toml(
        r#"
        [security]
        password_salt = "pepper"
        registerable = true
        confirmable = true
        two_factor_enabled_methods = ["authenticator"]
        us_mfa_required = ["password", "email"]
        password_length_min = 10
        confirm_email_within = "10 seconds"
        reset_password_within = "10 seconds"
        change_email_within = "2 hours"
        totp_issuer = "fsref"
        email_sender = "no-reply@fsref.example.com"

        [security.mail]
        url = "smtp://127.0.0.1:2525"
        "#,
    );
    let (config, unknown) = SecurityConfig::from_figment(&figment).unwrap();
    assert!(unknown.is_empty(), "{unknown:?}");
    assert!(config.registerable && config.confirmable);
    assert!(!config.recoverable, "unset settings keep their default");
    assert_eq!(config.password_salt.as_deref(), Some("pepper"));
    assert_eq!(config.password_length_min, 10);
    assert_eq!(config.confirm_email_within.as_secs(), 10);
    assert_eq!(config.confirm_email_within.to_string(), "10 seconds");
    assert_eq!(config.reset_password_within.as_secs(), 10);
    assert_eq!(config.change_email_within.as_secs(), 7200);
    assert_eq!(config.totp_issuer.as_deref(), Some("fsref"));
    assert_eq!(config.email_sender, "no-reply@fsref.example.com");
    assert_eq!(config.mail.url, "smtp://127.0.0.1:2525");
    assert_eq!(
        config.mail.max_attempts, 10,
        "unset mail settings keep theirs"
    );
}

/// The `[default.security]` table of CONTRACT C0, as written there, reads into the typed
/// settings.
#[test]
fn the_contract_table_reads_into_enums() {
    let figment = from_toml(
        r#"
        [security]
        two_factor_enabled_methods = ["authenticator"]
        us_enabled_methods = ["password", "email", "authenticator"]
        us_mfa_required = ["password", "email"]
        lockout_within = "15 minutes"
        ip_failures_within = "15 minutes"

        [security.mail]
        url = "smtp://127.0.0.1:2525"
        "#,
    );
    let (config, unknown) = SecurityConfig::from_figment(&figment).unwrap();
    assert!(unknown.is_empty(), "{unknown:?}");
    use UnifiedMethod::{Authenticator, Email, Password};
    assert_eq!(config.us_enabled_methods, [Password, Email, Authenticator]);
    assert_eq!(config.us_mfa_required, [Password, Email]);
    assert_eq!(
        config.two_factor_enabled_methods,
        [TwoFactorMethod::Authenticator]
    );
    assert_eq!(config.mail.transport(), Some(MailTransport::Smtp));
    // Every closed set is read without regard to case and written back as documented.
    let figment = from_toml(
        "[security]\nlogout_methods = [\"post\", \"GET\"]\npassword_hash = \"Argon2\"\n\
         csrf_protect_mechanisms = [\"Token\"]\nuser_identity_attributes = [\"EMAIL\"]",
    );
    let (config, _) = SecurityConfig::from_figment(&figment).unwrap();
    assert_eq!(
        config.logout_methods,
        [LogoutMethod::Post, LogoutMethod::Get]
    );
    assert_eq!(config.csrf_protect_mechanisms, [AuthMechanism::Token]);
    let json = serde_json::to_value(&config).unwrap();
    assert_eq!(json["logout_methods"], json!(["POST", "GET"]));
    assert_eq!(json["password_hash"], json!("argon2"));
    assert_eq!(json["user_identity_attributes"], json!(["email"]));
}

/// A value outside a closed set stops the configuration with a message naming the key and the
/// value (and what would do).
#[test]
fn values_outside_a_closed_set_are_refused_naming_the_key_and_the_value() {
    for (toml, key, value) in [
        (
            "us_enabled_methods = [\"password\", \"sms\"]",
            "us_enabled_methods",
            "sms",
        ),
        (
            "us_mfa_required = [\"passwd\"]",
            "us_mfa_required",
            "passwd",
        ),
        (
            "two_factor_enabled_methods = [\"email\"]",
            "two_factor_enabled_methods",
            "email",
        ),
        ("logout_methods = [\"DELETE\"]", "logout_methods", "DELETE"),
        ("password_hash = \"bcrypt\"", "password_hash", "bcrypt"),
        (
            "csrf_protect_mechanisms = [\"cookie\"]",
            "csrf_protect_mechanisms",
            "cookie",
        ),
        (
            "user_identity_attributes = [\"phone\"]",
            "user_identity_attributes",
            "phone",
        ),
    ] {
        let figment = from_toml(&format!("[security]\n{toml}"));
        let error = SecurityConfig::from_figment(&figment).expect_err(toml);
        let message = error.to_string();
        assert!(
            matches!(error, ConfigError::Invalid(_)),
            "{toml}: {message}"
        );
        assert!(message.contains(key), "{toml}: no key in {message}");
        assert!(
            message.contains(&format!("{value:?}")),
            "{toml}: no value in {message}"
        );
        assert!(message.contains("expected one of"), "{toml}: {message}");
    }
    for url in [
        "sendmail:///usr/sbin/sendmail",
        "smtp.example.com",
        "ftp://u:hunter2@x",
    ] {
        let figment = from_toml(&format!("[security.mail]\nurl = {url:?}"));
        let error = SecurityConfig::from_figment(&figment).expect_err(url);
        let message = error.to_string();
        assert!(
            matches!(error, ConfigError::Unsupported { .. }),
            "{message}"
        );
        assert!(message.contains("security.mail.url"), "{message}");
        assert!(
            message.contains(url.split('@').next_back().unwrap()),
            "{message}"
        );
        assert!(!message.contains("hunter2"), "{message}");
    }
}

/// The lifetimes Flask-Security-Too gives in seconds take a number of seconds or a duration.
#[test]
fn second_counts_and_durations_are_both_read() {
    let figment = from_toml(
        "[security]\ntoken_max_age = 0\nus_token_validity = 60\n\
         csrf_time_limit = \"2 hours\"\ntwo_factor_mail_validity = \"10 minutes\"",
    );
    let (config, _) = SecurityConfig::from_figment(&figment).unwrap();
    assert_eq!(config.token_max_age.as_secs(), 0);
    assert_eq!(config.us_token_validity.as_secs(), 60);
    assert_eq!(config.us_token_validity.to_string(), "60 seconds");
    assert_eq!(config.csrf_time_limit.as_secs(), 7200);
    assert_eq!(config.two_factor_mail_validity.as_secs(), 600);
    for (toml, key) in [
        ("token_max_age = -1", "token_max_age"),
        ("us_token_validity = \"soon\"", "us_token_validity"),
        ("csrf_time_limit = 1.5", "csrf_time_limit"),
        (
            "two_factor_authenticator_validity = 99999999999999",
            "two_factor_authenticator_validity",
        ),
    ] {
        let figment = from_toml(&format!("[security]\n{toml}"));
        let message = SecurityConfig::from_figment(&figment)
            .expect_err(toml)
            .to_string();
        assert!(message.contains(key), "{toml}: {message}");
    }
}

#[test]
fn wrong_types_are_refused_naming_the_key() {
    for (toml, key) in [
        ("registerable = \"yes\"", "registerable"),
        ("password_length_min = \"eight\"", "password_length_min"),
        ("token_max_age = -1", "token_max_age"),
        ("logout_methods = \"POST\"", "logout_methods"),
        ("[security.mail]\nmax_attempts = \"many\"", "max_attempts"),
    ] {
        let figment = from_toml(&format!("[security]\n{toml}"));
        let error = SecurityConfig::from_figment(&figment).expect_err(toml);
        assert!(
            matches!(error, ConfigError::Invalid(_)),
            "{toml}: {error:?}"
        );
        let message = error.to_string();
        assert!(
            message.contains(key),
            "{toml}: message lacks {key}: {message}"
        );
    }
}

#[test]
fn malformed_durations_are_refused_naming_the_key_and_the_value() {
    let figment = from_toml("[security]\nconfirm_email_within = \"ten seconds\"");
    let message = SecurityConfig::from_figment(&figment)
        .unwrap_err()
        .to_string();
    assert!(message.contains("confirm_email_within"), "{message}");
    assert!(message.contains("ten seconds"), "{message}");
    let figment = from_toml("[security]\nfreshness = 86400");
    let message = SecurityConfig::from_figment(&figment)
        .unwrap_err()
        .to_string();
    assert!(message.contains("freshness"), "{message}");
}

#[test]
fn unsupported_values_are_refused_naming_the_key() {
    for (toml, key) in [
        ("url_prefix = \"auth\"", "url_prefix"),
        (
            "password_length_min = 20\npassword_length_max = 10",
            "password_length_min",
        ),
        ("argon2_iterations = 0", "argon2"),
        ("password_length_max = 32", "password_length_max"),
        ("zxcvbn_minimum_score = 5", "zxcvbn_minimum_score"),
        ("username_min_length = 40", "username_min_length"),
        (
            "user_identity_attributes = [\"username\"]",
            "user_identity_attributes",
        ),
    ] {
        let figment = from_toml(&format!("[security]\n{toml}"));
        let error = SecurityConfig::from_figment(&figment).expect_err(toml);
        assert!(
            matches!(error, ConfigError::Unsupported { .. }),
            "{toml}: {error:?}"
        );
        assert!(error.to_string().contains(key), "{toml}: {error}");
    }
}

#[test]
fn unknown_keys_are_returned_not_refused() {
    let figment = from_toml(
        r#"
        [security]
        registerable = true
        registrable = true
        password_salt = "pepper"

        [security.mail]
        url = "log"
        hostname = "smtp.example.com"
        "#,
    );
    let (config, unknown) = SecurityConfig::from_figment(&figment).unwrap();
    assert!(config.registerable);
    assert_eq!(unknown, ["security.mail.hostname", "security.registrable"]);
}

#[test]
fn get_within_delta_finds_lifetimes_by_name() {
    let figment = from_toml("[security]\nconfirm_email_within = \"10 seconds\"");
    let (config, _) = SecurityConfig::from_figment(&figment).unwrap();
    let secs = |key: &str| config.get_within_delta(key).map(WithinDelta::as_secs);
    assert_eq!(secs("confirm_email_within"), Some(10));
    assert_eq!(secs("SECURITY_CONFIRM_EMAIL_WITHIN"), Some(10));
    assert_eq!(secs("reset_password_within"), Some(86_400));
    assert_eq!(secs("change_email_within"), Some(7200));
    assert_eq!(secs("freshness"), Some(86_400));
    assert_eq!(secs("freshness_grace_period"), Some(3600));
    assert_eq!(secs("session_idle_timeout"), Some(7 * 86_400));
    assert_eq!(secs("session_absolute_timeout"), Some(30 * 86_400));
    assert_eq!(secs("remember_cookie_duration"), Some(365 * 86_400));
    assert_eq!(secs("two_factor_login_validity"), Some(30 * 86_400));
    assert_eq!(secs("code_attempts_window"), Some(900));
    assert_eq!(secs("mail_limit_within"), Some(900));
    assert_eq!(secs("lockout_within"), Some(900));
    assert_eq!(secs("lockout_duration"), Some(900));
    assert_eq!(secs("ip_failures_within"), Some(900));
    assert_eq!(
        config
            .get_within_delta("confirm_email_within")
            .unwrap()
            .to_string(),
        "10 seconds"
    );
    assert_eq!(secs("token_max_age"), Some(900));
    assert_eq!(secs("csrf_time_limit"), Some(3600));
    assert_eq!(secs("two_factor_authenticator_validity"), Some(120));
    assert_eq!(secs("two_factor_mail_validity"), Some(300));
    assert_eq!(secs("us_token_validity"), Some(120));
    assert_eq!(secs("password_length_min"), None, "not a duration setting");
    assert_eq!(secs("no_such_setting"), None);
}

#[test]
fn debug_output_redacts_secrets() {
    let figment = from_toml(
        r#"
        [security]
        password_salt = "pepper-that-must-not-leak"
        totp_secrets = { "1" = "totp-key-that-must-not-leak" }

        [security.mail]
        url = "smtp://127.0.0.1:2525"
        username = "mailer"
        password = "mail-password-that-must-not-leak"
        "#,
    );
    let (config, _) = SecurityConfig::from_figment(&figment).unwrap();
    let debug = format!("{config:?}");
    for secret in [
        "pepper-that-must-not-leak",
        "totp-key-that-must-not-leak",
        "mail-password-that-must-not-leak",
    ] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
    assert!(debug.contains("[redacted]"), "{debug}");
    assert!(debug.contains("smtp://127.0.0.1:2525"), "{debug}");
    assert!(
        debug.contains("mailer"),
        "the user name is not secret: {debug}"
    );
    let mail = format!("{:?}", config.mail);
    assert!(!mail.contains("mail-password-that-must-not-leak"), "{mail}");
    assert!(mail.contains("[redacted]"), "{mail}");
    // Nothing to redact: no placeholder pretending there is a secret.
    let plain = format!("{:?}", SecurityConfig::default());
    assert!(!plain.contains("[redacted]"), "{plain}");
}

// ----- launching through Rocket -----

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

#[test]
fn site_settings_parse_and_check() {
    let figment = from_toml(
        r#"
        [security]
        server_name = "https://app.example.com"
        trusted_hosts = ["app.example.com", "www.example.com:8443"]
        trust_forwarded_headers = true
        cookie_secure = true
        hsts = "max-age=31536000; includeSubDomains"
        "#,
    );
    let (config, unknown) = SecurityConfig::from_figment(&figment).unwrap();
    assert!(unknown.is_empty(), "{unknown:?}");
    assert_eq!(
        config.trusted_hosts,
        ["app.example.com", "www.example.com:8443"]
    );
    assert_eq!(config.cookie_secure, Some(true));
    assert_eq!(
        config.hsts.as_deref(),
        Some("max-age=31536000; includeSubDomains")
    );
    assert!(config.cookie_secure(false));
    // The older name still works; the new one wins.
    let old = from_toml("[security]\nsession_cookie_secure = true");
    let (config, _) = SecurityConfig::from_figment(&old).unwrap();
    assert!(config.cookie_secure(false));
    let both = from_toml("[security]\nsession_cookie_secure = true\ncookie_secure = false");
    let (config, _) = SecurityConfig::from_figment(&both).unwrap();
    assert!(!config.cookie_secure(true));
    assert!(SecurityConfig::default().cookie_secure(true));
    assert!(!SecurityConfig::default().cookie_secure(false));
    for bad in ["app.example.com", "ftp://app.example.com", "https://"] {
        let figment = from_toml(&format!("[security]\nserver_name = {bad:?}"));
        let error = SecurityConfig::from_figment(&figment).unwrap_err();
        assert!(error.to_string().contains("server_name"), "{error}");
    }
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

#[test]
fn mail_limit_and_notice_subjects_are_read() {
    let figment = from_toml(
        r#"
        [security]
        mail_limit = 5
        mail_limit_within = "1 hours"
        email_subject_change_email_notice = "Address changed"
        email_subject_us_setup_notice = "Sign-in methods changed"
        "#,
    );
    let (config, unknown) = SecurityConfig::from_figment(&figment).unwrap();
    assert!(unknown.is_empty(), "{unknown:?}");
    assert_eq!(config.mail_limit, 5);
    assert_eq!(config.mail_limit_within.as_secs(), 3600);
    assert_eq!(config.email_subject_change_email_notice, "Address changed");
    assert_eq!(
        config.email_subject_us_setup_notice,
        "Sign-in methods changed"
    );
    let bad = from_toml("[security]\nmail_limit_within = \"soon\"");
    let error = SecurityConfig::from_figment(&bad).unwrap_err().to_string();
    assert!(error.contains("mail_limit_within"), "{error}");
}

#[test]
fn activity_keep_defaults_to_a_year_and_parses() {
    let (config, _) = SecurityConfig::from_figment(&from_toml("")).unwrap();
    assert_eq!(config.activity_keep.as_secs(), 365 * 86_400);
    let figment = from_toml("[security]\nactivity_keep = \"90 days\"");
    let (config, _) = SecurityConfig::from_figment(&figment).unwrap();
    assert_eq!(config.activity_keep.as_secs(), 90 * 86_400);
    assert_eq!(
        config
            .get_within_delta("activity_keep")
            .map(WithinDelta::as_secs),
        Some(90 * 86_400)
    );
    assert!(!config.notify_new_device);
    let figment = from_toml("[security]\nnotify_new_device = true");
    assert!(
        SecurityConfig::from_figment(&figment)
            .unwrap()
            .0
            .notify_new_device
    );
    let figment = from_toml("[security]\nactivity_keep = \"soon\"");
    assert!(SecurityConfig::from_figment(&figment).is_err());
}
