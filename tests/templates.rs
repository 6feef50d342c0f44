//! Renders every default security page through Tera and checks what a browser
//! and the Flask-Security-Too wire contract need to see.
//!
//! Set `TEMPLATES_PREVIEW_DIR=/some/dir` to also write every rendered page
//! (plus the stylesheet) there, for looking at them in a browser.

use std::collections::{BTreeMap, BTreeSet};

use rocket_dyn_templates::tera::{Context, Tera};
use serde_json::{json, Value};

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

fn urls() -> Value {
    json!({
        "index": "/",
        "static": "/fs-static",
        "login": "/login",
        "logout": "/logout",
        "register": "/register",
        "forgot_password": "/reset",
        "send_confirmation": "/confirm",
        "change_password": "/change",
        "change_email": "/change-email",
        "us_signin": "/us-signin",
        "us_signin_send_code": "/us-signin/send-code",
        "us_setup": "/us-setup",
        "us_verify": "/us-verify",
        "us_verify_send_code": "/us-verify/send-code",
        "tf_setup": "/tf-setup",
        "tf_validate": "/tf-validate",
        "tf_rescue": "/tf-rescue",
        "mf_recovery_codes": "/mf-recovery-codes",
        "mf_recovery": "/mf-recovery",
        "verify": "/verify"
    })
}

fn features() -> Value {
    json!({
        "registerable": true, "recoverable": true, "confirmable": true, "changeable": true,
        "change_email": true, "unified_signin": true, "two_factor": true,
        "mf_recovery_codes": true
    })
}

/// The keys every page gets, for an anonymous visitor.
fn common() -> Value {
    json!({
        "csrf_token": CSRF,
        "flashes": [],
        "current_user": null,
        "urls": urls(),
        "features": features(),
    })
}

fn user() -> Value {
    json!({"current_user": {"email": "ada@example.com", "roles": ["admin"]}})
}

fn form(name: &str, action: &str, fields: Value) -> Value {
    json!({"form": {"name": name, "action": action, "fields": fields, "errors": [], "extra_fields": []}})
}

/// A small stand-in for the server-built QR code (shape only, not scannable).
fn qr_svg() -> String {
    let n = 25;
    let mut rects = String::new();
    let finder = |x: usize, y: usize| -> Option<bool> {
        for (ox, oy) in [(0, 0), (n - 7, 0), (0, n - 7)] {
            if (ox..ox + 7).contains(&x) && (oy..oy + 7).contains(&y) {
                let (dx, dy) = (x - ox, y - oy);
                let ring = dx == 0 || dy == 0 || dx == 6 || dy == 6;
                let core = (2..5).contains(&dx) && (2..5).contains(&dy);
                return Some(ring || core);
            }
        }
        None
    };
    let mut seed: u32 = 0x9e37_79b9;
    for y in 0..n {
        for x in 0..n {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let on = finder(x, y).unwrap_or(seed % 2 == 0);
            if on {
                rects.push_str(&format!(
                    "<rect x=\"{x}\" y=\"{y}\" width=\"1\" height=\"1\"/>"
                ));
            }
        }
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"-2 -2 {v} {v}\" shape-rendering=\"crispEdges\"><path fill=\"#fff\" d=\"M-2-2h{v}v{v}h-{v}z\"/><g fill=\"#000\">{rects}</g></svg>",
        v = n + 4
    )
}

fn authr(action: &str) -> Value {
    json!({
        "qrcode_svg": qr_svg(),
        "key": KEY,
        "issuer": "fsref",
        "username": "ada@example.com",
        "uri": "otpauth://totp/fsref:ada@example.com?secret=4JOAWAPAXRLWK7QZM2HD5NVEQSTUBC3F&issuer=fsref",
        "action": action,
    })
}

