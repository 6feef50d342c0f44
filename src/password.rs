//! Password hashing: Argon2id PHC strings with an HMAC pepper, on a bounded pool of threads.
//!
//! A password goes through the same steps as in Flask-Security-Too: it is NFKD-normalised,
//! then [`get_hmac`] turns it into the base64 HMAC-SHA512 keyed by the pepper
//! (`password_salt`), and that string is what Argon2id hashes. Hashes written by
//! Flask-Security-Too with `SECURITY_PASSWORD_HASH = "argon2"` and the same
//! `SECURITY_PASSWORD_SALT` verify here unchanged.
//!
//! Argon2 is made to be slow and to use memory. [`Argon2Hasher`] therefore runs it on a fixed
//! set of dedicated threads, each reusing one memory buffer, fed through a bounded queue: a
//! burst of logins queues up to the queue's length instead of allocating one buffer per login,
//! and what does not fit is refused at once with [`PasswordError::Busy`].

mod advice;
mod policy;
mod pool;
#[cfg(test)]
mod tests;

use std::fmt;

use argon2::password_hash::PasswordHash;
use argon2::{Algorithm, Params, Version};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha512;
use unicode_normalization::UnicodeNormalization;

use crate::config::SecurityConfig;
use crate::datastore::{DatastoreError, User, UserChange, UserDatastore};

use self::pool::Pool;

pub use self::advice::StrengthAdvice;
pub use self::policy::{is_breached, PasswordPolicy};

/// Why hashing or verifying a password failed.
///
/// A wrong password is not an error (`verify` returns `Ok(false)`), and neither is a malformed
/// stored hash. These errors mean the server could not do the work; they map to a 500, except
/// [`PasswordError::Busy`], a 503 with `Retry-After`.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// The Argon2 parameters are out of range.
    #[error("invalid Argon2 settings: {0}")]
    InvalidSettings(String),
    /// The operating system refused to start a hashing thread.
    #[error("could not start a password hashing thread: {0}")]
    Spawn(#[source] std::io::Error),
    /// The hashing threads have stopped, so no password can be hashed or checked.
    #[error("the password hashing threads have stopped; create a new hasher")]
    PoolClosed,
    /// Every hashing thread is busy and the queue is full: try again in a moment. The request
    /// is answered with 503 and `Retry-After`, so a burst of logins cannot pile up requests
    /// (and passwords) in memory.
    #[error("The server is busy. Please try again in a moment.")]
    Busy,
    /// Argon2 failed on input it should accept.
    #[error("password hashing failed: {0}")]
    Hashing(String),
    /// Storing a re-hashed password failed.
    #[error(transparent)]
    Datastore(#[from] DatastoreError),
}

/// Why a password was refused by the [`PasswordPolicy`].
///
/// The messages are the ones Flask-Security-Too shows next to the password field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordPolicyError {
    /// Fewer characters than the minimum.
    #[error("Password must be at least {min} characters")]
    TooShort {
        /// The minimum length.
        min: usize,
    },
    /// More characters than the maximum.
    #[error("Password must be at most {max} characters")]
    TooLong {
        /// The maximum length.
        max: usize,
    },
    /// On the list of common breached passwords (`password_check_breached`).
    #[error("Password on breached list")]
    Breached,
    /// Below `zxcvbn_minimum_score`; the message adds zxcvbn's warning and first suggestion.
    #[error("Password not complex enough{advice}")]
    TooWeak {
        /// What makes it guessable and how to make it stronger, in zxcvbn's terms.
        advice: StrengthAdvice,
    },
}

/// Hashes and verifies passwords; swap it to change how passwords are stored.
///
/// Implementations receive the raw password as typed and do their own normalisation and
/// peppering, so that every flow hands over the same thing.
#[rocket::async_trait]
pub trait PasswordHasher: Send + Sync + 'static {
    /// Hashes a password into the string to store.
    async fn hash(&self, password: &str) -> Result<String, PasswordError>;

    /// Checks a password against a stored hash. A malformed hash gives `Ok(false)`.
    async fn verify(&self, password: &str, hash: &str) -> Result<bool, PasswordError>;

    /// Whether a stored hash was made with other settings than the current ones (or is not
    /// usable at all) and should be replaced at the next successful login.
    fn needs_update(&self, hash: &str) -> bool;

    /// Spends about the time of one `verify`, for a login whose account does not exist, so
    /// that response times do not reveal which accounts exist.
    ///
    /// The default hashes the password (as Flask-Security-Too does), which costs the same as a
    /// verification with the same parameters.
    async fn dummy_verify(&self, password: &str) -> Result<(), PasswordError> {
        self.hash(password).await.map(drop)
    }
}

