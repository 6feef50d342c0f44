//! Languages: pages, JSON errors and mails in the language the request, the user's stored
//! locale or the application chooses; the application's own texts over the embedded ones.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rocket::http::{Accept, ContentType, Header, Status};
use rocket::local::asynchronous::Client;
use rocket_security::{MemoryDatastore, NewUser, UserDatastore, UserQuery};
use serde_json::{json, Value};

use crate::common::app::*;

/// How long a queued mail may take to reach the capturing mailer.
const WAIT: Duration = Duration::from_secs(5);

fn memory() -> Arc<dyn UserDatastore> {
    Arc::new(MemoryDatastore::new())
}

/// `GET path` as a browser sending `Accept-Language: accept`.
pub(crate) async fn page(client: &Client, path: &str, accept: &str) -> String {
    let response = client
        .get(path)
        .header(Header::new("Accept-Language", accept.to_owned()))
        .dispatch()
        .await;
    assert_eq!(response.status(), Status::Ok);
    response.into_string().await.unwrap()
}

/// `POST /login` (JSON) with a wrong password, sending `Accept-Language: accept`.
async fn wrong_password(app: &TestApp, accept: &str) -> Value {
    let csrf = app.csrf().await;
    let mut headers = vec![("X-CSRF-Token", csrf.as_str())];
    if !accept.is_empty() {
        headers.push(("Accept-Language", accept));
    }
    let body = json!({"email": "ada@example.com", "password": "not-the-password"});
    let (status, body) = post_json_headers(&app.client, "/login", body, &headers).await;
    assert_eq!(status, Status::BadRequest, "{body}");
    body
}

#[rocket::async_test]
async fn the_login_page_speaks_each_language_by_accept_language() {
    let app = app(memory()).await;
    let cases = [
        ("en-US,en;q=0.9", "en", "<h1>Sign in</h1>", "Password"),
        (
            "de-DE,de;q=0.9,en;q=0.5",
            "de",
            "<h1>Anmelden</h1>",
            "Passwort",
        ),
        (
            "fr-CA, en;q=0.3",
            "fr",
            "<h1>Connexion</h1>",
            "Mot de passe",
        ),
        (
            "it, es;q=0.8",
            "es",
            "<h1>Iniciar sesión</h1>",
            "Contraseña",
        ),
    ];
    for (accept, lang, heading, password_label) in cases {
        let html = page(&app.client, "/login", accept).await;
        assert!(
            html.contains(&format!("<html lang=\"{lang}\" dir=\"ltr\">")),
            "{accept}: {html}"
        );
        assert!(html.contains(heading), "{accept}: {html}");
        assert!(html.contains(password_label), "{accept}");
    }
    let german = page(&app.client, "/login", "de").await;
    assert!(german.contains("Angemeldet bleiben"), "the remember box");
    assert!(german.contains(">Registrieren</a>"), "the layout's links");
    assert!(!german.contains("Remember me"));
}

#[rocket::async_test]
async fn unknown_or_malformed_accept_language_falls_back_to_english() {
    let app = app(memory()).await;
    for accept in ["xx-YY", ";;q=abc,,", "", "*"] {
        let html = page(&app.client, "/login", accept).await;
        assert!(
            html.contains("<html lang=\"en\" dir=\"ltr\">"),
            "{accept:?}"
        );
        assert!(html.contains("<h1>Sign in</h1>"), "{accept:?}");
    }
}

#[rocket::async_test]
async fn a_wrong_password_is_answered_in_german_and_english_is_unchanged() {
    let app = app(memory()).await;
    app.user("ada@example.com", "correct horse battery", true, true, &[])
        .await;
    let german = wrong_password(&app, "de").await;
    assert_eq!(
        german["response"]["errors"],
        json!(["Anmeldung fehlgeschlagen – Kennung oder Passwort/Code ungültig"])
    );
    let english = wrong_password(&app, "").await;
    assert_eq!(
        english["response"]["errors"],
        json!(["Authentication failed - identity or password/passcode invalid"])
    );
}