/// Every page with a realistic context, as a form is first shown.
fn samples() -> Vec<(&'static str, Value)> {
    let anon = common();
    let logged_in = merge(common(), user());
    vec![
        (
            "login_user",
            merge(
                anon.clone(),
                form(
                    "login_user_form",
                    "/login",
                    json!({"next": {"value": "/protected", "errors": []}}),
                ),
            ),
        ),
        (
            "register_user",
            merge(
                anon.clone(),
                merge(
                    form("register_user_form", "/register", json!({})),
                    json!({"form": {"extra_fields": [
                        {"name": "display_name", "label": "Display name", "type": "text", "value": "", "errors": [], "required": true},
                        {"name": "newsletter", "label": "Send me product news", "type": "checkbox", "value": "", "errors": [], "required": false}
                    ]}}),
                ),
            ),
        ),
        (
            "send_confirmation",
            merge(
                anon.clone(),
                form("send_confirmation_form", "/confirm", json!({})),
            ),
        ),
        (
            "forgot_password",
            merge(
                anon.clone(),
                form("forgot_password_form", "/reset", json!({})),
            ),
        ),
        (
            "reset_password",
            merge(
                anon.clone(),
                form(
                    "reset_password_form",
                    "/reset/WyJhYmMiXQ.Zk9x.sig-_token",
                    json!({}),
                ),
            ),
        ),
        (
            "change_password",
            merge(
                logged_in.clone(),
                form("change_password_form", "/change", json!({})),
            ),
        ),
        (
            "change_email",
            merge(
                logged_in.clone(),
                merge(
                    form("change_email_form", "/change-email", json!({})),
                    json!({"current_email": "ada@example.com"}),
                ),
            ),
        ),
        (
            "two_factor_setup",
            merge(
                logged_in.clone(),
                merge(
                    form(
                        "two_factor_setup_form",
                        "/tf-setup",
                        json!({"setup": {"value": "authenticator", "errors": []}}),
                    ),
                    json!({
                        "choices": [{"value": "authenticator", "label": "Set up using an authenticator app"}],
                        "show_phone": false,
                        "current_method": null,
                        "authr": authr("/tf-setup/WyJ0ZnN0YXRlIl0.Zk9x.token"),
                    }),
                ),
            ),
        ),
        (
            "two_factor_verify_code",
            merge(
                anon.clone(),
                merge(
                    form(
                        "two_factor_verify_code_form",
                        "/tf-validate?next=%2Fprotected",
                        json!({}),
                    ),
                    json!({
                        "rescue_choices": [
                            {"value": "email", "label": "Email me a one-time code"},
                            {"value": "help", "label": "Contact the administrator"},
                            {"value": "recovery_code", "label": "Use a recovery code"}
                        ],
                        "recovery_url": "/mf-recovery",
                    }),
                ),
            ),
        ),
        (
            "mf_recovery_codes",
            merge(
                logged_in.clone(),
                merge(
                    form("mf_recovery_codes_form", "/mf-recovery-codes", json!({})),
                    json!({"recovery_codes": ["1a2b-3c4d-5e6f", "0f9e-8d7c-6b5a", "aaaa-bbbb-cccc", "1234-5678-9abc", "dead-beef-0001"]}),
                ),
            ),
        ),
        (
            "mf_recovery",
            merge(
                anon.clone(),
                form("mf_recovery_form", "/mf-recovery", json!({})),
            ),
        ),
        (
            "us_signin",
            merge(
                anon.clone(),
                merge(
                    form(
                        "us_signin_form",
                        "/us-signin",
                        json!({"next": {"value": "/protected", "errors": []}}),
                    ),
                    json!({"code_methods": ["email"], "available_methods": ["password", "email", "authenticator"]}),
                ),
            ),
        ),
        (
            "us_setup",
            merge(
                logged_in.clone(),
                merge(
                    form(
                        "us_setup_form",
                        "/us-setup",
                        json!({"chosen_method": {"value": "email", "errors": []}}),
                    ),
                    json!({
                        "setup_methods": ["authenticator", "email"],
                        "active_methods": ["password", "email"],
                        "show_phone": false,
                        "state": "WyJzdGF0ZSJd.Zk9x.token",
                        "state_action": "/us-setup/WyJzdGF0ZSJd.Zk9x.token",
                    }),
                ),
            ),
        ),
        (
            "verify",
            merge(
                logged_in.clone(),
                form(
                    "verify_form",
                    "/verify",
                    json!({"next": {"value": "/admin", "errors": []}}),
                ),
            ),
        ),
        (
            "us_verify",
            merge(
                logged_in.clone(),
                merge(
                    form(
                        "us_verify_form",
                        "/us-verify",
                        json!({"next": {"value": "/admin", "errors": []}}),
                    ),
                    json!({"code_methods": ["email"]}),
                ),
            ),
        ),
        (
            "wan_register",
            merge(
                logged_in.clone(),
                merge(
                    form("wan_register_form", "/wan-register", json!({})),
                    json!({"registered_credentials": [{
                        "name": "Work laptop", "credential_id": "AAAA", "usage": "first",
                        "create_datetime": "2026-01-01T12:00:00.000000", "lastuse": null,
                    }]}),
                ),
            ),
        ),
        (
            "wan_signin",
            merge(
                anon.clone(),
                form("wan_signin_form", "/wan-signin", json!({})),
            ),
        ),
        (
            "wan_verify",
            merge(
                logged_in.clone(),
                form("wan_verify_form", "/wan-verify", json!({})),
            ),
        ),
        (
            "error",
            merge(
                anon.clone(),
                json!({"status": 400, "title": "Bad Request", "message": "The CSRF token is missing."}),
            ),
        ),
    ]
}

/// Field names with their errors, as the server reports a failed POST.
fn error_sample(page: &str) -> Option<Value> {
    let fields = match page {
        "login_user" => json!({
            "email": {"value": "ada@example.com", "errors": []},
            "next": {"value": "https://evil.example.com/x", "errors": ["Redirections outside the domain are forbidden"]},
        }),
        "register_user" => json!({
            "email": {"value": "not-an-email", "errors": ["Invalid email address"]},
            "password": {"value": "", "errors": ["Password must be at least 8 characters"]},
            "password_confirm": {"value": "", "errors": ["Passwords do not match"]},
        }),
        "send_confirmation" | "forgot_password" | "change_email" => {
            json!({"email": {"value": "bad@", "errors": ["Invalid email address"]}})
        }
        "reset_password" => json!({
            "password": {"value": "", "errors": ["Password must be at least 8 characters"]},
            "password_confirm": {"value": "", "errors": ["Passwords do not match"]},
        }),
        "change_password" => json!({
            "password": {"value": "", "errors": ["Invalid password"]},
            "new_password": {"value": "", "errors": ["Password must be at least 8 characters"]},
            "new_password_confirm": {"value": "", "errors": ["Passwords do not match"]},
        }),
        "two_factor_setup" | "two_factor_verify_code" => {
            json!({"code": {"value": "123456", "errors": ["Invalid code"]}})
        }
        "mf_recovery" => {
            json!({"code": {"value": "0000-0000-0000", "errors": ["Recovery code invalid"]}})
        }
        "us_setup" => {
            json!({"passcode": {"value": "123456", "errors": ["Password or code submitted is not valid"]}})
        }
        "us_signin" | "us_verify" => json!({
            "identity": {"value": "ada@example.com", "errors": []},
            "passcode": {"value": "", "errors": ["Password not provided"]},
        }),
        "verify" => json!({"password": {"value": "", "errors": ["Invalid password"]}}),
        _ => return None,
    };
    Some(json!({"form": {"fields": fields}}))
}

fn pages() -> Vec<&'static str> {
    samples().into_iter().map(|(p, _)| p).collect()
}

// ---------------------------------------------------------------- tiny HTML reader

#[derive(Debug, Clone)]
struct Tag {
    name: String,
    attrs: Vec<(String, Option<String>)>,
    raw: String,
    /// Byte offsets of the tag in the document.
    start: usize,
    end: usize,
}

impl Tag {
    fn get(&self, attr: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == attr)
            .map(|(_, v)| v.as_deref().unwrap_or(""))
    }
    fn has(&self, attr: &str) -> bool {
        self.attrs.iter().any(|(k, _)| k == attr)
    }
}

fn parse_attrs(s: &str) -> Vec<(String, Option<String>)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'>' {
            i += 1;
        }
        if start == i {
            break;
        }
        let name = s[start..i].to_ascii_lowercase();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            let quote = b[i];
            assert!(quote == b'"', "unquoted attribute {name} in <{s}>");
            i += 1;
            let vstart = i;
            while b[i] != quote {
                i += 1;
            }
            out.push((name, Some(s[vstart..i].to_string())));
            i += 1;
        } else {
            out.push((name, None));
        }
    }
    out
}