/// The Argon2id cost parameters, as they appear in the PHC string (`m=..,t=..,p=..`).
///
/// The defaults are OWASP's recommended floor: 19 MiB, two passes, one lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Argon2Settings {
    /// Memory per hash, in KiB. Default: `19456`.
    pub memory_kib: u32,
    /// Number of passes over the memory. Default: `2`.
    pub iterations: u32,
    /// Number of lanes. Default: `1`.
    pub parallelism: u32,
}

impl Default for Argon2Settings {
    fn default() -> Self {
        Argon2Settings {
            memory_kib: Params::DEFAULT_M_COST,
            iterations: Params::DEFAULT_T_COST,
            parallelism: Params::DEFAULT_P_COST,
        }
    }
}

impl From<&SecurityConfig> for Argon2Settings {
    fn from(config: &SecurityConfig) -> Self {
        Argon2Settings {
            memory_kib: config.argon2_memory_kib,
            iterations: config.argon2_iterations,
            parallelism: config.argon2_parallelism,
        }
    }
}

impl Argon2Settings {
    fn params(&self) -> Result<Params, PasswordError> {
        Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .map_err(|e| PasswordError::InvalidSettings(e.to_string()))
    }
}

/// How many jobs may wait for a hashing thread unless told otherwise.
const DEFAULT_QUEUE: usize = 64;

/// The shipped [`PasswordHasher`]: Argon2id with an optional HMAC pepper.
///
/// Work runs on `workers` dedicated threads named `rs-argon2-N`, each keeping its Argon2 memory
/// between jobs. Callers queue jobs on a channel holding `queue` jobs; when it is full a call
/// fails at once with [`PasswordError::Busy`] instead of waiting. Peak memory is therefore
/// about `workers × memory_kib`, however many logins arrive at once. Dropping the hasher stops
/// its threads (after the jobs already running).
///
/// Stored hashes are verified with their own parameters, so raising the settings keeps old
/// hashes working; [`verify_and_update_password`] then upgrades them. Hashes needing more than
/// 256 MiB or 32 passes (or more than the configured values, when those are higher) are refused
/// as malformed rather than computed, so a corrupt row cannot exhaust the server.
///
/// # Example
///
/// ```
/// use rocket_security::{Argon2Hasher, Argon2Settings, PasswordHasher};
/// # rocket::tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let hasher = Argon2Hasher::builder()
///     .pepper("a long random secret")
///     .workers(2)
///     # .settings(Argon2Settings { memory_kib: 1024, iterations: 1, parallelism: 1 })
///     .build()?;
/// let hash = hasher.hash("correct horse battery staple").await?;
/// assert!(hash.starts_with("$argon2id$v=19$"));
/// assert!(hasher.verify("correct horse battery staple", &hash).await?);
/// assert!(!hasher.verify("Tr0ub4dor&3", &hash).await?);
/// # Ok::<(), rocket_security::PasswordError>(())
/// # }).unwrap();
/// ```
pub struct Argon2Hasher {
    params: Params,
    peppered: bool,
    queue: usize,
    pool: Pool,
    dummy_hash: rocket::tokio::sync::OnceCell<String>,
}

impl Argon2Hasher {
    /// Starts a hasher with these settings and pepper, one thread per core and the default
    /// queue of 64.
    pub fn new(settings: Argon2Settings, pepper: Option<String>) -> Result<Self, PasswordError> {
        let builder = Self::builder().settings(settings);
        match pepper {
            Some(pepper) => builder.pepper(pepper),
            None => builder,
        }
        .build()
    }