#[rocket::async_test]
async fn a_reset_mail_is_written_in_the_recipients_stored_locale() {
    let app = app(memory()).await;
    for (email, locale) in [("marie@example.com", Some("fr")), ("ada@example.com", None)] {
        user_with_locale(&app, email, locale, true).await;
        let (status, body) = app.post("/reset", json!({ "email": email })).await;
        assert_eq!(status, Status::Ok, "{body}");
    }
    let mails = app.mailer.wait_for(2, WAIT).await;
    let french = mails.iter().find(|m| m.to == "marie@example.com").unwrap();
    assert_eq!(
        french.subject,
        "Instructions pour réinitialiser votre mot de passe"
    );
    assert!(
        french.text.contains("Quelqu’un (vous ?)"),
        "{}",
        french.text
    );
    assert!(french.html.contains("<html lang=\"fr\" dir=\"ltr\">"));
    assert!(french.html.contains("Choisir un nouveau mot de passe"));
    assert!(link(&french.text, "http://").is_some_and(|url| url.contains("/reset/")));
    let english = mails.iter().find(|m| m.to == "ada@example.com").unwrap();
    assert_eq!(english.subject, "Password reset instructions");
    assert!(english
        .text
        .starts_with("Someone (you?) asked to reset the password of your account. Choose a new\npassword through the link below:\n"));
}

/// The locale of a registration is stored with the account (every backend), and its mails
/// follow it.
async fn registration_keeps_the_request_locale(store: Arc<dyn UserDatastore>) {
    let app = app(store.clone()).await;
    let csrf = app.csrf().await;
    let body = json!({
        "email": "luis@example.com",
        "password": "correct horse battery",
        "password_confirm": "correct horse battery",
    });
    let headers = [
        ("X-CSRF-Token", csrf.as_str()),
        ("Accept-Language", "es-MX"),
    ];
    let (status, body) = post_json_headers(&app.client, "/register", body, &headers).await;
    assert_eq!(status, Status::Ok, "{body}");
    let user = store
        .find_user(UserQuery::Email("luis@example.com"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.locale.as_deref(), Some("es"));
    let welcome = app.mailer.wait_for(1, WAIT).await.pop().unwrap();
    assert_eq!(welcome.subject, "Bienvenido");
}

per_backend!(stores: registration_keeps_the_request_locale);

/// An application folder of `.ftl` files: a German override and a right-to-left language.
fn app_texts() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |lang: &str, body: &str| {
        let folder = dir.path().join(lang);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("app.ftl"), body).unwrap();
    };
    write("de", "generic-authn-failed = Das hat nicht geklappt.\n");
    write("he", "login-title = כניסה\nlogin-submit = כניסה\n");
    dir
}

async fn app_with_texts(dir: &Path, extra: Value) -> TestApp {
    let mut settings = contract_settings();
    settings["i18n_dirname"] = json!(dir);
    for (key, value) in extra.as_object().unwrap() {
        settings[key] = value.clone();
    }
    app_with(memory(), settings, |b| b).await
}

#[rocket::async_test]
async fn an_application_overrides_messages_by_ftl_file_and_by_flask_security_name() {
    let dir = app_texts();
    let extra = json!({"msg_generic_authn_failed": "Wrong email or password."});
    let app = app_with_texts(dir.path(), extra).await;
    app.user("ada@example.com", "correct horse battery", true, true, &[])
        .await;
    let english = wrong_password(&app, "en").await;
    assert_eq!(
        english["response"]["errors"],
        json!(["Wrong email or password."])
    );
    let german = wrong_password(&app, "de").await;
    assert_eq!(
        german["response"]["errors"],
        json!(["Das hat nicht geklappt."])
    );
    // Texts the application does not override stay the embedded ones.
    let french = wrong_password(&app, "fr").await;
    assert!(french["response"]["errors"][0]
        .as_str()
        .unwrap()
        .starts_with("Échec de l’authentification"));
    let html = page(&app.client, "/login", "de").await;
    assert!(html.contains("<h1>Anmelden</h1>"));
}

