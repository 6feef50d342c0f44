//! Mail written to a directory as `.eml` files, for development without a mail server.

use std::path::{Path, PathBuf};

use lettre::{AsyncFileTransport, AsyncTransport, Tokio1Executor};
use percent_encoding::percent_decode_str;

use super::{build_message, config_error, Mail, MailError, Mailer};

/// Writes each mail to `DIR/<uuid>.eml` (lettre's file transport); the directory is created
/// when missing. Open the files with any mail client.
///
/// `security.mail.url = "file://mail-outbox"` writes to `mail-outbox/` under the working
/// directory, `"file:///var/mail/app"` to an absolute path.
#[derive(Debug, Clone)]
pub struct FileMailer {
    dir: PathBuf,
    transport: AsyncFileTransport<Tokio1Executor>,
}

impl FileMailer {
    /// Writes mails into `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        let dir = dir.into();
        FileMailer {
            transport: AsyncFileTransport::new(&dir),
            dir,
        }
    }

    /// Reads `file://DIR`: everything after `file://`, percent-decoded, is the directory.
    pub fn from_url(url: &str) -> Result<Self, MailError> {
        let rest = url
            .get(..7)
            .filter(|scheme| scheme.eq_ignore_ascii_case("file://"))
            .map(|_| &url[7..])
            .ok_or_else(|| config_error(url, "write file://DIR"))?;
        let dir = percent_decode_str(rest)
            .decode_utf8()
            .map_err(|_| config_error(url, "the directory is not valid UTF-8"))?;
        if dir.trim().is_empty() {
            return Err(config_error(url, "no directory; write file://DIR"));
        }
        Ok(Self::new(dir.as_ref()))
    }

    /// The directory mails are written to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

#[rocket::async_trait]
impl Mailer for FileMailer {
    async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        let message = build_message(mail)?;
        tokio::fs::create_dir_all(&self.dir).await.map_err(|e| {
            MailError::transport(std::io::Error::new(
                e.kind(),
                format!("cannot create {}: {e}", self.dir.display()),
            ))
        })?;
        let id = self
            .transport
            .send(message)
            .await
            .map_err(MailError::File)?;
        tracing::info!(
            to = %mail.to,
            subject = %mail.subject,
            "mail written to {}",
            self.dir.join(format!("{id}.eml")).display()
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_relative_and_absolute_directories() {
        let dir = |url: &str| FileMailer::from_url(url).unwrap().dir().to_path_buf();
        assert_eq!(dir("file://mail-outbox"), PathBuf::from("mail-outbox"));
        assert_eq!(dir("file:///var/mail/app"), PathBuf::from("/var/mail/app"));
        assert_eq!(dir("FILE:///tmp/a%20b"), PathBuf::from("/tmp/a b"));
        assert!(FileMailer::from_url("file://").is_err());
        assert!(FileMailer::from_url("smtp://x").is_err());
    }
}
