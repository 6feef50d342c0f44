//! Texts built from values in the user's language: link lifetimes in expiry messages, zxcvbn's
//! advice on weak passwords, the passkey script's messages and the passkey list's dates.

use std::sync::Arc;
use std::time::Duration;

use rocket::http::{ContentType, Header, Status};
use rocket::local::asynchronous::Client;
use rocket_security::{MemoryDatastore, UserDatastore};
use serde_json::{json, Value};

use crate::common::app::*;
use crate::common::passkey::{register, Device, ORIGIN};

/// How long a queued mail may take to reach the capturing mailer.
const WAIT: Duration = Duration::from_secs(5);

fn memory() -> Arc<dyn UserDatastore> {
    Arc::new(MemoryDatastore::new())
}

/// `POST path` (JSON) with a CSRF token and, unless empty, `Accept-Language: accept`.
async fn post_in(app: &TestApp, path: &str, body: Value, accept: &str) -> (Status, Value) {
    let csrf = app.csrf().await;
    let mut headers = vec![("X-CSRF-Token", csrf.as_str())];
    if !accept.is_empty() {
        headers.push(("Accept-Language", accept));
    }
    post_json_headers(&app.client, path, body, &headers).await
}

/// `GET path` as a browser sending `Accept-Language: accept`.
async fn page_in(client: &Client, path: &str, accept: &str) -> String {
    let response = client
        .get(path)
        .header(Header::new("Accept-Language", accept.to_owned()))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok, "{path}");
    response.into_string().await.unwrap()
}

#[rocket::async_test]
async fn an_expired_reset_link_names_its_lifetime_in_the_users_words() {
    let app = app(memory()).await;
    app.user("joe@example.com", "password123", true, true, &[])
        .await;
    app.post("/reset", json!({"email": "joe@example.com"}))
        .await;
    let mail = app.mailer.wait_for(1, WAIT).await.remove(0);
    let url = link(&mail.text, "http://").expect("a reset link");
    let path = format!("/{}", url.splitn(4, '/').nth(3).unwrap());
    app.clock.advance(chrono::Duration::seconds(11));

    let body = json!({"password": "new-password-1", "password_confirm": "new-password-1"});
    let cases = [
        (
            "fr-FR,fr;q=0.9",
            "Vous n'avez pas réinitialisé votre mot de passe dans le délai de 10 secondes.",
        ),
        (
            "de",
            "Sie haben Ihr Passwort nicht innerhalb von 10 Sekunden zurückgesetzt.",
        ),
        (
            "es",
            "No restableció su contraseña en el plazo de 10 segundos.",
        ),
        // English quotes the setting as Flask-Security-Too does.
        ("", "You did not reset your password within 10 seconds."),
    ];
    for (accept, expected) in cases {
        let (status, reply) = post_in(&app, &path, body.clone(), accept).await;
        assert_eq!(status, Status::BadRequest, "{reply}");
        let error = reply["response"]["errors"][0].as_str().unwrap();
        assert_eq!(error.trim_end(), expected, "{accept}");
    }
}

#[rocket::async_test]
async fn a_change_email_link_past_its_hours_is_flashed_in_german() {
    let mut settings = contract_settings();
    settings["change_email_within"] = json!("2 hours");
    let app = app_with(memory(), settings, |b| b).await;
    app.user("jonas@example.com", "password123", true, true, &[])
        .await;
    app.login("jonas@example.com", "password123").await;
    app.post("/change-email", json!({"email": "jonas@example.org"}))
        .await;
    let mails = app.mailer.wait_for(1, WAIT).await;
    let mail = mails
        .iter()
        .find(|m| m.to == "jonas@example.org")
        .expect("a mail to the new address");
    let url = link(&mail.text, "http://").expect("a confirmation link");
    let path = format!("/{}", url.splitn(4, '/').nth(3).unwrap());
    app.clock.advance(chrono::Duration::hours(3));
    let response = app
        .client
        .get(path)
        .header(Header::new("Accept-Language", "de"))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Found);
    let location = response.headers().get_one("Location").unwrap().to_owned();
    let html = page_in(&app.client, &location, "de").await;
    assert!(
        html.contains("nicht innerhalb von 2 Stunden bestätigt."),
        "{html}"
    );
}

