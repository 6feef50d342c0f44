use std::collections::{BTreeMap, BTreeSet};

use super::*;

const FILES: [(&str, &str); 4] = [
    ("en", include_str!("../../locales/en/security.ftl")),
    ("de", include_str!("../../locales/de/security.ftl")),
    ("fr", include_str!("../../locales/fr/security.ftl")),
    ("es", include_str!("../../locales/es/security.ftl")),
];

/// The page texts, a file of their own in every language.
const PAGES: [(&str, &str); 4] = [
    ("en", include_str!("../../locales/en/pages.ftl")),
    ("de", include_str!("../../locales/de/pages.ftl")),
    ("fr", include_str!("../../locales/fr/pages.ftl")),
    ("es", include_str!("../../locales/es/pages.ftl")),
];

/// Each message of a `.ftl` file with the placeholders (`$name`) its text uses.
fn messages(source: &str) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in source.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            let key = line.split(" =").next().unwrap_or_default().to_owned();
            out.entry(key.clone()).or_default();
            current = Some(key);
        }
        let key = current.clone().expect("continuation after a message");
        for part in line.split("{ $").skip(1) {
            let name = part.split(' ').next().unwrap_or_default().to_owned();
            out.entry(key.clone()).or_default().insert(name);
        }
    }
    out
}

#[test]
fn every_language_has_exactly_the_english_messages_with_the_same_placeholders() {
    for files in [&FILES, &PAGES] {
        same_messages_as_english(files);
    }
}

/// Asserts that every other language of `files` has exactly the English keys and placeholders.
fn same_messages_as_english(files: &[(&str, &str); 4]) {
    let english = messages(files[0].1);
    assert!(english.len() > 50, "the English file was read");
    for (lang, source) in &files[1..] {
        let other = messages(source);
        let missing: Vec<_> = english.keys().filter(|k| !other.contains_key(*k)).collect();
        let extra: Vec<_> = other.keys().filter(|k| !english.contains_key(*k)).collect();
        assert!(missing.is_empty(), "{lang} lacks {missing:?}");
        assert!(extra.is_empty(), "{lang} has unknown {extra:?}");
        for (key, placeholders) in &english {
            assert_eq!(&other[key], placeholders, "placeholders of {key} in {lang}");
        }
    }
}

#[test]
fn every_message_has_a_text_in_every_language_and_a_distinct_name() {
    let catalog = Catalog::load("en", None, &BTreeMap::new()).unwrap();
    let all: Vec<&Message> = Message::PLAIN.iter().chain(Message::WITH_ARGS).collect();
    // Every variant but `Text` is listed: the table of names has one override name each.
    let names_table = include_str!("message/names.rs");
    let listed_names = names_table.matches("\"msg_").count()
        + names_table.matches("\"email_subject_").count()
        + names_table.matches("\"us_email_subject\"").count();
    assert_eq!(
        all.len(),
        listed_names,
        "a message is missing from the lists"
    );
    let mut names = BTreeSet::new();
    for message in all {
        assert!(
            names.insert(message.fst_name()),
            "{message:?} shares a name"
        );
        assert_eq!(
            Message::by_fst_name(message.fst_name()).as_ref(),
            Some(message)
        );
        let args: Args = message
            .args()
            .into_iter()
            .map(|(name, value)| (Cow::Borrowed(name), FluentValue::from(value)))
            .collect();
        for lang in ["en", "de", "fr", "es"] {
            let lang = catalog.fit(lang).unwrap();
            let text = catalog.lookup_in(&lang, message.fluent_id(), Some(&args));
            assert!(text.is_some(), "{message:?} has no text in {lang}");
        }
    }
}

#[test]
fn english_texts_are_the_contract_texts() {
    let catalog = Catalog::load("en", None, &BTreeMap::new()).unwrap();
    let en = catalog.default_locale().clone();
    assert_eq!(
        catalog.message(&en, &Message::GenericAuthnFailed),
        "Authentication failed - identity or password/passcode invalid"
    );
    assert_eq!(
        catalog.message(
            &en,
            &Message::ResetInstructionsSent {
                email: "a@example.com".into()
            }
        ),
        "Instructions to reset your password have been sent to a@example.com."
    );
    assert_eq!(
        catalog.message(&en, &Message::PasswordTooShort { length: 8 }),
        "Password must be at least 8 characters"
    );
}

#[test]
fn accept_language_picks_the_best_available_locale() {
    let catalog = Catalog::load("en", None, &BTreeMap::new()).unwrap();
    let tag = |header: Option<&str>| {
        catalog
            .accepted(header)
            .unwrap_or_else(|| catalog.default_locale().clone())
            .to_string()
    };
    assert_eq!(tag(Some("de-DE,de;q=0.9,en;q=0.8")), "de");
    assert_eq!(tag(Some("it, fr;q=0.5, es;q=0.7")), "es");
    assert_eq!(tag(Some("fr-CA")), "fr");
    assert_eq!(tag(Some("de;q=0, fr;q=0.1")), "fr");
    assert_eq!(tag(Some("xx-yy, ;;;=,")), "en");
    assert_eq!(tag(Some("")), "en");
    assert_eq!(tag(None), "en");
    assert_eq!(
        catalog.fit("de-AT").map(|l| l.to_string()),
        Some("de".into())
    );
    assert_eq!(catalog.fit("not a tag"), None);
}

