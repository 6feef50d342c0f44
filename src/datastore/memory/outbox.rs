//! The mail outbox.

use chrono::NaiveDateTime;

use super::MemoryDatastore;
use crate::datastore::{DatastoreResult, OutboxMail, OutboxStore};

#[rocket::async_trait]
impl OutboxStore for MemoryDatastore {
    async fn enqueue_mail(&self, mail: &OutboxMail) -> DatastoreResult<OutboxMail> {
        let mut inner = self.lock();
        inner.last_mail_id += 1;
        let stored = OutboxMail {
            id: inner.last_mail_id,
            attempts: 0,
            sent_at: None,
            ..mail.clone()
        };
        inner.outbox.insert(stored.id, stored.clone());
        Ok(stored)
    }

    async fn due_mails(&self, now: NaiveDateTime, limit: i64) -> DatastoreResult<Vec<OutboxMail>> {
        let limit = usize::try_from(limit).unwrap_or(0);
        let mut mails = self
            .lock()
            .pending_where(|mail| mail.next_attempt_at <= now);
        mails.truncate(limit);
        Ok(mails)
    }

    async fn claim_mail(
        &self,
        id: i64,
        now: NaiveDateTime,
        lease_until: NaiveDateTime,
    ) -> DatastoreResult<bool> {
        let mut inner = self.lock();
        match inner.outbox.get_mut(&id) {
            Some(mail) if mail.sent_at.is_none() && mail.next_attempt_at <= now => {
                mail.next_attempt_at = lease_until;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn mark_mail_sent(&self, id: i64, at: NaiveDateTime) -> DatastoreResult<()> {
        if let Some(mail) = self.lock().outbox.get_mut(&id) {
            mail.sent_at = Some(at);
            mail.body_text.clear();
            mail.body_html.clear();
        }
        Ok(())
    }

    async fn mark_mail_failed(
        &self,
        id: i64,
        attempts: i32,
        next_attempt_at: NaiveDateTime,
        error: &str,
    ) -> DatastoreResult<()> {
        if let Some(mail) = self.lock().outbox.get_mut(&id) {
            mail.attempts = attempts;
            mail.next_attempt_at = next_attempt_at;
            mail.last_error = Some(error.to_owned());
        }
        Ok(())
    }

    async fn pending_mails(&self) -> DatastoreResult<Vec<OutboxMail>> {
        Ok(self.lock().pending_where(|_| true))
    }

    async fn sent_mails(&self, limit: i64) -> DatastoreResult<Vec<OutboxMail>> {
        let limit = usize::try_from(limit).unwrap_or(0);
        let mut sent: Vec<OutboxMail> = self
            .lock()
            .outbox
            .values()
            .filter(|m| m.sent_at.is_some())
            .cloned()
            .collect();
        sent.sort_by_key(|m| std::cmp::Reverse((m.sent_at, m.id)));
        sent.truncate(limit);
        Ok(sent)
    }

    async fn delete_sent_mails(&self, before: NaiveDateTime) -> DatastoreResult<u64> {
        let mut inner = self.lock();
        let count = inner.outbox.len();
        inner
            .outbox
            .retain(|_, m| m.sent_at.is_none_or(|sent| sent >= before));
        Ok((count - inner.outbox.len()) as u64)
    }
}
