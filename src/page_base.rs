//! What every page's context starts from, made once per language: the configuration's part
//! (`urls`, `features`, `password_length_min`) and the language's (`lang`, `dir`, the layout's
//! `i18n` texts). A page clones its language's base instead of building it again.

use std::sync::{Arc, PoisonError, RwLock};

use rocket_dyn_templates::tera::Context;
use serde_json::{Map, Value};

use crate::i18n::LanguageIdentifier;

/// One language's base, for each way a page is rendered.
#[derive(Debug)]
pub(crate) struct PageBase {
    /// For pages rendered by the security layer's engine.
    pub(crate) context: Context,
    /// For [`PageContext`](crate::PageContext), which an application's own engine renders.
    pub(crate) json: Map<String, Value>,
}

impl PageBase {
    /// The base holding `context`.
    pub(crate) fn new(context: Context) -> PageBase {
        let json = match context.clone().into_json() {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        PageBase { context, json }
    }
}

/// The bases made so far. Languages come from the catalog, so there are a few at most.
#[derive(Debug, Default)]
pub(crate) struct PageBases {
    made: RwLock<Vec<(LanguageIdentifier, Arc<PageBase>)>>,
}

impl PageBases {
    /// The base of `lang`, made by `make` the first time it is asked for.
    pub(crate) fn get(
        &self,
        lang: &LanguageIdentifier,
        make: impl FnOnce() -> PageBase,
    ) -> Arc<PageBase> {
        let find = |made: &[(LanguageIdentifier, Arc<PageBase>)]| {
            made.iter()
                .find(|(made_for, _)| made_for == lang)
                .map(|(_, base)| base.clone())
        };
        if let Some(base) = find(&self.made.read().unwrap_or_else(PoisonError::into_inner)) {
            return base;
        }
        let base = Arc::new(make());
        let mut made = self.made.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(existing) = find(&made) {
            return existing;
        }
        made.push((lang.clone(), base.clone()));
        base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_is_made_once() {
        let bases = PageBases::default();
        let (en, de): (LanguageIdentifier, LanguageIdentifier) =
            ("en".parse().unwrap(), "de".parse().unwrap());
        let mut made = 0;
        let mut make = |lang: &str| {
            made += 1;
            let mut context = Context::new();
            context.insert("lang", lang);
            PageBase::new(context)
        };
        let first = bases.get(&en, || make("en"));
        let again = bases.get(&en, || make("en"));
        let german = bases.get(&de, || make("de"));
        assert_eq!(made, 2);
        assert!(Arc::ptr_eq(&first, &again));
        assert_eq!(first.json["lang"], "en");
        assert_eq!(german.json["lang"], "de");
        assert_eq!(german.context.get("lang"), Some(&Value::from("de")));
    }
}