#[test]
fn english_overrides_by_flask_security_name_fill_their_placeholders() {
    let overrides = BTreeMap::from([(
        "msg_password_reset_request".to_owned(),
        "Check %(email)s for a link.".to_owned(),
    )]);
    let catalog = Catalog::load("en", None, &overrides).unwrap();
    let en = catalog.default_locale().clone();
    let de = catalog.fit("de").unwrap();
    let sent = Message::ResetInstructionsSent {
        email: "a@example.com".into(),
    };
    assert_eq!(
        catalog.message(&en, &sent),
        "Check a@example.com for a link."
    );
    assert!(catalog.message(&de, &sent).starts_with("Eine Anleitung"));
    let bad = BTreeMap::from([("msg_no_such_thing".to_owned(), "x".to_owned())]);
    assert!(Catalog::load("en", None, &bad)
        .unwrap_err()
        .contains("msg_no_such_thing"));
}

#[test]
fn an_unknown_default_locale_is_refused_with_the_available_ones() {
    let error = Catalog::load("xx", None, &BTreeMap::new()).unwrap_err();
    assert!(error.contains("de, en, es, fr"), "{error}");
}

#[test]
fn right_to_left_languages_are_known() {
    let tag = |t: &str| t.parse::<LanguageIdentifier>().unwrap();
    assert_eq!(direction(&tag("he")), "rtl");
    assert_eq!(direction(&tag("ar-EG")), "rtl");
    assert_eq!(direction(&tag("de")), "ltr");
}

#[test]
fn the_crates_messages_are_translated() {
    let catalog = Catalog::load("en", None, &BTreeMap::new()).unwrap();
    let en = catalog.default_locale().clone();
    for lang in ["de", "fr", "es"] {
        let lang = catalog.fit(lang).unwrap();
        for message in [
            Message::Unauthenticated,
            Message::CsrfMissing,
            Message::InternalError,
            Message::NotAValidChoice,
            Message::UsernameDisallowedCharacters,
            Message::WanRegisterFailed,
            Message::BodyNotUtf8,
            Message::PageNotFound,
        ] {
            let english = catalog.message(&en, &message);
            assert_ne!(catalog.message(&lang, &message), english, "{english}");
        }
    }
}

#[test]
fn every_default_mail_subject_is_translated_and_a_configured_one_replaces_only_english() {
    let subjects: Vec<&Message> = Message::PLAIN
        .iter()
        .filter(|m| m.fst_name().contains("subject"))
        .collect();
    assert!(subjects.len() >= 20, "{subjects:?}");
    let overrides = BTreeMap::from([(
        "email_subject_password_reset".to_owned(),
        "Reset your Acme password".to_owned(),
    )]);
    let catalog = Catalog::load("en", None, &overrides).unwrap();
    let en = catalog.default_locale().clone();
    let config = serde_json::to_value(crate::SecurityConfig::default()).unwrap();
    for lang in ["de", "fr", "es"] {
        let lang = catalog.fit(lang).unwrap();
        for subject in &subjects {
            let english = subject.to_string();
            assert_ne!(
                catalog.message(&lang, subject),
                english,
                "{english} in {lang}"
            );
        }
    }
    for subject in &subjects {
        if let Some(default) = config.get(subject.fst_name()).and_then(|v| v.as_str()) {
            assert_eq!(subject.to_string(), default, "{}", subject.fst_name());
        }
    }
    let reset = Message::SubjectPasswordReset;
    assert_eq!(catalog.message(&en, &reset), "Reset your Acme password");
    let de = catalog.fit("de").unwrap();
    assert_ne!(catalog.message(&de, &reset), "Reset your Acme password");
}

/// The mail texts, `locales/<lang>/mail.ftl`.
const MAIL_FILES: [(&str, &str); 4] = [
    ("en", include_str!("../../locales/en/mail.ftl")),
    ("de", include_str!("../../locales/de/mail.ftl")),
    ("fr", include_str!("../../locales/fr/mail.ftl")),
    ("es", include_str!("../../locales/es/mail.ftl")),
];

#[test]
fn every_language_has_exactly_the_english_mail_texts_with_the_same_placeholders() {
    let english = messages(MAIL_FILES[0].1);
    assert!(english.len() > 80, "the English mail file was read");
    let embedded = messages(FILES[0].1);
    for key in english.keys() {
        assert!(!embedded.contains_key(key), "{key} is also in security.ftl");
    }
    for (lang, source) in &MAIL_FILES[1..] {
        let other = messages(source);
        let missing: Vec<_> = english.keys().filter(|k| !other.contains_key(*k)).collect();
        let extra: Vec<_> = other.keys().filter(|k| !english.contains_key(*k)).collect();
        assert!(missing.is_empty(), "{lang} lacks {missing:?}");
        assert!(extra.is_empty(), "{lang} has unknown {extra:?}");
        for (key, placeholders) in &english {
            assert_eq!(&other[key], placeholders, "placeholders of {key} in {lang}");
        }
    }
}

