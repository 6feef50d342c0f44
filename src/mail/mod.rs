//! Outgoing mail: the `Mailer` trait, its transports, the outbox and mail templates.
//!
//! Flows never talk to SMTP themselves. They render a [`Mail`] with [`render_mail`] and hand it
//! to the [`Outbox`], which stores it in the datastore and returns at once; a background worker
//! delivers it through a [`Mailer`] and retries with backoff while the transport is down.
//!
//! Transports, chosen by `security.mail.url` through [`mailer_from_config`]:
//!
//! | url | mailer |
//! |---|---|
//! | `smtp://host:port` | [`SmtpMailer`], plain SMTP (local relays, test sinks) |
//! | `smtp://host:port?tls=required` | [`SmtpMailer`], STARTTLS required |
//! | `smtps://host:port` | [`SmtpMailer`], implicit TLS |
//! | `file://DIR` | [`FileMailer`], one `.eml` file a mail |
//! | `log` | [`LogMailer`], the text part in the log (development) |
//!
//! [`CapturingMailer`] keeps mails in memory for tests.

mod capture;
mod file;
mod limit;
mod log;
mod notice;
mod outbox;
mod render;
mod smtp;

use std::error::Error as StdError;
use std::fmt::Write as _;
use std::sync::Arc;

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox, MultiPart, SinglePart};
use lettre::Message;

pub use self::capture::CapturingMailer;
pub use self::file::FileMailer;
pub(crate) use self::limit::{within_mail_limit, MailKind};
pub use self::log::LogMailer;
pub(crate) use self::notice::Notice;
pub use self::outbox::Outbox;
pub use self::render::render_mail;
pub use self::smtp::SmtpMailer;

use crate::config::{redact_url, MailConfig, MailTransport};
use crate::datastore::DatastoreError;

/// One outgoing mail: a sender, one recipient, a subject and a text and an HTML version of the
/// same content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// `From` header and envelope sender, an address or `Name <address>`.
    pub from: String,
    /// The recipient, an address or `Name <address>`.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// The text/plain part.
    pub text: String,
    /// The text/html part.
    pub html: String,
}

