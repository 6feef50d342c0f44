//! Localisation with Fluent: the message catalog of the security pages, messages and mails.
//!
//! The crate embeds `locales/<lang>/*.ftl` (`security`, `pages`, `mail`, `messages`,
//! `feedback`) for English, German, French and Spanish.
//! An application adds languages or overrides any text from its own folder of `.ftl` files
//! (`i18n_dirname`, laid out the same way), and overrides English messages in `Rocket.toml`
//! by their Flask-Security-Too names (`msg_invalid_password = "..."`). Lookups go: an English
//! override from the configuration, the application's files, the embedded files; first for
//! the chosen language, then the default locale, then English.

mod dates;
mod feedback;
mod message;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use fluent_langneg::{negotiate_languages, NegotiationStrategy};
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{ArcLoader, FluentLoader, Loader};
use rocket::request::Request;

use crate::datastore::User;

pub use fluent_templates::LanguageIdentifier;
pub use message::Message;

fluent_templates::static_loader! {
    static EMBEDDED = {
        locales: "./locales",
        fallback_language: "en",
        // Isolation marks around placeables would change the English texts clients compare.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// Chooses the locale of a request: from the request and the signed-in user, if any, to a
/// language tag (`"de"`, `"pt-BR"`); `None` leaves the choice to `Accept-Language`.
pub type LocaleFn = Arc<dyn Fn(&Request<'_>, Option<&User>) -> Option<String> + Send + Sync>;

/// Arguments of a Fluent lookup.
type Args = HashMap<Cow<'static, str>, FluentValue<'static>>;

/// The texts of every language: embedded, the application's, and English overrides.
pub struct Catalog {
    default: LanguageIdentifier,
    english: LanguageIdentifier,
    available: Vec<LanguageIdentifier>,
    app: Option<ArcLoader>,
    overrides: HashMap<&'static str, String>,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog")
            .field("default", &self.default.to_string())
            .field("available", &self.available_tags())
            .finish_non_exhaustive()
    }
}

impl Catalog {
    /// The embedded texts, the `.ftl` files under `app_dir/<lang>/` over them, and the
    /// English overrides (`msg_*` names to texts) over those. `default` must be an available
    /// locale.
    pub fn load(
        default: &str,
        app_dir: Option<&Path>,
        overrides: &BTreeMap<String, String>,
    ) -> Result<Catalog, String> {
        let english: LanguageIdentifier = "en".parse().map_err(|_| "en".to_owned())?;
        let app = match app_dir.filter(|dir| dir.is_dir()) {
            Some(dir) => Some(
                ArcLoader::builder(dir, english.clone())
                    .customize(|bundle| bundle.set_use_isolating(false))
                    .build()
                    .map_err(|e| format!("i18n_dirname {}: {e}", dir.display()))?,
            ),
            None => None,
        };
        let mut available: Vec<LanguageIdentifier> = EMBEDDED.locales().cloned().collect();
        if let Some(app) = &app {
            available.extend(app.locales().cloned());
        }
        available.sort_by_key(|l| l.to_string());
        available.dedup();
        let mut resolved = HashMap::new();
        for (name, text) in overrides {
            let message =
                Message::by_fst_name(name).ok_or_else(|| format!("`{name}` names no message"))?;
            resolved.insert(message.fluent_id(), text.clone());
        }
        let default: LanguageIdentifier = default
            .parse()
            .map_err(|_| format!("locale `{default}` is not a language tag"))?;
        if !available.contains(&default) {
            return Err(format!(
                "locale `{default}` has no texts (available: {})",
                available_list(&available)
            ));
        }
        Ok(Catalog {
            default,
            english,
            available,
            app,
            overrides: resolved,
        })
    }

    /// The default locale.
    pub fn default_locale(&self) -> &LanguageIdentifier {
        &self.default
    }

    /// The language tags with texts, sorted.
    pub fn available_tags(&self) -> Vec<String> {
        self.available.iter().map(ToString::to_string).collect()
    }

    /// The best available locale for a tag (`de-AT` → `de`), `None` when none fits.
    pub fn fit(&self, tag: &str) -> Option<LanguageIdentifier> {
        let wanted: LanguageIdentifier = tag.trim().parse().ok()?;
        negotiate_languages(
            &[wanted],
            &self.available,
            None,
            NegotiationStrategy::Lookup,
        )
        .first()
        .map(|l| (*l).clone())
    }

    /// The best available locale for an `Accept-Language` header; `None` for a missing,
    /// malformed or unmatched one.
    pub fn accepted(&self, accept_language: Option<&str>) -> Option<LanguageIdentifier> {
        let requested = fluent_langneg::accepted_languages::parse(&by_weight(accept_language?));
        negotiate_languages(
            &requested,
            &self.available,
            None,
            NegotiationStrategy::Lookup,
        )
        .first()
        .map(|l| (*l).clone())
    }

    /// The text of `message` in `lang`.
    pub fn message(&self, lang: &LanguageIdentifier, message: &Message) -> String {
        if let Message::Text(text) = message {
            return text.clone();
        }
        let args: Args = message
            .args()
            .into_iter()
            .chain(self.localised_args(lang, message))
            .map(|(name, value)| (Cow::Borrowed(name), FluentValue::from(value)))
            .collect();
        self.lookup_complete(lang, message.fluent_id(), Some(&args))
    }

    /// The text `text_id` of the `.ftl` files in `lang`.
    pub fn text(&self, lang: &LanguageIdentifier, text_id: &str) -> String {
        self.lookup_complete(lang, text_id, None)
    }

    /// `text_id` in `lang` alone (overrides, the application's files, the embedded ones).
    fn lookup_in(
        &self,
        lang: &LanguageIdentifier,
        text_id: &str,
        args: Option<&HashMap<Cow<'static, str>, FluentValue>>,
    ) -> Option<String> {
        if lang.language == self.english.language {
            if let Some(text) = self.overrides.get(text_id) {
                return Some(substitute(text, args));
            }
        }
        if let Some(text) = self
            .app
            .as_ref()
            .and_then(|app| app.lookup_single_language(lang, text_id, args).ok())
        {
            return Some(text);
        }
        EMBEDDED.lookup_single_language(lang, text_id, args).ok()
    }

    /// A Tera function `fluent(key=.., lang=..)` over this catalog.
    pub fn tera_function(self: &Arc<Self>) -> FluentLoader<Arc<Catalog>> {
        FluentLoader::new(self.clone()).with_default_lang(self.default.clone())
    }
}

/// Registers the `fluent(key=.., lang=..)` function (over the embedded texts) and the
/// `local_datetime(lang=..)` filter on a Tera instance, for an application whose own
/// `Template` engine renders pages that use them.
///
/// ```
/// let mut tera = rocket_dyn_templates::tera::Tera::default();
/// rocket_security::register_i18n(&mut tera);
/// tera.add_raw_template("t", r#"{{ fluent(key="login-title", lang="de") }}"#).unwrap();
/// let page = tera.render("t", &Default::default()).unwrap();
/// assert_eq!(page, "Anmelden");
/// ```
pub fn register_i18n(tera: &mut rocket_dyn_templates::tera::Tera) {
    static EMBEDDED_ONLY: std::sync::OnceLock<Arc<Catalog>> = std::sync::OnceLock::new();
    let catalog = EMBEDDED_ONLY.get_or_init(|| {
        Arc::new(
            Catalog::load("en", None, &BTreeMap::new()).expect("the embedded English texts load"),
        )
    });
    tera.register_function("fluent", catalog.tera_function());
    tera.register_filter("local_datetime", dates::tera_filter);
}

/// `ltr`, or `rtl` for the languages written right to left.
pub fn direction(lang: &LanguageIdentifier) -> &'static str {
    const RTL: [&str; 8] = ["ar", "he", "fa", "ur", "ps", "yi", "dv", "ckb"];
    if RTL.contains(&lang.language.as_str()) {
        "rtl"
    } else {
        "ltr"
    }
}

/// The ranges of an `Accept-Language` header heaviest first, without those of weight 0:
/// Fluent's parser keeps the written order and ignores weights. A malformed weight counts
/// as 1, as if absent.
fn by_weight(header: &str) -> String {
    let mut ranges: Vec<(&str, f32)> = header
        .split(',')
        .map(|item| {
            let mut parts = item.split(';');
            let range = parts.next().unwrap_or_default().trim();
            let weight = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            (range, weight)
        })
        .filter(|(range, weight)| !range.is_empty() && *weight > 0.0)
        .collect();
    ranges.sort_by(|a, b| b.1.total_cmp(&a.1));
    ranges
        .iter()
        .map(|(range, _)| *range)
        .collect::<Vec<_>>()
        .join(",")
}

fn available_list(available: &[LanguageIdentifier]) -> String {
    available
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// An override text with its `%(name)s` and `%(name)d` placeholders (Flask-Security-Too's)
/// filled in.
fn substitute(text: &str, args: Option<&HashMap<Cow<'static, str>, FluentValue>>) -> String {
    let mut out = text.to_owned();
    for (name, value) in args.into_iter().flatten() {
        let value = match value {
            FluentValue::String(s) => s.to_string(),
            FluentValue::Number(n) => n.as_string().to_string(),
            _ => String::new(),
        };
        for kind in ['s', 'd'] {
            out = out.replace(&format!("%({name}){kind}"), &value);
        }
    }
    out
}

/// The English text of the embedded `.ftl` files (without the application's overrides), for
/// logs and `Error`'s `Display`.
impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Message::Text(text) = self {
            return f.write_str(text);
        }
        let english: LanguageIdentifier = "en".parse().map_err(|_| std::fmt::Error)?;
        let args: Args = self
            .args()
            .into_iter()
            .map(|(name, value)| (Cow::Borrowed(name), FluentValue::from(value)))
            .collect();
        let text = EMBEDDED
            .lookup_single_language(&english, self.fluent_id(), Some(&args))
            .unwrap_or_else(|_| self.fluent_id().to_owned());
        f.write_str(&text)
    }
}

impl Loader for Catalog {
    fn lookup_complete(
        &self,
        lang: &LanguageIdentifier,
        text_id: &str,
        args: Option<&HashMap<Cow<'static, str>, FluentValue>>,
    ) -> String {
        self.try_lookup_complete(lang, text_id, args)
            .unwrap_or_else(|| text_id.to_owned())
    }

    fn try_lookup_complete(
        &self,
        lang: &LanguageIdentifier,
        text_id: &str,
        args: Option<&HashMap<Cow<'static, str>, FluentValue>>,
    ) -> Option<String> {
        [lang, &self.default, &self.english]
            .into_iter()
            .find_map(|candidate| self.lookup_in(candidate, text_id, args))
    }

    fn locales(&self) -> Box<dyn Iterator<Item = &LanguageIdentifier> + '_> {
        Box::new(self.available.iter())
    }
}

#[cfg(test)]
mod tests;
