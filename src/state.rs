//! The security layer's state: configuration, datastore, hasher, mail, templates, keys and
//! clock, managed by Rocket as [`Security`]. Everything above (sessions, guards, flows,
//! responses) reads it; it reads only the lower modules.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rocket::http::Method;
use rocket::request::Request;
use rocket::{Ignite, Rocket};
use rocket_dyn_templates::tera::Context;
use serde_json::{json, Map, Value};

use crate::clock::Clock;
use crate::config::SecurityConfig;
use crate::datastore::{AuthCache, User, UserDatastore, UserQuery};
use crate::endpoints::{template_urls, Endpoint};
use crate::error::Error;
use crate::events::{Events, SecurityEvent};
use crate::forms::{FormField, FormKind};
use crate::i18n::{Catalog, LanguageIdentifier, LocaleFn, Message};
use crate::mail::{Mail, Mailer, Outbox};
use crate::page_base::{PageBase, PageBases};
use crate::password::PasswordHasher;
use crate::templates::Templates;
use crate::token::{TokenKeys, TokenPurpose};
use crate::totp::SecretBox;

/// Turns a user into the `user` object of JSON responses.
pub type PayloadFn = Arc<dyn Fn(&User) -> Value + Send + Sync>;

/// The security layer's state, managed by Rocket: configuration, datastore, hasher, mail,
/// templates and keys. Handlers may take `&State<Security>` to use it.
#[derive(Clone)]
pub struct Security {
    inner: Arc<Parts>,
}

/// Everything [`Security`] holds, as the builder assembles it.
pub(crate) struct Parts {
    pub(crate) config: SecurityConfig,
    pub(crate) datastore: Arc<dyn UserDatastore>,
    /// Reused reads of sessions and users for guarded `GET`s, with the datastore that opened it.
    pub(crate) auth_cache: Option<Arc<AuthCache>>,
    pub(crate) hasher: Arc<dyn PasswordHasher>,
    pub(crate) mailer: Arc<dyn Mailer>,
    pub(crate) outbox: Arc<Outbox>,
    pub(crate) templates: Templates,
    pub(crate) catalog: Arc<Catalog>,
    pub(crate) locale: Option<LocaleFn>,
    pub(crate) keys: TokenKeys,
    pub(crate) secret_box: SecretBox,
    pub(crate) events: Events,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) payload: PayloadFn,
    pub(crate) form_fields: Vec<(FormKind, FormField)>,
    pub(crate) site_url: String,
    /// [`Security::page_base`] of each language asked for so far.
    pub(crate) page_bases: PageBases,
}

impl Security {
    /// The state made of `parts`.
    pub(crate) fn from_parts(parts: Parts) -> Security {
        Security {
            inner: Arc::new(parts),
        }
    }
}

impl fmt::Debug for Security {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Security")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl Security {
    /// The state of the request's application. Only call where the fairing is known to be
    /// attached (guards check it at launch through [`rocket::Sentinel`]).
    pub(crate) fn of<'r>(request: &'r Request<'_>) -> &'r Security {
        request
            .rocket()
            .state::<Security>()
            .expect("Security::fairing() is attached (checked at launch)")
    }

    /// The configuration in force.
    pub fn config(&self) -> &SecurityConfig {
        &self.inner.config
    }

    /// The public base URL of the site, without a trailing `/`: `server_name`, or in debug
    /// builds `http://<address>:<port>` of Rocket's configuration. Every mailed link starts
    /// with it; it never comes from a request.
    pub fn site_url(&self) -> &str {
        &self.inner.site_url
    }

    /// Whether cookies set in answer to `request` carry `Secure` (see `cookie_secure`).
    pub(crate) fn cookies_secure(&self, request: &Request<'_>) -> bool {
        let config = self.config();
        config.cookie_secure(crate::hardening::is_https(config, request))
    }

    /// The datastore.
    pub fn datastore(&self) -> &(dyn UserDatastore + 'static) {
        self.inner.datastore.as_ref()
    }

    /// The cache of session and user reads, for a request that may use it: a safe one
    /// (`GET`, `HEAD`), when the cache is on.
    pub(crate) fn auth_cache(&self, request: &Request<'_>) -> Option<&AuthCache> {
        let safe = matches!(request.method(), Method::Get | Method::Head);
        self.inner.auth_cache.as_deref().filter(|_| safe)
    }

    /// The password hasher.
    pub fn hasher(&self) -> &dyn PasswordHasher {
        self.inner.hasher.as_ref()
    }

    /// The mail transport (mail normally goes through the outbox, see [`Security::send_mail`]).
    pub fn mailer(&self) -> &dyn Mailer {
        self.inner.mailer.as_ref()
    }

