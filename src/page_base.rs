//! What every page's context starts from, made once per language: the configuration's part
//! (`urls`, `features`, `password_length_min`) and the language's (`lang`, `dir`, the layout's
//! `i18n` texts). A page renders from a spare copy of its language's base, put back once the
//! page is rendered, instead of building or copying the base for every request.

use std::sync::{Arc, Mutex, PoisonError, RwLock};

use rocket_dyn_templates::tera::Context;
use serde_json::{Map, Value};

use crate::i18n::LanguageIdentifier;

/// Spare copies of a base kept for reuse: about one per page being rendered at once.
const SPARE_COPIES: usize = 16;

/// One language's base, for each way a page is rendered.
#[derive(Debug)]
pub(crate) struct PageBase {
    /// For pages rendered by the security layer's engine.
    context: Context,
    /// For [`PageContext`](crate::PageContext), which an application's own engine renders.
    pub(crate) json: Map<String, Value>,
    /// Copies of `context`, each exactly equal to it while it waits here.
    spare: Mutex<Vec<Context>>,
}

impl PageBase {
    /// The base holding `context`.
    pub(crate) fn new(context: Context) -> PageBase {
        let json = match context.clone().into_json() {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        PageBase {
            context,
            json,
            spare: Mutex::new(Vec::new()),
        }
    }

    /// Calls `render` with the base plus `own` (whose entries win), without copying the base:
    /// a spare copy takes `own`'s entries, and gets the base's back before it is kept for the
    /// next page. A copy whose `render` panicked is dropped, never kept.
    pub(crate) fn render_with<R>(
        &self,
        own: Map<String, Value>,
        render: impl FnOnce(&Context) -> R,
    ) -> R {
        let spare = self
            .spare
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let mut context = spare.unwrap_or_else(|| self.context.clone());
        let keys: Vec<String> = own.keys().cloned().collect();
        if let Ok(own) = Context::from_value(Value::Object(own)) {
            context.extend(own);
        }
        let rendered = render(&context);
        for key in &keys {
            match self.context.get(key) {
                Some(value) => context.insert(key.as_str(), value),
                None => drop(context.remove(key)),
            }
        }
        // What one request put in must never reach the next one's page.
        debug_assert!(
            context == self.context,
            "a spare page context differs from its base"
        );
        let mut spare = self.spare.lock().unwrap_or_else(PoisonError::into_inner);
        if spare.len() < SPARE_COPIES {
            spare.push(context);
        }
        rendered
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

    fn base() -> PageBase {
        let mut context = Context::new();
        context.insert("lang", "en");
        context.insert("urls", &serde_json::json!({"login": "/login"}));
        PageBase::new(context)
    }

    fn own(entries: Value) -> Map<String, Value> {
        match entries {
            Value::Object(map) => map,
            _ => unreachable!("an object"),
        }
    }

    #[test]
    fn a_page_sees_its_own_entries_and_the_next_page_only_the_base() {
        let base = base();
        let first = base.render_with(
            own(serde_json::json!({"current_user": {"email": "a@example.com"}, "lang": "fr"})),
            |context| context.clone().into_json(),
        );
        assert_eq!(first["current_user"]["email"], "a@example.com");
        assert_eq!(first["lang"], "fr", "a page's own entries win");
        assert_eq!(first["urls"]["login"], "/login");
        assert_eq!(base.spare.lock().unwrap().len(), 1, "the copy is kept");

        let second = base.render_with(Map::new(), |context| context.clone().into_json());
        assert_eq!(base.spare.lock().unwrap().len(), 1, "and reused");
        assert!(second.get("current_user").is_none());
        assert_eq!(second["lang"], "en");
        assert_eq!(second, base.context.clone().into_json());
    }

    #[test]
    fn a_copy_whose_render_panicked_is_not_kept() {
        let base = base();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            base.render_with(own(serde_json::json!({"current_user": "a"})), |_| {
                panic!("a template function failed")
            })
        }));
        assert!(result.is_err());
        assert!(base.spare.lock().unwrap().is_empty());
        let next = base.render_with(Map::new(), |context| context.get("current_user").cloned());
        assert_eq!(next, None);
    }

    #[test]
    fn spare_copies_are_bounded() {
        let base = base();
        fn nested(base: &PageBase, depth: usize) {
            if depth > 0 {
                base.render_with(Map::new(), |_| nested(base, depth - 1));
            }
        }
        nested(&base, SPARE_COPIES + 4);
        assert_eq!(base.spare.lock().unwrap().len(), SPARE_COPIES);
    }
}