#[rocket::async_test]
async fn a_weak_password_gets_zxcvbns_advice_in_the_users_language() {
    let mut settings = contract_settings();
    settings["password_complexity_checker"] = json!("zxcvbn");
    let app = app_with(memory(), settings, |b| b).await;
    let password = "abcdefgh";
    let body =
        json!({"email": "ann@example.com", "password": password, "password_confirm": password});
    let cases = [
        (
            "de-DE",
            "Das Passwort ist nicht komplex genug: Folgen wie abc oder 6543 sind leicht zu \
             erraten. Fügen Sie ein oder zwei weitere Wörter hinzu. Ungewöhnliche Wörter sind \
             besser.",
        ),
        (
            "es",
            "La contraseña no es lo bastante compleja: Las secuencias como abc o 6543 son \
             fáciles de adivinar. Añada una o dos palabras más. Las palabras poco comunes son \
             mejores.",
        ),
        (
            "",
            "Password not complex enough: Sequences like abc or 6543 are easy to guess. Add \
             another word or two. Uncommon words are better.",
        ),
    ];
    for (accept, expected) in cases {
        let (status, reply) = post_in(&app, "/register", body.clone(), accept).await;
        assert_eq!(status, Status::BadRequest, "{reply}");
        assert_eq!(
            reply["response"]["field_errors"]["password"],
            json!([expected]),
            "{accept}"
        );
    }
}

/// An app with a signed-in user who has the passkey "laptop".
async fn with_a_passkey() -> TestApp {
    let mut settings = contract_settings();
    settings["webauthn"] = json!(true);
    settings["server_name"] = json!(ORIGIN);
    let app = app_with(memory(), settings, |b| b).await;
    app.user("ada@example.com", "correct horse battery", true, true, &[])
        .await;
    app.login("ada@example.com", "correct horse battery").await;
    let csrf = app.csrf().await;
    register(
        &app.client,
        &mut Device::default(),
        "laptop",
        "first",
        &csrf,
    )
    .await;
    app
}

#[rocket::async_test]
async fn the_passkey_page_gives_the_script_its_messages_in_german() {
    let app = with_a_passkey().await;
    let html = page_in(&app.client, "/wan-register", "de").await;
    let csrf = csrf_from_html(&html);
    let response = app
        .client
        .post("/wan-register")
        .header(ContentType::Form)
        .header(Header::new("Accept-Language", "de"))
        .body(format!("name=phone&usage=first&csrf_token={csrf}"))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    let html = response.into_string().await.unwrap();
    assert!(html.contains("id=\"wan_register_response_form\""), "{html}");
    for expected in [
        "data-msg-cancelled=\"Die Passkey-Anfrage wurde abgebrochen oder ist abgelaufen. Bitte \
         versuchen Sie es erneut.\"",
        "data-msg-registered=\"Dieser Passkey ist bereits registriert.\"",
        "data-msg-failed=\"Ihr Browser konnte keinen Passkey verwenden: {reason}\"",
    ] {
        assert!(html.contains(expected), "{expected} in {html}");
    }
    let script = app.client.get("/fs-static/webauthn.js").dispatch().await;
    let script = script.into_string().await.unwrap();
    assert!(
        script.contains("\"data-msg-\" + name"),
        "the script reads them"
    );
}

#[rocket::async_test]
async fn the_passkey_list_writes_its_dates_the_users_way() {
    let app = with_a_passkey().await;
    let (status, body) = get_json_with(&app.client, "/wan-register").await;
    assert_eq!(status, Status::Ok, "{body}");
    let iso = body["response"]["registered_credentials"][0]["create_datetime"]
        .as_str()
        .unwrap()
        .to_owned();
    let added = chrono::NaiveDateTime::parse_from_str(&iso, "%Y-%m-%dT%H:%M:%S%.f").unwrap();
    let cases = [
        ("de", added.format("%d.%m.%Y, %H:%M UTC").to_string()),
        ("fr", added.format("%d/%m/%Y %H:%M UTC").to_string()),
        ("en", added.format("%Y-%m-%d %H:%M UTC").to_string()),
    ];
    for (accept, date) in cases {
        let html = page_in(&app.client, "/wan-register", accept).await;
        let item = html
            .split("<li data-name=\"laptop\">")
            .nth(1)
            .and_then(|rest| rest.split("</li>").next())
            .unwrap_or_else(|| panic!("the passkey in {html}"))
            .replace("&#x2F;", "/");
        assert!(item.contains(&date), "{accept}: {item}");
        assert!(!item.contains(&iso), "no ISO time left: {item}");
    }
}
