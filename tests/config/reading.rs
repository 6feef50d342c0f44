//! Reading the `security` table from a figment: values, closed sets, refusals that name the key,
//! unknown keys, redacted secrets and the site, mail and activity settings.

use super::*;

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
