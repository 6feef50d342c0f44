//! A small HTML scanner (tags, attributes, forms) and the checks every rendered page must pass:
//! balanced tags, accessible forms and the basic page structure.

use super::*;

#[derive(Debug, Clone)]
pub(super) struct Tag {
    pub(super) name: String,
    pub(super) attrs: Vec<(String, Option<String>)>,
    pub(super) raw: String,
    /// Byte offsets of the tag in the document.
    pub(super) start: usize,
    pub(super) end: usize,
}

impl Tag {
    pub(super) fn get(&self, attr: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == attr)
            .map(|(_, v)| v.as_deref().unwrap_or(""))
    }
    pub(super) fn has(&self, attr: &str) -> bool {
        self.attrs.iter().any(|(k, _)| k == attr)
    }
}

pub(super) fn parse_attrs(s: &str) -> Vec<(String, Option<String>)> {
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
pub(super) fn tags(html: &str) -> Vec<Tag> {
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

pub(super) fn find<'a>(tags: &'a [Tag], name: &str, attr: &str, value: &str) -> Vec<&'a Tag> {
    tags.iter()
        .filter(|t| t.name == name && t.get(attr) == Some(value))
        .collect()
}

/// The one start tag `<name attr="value">`; panics if absent or repeated.
pub(super) fn one<'a>(tags: &'a [Tag], name: &str, attr: &str, value: &str) -> &'a Tag {
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
pub(super) fn form_html<'a>(html: &'a str, id: &str) -> &'a str {
    let all = tags(html);
    let open = one(&all, "form", "id", id);
    let close = html[open.end..].find("</form>").expect("form closed") + open.end;
    &html[open.start..close + "</form>".len()]
}

/// Names of the controls a form would submit (inputs, selects, textareas).
pub(super) fn control_names(form: &str) -> BTreeSet<String> {
    tags(form)
        .into_iter()
        .filter(|t| matches!(t.name.as_str(), "input" | "select" | "textarea" | "button"))
        .filter_map(|t| t.get("name").map(str::to_string))
        .collect()
}

pub(super) const VOID: &[&str] = &["meta", "link", "input", "br", "hr", "img", "path", "rect"];

/// Start and end tags match up (no stray or missing `</div>` and the like).
pub(super) fn assert_balanced(page: &str, html: &str) {
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
pub(super) fn assert_accessible(page: &str, html: &str) {
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
pub(super) fn assert_page_basics(page: &str, html: &str) {
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

pub(super) fn input(html: &str, name: &str) -> Tag {
    one(&tags(html), "input", "name", name).clone()
}

// ---------------------------------------------------------------- tests
