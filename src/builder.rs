//! [`SecurityBuilder`]: what an application swaps before attaching the layer, and the one
//! place that reads the configuration and opens everything [`Security`] holds.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rocket::figment::providers::{Format, Toml};
use rocket::figment::Figment;
use serde_json::{json, Value};

use crate::clock::{Clock, SystemClock};
use crate::config::{is_release, message_overrides, SecurityConfig};
use crate::datastore::{AuthCache, DbPool, DieselDatastore, Invalidating, User, UserDatastore};
use crate::events::{EventHandler, Events, SecurityEvent};
use crate::forms::{FormField, FormKind};
use crate::i18n::{Catalog, LocaleFn};
use crate::mail::{mailer_from_config, Mailer, Outbox};
use crate::password::{Argon2Hasher, Argon2Settings, PasswordHasher};
use crate::state::{Parts, PayloadFn, Security};
use crate::templates::Templates;
use crate::token::TokenKeys;
use crate::totp::SecretBox;

impl Security {
    /// A builder to swap the datastore, mailer, password hasher, user payload or clock, add
    /// form fields and subscribe to events.
    pub fn builder() -> SecurityBuilder {
        SecurityBuilder::default()
    }
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
    pub(crate) datastore: Option<Arc<dyn UserDatastore>>,
    mailer: Option<Arc<dyn Mailer>>,
    hasher: Option<Arc<dyn PasswordHasher>>,
    payload: Option<PayloadFn>,
    clock: Option<Arc<dyn Clock>>,
    handlers: Vec<EventHandler>,
    form_fields: Vec<(FormKind, FormField)>,
    pub(crate) catchers_under_prefix: bool,
    pub(crate) pool: Option<DbPool>,
    locale: Option<LocaleFn>,
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
    /// to the registration form are stored in [`User::extra`](crate::User#structfield.extra).
    pub fn form_field(mut self, form: FormKind, field: FormField) -> Self {
        self.form_fields.push((form, field));
        self
    }

