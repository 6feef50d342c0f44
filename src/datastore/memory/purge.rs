//! Purging what has outlived its use: delivered mail, expired codes, stale counters.

use chrono::NaiveDateTime;

use super::Inner;
use crate::datastore::OutboxMail;

/// Delivered mails, newest first.
pub(super) fn sent_mails(inner: &Inner, limit: i64) -> Vec<OutboxMail> {
    let limit = usize::try_from(limit).unwrap_or(0);
    let mut sent: Vec<OutboxMail> = inner
        .outbox
        .values()
        .filter(|m| m.sent_at.is_some())
        .cloned()
        .collect();
    sent.sort_by_key(|m| std::cmp::Reverse((m.sent_at, m.id)));
    sent.truncate(limit);
    sent
}

/// Deletes mails delivered before `before`.
pub(super) fn delete_sent_mails(inner: &mut Inner, before: NaiveDateTime) -> u64 {
    let count = inner.outbox.len();
    inner
        .outbox
        .retain(|_, m| m.sent_at.is_none_or(|sent| sent >= before));
    (count - inner.outbox.len()) as u64
}

/// Deletes codes that expired before `now`.
pub(super) fn delete_expired_codes(inner: &mut Inner, now: NaiveDateTime) -> u64 {
    let count = inner.codes.len();
    inner.codes.retain(|_, c| c.expires_at >= now);
    (count - inner.codes.len()) as u64
}

/// Deletes counters whose window opened before `before`.
pub(super) fn delete_stale_counters(inner: &mut Inner, before: NaiveDateTime) -> u64 {
    let count = inner.counters.len();
    inner.counters.retain(|_, c| c.window_start >= before);
    (count - inner.counters.len()) as u64
}
