//! The outbox: mails are stored first and delivered by a background worker, with retries.

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime, Timelike};
use tokio::sync::{Mutex, Notify};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::{error_chain, mailbox, Mail, MailError, Mailer};
use crate::datastore::{OutboxMail, OutboxStore};

/// Wait before the first retry; doubled for every further failure.
const DEFAULT_BACKOFF_BASE: Duration = Duration::from_secs(1);
/// Longest wait between two attempts.
const DEFAULT_BACKOFF_MAX: Duration = Duration::from_secs(5 * 60);
/// The worker looks for due mails at least this often, notified or not.
const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(5);
/// How long a claimed mail stays with the instance that claimed it. Longer than one SMTP
/// attempt takes; an instance that dies mid-send hands the mail on when it lapses.
const CLAIM_LEASE: Duration = Duration::from_secs(120);
/// Mails fetched from the datastore at a time.
const BATCH_SIZE: i64 = 50;
/// Extra wait after a scheduled retry, so a store that rounds timestamps finds the mail due.
const RETRY_SLACK: Duration = Duration::from_millis(50);

/// Queues mails in the datastore and delivers them in the background, so requests never wait
/// on SMTP and no mail is lost to a transport that is down or an application restart.
///
/// - [`enqueue`](Outbox::enqueue) stores the mail (due now) and wakes the worker; it returns as
///   soon as the datastore has it.
/// - The worker ([`spawn`](Outbox::spawn) or [`run`](Outbox::run)) delivers due mails one by
///   one, at start (so a restart resumes), when woken, and at least every few seconds (so mails
///   queued by other application instances go out too).
/// - A failed attempt is retried after 1 s, 2 s, 4 s, ... (at most 5 minutes apart). After
///   `max_attempts` failed attempts the mail stays in the outbox, undelivered and no longer
///   retried, with its last error: see [`failed_mails`](Outbox::failed_mails) and
///   `UserDatastore::pending_mails`. Such a mail is parked by setting its `next_attempt_at`
///   to 9999-12-31.
///
/// Delivery is at least once: a crash between the SMTP server accepting a mail and the
/// datastore recording it, or two application instances fetching the same due mail at the
/// same moment, can send a mail twice.
///
/// ```
/// # use std::sync::Arc;
/// # use rocket_security::{CapturingMailer, Mail, Mailer, Outbox, UserDatastore};
/// # async fn example(datastore: Arc<dyn UserDatastore>) -> Result<(), rocket_security::MailError> {
/// let mailer = Arc::new(CapturingMailer::new());
/// let outbox = Arc::new(Outbox::new(datastore, mailer.clone(), 10));
/// let worker = outbox.spawn(std::future::pending::<()>());
///
/// outbox
///     .enqueue(Mail {
///         from: "no-reply@example.com".into(),
///         to: "user@example.com".into(),
///         subject: "Welcome".into(),
///         text: "Hello".into(),
///         html: "<p>Hello</p>".into(),
///     })
///     .await?;
/// # worker.abort();
/// # Ok(())
/// # }
/// ```
pub struct Outbox {
    datastore: Arc<dyn OutboxStore>,
    mailer: Arc<dyn Mailer>,
    max_attempts: u32,
    backoff_base: Duration,
    backoff_max: Duration,
    poll_interval: Duration,
    wake: Notify,
    /// One delivery pass at a time in this process, so `flush` and the worker never send the
    /// same mail twice.
    pass: Mutex<()>,
}

impl fmt::Debug for Outbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Outbox")
            .field("max_attempts", &self.max_attempts)
            .field("backoff_base", &self.backoff_base)
            .field("backoff_max", &self.backoff_max)
            .field("poll_interval", &self.poll_interval)
            .finish_non_exhaustive()
    }
}

/// What one delivery pass did.
#[derive(Debug, Default)]
struct Pass {
    delivered: usize,
    /// The earliest retry this pass scheduled.
    next_retry: Option<Instant>,
}

impl Outbox {
    /// An outbox storing mails in `datastore` and delivering them through `mailer`, giving up
    /// on a mail after `max_attempts` failed attempts (at least one attempt is always made).
    /// The time mails are queued and delivered by is the datastore's
    /// ([`Clocked::now`](crate::Clocked::now)).
    pub fn new(
        datastore: Arc<dyn OutboxStore>,
        mailer: Arc<dyn Mailer>,
        max_attempts: u32,
    ) -> Self {
        Outbox {
            datastore,
            mailer,
            max_attempts: max_attempts.max(1),
            backoff_base: DEFAULT_BACKOFF_BASE,
            backoff_max: DEFAULT_BACKOFF_MAX,
            poll_interval: DEFAULT_POLL_INTERVAL,
            wake: Notify::new(),
            pass: Mutex::new(()),
        }
    }

