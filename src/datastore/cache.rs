//! A short-lived, per-process cache of what every guarded request looks up: the session row of a
//! cookie and the user it (or an auth token) belongs to.
//!
//! The promise about revocation:
//!
//! - **On this instance, immediately.** Every write that can end or change a sign-in (logout,
//!   password change or reset, deactivation, deletion, a role granted or revoked, sessions
//!   ended) goes through [`Invalidating`](super::Invalidating), which empties the cache once
//!   the write is done. A read that started before such a write never stores what it read.
//! - **On other instances sharing the database, within the time to live** (default 500 ms,
//!   setting `auth_cache_ttl_ms`; keep it at most 1000): nothing is served from the cache
//!   that was read from the database longer ago than that.
//!
//! Only reads of safe requests (`GET`, `HEAD`) use it; a request that changes something reads
//! the database. Each map holds at most [`MAX_ENTRIES`] entries, so memory stays bounded
//! however many sessions are seen.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::{DatastoreResult, SessionRecord, User, UserDatastore, UserQuery};

/// Entries each map keeps at most; past it, expired entries go first, then everything.
pub(crate) const MAX_ENTRIES: usize = 4096;

/// Which user a cached user entry was looked up by.
#[derive(Clone, PartialEq, Eq, Hash)]
enum UserKey {
    Id(i64),
    TokenUniquifier(String),
}

impl UserKey {
    fn of(query: &UserQuery<'_>) -> Option<UserKey> {
        match query {
            UserQuery::Id(id) => Some(UserKey::Id(*id)),
            UserQuery::TokenUniquifier(u) => Some(UserKey::TokenUniquifier((*u).to_owned())),
            _ => None,
        }
    }
}

struct Entry<T> {
    value: T,
    read_at: Instant,
}

/// One map of entries that expire after a time to live.
struct Map<K, T> {
    entries: Mutex<HashMap<K, Entry<T>>>,
}

impl<K: Eq + Hash, T: Clone> Map<K, T> {
    fn new() -> Self {
        Map {
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, Entry<T>>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn get(&self, key: &K, ttl: Duration) -> Option<T> {
        let entries = self.lock();
        let entry = entries.get(key)?;
        (entry.read_at.elapsed() < ttl).then(|| entry.value.clone())
    }

    fn insert(&self, key: K, value: T, read_at: Instant, ttl: Duration) {
        let mut entries = self.lock();
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, e| e.read_at.elapsed() < ttl);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(key, Entry { value, read_at });
    }
}

/// The cache; see the module documentation for what it promises.
pub(crate) struct AuthCache {
    ttl: Duration,
    /// Bumped by every write that may revoke something; a read stores its result only when
    /// no bump happened while it ran.
    generation: AtomicU64,
    /// Serialises storing a read against emptying the cache.
    gate: Mutex<()>,
    sessions: Map<String, SessionRecord>,
    users: Map<UserKey, User>,
}

impl AuthCache {
    /// A cache whose entries live `ttl`.
    pub(crate) fn new(ttl: Duration) -> AuthCache {
        AuthCache {
            ttl,
            generation: AtomicU64::new(0),
            gate: Mutex::new(()),
            sessions: Map::new(),
            users: Map::new(),
        }
    }

    fn gate(&self) -> std::sync::MutexGuard<'_, ()> {
        self.gate.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Forgets everything, and makes reads under way forget what they read.
    pub(crate) fn invalidate(&self) {
        let _gate = self.gate();
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.sessions.lock().clear();
        self.users.lock().clear();
    }

    /// Forgets one session (its own data changed; nothing was revoked).
    pub(crate) fn forget_session(&self, id_hash: &str) {
        let _gate = self.gate();
        self.sessions.lock().remove(id_hash);
    }

    /// Forgets one user's entries (its sign-in counters changed; nothing was revoked).
    pub(crate) fn forget_user(&self, user_id: i64) {
        let _gate = self.gate();
        self.users.lock().retain(|_, e| e.value.id != user_id);
    }

    /// Runs `store`'s look-up unless a fresh entry answers, and keeps a found record.
    async fn read<K, T, F>(&self, map: &Map<K, T>, key: K, fetch: F) -> DatastoreResult<Option<T>>
    where
        K: Eq + Hash,
        T: Clone,
        F: std::future::Future<Output = DatastoreResult<Option<T>>>,
    {
        if let Some(value) = map.get(&key, self.ttl) {
            return Ok(Some(value));
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let read_at = Instant::now();
        let found = fetch.await?;
        if let Some(value) = &found {
            let _gate = self.gate();
            if self.generation.load(Ordering::SeqCst) == generation {
                map.insert(key, value.clone(), read_at, self.ttl);
            }
        }
        Ok(found)
    }
}

/// Loads a session by id hash, through `cache` when there is one.
pub(crate) async fn find_session(
    cache: Option<&AuthCache>,
    store: &dyn UserDatastore,
    id_hash: &str,
) -> DatastoreResult<Option<SessionRecord>> {
    match cache {
        Some(cache) => {
            let fetch = store.find_session(id_hash);
            cache.read(&cache.sessions, id_hash.to_owned(), fetch).await
        }
        None => store.find_session(id_hash).await,
    }
}

/// Finds a user, through `cache` when there is one and the query is by id or token uniquifier.
pub(crate) async fn find_user(
    cache: Option<&AuthCache>,
    store: &dyn UserDatastore,
    query: UserQuery<'_>,
) -> DatastoreResult<Option<User>> {
    match (cache, UserKey::of(&query)) {
        (Some(cache), Some(key)) => {
            let fetch = store.find_user(query);
            cache.read(&cache.users, key, fetch).await
        }
        _ => store.find_user(query).await,
    }
}