/// Every start tag in the document, in order.
fn tags(html: &str) -> Vec<Tag> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(off) = html[pos..].find('<') {
        let start = pos + off;
        let rest = &html[start + 1..];
        if rest.starts_with('!') || rest.starts_with('/') {
            pos = start + 1;
            continue;
        }
        let end = start + html[start..].find('>').expect("unclosed tag");
        let inner = &html[start + 1..end];
        let name_len = inner
            .find(|c: char| c.is_ascii_whitespace() || c == '/')
            .unwrap_or(inner.len());
        let name = inner[..name_len].to_ascii_lowercase();
        out.push(Tag {
            attrs: parse_attrs(&inner[name_len..]),
            name,
            raw: html[start..=end].to_string(),
            start,
            end: end + 1,
        });
        pos = end + 1;
    }
    out
}

fn find<'a>(tags: &'a [Tag], name: &str, attr: &str, value: &str) -> Vec<&'a Tag> {
    tags.iter()
        .filter(|t| t.name == name && t.get(attr) == Some(value))
        .collect()
}

/// The one start tag `<name attr="value">`; panics if absent or repeated.
fn one<'a>(tags: &'a [Tag], name: &str, attr: &str, value: &str) -> &'a Tag {
    let found = find(tags, name, attr, value);
    assert_eq!(
        found.len(),
        1,
        "expected one <{name} {attr}=\"{value}\">, found {}",
        found.len()
    );
    found[0]
}

/// The HTML of the form with the given id, from `<form` to `</form>`.
fn form_html<'a>(html: &'a str, id: &str) -> &'a str {
    let all = tags(html);
    let open = one(&all, "form", "id", id);
    let close = html[open.end..].find("</form>").expect("form closed") + open.end;
    &html[open.start..close + "</form>".len()]
}

/// Names of the controls a form would submit (inputs, selects, textareas).
fn control_names(form: &str) -> BTreeSet<String> {
    tags(form)
        .into_iter()
        .filter(|t| matches!(t.name.as_str(), "input" | "select" | "textarea" | "button"))
        .filter_map(|t| t.get("name").map(str::to_string))
        .collect()
}

const VOID: &[&str] = &["meta", "link", "input", "br", "hr", "img", "path", "rect"];

/// Start and end tags match up (no stray or missing `</div>` and the like).
fn assert_balanced(page: &str, html: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut pos = 0;
    while let Some(off) = html[pos..].find('<') {
        let start = pos + off;
        let end = start + html[start..].find('>').unwrap();
        let inner = &html[start + 1..end];
        pos = end + 1;
        if inner.starts_with('!') {
            continue;
        }
        if let Some(name) = inner.strip_prefix('/') {
            let name = name.trim().to_ascii_lowercase();
            let top = stack.pop();
            assert_eq!(
                top.as_deref(),
                Some(name.as_str()),
                "{page}: </{name}> closes {top:?}"
            );
            continue;
        }
        let name = inner
            .split(|c: char| c.is_ascii_whitespace() || c == '/')
            .next()
            .unwrap()
            .to_ascii_lowercase();
        if VOID.contains(&name.as_str()) || inner.ends_with('/') {
            continue;
        }
        stack.push(name);
    }
    assert!(stack.is_empty(), "{page}: unclosed elements {stack:?}");
}

/// Ids are unique, every `<label for>` names an element, every visible
/// control has a label, and every `aria-describedby` target exists.
fn assert_accessible(page: &str, html: &str) {
    let all = tags(html);
    let mut ids = BTreeMap::new();
    for t in &all {
        if let Some(id) = t.get("id") {
            *ids.entry(id.to_string()).or_insert(0) += 1;
        }
    }
    for (id, n) in &ids {
        assert_eq!(*n, 1, "{page}: id {id:?} used {n} times");
    }
    let labelled: BTreeSet<&str> = all
        .iter()
        .filter(|t| t.name == "label")
        .map(|t| {
            t.get("for")
                .unwrap_or_else(|| panic!("{page}: label without for: {}", t.raw))
        })
        .collect();
    for target in &labelled {
        assert!(
            ids.contains_key(*target),
            "{page}: <label for={target:?}> has no element"
        );
    }
    for t in all
        .iter()
        .filter(|t| matches!(t.name.as_str(), "input" | "select" | "textarea"))
    {
        let kind = t.get("type").unwrap_or("text");
        if matches!(kind, "hidden" | "submit" | "button") || t.get("aria-hidden") == Some("true") {
            continue;
        }
        let id = t
            .get("id")
            .unwrap_or_else(|| panic!("{page}: control without id: {}", t.raw));
        assert!(labelled.contains(id), "{page}: no label for {}", t.raw);
    }
    for t in &all {
        if let Some(refs) = t.get("aria-describedby") {
            for r in refs.split_whitespace() {
                assert!(
                    ids.contains_key(r),
                    "{page}: aria-describedby {r:?} missing in {}",
                    t.raw
                );
            }
        }
    }
}

