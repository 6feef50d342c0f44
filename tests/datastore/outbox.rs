//! The mail outbox: queueing, retries, limits and delivery.

use super::*;

per_backend!(
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    stores:
    outbox_queues_retries_and_delivers,
    outbox_ignores_empty_limits_and_unknown_mails,
);

fn mail(recipient: &str, created: NaiveDateTime) -> OutboxMail {
    OutboxMail {
        id: 0,
        sender: "no-reply@example.com".to_owned(),
        recipient: recipient.to_owned(),
        subject: "Confirm your address".to_owned(),
        body_text: "Follow the link.".to_owned(),
        body_html: "<p>Follow the link.</p>".to_owned(),
        attempts: 0,
        next_attempt_at: created,
        last_error: None,
        created_at: created,
        sent_at: None,
    }
}

async fn outbox_queues_retries_and_delivers(store: Store) {
    let t = at("2024-06-01 12:00:00.000500");
    let mut first = mail("one@example.com", t);
    // Ignored on enqueue.
    first.id = 77;
    first.attempts = 5;
    first.sent_at = Some(t);
    let mut second = mail("two@example.com", t + Duration::seconds(1));
    second.body_html = format!("<p>{}</p>", "x".repeat(200_000));
    let mut later = mail("three@example.com", t + Duration::seconds(2));
    later.next_attempt_at = t + Duration::hours(1);

    let first = store.enqueue_mail(&first).await.unwrap();
    assert_ne!(first.id, 77);
    assert_eq!(first.attempts, 0);
    assert_eq!(first.sent_at, None);
    assert_eq!(first.created_at, t);
    assert_eq!(first.subject, "Confirm your address");
    let second_stored = store.enqueue_mail(&second).await.unwrap();
    assert_eq!(
        second_stored.body_html, second.body_html,
        "large bodies fit"
    );
    assert_ne!(second_stored.id, first.id);
    let later = store.enqueue_mail(&later).await.unwrap();

    let due: Vec<_> = store
        .due_mails(t + Duration::seconds(5), 10)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(due, [first.id, second_stored.id]);
    assert_eq!(
        store.due_mails(t + Duration::seconds(5), 1).await.unwrap(),
        std::slice::from_ref(&first)
    );
    assert!(store
        .due_mails(t - Duration::seconds(1), 10)
        .await
        .unwrap()
        .is_empty());

    // A failed attempt postpones the mail.
    let retry_at = t + Duration::minutes(10);
    store
        .mark_mail_failed(first.id, 1, retry_at, "421 try later")
        .await
        .unwrap();
    let due: Vec<_> = store
        .due_mails(t + Duration::seconds(5), 10)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(due, [second_stored.id]);
    let retried = store.due_mails(retry_at, 10).await.unwrap();
    assert_eq!(retried[0].id, first.id);
    assert_eq!(retried[0].attempts, 1);
    assert_eq!(retried[0].next_attempt_at, retry_at);
    assert_eq!(retried[0].last_error.as_deref(), Some("421 try later"));

    store
        .mark_mail_sent(second_stored.id, t + Duration::seconds(6))
        .await
        .unwrap();
    let pending: Vec<_> = store
        .pending_mails()
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    assert_eq!(pending, [first.id, later.id], "oldest first");
    assert_eq!(
        store
            .due_mails(t + Duration::hours(2), 10)
            .await
            .unwrap()
            .len(),
        2
    );
}

// ----- one-time codes -----

async fn outbox_ignores_empty_limits_and_unknown_mails(store: Store) {
    let t = at("2024-05-01 09:00:00");
    store
        .enqueue_mail(&mail("ada@example.com", t))
        .await
        .unwrap();
    assert!(store.due_mails(t, 0).await.unwrap().is_empty());
    assert!(store.due_mails(t, -1).await.unwrap().is_empty());
    assert_eq!(store.due_mails(t, 1).await.unwrap().len(), 1);
    // Unknown ids are ignored.
    store.mark_mail_sent(4242, t).await.unwrap();
    store.mark_mail_failed(4242, 1, t, "x").await.unwrap();
    assert!(!store.claim_mail(4242, t, t).await.unwrap());
    assert_eq!(store.pending_mails().await.unwrap().len(), 1);
}