#[rocket::async_test]
async fn a_right_to_left_language_sets_dir_on_the_page() {
    let dir = app_texts();
    let app = app_with_texts(dir.path(), json!({})).await;
    let html = page(&app.client, "/login", "he-IL,he;q=0.9").await;
    assert!(html.contains("<html lang=\"he\" dir=\"rtl\">"), "{html}");
    assert!(html.contains("<h1>כניסה</h1>"));
    // Texts missing in the language come from the default locale.
    assert!(html.contains("Password"));
    let css = app.client.get("/fs-static/security.css").dispatch().await;
    let css = css.into_string().await.unwrap();
    assert!(css.contains("border-inline-start"), "logical properties");
    for physical in ["margin-left", "margin-right", "padding-left", "border-left"] {
        assert!(!css.contains(physical), "{physical} does not follow dir");
    }
}

#[rocket::async_test]
async fn the_application_chooses_the_locale_per_request() {
    let app = app_with(memory(), contract_settings(), |builder| {
        builder.locale_selector(|request, _user| {
            request.cookies().get("lang").map(|c| c.value().to_owned())
        })
    })
    .await;
    let response = app
        .client
        .get("/login")
        .cookie(rocket::http::Cookie::new("lang", "fr"))
        .header(Header::new("Accept-Language", "de"))
        .dispatch()
        .await;
    let html = response.into_string().await.unwrap();
    assert!(html.contains("<html lang=\"fr\""), "the selector wins");
    let html = page(&app.client, "/login", "de").await;
    assert!(
        html.contains("<html lang=\"de\""),
        "without a choice, Accept-Language"
    );
    let json = app
        .client
        .get("/change")
        .header(Accept::JSON)
        .header(ContentType::JSON)
        .header(Header::new("Accept-Language", "es"))
        .dispatch()
        .await;
    let (status, body) = read_json(json).await;
    assert_eq!(status, Status::Unauthorized);
    assert_eq!(
        body["response"]["errors"],
        json!(["Inicie sesión para ver este recurso."])
    );
}

#[rocket::async_test]
async fn a_default_locale_without_texts_stops_the_launch() {
    let mut settings = contract_settings();
    settings["locale"] = json!("xx");
    let figment = rocket::Config::figment()
        .merge(("log_level", "critical"))
        .merge(("security", settings));
    let fairing = rocket_security::Security::builder()
        .datastore(memory())
        .fairing();
    let Err(error) = rocket::custom(figment.clone())
        .attach(fairing)
        .ignite()
        .await
    else {
        panic!("a default locale without texts should stop the launch")
    };
    assert!(matches!(
        error.kind(),
        rocket::error::ErrorKind::FailedFairings(_)
    ));
    let fairing = rocket_security::Security::builder()
        .datastore(memory())
        .fairing();
    let fine = figment.merge(("security.locale", "fr"));
    assert!(rocket::custom(fine).attach(fairing).ignite().await.is_ok());
}

/// Creates `email` in the store with the stored locale `locale` (or none), confirmed or not.
pub(crate) async fn user_with_locale(
    app: &TestApp,
    email: &str,
    locale: Option<&str>,
    confirmed: bool,
) {
    let security = app
        .client
        .rocket()
        .state::<rocket_security::Security>()
        .unwrap();
    let hash = security
        .hasher()
        .hash("correct horse battery")
        .await
        .unwrap();
    app.store
        .create_user(NewUser {
            email: email.into(),
            password: Some(hash),
            active: true,
            confirmed_at: confirmed.then(|| chrono::Utc::now().naive_utc()),
            locale: locale.map(str::to_owned),
            ..NewUser::default()
        })
        .await
        .unwrap();
}

