//! Mail delivery: SMTP through a real sink, the outbox's retries, the shipped mailers.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{Datelike, NaiveDateTime, Utc};
use rocket_security::{
    mailer_from_config, CapturingMailer, DatastoreError, DatastoreResult, FileMailer, LogMailer,
    Mail, MailConfig, MailError, Mailer, Outbox, OutboxMail, OutboxStore as _, SmtpMailer,
};

use crate::common::smtp_sink::SmtpSink;

const WAIT: Duration = Duration::from_secs(10);

fn mail(to: &str, subject: &str) -> Mail {
    Mail {
        from: "no-reply@fsref.example.com".into(),
        to: to.into(),
        subject: subject.into(),
        text: format!("{subject}\n\nhttp://127.0.0.1:8000/confirm/Token-For_{to}\n"),
        html: format!(
            "<p>{subject}</p><p><a href=\"http://127.0.0.1:8000/confirm/Token-For_{to}\">link</a></p>"
        ),
    }
}

fn smtp_mailer(url: &str) -> SmtpMailer {
    SmtpMailer::from_config(&MailConfig {
        url: url.into(),
        ..MailConfig::default()
    })
    .unwrap()
}

/// Polls `condition` every 10 ms until it holds or `WAIT` passes.
async fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !condition() {
        assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

// ----- a datastore double with only the outbox -----

/// Keeps the outbox table in memory: a store with the outbox only.
#[derive(Default)]
struct OutboxStore {
    mails: Mutex<Vec<OutboxMail>>,
}

impl OutboxStore {
    fn all(&self) -> Vec<OutboxMail> {
        self.mails.lock().unwrap().clone()
    }

    fn only(&self) -> OutboxMail {
        let mails = self.all();
        assert_eq!(mails.len(), 1, "{mails:?}");
        mails.into_iter().next().unwrap()
    }
}

fn not_in_double<T>() -> DatastoreResult<T> {
    Err(DatastoreError::Backend(
        "not part of the outbox test double".into(),
    ))
}

impl rocket_security::Clocked for OutboxStore {}

#[rocket::async_trait]
impl rocket_security::OutboxStore for OutboxStore {
    async fn enqueue_mail(&self, mail: &OutboxMail) -> DatastoreResult<OutboxMail> {
        let mut mails = self.mails.lock().unwrap();
        let stored = OutboxMail {
            id: mails.len() as i64 + 1,
            attempts: 0,
            sent_at: None,
            ..mail.clone()
        };
        mails.push(stored.clone());
        Ok(stored)
    }
    async fn due_mails(&self, now: NaiveDateTime, limit: i64) -> DatastoreResult<Vec<OutboxMail>> {
        let mails = self.mails.lock().unwrap();
        Ok(mails
            .iter()
            .filter(|m| m.sent_at.is_none() && m.next_attempt_at <= now)
            .take(limit as usize)
            .cloned()
            .collect())
    }
    async fn mark_mail_sent(&self, id: i64, at: NaiveDateTime) -> DatastoreResult<()> {
        let mut mails = self.mails.lock().unwrap();
        let mail = mails.iter_mut().find(|m| m.id == id).unwrap();
        mail.sent_at = Some(at);
        Ok(())
    }
    async fn mark_mail_failed(
        &self,
        id: i64,
        attempts: i32,
        next_attempt_at: NaiveDateTime,
        error: &str,
    ) -> DatastoreResult<()> {
        let mut mails = self.mails.lock().unwrap();
        let mail = mails.iter_mut().find(|m| m.id == id).unwrap();
        mail.attempts = attempts;
        mail.next_attempt_at = next_attempt_at;
        mail.last_error = Some(error.to_owned());
        Ok(())
    }
    async fn pending_mails(&self) -> DatastoreResult<Vec<OutboxMail>> {
        Ok(self
            .all()
            .into_iter()
            .filter(|m| m.sent_at.is_none())
            .collect())
    }
    async fn sent_mails(&self, _: i64) -> DatastoreResult<Vec<OutboxMail>> {
        not_in_double()
    }
    async fn delete_sent_mails(&self, _: NaiveDateTime) -> DatastoreResult<u64> {
        not_in_double()
    }
}

/// An outbox over a fresh [`OutboxStore`] with millisecond backoff and polling.
fn fast_outbox(mailer: Arc<dyn Mailer>, max_attempts: u32) -> (Arc<OutboxStore>, Arc<Outbox>) {
    let store = Arc::new(OutboxStore::default());
    let outbox = Outbox::new(store.clone(), mailer, max_attempts)
        .with_backoff(Duration::from_millis(20), Duration::from_millis(100))
        .with_poll_interval(Duration::from_millis(100));
    (store, Arc::new(outbox))
}

// ----- SMTP through the sink -----

#[tokio::test]
async fn smtp_mail_arrives_as_multipart_alternative_with_both_parts() {
    let sink = SmtpSink::start().await;
    let mailer = smtp_mailer(&sink.url());
    let sent = mail("ada@example.com", "Welcome");

    mailer.send(&sent).await.unwrap();

    let received = sink.wait_for(1, WAIT).await;
    assert_eq!(received.len(), 1);
    let received = &received[0];
    assert_eq!(received.from, "no-reply@fsref.example.com");
    assert_eq!(received.recipients, ["ada@example.com"]);
    assert_eq!(
        received.header("From").as_deref(),
        Some("no-reply@fsref.example.com")
    );
    assert_eq!(received.header("To").as_deref(), Some("ada@example.com"));
    assert_eq!(received.header("Subject").as_deref(), Some("Welcome"));
    let content_type = received.header("Content-Type").unwrap();
    assert!(
        content_type.starts_with("multipart/alternative"),
        "{content_type}"
    );
    assert_eq!(
        received.text_part().unwrap().replace("\r\n", "\n"),
        sent.text
    );
    assert_eq!(received.html_part().unwrap(), sent.html);
    // Links are verbatim in the raw message too.
    let raw = received.raw();
    assert_eq!(
        raw.matches("http://127.0.0.1:8000/confirm/Token-For_ada@example.com")
            .count(),
        2,
        "{raw}"
    );
    assert!(received.auth.is_none());
}

#[tokio::test]
async fn smtp_keeps_lines_starting_with_a_dot() {
    let sink = SmtpSink::start().await;
    let mailer = smtp_mailer(&sink.url());
    let mut sent = mail("ada@example.com", "Dots");
    sent.text = "first\n.second\n..third\n.\nlast\n".into();

    mailer.send(&sent).await.unwrap();

    let received = sink.wait_for(1, WAIT).await;
    assert_eq!(
        received[0].text_part().unwrap().replace("\r\n", "\n"),
        sent.text
    );
}

#[tokio::test]
async fn smtp_credentials_come_from_the_url_or_the_config() {
    let sink = SmtpSink::start().await;

    let from_url = format!("smtp://mailer%40app:p%3Ass@127.0.0.1:{}", sink.port());
    smtp_mailer(&from_url)
        .send(&mail("a@example.com", "One"))
        .await
        .unwrap();

    let from_config = SmtpMailer::from_config(&MailConfig {
        url: from_url.clone(),
        username: Some("configured".into()),
        password: Some("secret".into()),
        ..MailConfig::default()
    })
    .unwrap();
    from_config
        .send(&mail("b@example.com", "Two"))
        .await
        .unwrap();

    let received = sink.wait_for(2, WAIT).await;
    assert_eq!(received[0].auth, Some(("mailer@app".into(), "p:ss".into())));
    assert_eq!(
        received[1].auth,
        Some(("configured".into(), "secret".into()))
    );
}

#[tokio::test]
async fn smtp_failure_while_the_sink_is_down_is_an_smtp_error() {
    let sink = SmtpSink::start().await;
    sink.stop().await;
    let error = smtp_mailer(&sink.url())
        .send(&mail("ada@example.com", "Welcome"))
        .await
        .unwrap_err();
    assert!(matches!(error, MailError::Smtp(_)), "{error:?}");
    assert!(std::error::Error::source(&error).is_some());
}

// ----- the outbox -----

#[tokio::test]
async fn outbox_keeps_mail_while_smtp_is_down_and_delivers_it_when_back() {
    let sink = SmtpSink::start().await;
    let (store, outbox) = fast_outbox(Arc::new(smtp_mailer(&sink.url())), 50);
    let worker = outbox.spawn(std::future::pending());

    // A first mail leaves a pooled connection behind, which stopping the sink breaks.
    outbox
        .enqueue(mail("first@example.com", "First"))
        .await
        .unwrap();
    assert_eq!(sink.wait_for(1, WAIT).await.len(), 1);

    sink.stop().await;
    outbox
        .enqueue(mail("second@example.com", "Second"))
        .await
        .unwrap();
    eventually("two failed attempts", || {
        store.all().iter().any(|m| m.attempts >= 2)
    })
    .await;
    let waiting = store.all().into_iter().find(|m| m.attempts >= 2).unwrap();
    assert!(waiting.sent_at.is_none());
    assert!(waiting.last_error.as_deref().unwrap().contains("SMTP"));
    assert_eq!(sink.mails().len(), 1);

    sink.restart().await;
    let received = sink.wait_for(2, WAIT).await;
    assert_eq!(received.len(), 2);
    assert_eq!(received[1].recipients, ["second@example.com"]);
    eventually("marked sent", || {
        store.all().iter().all(|m| m.sent_at.is_some())
    })
    .await;
    worker.abort();
}

#[tokio::test]
async fn outbox_gives_up_after_max_attempts_and_keeps_the_mail() {
    let mailer = Arc::new(CapturingMailer::new());
    mailer.fail_next(1_000);
    let (store, outbox) = fast_outbox(mailer.clone(), 3);
    let worker = outbox.spawn(std::future::pending());

    outbox
        .enqueue(mail("ada@example.com", "Welcome"))
        .await
        .unwrap();
    eventually("three attempts", || store.only().attempts == 3).await;
    // Long enough for several more retries, were there any.
    tokio::time::sleep(Duration::from_millis(400)).await;

    assert_eq!(mailer.attempts(), 3);
    assert!(mailer.mails().is_empty());
    let kept = store.only();
    assert_eq!(kept.attempts, 3);
    assert!(kept.sent_at.is_none());
    assert_eq!(kept.next_attempt_at.year(), 9999);
    assert!(kept.last_error.as_deref().unwrap().contains("simulated"));
    assert_eq!(store.pending_mails().await.unwrap().len(), 1);
    assert_eq!(outbox.failed_mails().await.unwrap(), vec![kept]);
    worker.abort();
}

#[tokio::test]
async fn outbox_retries_with_backoff_until_delivered() {
    let mailer = Arc::new(CapturingMailer::new());
    mailer.fail_next(2);
    let (store, outbox) = fast_outbox(mailer.clone(), 5);
    let worker = outbox.spawn(std::future::pending());

    let sent = mail("ada@example.com", "Welcome");
    outbox.enqueue(sent.clone()).await.unwrap();

    assert_eq!(mailer.wait_for(1, WAIT).await, vec![sent]);
    assert_eq!(mailer.attempts(), 3);
    eventually("marked sent", || store.only().sent_at.is_some()).await;
    assert_eq!(store.only().attempts, 2);
    assert!(outbox.failed_mails().await.unwrap().is_empty());
    worker.abort();
}

#[tokio::test]
async fn outbox_resumes_pending_mails_at_start() {
    let store = Arc::new(OutboxStore::default());
    let before_restart = Outbox::new(store.clone(), Arc::new(CapturingMailer::new()), 10);
    before_restart
        .enqueue(mail("ada@example.com", "Welcome"))
        .await
        .unwrap();
    drop(before_restart);

    let mailer = Arc::new(CapturingMailer::new());
    let after_restart = Arc::new(
        // A poll interval far beyond the test: only the start-up pass can deliver.
        Outbox::new(store.clone(), mailer.clone(), 10)
            .with_poll_interval(Duration::from_secs(3600)),
    );
    let worker = after_restart.spawn(std::future::pending());
    assert_eq!(mailer.wait_for(1, WAIT).await.len(), 1);
    worker.abort();
}

#[tokio::test]
async fn outbox_polls_for_mails_queued_by_other_instances() {
    let mailer = Arc::new(CapturingMailer::new());
    let (store, outbox) = fast_outbox(mailer.clone(), 10);
    let worker = outbox.spawn(std::future::pending());
    tokio::time::sleep(Duration::from_millis(50)).await;

    // Queued straight into the shared store: this outbox is not woken.
    let now = Utc::now().naive_utc();
    store
        .enqueue_mail(&OutboxMail {
            id: 0,
            sender: "no-reply@fsref.example.com".into(),
            recipient: "ada@example.com".into(),
            subject: "Elsewhere".into(),
            body_text: "text".into(),
            body_html: "<p>html</p>".into(),
            attempts: 0,
            next_attempt_at: now,
            last_error: None,
            created_at: now,
            sent_at: None,
        })
        .await
        .unwrap();

    let delivered = mailer.wait_for(1, WAIT).await;
    assert_eq!(delivered[0].subject, "Elsewhere");
    worker.abort();
}

#[tokio::test]
async fn outbox_flush_delivers_due_mails_now() {
    let mailer = Arc::new(CapturingMailer::new());
    let (store, outbox) = fast_outbox(mailer.clone(), 10);
    outbox.enqueue(mail("a@example.com", "One")).await.unwrap();
    outbox.enqueue(mail("b@example.com", "Two")).await.unwrap();

    assert_eq!(outbox.flush().await.unwrap(), 2);
    assert_eq!(mailer.mails().len(), 2);
    assert!(store.all().iter().all(|m| m.sent_at.is_some()));
    assert_eq!(outbox.flush().await.unwrap(), 0);
}

#[tokio::test]
async fn outbox_refuses_undeliverable_addresses_at_enqueue() {
    let (store, outbox) = fast_outbox(Arc::new(CapturingMailer::new()), 10);
    let error = outbox
        .enqueue(mail("not an address", "Welcome"))
        .await
        .unwrap_err();
    assert!(matches!(error, MailError::InvalidAddress { .. }), "{error}");
    assert!(store.all().is_empty());
}

#[tokio::test]
async fn outbox_reports_datastore_failures() {
    let outbox = Outbox::new(Arc::new(BrokenStore), Arc::new(CapturingMailer::new()), 10);
    let error = outbox
        .enqueue(mail("ada@example.com", "Welcome"))
        .await
        .unwrap_err();
    assert!(matches!(error, MailError::Datastore(_)), "{error}");
    assert!(outbox.flush().await.is_err());
}

/// A store whose every method fails, outbox included.
struct BrokenStore;

impl rocket_security::Clocked for BrokenStore {}

#[rocket::async_trait]
impl rocket_security::OutboxStore for BrokenStore {
    async fn enqueue_mail(&self, _: &OutboxMail) -> DatastoreResult<OutboxMail> {
        not_in_double()
    }
    async fn due_mails(&self, _: NaiveDateTime, _: i64) -> DatastoreResult<Vec<OutboxMail>> {
        not_in_double()
    }
    async fn mark_mail_sent(&self, _: i64, _: NaiveDateTime) -> DatastoreResult<()> {
        not_in_double()
    }
    async fn mark_mail_failed(
        &self,
        _: i64,
        _: i32,
        _: NaiveDateTime,
        _: &str,
    ) -> DatastoreResult<()> {
        not_in_double()
    }
    async fn pending_mails(&self) -> DatastoreResult<Vec<OutboxMail>> {
        not_in_double()
    }
    async fn sent_mails(&self, _: i64) -> DatastoreResult<Vec<OutboxMail>> {
        not_in_double()
    }
    async fn delete_sent_mails(&self, _: NaiveDateTime) -> DatastoreResult<u64> {
        not_in_double()
    }
}

#[tokio::test]
async fn outbox_worker_stops_at_shutdown() {
    let (_store, outbox) = fast_outbox(Arc::new(CapturingMailer::new()), 10);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let worker = outbox.spawn(async {
        let _ = stopped.await;
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    stop.send(()).unwrap();
    tokio::time::timeout(WAIT, worker)
        .await
        .expect("worker stops")
        .unwrap();
}

// ----- the other mailers -----

#[tokio::test]
async fn capturing_mailer_records_clears_fails_and_waits() {
    let mailer = Arc::new(CapturingMailer::new());
    assert!(mailer
        .wait_for(1, Duration::from_millis(20))
        .await
        .is_empty());

    let waiter = {
        let mailer = mailer.clone();
        tokio::spawn(async move { mailer.wait_for(2, WAIT).await })
    };
    mailer.send(&mail("a@example.com", "One")).await.unwrap();
    mailer.send(&mail("b@example.com", "Two")).await.unwrap();
    let seen = waiter.await.unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen, mailer.mails());

    mailer.clear();
    assert!(mailer.mails().is_empty());

    mailer.fail_next(1);
    let error = mailer
        .send(&mail("c@example.com", "Three"))
        .await
        .unwrap_err();
    assert!(matches!(error, MailError::Transport(_)), "{error}");
    mailer.send(&mail("c@example.com", "Three")).await.unwrap();
    assert_eq!(mailer.mails().len(), 1);
    assert_eq!(mailer.attempts(), 4);
}

#[tokio::test]
async fn file_mailer_writes_eml_files() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("outbox");
    let mailer = FileMailer::new(&target);
    mailer
        .send(&mail("ada@example.com", "Welcome"))
        .await
        .unwrap();

    let files: Vec<_> = std::fs::read_dir(&target)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].extension().unwrap(), "eml");
    let eml = std::fs::read_to_string(&files[0]).unwrap();
    assert!(eml.contains("Subject: Welcome"), "{eml}");
    assert!(eml.contains("multipart/alternative"), "{eml}");
}

