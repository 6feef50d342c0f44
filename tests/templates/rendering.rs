//! Every page parses, renders with full and sparse contexts, escapes what it shows and keeps
//! the contract markup for errors, flashes, the header and the error page.

use super::*;

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