#[rocket::async_test]
async fn a_confirmation_mail_is_written_in_german_for_a_german_user() {
    let app = app(memory()).await;
    user_with_locale(&app, "jonas@example.com", Some("de"), false).await;
    let (status, body) = app
        .post("/confirm", json!({"email": "jonas@example.com"}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let mail = app.mailer.wait_for(1, WAIT).await.pop().unwrap();
    assert_eq!(mail.subject, "Bitte bestätigen Sie Ihre E-Mail-Adresse");
    assert!(
        mail.text.starts_with(
            "Bitte bestätigen Sie Ihre E-Mail-Adresse über den folgenden Link:\n\nhttp://"
        ),
        "{}",
        mail.text
    );
    assert!(mail.text.contains("ignorieren Sie diese E-Mail."));
    assert!(mail.html.contains("<html lang=\"de\">"), "{}", mail.html);
    assert!(mail.html.contains(">E-Mail-Adresse bestätigen</a>"));
    assert!(!mail.html.contains("Confirm my email"));
    assert!(link(&mail.text, "http://").is_some_and(|url| url.contains("/confirm/")));
}

/// The mail to a new address, which has no account yet, and the notice to the old address,
/// which no longer has one, are both in the account's language.
#[rocket::async_test]
async fn an_email_change_mails_a_german_user_in_german_at_both_addresses() {
    let app = app(memory()).await;
    user_with_locale(&app, "jonas@example.com", Some("de"), true).await;
    app.login("jonas@example.com", "correct horse battery")
        .await;
    let (status, body) = app
        .post("/change-email", json!({"email": "jonas@neu.example.com"}))
        .await;
    assert_eq!(status, Status::Ok, "{body}");
    let instructions = app.mailer.wait_for(1, WAIT).await.pop().unwrap();
    assert_eq!(instructions.to, "jonas@neu.example.com");
    assert_eq!(
        instructions.subject,
        "Bestätigen Sie Ihre neue E-Mail-Adresse"
    );
    assert!(
        instructions
            .text
            .contains("Bestätigen Sie die neue Adresse über den folgenden Link:"),
        "{}",
        instructions.text
    );
    assert!(instructions.html.contains(">Neue Adresse bestätigen</a>"));
    let url = link(&instructions.text, "http://").expect("a link");
    let path = format!("/{}", url.splitn(4, '/').nth(3).unwrap());
    let response = app.client.get(path).dispatch().await;
    assert_eq!(response.status(), Status::Found);
    let mails = app.mailer.wait_for(3, WAIT).await;
    let notices: Vec<_> = mails
        .iter()
        .filter(|m| m.subject == "Ihre E-Mail-Adresse wurde geändert")
        .collect();
    let recipients: Vec<&str> = notices.iter().map(|m| m.to.as_str()).collect();
    assert_eq!(recipients, ["jonas@example.com", "jonas@neu.example.com"]);
    for notice in notices {
        assert!(
            notice.text.starts_with(
                "Die E-Mail-Adresse Ihres Kontos wurde von jonas@example.com in\n\
                 jonas@neu.example.com geändert."
            ),
            "{}",
            notice.text
        );
        assert!(notice.html.contains(
            "von <strong>jonas@example.com</strong> in <strong>jonas@neu.example.com</strong> geändert."
        ));
        assert!(notice
            .html
            .contains("Möglicherweise hat jemand anderes Zugriff"));
    }
}

/// The texts each page must show in German, French and English, after signing in.
const ACCOUNT_PAGES: [(&str, [&str; 3]); 3] = [
    (
        "/tf-setup",
        [
            "<h1>Zwei-Faktor-Authentifizierung</h1>",
            "<h1>Authentification à deux facteurs</h1>",
            "<h1>Two-factor authentication</h1>",
        ],
    ),
    (
        "/tf-setup",
        [
            "Ergänzen Sie die Anmeldung um einen zweiten Schritt",
            "<legend>Méthode</legend>",
            "Add a second step to signing in",
        ],
    ),
    (
        "/change-email",
        [
            "Neue E-Mail-Adresse",
            "Nouvelle adresse e-mail",
            "New email address",
        ],
    ),
];

#[rocket::async_test]
async fn the_other_pages_speak_the_requested_language_and_english_is_unchanged() {
    let settings = json!({"unified_signin": true, "two_factor": true});
    let app = app_with_texts(tempfile::tempdir().unwrap().path(), settings).await;
    let signin = [
        (
            "de",
            "Passwort nicht zur Hand?",
            "Mit E-Mail-Adresse und Passwort anmelden",
        ),
        (
            "fr",
            "Pas de mot de passe sous la main ?",
            "Envoyer le code",
        ),
        (
            "en",
            "No password handy?",
            "Sign in with email and password",
        ),
    ];
    for (accept, heading, link) in signin {
        let html = page(&app.client, "/us-signin", accept).await;
        assert!(
            html.contains(&format!("<h2>{heading}</h2>")),
            "{accept}: {html}"
        );
        assert!(html.contains(link), "{accept}: {html}");
    }
    let german = page(&app.client, "/us-signin", "de").await;
    assert!(!german.contains("No password handy?"), "{german}");
    app.user("ada@example.com", "correct horse battery", true, true, &[])
        .await;
    app.login("ada@example.com", "correct horse battery").await;
    for (path, [de, fr, en]) in ACCOUNT_PAGES {
        for (accept, text) in [("de", de), ("fr", fr), ("en", en)] {
            let html = page(&app.client, path, accept).await;
            assert!(html.contains(text), "{path} in {accept}: {html}");
        }
        let german = page(&app.client, path, "de").await;
        assert!(!german.contains(en), "{path} still says {en} in German");
    }
    let english = page(&app.client, "/change-email", "en").await;
    assert!(english
        .contains("Your current address is <strong class=\"email\">ada@example.com</strong>."));
}

/// `GET path` sending `Accept-Language: accept`; the status and the `Location`.
async fn follow_in(client: &Client, path: &str, accept: &str) -> (Status, String) {
    let response = client
        .get(path)
        .header(Header::new("Accept-Language", accept.to_owned()))
        .dispatch()
        .await;
    let location = response.headers().get_one("Location").unwrap_or_default();
    (response.status(), location.to_owned())
}

/// The flashes shown on `path` to a browser sending `Accept-Language: accept`.
async fn flashes_in(client: &Client, path: &str, accept: &str) -> String {
    let html = page(client, path, accept).await;
    let start = html
        .find("<ul class=\"flashes\">")
        .unwrap_or_else(|| panic!("no flashes on {path}"));
    html[start..].split("</ul>").next().unwrap().to_owned()
}

#[rocket::async_test]
async fn expired_and_invalid_confirmation_links_are_flashed_in_french() {
    let app = app(memory()).await;
    let body = json!({"email": "zoe@example.com", "password": "password123", "password_confirm": "password123"});
    app.post("/register", body).await;
    let mail = app.mailer.wait_for(1, WAIT).await.remove(0);
    let url = link(&mail.text, "http://").expect("a confirmation link");
    let path = format!("/{}", url.splitn(4, '/').nth(3).unwrap());

    let mut tampered = path.clone();
    tampered.insert(tampered.len() - 3, 'x');
    let (status, location) = follow_in(&app.client, &tampered, "fr-FR,fr;q=0.9").await;
    assert_eq!((status, location.as_str()), (Status::Found, "/confirm"));
    let flashes = flashes_in(&app.client, "/confirm", "fr").await;
    assert!(
        flashes.contains("Lien de confirmation invalide."),
        "{flashes}"
    );

    app.clock.advance(chrono::Duration::seconds(11));
    let (status, location) = follow_in(&app.client, &path, "fr-FR,fr;q=0.9").await;
    assert_eq!((status, location.as_str()), (Status::Found, "/confirm"));
    let flashes = flashes_in(&app.client, "/confirm", "fr").await;
    assert!(
        flashes.contains("pas confirmé votre adresse e-mail dans le délai de 10"),
        "{flashes}"
    );

    // English stays the text Flask-Security-Too clients know.
    app.clock.advance(chrono::Duration::seconds(1));
    follow_in(&app.client, &path, "en").await;
    let flashes = flashes_in(&app.client, "/confirm", "en").await;
    assert!(
        flashes.contains("You did not confirm your email within 10 seconds. "),
        "{flashes}"
    );
}
