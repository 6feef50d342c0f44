//! Message arguments written in the reader's words: link lifetimes (`"10 seconds"`) and
//! zxcvbn's advice on a weak password. Their texts are in `locales/<lang>/feedback.ftl`.

use std::borrow::Cow;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::Loader;

use crate::config::{TimeUnit, WithinDelta};
use crate::password::StrengthAdvice;

use super::{Args, Catalog, LanguageIdentifier, Message};

impl Catalog {
    /// `within` in the words of `lang`: as configured in English (Flask-Security-Too quotes
    /// the setting as written, `"1 days"` included), otherwise its count and unit with the
    /// language's plural forms (`"10 secondes"`).
    pub fn duration(&self, lang: &LanguageIdentifier, within: &WithinDelta) -> String {
        if lang.language == self.english.language {
            return within.to_string();
        }
        let args: Args = [(Cow::Borrowed("count"), FluentValue::from(within.count()))]
            .into_iter()
            .collect();
        self.try_lookup_complete(lang, unit_id(within.unit()), Some(&args))
            .unwrap_or_else(|| within.to_string())
    }

    /// zxcvbn's warning and suggestion in `lang`, as they follow "Password not complex
    /// enough" (`": <warning> <suggestion>"`); empty without advice.
    pub fn advice(&self, lang: &LanguageIdentifier, advice: &StrengthAdvice) -> String {
        let texts: Vec<FluentValue<'static>> = advice
            .fluent_ids()
            .into_iter()
            .map(|id| FluentValue::from(self.text(lang, id)))
            .collect();
        let (id, names): (&str, &[&'static str]) = match texts.len() {
            0 => return String::new(),
            1 => ("password-advice-one", &["advice"]),
            _ => ("password-advice-both", &["warning", "suggestion"]),
        };
        let args: Args = names
            .iter()
            .map(|name| Cow::Borrowed(*name))
            .zip(texts)
            .collect();
        self.lookup_complete(lang, id, Some(&args))
    }

    /// The arguments of `message` that `lang` writes its own way, by name; the others are
    /// the same in every language.
    pub(super) fn localised_args(
        &self,
        lang: &LanguageIdentifier,
        message: &Message,
    ) -> Vec<(&'static str, String)> {
        match message {
            Message::ConfirmationExpired { within }
            | Message::PasswordResetExpired { within }
            | Message::ChangeEmailExpired { within } => {
                vec![("within", self.duration(lang, within))]
            }
            Message::PasswordTooSimple { advice } => vec![("detail", self.advice(lang, advice))],
            _ => Vec::new(),
        }
    }
}

/// The Fluent id of a number of `unit`s.
fn unit_id(unit: TimeUnit) -> &'static str {
    match unit {
        TimeUnit::Seconds => "duration-seconds",
        TimeUnit::Minutes => "duration-minutes",
        TimeUnit::Hours => "duration-hours",
        TimeUnit::Days => "duration-days",
        TimeUnit::Weeks => "duration-weeks",
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use zxcvbn::feedback::{Suggestion, Warning};

    use super::*;

    const FEEDBACK_FILES: [(&str, &str); 4] = [
        ("en", include_str!("../../locales/en/feedback.ftl")),
        ("de", include_str!("../../locales/de/feedback.ftl")),
        ("fr", include_str!("../../locales/fr/feedback.ftl")),
        ("es", include_str!("../../locales/es/feedback.ftl")),
    ];

    fn catalog() -> Catalog {
        Catalog::load("en", None, &BTreeMap::new()).unwrap()
    }

    fn lang(tag: &str) -> LanguageIdentifier {
        tag.parse().unwrap()
    }

    /// The keys of a `.ftl` file.
    fn keys(source: &str) -> BTreeSet<&str> {
        source
            .lines()
            .filter(|line| line.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|line| line.split(" =").next())
            .collect()
    }

    #[test]
    fn every_language_has_the_english_feedback_keys_each_translated() {
        let catalog = catalog();
        let english = keys(FEEDBACK_FILES[0].1);
        let advice_ids: BTreeSet<&str> = StrengthAdvice::every_text()
            .iter()
            .map(|(id, _)| *id)
            .collect();
        assert!(
            advice_ids.is_subset(&english),
            "every zxcvbn text has a key"
        );
        for (tag, source) in &FEEDBACK_FILES[1..] {
            assert_eq!(keys(source), english, "the keys of {tag}");
            for id in &advice_ids {
                let text = catalog.lookup_in(&lang(tag), id, None).unwrap();
                assert_ne!(text, catalog.text(&lang("en"), id), "{id} in {tag}");
            }
        }
    }

    #[test]
    fn english_advice_is_what_zxcvbn_prints() {
        let catalog = catalog();
        for (id, english) in StrengthAdvice::every_text() {
            assert_eq!(catalog.text(&lang("en"), id), english);
        }
        let advice = StrengthAdvice::of(
            Some(Warning::ThisIsATop10Password),
            Some(Suggestion::AddAnotherWordOrTwo),
        );
        assert_eq!(catalog.advice(&lang("en"), &advice), advice.to_string());
        let only = StrengthAdvice::of(None, Some(Suggestion::AvoidSequences));
        assert_eq!(catalog.advice(&lang("en"), &only), ": Avoid sequences.");
        assert_eq!(catalog.advice(&lang("de"), &StrengthAdvice::NONE), "");
    }

    #[test]
    fn advice_reads_in_the_users_language() {
        let catalog = catalog();
        let advice = StrengthAdvice::of(
            Some(Warning::ThisIsATop10Password),
            Some(Suggestion::AddAnotherWordOrTwo),
        );
        let message = Message::PasswordTooSimple { advice };
        assert_eq!(
            catalog.message(&lang("de"), &message),
            "Das Passwort ist nicht komplex genug: Dies ist eines der 10 häufigsten Passwörter. \
             Fügen Sie ein oder zwei weitere Wörter hinzu. Ungewöhnliche Wörter sind besser."
        );
        assert_eq!(
            catalog.message(&lang("fr"), &message),
            "Le mot de passe n'est pas assez complexe\u{a0}: C'est l'un des 10 mots de passe les \
             plus courants. Ajoutez un ou deux mots. Les mots peu courants sont préférables."
        );
        assert_eq!(
            catalog.message(&lang("en"), &message),
            "Password not complex enough: This is a top-10 common password. Add another word \
             or two. Uncommon words are better."
        );
    }

    #[test]
    fn durations_use_each_languages_words_and_plurals() {
        let catalog = catalog();
        let cases = [
            ("en", "1 days", "1 days"),
            ("en", "10 Seconds", "10 Seconds"),
            ("fr", "10 seconds", "10 secondes"),
            ("fr", "1 days", "1 jour"),
            ("fr", "0 minutes", "0 minute"),
            ("de", "1 days", "1 Tag"),
            ("de", "5 days", "5 Tagen"),
            ("de", "2 hours", "2 Stunden"),
            ("de", "1 week", "1 Woche"),
            ("es", "1 hour", "1 hora"),
            ("es", "15 minutes", "15 minutos"),
            ("es", "3 weeks", "3 semanas"),
        ];
        for (tag, setting, expected) in cases {
            let within: WithinDelta = setting.parse().unwrap();
            assert_eq!(
                catalog.duration(&lang(tag), &within),
                expected,
                "{setting} in {tag}"
            );
        }
        let within: WithinDelta = "10 seconds".parse().unwrap();
        assert_eq!(
            catalog.message(&lang("fr"), &Message::PasswordResetExpired { within }),
            "Vous n'avez pas réinitialisé votre mot de passe dans le délai de 10 secondes. "
        );
    }

    #[test]
    fn a_language_without_duration_words_falls_back_to_english_words() {
        let catalog = catalog();
        let within: WithinDelta = "1 days".parse().unwrap();
        assert_eq!(catalog.duration(&lang("pt"), &within), "1 day");
    }
}