    /// Sets the wait before the first retry (doubled for each further failure) and the longest
    /// wait. Defaults: 1 second and 5 minutes. Tests use milliseconds.
    pub fn with_backoff(mut self, base: Duration, max: Duration) -> Self {
        self.backoff_base = base;
        self.backoff_max = max.max(base);
        self
    }

    /// Sets how often the worker looks for due mails when nobody wakes it. Default: 5 seconds.
    pub fn with_poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval.max(Duration::from_millis(1));
        self
    }

    /// Stores `mail` for delivery as soon as possible and wakes the worker.
    ///
    /// Fails with [`MailError::InvalidAddress`] when the sender or recipient is not an e-mail
    /// address (such a mail could never be delivered), and with [`MailError::Datastore`] when
    /// it could not be stored.
    pub async fn enqueue(&self, mail: Mail) -> Result<(), MailError> {
        mailbox(&mail.from)?;
        mailbox(&mail.to)?;
        let now = self.datastore.now();
        // Whole seconds, so a store keeping less precision than chrono never rounds the due
        // time into the future.
        let due = now.with_nanosecond(0).unwrap_or(now);
        let record = OutboxMail {
            id: 0,
            sender: mail.from,
            recipient: mail.to,
            subject: mail.subject,
            body_text: mail.text,
            body_html: mail.html,
            attempts: 0,
            next_attempt_at: due,
            last_error: None,
            created_at: now,
            sent_at: None,
        };
        let stored = self.datastore.enqueue_mail(&record).await?;
        tracing::debug!(id = stored.id, to = %stored.recipient, subject = %stored.subject, "mail queued");
        self.wake.notify_one();
        Ok(())
    }

    /// Tries every mail that is due now, one by one, and returns how many were delivered.
    ///
    /// Failures are recorded and rescheduled as the worker does; only a datastore failure is
    /// returned as an error. For tests and command-line tools; applications run the worker.
    pub async fn flush(&self) -> Result<usize, MailError> {
        Ok(self.deliver_due().await?.delivered)
    }

    /// Mails the outbox gave up on: undelivered after `max_attempts` attempts, oldest first.
    pub async fn failed_mails(&self) -> Result<Vec<OutboxMail>, MailError> {
        let mut pending = self.datastore.pending_mails().await?;
        pending.retain(|mail| attempts_of(mail) >= self.max_attempts);
        Ok(pending)
    }

    /// Starts the worker on the Tokio runtime; it stops once `shutdown` completes (pass
    /// `rocket.shutdown()` from a liftoff fairing). A delivery already under way is finished
    /// first.
    pub fn spawn<F>(self: &Arc<Self>, shutdown: F) -> JoinHandle<()>
    where
        F: Future<Output = ()> + Send + 'static,
    {
        tokio::spawn(Arc::clone(self).run_until(shutdown))
    }

    /// For a stopping application: waits for the delivery pass under way, if any, then tries
    /// once more every mail that is due, all within `within`, so no mail is cut off mid-send
    /// and mail queued by the last requests goes out. Returns `false` when that took longer;
    /// what was not delivered stays queued for the next start.
    pub async fn finish(&self, within: Duration) -> bool {
        match tokio::time::timeout(within, self.deliver_due()).await {
            Ok(Ok(_)) => true,
            Ok(Err(error)) => {
                tracing::warn!(error = %error_chain(&error), "mail outbox: last delivery pass failed");
                true
            }
            Err(_) => false,
        }
    }

    /// Runs the worker forever (spawn it, or use [`spawn`](Outbox::spawn) to be able to stop
    /// it).
    pub async fn run(self: Arc<Self>) {
        self.run_until(std::future::pending()).await
    }

    async fn run_until<F: Future<Output = ()>>(self: Arc<Self>, shutdown: F) {
        tokio::pin!(shutdown);
        loop {
            let wait = match self.deliver_due().await {
                Ok(pass) => match pass.next_retry {
                    Some(at) => (at.saturating_duration_since(Instant::now()) + RETRY_SLACK)
                        .min(self.poll_interval),
                    None => self.poll_interval,
                },
                Err(error) => {
                    tracing::error!(error = %error_chain(&error), "mail outbox: delivery pass failed");
                    self.poll_interval
                }
            };
            tokio::select! {
                () = &mut shutdown => return,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(wait) => {}
            }
        }
    }

    /// One pass over the due mails.
    async fn deliver_due(&self) -> Result<Pass, MailError> {
        let _only_pass = self.pass.lock().await;
        let mut pass = Pass::default();
        // Mails tried in this pass are not tried again in it, even when a short backoff makes
        // them due before the pass ends.
        let mut tried = HashSet::new();
        loop {
            let batch = self
                .datastore
                .due_mails(self.datastore.now(), BATCH_SIZE)
                .await?;
            let full = batch.len() as i64 >= BATCH_SIZE;
            let mut progressed = false;
            for mail in batch {
                if tried.insert(mail.id) {
                    progressed = true;
                    self.deliver(mail, &mut pass).await?;
                }
            }
            if !full || !progressed {
                return Ok(pass);
            }
        }
    }

    /// Sends on a task of its own, so a mailer that panics fails one attempt instead of ending
    /// the worker.
    async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        let mailer = Arc::clone(&self.mailer);
        let mail = mail.clone();
        match tokio::spawn(async move { mailer.send(&mail).await }).await {
            Ok(result) => result,
            Err(join_error) => Err(MailError::transport(std::io::Error::other(format!(
                "the mailer panicked: {join_error}"
            )))),
        }
    }

    /// One attempt at one mail, recorded in the datastore, once this instance has claimed it
    /// (another instance may have taken it first).
    async fn deliver(&self, record: OutboxMail, pass: &mut Pass) -> Result<(), MailError> {
        let claimed_at = self.datastore.now();
        let lease_until = claimed_at + chrono::Duration::from_std(CLAIM_LEASE).unwrap_or_default();
        if !self
            .datastore
            .claim_mail(record.id, claimed_at, lease_until)
            .await?
        {
            return Ok(());
        }
        let attempts_before = attempts_of(&record);
        if attempts_before >= self.max_attempts {
            // Given up on earlier, under a larger max_attempts: park it.
            let error = record.last_error.as_deref().unwrap_or("gave up");
            self.datastore
                .mark_mail_failed(record.id, record.attempts, parked(), error)
                .await?;
            return Ok(());
        }
        let mail = Mail {
            from: record.sender,
            to: record.recipient,
            subject: record.subject,
            text: record.body_text,
            html: record.body_html,
        };
        match self.send(&mail).await {
            Ok(()) => {
                self.datastore
                    .mark_mail_sent(record.id, self.datastore.now())
                    .await?;
                pass.delivered += 1;
                tracing::debug!(id = record.id, to = %mail.to, subject = %mail.subject, "mail delivered");
            }
            Err(error) => {
                let attempts = attempts_before.saturating_add(1);
                let stored_attempts = i32::try_from(attempts).unwrap_or(i32::MAX);
                let error = error_chain(&error);
                if attempts >= self.max_attempts {
                    tracing::error!(
                        id = record.id,
                        to = %mail.to,
                        subject = %mail.subject,
                        attempts,
                        error = %error,
                        "mail outbox: giving up on a mail after {attempts} failed attempts; \
                         it stays in the outbox undelivered"
                    );
                    self.datastore
                        .mark_mail_failed(record.id, stored_attempts, parked(), &error)
                        .await?;
                } else {
                    let delay = backoff(self.backoff_base, self.backoff_max, attempts);
                    tracing::warn!(
                        id = record.id,
                        to = %mail.to,
                        attempts,
                        error = %error,
                        "mail delivery failed; retrying in {delay:?}"
                    );
                    let next_attempt_at = self.datastore.now()
                        + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::MAX);
                    self.datastore
                        .mark_mail_failed(record.id, stored_attempts, next_attempt_at, &error)
                        .await?;
                    let at = Instant::now() + delay;
                    pass.next_retry = Some(pass.next_retry.map_or(at, |earlier| earlier.min(at)));
                }
            }
        }
        Ok(())
    }
}