    /// Starts a hasher from the `argon2_*`, `password_salt` and `password_hash_*` settings.
    pub fn from_config(config: &SecurityConfig) -> Result<Self, PasswordError> {
        let mut builder = Self::builder()
            .settings(config.into())
            .workers(config.password_hash_workers)
            .queue(config.password_hash_queue);
        builder.pepper = config.password_salt.clone();
        builder.build()
    }

    /// A builder, starting from the defaults: OWASP parameters, no pepper, one thread per core,
    /// a queue of 64.
    pub fn builder() -> Argon2HasherBuilder {
        Argon2HasherBuilder {
            settings: Argon2Settings::default(),
            pepper: None,
            workers: 0,
            queue: DEFAULT_QUEUE,
        }
    }

    /// The parameters new hashes are made with.
    pub fn settings(&self) -> Argon2Settings {
        Argon2Settings {
            memory_kib: self.params.m_cost(),
            iterations: self.params.t_cost(),
            parallelism: self.params.p_cost(),
        }
    }

    /// How many hashing threads run.
    pub fn workers(&self) -> usize {
        self.pool.workers()
    }
}

impl fmt::Debug for Argon2Hasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Argon2Hasher")
            .field("settings", &self.settings())
            .field("pepper", &self.peppered.then_some("[redacted]"))
            .field("workers", &self.pool.workers())
            .field("queue", &self.queue)
            .finish()
    }
}

#[rocket::async_trait]
impl PasswordHasher for Argon2Hasher {
    async fn hash(&self, password: &str) -> Result<String, PasswordError> {
        self.pool.hash(password).await
    }

    async fn verify(&self, password: &str, hash: &str) -> Result<bool, PasswordError> {
        self.pool.verify(password, hash).await
    }

    fn needs_update(&self, hash: &str) -> bool {
        let Ok(parsed) = PasswordHash::new(hash) else {
            return true;
        };
        if Algorithm::try_from(parsed.algorithm) != Ok(Algorithm::Argon2id)
            || parsed.version != Some(Version::V0x13.into())
        {
            return true;
        }
        let Ok(stored) = Params::try_from(&parsed) else {
            return true;
        };
        let mut salt = [0u8; 64];
        let salt_len = parsed
            .salt
            .and_then(|s| s.decode_b64(&mut salt).ok())
            .map_or(0, <[u8]>::len);
        salt_len < pool::SALT_LEN
            || stored.m_cost() != self.params.m_cost()
            || stored.t_cost() != self.params.t_cost()
            || stored.p_cost() != self.params.p_cost()
            || stored.output_len() != Some(Params::DEFAULT_OUTPUT_LEN)
            || !stored.keyid().is_empty()
            || !stored.data().is_empty()
    }

    /// Verifies the password against a hash of a random password made on first use with the
    /// current settings, so it costs exactly what a failed login for a real account costs.
    async fn dummy_verify(&self, password: &str) -> Result<(), PasswordError> {
        let dummy = self
            .dummy_hash
            .get_or_try_init(|| self.pool.hash_random())
            .await?;
        self.pool.verify(password, dummy).await.map(drop)
    }
}

/// Configures and starts an [`Argon2Hasher`]; see [`Argon2Hasher::builder`].
#[derive(Clone)]
pub struct Argon2HasherBuilder {
    settings: Argon2Settings,
    pepper: Option<String>,
    workers: usize,
    queue: usize,
}

impl Argon2HasherBuilder {
    /// Sets the Argon2 cost parameters.
    pub fn settings(mut self, settings: Argon2Settings) -> Self {
        self.settings = settings;
        self
    }

    /// Sets the pepper: the HMAC key applied to every password before hashing
    /// (Flask-Security-Too's `SECURITY_PASSWORD_SALT`).
    pub fn pepper(mut self, pepper: impl Into<String>) -> Self {
        self.pepper = Some(pepper.into());
        self
    }

    /// Sets the number of hashing threads; `0` (the default) starts one per core.
    pub fn workers(mut self, workers: usize) -> Self {
        self.workers = workers;
        self
    }

    /// Sets how many jobs may wait for a thread (at least 1); beyond that, calls fail at once
    /// with [`PasswordError::Busy`].
    pub fn queue(mut self, queue: usize) -> Self {
        self.queue = queue;
        self
    }

