//! Application templates replace default pages and mails, application pages use the security
//! layout, and extra registration fields reach the user record.

use super::*;

per_backend!(
    stores:
    register_with_extra_fields_json,
    register_with_extra_fields_html,
);

#[rocket::async_test]
async fn a_template_file_replaces_the_default_page_of_the_same_name() {
    let dir = template_dir(&[(
        "security/login_user.html.tera",
        r#"{% extends "security/_layout" %}{% block content %}CUSTOM LOGIN {{ csrf_token }}{% endblock %}"#,
    )]);
    let app = app_configured(
        Arc::new(MemoryDatastore::new()),
        contract_settings(),
        json!({"template_dir": dir.path()}),
        |b| b,
    )
    .await;
    let (status, page) = html(&app.client, "/login").await;
    assert_eq!(status, Status::Ok);
    let token = page
        .split("CUSTOM LOGIN ")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_else(|| panic!("the custom page is not served: {page}"));
    assert!(
        token.trim().len() > 20,
        "the context is the real one: {token:?}"
    );
    assert!(
        page.contains("<!DOCTYPE html>") && page.contains("security.css"),
        "the custom page extends the default layout: {page}"
    );
    assert!(!page.contains("name=\"password\""), "{page}");
    // Other pages keep their defaults, and JSON is unaffected.
    let (status, register) = html(&app.client, "/register").await;
    assert_eq!(status, Status::Ok);
    assert!(!register.contains("CUSTOM LOGIN"));
    assert!(register.contains("name=\"password_confirm\""), "{register}");
    let (status, body) = app.get_json("/login").await;
    assert_eq!(status, Status::Ok);
    assert!(body["response"]["csrf_token"].is_string());
}

#[rocket::async_test]
async fn a_mail_template_file_replaces_the_default_mail_text() {
    let dir = template_dir(&[(
        "security/email/welcome.txt.tera",
        "Hello from the custom template, {{ user.email }}. Confirm here: {{ confirmation_link }}\n",
    )]);
    let app = app_configured(
        Arc::new(MemoryDatastore::new()),
        contract_settings(),
        json!({"template_dir": dir.path()}),
        |b| b,
    )
    .await;
    let (status, body) = app.post("/register", register_amy()).await;
    assert_eq!(status, Status::Ok, "{body}");
    let mails = app.mailer.wait_for(1, WAIT).await;
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.subject, "Welcome");
    assert!(
        mail.text
            .starts_with("Hello from the custom template, amy@example.com. Confirm here: http://"),
        "{}",
        mail.text
    );
    let confirm = link(&mail.text, "http://").unwrap();
    assert!(confirm.contains("/confirm/"), "{confirm}");
    // The HTML part was not overridden: the default, with the same link.
    assert!(!mail.html.contains("custom template"), "{}", mail.html);
    assert!(mail.html.contains(&confirm), "{}", mail.html);
}

#[get("/app-page")]
fn app_page(page: PageContext) -> Page {
    Page::render("app_page", page.with(json!({"title": "Application page"})))
}

#[rocket::async_test]
async fn application_pages_render_with_page_and_the_security_layout() {
    let dir = template_dir(&[(
        "app_page.html.tera",
        r#"{% extends "security/_layout" %}
{% block title %}{{ title }}{% endblock %}
{% block content %}<p id="greeting">Hello {% if current_user %}{{ current_user.email }}{% else %}stranger{% endif %}</p>{% endblock %}"#,
    )]);
    let app = local_app(contract_settings(), Some(dir.path()), routes![app_page]).await;
    let (status, page) = html(&app.client, "/app-page").await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("<title>Application page</title>"), "{page}");
    assert!(
        page.contains("<p id=\"greeting\">Hello stranger</p>"),
        "{page}"
    );
    assert!(
        page.contains("href=\"/login\">Sign in</a>"),
        "layout header: {page}"
    );
    app.user("joe@example.com").await;
    login_with(&app.client, "joe@example.com", "password123", "").await;
    let (_, page) = html(&app.client, "/app-page").await;
    assert!(
        page.contains("<p id=\"greeting\">Hello joe@example.com</p>"),
        "{page}"
    );
    assert!(page.contains("Sign out"), "{page}");
}

// ----- extra form fields -----

