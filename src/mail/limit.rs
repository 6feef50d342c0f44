//! How many mails of one kind one address receives: at most `mail_limit` in
//! `mail_limit_within`, counted in the datastore so that every application instance on one
//! database shares the count.

use chrono::NaiveDateTime;

use crate::config::SecurityConfig;
use crate::datastore::{DatastoreResult, UserDatastore};

/// The mails anyone can make the application send to an address by asking, and that are
/// therefore limited per address (a mailbox must not be floodable through the app).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MailKind {
    /// Password reset instructions (`POST /reset`).
    Reset,
    /// Confirmation instructions sent again (`POST /confirm`).
    Confirm,
    /// The notice to the owner when someone registers their address (`POST /register`).
    RegisterExisting,
    /// A mailed sign-in code and link (`POST /us-signin/send-code`).
    SigninCode,
    /// A mailed two-factor rescue code (`POST /tf-rescue`).
    TwoFactorRescue,
    /// The username mailed to its account's address (`POST /recover-username`).
    UsernameRecovery,
}

impl MailKind {
    /// The name of the kind inside counter keys.
    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::Reset => "reset",
            MailKind::Confirm => "confirm",
            MailKind::RegisterExisting => "register-existing",
            MailKind::SigninCode => "signin-code",
            MailKind::TwoFactorRescue => "tf-rescue",
            MailKind::UsernameRecovery => "username-recovery",
        }
    }

    /// The counter of this kind of mail to `address` (compared case-insensitively).
    fn counter_key(self, address: &str) -> String {
        format!("mail:{}:{}", self.as_str(), address.trim().to_lowercase())
    }
}

/// Counts one mail of `kind` to `address` and says whether it may go out: `true` for the first
/// `mail_limit` mails in `mail_limit_within`, `false` after that until the window ends.
///
/// The count is one atomic upsert in the datastore, so concurrent requests and application
/// instances never send more than the limit between them.
pub async fn within_mail_limit(
    datastore: &dyn UserDatastore,
    config: &SecurityConfig,
    kind: MailKind,
    address: &str,
    now: NaiveDateTime,
) -> DatastoreResult<bool> {
    let count = datastore
        .hit_counter(
            &kind.counter_key(address),
            now,
            config.mail_limit_within.to_chrono(),
        )
        .await?;
    let allowed = count <= config.mail_limit;
    if !allowed {
        tracing::warn!(
            kind = kind.as_str(),
            "mail limit reached for an address; the mail is not sent"
        );
    }
    Ok(allowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_keys_ignore_case_and_differ_by_kind() {
        assert_eq!(
            MailKind::Reset.counter_key(" Ann@Example.com"),
            "mail:reset:ann@example.com"
        );
        assert_ne!(
            MailKind::Reset.counter_key("a@x.org"),
            MailKind::Confirm.counter_key("a@x.org")
        );
    }
}
