//! Messages that are worded per request: form errors, flashes and JSON errors of the flows,
//! request-body refusals, overrides in the configuration and mail subjects.

use std::sync::Arc;
use std::time::Duration;

use rocket::http::{Accept, ContentType, Header, Status};
use rocket::local::asynchronous::Client;
use rocket_security::MemoryDatastore;
use serde_json::{json, Value};

use crate::common::app::*;
use crate::i18n::{page, user_with_locale};

/// How long a queued mail may take to reach the capturing mailer.
const WAIT: Duration = Duration::from_secs(5);

async fn app_settings(extra: Value) -> TestApp {
    app_with(
        Arc::new(MemoryDatastore::new()),
        contract_settings_with(extra),
        |b| b,
    )
    .await
}

/// `POST /register` (JSON) with `username`, sending `Accept-Language: accept`.
async fn register_json(app: &TestApp, username: &str, accept: &str) -> Value {
    let csrf = app.csrf().await;
    let body = json!({
        "email": "zoe@example.com",
        "username": username,
        "password": "correct horse battery",
        "password_confirm": "correct horse battery",
    });
    let headers = [("X-CSRF-Token", csrf.as_str()), ("Accept-Language", accept)];
    let (status, body) = post_json_headers(&app.client, "/register", body, &headers).await;
    assert_eq!(status, Status::BadRequest, "{body}");
    body
}

/// A raw JSON `body` posted to `/login`, sending `Accept-Language: accept`.
async fn raw_login(client: &Client, body: &'static [u8], accept: &str) -> (Status, Value) {
    let response = client
        .post("/login")
        .header(ContentType::JSON)
        .header(Accept::JSON)
        .header(Header::new("Accept-Language", accept.to_owned()))
        .body(body)
        .dispatch()
        .await;
    read_json(response).await
}

#[rocket::async_test]
async fn username_errors_follow_the_language_in_json_and_html() {
    let app = app_settings(json!({"username_enable": true})).await;
    let german = register_json(&app, "zoe 2000", "de-DE,de;q=0.9").await;
    let expected = "Der Benutzername darf nur Buchstaben und Ziffern enthalten";
    assert_eq!(
        german["response"]["field_errors"]["username"],
        json!([expected])
    );
    assert_eq!(german["response"]["errors"], json!([expected]));
    let english = register_json(&app, "zoe 2000", "en").await;
    assert_eq!(
        english["response"]["field_errors"]["username"],
        json!(["Username can contain only letters and numbers"])
    );
    let spanish = register_json(&app, "zo", "es").await;
    assert_eq!(
        spanish["response"]["field_errors"]["username"],
        json!(["El nombre de usuario debe tener al menos 4 caracteres y menos de 32 caracteres"])
    );

    let html = app
        .client
        .get("/register")
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    let form = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("email", "zoe@example.com")
        .append_pair("username", "zoe 2000")
        .append_pair("password", "correct horse battery")
        .append_pair("password_confirm", "correct horse battery")
        .append_pair("csrf_token", &csrf_from_html(&html))
        .finish();
    let page = app
        .client
        .post("/register")
        .header(ContentType::Form)
        .header(Header::new("Accept-Language", "de"))
        .body(form)
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(page.contains(expected), "{page}");
}

#[rocket::async_test]
async fn request_body_refusals_follow_the_language() {
    let app = app_settings(json!({})).await;
    let (status, spanish) = raw_login(&app.client, b"[1, 2]", "es").await;
    assert_eq!(status, Status::BadRequest);
    assert_eq!(
        spanish["response"]["errors"],
        json!(["El cuerpo de la solicitud debe ser un objeto JSON de nombres de campo y valores."])
    );
    let (_, german) = raw_login(&app.client, b"{\"email\": \"\xff\"}", "de").await;
    assert_eq!(
        german["response"]["errors"],
        json!(["Der Inhalt der Anfrage ist kein gültiger UTF-8-Text."])
    );
    let (_, english) = raw_login(&app.client, b"{\"email\": \"\xff\"}", "").await;
    assert_eq!(
        english["response"]["errors"],
        json!(["The request body is not valid UTF-8 text."])
    );
}

#[rocket::async_test]
async fn an_invalid_reset_link_is_flashed_in_german() {
    let app = app_settings(json!({})).await;
    let response = app
        .client
        .get("/reset/not-a-token")
        .header(Header::new("Accept-Language", "de"))
        .dispatch()
        .await;
    assert_eq!(
        response.status().class(),
        rocket::http::StatusClass::Redirection
    );
    let html = app
        .client
        .get("/reset")
        .header(Header::new("Accept-Language", "de"))
        .dispatch()
        .await
        .into_string()
        .await
        .unwrap();
    assert!(
        html.contains("Ungültiger Link zum Zurücksetzen des Passworts."),
        "{html}"
    );
}

