//! Renders every default security page through Tera and checks what a browser
//! and the Flask-Security-Too wire contract need to see.
//!
//! Set `TEMPLATES_PREVIEW_DIR=/some/dir` to also write every rendered page
//! (plus the stylesheet) there, for looking at them in a browser.

use std::collections::{BTreeMap, BTreeSet};

use rocket_dyn_templates::tera::{Context, Tera};
use serde_json::{json, Value};

mod fixtures;
mod forms;
mod html;
mod rendering;
mod sign_in_pages;
use fixtures::*;
use html::*;

const CSRF: &str = "ImQ5YjI1NmUxZjM.aGk3Zg.x-Y_zQ/8s";

const KEY: &str = "4JOA-WAPA-XRLW-K7QZ-M2HD-5NVE-QSTU-BC3F";

// ---------------------------------------------------------------- rendering

/// The default templates named as the crate names them: `security/login_user.html`, and
/// `security/login_user` too where no other file shares that name.
fn tera() -> Tera {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "tera") {
                out.push(path);
            }
        }
    }
    let root = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/templates"));
    let mut files = Vec::new();
    walk(&root.join("security"), &mut files);
    let named: Vec<(String, String)> = files
        .iter()
        .map(|path| {
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let name = rel.trim_end_matches(".tera").to_owned();
            (name, std::fs::read_to_string(path).unwrap())
        })
        .collect();
    let short = |name: &str| {
        name.rsplit_once('.')
            .map(|(s, _)| s.to_owned())
            .unwrap_or_default()
    };
    let mut all = named.clone();
    for (name, body) in &named {
        let stem = short(name);
        if named
            .iter()
            .filter(|(other, _)| short(other) == stem)
            .count()
            == 1
        {
            all.push((stem, body.clone()));
        }
    }
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    rocket_security::register_i18n(&mut tera);
    tera.add_raw_templates(all).expect("templates parse");
    tera
}

fn render_with(tera: &Tera, page: &str, ctx: &Value) -> String {
    let name = format!("security/{page}.html");
    let mut context = Context::from_value(ctx.clone()).expect("context is an object");
    if !context.contains_key("lang") {
        context.insert("lang", "en");
    }
    match tera.render(&name, &context) {
        Ok(html) => html,
        Err(e) => {
            let mut msg = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                msg.push_str(&format!("\n  caused by: {s}"));
                source = s.source();
            }
            panic!("rendering {name} failed: {msg}")
        }
    }
}

fn render(page: &str, ctx: &Value) -> String {
    render_with(&tera(), page, ctx)
}

/// Deep-merges `patch` into `base`.
fn merge(mut base: Value, patch: Value) -> Value {
    fn go(a: &mut Value, b: Value) {
        match (a, b) {
            (Value::Object(a), Value::Object(b)) => {
                for (k, v) in b {
                    go(a.entry(k).or_insert(Value::Null), v);
                }
            }
            (a, b) => *a = b,
        }
    }
    go(&mut base, patch);
    base
}

fn preview(name: &str, html: &str) {
    let Some(dir) = std::env::var_os("TEMPLATES_PREVIEW_DIR") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    let css = concat!(env!("CARGO_MANIFEST_DIR"), "/static/security/security.css");
    std::fs::copy(css, dir.join("security.css")).unwrap();
    std::fs::write(dir.join(format!("{name}.html")), html).unwrap();
}

/// Context for previews: the stylesheet next to the HTML files.
fn for_preview(ctx: &Value) -> Value {
    merge(ctx.clone(), json!({"urls": {"static": "."}}))
}
