//! The mail outbox shared by several application instances on one database: each mail goes out
//! exactly once, and a mail claimed by an instance that died is taken over when its lease ends.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::Utc;
use rocket_security::{CapturingMailer, DieselDatastore, Mailer, Outbox, OutboxMail, OutboxStore};

const MAILS: usize = 40;

fn queued(n: usize) -> OutboxMail {
    let now = Utc::now().naive_utc();
    OutboxMail {
        id: 0,
        sender: "no-reply@example.com".into(),
        recipient: format!("user{n}@example.com"),
        subject: format!("Mail {n}"),
        body_text: "text".into(),
        body_html: "<p>html</p>".into(),
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
        sent_at: None,
        last_error: None,
    }
}

/// An instance: its own pool on the shared database, its own outbox worker.
async fn instance(url: &str, mailer: Arc<dyn Mailer>) -> (Arc<DieselDatastore>, Arc<Outbox>) {
    let store = Arc::new(DieselDatastore::connect(url, 4).await.unwrap());
    let outbox = Outbox::new(store.clone(), mailer, 10);
    (store, Arc::new(outbox))
}

async fn every_mail_goes_out_once_across_instances(url: &str) {
    let mailer = Arc::new(CapturingMailer::new());
    let (first, outbox_a) = instance(url, mailer.clone()).await;
    first.run_migrations().await.unwrap();
    let (_, outbox_b) = instance(url, mailer.clone()).await;
    let (_, outbox_c) = instance(url, mailer.clone()).await;
    for n in 0..MAILS {
        first.enqueue_mail(&queued(n)).await.unwrap();
    }
    // Three instances deliver at the same time, twice over.
    for _ in 0..2 {
        let (a, b, c) = tokio::join!(outbox_a.flush(), outbox_b.flush(), outbox_c.flush());
        a.unwrap();
        b.unwrap();
        c.unwrap();
    }
    let mut per_recipient: BTreeMap<String, usize> = BTreeMap::new();
    for mail in mailer.mails() {
        *per_recipient.entry(mail.to).or_default() += 1;
    }
    assert_eq!(per_recipient.len(), MAILS, "every mail went out");
    let twice: Vec<_> = per_recipient.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "mails sent more than once: {twice:?}");
    assert!(first.pending_mails().await.unwrap().is_empty());
}

async fn a_lapsed_claim_is_taken_over(url: &str) {
    let (store_a, _) = instance(url, Arc::new(CapturingMailer::new())).await;
    store_a.run_migrations().await.unwrap();
    let (store_b, _) = instance(url, Arc::new(CapturingMailer::new())).await;
    let mail = store_a.enqueue_mail(&queued(1)).await.unwrap();
    let now = Utc::now().naive_utc();
    let lease = chrono::Duration::minutes(2);
    // Instance A claims the mail, then dies without marking it sent or failed.
    assert!(store_a.claim_mail(mail.id, now, now + lease).await.unwrap());
    assert!(
        !store_b.claim_mail(mail.id, now, now + lease).await.unwrap(),
        "a claimed mail is not handed to a second instance"
    );
    assert!(
        store_b.due_mails(now, 10).await.unwrap().is_empty(),
        "a claimed mail is not due"
    );
    // When the lease ends the mail is due again, and exactly one instance takes it over.
    let later = now + lease + chrono::Duration::seconds(1);
    assert_eq!(store_b.due_mails(later, 10).await.unwrap().len(), 1);
    assert!(store_b
        .claim_mail(mail.id, later, later + lease)
        .await
        .unwrap());
    assert!(!store_a
        .claim_mail(mail.id, later, later + lease)
        .await
        .unwrap());
    // A delivered mail can never be claimed again.
    store_b.mark_mail_sent(mail.id, later).await.unwrap();
    let much_later = later + lease * 10;
    assert!(!store_a
        .claim_mail(mail.id, much_later, much_later + lease)
        .await
        .unwrap());
}

per_backend!(
    #[tokio::test(flavor = "multi_thread")]
    databases: every_mail_goes_out_once_across_instances,
    a_lapsed_claim_is_taken_over,
);

#[tokio::test]
async fn the_memory_store_claims_once_too() {
    let store = rocket_security::MemoryDatastore::new();
    let mail = store.enqueue_mail(&queued(1)).await.unwrap();
    let now = Utc::now().naive_utc();
    let until = now + chrono::Duration::minutes(2);
    assert!(store.claim_mail(mail.id, now, until).await.unwrap());
    assert!(!store.claim_mail(mail.id, now, until).await.unwrap());
}