    /// Chooses the language of each request from the request and the signed-in user (for
    /// example a language stored in the application's profile table). A tag it returns that
    /// has no texts, or `None`, leaves the choice to the user's stored locale and then to
    /// `Accept-Language`.
    ///
    /// ```no_run
    /// use rocket_security::Security;
    ///
    /// let fairing = Security::builder()
    ///     .locale_selector(|request, _user| {
    ///         request.cookies().get("lang").map(|c| c.value().to_owned())
    ///     })
    ///     .fairing();
    /// ```
    pub fn locale_selector(
        mut self,
        select: impl Fn(&rocket::Request<'_>, Option<&User>) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        self.locale = Some(Arc::new(select));
        self
    }

    /// Also registers [`Security::catchers`] under `url_prefix`, so every error below the
    /// security routes (an unknown `/auth/...` path, say) answers like them. Off by default;
    /// with an empty `url_prefix` this registers them at the root.
    pub fn catchers_under_prefix(mut self) -> Self {
        self.catchers_under_prefix = true;
        self
    }
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
    pub(crate) async fn build(mut self, figment: &Figment) -> Result<Built, String> {
        let (mut config, unknown) =
            SecurityConfig::from_figment(figment).map_err(|e| e.to_string())?;
        for key in unknown {
            tracing::warn!("rocket_security: unknown setting `{key}` is ignored");
        }
        let db_url: Option<String> = figment.extract_inner("databases.security.url").ok();
        let secrets = secrets(figment, &config, db_url.as_deref())?;
        config.password_salt = Some(secrets.salt.clone());
        let site_url = crate::hardening::site_url(figment, &mut config)?;

        let (datastore, pool, auth_cache) = open_datastore(
            self.datastore.take(),
            self.pool.take(),
            figment,
            db_url,
            &config,
        )
        .await?;
        if let Some(clock) = &self.clock {
            datastore.use_clock(clock.clone());
        }
        let hasher: Arc<dyn PasswordHasher> = match self.hasher {
            Some(hasher) => hasher,
            None => default_hasher(&config, secrets.salt)?,
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
        let keys = TokenKeys::new(secrets.key.as_bytes());
        // The configured subjects are English overrides: other languages keep theirs.
        let mut overrides = message_overrides(figment)?;
        for (name, subject) in config.mail_subjects() {
            overrides.insert(name.to_owned(), subject.to_owned());
        }
        let catalog = Arc::new(Catalog::load(
            &config.locale,
            config.i18n_dirname.as_deref().map(Path::new),
            &overrides,
        )?);
        let security = Security::from_parts(Parts {
            secret_box: SecretBox::new(&keys, &config.totp_secrets),
            keys,
            datastore,
            auth_cache,
            hasher,
            mailer,
            outbox,
            templates: Templates::load(Some(&app_template_dir(figment)), &catalog)?,
            catalog,
            locale: self.locale,
            events: Events::new(self.handlers),
            clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
            payload: self.payload.unwrap_or_else(|| Arc::new(|_| json!({}))),
            form_fields: self.form_fields,
            site_url,
            config,
            page_bases: Default::default(),
        });
        Ok(Built {
            security,
            pool,
            generated_secret_key: secrets.generated.then_some(secrets.key),
        })
    }
}

/// The datastore of a launch: the one handed in as is, or the database of the configuration
/// (the app's pool when it manages one), migrated, with guarded reads served from a short-lived
/// cache (see `auth_cache_ttl_ms`) since every instance on that database shares it.
async fn open_datastore(
    given: Option<Arc<dyn UserDatastore>>,
    pool: Option<DbPool>,
    figment: &Figment,
    db_url: Option<String>,
    config: &SecurityConfig,
) -> Result<
    (
        Arc<dyn UserDatastore>,
        Option<DbPool>,
        Option<Arc<AuthCache>>,
    ),
    String,
> {
    if let Some(store) = given {
        return Ok((store, None, None));
    }
    let pool = match pool {
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
    let store: Arc<dyn UserDatastore> = Arc::new(store);
    if config.auth_cache_ttl_ms == 0 {
        return Ok((store, Some(pool), None));
    }
    let ttl = std::time::Duration::from_millis(config.auth_cache_ttl_ms);
    let cache = Arc::new(AuthCache::new(ttl));
    let store = Invalidating::new(store, cache.clone());
    Ok((Arc::new(store), Some(pool), Some(cache)))
}

/// The key material of a launch.
struct Secrets {
    /// Rocket's `secret_key`: signs tokens and cookies.
    key: String,
    /// `security.password_salt`: the HMAC pepper of passwords.
    salt: String,
    /// Whether `key` was generated (no `secret_key` was configured).
    generated: bool,
}

/// The secrets: required in release; generated once and kept in debug. Rocket takes the key
/// as a base64/hex string or as bytes; either is our key material.
fn secrets(
    figment: &Figment,
    config: &SecurityConfig,
    db_url: Option<&str>,
) -> Result<Secrets, String> {
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
    let generated = configured_key.is_none();
    let (key, salt) = match (configured_key, config.password_salt.clone()) {
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
        (key, salt) => dev_secrets(db_url, key, salt)?,
    };
    Ok(Secrets {
        key,
        salt,
        generated,
    })
}

/// The configured Argon2id pool, peppered with `salt`.
fn default_hasher(
    config: &SecurityConfig,
    salt: String,
) -> Result<Arc<dyn PasswordHasher>, String> {
    let hasher = Argon2Hasher::builder()
        .settings(Argon2Settings::from(config))
        .pepper(salt)
        .workers(config.password_hash_workers)
        .queue(config.password_hash_queue)
        .build()
        .map_err(|e| format!("password hashing: {e}"))?;
    Ok(Arc::new(hasher))
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
