//! Durations: the accepted forms, refusals that name the input, serde round trips and lookups by name.

use super::*;

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
