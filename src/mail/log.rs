//! Mail printed to the console, for development.

use super::{Mail, Mailer};
use crate::mail::MailError;

/// Delivers nothing: logs the recipient, the subject and the text part, so links and codes can
/// be copied from the console. The default transport (`security.mail.url = "log"`).
///
/// Logged through `tracing` when the application installed a `tracing` subscriber, otherwise
/// through the `log` facade that Rocket's own logger prints.
#[derive(Debug, Clone, Default)]
pub struct LogMailer {
    _private: (),
}

impl LogMailer {
    /// A mailer that logs every mail.
    pub fn new() -> Self {
        LogMailer::default()
    }
}

#[rocket::async_trait]
impl Mailer for LogMailer {
    async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        if tracing::dispatcher::has_been_set() {
            tracing::info!(
                from = %mail.from,
                to = %mail.to,
                subject = %mail.subject,
                "mail (not sent, security.mail.url = \"log\"):\n{}",
                mail.text
            );
        } else {
            rocket::log::private::info!(
                target: "rocket_security::mail",
                "mail to {} (not sent, security.mail.url = \"log\")\nFrom: {}\nSubject: {}\n\n{}",
                mail.to,
                mail.from,
                mail.subject,
                mail.text
            );
        }
        Ok(())
    }
}
