//! The Tera instance that renders security pages and mails.
//!
//! Defaults are embedded in the crate; the application's `template_dir` (Rocket's setting,
//! default `templates`) is loaded over them, so `templates/security/login_user.html.tera` in the
//! application replaces the default login page, and pages may extend the application's own
//! layout. The application's own `Template` fairing, if any, is not touched.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::i18n::Catalog;

use rocket_dyn_templates::tera::{Context, Tera};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// The embedded static file `name` (for `/fs-static/<name>`).
pub(crate) fn static_file(name: &str) -> Option<&'static str> {
    embedded::STATIC_FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, body)| *body)
}

/// The name a template file is known by: its path under the template folder without the
/// `.tera` suffix (`security/login_user.html`). Each template is also known by its name without
/// the data type (`security/_layout`) — the name `rocket_dyn_templates` gives it — when a
/// template names it (and no two files share it, as the text and HTML parts of a mail do), so
/// `{% extends %}` and `{% import %}` resolve in this engine and in an application's own
/// `Template` engine alike. [`Templates::resolve`] finds the others by their short name.
fn template_name(relative_path: &str) -> String {
    let name = relative_path.replace('\\', "/");
    name.strip_suffix(".tera")
        .map(str::to_owned)
        .unwrap_or(name)
}

fn short_name(name: &str) -> &str {
    let file_start = name.rfind('/').map_or(0, |i| i + 1);
    match name[file_start..].rfind('.') {
        Some(dot) => &name[..file_start + dot],
        None => name,
    }
}

/// Whether a template names `short` in a string (`{% extends "security/_layout" %}`): only such
/// a template needs its short name registered, and each name costs a parse of its own.
fn named_in<'a>(short: &str, mut bodies: impl Iterator<Item = &'a String>) -> bool {
    let (double, single) = (format!("\"{short}\""), format!("'{short}'"));
    bodies.any(|body| body.contains(&double) || body.contains(&single))
}

/// Security pages and mail templates.
pub(crate) struct Templates {
    tera: Tera,
    /// Every name [`Templates::resolve`] answers, with its answer, made once.
    resolved: HashMap<String, String>,
}

/// What [`Templates::resolve`] answers for each name: a full name (`index.html`) itself; a short
/// name (`index`) one of the templates it shortens; a template whose name has no extension,
/// when no other shortens to it, itself.
fn resolutions(tera: &Tera) -> HashMap<String, String> {
    let names: Vec<&str> = tera.get_template_names().collect();
    let mut resolved = HashMap::with_capacity(names.len() * 2);
    for name in names.iter().filter(|n| short_name(n) != **n) {
        resolved.insert((*name).to_owned(), (*name).to_owned());
    }
    for name in &names {
        let short = short_name(name);
        if short != *name {
            resolved
                .entry(short.to_owned())
                .or_insert_with(|| (*name).to_owned());
        }
    }
    for name in &names {
        resolved
            .entry((*name).to_owned())
            .or_insert_with(|| (*name).to_owned());
    }
    resolved
}

fn collect_tera_files(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_tera_files(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "tera") {
            if let Ok(rel) = path.strip_prefix(root) {
                out.push((template_name(&rel.to_string_lossy()), path));
            }
        }
    }
}

impl Templates {
    /// The embedded defaults, overridden by the `.tera` files under `app_dir` (when it exists).
    /// Registers `fluent(key=.., lang=..)` over `catalog` for the templates' texts.
    pub fn load(app_dir: Option<&Path>, catalog: &Arc<Catalog>) -> Result<Self, String> {
        let mut sources: std::collections::BTreeMap<String, String> = embedded::TEMPLATES
            .iter()
            .map(|(name, body)| (template_name(name), body.to_string()))
            .collect();
        if let Some(dir) = app_dir.filter(|d| d.is_dir()) {
            let mut files = Vec::new();
            collect_tera_files(dir, dir, &mut files);
            for (name, path) in files {
                let body = std::fs::read_to_string(&path)
                    .map_err(|e| format!("template {}: {e}", path.display()))?;
                sources.insert(name, body);
            }
        }
        let mut stems: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for name in sources.keys() {
            *stems.entry(short_name(name)).or_default() += 1;
        }
        let mut all: Vec<(String, String)> = Vec::new();
        for (name, body) in &sources {
            let short = short_name(name);
            if short != name
                && stems.get(short) == Some(&1)
                && !sources.contains_key(short)
                && named_in(short, sources.values())
            {
                all.push((short.to_owned(), body.clone()));
            }
            all.push((name.clone(), body.clone()));
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".htm", ".xml"]);
        crate::i18n::register_i18n(&mut tera);
        tera.register_function("fluent", catalog.tera_function());
        tera.add_raw_templates(all)
            .map_err(|e| format!("templates: {}", describe(&e)))?;
        let resolved = resolutions(&tera);
        Ok(Templates { tera, resolved })
    }

    /// The full name of a template given by full or short name (`index` → `index.html`).
    pub fn resolve(&self, name: &str) -> Option<&str> {
        self.resolved.get(name).map(String::as_str)
    }

    /// Renders a template.
    pub fn render(&self, name: &str, context: &Context) -> Result<String, crate::Error> {
        self.tera
            .render(name, context)
            .map_err(|e| crate::Error::Template(format!("{name}: {}", describe(&e))))
    }

    /// The Tera instance (for rendering mail).
    pub fn tera(&self) -> &Tera {
        &self.tera
    }
}

/// Tera's error with its causes, which hold the useful part.
fn describe(error: &rocket_dyn_templates::tera::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_templates_named_by_others_get_their_short_name() {
        let catalog = Arc::new(Catalog::load("en", None, &Default::default()).unwrap());
        let templates = Templates::load(None, &catalog).unwrap();
        let names: Vec<&str> = templates.tera.get_template_names().collect();
        for named in [
            "security/_layout",
            "security/_macros",
            "security/_layout.html",
        ] {
            assert!(names.contains(&named), "{named}");
        }
        assert!(!names.contains(&"security/login_user"));
        for (asked, resolved) in [
            ("security/login_user", Some("security/login_user.html")),
            ("security/login_user.html", Some("security/login_user.html")),
            ("security/_layout", Some("security/_layout.html")),
            (
                "security/email/welcome.txt",
                Some("security/email/welcome.txt"),
            ),
            ("security/nothing", None),
        ] {
            assert_eq!(templates.resolve(asked), resolved, "{asked}");
        }
    }
}