/// The common shape of every page and every form on it.
fn assert_page_basics(page: &str, html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>"), "{page}: doctype first");
    assert!(html.contains("<html lang=\"en\" dir=\"ltr\">"));
    assert!(
        html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
    );
    assert!(html.contains("<main>"), "{page}: has <main>");
    assert_balanced(page, html);
    assert_accessible(page, html);
    let all = tags(html);
    for f in all.iter().filter(|t| t.name == "form") {
        let method = f
            .get("method")
            .unwrap_or_else(|| panic!("{page}: form without method"));
        assert!(f.has("action"), "{page}: form without action: {}", f.raw);
        assert!(
            !f.get("action").unwrap().contains("&#x2F;"),
            "{page}: action not a plain URL: {}",
            f.raw
        );
        let body = form_html(html, f.get("id").expect("form id"));
        if method == "post" {
            assert!(
                body.contains("<input type=\"hidden\" name=\"csrf_token\" value=\""),
                "{page}: form {} lacks the csrf_token",
                f.raw
            );
        } else {
            assert!(
                !body.contains("csrf_token"),
                "{page}: a GET form must not leak the csrf token"
            );
        }
    }
    // Autofocus at most once per page.
    assert!(
        all.iter().filter(|t| t.has("autofocus")).count() <= 1,
        "{page}: several autofocus"
    );
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

fn input(html: &str, name: &str) -> Tag {
    one(&tags(html), "input", "name", name).clone()
}

// ---------------------------------------------------------------- tests

#[test]
fn every_template_parses_and_extends_the_layout() {
    let tera = tera();
    let names: Vec<&str> = tera.get_template_names().collect();
    for page in pages() {
        assert!(
            names.contains(&format!("security/{page}.html").as_str()),
            "missing {page}"
        );
        let src = std::fs::read_to_string(format!(
            "{}/templates/security/{page}.html.tera",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        assert!(
            src.starts_with("{% extends \"security/_layout\" %}"),
            "{page} extends the layout"
        );
        assert!(
            src.contains("{% block title %}") && src.contains("{% block content %}"),
            "{page} blocks"
        );
    }
}

#[test]
fn every_page_renders_with_a_realistic_context() {
    let tera = tera();
    for (page, ctx) in samples() {
        let html = render_with(&tera, page, &ctx);
        assert_page_basics(page, &html);
        assert!(
            html.contains("href=\"/fs-static/security.css\""),
            "{page}: stylesheet link"
        );
        let posts = html.matches("<form method=\"post\"").count();
        let tokens = html
            .matches(&format!(
                "<input type=\"hidden\" name=\"csrf_token\" value=\"{CSRF}\">"
            ))
            .count();
        assert_eq!(
            posts, tokens,
            "{page}: one csrf_token with the session's value per POST form"
        );
        preview(page, &render_with(&tera, page, &for_preview(&ctx)));
    }
}

#[test]
fn every_page_renders_with_missing_optional_keys() {
    let tera = tera();
    for page in pages() {
        // Nothing at all, and the common keys without a form.
        for ctx in [json!({}), common(), merge(common(), user())] {
            let html = render_with(&tera, page, &ctx);
            assert_page_basics(page, &html);
        }
        // A form whose `fields` lacks every key.
        let html = render_with(
            &tera,
            page,
            &merge(common(), json!({"form": {"fields": {}}})),
        );
        assert_page_basics(page, &html);
    }
}

#[test]
fn every_page_renders_field_errors_next_to_their_field() {
    let tera = tera();
    for (page, ctx) in samples() {
        let Some(errors) = error_sample(page) else {
            continue;
        };
        let html = render_with(&tera, page, &merge(ctx.clone(), errors.clone()));
        assert_page_basics(page, &html);
        preview(
            &format!("{page}-errors"),
            &render_with(&tera, page, &for_preview(&merge(ctx, errors.clone()))),
        );
        let all = tags(&html);
        for (field, data) in errors["form"]["fields"].as_object().unwrap() {
            let msgs = data["errors"].as_array().unwrap();
            if msgs.is_empty() {
                continue;
            }
            if field == "next" {
                // A hidden field: its error goes into the form-level alert box.
                let alert = &html[html.find("role=\"alert\"").expect("alert box")..];
                for m in msgs {
                    let li = format!("<li class=\"fs-error-msg\">{}</li>", m.as_str().unwrap());
                    assert!(alert.contains(&li), "{page}: next error shown");
                }
                continue;
            }
            let control = one(&all, "input", "name", field);
            let id = control.get("id").unwrap();
            assert_eq!(
                control.get("aria-invalid"),
                Some("true"),
                "{page}: {field} aria-invalid"
            );
            let list_id = format!("{id}-errors");
            assert!(
                control
                    .get("aria-describedby")
                    .unwrap()
                    .split(' ')
                    .any(|r| r == list_id),
                "{page}: {field} describedby its errors"
            );
            // The error list comes right after the input.
            let after = html[control.end..].trim_start();
            let expected = format!(
                "<ul class=\"field-errors\" id=\"{list_id}\"><li class=\"fs-error-msg\">{}</li></ul>",
                msgs[0].as_str().unwrap()
            );
            assert!(
                after.starts_with(&expected),
                "{page}: errors of {field} right under it, got {:.200}",
                after
            );
        }
    }
}

struct Expect {
    page: &'static str,
    form_id: &'static str,
    action: &'static str,
    fields: &'static [&'static str],
}

#[test]
fn forms_have_the_flask_security_names_actions_and_fields() {
    let expected = [
        Expect {
            page: "login_user",
            form_id: "login_user_form",
            action: "/login",
            fields: &[
                "email",
                "password",
                "remember",
                "next",
                "csrf_token",
                "submit",
            ],
        },
        Expect {
            page: "register_user",
            form_id: "register_user_form",
            action: "/register",
            fields: &[
                "email",
                "password",
                "password_confirm",
                "display_name",
                "newsletter",
                "next",
                "csrf_token",
                "submit",
            ],
        },
        Expect {
            page: "send_confirmation",
            form_id: "send_confirmation_form",
            action: "/confirm",
            fields: &["email", "csrf_token", "submit"],
        },
        Expect {
            page: "forgot_password",
            form_id: "forgot_password_form",
            action: "/reset",
            fields: &["email", "csrf_token", "submit"],
        },
        Expect {
            page: "reset_password",
            form_id: "reset_password_form",
            action: "/reset/WyJhYmMiXQ.Zk9x.sig-_token",
            fields: &["password", "password_confirm", "csrf_token", "submit"],
        },
        Expect {
            page: "change_password",
            form_id: "change_password_form",
            action: "/change",
            fields: &[
                "password",
                "new_password",
                "new_password_confirm",
                "csrf_token",
                "submit",
            ],
        },
        Expect {
            page: "change_email",
            form_id: "change_email_form",
            action: "/change-email",
            fields: &["email", "csrf_token", "submit"],
        },
        Expect {
            page: "two_factor_setup",
            form_id: "two_factor_setup_form",
            action: "/tf-setup",
            fields: &["setup", "csrf_token", "submit"],
        },
        Expect {
            page: "two_factor_setup",
            form_id: "two_factor_verify_code_form",
            action: "/tf-setup/WyJ0ZnN0YXRlIl0.Zk9x.token",
            fields: &["code", "csrf_token", "submit"],
        },
        Expect {
            page: "two_factor_verify_code",
            form_id: "two_factor_verify_code_form",
            action: "/tf-validate?next=%2Fprotected",
            fields: &["code", "csrf_token", "submit"],
        },
        Expect {
            page: "two_factor_verify_code",
            form_id: "two_factor_rescue_form",
            action: "/tf-rescue",
            fields: &["help_setup", "csrf_token", "submit"],
        },
        Expect {
            page: "mf_recovery_codes",
            form_id: "mf_recovery_codes_form",
            action: "/mf-recovery-codes",
            fields: &["generate_new_codes", "csrf_token", "submit"],
        },
        Expect {
            page: "mf_recovery",
            form_id: "mf_recovery_form",
            action: "/mf-recovery",
            fields: &["code", "csrf_token", "submit"],
        },
        Expect {
            page: "us_signin",
            form_id: "us_signin_form",
            action: "/us-signin",
            fields: &[
                "identity",
                "passcode",
                "remember",
                "next",
                "chosen_method",
                "csrf_token",
                "submit",
                "submit_send_code",
            ],
        },
        Expect {
            page: "us_setup",
            form_id: "us_setup_form",
            action: "/us-setup",
            fields: &["chosen_method", "delete_method", "csrf_token", "submit"],
        },
        Expect {
            page: "us_setup",
            form_id: "us_setup_validate_form",
            action: "/us-setup/WyJzdGF0ZSJd.Zk9x.token",
            fields: &["passcode", "csrf_token", "submit"],
        },
        Expect {
            page: "verify",
            form_id: "verify_form",
            action: "/verify",
            fields: &["password", "next", "csrf_token", "submit"],
        },
        Expect {
            page: "us_verify",
            form_id: "us_verify_form",
            action: "/us-verify",
            fields: &[
                "passcode",
                "next",
                "chosen_method",
                "csrf_token",
                "submit",
                "submit_send_code",
            ],
        },
    ];
    let samples: BTreeMap<_, _> = samples().into_iter().collect();
    for e in expected {
        let html = render(e.page, &samples[e.page]);
        let all = tags(&html);
        let f = one(&all, "form", "id", e.form_id);
        assert_eq!(
            f.get("name"),
            Some(e.form_id.split("_show").next().unwrap()),
            "{}",
            e.page
        );
        assert_eq!(f.get("method"), Some("post"), "{}: {}", e.page, e.form_id);
        assert_eq!(f.get("action"), Some(e.action), "{}: {}", e.page, e.form_id);
        // C3 spells the opening of a security form this way.
        assert!(f
            .raw
            .starts_with(&format!("<form method=\"post\" action=\"{}\"", e.action)));
        let names = control_names(form_html(&html, e.form_id));
        let want: BTreeSet<String> = e.fields.iter().map(|s| s.to_string()).collect();
        assert_eq!(names, want, "{}: fields of {}", e.page, e.form_id);
    }
}

#[test]
fn login_page_details() {
    let ctx = &samples()[0].1;
    let html = render("login_user", ctx);
    let email = input(&html, "email");
    assert_eq!(email.get("type"), Some("email"));
    assert_eq!(email.get("id"), Some("email"));
    assert_eq!(email.get("autocomplete"), Some("username"));
    assert!(email.has("required"));
    assert!(html.contains("<label for=\"email\">"));
    let password = input(&html, "password");
    assert_eq!(password.get("type"), Some("password"));
    assert_eq!(password.get("autocomplete"), Some("current-password"));
    assert!(
        !password.has("value"),
        "password inputs never carry a value"
    );
    assert!(html.contains("<label for=\"password\">"));
    let remember = input(&html, "remember");
    assert_eq!(remember.get("type"), Some("checkbox"));
    assert_eq!(remember.get("value"), Some("y"));
    assert!(!remember.has("checked"));
    assert!(html.contains("<label for=\"remember\">"));
    let next = input(&html, "next");
    assert_eq!(next.get("type"), Some("hidden"));
    assert_eq!(
        next.get("value"),
        Some("/protected"),
        "next is written as a plain path"
    );
    // Links for every enabled feature.
    for href in ["/reset", "/register", "/confirm", "/us-signin"] {
        assert!(
            html.contains(&format!("href=\"{href}\"")),
            "login links to {href}"
        );
    }
    // None when the features are off.
    let off = merge(
        ctx.clone(),
        json!({"features": {"registerable": false, "recoverable": false, "confirmable": false, "unified_signin": false}}),
    );
    let html = render("login_user", &off);
    for href in ["/reset", "/register", "/confirm", "/us-signin"] {
        assert!(
            !html.contains(&format!("href=\"{href}\"")),
            "no link to {href} when off"
        );
    }
    // The password never comes back; remember stays ticked.
    let again = merge(
        ctx.clone(),
        json!({"form": {"fields": {"password": {"value": "hunter22", "errors": []}, "remember": {"value": true, "errors": []}}}}),
    );
    let html = render("login_user", &again);
    assert!(!html.contains("hunter22"));
    assert!(input(&html, "remember").has("checked"));
}

#[test]
fn form_level_errors_are_an_alert_at_the_top_of_the_form() {
    let msg = "Authentication failed - identity or password/passcode invalid";
    let ctx = merge(samples()[0].1.clone(), json!({"form": {"errors": [msg]}}));
    let html = render("login_user", &ctx);
    let form = form_html(&html, "login_user_form");
    let alert = form
        .find("<div class=\"form-errors\" role=\"alert\">")
        .expect("alert box");
    assert!(
        alert < form.find("name=\"email\"").unwrap(),
        "errors above the fields"
    );
    assert!(
        form.contains(&format!("<li class=\"fs-error-msg\">{msg}</li>")),
        "message verbatim, slash kept"
    );
    // No alert box without errors.
    assert!(!render("login_user", &samples()[0].1).contains("role=\"alert\""));
}

#[test]
fn flashes_use_the_contract_markup() {
    let ctx = merge(
        common(),
        json!({"flashes": [
            {"category": "error", "message": "Invalid reset password token."},
            {"category": "success", "message": "Thank you. Your email has been confirmed."},
            {"category": "info", "message": "Instructions to reset your password have been sent to a/b@example.com."}
        ]}),
    );
    let html = render("forgot_password", &ctx);
    assert!(html.contains(concat!(
        "<ul class=\"flashes\">",
        "<li class=\"error fs-error-msg\">Invalid reset password token.</li>",
        "<li class=\"success fs-error-msg\">Thank you. Your email has been confirmed.</li>",
        "<li class=\"info fs-error-msg\">Instructions to reset your password have been sent to a/b@example.com.</li>",
        "</ul>"
    )));
    let one_flash = merge(
        common(),
        json!({"flashes": [{"category": "error", "message": "Invalid confirmation token."}]}),
    );
    assert!(render("send_confirmation", &one_flash)
        .contains("<ul class=\"flashes\"><li class=\"error fs-error-msg\">Invalid confirmation token.</li></ul>"));
    preview(
        "send_confirmation-flashes",
        &render(
            "send_confirmation",
            &for_preview(&merge(
                ctx,
                form("send_confirmation_form", "/confirm", json!({})),
            )),
        ),
    );
    // No list at all without flashes.
    for page in pages() {
        assert!(
            !render(page, &common()).contains("class=\"flashes\""),
            "{page}"
        );
    }
}

#[test]
fn values_and_messages_are_escaped() {
    let evil = "<script>alert(\"x\")</script>'&";
    let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&apos;&amp;";
    let ctx = merge(
        samples()[0].1.clone(),
        json!({
            "flashes": [{"category": "error", "message": evil}],
            "form": {"fields": {"email": {"value": evil, "errors": [evil]}, "next": {"value": evil, "errors": []}}, "errors": [evil]},
        }),
    );
    let html = render("login_user", &ctx);
    assert!(!html.contains("<script"), "nothing unescaped");
    assert!(
        html.contains(&format!("value=\"{escaped}\"")),
        "field value escaped"
    );
    assert!(
        html.contains(&format!("<li class=\"error fs-error-msg\">{escaped}</li>")),
        "flash escaped"
    );
    assert!(
        html.contains(&format!("<li class=\"fs-error-msg\">{escaped}</li>")),
        "error escaped"
    );
    // The logged-in user's email, the current email and the error page too.
    let ctx = merge(
        merge(
            samples()[6].1.clone(),
            json!({"current_user": {"email": evil}, "current_email": evil}),
        ),
        json!({}),
    );
    assert!(!render("change_email", &ctx).contains("<script"));
    let ctx = merge(
        common(),
        json!({"status": 404, "title": evil, "message": evil}),
    );
    assert!(!render("error", &ctx).contains("<script"));
    // Extra registration fields from the application.
    let ctx = merge(
        samples()[1].1.clone(),
        json!({"form": {"extra_fields": [{"name": "nick", "label": "Nick", "type": "text", "value": evil, "errors": [evil]}]}}),
    );
    let html = render("register_user", &ctx);
    assert!(!html.contains("<script"));
    assert!(html.contains(&format!("value=\"{escaped}\"")));
}

#[test]
fn safe_is_used_only_after_escaping_or_for_the_qr_code() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/security");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("tera") {
            continue;
        }
        let src = std::fs::read_to_string(&path).unwrap();
        for (n, line) in src.lines().enumerate() {
            let mut rest = line;
            while let Some(i) = rest.find("| safe") {
                let before = rest[..i].trim_end();
                assert!(
                    before.ends_with("escape_xml") || before.ends_with("authr.qrcode_svg"),
                    "{}:{}: `| safe` without escape_xml: {line}",
                    path.display(),
                    n + 1
                );
                rest = &rest[i + 1..];
            }
        }
    }
}

