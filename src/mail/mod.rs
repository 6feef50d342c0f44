//! Outgoing mail: the `Mailer` trait, its transports, the outbox and mail templates.