    /// Checks the parameters and starts the threads.
    pub fn build(self) -> Result<Argon2Hasher, PasswordError> {
        let params = self.settings.params()?;
        let workers = match self.workers {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            n => n,
        };
        let queue = self.queue.max(1);
        let peppered = self.pepper.is_some();
        let pool = Pool::start(params.clone(), self.pepper, workers, queue)?;
        Ok(Argon2Hasher {
            params,
            peppered,
            queue,
            pool,
            dummy_hash: rocket::tokio::sync::OnceCell::new(),
        })
    }
}

impl fmt::Debug for Argon2HasherBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Argon2HasherBuilder")
            .field("settings", &self.settings)
            .field("pepper", &self.pepper.as_ref().map(|_| "[redacted]"))
            .field("workers", &self.workers)
            .field("queue", &self.queue)
            .finish()
    }
}

/// NFKD-normalises a password and applies the pepper: what Argon2 actually hashes.
fn prepare(pepper: Option<&str>, password: &str) -> String {
    let normalised: String = password.nfkd().collect();
    get_hmac(pepper, &normalised)
}

/// The base64 (standard alphabet, padded) HMAC-SHA512 of `password` keyed by `pepper`, or the
/// password itself when there is no pepper.
///
/// As in Flask-Security-Too, this does not normalise; [`PasswordHasher`] implementations
/// normalise first.
///
/// # Example
///
/// ```
/// use rocket_security::get_hmac;
///
/// let peppered = get_hmac(Some("pepper"), "secret");
/// assert_eq!(peppered.len(), 88); // 64 bytes in base64
/// assert_ne!(peppered, get_hmac(Some("other pepper"), "secret"));
/// assert_eq!(get_hmac(None, "secret"), "secret");
/// ```
pub fn get_hmac(pepper: Option<&str>, password: &str) -> String {
    let Some(pepper) = pepper else {
        return password.to_owned();
    };
    let mut mac = <Hmac<Sha512> as Mac>::new_from_slice(pepper.as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(password.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Hashes a password for storage, as Flask-Security-Too's `hash_password` does.
///
/// # Example
///
/// ```
/// use rocket_security::{hash_password, verify_password, Argon2Hasher, Argon2Settings};
/// # rocket::tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let hasher = Argon2Hasher::new(Argon2Settings::default(), Some("pepper".into()))?;
/// # let hasher = Argon2Hasher::new(
/// #     Argon2Settings { memory_kib: 1024, iterations: 1, parallelism: 1 },
/// #     Some("pepper".into()),
/// # )?;
/// let hash = hash_password(&hasher, "password123").await?;
/// assert!(verify_password(&hasher, "password123", &hash).await?);
/// # Ok::<(), rocket_security::PasswordError>(())
/// # }).unwrap();
/// ```
pub async fn hash_password(
    hasher: &dyn PasswordHasher,
    password: &str,
) -> Result<String, PasswordError> {
    hasher.hash(password).await
}

/// The old name of [`hash_password`], kept for code ported from Flask-Security.
#[deprecated(note = "use hash_password")]
pub async fn encrypt_password(
    hasher: &dyn PasswordHasher,
    password: &str,
) -> Result<String, PasswordError> {
    hash_password(hasher, password).await
}

/// Checks a password against a stored hash, as Flask-Security-Too's `verify_password` does.
///
/// Returns `Ok(false)` for a wrong password and for a malformed hash.
///
/// # Example
///
/// ```
/// use rocket_security::{hash_password, verify_password, Argon2Hasher, Argon2Settings};
/// # rocket::tokio::runtime::Runtime::new().unwrap().block_on(async {
/// # let settings = Argon2Settings { memory_kib: 1024, iterations: 1, parallelism: 1 };
/// let hasher = Argon2Hasher::new(settings, Some("pepper".into()))?;
/// let hash = hash_password(&hasher, "password123").await?;
/// assert!(verify_password(&hasher, "password123", &hash).await?);
/// assert!(!verify_password(&hasher, "password124", &hash).await?);
/// assert!(!verify_password(&hasher, "password123", "not a hash").await?);
/// # Ok::<(), rocket_security::PasswordError>(())
/// # }).unwrap();
/// ```
pub async fn verify_password(
    hasher: &dyn PasswordHasher,
    password: &str,
    hash: &str,
) -> Result<bool, PasswordError> {
    hasher.verify(password, hash).await
}

/// Checks a user's password and, when it is right but was hashed with older settings, stores a
/// fresh hash (Flask-Security-Too's `verify_and_update_password`).
///
/// A user without a password (`password: None`) never matches. On an upgrade `user` is
/// replaced by the stored record.
///
/// # Example
///
/// ```
/// use rocket_security::{
///     hash_password, verify_and_update_password, Argon2Hasher, Argon2Settings,
///     MemoryDatastore, NewUser, PasswordHasher, UserStore,
/// };
/// # rocket::tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let store = MemoryDatastore::new();
/// let old = Argon2Hasher::new(
///     Argon2Settings { memory_kib: 1024, iterations: 1, parallelism: 1 },
///     Some("pepper".into()),
/// )?;
/// let mut user = store
///     .create_user(NewUser {
///         email: "ada@example.com".into(),
///         password: Some(hash_password(&old, "password123").await?),
///         active: true,
///         ..NewUser::default()
///     })
///     .await?;
///
/// // The application raised its settings since.
/// let current = Argon2Hasher::new(
///     Argon2Settings { memory_kib: 2048, iterations: 1, parallelism: 1 },
///     Some("pepper".into()),
/// )?;
/// assert!(verify_and_update_password(&current, &store, &mut user, "password123").await?);
/// assert!(!current.needs_update(user.password.as_deref().unwrap()));
/// # Ok::<(), rocket_security::PasswordError>(())
/// # }).unwrap();
/// ```
pub async fn verify_and_update_password(
    hasher: &dyn PasswordHasher,
    datastore: &dyn UserDatastore,
    user: &mut User,
    password: &str,
) -> Result<bool, PasswordError> {
    let Some(stored) = user.password.as_deref() else {
        return Ok(false);
    };
    if !hasher.verify(password, stored).await? {
        return Ok(false);
    }
    if hasher.needs_update(stored) {
        let new = hasher.hash(password).await?;
        // Only the hash, and only if it is still the one verified: nothing else is overwritten.
        let change = UserChange::Rehash {
            old: stored,
            new: &new,
        };
        if datastore.change_user(user.id, change).await?.is_some() {
            user.password = Some(new);
        }
    }
    Ok(true)
}

/// Spends the time of one failed verification; call it when a login names an unknown account,
/// so that response times do not tell which accounts exist.
///
/// # Example
///
/// ```
/// use rocket_security::{dummy_verify, Argon2Hasher, Argon2Settings};
/// # rocket::tokio::runtime::Runtime::new().unwrap().block_on(async {
/// # let settings = Argon2Settings { memory_kib: 1024, iterations: 1, parallelism: 1 };
/// let hasher = Argon2Hasher::new(settings, None)?;
/// // No such user: still do the work a wrong password would cost.
/// dummy_verify(&hasher, "whatever was typed").await?;
/// # Ok::<(), rocket_security::PasswordError>(())
/// # }).unwrap();
/// ```
pub async fn dummy_verify(
    hasher: &dyn PasswordHasher,
    password: &str,
) -> Result<(), PasswordError> {
    hasher.dummy_verify(password).await
}

/// Checks the length policy alone: between `min` and `max` characters, counted after NFKC
/// normalisation. [`PasswordPolicy::check`] applies the whole policy.
///
/// # Example
///
/// ```
/// use rocket_security::validate_password_length;
///
/// assert!(validate_password_length("password123", 8, 128).is_ok());
/// let err = validate_password_length("short", 8, 128).unwrap_err();
/// assert_eq!(err.to_string(), "Password must be at least 8 characters");
/// ```
pub fn validate_password_length(
    password: &str,
    min: usize,
    max: usize,
) -> Result<(), PasswordPolicyError> {
    PasswordPolicy {
        length_min: min,
        length_max: max,
        ..PasswordPolicy::default()
    }
    .check(password, &[])
}
