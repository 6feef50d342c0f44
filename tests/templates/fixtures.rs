//! Realistic contexts for every page: URLs, features, forms and the samples each test renders.

use super::*;

pub(super) fn urls() -> Value {
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

pub(super) fn features() -> Value {
    json!({
        "registerable": true, "recoverable": true, "confirmable": true, "changeable": true,
        "change_email": true, "unified_signin": true, "two_factor": true,
        "mf_recovery_codes": true
    })
}

/// The keys every page gets, for an anonymous visitor.
pub(super) fn common() -> Value {
    json!({
        "csrf_token": CSRF,
        "flashes": [],
        "current_user": null,
        "urls": urls(),
        "features": features(),
    })
}

pub(super) fn user() -> Value {
    json!({"current_user": {"email": "ada@example.com", "roles": ["admin"]}})
}

pub(super) fn form(name: &str, action: &str, fields: Value) -> Value {
    json!({"form": {"name": name, "action": action, "fields": fields, "errors": [], "extra_fields": []}})
}

/// A small stand-in for the server-built QR code (shape only, not scannable).
pub(super) fn qr_svg() -> String {
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

pub(super) fn authr(action: &str) -> Value {
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
pub(super) fn samples() -> Vec<(&'static str, Value)> {
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
pub(super) fn error_sample(page: &str) -> Option<Value> {
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

pub(super) fn pages() -> Vec<&'static str> {
    samples().into_iter().map(|(p, _)| p).collect()
}

// ---------------------------------------------------------------- tiny HTML reader
