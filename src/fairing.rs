//! The `Security` fairing: reads the configuration, opens the datastore, runs migrations,
//! mounts the enabled flows, and saves sessions as responses leave.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rocket::fairing::{self, Fairing, Info, Kind};
use rocket::figment::providers::{Format, Toml};
use rocket::figment::Figment;
use rocket::request::Request;
use rocket::{Build, Ignite, Orbit, Response, Rocket};
use rocket_dyn_templates::tera::Context;
use serde_json::{json, Value};

use crate::clock::{Clock, SystemClock};
use crate::config::{is_release, SecurityConfig};
use crate::datastore::{DbPool, DieselDatastore, SecurityDb, User, UserDatastore, UserQuery};
use crate::error::Error;
use crate::events::{EventHandler, Events, SecurityEvent};
use crate::flows::{self, FormField, FormKind};
use crate::mail::{mailer_from_config, Mail, Mailer, Outbox};
use crate::password::{Argon2Hasher, Argon2Settings, PasswordHasher};
use crate::session::SessionCell;
use crate::templates::Templates;
use crate::token::{TokenKeys, TokenPurpose};
use crate::totp::SecretBox;

/// Turns a user into the `user` object of JSON responses.
pub type PayloadFn = Arc<dyn Fn(&User) -> Value + Send + Sync>;

/// The security layer's state, managed by Rocket: configuration, datastore, hasher, mail,
/// templates and keys. Handlers may take `&State<Security>` to use it.
#[derive(Clone)]
pub struct Security {
    inner: Arc<Inner>,
}

struct Inner {
    config: SecurityConfig,
    datastore: Arc<dyn UserDatastore>,
    hasher: Arc<dyn PasswordHasher>,
    mailer: Arc<dyn Mailer>,
    outbox: Arc<Outbox>,
    templates: Templates,
    keys: TokenKeys,
    secret_box: SecretBox,
    events: Events,
    clock: Arc<dyn Clock>,
    payload: PayloadFn,
    form_fields: Vec<(FormKind, FormField)>,
    site_url: String,
}

impl fmt::Debug for Security {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Security")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl Security {
    /// The fairing with every default: the Diesel datastore named by
    /// `databases.security.url`, Argon2id hashing, the mail transport of `security.mail.url`.
    pub fn fairing() -> SecurityFairing {
        SecurityBuilder::default().fairing()
    }

    /// A builder to swap the datastore, mailer, password hasher, user payload or clock, add
    /// form fields and subscribe to events.
    pub fn builder() -> SecurityBuilder {
        SecurityBuilder::default()
    }

    /// Catchers that answer every error the way the security pages do: the JSON envelope for
    /// JSON clients, the security layer's error page for browsers, and the login page (with
    /// `next`) for an anonymous browser on a protected page.
    ///
    /// The fairing registers no catcher at the application's root: failures of its own guards
    /// and routes are answered in that shape whatever catchers the application has. Register
    /// these where the application wants the same answers for its own errors:
    ///
    /// ```no_run
    /// # use rocket_security::Security;
    /// let rocket = rocket::build()
    ///     .attach(Security::fairing())
    ///     .register("/", Security::catchers());
    /// ```
    pub fn catchers() -> Vec<rocket::Catcher> {
        crate::catchers::catchers()
    }

    /// A readiness route for load balancers, to mount where the application wants it:
    /// `GET <base>/health` answers `200 {"status":"ok"}` while the database answers within two
    /// seconds, and `503 {"status":"unavailable"}` with `Retry-After` while it does not.
    ///
    /// ```no_run
    /// # use rocket_security::Security;
    /// let rocket = rocket::build()
    ///     .attach(Security::fairing())
    ///     .mount("/", Security::health());
    /// ```
    pub fn health() -> Vec<rocket::Route> {
        crate::health::routes()
    }

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
    pub fn datastore(&self) -> &dyn UserDatastore {
        self.inner.datastore.as_ref()
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

    pub(crate) fn form_fields(&self, kind: FormKind) -> impl Iterator<Item = &FormField> {
        self.inner
            .form_fields
            .iter()
            .filter(move |(k, _)| *k == kind)
            .map(|(_, f)| f)
    }

    /// The user object of JSON responses (Flask-Security-Too's `get_security_payload`):
    /// `{}` unless the builder set [`SecurityBuilder::user_payload`]; with `username_enable`
    /// it also holds `username`.
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
                    .or_insert_with(|| json!(user.username));
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
        let max_age = Some(self.config().token_max_age).filter(|age| *age > 0);
        let Ok((uniquifier, _)) =
            self.keys()
                .verify::<String>(TokenPurpose::Auth, token, max_age, self.now())
        else {
            return Ok(None);
        };
        let user = self
            .datastore()
            .find_user(UserQuery::TokenUniquifier(&uniquifier))
            .await?;
        Ok(user.filter(|u| u.active))
    }

