//! Deleting what has outlived its use, on a schedule: expired sessions, codes and passkey
//! ceremony states, delivered mail, counters whose window is long over.

use crate::error::Error;
use crate::state::Security;

/// How long a delivered mail's row (recipient, subject, times; its bodies are cleared at
/// delivery) is kept for operators before it is deleted.
const SENT_MAIL_RETENTION: chrono::Duration = chrono::Duration::days(1);

/// Counters are kept at least this long after their window opened, longer than any window
/// the crate uses, so deleting one only forgets what its next hit would restart anyway.
const COUNTER_RETENTION: chrono::Duration = chrono::Duration::days(1);

/// What one purge deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Purged {
    /// Expired sessions and remember-me tokens.
    pub sessions: u64,
    /// Delivered mails older than a day.
    pub sent_mails: u64,
    /// Expired one-time codes.
    pub codes: u64,
    /// Throttling and mail-limit counters whose window is over.
    pub counters: u64,
    /// Passkey ceremonies the browser never finished.
    pub passkey_states: u64,
}

impl Security {
    /// Deletes expired sessions, expired one-time codes and passkey ceremony states, mails delivered more than a day ago
    /// and counters whose window opened more than a day (or the longest configured window)
    /// ago. The fairing runs it every five minutes; call it yourself from a job scheduler if
    /// you prefer.
    pub async fn purge_expired(&self) -> Result<Purged, Error> {
        let now = self.now().naive_utc();
        let config = self.config();
        let counter_retention = [
            COUNTER_RETENTION,
            config.mail_limit_within.to_chrono(),
            config.code_attempts_window.to_chrono(),
        ]
        .into_iter()
        .max()
        .unwrap_or(COUNTER_RETENTION);
        let before = |age: chrono::Duration| {
            now.checked_sub_signed(age)
                .unwrap_or(chrono::DateTime::UNIX_EPOCH.naive_utc())
        };
        let store = self.datastore();
        Ok(Purged {
            sessions: store.delete_expired_sessions(now).await?,
            sent_mails: store.delete_sent_mails(before(SENT_MAIL_RETENTION)).await?,
            codes: store.delete_expired_codes(now).await?,
            counters: store
                .delete_stale_counters(before(counter_retention))
                .await?,
            passkey_states: store.delete_expired_webauthn_states(now).await?,
        })
    }
}