/// The wait after the `attempts`-th failure: base, 2 × base, 4 × base, ... up to `max`.
fn backoff(base: Duration, max: Duration, attempts: u32) -> Duration {
    let factor = 1u32
        .checked_shl(attempts.saturating_sub(1))
        .unwrap_or(u32::MAX);
    base.saturating_mul(factor).min(max)
}

fn attempts_of(mail: &OutboxMail) -> u32 {
    u32::try_from(mail.attempts).unwrap_or(0)
}

/// The `next_attempt_at` of mails given up on: never due, and within every backend's range.
fn parked() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .unwrap_or(NaiveDateTime::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let (base, max) = (DEFAULT_BACKOFF_BASE, DEFAULT_BACKOFF_MAX);
        let secs: Vec<u64> = (1..=12).map(|n| backoff(base, max, n).as_secs()).collect();
        assert_eq!(secs, [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]);
        assert_eq!(backoff(base, max, u32::MAX), max);

        let (base, max) = (Duration::from_millis(10), Duration::from_millis(35));
        assert_eq!(backoff(base, max, 1), Duration::from_millis(10));
        assert_eq!(backoff(base, max, 2), Duration::from_millis(20));
        assert_eq!(backoff(base, max, 3), Duration::from_millis(35));
    }

    #[test]
    fn parked_mails_are_never_due() {
        assert!(parked() > chrono::Utc::now().naive_utc() + chrono::Duration::days(365 * 1000));
    }
}
