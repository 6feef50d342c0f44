//! The Tera instance that renders security pages and mails.
//!
//! Defaults are embedded in the crate; the application's `template_dir` (Rocket's setting,
//! default `templates`) is loaded over them, so `templates/security/login_user.html.tera` in the
//! application replaces the default login page, and pages may extend the application's own
//! layout. The application's own `Template` fairing, if any, is not touched.

use std::path::{Path, PathBuf};

use rocket::http::{ContentType, Status};
use rocket::request::Request;
use rocket::response::{self, Response};
use rocket_dyn_templates::tera::{Context, Tera};
use serde_json::json;

use crate::error::no_store;
use crate::fairing::Security;

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
/// `.tera` suffix (`security/login_user.html`), the same name `rocket_dyn_templates` gives it,
/// so `{% extends %}` and `{% import %}` resolve in both engines.
fn template_name(relative_path: &str) -> String {
    let name = relative_path.replace('\\', "/");
    name.strip_suffix(".tera")
        .map(str::to_owned)
        .unwrap_or(name)
}

/// Security pages and mail templates.
pub(crate) struct Templates {
    tera: Tera,
}

fn collect_tera_files(root: &Path, dir: &Path, out: &mut Vec<(PathBuf, Option<String>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_tera_files(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "tera") {
            if let Ok(rel) = path.strip_prefix(root) {
                let name = template_name(&rel.to_string_lossy());
                out.push((path, Some(name)));
            }
        }
    }
}

impl Templates {
    /// The embedded defaults, overridden by the `.tera` files under `app_dir` (when it exists).
    pub fn load(app_dir: Option<&Path>) -> Result<Self, String> {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".htm", ".xml"]);
        let defaults = embedded::TEMPLATES
            .iter()
            .map(|(name, body)| (template_name(name), body.to_string()));
        tera.add_raw_templates(defaults)
            .map_err(|e| format!("default templates: {}", describe(&e)))?;
        if let Some(dir) = app_dir.filter(|d| d.is_dir()) {
            let mut files = Vec::new();
            collect_tera_files(dir, dir, &mut files);
            tera.add_template_files(files)
                .map_err(|e| format!("templates in {}: {}", dir.display(), describe(&e)))?;
        }
        Ok(Templates { tera })
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

/// An HTML response with the no-store header.
pub(crate) fn html_response<'r>(status: Status, body: String) -> Response<'r> {
    Response::build()
        .status(status)
        .header(ContentType::HTML)
        .header(no_store())
        .sized_body(body.len(), std::io::Cursor::new(body))
        .finalize()
}

/// The error page for `status` with `message`; plain text if the page cannot be rendered.
pub(crate) fn error_page(
    request: &Request<'_>,
    status: Status,
    message: &str,
) -> response::Result<'static> {
    let rendered = request.rocket().state::<Security>().and_then(|security| {
        let mut context = security.static_context();
        context.insert("status", &status.code);
        context.insert("title", status.reason().unwrap_or("Error"));
        context.insert("message", message);
        context.insert("flashes", &json!([]));
        context.insert("csrf_token", "");
        context.insert("current_user", &json!(null));
        security
            .templates()
            .render("security/error.html", &context)
            .ok()
    });
    Ok(match rendered {
        Some(body) => html_response(status, body),
        None => {
            let body = format!(
                "{} {}\n\n{message}\n",
                status.code,
                status.reason().unwrap_or("")
            );
            Response::build()
                .status(status)
                .header(ContentType::Plain)
                .header(no_store())
                .sized_body(body.len(), std::io::Cursor::new(body))
                .finalize()
        }
    })
}
