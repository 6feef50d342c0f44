//! Hostile input: NUL bytes and overlong values never reach a 500.

use super::*;

per_backend!(
    stores:
    nul_in_a_sign_in_link_is_refused,
    nul_and_overlong_input_never_fails_with_500,
);

async fn nul_in_a_sign_in_link_is_refused(store: Arc<dyn UserDatastore>) {
    let app = new_app(store, json!({})).await;
    for path in [
        "/us-verify-link?id=%00&code=%00",
        "/us-verify-link?id=abc%00def&code=123456",
        "/reset/%00",
        "/confirm/abc%00",
        "/login?next=%00",
    ] {
        let response = app.client.get(path).dispatch().await;
        let status = response.status();
        assert!(status.code >= 400 && status.code < 500, "{path}: {status}");
    }
    assert_eq!(app.status("/protected").await, Status::Unauthorized);
}

/// Every field of every route, as anonymous and as a signed-in user: NUL bytes and 10 KB
/// strings get a 4xx (or the route's normal answer), never a 500.
async fn nul_and_overlong_input_never_fails_with_500(store: Arc<dyn UserDatastore>) {
    let app = new_app(store, json!({})).await;
    let routes: [(&str, &[&str]); 17] = [
        ("/login", &["email", "password", "next", "remember"]),
        ("/register", &["email", "password", "password_confirm"]),
        ("/reset", &["email"]),
        ("/reset/abc", &["password", "password_confirm"]),
        ("/confirm", &["email"]),
        (
            "/change",
            &["password", "new_password", "new_password_confirm"],
        ),
        ("/change-email", &["email"]),
        ("/us-signin", &["identity", "passcode", "next"]),
        ("/us-signin/send-code", &["identity", "chosen_method"]),
        ("/us-setup", &["chosen_method", "phone"]),
        ("/us-setup/state", &["passcode"]),
        ("/verify", &["password", "next"]),
        ("/us-verify", &["passcode"]),
        ("/tf-setup", &["setup", "phone"]),
        ("/tf-validate", &["code"]),
        ("/tf-rescue", &["help_setup"]),
        ("/mf-recovery", &["code"]),
    ];
    let long = "é".repeat(5 * 1024);
    for signed_in in [false, true] {
        if signed_in {
            app.login("joe@example.com", "password123").await;
        }
        for (path, fields) in routes {
            for bad in ["a\u{0}b", long.as_str()] {
                let csrf = app.csrf().await;
                let body: serde_json::Map<String, Value> = fields
                    .iter()
                    .map(|f| (f.to_string(), Value::String(bad.to_owned())))
                    .collect();
                let (status, reply) = app.post_json(path, Value::Object(body), Some(&csrf)).await;
                assert!(status.code < 500, "{path} JSON: {status} {reply}");
                let form: String = fields
                    .iter()
                    .map(|f| {
                        let value: String =
                            url::form_urlencoded::byte_serialize(bad.as_bytes()).collect();
                        format!("{f}={value}&")
                    })
                    .collect();
                let response = app
                    .client
                    .post(path)
                    .header(ContentType::Form)
                    .body(format!("{form}csrf_token={csrf}"))
                    .dispatch()
                    .await;
                assert!(
                    response.status().code < 500,
                    "{path} form: {}",
                    response.status()
                );
            }
        }
    }
}