#[rocket::async_test]
async fn configured_overrides_replace_english_messages_and_fill_their_placeholders() {
    let app = app_settings(json!({
        "username_enable": true,
        "msg_body_not_an_object": "Send an object.",
        "msg_username_invalid_length": "Between %(min)d and %(max)d characters, please.",
    }))
    .await;
    let (_, english) = raw_login(&app.client, b"[1]", "en").await;
    assert_eq!(english["response"]["errors"], json!(["Send an object."]));
    let (_, german) = raw_login(&app.client, b"[1]", "de").await;
    assert_eq!(
        german["response"]["errors"],
        json!(["Der Inhalt der Anfrage muss ein JSON-Objekt aus Feldnamen und Werten sein."])
    );
    let english = register_json(&app, "zo", "en").await;
    assert_eq!(
        english["response"]["field_errors"]["username"],
        json!(["Between 4 and 32 characters, please."])
    );
    let french = register_json(&app, "zo", "fr").await;
    assert_eq!(
        french["response"]["field_errors"]["username"],
        json!([
            "Le nom d'utilisateur doit comporter au moins 4 caractères et moins de 32 caractères"
        ])
    );
}

#[rocket::async_test]
async fn a_configured_mail_subject_is_the_english_one_and_german_keeps_its_translation() {
    let app =
        app_settings(json!({"email_subject_password_reset": "Reset your Acme password"})).await;
    for (email, locale) in [("lena@example.com", Some("de")), ("ada@example.com", None)] {
        user_with_locale(&app, email, locale, true).await;
        let (status, body) = app.post("/reset", json!({ "email": email })).await;
        assert_eq!(status, Status::Ok, "{body}");
    }
    let mails = app.mailer.wait_for(2, WAIT).await;
    let german = mails.iter().find(|m| m.to == "lena@example.com").unwrap();
    assert_eq!(german.subject, "Anleitung zum Zurücksetzen Ihres Passworts");
    let english = mails.iter().find(|m| m.to == "ada@example.com").unwrap();
    assert_eq!(english.subject, "Reset your Acme password");
}

#[rocket::async_test]
async fn a_wrong_two_factor_code_is_answered_in_spanish() {
    let mut settings = contract_settings();
    settings["two_factor"] = json!(true);
    settings["two_factor_enabled_methods"] = json!(["authenticator"]);
    settings["totp_issuer"] = json!("fsref");
    let app = app_with(Arc::new(MemoryDatastore::new()), settings, |b| b).await;
    app.user("joe@example.com", "password123", true, true, &[])
        .await;
    app.login("joe@example.com", "password123").await;
    let setup = page(&app.client, "/tf-setup", "es-ES,es;q=0.9").await;
    assert!(setup.contains("Aplicación de autenticación"), "{setup}");
    let (status, body) = app
        .post("/tf-setup", json!({"setup": "authenticator"}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let state = body["response"]["tf_state_token"].as_str().unwrap();
    let csrf = app.csrf().await;
    let path = format!("/tf-setup/{state}");
    let code = json!({"code": "000000"});
    let headers = [("X-CSRF-Token", csrf.as_str()), ("Accept-Language", "es")];
    let (status, body) = post_json_headers(&app.client, &path, code.clone(), &headers).await;
    assert_eq!(status, Status::BadRequest, "{body}");
    assert_eq!(
        body["response"]["field_errors"]["code"],
        json!(["Código no válido"])
    );
    let headers = [("X-CSRF-Token", csrf.as_str())];
    let (_, body) = post_json_headers(&app.client, &path, code, &headers).await;
    assert_eq!(
        body["response"]["field_errors"]["code"],
        json!(["Invalid code"])
    );
}

#[rocket::async_test]
async fn password_policy_errors_are_given_in_german() {
    let mut settings = contract_settings();
    settings["password_check_breached"] = json!(true);
    settings["password_length_max"] = json!(64);
    let app = app_with(Arc::new(MemoryDatastore::new()), settings, |b| b).await;
    let csrf = app.csrf().await;
    let register = |password: String, accept: &'static str| {
        let body =
            json!({"email": "ann@example.com", "password": password, "password_confirm": password});
        let csrf = csrf.clone();
        let client = &app.client;
        async move {
            let mut headers = vec![("X-CSRF-Token", csrf.as_str())];
            if !accept.is_empty() {
                headers.push(("Accept-Language", accept));
            }
            let (status, body) = post_json_headers(client, "/register", body, &headers).await;
            assert_eq!(status, Status::BadRequest, "{body}");
            body["response"]["field_errors"]["password"].clone()
        }
    };
    assert_eq!(
        register("password123".into(), "de-DE").await,
        json!(["Dieses Passwort steht auf einer Liste geleakter Passwörter"])
    );
    assert_eq!(
        register("orchard ".repeat(9), "de-DE").await,
        json!(["Das Passwort darf höchstens 64 Zeichen lang sein"])
    );
    assert_eq!(
        register("short".into(), "de").await,
        json!(["Das Passwort muss mindestens 8 Zeichen lang sein"])
    );
    assert_eq!(
        register("orchard ".repeat(9), "").await,
        json!(["Password must be at most 64 characters"])
    );
}