#[test]
fn mail_texts_are_looked_up_with_their_arguments_in_each_language() {
    let catalog = Catalog::load("en", None, &BTreeMap::new()).unwrap();
    let args: Args = [(Cow::Borrowed("email"), FluentValue::from("ada@example.com"))]
        .into_iter()
        .collect();
    let expected = [
        ("en", "Welcome ada@example.com!"),
        ("de", "Willkommen, ada@example.com!"),
        ("fr", "Bienvenue ada@example.com !"),
        ("es", "¡Bienvenido, ada@example.com!"),
    ];
    for (tag, text) in expected {
        let lang: LanguageIdentifier = tag.parse().unwrap();
        let found = catalog.lookup_complete(&lang, "mail-welcome-greeting", Some(&args));
        assert_eq!(found, text, "{tag}");
    }
}

const MESSAGE_FILES: [(&str, &str); 4] = [
    ("en", include_str!("../../locales/en/messages.ftl")),
    ("de", include_str!("../../locales/de/messages.ftl")),
    ("fr", include_str!("../../locales/fr/messages.ftl")),
    ("es", include_str!("../../locales/es/messages.ftl")),
];

#[test]
fn every_language_has_exactly_the_english_flow_messages_with_the_same_placeholders() {
    let english = messages(MESSAGE_FILES[0].1);
    assert!(english.len() > 40, "the English file was read");
    for (lang, source) in &MESSAGE_FILES[1..] {
        let other = messages(source);
        let missing: Vec<_> = english.keys().filter(|k| !other.contains_key(*k)).collect();
        let extra: Vec<_> = other.keys().filter(|k| !english.contains_key(*k)).collect();
        assert!(missing.is_empty(), "{lang} lacks {missing:?}");
        assert!(extra.is_empty(), "{lang} has unknown {extra:?}");
        for (key, placeholders) in &english {
            assert_eq!(&other[key], placeholders, "placeholders of {key} in {lang}");
        }
    }
}

#[test]
fn overrides_fill_percent_d_placeholders() {
    let overrides = BTreeMap::from([(
        "msg_username_invalid_length".to_owned(),
        "Between %(min)d and %(max)d characters, please".to_owned(),
    )]);
    let catalog = Catalog::load("en", None, &overrides).unwrap();
    let en = catalog.default_locale().clone();
    let message = Message::UsernameInvalidLength { min: 4, max: 32 };
    assert_eq!(
        catalog.message(&en, &message),
        "Between 4 and 32 characters, please"
    );
    assert_eq!(
        message.to_string(),
        "Username must be at least 4 characters and less than 32 characters"
    );
}

#[test]
fn every_message_with_arguments_has_texts_and_a_distinct_name() {
    let catalog = Catalog::load("en", None, &BTreeMap::new()).unwrap();
    let mut names: BTreeSet<_> = Message::PLAIN.iter().map(Message::fst_name).collect();
    for message in Message::WITH_ARGS {
        assert!(
            names.insert(message.fst_name()),
            "{message:?} shares a name"
        );
        assert_eq!(
            Message::by_fst_name(message.fst_name()).as_ref(),
            Some(message)
        );
        for lang in ["en", "de", "fr", "es"] {
            let lang = catalog.fit(lang).unwrap();
            let text = catalog.message(&lang, message);
            assert_ne!(text, message.fluent_id(), "{message:?} in {lang}");
        }
    }
}

#[test]
fn english_flow_messages_keep_their_texts() {
    let catalog = Catalog::load("en", None, &BTreeMap::new()).unwrap();
    let en = catalog.default_locale().clone();
    let within = || "1 day".parse::<crate::WithinDelta>().unwrap();
    assert_eq!(
        catalog.message(&en, &Message::ConfirmationExpired { within: within() }),
        "You did not confirm your email within 1 day. "
    );
    assert_eq!(
        catalog.message(&en, &Message::PasswordResetExpired { within: within() }),
        "You did not reset your password within 1 day. "
    );
    assert_eq!(
        catalog.message(
            &en,
            &Message::WanRenamed {
                name: "Phone".into(),
                new_name: "Laptop".into()
            }
        ),
        "Your passkey Phone is now called Laptop."
    );
    assert_eq!(
        catalog.message(
            &en,
            &Message::PasswordTooSimple {
                advice: crate::StrengthAdvice::NONE
            }
        ),
        "Password not complex enough"
    );
    let fr = catalog.fit("fr").unwrap();
    assert_eq!(
        catalog.message(&fr, &Message::WanUsageRefused),
        "Les clés d'accès ne peuvent pas être utilisées ainsi sur ce site."
    );
}
