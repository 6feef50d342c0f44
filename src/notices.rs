//! Sending security notices and keeping mail within its per-address limit, for the flows.

use crate::datastore::User;
use crate::error::Error;
use crate::mail::{within_mail_limit, MailKind, Notice};
use crate::state::Security;

impl Security {
    /// Mails `notice` to the owner of `user` (for a changed address, to the old and the new
    /// one).
    ///
    /// The change is already committed when this runs, so a notice that cannot be queued is
    /// logged and does not turn the request into an error.
    pub(crate) async fn notify(&self, user: &User, notice: Notice<'_>) {
        let (recipients, context) = notice.recipients_and_context(user);
        let subject = self
            .catalog()
            .message(&self.user_locale(user), &notice.subject());
        // The account's locale, also for an address that is no longer the account's.
        let lang = self.user_locale(user);
        for recipient in recipients {
            let sent = self
                .send_mail_in(&lang, &subject, recipient, notice.template(), &context)
                .await;
            if let Err(error) = sent {
                tracing::error!(%error, template = notice.template(), "could not queue a security notice");
            }
        }
    }

    /// Counts a mail of `kind` to `address` and says whether it may be sent (see
    /// `mail_limit`). Callers answer the same either way, so a limited address looks like any
    /// other.
    pub(crate) async fn mail_allowed(&self, kind: MailKind, address: &str) -> Result<bool, Error> {
        let now = self.now().naive_utc();
        Ok(within_mail_limit(self.datastore(), self.config(), kind, address, now).await?)
    }

    /// `user`, unless the mail of `kind` to their address is over the limit: then `None`, as
    /// for an unknown address.
    pub(crate) async fn mail_recipient(
        &self,
        kind: MailKind,
        user: Option<User>,
    ) -> Result<Option<User>, Error> {
        match user {
            Some(user) if self.mail_allowed(kind, &user.email).await? => Ok(Some(user)),
            _ => Ok(None),
        }
    }
}