    /// Renders `security/email/<template>.{txt,html}.tera` with `context` and queues the mail
    /// (Flask-Security-Too's `send_mail`). Delivery happens in the background with retries; the
    /// caller never waits on SMTP.
    pub async fn send_mail(
        &self,
        subject: &str,
        recipient: &str,
        template: &str,
        context: &Context,
    ) -> Result<(), Error> {
        let (text, html) = crate::mail::render_mail(self.templates().tera(), template, context)?;
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
        changed.ok_or_else(|| Error::BadRequest(crate::error::msg::ACCOUNT_CHANGED.into()))
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
        let path = match (endpoint, token) {
            ("login", _) => "/login".to_owned(),
            ("logout", _) => "/logout".to_owned(),
            ("register", _) => "/register".to_owned(),
            ("send_confirmation", _) => "/confirm".to_owned(),
            ("confirm_email", Some(t)) => format!("/confirm/{t}"),
            ("forgot_password", _) => "/reset".to_owned(),
            ("reset_password", Some(t)) => format!("/reset/{t}"),
            ("change_password", _) => "/change".to_owned(),
            ("change_email", _) => "/change-email".to_owned(),
            ("change_email_confirm", Some(t)) => format!("/change-email/{t}"),
            ("two_factor_setup", _) => "/tf-setup".to_owned(),
            ("two_factor_token_validation", _) => "/tf-validate".to_owned(),
            ("two_factor_rescue", _) => "/tf-rescue".to_owned(),
            ("mf_recovery_codes", _) => "/mf-recovery-codes".to_owned(),
            ("mf_recovery", _) => "/mf-recovery".to_owned(),
            ("us_signin", _) => "/us-signin".to_owned(),
            ("us_setup", _) => "/us-setup".to_owned(),
            ("us_verify", _) => "/us-verify".to_owned(),
            ("verify", _) => "/verify".to_owned(),
            _ => return None,
        };
        let mut url = self.config().route_path(&path);
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

    /// The context every security page starts from: `urls` and `features`.
    pub(crate) fn static_context(&self) -> Context {
        let c = self.config();
        let p = |path: &str| c.route_path(path);
        let mut context = Context::new();
        context.insert(
            "urls",
            &json!({
                "index": "/",
                "static": p("/fs-static"),
                "login": p("/login"),
                "logout": p("/logout"),
                "register": p("/register"),
                "forgot_password": p("/reset"),
                "send_confirmation": p("/confirm"),
                "change_password": p("/change"),
                "change_email": p("/change-email"),
                "us_signin": p("/us-signin"),
                "us_signin_send_code": p("/us-signin/send-code"),
                "us_setup": p("/us-setup"),
                "us_verify_send_code": p("/us-verify/send-code"),
                "tf_setup": p("/tf-setup"),
                "tf_validate": p("/tf-validate"),
                "tf_rescue": p("/tf-rescue"),
                "mf_recovery_codes": p("/mf-recovery-codes"),
                "mf_recovery": p("/mf-recovery"),
                "verify": p("/verify"),
                "sessions": p("/sessions"),
                "activity": p("/activity"),
                "change_username": p("/change-username"),
                "recover_username": p("/recover-username"),
                "delete_account": p("/delete-account"),
            }),
        );
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

/// Customises the security layer before attaching it.
///
/// ```no_run
/// use std::sync::Arc;
/// use rocket_security::{CapturingMailer, FormField, FormKind, MemoryDatastore, Security};
///
/// let rocket = rocket::build().attach(
///     Security::builder()
///         .datastore(Arc::new(MemoryDatastore::new()))
///         .mailer(Arc::new(CapturingMailer::new()))
///         .form_field(FormKind::Register, FormField::text("name", "Name").required())
///         .user_payload(|user| serde_json::json!({ "email": user.email }))
///         .fairing(),
/// );
/// ```
#[derive(Default)]
pub struct SecurityBuilder {
    datastore: Option<Arc<dyn UserDatastore>>,
    mailer: Option<Arc<dyn Mailer>>,
    hasher: Option<Arc<dyn PasswordHasher>>,
    payload: Option<PayloadFn>,
    clock: Option<Arc<dyn Clock>>,
    handlers: Vec<EventHandler>,
    form_fields: Vec<(FormKind, FormField)>,
    catchers_under_prefix: bool,
    pool: Option<DbPool>,
}

impl SecurityBuilder {
    /// Uses this datastore instead of opening `databases.security`.
    pub fn datastore(mut self, datastore: Arc<dyn UserDatastore>) -> Self {
        self.datastore = Some(datastore);
        self
    }

    /// Uses this mailer instead of the transport of `security.mail.url`.
    pub fn mailer(mut self, mailer: Arc<dyn Mailer>) -> Self {
        self.mailer = Some(mailer);
        self
    }

    /// Uses this password hasher instead of the configured Argon2id pool.
    pub fn password_hasher(mut self, hasher: Arc<dyn PasswordHasher>) -> Self {
        self.hasher = Some(hasher);
        self
    }

    /// Sets the `user` object of JSON responses (default `{}`).
    pub fn user_payload(
        mut self,
        payload: impl Fn(&User) -> Value + Send + Sync + 'static,
    ) -> Self {
        self.payload = Some(Arc::new(payload));
        self
    }

    /// Uses this clock (tests move a [`ManualClock`](crate::ManualClock) to test expiry).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Runs `handler` on a spawned task for every event.
    pub fn on_event<F, Fut>(mut self, handler: F) -> Self
    where
        F: Fn(SecurityEvent) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        self.handlers
            .push(Arc::new(move |event| Box::pin(handler(event))));
        self
    }

    /// Adds a field (and its validation) to one of the security forms. Values of fields added
    /// to the registration form are stored in [`User::extra`].
    pub fn form_field(mut self, form: FormKind, field: FormField) -> Self {
        self.form_fields.push((form, field));
        self
    }

    /// Also registers [`Security::catchers`] under `url_prefix`, so every error below the
    /// security routes (an unknown `/auth/...` path, say) answers like them. Off by default;
    /// with an empty `url_prefix` this registers them at the root.
    pub fn catchers_under_prefix(mut self) -> Self {
        self.catchers_under_prefix = true;
        self
    }

    /// The fairing to attach.
    pub fn fairing(self) -> SecurityFairing {
        SecurityFairing {
            builder: std::sync::Mutex::new(Some(self)),
        }
    }
}

/// The fairing made by [`Security::fairing`] or [`SecurityBuilder::fairing`].
pub struct SecurityFairing {
    builder: std::sync::Mutex<Option<SecurityBuilder>>,
}

#[rocket::async_trait]
impl Fairing for SecurityFairing {
    fn info(&self) -> Info {
        Info {
            name: "rocket_security",
            kind: Kind::Ignite
                | Kind::Liftoff
                | Kind::Request
                | Kind::Response
                | Kind::Shutdown
                | Kind::Singleton,
        }
    }

    /// Sets up after every fairing attached with the application: a `SecurityDb::init()`
    /// attached after this fairing has then opened its pool, which is reused.
    async fn on_ignite(&self, rocket: Rocket<Build>) -> fairing::Result {
        let builder = self
            .builder
            .lock()
            .ok()
            .and_then(|mut b| b.take())
            .unwrap_or_default();
        let builder = std::sync::Mutex::new(Some(builder));
        Ok(rocket.attach(fairing::AdHoc::try_on_ignite(
            "rocket_security",
            move |rocket| async move {
                let builder = builder.lock().ok().and_then(|mut b| b.take());
                match ignite(builder.unwrap_or_default(), rocket).await {
                    Ok(rocket) => Ok(rocket),
                    Err((rocket, message)) => {
                        tracing::error!("rocket_security: {message}");
                        Err(rocket)
                    }
                }
            },
        )))
    }

    async fn on_liftoff(&self, rocket: &Rocket<Orbit>) {
        let Some(security) = rocket.state::<Security>().cloned() else {
            return;
        };
        security.outbox().spawn(rocket.shutdown());
        let mut shutdown = rocket.shutdown();
        rocket::tokio::spawn(async move {
            let mut tick = rocket::tokio::time::interval(Duration::from_secs(300));
            loop {
                rocket::tokio::select! {
                    _ = tick.tick() => {
                        match security.purge_expired().await {
                            Ok(purged) => tracing::debug!(?purged, "purged expired records"),
                            Err(e) => tracing::warn!("could not purge expired records: {e}"),
                        }
                        let keep = security.config().activity_keep.to_chrono();
                        let before = security.now().naive_utc()
                            .checked_sub_signed(keep)
                            .unwrap_or(chrono::NaiveDateTime::MIN);
                        if let Err(e) = security.datastore().purge_activity(before).await {
                            tracing::warn!("could not purge old security activity: {e}");
                        }
                    }
                    _ = &mut shutdown => break,
                }
            }
        });
    }

    async fn on_request(&self, request: &mut Request<'_>, data: &mut rocket::Data<'_>) {
        let Some(security) = request.rocket().state::<Security>().cloned() else {
            return;
        };
        crate::hardening::on_request(security.config(), request, data).await;
    }

    /// Lets the outbox finish the mail it is sending (within the shutdown grace period).
    async fn on_shutdown(&self, rocket: &Rocket<Orbit>) {
        if let Some(security) = rocket.state::<Security>() {
            let grace = Duration::from_secs(u64::from(rocket.config().shutdown.grace));
            if !security.outbox().finish(grace).await {
                tracing::warn!("mail outbox: a delivery was still under way at shutdown");
            }
        }
    }

    async fn on_response<'r>(&self, request: &'r Request<'_>, response: &mut Response<'r>) {
        let Some(security) = request.rocket().state::<Security>() else {
            return;
        };
        if let Some(status) = crate::error::Failure::of(request) {
            if response.status() == status && crate::catchers::answers_itself(request, status) {
                *response = crate::catchers::answer(request, status).await;
            }
        }
        if let Err(e) = SessionCell::persist(request, response).await {
            tracing::error!("could not save the session: {e}");
        }
        crate::hardening::add_hsts(security.config(), request, response);
    }
}

type IgniteResult = Result<Rocket<Build>, (Rocket<Build>, String)>;

async fn ignite(mut builder: SecurityBuilder, rocket: Rocket<Build>) -> IgniteResult {
    let figment = rocket.figment().clone();
    let managed = rocket.state::<SecurityDb>().map(|db| db.0.clone());
    if builder.datastore.is_none() {
        builder.pool = managed.clone();
    }
    let catchers_under_prefix = builder.catchers_under_prefix;
    let built = match builder.build(&figment).await {
        Ok(built) => built,
        Err(message) => return Err((rocket, message)),
    };
    let mut rocket = rocket;
    if let Some(secret_key) = built.generated_secret_key {
        rocket = rocket.configure(figment.merge(("secret_key", secret_key)));
    }
    if let (Some(pool), None) = (built.pool, managed) {
        rocket = rocket.manage(SecurityDb::from(pool));
    }
    let security = built.security;
    let base = if security.config().url_prefix.is_empty() {
        "/".to_owned()
    } else {
        security.config().url_prefix.clone()
    };
    let routes = flows::routes(security.config());
    let mut rocket = rocket
        .mount(base.as_str(), routes)
        .mount("/", rocket::routes![crate::hardening::refused]);
    if catchers_under_prefix {
        rocket = rocket.register(base.as_str(), crate::catchers::catchers());
    }
    Ok(rocket.manage(security))
}

/// What [`SecurityBuilder::build`] makes.
pub(crate) struct Built {
    pub security: Security,
    /// The pool opened for the default datastore.
    pub pool: Option<DbPool>,
    /// A development `secret_key` to hand to Rocket, when none was configured.
    pub generated_secret_key: Option<String>,
}

impl SecurityBuilder {
    /// Reads the configuration from `figment` and opens everything: the state the fairing
    /// manages, and what the command line works with.
    pub(crate) async fn build(self, figment: &Figment) -> Result<Built, String> {
        let (mut config, unknown) =
            SecurityConfig::from_figment(figment).map_err(|e| e.to_string())?;
        for key in unknown {
            tracing::warn!("rocket_security: unknown setting `{key}` is ignored");
        }
        let db_url: Option<String> = figment.extract_inner("databases.security.url").ok();

        // Secrets: required in release; generated once and kept in debug.
        // Rocket takes the key as a base64/hex string or as bytes; either is our key material.
        let configured_key: Option<String> = figment
            .extract_inner::<String>("secret_key")
            .ok()
            .or_else(|| {
                use base64::Engine;
                figment
                    .extract_inner::<Vec<u8>>("secret_key")
                    .ok()
                    .map(|bytes| base64::engine::general_purpose::STANDARD.encode(bytes))
            });
        if configured_key.is_some() {
            figment
                .extract_inner::<rocket::config::SecretKey>("secret_key")
                .map_err(|e| {
                    format!(
                        "`secret_key` is invalid ({e}): generate one with \
                         `head -c64 /dev/urandom | base64 -w0`"
                    )
                })?;
        }
        let generate = configured_key.is_none();
        let (secret_key, salt) = match (configured_key, config.password_salt.clone()) {
            (Some(key), Some(salt)) => (key, salt),
            (key, _) if is_release(figment) => {
                let missing = if key.is_none() {
                    "secret_key"
                } else {
                    "security.password_salt"
                };
                return Err(format!(
                    "`{missing}` must be set in release: generate one with \
                     `openssl rand -base64 64` and put it in Rocket.toml or the environment"
                ));
            }
            (key, salt) => dev_secrets(db_url.as_deref(), key, salt)?,
        };
        config.password_salt = Some(salt.clone());
        let site_url = crate::hardening::site_url(figment, &mut config)?;

        let (datastore, pool): (Arc<dyn UserDatastore>, _) = match self.datastore {
            Some(store) => (store, None),
            None => {
                let pool = match self.pool {
                    Some(pool) => pool,
                    None => open_pool(figment, db_url).await?,
                };
                let store = DieselDatastore::new(pool.clone());
                if config.auto_migrate {
                    store
                        .run_migrations()
                        .await
                        .map_err(|e| format!("migrating the database failed: {e}"))?;
                }
                (Arc::new(store) as Arc<dyn UserDatastore>, Some(pool))
            }
        };

        let hasher: Arc<dyn PasswordHasher> = match self.hasher {
            Some(hasher) => hasher,
            None => Arc::new(
                Argon2Hasher::builder()
                    .settings(Argon2Settings::from(&config))
                    .pepper(salt)
                    .workers(config.password_hash_workers)
                    .queue(config.password_hash_queue)
                    .build()
                    .map_err(|e| format!("password hashing: {e}"))?,
            ),
        };
        let mailer = match self.mailer {
            Some(mailer) => mailer,
            None => mailer_from_config(&config.mail).map_err(|e| format!("security.mail: {e}"))?,
        };
        let outbox = Arc::new(Outbox::new(
            datastore.clone(),
            mailer.clone(),
            config.mail.max_attempts,
        ));
        let templates = Templates::load(Some(&app_template_dir(figment)))?;
        let security = Security {
            inner: Arc::new(Inner {
                secret_box: SecretBox::new(
                    &TokenKeys::new(secret_key.as_bytes()),
                    &config.totp_secrets,
                ),
                keys: TokenKeys::new(secret_key.as_bytes()),
                datastore,
                hasher,
                mailer,
                outbox,
                templates,
                events: Events::new(self.handlers),
                clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
                payload: self.payload.unwrap_or_else(|| Arc::new(|_| json!({}))),
                form_fields: self.form_fields,
                site_url,
                config,
            }),
        };
        Ok(Built {
            security,
            pool,
            generated_secret_key: generate.then_some(secret_key),
        })
    }
}

/// Opens the pool of `databases.security` with the defaults rocket_db_pools gives a database
/// it opens itself.
async fn open_pool(figment: &Figment, db_url: Option<String>) -> Result<DbPool, String> {
    let url = db_url.ok_or(
        "no datastore: set `databases.security.url` (for example \
         \"sqlite://security.sqlite3\") or pass one to \
         Security::builder().datastore(..)",
    )?;
    let workers: usize = figment
        .extract_inner(rocket::Config::WORKERS)
        .unwrap_or_else(|_| rocket::Config::default().workers);
    let pool_figment = figment
        .focus("databases.security")
        .join(rocket::figment::providers::Serialized::default(
            "max_connections",
            workers * 4,
        ))
        .join(rocket::figment::providers::Serialized::default(
            "connect_timeout",
            5,
        ));
    <DbPool as rocket_db_pools::Pool>::init(&pool_figment)
        .await
        .map_err(|e| format!("cannot open the database {url:?}: {e}"))
}

/// The application's template folder: Rocket's `template_dir`, default `templates`.
fn app_template_dir(figment: &Figment) -> PathBuf {
    figment
        .extract_inner::<rocket::figment::value::magic::RelativePathBuf>("template_dir")
        .map(|p| p.relative())
        .unwrap_or_else(|_| PathBuf::from("templates"))
}

/// In debug builds: the secret key and pepper kept next to the SQLite database (or in the
/// working directory), generated on first launch so that users survive restarts.
fn dev_secrets(
    db_url: Option<&str>,
    key: Option<String>,
    salt: Option<String>,
) -> Result<(String, String), String> {
    let dir = db_url
        .and_then(|u| {
            u.strip_prefix("sqlite://")
                .or_else(|| u.strip_prefix("sqlite:"))
        })
        .map(Path::new)
        .and_then(Path::parent)
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let path = dir.join(".security-secrets.toml");
    #[derive(serde::Serialize, serde::Deserialize, Default)]
    struct DevSecrets {
        secret_key: Option<String>,
        password_salt: Option<String>,
    }
    let mut stored: DevSecrets = std::fs::read_to_string(&path)
        .ok()
        .and_then(|text| <Toml as Format>::from_str(&text).ok())
        .unwrap_or_default();
    let mut changed = false;
    let mut fill = |slot: &mut Option<String>, given: Option<String>, name: &str, len: usize| {
        if let Some(given) = given {
            return given;
        }
        if let Some(existing) = slot.clone() {
            return existing;
        }
        tracing::warn!(
            "`{name}` is not set: generated one for development and kept it in {}; set it \
             explicitly before deploying",
            path.display()
        );
        let fresh = random_base64(len);
        *slot = Some(fresh.clone());
        changed = true;
        fresh
    };
    // Rocket reads `secret_key` as base64 of 64 bytes.
    let key = fill(&mut stored.secret_key, key, "secret_key", 64);
    let salt = fill(
        &mut stored.password_salt,
        salt,
        "security.password_salt",
        32,
    );
    if changed {
        let text = format!(
            "# Development secrets, generated by rocket_security. Do not commit or deploy.\n{}",
            toml_pairs(&stored.secret_key, &stored.password_salt)
        );
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok((key, salt))
}

fn toml_pairs(key: &Option<String>, salt: &Option<String>) -> String {
    let mut out = String::new();
    if let Some(key) = key {
        out.push_str(&format!("secret_key = {key:?}\n"));
    }
    if let Some(salt) = salt {
        out.push_str(&format!("password_salt = {salt:?}\n"));
    }
    out
}

fn random_base64(len: usize) -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut bytes = vec![0u8; len];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
