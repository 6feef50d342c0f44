//! The defaults: every value as documented, in typed form and in the doc comments.

use super::*;

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
        "locale": "en",
        "i18n_dirname": null,
        "confirm_email_within": "5 days",
        "reset_password_within": "1 days",
        "change_email_within": "2 hours",
        "freshness": "24 hours",
        "freshness_grace_period": "1 hours",
        "session_idle_timeout": "7 days",
        "session_absolute_timeout": "30 days",
        "auth_cache_ttl_ms": 500,
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