#[test]
fn register_renders_extra_fields_from_the_application() {
    let ctx = merge(
        samples()[1].1.clone(),
        json!({"form": {"extra_fields": [
            {"name": "display_name", "label": "Display name", "type": "text", "value": "Ada", "errors": ["Too short"], "required": true},
            {"name": "newsletter", "label": "Send me product news", "type": "checkbox", "value": "y", "errors": [], "required": false},
            {"name": "invite", "label": "Invite", "type": "hidden", "value": "abc", "errors": []}
        ]}}),
    );
    let html = render("register_user", &ctx);
    assert_page_basics("register_user", &html);
    let name = input(&html, "display_name");
    assert_eq!(name.get("type"), Some("text"));
    assert_eq!(name.get("value"), Some("Ada"));
    assert!(name.has("required"));
    assert_eq!(name.get("aria-invalid"), Some("true"));
    assert!(html.contains("<label for=\"display_name\">Display name</label>"));
    assert!(html.contains("<li class=\"fs-error-msg\">Too short</li>"));
    let news = input(&html, "newsletter");
    assert_eq!(news.get("type"), Some("checkbox"));
    assert!(news.has("checked"));
    assert_eq!(input(&html, "invite").get("type"), Some("hidden"));
    // The register password fields.
    assert_eq!(
        input(&html, "password").get("autocomplete"),
        Some("new-password")
    );
    assert_eq!(
        input(&html, "password_confirm").get("autocomplete"),
        Some("new-password")
    );
    assert_eq!(input(&html, "email").get("type"), Some("email"));
}

