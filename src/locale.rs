//! The language of a request: the application's locale selector, then `Accept-Language`, then
//! the signed-in user's stored locale, then the configured default. Decided once a request.

use std::sync::OnceLock;

use rocket::request::Request;

use crate::datastore::User;
use crate::i18n::{LanguageIdentifier, Message};
use crate::session::authenticate;
use crate::state::Security;

/// The request-local slot of the chosen locale.
#[derive(Default)]
struct Chosen(OnceLock<LanguageIdentifier>);

/// The locale of `request`, with the signed-in user known to the selector.
pub(crate) async fn request_locale(request: &Request<'_>) -> LanguageIdentifier {
    if let Some(lang) = request.local_cache(Chosen::default).0.get() {
        return lang.clone();
    }
    let user = authenticate(request)
        .await
        .ok()
        .flatten()
        .map(|(user, _)| user);
    let lang = choose(request, user.as_ref());
    request
        .local_cache(Chosen::default)
        .0
        .get_or_init(|| lang)
        .clone()
}

/// The locale of `request` where waiting is not possible (a responder): the one chosen
/// already, else the choice without the signed-in user.
pub(crate) fn request_locale_now(request: &Request<'_>) -> LanguageIdentifier {
    match request.local_cache(Chosen::default).0.get() {
        Some(lang) => lang.clone(),
        None => choose(request, None),
    }
}

fn choose(request: &Request<'_>, user: Option<&User>) -> LanguageIdentifier {
    let Some(security) = request.rocket().state::<Security>() else {
        return "en".parse().unwrap_or_default();
    };
    let catalog = security.catalog();
    security
        .locale_selector()
        .and_then(|select| select(request, user))
        .and_then(|tag| catalog.fit(&tag))
        .or_else(|| catalog.accepted(request.headers().get_one("Accept-Language")))
        .or_else(|| {
            user.and_then(|u| u.locale.as_deref())
                .and_then(|t| catalog.fit(t))
        })
        .unwrap_or_else(|| catalog.default_locale().clone())
}

/// `message` in the language of `request`.
pub(crate) fn text(request: &Request<'_>, message: &Message) -> String {
    let lang = request_locale_now(request);
    match request.rocket().state::<Security>() {
        Some(security) => security.catalog().message(&lang, message),
        None => format!("{message:?}"),
    }
}