    /// The mail outbox.
    pub fn outbox(&self) -> &Arc<Outbox> {
        &self.inner.outbox
    }

    /// The token signing keys.
    pub fn keys(&self) -> &TokenKeys {
        &self.inner.keys
    }

    /// The current time, from the configured clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.inner.clock.now()
    }

    /// Receives every [`SecurityEvent`] from now on.
    pub fn subscribe(&self) -> rocket::tokio::sync::broadcast::Receiver<SecurityEvent> {
        self.inner.events.subscribe()
    }

    /// Emits an event no request caused (command line, background work) and records it in the
    /// account's security activity (see `recorder.rs`).
    pub(crate) fn emit(&self, event: SecurityEvent) {
        self.emit_with(Default::default(), event);
    }

    /// Hands an event to the subscribers (after it is recorded: see `recorder.rs`).
    pub(crate) fn fire(&self, event: SecurityEvent) {
        self.inner.events.emit(event);
    }

    /// Encryption of secrets at rest.
    pub(crate) fn secret_box(&self) -> &SecretBox {
        &self.inner.secret_box
    }

    /// Keyed hash of a short code, as stored in the datastore.
    pub(crate) fn code_hash(&self, purpose: &str, code: &str) -> String {
        let data = format!("{purpose}\u{0}{}", code.trim());
        hex::encode(
            self.keys()
                .sign_bytes(TokenPurpose::SetupState, data.as_bytes()),
        )
    }

    pub(crate) fn templates(&self) -> &Templates {
        &self.inner.templates
    }

    /// The texts of every language.
    pub(crate) fn catalog(&self) -> &Catalog {
        &self.inner.catalog
    }

    /// Puts `lang` (the language tag), `dir` (`ltr` or `rtl`) and `i18n` (the layout's texts,
    /// which an application's own engine reads with English defaults) into a context.
    pub(crate) fn set_locale(&self, context: &mut Context, lang: &LanguageIdentifier) {
        for (key, value) in self.locale_json(lang) {
            context.insert(key, &value);
        }
    }

    /// The page context's language entries: `lang`, `dir` and the layout's texts (`i18n`).
    pub(crate) fn locale_json(&self, lang: &LanguageIdentifier) -> Map<String, Value> {
        const LAYOUT: [&str; 6] = [
            "site-home",
            "nav-account",
            "nav-signed-in",
            "nav-sign-out",
            "nav-sign-in",
            "nav-register",
        ];
        let texts: Map<String, Value> = LAYOUT
            .iter()
            .map(|id| {
                let text = self.catalog().text(lang, id);
                (id.replace('-', "_"), Value::String(text))
            })
            .collect();
        let mut map = Map::new();
        map.insert("lang".into(), Value::String(lang.to_string()));
        map.insert("dir".into(), crate::i18n::direction(lang).into());
        map.insert("i18n".into(), Value::Object(texts));
        map
    }

    /// The application's choice of locale, if it set one.
    pub(crate) fn locale_selector(&self) -> Option<&LocaleFn> {
        self.inner.locale.as_ref()
    }

    pub(crate) fn form_fields(&self, kind: FormKind) -> impl Iterator<Item = &FormField> {
        self.inner
            .form_fields
            .iter()
            .filter(move |(k, _)| *k == kind)
            .map(|(_, f)| f)
    }

    /// The user object of JSON responses (Flask-Security-Too's `get_security_payload`):
    /// `{}` unless the builder set [`SecurityBuilder::user_payload`](crate::SecurityBuilder::user_payload).
    ///
    /// ```no_run
    /// # use rocket::{get, State};
    /// use rocket_security::{AuthUser, Security};
    ///
    /// #[get("/me")]
    /// fn me(user: AuthUser, security: &State<Security>) -> String {
    ///     security.get_security_payload(&user).to_string()
    /// }
    /// ```
    pub fn get_security_payload(&self, user: &User) -> Value {
        let mut payload = (self.inner.payload)(user);
        if self.config().username_enable {
            if let Value::Object(fields) = &mut payload {
                fields
                    .entry("username")
                    .or_insert_with(|| serde_json::json!(user.username));
            }
        }
        payload
    }

    /// A signed auth token for `user` (Flask-Security-Too's `get_auth_token`), bound to the
    /// user's `fs_token_uniquifier`: a password change or reset revokes it. It expires after
    /// `token_max_age` seconds (`0`: never).
    ///
    /// ```no_run
    /// # use rocket::{post, State};
    /// use rocket_security::{AuthUser, Security};
    ///
    /// /// Hands a signed-in user a token for the API.
    /// #[post("/api/tokens")]
    /// fn issue(user: AuthUser, security: &State<Security>) -> String {
    ///     security.get_auth_token(&user)
    /// }
    /// ```
    pub fn get_auth_token(&self, user: &User) -> String {
        self.keys()
            .sign(TokenPurpose::Auth, &user.fs_token_uniquifier, self.now())
    }

    /// The active user an auth token names, if the token is authentic and not expired.
    pub async fn user_for_auth_token(&self, token: &str) -> Result<Option<User>, Error> {
        self.user_for_auth_token_via(token, None).await
    }

    /// [`user_for_auth_token`](Self::user_for_auth_token), reading the user through `cache`.
    pub(crate) async fn user_for_auth_token_via(
        &self,
        token: &str,
        cache: Option<&AuthCache>,
    ) -> Result<Option<User>, Error> {
        let max_age = Some(self.config().token_max_age.as_secs()).filter(|age| *age > 0);
        let Ok((uniquifier, _)) =
            self.keys()
                .verify::<String>(TokenPurpose::Auth, token, max_age, self.now())
        else {
            return Ok(None);
        };
        let query = UserQuery::TokenUniquifier(&uniquifier);
        let user = crate::datastore::find_user(cache, self.datastore(), query).await?;
        Ok(user.filter(|u| u.active))
    }

    /// Renders `security/email/<template>.{txt,html}.tera` with `context` and queues the mail
    /// (Flask-Security-Too's `send_mail`). The subject is sent exactly as given; the templates
    /// render in the recipient's stored locale. Delivery happens in the background with
    /// retries; the caller never waits on SMTP.
    pub async fn send_mail(
        &self,
        subject: &str,
        recipient: &str,
        template: &str,
        context: &Context,
    ) -> Result<(), Error> {
        let lang = self.recipient_locale(recipient).await;
        self.send_mail_in(&lang, subject, recipient, template, context)
            .await
    }

    /// A security mail: [`send_mail`](Self::send_mail) with `subject` in the recipient's
    /// locale (a configured `email_subject_*` is its English text).
    pub(crate) async fn send_security_mail(
        &self,
        subject: Message,
        recipient: &str,
        template: &str,
        context: &Context,
    ) -> Result<(), Error> {
        let lang = self.recipient_locale(recipient).await;
        let subject = self.catalog().message(&lang, &subject);
        self.send_mail_in(&lang, &subject, recipient, template, context)
            .await
    }

    /// [`send_mail`](Self::send_mail) in `lang`, for mail whose recipient's address is not
    /// (or no longer) the one on their account: a new address, a deleted account.
    pub(crate) async fn send_mail_in(
        &self,
        lang: &LanguageIdentifier,
        subject: &str,
        recipient: &str,
        template: &str,
        context: &Context,
    ) -> Result<(), Error> {
        let mut context = context.clone();
        self.set_locale(&mut context, lang);
        let (text, html) = crate::mail::render_mail(self.templates().tera(), template, &context)?;
        self.outbox()
            .enqueue(Mail {
                from: self.config().email_sender.clone(),
                to: recipient.to_owned(),
                subject: subject.to_owned(),
                text,
                html,
            })
            .await?;
        Ok(())
    }

    /// The language of mail to `recipient`: the locale stored on their account when it has
    /// texts, else the default locale.
    async fn recipient_locale(&self, recipient: &str) -> LanguageIdentifier {
        let stored = match self
            .datastore()
            .find_user(UserQuery::Email(recipient))
            .await
        {
            Ok(Some(user)) => user.locale,
            _ => None,
        };
        self.stored_locale(stored.as_deref())
    }

    /// The language of mail to `user`: their stored locale when it has texts, else the
    /// default locale.
    pub(crate) fn user_locale(&self, user: &User) -> LanguageIdentifier {
        self.stored_locale(user.locale.as_deref())
    }

    fn stored_locale(&self, stored: Option<&str>) -> LanguageIdentifier {
        stored
            .and_then(|tag| self.catalog().fit(tag))
            .unwrap_or_else(|| self.catalog().default_locale().clone())
    }

    /// Sets a new password for `user`: hashes it, revokes every auth token and mailed link
    /// issued before (new `fs_token_uniquifier` and `fs_uniquifier`), and ends every session
    /// and remember-me token of the user except those whose hashes are in `keep` (the session
    /// doing the change stays signed in). One conditional write: it fails with a 400 (changing
    /// nothing) when the stored password is no longer the one `user` was read with.
    pub async fn set_password(
        &self,
        user: &User,
        password: &str,
        keep: &[&str],
    ) -> Result<User, Error> {
        let hash = self.hasher().hash(password).await?;
        let change = crate::datastore::UserChange::Password {
            old: user.password.as_deref(),
            new: &hash,
            keep,
            wipe: false,
        };
        let changed = self.datastore().change_user(user.id, change).await?;
        changed.ok_or_else(|| Error::BadRequest(Message::AccountChanged))
    }

    /// The URL of a security endpoint, by Flask-Security-Too's endpoint names (`login`,
    /// `logout`, `register`, `send_confirmation`, `confirm_email`, `forgot_password`,
    /// `reset_password`, `change_password`, `change_email`, `two_factor_setup`,
    /// `two_factor_token_validation`, `two_factor_rescue`, `mf_recovery_codes`, `mf_recovery`,
    /// `us_signin`, `us_setup`, `us_verify`, `verify`) — the seed's `url_for_security`.
    ///
    /// `values` become the query string, except `token` (the path parameter of
    /// `confirm_email`, `reset_password` and `change_email_confirm`), `_anchor` (the fragment)
    /// and `_external` (any value: an absolute URL on [`Security::site_url`]; `request` is not
    /// used for it).
    ///
    /// ```no_run
    /// # fn demo(security: &rocket_security::Security) {
    /// let url = security.url_for_security(None, "login", &[("next", "/admin?tab=1")]);
    /// assert_eq!(url.as_deref(), Some("/login?next=%2Fadmin%3Ftab%3D1"));
    /// # }
    /// ```
    pub fn url_for_security(
        &self,
        request: Option<&Request<'_>>,
        endpoint: &str,
        values: &[(&str, &str)],
    ) -> Option<String> {
        let token = values.iter().find(|(k, _)| *k == "token").map(|(_, v)| *v);
        let mut url = match Endpoint::by_name(endpoint)? {
            (endpoint, false) => endpoint.path(self.config()),
            (endpoint, true) => endpoint.path_with_token(self.config(), token?),
        };
        let query: Vec<String> = values
            .iter()
            .filter(|(k, _)| !matches!(*k, "token" | "_anchor" | "_external"))
            .map(|(k, v)| {
                let enc = |s: &str| {
                    url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>()
                };
                format!("{}={}", enc(k), enc(v))
            })
            .collect();
        if !query.is_empty() {
            url = format!("{url}?{}", query.join("&"));
        }
        if let Some((_, anchor)) = values.iter().find(|(k, _)| *k == "_anchor") {
            url = format!("{url}#{anchor}");
        }
        let _ = request;
        if values.iter().any(|(k, _)| *k == "_external") {
            url = format!("{}{url}", self.site_url());
        }
        Some(url)
    }

    /// The client's address: the socket peer, or Rocket's `ip_header` (default `X-Real-IP`)
    /// only when `trust_forwarded_headers` is set — otherwise any client could pick its own
    /// address and escape the per-client limit.
    pub fn client_ip(&self, request: &Request<'_>) -> Option<String> {
        let ip = if self.config().trust_forwarded_headers {
            request.client_ip()
        } else {
            request.remote().map(|r| r.ip())
        };
        ip.map(|ip| ip.to_canonical().to_string())
    }

    /// The context every page in `lang` starts from: `urls`, `features`,
    /// `password_length_min`, `lang`, `dir` and `i18n`.
    pub(crate) fn page_base(&self, lang: &LanguageIdentifier) -> Arc<PageBase> {
        self.inner.page_bases.get(lang, || {
            let mut context = self.build_static_context();
            self.set_locale(&mut context, lang);
            PageBase::new(context)
        })
    }

    fn build_static_context(&self) -> Context {
        let c = self.config();
        let mut context = Context::new();
        context.insert("urls", &template_urls(c));
        context.insert("password_length_min", &c.password_length_min);
        context.insert(
            "features",
            &json!({
                "registerable": c.registerable,
                "recoverable": c.recoverable,
                "confirmable": c.confirmable,
                "changeable": c.changeable,
                "change_email": c.change_email,
                "unified_signin": c.unified_signin,
                "two_factor": c.two_factor,
                "mf_recovery_codes": c.multi_factor_recovery_codes,
                "username": c.username_enable,
                "username_required": c.username_required,
                "change_username": c.username_enable && c.change_username,
                "username_recovery": c.username_enable && c.username_recovery,
                "deletable": c.deletable,
                "webauthn": c.webauthn && cfg!(feature = "webauthn"),
                "wan_first_factor": c.webauthn && c.wan_allow_as_first_factor,
                "wan_verify": c.webauthn && c.wan_allow_as_verify,
                "wan_multi_factor": c.webauthn && c.wan_multi_factor(),
            }),
        );
        context
    }
}

/// Whether a guard's route would run without the fairing; logs what to do about it.
pub(crate) fn missing_fairing(rocket: &Rocket<Ignite>, guard: &str) -> bool {
    if rocket.state::<Security>().is_some() {
        return false;
    }
    tracing::error!(
        "{guard} is used by a route, but the security fairing is not attached: add \
         `.attach(rocket_security::Security::fairing())`"
    );
    true
}