fn with_name_fields(builder: rocket_security::SecurityBuilder) -> rocket_security::SecurityBuilder {
    builder
        .form_field(
            FormKind::Register,
            FormField::text("name", "Name").required(),
        )
        .form_field(
            FormKind::Register,
            FormField::text("nickname", "Nickname").validate(|value| {
                if value.chars().count() < 3 {
                    Err("Nickname must be at least 3 characters".into())
                } else {
                    Ok(())
                }
            }),
        )
}

async fn register_with_extra_fields_json(store: Arc<dyn UserDatastore>) {
    let app = app_with(store.clone(), contract_settings(), with_name_fields).await;

    let (status, body) = app.post("/register", register_amy()).await;
    assert_eq!(status, Status::BadRequest, "{body}");
    assert_eq!(
        body["response"]["field_errors"]["name"],
        json!(["Name not provided"])
    );
    assert!(
        body["response"]["field_errors"].get("nickname").is_none(),
        "{body}"
    );
    assert!(body["response"]["errors"]
        .as_array()
        .unwrap()
        .contains(&json!("Name not provided")));
    assert!(store
        .find_user(UserQuery::Email("amy@example.com"))
        .await
        .unwrap()
        .is_none());

    let mut with_short_nickname = register_amy();
    with_short_nickname["name"] = json!("Amy Pond");
    with_short_nickname["nickname"] = json!("am");
    let (status, body) = app.post("/register", with_short_nickname).await;
    assert_eq!(status, Status::BadRequest, "{body}");
    assert_eq!(
        body["response"]["field_errors"],
        json!({"nickname": ["Nickname must be at least 3 characters"]})
    );

    let mut complete = register_amy();
    complete["name"] = json!("Amy Pond");
    let (status, body) = app.post("/register", complete).await;
    assert_eq!(status, Status::Ok, "{body}");
    let amy = store
        .find_user(UserQuery::Email("amy@example.com"))
        .await
        .unwrap()
        .expect("registered");
    assert_eq!(amy.extra.get("name"), Some(&json!("Amy Pond")));
    assert!(
        amy.extra.get("nickname").is_none(),
        "optional and not given"
    );
}

async fn register_with_extra_fields_html(store: Arc<dyn UserDatastore>) {
    let app = app_with(store.clone(), contract_settings(), with_name_fields).await;
    let (status, page) = html(&app.client, "/register").await;
    assert_eq!(status, Status::Ok);
    assert!(page.contains("<label for=\"name\">Name</label>"), "{page}");
    assert!(
        page.contains("<label for=\"nickname\">Nickname</label>"),
        "{page}"
    );
    let input = page
        .split("id=\"name\"")
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .expect("the name input");
    assert!(input.contains("name=\"name\""), "{input}");
    assert!(input.contains("required"), "{input}");

    let csrf = csrf_from_html(&page);
    let form = |fields: &[(&str, &str)]| {
        fields
            .iter()
            .map(|(k, v)| format!("{k}={}", v.replace(' ', "+").replace('@', "%40")))
            .collect::<Vec<_>>()
            .join("&")
    };
    let response = app
        .client
        .post("/register")
        .header(ContentType::Form)
        .body(form(&[
            ("email", "amy@example.com"),
            ("password", "password123"),
            ("password_confirm", "password123"),
            ("nickname", "am"),
            ("csrf_token", &csrf),
        ]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok, "the form is shown again");
    let page = response.into_string().await.unwrap();
    assert!(page.contains("Name not provided"), "{page}");
    assert!(
        page.contains("Nickname must be at least 3 characters"),
        "{page}"
    );
    assert!(page.contains("value=\"am\""), "the value is kept: {page}");

    let response = app
        .client
        .post("/register")
        .header(ContentType::Form)
        .body(form(&[
            ("email", "amy@example.com"),
            ("password", "password123"),
            ("password_confirm", "password123"),
            ("name", "Amy Pond"),
            ("nickname", "amelia"),
            ("csrf_token", &csrf),
        ]))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Found);
    let amy = store
        .find_user(UserQuery::Email("amy@example.com"))
        .await
        .unwrap()
        .expect("registered");
    assert_eq!(amy.extra.get("name"), Some(&json!("Amy Pond")));
    assert_eq!(amy.extra.get("nickname"), Some(&json!("amelia")));
}

// ----- login_disabled -----
