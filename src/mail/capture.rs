//! A mailer that keeps mails in memory, for tests.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use super::{Mail, MailError, Mailer};

/// Keeps every mail it is given instead of delivering it: Flask-Security-Too's `outbox`
/// fixture. Can be told to fail the next sends, to test retries.
///
/// ```
/// use std::time::Duration;
/// use rocket_security::{CapturingMailer, Mail, Mailer};
///
/// # rocket::execute(async {
/// let mailer = CapturingMailer::new();
/// let mail = Mail {
///     from: "no-reply@example.com".into(),
///     to: "user@example.com".into(),
///     subject: "Welcome".into(),
///     text: "Hello".into(),
///     html: "<p>Hello</p>".into(),
/// };
/// mailer.send(&mail).await.unwrap();
/// let mails = mailer.wait_for(1, Duration::from_secs(1)).await;
/// assert_eq!(mails[0].subject, "Welcome");
/// # });
/// ```
#[derive(Debug, Default)]
pub struct CapturingMailer {
    mails: Mutex<Vec<Mail>>,
    sent: tokio::sync::Notify,
    failures_left: AtomicUsize,
    attempts: AtomicUsize,
}

impl CapturingMailer {
    /// An empty mailer.
    pub fn new() -> Self {
        CapturingMailer::default()
    }

    /// The mails sent so far, oldest first.
    pub fn mails(&self) -> Vec<Mail> {
        self.lock().clone()
    }

    /// Forgets the mails sent so far.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// Makes the next `count` sends fail with [`MailError::Transport`] (replacing any earlier
    /// count).
    pub fn fail_next(&self, count: usize) {
        self.failures_left.store(count, Ordering::SeqCst);
    }

    /// How many times `send` was called, failed sends included.
    pub fn attempts(&self) -> usize {
        self.attempts.load(Ordering::SeqCst)
    }

    /// Waits until at least `count` mails were sent or `timeout` passed, and returns the mails
    /// sent by then (fewer than `count` on timeout: assert on the length).
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<Mail> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            // Register interest before looking, so a send between the look and the wait is
            // not missed.
            let notified = self.sent.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let mails = self.lock();
                if mails.len() >= count {
                    return mails.clone();
                }
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.mails();
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, Vec<Mail>> {
        // A panic while holding the lock cannot leave the Vec half-updated.
        self.mails
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[rocket::async_trait]
impl Mailer for CapturingMailer {
    async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        self.attempts.fetch_add(1, Ordering::SeqCst);
        let fail = self
            .failures_left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                left.checked_sub(1)
            })
            .is_ok();
        if fail {
            return Err(MailError::transport(std::io::Error::other(
                "simulated delivery failure (CapturingMailer::fail_next)",
            )));
        }
        self.lock().push(mail.clone());
        self.sent.notify_waiters();
        Ok(())
    }
}