#[test]
fn password_pages_use_the_right_autocomplete() {
    let s: BTreeMap<_, _> = samples().into_iter().collect();
    let html = render("reset_password", &s["reset_password"]);
    for f in ["password", "password_confirm"] {
        assert_eq!(input(&html, f).get("type"), Some("password"));
        assert_eq!(input(&html, f).get("autocomplete"), Some("new-password"));
    }
    let html = render("change_password", &s["change_password"]);
    assert_eq!(
        input(&html, "password").get("autocomplete"),
        Some("current-password")
    );
    for f in ["new_password", "new_password_confirm"] {
        assert_eq!(input(&html, f).get("type"), Some("password"));
        assert_eq!(input(&html, f).get("autocomplete"), Some("new-password"));
    }
    let html = render("change_email", &s["change_email"]);
    assert_eq!(input(&html, "email").get("type"), Some("email"));
    assert!(html.contains("ada@example.com"), "shows the current email");
    for page in ["send_confirmation", "forgot_password"] {
        let html = render(page, &s[page]);
        assert_eq!(input(&html, "email").get("type"), Some("email"), "{page}");
        assert_eq!(
            input(&html, "email").get("autocomplete"),
            Some("email"),
            "{page}"
        );
    }
}

#[test]
fn two_factor_setup_shows_the_authenticator_details() {
    let ctx = samples()
        .into_iter()
        .find(|(p, _)| *p == "two_factor_setup")
        .unwrap()
        .1;
    let html = render("two_factor_setup", &ctx);
    assert!(html.contains(&qr_svg()), "QR svg is inserted as markup");
    assert!(
        html.contains("role=\"img\" aria-label=\"QR code"),
        "QR has an accessible name"
    );
    assert!(html.contains(&format!("<code>{KEY}</code>")));
    let key_re_ok = html
        .split(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-'))
        .any(|w| {
            let groups: Vec<&str> = w.split('-').collect();
            groups.len() >= 4 && groups.iter().all(|g| g.len() == 4)
        });
    assert!(
        key_re_ok,
        "key readable as [A-Z2-7]{{4}}(-[A-Z2-7]{{4}}){{3,}}"
    );
    assert!(html.contains(
        "href=\"otpauth://totp/fsref:ada@example.com?secret=4JOAWAPAXRLWK7QZM2HD5NVEQSTUBC3F&amp;issuer=fsref\""
    ));
    assert!(html.contains("fsref") && html.contains("ada@example.com"));
    assert!(html.contains("<form method=\"post\" action=\"/tf-setup/WyJ0ZnN0YXRlIl0.Zk9x.token\""));
    let code = input(&html, "code");
    assert_eq!(code.get("inputmode"), Some("numeric"));
    assert_eq!(code.get("autocomplete"), Some("one-time-code"));
    let radio = input(&html, "setup");
    assert_eq!(radio.get("type"), Some("radio"));
    assert_eq!(radio.get("value"), Some("authenticator"));
    assert!(html.contains("<fieldset") && html.contains("<legend>"));

    // Before choosing: no QR, no code form; with 2FA on, `disable` is offered.
    let before = merge(
        ctx.clone(),
        json!({"authr": null, "current_method": "authenticator", "show_phone": true, "choices": [
            {"value": "authenticator", "label": "Authenticator app"}, {"value": "disable", "label": "Disable two-factor"}
        ]}),
    );
    let html = render("two_factor_setup", &before);
    assert_page_basics("two_factor_setup", &html);
    assert!(!html.contains("<svg xmlns"));
    assert!(!html.contains("two_factor_verify_code_form"));
    assert!(html.contains("value=\"disable\""));
    assert!(
        html.contains("Authenticator app"),
        "shows the current method"
    );
    assert_eq!(input(&html, "phone").get("type"), Some("tel"));
    preview(
        "two_factor_setup-enabled",
        &render("two_factor_setup", &for_preview(&before)),
    );
}

#[test]
fn two_factor_verify_page_has_both_forms() {
    let ctx = samples()
        .into_iter()
        .find(|(p, _)| *p == "two_factor_verify_code")
        .unwrap()
        .1;
    let html = render("two_factor_verify_code", &ctx);
    let code = input(&html, "code");
    assert_eq!(code.get("inputmode"), Some("numeric"));
    assert_eq!(code.get("autocomplete"), Some("one-time-code"));
    let rescue = form_html(&html, "two_factor_rescue_form");
    for v in ["email", "help", "recovery_code"] {
        assert!(
            rescue.contains(&format!("name=\"help_setup\" value=\"{v}\"")),
            "rescue {v}"
        );
    }
    assert!(html.contains("href=\"/mf-recovery\""));
    // Without rescue choices the form still offers email and help.
    let html = render("two_factor_verify_code", &common());
    assert!(html.contains("two_factor_rescue_form"));
    assert!(html.contains("value=\"email\"") && html.contains("value=\"help\""));
}

#[test]
fn recovery_codes_page() {
    let ctx = samples()
        .into_iter()
        .find(|(p, _)| *p == "mf_recovery_codes")
        .unwrap()
        .1;
    let html = render("mf_recovery_codes", &ctx);
    assert!(html.contains("<ol class=\"codes\">"));
    assert!(html.contains("<li><code>1a2b-3c4d-5e6f</code></li>"));
    assert!(
        html.to_lowercase().contains("safe"),
        "tells the user to store them safely"
    );
    let post = form_html(&html, "mf_recovery_codes_form");
    assert!(post.contains("<input type=\"hidden\" name=\"generate_new_codes\" value=\"y\">"));
    // Without codes: a GET form to show them.
    let none = merge(ctx, json!({"recovery_codes": []}));
    let html = render("mf_recovery_codes", &none);
    assert!(!html.contains("<ol class=\"codes\">"));
    let all = tags(&html);
    let show = one(&all, "form", "method", "get");
    assert_eq!(show.get("name"), Some("mf_recovery_codes_form"));
    assert_eq!(show.get("action"), Some("/mf-recovery-codes"));
    assert!(control_names(form_html(&html, show.get("id").unwrap())).contains("show_codes"));
    preview(
        "mf_recovery_codes-empty",
        &render("mf_recovery_codes", &for_preview(&none)),
    );
}

#[test]
fn unified_signin_page() {
    let ctx = samples()
        .into_iter()
        .find(|(p, _)| *p == "us_signin")
        .unwrap()
        .1;
    let html = render("us_signin", &ctx);
    let identity = input(&html, "identity");
    assert_eq!(identity.get("type"), Some("email"));
    assert_eq!(identity.get("autocomplete"), Some("username"));
    let passcode = input(&html, "passcode");
    assert_eq!(passcode.get("type"), Some("password"));
    assert_eq!(passcode.get("autocomplete"), Some("current-password"));
    assert!(html.contains("<label for=\"passcode\">Password or code</label>"));
    let method = input(&html, "chosen_method");
    assert_eq!(
        (method.get("type"), method.get("value")),
        (Some("radio"), Some("email"))
    );
    let send = input(&html, "submit_send_code");
    assert_eq!(send.get("type"), Some("submit"));
    assert_eq!(send.get("formaction"), Some("/us-signin/send-code"));
    // "Sign in" comes first so that Enter signs in.
    assert!(
        html.find("name=\"submit\"").unwrap() < html.find("name=\"submit_send_code\"").unwrap()
    );
    assert_eq!(input(&html, "next").get("value"), Some("/protected"));
    assert_eq!(input(&html, "remember").get("value"), Some("y"));
}

#[test]
fn unified_signin_setup_page() {
    let ctx = samples()
        .into_iter()
        .find(|(p, _)| *p == "us_setup")
        .unwrap()
        .1;
    let html = render("us_setup", &ctx);
    let setup = form_html(&html, "us_setup_form");
    assert!(setup.contains("name=\"chosen_method\" value=\"authenticator\""));
    assert!(setup.contains("name=\"chosen_method\" value=\"email\""));
    // Password cannot be removed; email can.
    assert!(setup.contains("name=\"delete_method\" value=\"email\""));
    assert!(!setup.contains("name=\"delete_method\" value=\"password\""));
    let validate = form_html(&html, "us_setup_validate_form");
    assert!(validate.contains("autocomplete=\"one-time-code\""));
    // Authenticator: QR and key as on tf-setup.
    let with_authr = merge(
        ctx.clone(),
        json!({"authr": authr("/us-setup/WyJzdGF0ZSJd.Zk9x.token"), "form": {"fields": {"chosen_method": {"value": "authenticator"}}}}),
    );
    let html = render("us_setup", &with_authr);
    assert_page_basics("us_setup", &html);
    assert!(html.contains(&qr_svg()));
    assert!(html.contains(&format!("<code>{KEY}</code>")));
    preview(
        "us_setup-authenticator",
        &render("us_setup", &for_preview(&with_authr)),
    );
    // Not validating: only the setup form.
    let idle = merge(
        ctx,
        json!({"state": null, "state_action": null, "active_methods": ["password"]}),
    );
    let html = render("us_setup", &idle);
    assert!(!html.contains("us_setup_validate_form"));
    assert!(!html.contains("delete_method"));
    preview("us_setup-idle", &render("us_setup", &for_preview(&idle)));
}

#[test]
fn reauthentication_pages() {
    let s: BTreeMap<_, _> = samples().into_iter().collect();
    let html = render("verify", &s["verify"]);
    assert_eq!(
        input(&html, "password").get("autocomplete"),
        Some("current-password")
    );
    assert_eq!(input(&html, "next").get("value"), Some("/admin"));
    let html = render("us_verify", &s["us_verify"]);
    assert_eq!(input(&html, "passcode").get("type"), Some("password"));
    assert_eq!(
        input(&html, "submit_send_code").get("formaction"),
        Some("/us-verify/send-code")
    );
}

#[test]
fn error_page_shows_status_title_and_message() {
    let s: BTreeMap<_, _> = samples().into_iter().collect();
    let html = render("error", &s["error"]);
    assert!(html.contains(">400<"));
    assert!(html.contains("Bad Request"));
    assert!(html.contains("The CSRF token is missing."));
    assert!(html.contains("href=\"/\""), "link home");
    for (status, title, message) in [
        (
            401,
            "Unauthorized",
            "You must sign in to view this resource.",
        ),
        (
            403,
            "Forbidden",
            "You do not have permission to view this resource.",
        ),
        (
            404,
            "Not Found",
            "The requested URL was not found on the server.",
        ),
        (
            405,
            "Method Not Allowed",
            "The method is not allowed for the requested URL.",
        ),
        (
            413,
            "Payload Too Large",
            "The data value transmitted exceeds the capacity limit.",
        ),
        (
            422,
            "Unprocessable Content",
            "The request was well-formed but was unable to be followed.",
        ),
        (
            500,
            "Internal Server Error",
            "The server encountered an internal error.",
        ),
    ] {
        let ctx = merge(
            common(),
            json!({"status": status, "title": title, "message": message}),
        );
        let html = render("error", &ctx);
        assert_page_basics("error", &html);
        assert!(
            html.contains(&format!(">{status}<")) && html.contains(title) && html.contains(message)
        );
        if status == 403 {
            preview(
                "error-403",
                &render("error", &for_preview(&merge(ctx, user()))),
            );
        }
    }
}

#[test]
fn layout_header_follows_the_user() {
    let html = render("change_password", &merge(common(), user()));
    assert!(html.contains("ada@example.com"));
    let all = tags(&html);
    let logout = one(&all, "form", "action", "/logout");
    assert_eq!(logout.get("method"), Some("post"));
    assert!(form_html(&html, "logout_form").contains("<button type=\"submit\""));
    assert!(!html.contains(">Sign in</a>"));

    let html = render("change_password", &common());
    assert!(!html.contains("action=\"/logout\""));
    assert!(html.contains("href=\"/login\">Sign in</a>"));
    assert!(html.contains("href=\"/register\""));
    let no_register = merge(common(), json!({"features": {"registerable": false}}));
    assert!(!render("forgot_password", &no_register).contains("href=\"/register\""));
    // The site name links home.
    assert!(html.contains("<a class=\"brand\" href=\"/\">"));
    // Stylesheet from urls.static.
    let ctx = merge(common(), json!({"urls": {"static": "/assets/sec"}}));
    assert!(render("login_user", &ctx)
        .contains("<link rel=\"stylesheet\" href=\"/assets/sec/security.css\">"));
}

#[test]
fn preview_logged_in_and_phone_variants() {
    // Only writes files when TEMPLATES_PREVIEW_DIR is set.
    let s: BTreeMap<_, _> = samples().into_iter().collect();
    let login_err = merge(
        s["login_user"].clone(),
        json!({"form": {"errors": ["Authentication failed - identity or password/passcode invalid"]},
               "flashes": [{"category": "info", "message": "You must sign in to view this resource."}]}),
    );
    preview(
        "login_user-failed",
        &render("login_user", &for_preview(&login_err)),
    );
    let sent = merge(
        s["us_signin"].clone(),
        json!({"flashes": [{"category": "info", "message": "If that identity is in our system, you were sent a code."}],
               "form": {"fields": {"identity": {"value": "ada@example.com", "errors": []}}}}),
    );
    preview("us_signin-sent", &render("us_signin", &for_preview(&sent)));
    let changed = merge(
        merge(s["change_password"].clone(), json!({})),
        json!({"flashes": [{"category": "success", "message": "You successfully changed your password."}]}),
    );
    preview(
        "change_password-flash",
        &render("change_password", &for_preview(&changed)),
    );
}
