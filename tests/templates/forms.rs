//! The forms carry the Flask-Security-Too names, actions and fields, with the right
//! autocomplete hints and the application's extra fields.

use super::*;

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