#[tokio::test]
async fn log_mailer_accepts_everything() {
    LogMailer::new()
        .send(&mail("ada@example.com", "Welcome"))
        .await
        .unwrap();
}

#[test]
fn mailer_from_config_chooses_by_scheme() {
    let config = |url: &str| MailConfig {
        url: url.into(),
        ..MailConfig::default()
    };
    for url in [
        "log",
        "LOG",
        "smtp://127.0.0.1:2525",
        "smtp://mail.example.com:587?tls=required",
        "smtps://user:pass@mail.example.com",
        "file://mail-outbox",
        "file:///tmp/rocket-security-mail",
    ] {
        assert!(mailer_from_config(&config(url)).is_ok(), "{url}");
    }
    assert!(mailer_from_config(&MailConfig::default()).is_ok());
}

#[test]
fn mailer_from_config_names_bad_urls() {
    for url in [
        "sendmail:///usr/sbin/sendmail",
        "smtp.example.com",
        "",
        "smtp://",
    ] {
        let error = mailer_from_config(&MailConfig {
            url: url.into(),
            ..MailConfig::default()
        })
        .err()
        .unwrap_or_else(|| panic!("{url:?} was accepted"));
        let message = error.to_string();
        assert!(matches!(error, MailError::Config { .. }), "{message}");
        assert!(message.contains(&format!("{url:?}")), "{message}");
    }
    let error = mailer_from_config(&MailConfig {
        url: "ftp://user:hunter2@example.com".into(),
        ..MailConfig::default()
    })
    .err()
    .unwrap();
    assert!(!error.to_string().contains("hunter2"), "{error}");
}

#[tokio::test]
async fn outbox_survives_a_panicking_mailer() {
    struct Panics;

    #[rocket::async_trait]
    impl Mailer for Panics {
        async fn send(&self, _: &Mail) -> Result<(), MailError> {
            panic!("mailer bug");
        }
    }

    let (store, outbox) = fast_outbox(Arc::new(Panics), 2);
    outbox
        .enqueue(mail("ada@example.com", "Welcome"))
        .await
        .unwrap();
    assert_eq!(outbox.flush().await.unwrap(), 0);
    let kept = store.only();
    assert_eq!(kept.attempts, 1);
    assert!(kept.last_error.unwrap().contains("panicked"));
}
