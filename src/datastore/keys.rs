//! What the stores are handed rather than make themselves: uniquifiers, look-up keys of
//! e-mail addresses and user names, and the time they stamp.
//!
//! Every store takes these from here, so the in-memory store and every Diesel backend agree on
//! them: a uniquifier is made in one place ([`Uniquifiers::fresh`], called by
//! [`UserStore::create_user`](super::UserStore::create_user) and
//! [`UserStore::change_user`](super::UserStore::change_user) above the backends), an address is
//! compared by one key ([`lookup_key`]), and a stamped time comes from the [`Clock`] the store
//! was given.

use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};

use chrono::NaiveDateTime;

use super::micros;
use crate::clock::{Clock, SystemClock};

/// The key unique indexes and look-ups use for e-mail addresses and user names: addresses and
/// names are compared case-insensitively, through this key only.
pub fn lookup_key(value: &str) -> String {
    value.to_lowercase()
}

/// Whether two addresses (or user names) are the same by their [`lookup_key`].
pub(crate) fn same_key(a: &str, b: &str) -> bool {
    a == b || lookup_key(a) == lookup_key(b)
}

/// The two uniquifiers of an account: `fs_uniquifier` (binds sessions, remember-me tokens and
/// mailed links) and `fs_token_uniquifier` (binds auth tokens).
///
/// Made once, above the stores, by [`Uniquifiers::fresh`]: a store writes what it is given.
/// `Debug` does not print the values.
#[derive(Clone, PartialEq, Eq)]
pub struct Uniquifiers {
    /// The new `fs_uniquifier`.
    pub fs_uniquifier: String,
    /// The new `fs_token_uniquifier`.
    pub fs_token_uniquifier: String,
}

impl Uniquifiers {
    /// Two fresh values, each 128 random bits as 32 lower-case hex digits, like
    /// Flask-Security-Too's `uuid4().hex`.
    pub fn fresh() -> Self {
        Uniquifiers {
            fs_uniquifier: random_uniquifier(),
            fs_token_uniquifier: random_uniquifier(),
        }
    }
}

impl fmt::Debug for Uniquifiers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Uniquifiers").finish_non_exhaustive()
    }
}

/// 128 random bits as 32 lower-case hex digits.
pub(crate) fn random_uniquifier() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

/// The clock a shipped store stamps times with: the system clock until the application's
/// [`Clock`] is handed over (see [`Clocked::use_clock`](super::Clocked::use_clock)). Clones
/// share the clock.
#[derive(Clone)]
pub(crate) struct StoreClock(Arc<RwLock<Arc<dyn Clock>>>);

impl Default for StoreClock {
    fn default() -> Self {
        StoreClock::new(Arc::new(SystemClock))
    }
}

impl StoreClock {
    /// Stamps with `clock`.
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        StoreClock(Arc::new(RwLock::new(clock)))
    }

    /// The current time, naive UTC, cut to microseconds.
    pub fn now(&self) -> NaiveDateTime {
        let clock = self.0.read().unwrap_or_else(PoisonError::into_inner);
        micros(clock.now().naive_utc())
    }

    /// Stamps with `clock` from now on.
    pub fn set(&self, clock: Arc<dyn Clock>) {
        *self.0.write().unwrap_or_else(PoisonError::into_inner) = clock;
    }
}

impl fmt::Debug for StoreClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StoreClock")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    #[test]
    fn uniquifiers_are_32_hex_digits_and_differ() {
        let made = Uniquifiers::fresh();
        for value in [&made.fs_uniquifier, &made.fs_token_uniquifier] {
            assert_eq!(value.len(), 32);
            assert!(value.bytes().all(|b| b.is_ascii_hexdigit()));
        }
        assert_ne!(made.fs_uniquifier, made.fs_token_uniquifier);
        assert!(!format!("{made:?}").contains(&made.fs_uniquifier));
    }

    #[test]
    fn keys_ignore_case() {
        assert_eq!(lookup_key("Ada@Example.COM"), "ada@example.com");
        assert!(same_key("Ada@Example.com", "ada@example.COM"));
        assert!(!same_key("ada@example.com", "bob@example.com"));
    }

    #[test]
    fn the_store_clock_follows_the_clock_it_is_given() {
        let clock = StoreClock::default();
        let manual = ManualClock::new();
        manual.advance(chrono::Duration::days(3));
        let shared = clock.clone();
        shared.set(Arc::new(manual));
        let ahead = clock.now() - micros(chrono::Utc::now().naive_utc());
        assert!(ahead > chrono::Duration::days(2), "{ahead}");
    }
}
