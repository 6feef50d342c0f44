//! The pages of second factors, unified sign-in and reauthentication.

use super::*;

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