/// Why a mail could not be built, stored or delivered.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// A sender or recipient is not a valid e-mail address.
    #[error("invalid e-mail address {address:?}")]
    InvalidAddress {
        /// The text that failed to parse.
        address: String,
        /// What is wrong with it.
        #[source]
        source: lettre::address::AddressError,
    },
    /// The message could not be assembled.
    #[error("could not build the mail message")]
    Message(#[source] lettre::error::Error),
    /// The SMTP server could not be reached or refused the mail.
    #[error("SMTP delivery failed")]
    Smtp(#[source] lettre::transport::smtp::Error),
    /// The mail file could not be written.
    #[error("could not write the mail file")]
    File(#[source] lettre::transport::file::Error),
    /// Another transport failed (custom [`Mailer`]s, the failures a [`CapturingMailer`] is
    /// told to simulate).
    #[error("mail transport failed")]
    Transport(#[source] Box<dyn StdError + Send + Sync>),
    /// `security.mail` cannot be used.
    #[error("unsupported mail url {url:?}: {reason}")]
    Config {
        /// The configured URL, password removed.
        url: String,
        /// What is wrong and what to write instead.
        reason: String,
    },
    /// A mail template is missing or failed to render.
    #[error("could not render mail template {template:?}")]
    Template {
        /// The full template name, for example `security/email/welcome.txt.tera`.
        template: String,
        /// Tera's error, naming the line and variable.
        #[source]
        source: rocket_dyn_templates::tera::Error,
    },
    /// The outbox could not be read or written.
    #[error("mail outbox: datastore failed")]
    Datastore(#[from] DatastoreError),
}

impl MailError {
    /// Wraps any error of a custom transport.
    pub fn transport(error: impl StdError + Send + Sync + 'static) -> Self {
        MailError::Transport(Box::new(error))
    }
}

/// Something that delivers mail: SMTP, files, the log, memory.
///
/// Implementations are used behind `Arc<dyn Mailer>`; a call may take as long as the transport
/// needs (requests do not wait for it: the [`Outbox`] calls mailers from a background task).
///
/// ```
/// use rocket_security::{Mail, MailError, Mailer};
///
/// struct Discard;
///
/// #[rocket::async_trait]
/// impl Mailer for Discard {
///     async fn send(&self, _mail: &Mail) -> Result<(), MailError> {
///         Ok(())
///     }
/// }
/// ```
#[rocket::async_trait]
pub trait Mailer: Send + Sync + 'static {
    /// Delivers one mail, or says why it could not.
    async fn send(&self, mail: &Mail) -> Result<(), MailError>;
}

/// Builds the mailer `security.mail.url` asks for: `smtp://`, `smtps://`, `file://` or `log`.
///
/// Unknown schemes and malformed URLs are refused with an error naming the URL (without its
/// password), so a launch with a typo stops with a message saying what to write.
///
/// ```
/// use rocket_security::{mailer_from_config, MailConfig};
///
/// let config = MailConfig { url: "smtp://127.0.0.1:2525".into(), ..MailConfig::default() };
/// assert!(mailer_from_config(&config).is_ok());
///
/// let config = MailConfig { url: "mailto:me@example.com".into(), ..MailConfig::default() };
/// let error = mailer_from_config(&config).err().unwrap();
/// assert!(error.to_string().contains("mailto:me@example.com"));
/// ```
pub fn mailer_from_config(config: &MailConfig) -> Result<Arc<dyn Mailer>, MailError> {
    let url = config.url.trim();
    match config.transport() {
        Some(MailTransport::Log) => Ok(Arc::new(LogMailer::new())),
        Some(MailTransport::Smtp | MailTransport::Smtps) => {
            Ok(Arc::new(SmtpMailer::from_config(config)?))
        }
        Some(MailTransport::File) => Ok(Arc::new(FileMailer::from_url(url)?)),
        None => Err(config_error(
            url,
            "write smtp://host:port (add ?tls=required for STARTTLS), smtps://host:port, \
             file://DIR or log",
        )),
    }
}

/// A [`MailError::Config`] naming `url` with any password blanked out.
fn config_error(url: &str, reason: impl Into<String>) -> MailError {
    MailError::Config {
        url: redact_url(url),
        reason: reason.into(),
    }
}

/// Parses a sender or recipient.
fn mailbox(address: &str) -> Result<Mailbox, MailError> {
    address
        .trim()
        .parse()
        .map_err(|source| MailError::InvalidAddress {
            address: address.to_owned(),
            source,
        })
}

/// The `multipart/alternative` message for `mail`; lettre derives the envelope from `From`
/// and `To`, so the envelope sender is `mail.from`.
fn build_message(mail: &Mail) -> Result<Message, MailError> {
    let part = |content_type: ContentType, content: &str| {
        SinglePart::builder()
            .header(content_type)
            .body(part_body(content))
    };
    Message::builder()
        .from(mailbox(&mail.from)?)
        .to(mailbox(&mail.to)?)
        .subject(mail.subject.as_str())
        .multipart(
            MultiPart::alternative()
                .singlepart(part(ContentType::TEXT_PLAIN, &mail.text))
                .singlepart(part(ContentType::TEXT_HTML, &mail.html)),
        )
        .map_err(MailError::Message)
}

/// The longest line SMTP carries (RFC 5322 section 2.1.1), without its CRLF.
const MAX_LINE: usize = 998;

/// A part's body, sent as is (7bit) when it is ASCII with lines SMTP can carry.
///
/// lettre picks quoted-printable for any line over 76 characters, which splits long links
/// with soft line breaks and writes `=` as `=3D`; sent as 7bit, links stay intact in the raw
/// message and in `.eml` files.
fn part_body(content: &str) -> Body {
    let crlf = content.replace("\r\n", "\n").replace('\n', "\r\n");
    if crlf.is_ascii() && crlf.split("\r\n").all(|line| line.len() <= MAX_LINE) {
        Body::dangerous_pre_encoded(crlf.into_bytes(), ContentTransferEncoding::SevenBit)
    } else {
        Body::new(content.to_owned())
    }
}

/// An error and its sources on one line, for logs and the outbox's `last_error`.
///
/// Sources whose text the previous message already ends with are skipped (lettre repeats its
/// source in its own message).
pub(crate) fn error_chain(error: &dyn StdError) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.ends_with(&cause_text) {
            let _ = write!(text, ": {cause_text}");
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Mail {
        Mail {
            from: "Example <no-reply@example.com>".into(),
            to: "user@example.com".into(),
            subject: "Welcome".into(),
            text: "Hello".into(),
            html: "<p>Hello</p>".into(),
        }
    }

    #[test]
    fn builds_multipart_alternative_with_envelope_from_sender() {
        let message = build_message(&sample()).unwrap();
        let envelope = message.envelope();
        assert_eq!(
            envelope.from().map(|a| a.to_string()).as_deref(),
            Some("no-reply@example.com")
        );
        assert_eq!(envelope.to().len(), 1);
        let raw = String::from_utf8(message.formatted()).unwrap();
        assert!(raw.contains("multipart/alternative"), "{raw}");
        assert!(raw.contains("text/plain"), "{raw}");
        assert!(raw.contains("text/html"), "{raw}");
    }

    #[test]
    fn keeps_long_ascii_lines_intact() {
        let link = format!(
            "http://127.0.0.1:8000/us-verify-link?id=1&code={}",
            "7".repeat(80)
        );
        let mail = Mail {
            text: format!("Sign in:\n{link}\n"),
            html: format!("<p><a href=\"{link}\">{link}</a></p>"),
            ..sample()
        };
        let raw = String::from_utf8(build_message(&mail).unwrap().formatted()).unwrap();
        assert_eq!(raw.matches(&link).count(), 3, "{raw}");
        assert!(raw.contains("Sign in:\r\n"), "{raw}");
        assert!(!raw.contains("quoted-printable"), "{raw}");

        let accented = Mail {
            text: "Grüße".into(),
            ..sample()
        };
        let raw = String::from_utf8(build_message(&accented).unwrap().formatted()).unwrap();
        assert!(raw.is_ascii(), "non-ASCII text must be encoded: {raw}");
    }

    #[test]
    fn refuses_invalid_addresses_naming_them() {
        let mail = Mail {
            to: "not an address".into(),
            ..sample()
        };
        let error = build_message(&mail).unwrap_err();
        assert!(matches!(error, MailError::InvalidAddress { .. }));
        assert!(error.to_string().contains("not an address"));
    }

    #[test]
    fn redacts_passwords_in_urls() {
        let redacted = redact_url("smtp://user:s3cret@mail.example.com:587");
        assert!(!redacted.contains("s3cret"), "{redacted}");
        assert!(redacted.contains("user"), "{redacted}");
        assert_eq!(redact_url("smtp://mail:25"), "smtp://mail:25");
        assert!(!redact_url("smtp://u:s3cret@[bad").contains("s3cret"));
    }

    #[test]
    fn error_chain_skips_repeated_sources() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let error = MailError::transport(io);
        assert_eq!(error_chain(&error), "mail transport failed: refused");
    }
}
