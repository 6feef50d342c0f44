//! `MailConfig`: the `[<profile>.security.mail]` table.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::choices::MailTransport;

/// Outgoing mail settings, under `[<profile>.security.mail]`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MailConfig {
    /// Where mail goes. `smtp://host:port` (plain; add `?tls=required` for STARTTLS),
    /// `smtps://host:port` (implicit TLS), `file://DIR` (one `.eml` file a mail, for
    /// development) or `log` (links printed to the console). Default: `log`.
    pub url: String,
    /// SMTP user name, if the server wants one.
    pub username: Option<String>,
    /// SMTP password.
    pub password: Option<String>,
    /// Delivery attempts before a mail is left in the outbox as failed. Default: 10.
    pub max_attempts: u32,
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            url: "log".into(),
            username: None,
            password: None,
            max_attempts: 10,
        }
    }
}

impl MailConfig {
    /// The transport `url` names, `None` when it names none.
    pub fn transport(&self) -> Option<MailTransport> {
        MailTransport::of_url(&self.url)
    }
}

/// `url` with the password of its userinfo replaced, for error messages and logs.
pub(crate) fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            // Setting a password only fails for URLs that cannot have one, not the case here.
            let _ = parsed.set_password(Some("[redacted]"));
            parsed.to_string()
        }
        Ok(_) => url.to_owned(),
        // Unparseable: keep the scheme and host part readable, drop anything like userinfo.
        Err(_) => match url.rsplit_once('@') {
            Some((_, host)) => format!("[redacted]@{host}"),
            None => url.to_owned(),
        },
    }
}

impl fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailConfig")
            .field("url", &self.url)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "[redacted]"))
            .field("max_attempts", &self.max_attempts)
            .finish()
    }
}
