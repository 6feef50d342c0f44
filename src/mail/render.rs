//! Rendering the text and HTML parts of a mail from a pair of templates.

use rocket_dyn_templates::tera::{Context, Tera};

use super::MailError;

/// Renders the templates `security/email/<template>.txt` and `security/email/<template>.html`
/// (files `templates/security/email/<template>.{txt,html}.tera`) and returns `(text, html)`.
///
/// The crate's default templates live under `templates/security/email/`; an application
/// overrides one by providing a file of the same name. The defaults escape values in the HTML
/// part themselves (`| escape_xml | safe`), so they render the same whether or not the Tera
/// instance autoescapes `.html.tera` files, and links keep their `/` unescaped.
pub fn render_mail(
    tera: &Tera,
    template: &str,
    context: &Context,
) -> Result<(String, String), MailError> {
    let render = |kind: &str| {
        let name = format!("security/email/{template}.{kind}");
        tera.render(&name, context)
            .map_err(|source| MailError::Template {
                template: name,
                source,
            })
    };
    Ok((render("txt")?, render("html")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "http://127.0.0.1:8000";

    /// The default mail templates, named relative to `templates/` as an application loads them.
    fn templates() -> Tera {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates/security/email");
        let files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "tera"))
            .map(|path| {
                let name = format!(
                    "security/email/{}",
                    path.file_name()
                        .unwrap()
                        .to_str()
                        .unwrap()
                        .trim_end_matches(".tera")
                );
                (path, Some(name))
            })
            .collect();
        let mut tera = Tera::default();
        tera.add_template_files(files).unwrap();
        tera
    }

    #[test]
    fn every_template_has_a_pair() {
        let tera = templates();
        let names: Vec<&str> = tera.get_template_names().collect();
        assert_eq!(names.len(), 44, "{names:?}");
        for name in &names {
            let stem = name.trim_end_matches(".txt").trim_end_matches(".html");
            assert!(names.contains(&format!("{stem}.txt").as_str()), "{name}");
            assert!(names.contains(&format!("{stem}.html").as_str()), "{name}");
        }
    }

    /// A sample context: `user` and `pairs`.
    fn sample_context(pairs: &[(&str, serde_json::Value)]) -> Context {
        let mut context = Context::new();
        context.insert("user", &serde_json::json!({ "email": "ada@example.com" }));
        for (key, value) in pairs {
            context.insert(*key, value);
        }
        context
    }

    fn link(path: &str) -> String {
        format!("{BASE}{path}")
    }

    /// Every default template, the links its sample context carries, and that context.
    fn samples() -> Vec<(&'static str, Vec<String>, Context)> {
        let context = sample_context;
        let confirm = link("/confirm/Confirm-Token_123456789");
        let reset = link("/reset/Reset-Token_123456789");
        let change = link("/change-email/Change-Token_123456789");
        let verify = link("/us-verify-link?id=42&code=123456");
        let mut samples = vec![
            ("welcome", vec![], context(&[])),
            (
                "welcome",
                vec![confirm.clone()],
                context(&[("confirmation_link", confirm.clone().into())]),
            ),
            (
                "welcome_existing",
                vec![reset.clone()],
                context(&[("recovery_link", reset.clone().into())]),
            ),
            (
                "welcome_existing",
                vec![reset.clone(), confirm.clone()],
                context(&[
                    ("recovery_link", reset.clone().into()),
                    ("confirmation_link", confirm.clone().into()),
                ]),
            ),
            (
                "confirmation_instructions",
                vec![confirm.clone()],
                context(&[("confirmation_link", confirm.clone().into())]),
            ),
            (
                "reset_instructions",
                vec![reset.clone()],
                context(&[("reset_link", reset.clone().into())]),
            ),
            ("reset_notice", vec![], context(&[])),
            (
                "account_locked",
                vec![link("/reset"), "2030-01-01 12:15 UTC".into()],
                context(&[
                    ("reset_link", link("/reset").into()),
                    ("until", "2030-01-01 12:15 UTC".into()),
                ]),
            ),
            (
                "change_notice",
                vec![link("/reset")],
                context(&[("reset_link", link("/reset").into())]),
            ),
            (
                "change_email_instructions",
                vec![change.clone(), "new@example.com".into()],
                context(&[
                    ("link", change.clone().into()),
                    ("new_email", "new@example.com".into()),
                ]),
            ),
            (
                "two_factor_instructions",
                vec!["123456".into()],
                context(&[("token", "123456".into())]),
            ),
            (
                "us_instructions",
                vec!["123456".into()],
                context(&[("token", "123456".into())]),
            ),
            (
                "us_instructions",
                vec!["123456".into(), verify.clone()],
                context(&[("token", "123456".into()), ("login_link", verify.into())]),
            ),
        ];
        samples.extend(notice_samples());
        samples
    }

    /// The security notices among [`samples`].
    fn notice_samples() -> Vec<(&'static str, Vec<String>, Context)> {
        let context = sample_context;
        vec![
            (
                "two_factor_rescue",
                vec!["ada@example.com".into()],
                context(&[]),
            ),
            (
                "change_email_notice",
                vec!["old@example.com".into(), "new@example.com".into()],
                context(&[
                    ("old_email", "old@example.com".into()),
                    ("new_email", "new@example.com".into()),
                ]),
            ),
            (
                "two_factor_disabled_notice",
                vec!["ada@example.com".into(), "turned off".into()],
                context(&[]),
            ),
            (
                "two_factor_changed_notice",
                vec!["ada@example.com".into(), "new authenticator".into()],
                context(&[]),
            ),
            (
                "recovery_codes_notice",
                vec!["ada@example.com".into(), "recovery codes".into()],
                context(&[]),
            ),
            (
                "us_setup_notice",
                vec!["added: email".into(), "removed: authenticator".into()],
                context(&[
                    ("added", serde_json::json!(["email"])),
                    ("removed", serde_json::json!(["authenticator"])),
                ]),
            ),
            (
                "username_change_notice",
                vec!["oldname".into(), "newname".into()],
                context(&[
                    ("old_username", "oldname".into()),
                    ("username", "newname".into()),
                ]),
            ),
            (
                "passkey_added_notice",
                vec!["ada@example.com".into(), "Work laptop".into()],
                context(&[("name", "Work laptop".into())]),
            ),
            (
                "passkey_removed_notice",
                vec!["ada@example.com".into(), "Work laptop".into()],
                context(&[("name", "Work laptop".into())]),
            ),
            (
                "username_recovery",
                vec!["ada1815".into()],
                context(&[("username", "ada1815".into())]),
            ),
            (
                "account_deleted",
                vec!["ada@example.com".into(), "deleted".into()],
                context(&[]),
            ),
            (
                "new_device",
                vec![link("/sessions"), "Firefox on Linux".into()],
                context(&[
                    ("sessions_link", link("/sessions").into()),
                    ("device", "Firefox on Linux".into()),
                    ("ip", "192.0.2.1".into()),
                    ("at", "2026-01-01 12:00 UTC".into()),
                ]),
            ),
        ]
    }

    #[test]
    fn every_default_pair_renders_with_its_links_in_both_parts() {
        let tera = templates();
        for (template, expected, context) in samples() {
            let (text, html) = render_mail(&tera, template, &context)
                .unwrap_or_else(|e| panic!("{template}: {}", crate::mail::error_chain(&e)));
            assert!(!text.trim().is_empty(), "{template}: empty text part");
            assert!(html.contains("<html"), "{template}: no html element");
            for needle in &expected {
                assert!(
                    text.contains(needle.as_str()),
                    "{template} text lacks {needle}:\n{text}"
                );
                let in_html = needle.replace('&', "&amp;");
                assert!(
                    html.contains(&in_html),
                    "{template} html lacks {in_html}:\n{html}"
                );
                // A link appears both as the button and as copyable text.
                if needle.starts_with("http") {
                    assert!(
                        html.matches(&in_html).count() >= 2,
                        "{template}: {needle} should appear as button and as text"
                    );
                }
            }
            assert!(
                !html.contains("&#x2F;"),
                "{template}: escaped slashes in links"
            );
        }
    }

    #[test]
    fn optional_links_are_left_out_when_absent() {
        let tera = templates();
        for (template, expected, context) in samples() {
            let (text, html) = render_mail(&tera, template, &context).unwrap();
            for part in [&text, &html] {
                let links = part.matches("http://").count();
                let expected_links = expected.iter().filter(|e| e.starts_with("http")).count();
                assert!(
                    links == 0 || expected_links > 0,
                    "{template} has a link although none was given"
                );
            }
        }
    }

    #[test]
    fn html_parts_escape_user_data_under_both_autoescape_settings() {
        let mut context = Context::new();
        context.insert(
            "user",
            &serde_json::json!({ "email": "<b>x</b>@example.com" }),
        );
        context.insert("new_email", "<b>y</b>@example.com");
        context.insert("old_email", "<b>z</b>@example.com");
        context.insert("added", &["<b>m</b>"]);
        context.insert("removed", &["<b>n</b>"]);
        context.insert("name", "<b>passkey</b>");
        context.insert("link", "http://h/change-email/t\"><script>");
        let mut autoescaping = templates();
        autoescaping.autoescape_on(vec![".html"]);
        for tera in [templates(), autoescaping] {
            for template in [
                "two_factor_rescue",
                "change_email_instructions",
                "change_email_notice",
                "two_factor_disabled_notice",
                "us_setup_notice",
                "passkey_added_notice",
                "passkey_removed_notice",
            ] {
                let (_, html) = render_mail(&tera, template, &context).unwrap();
                assert!(!html.contains("<b>"), "{template}: {html}");
                assert!(!html.contains("<script>"), "{template}: {html}");
                assert!(
                    !html.contains("&amp;lt;"),
                    "{template}: escaped twice: {html}"
                );
            }
        }
    }

    /// Runs of exactly six digits standing alone, as `\b\d{6}\b` finds them.
    fn six_digit_codes(text: &str) -> Vec<&str> {
        text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|word| word.len() == 6 && word.chars().all(|c| c.is_ascii_digit()))
            .collect()
    }

    #[test]
    fn only_the_code_looks_like_a_code() {
        let tera = templates();
        for (template, _, context) in samples() {
            let (text, html) = render_mail(&tera, template, &context).unwrap();
            let expected: &[&str] = if context.contains_key("token") {
                &["123456"]
            } else {
                &[]
            };
            for part in [&text, &html] {
                let mut codes = six_digit_codes(part);
                codes.dedup();
                assert_eq!(codes, expected, "{template}:\n{part}");
            }
        }
    }

    #[test]
    fn missing_templates_are_named() {
        let error = render_mail(&Tera::default(), "nope", &Context::new()).unwrap_err();
        assert!(error.to_string().contains("security/email/nope.txt"));
    }
}
