//! Delivery over SMTP with lettre's pooled async transport.

use std::fmt;
use std::sync::OnceLock;
use std::time::Duration;

use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::AsyncSmtpTransportBuilder;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use percent_encoding::percent_decode_str;

use super::{build_message, config_error, Mail, MailError, Mailer};
use crate::config::MailConfig;

/// How long one SMTP conversation may take before the attempt counts as failed.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

/// Sends mail to an SMTP server (lettre's `AsyncSmtpTransport` on Tokio, connections pooled).
///
/// Built from `security.mail` by [`SmtpMailer::from_config`]:
///
/// - `smtp://host:port`: plain SMTP, no TLS (a relay on the same host, a test sink);
/// - `smtp://host:port?tls=required`: STARTTLS, refused if the server does not offer it
///   (`?tls=opportunistic` upgrades when offered);
/// - `smtps://host:port`: TLS from the first byte.
///
/// Default ports: 25 plain, 587 STARTTLS, 465 implicit TLS. Credentials come from
/// `mail.username`/`mail.password` or, when those are unset, from the URL
/// (`smtps://user:password@host`, percent-encoded).
///
/// The connection pool is created at the first send, on the Tokio runtime that sends: building
/// the mailer needs no runtime.
pub struct SmtpMailer {
    builder: AsyncSmtpTransportBuilder,
    transport: OnceLock<AsyncSmtpTransport<Tokio1Executor>>,
    /// The server, for logs; never the credentials.
    server: String,
}

impl Drop for SmtpMailer {
    fn drop(&mut self) {
        // lettre's pool spawns a task to close its connections when dropped, which panics
        // outside a Tokio runtime; there, the process is ending anyway, so let the pool go.
        if tokio::runtime::Handle::try_current().is_err() {
            if let Some(transport) = self.transport.take() {
                std::mem::forget(transport);
            }
        }
    }
}

impl fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("server", &self.server)
            .finish_non_exhaustive()
    }
}

/// How the connection is secured, from the URL's scheme and `tls` parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Security {
    Plain,
    StartTlsRequired,
    StartTlsOpportunistic,
    Implicit,
}

impl SmtpMailer {
    /// Builds the mailer `config.url` describes (see the type's documentation).
    pub fn from_config(config: &MailConfig) -> Result<Self, MailError> {
        let raw = config.url.trim();
        let url = url::Url::parse(raw)
            .map_err(|e| config_error(raw, format!("{e}; write smtp://host:port")))?;

        let tls_param = url
            .query_pairs()
            .find(|(key, _)| key == "tls")
            .map(|(_, value)| value.to_ascii_lowercase());
        let security = match (url.scheme(), tls_param.as_deref()) {
            ("smtp", None | Some("none")) => Security::Plain,
            ("smtp", Some("required")) => Security::StartTlsRequired,
            ("smtp", Some("opportunistic")) => Security::StartTlsOpportunistic,
            ("smtps", None | Some("implicit") | Some("wrapper")) => Security::Implicit,
            ("smtp" | "smtps", Some(other)) => {
                return Err(config_error(
                    raw,
                    format!(
                        "tls={other:?} is not understood; use ?tls=required for STARTTLS or \
                         smtps:// for implicit TLS"
                    ),
                ))
            }
            (scheme, _) => {
                return Err(config_error(
                    raw,
                    format!("scheme {scheme:?} is not SMTP; write smtp:// or smtps://"),
                ))
            }
        };

        let host = match url.host() {
            Some(url::Host::Domain(domain)) if !domain.is_empty() => domain.to_owned(),
            Some(url::Host::Ipv4(ip)) => ip.to_string(),
            Some(url::Host::Ipv6(ip)) => ip.to_string(),
            _ => return Err(config_error(raw, "no host; write smtp://host:port")),
        };
        let port = url.port().unwrap_or(match security {
            Security::Plain => 25,
            Security::StartTlsRequired | Security::StartTlsOpportunistic => 587,
            Security::Implicit => 465,
        });

        let mut builder = match security {
            Security::Plain => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&host),
            _ => {
                let parameters = TlsParameters::new(host.clone())
                    .map_err(|e| config_error(raw, format!("cannot set up TLS for {host}: {e}")))?;
                let tls = match security {
                    Security::StartTlsRequired => Tls::Required(parameters),
                    Security::StartTlsOpportunistic => Tls::Opportunistic(parameters),
                    _ => Tls::Wrapper(parameters),
                };
                AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&host).tls(tls)
            }
        }
        .port(port)
        .timeout(Some(SMTP_TIMEOUT));

        if let Some(credentials) = credentials(config, &url, raw)? {
            builder = builder.credentials(credentials);
        }

        Ok(Self::from_builder(builder, format!("{host}:{port}")))
    }

    /// Uses a transport configured by hand (other TLS settings, authentication mechanisms,
    /// pool sizes); `server` names it in logs.
    pub fn from_builder(builder: AsyncSmtpTransportBuilder, server: impl Into<String>) -> Self {
        SmtpMailer {
            builder,
            transport: OnceLock::new(),
            server: server.into(),
        }
    }
}

/// The credentials from the config's fields, else from the URL's userinfo, else none.
fn credentials(
    config: &MailConfig,
    url: &url::Url,
    raw: &str,
) -> Result<Option<Credentials>, MailError> {
    if config.username.is_some() || config.password.is_some() {
        return match (&config.username, &config.password) {
            (Some(user), Some(password)) => {
                Ok(Some(Credentials::new(user.clone(), password.clone())))
            }
            _ => Err(config_error(
                raw,
                "security.mail.username and security.mail.password must be set together",
            )),
        };
    }
    if url.username().is_empty() && url.password().is_none() {
        return Ok(None);
    }
    let decode = |part: &str| {
        percent_decode_str(part)
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|_| config_error(raw, "the user name or password is not valid UTF-8"))
    };
    Ok(Some(Credentials::new(
        decode(url.username())?,
        decode(url.password().unwrap_or_default())?,
    )))
}

#[rocket::async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        let message = build_message(mail)?;
        let transport = self.transport.get_or_init(|| self.builder.clone().build());
        transport.send(message).await.map_err(MailError::Smtp)?;
        tracing::debug!(server = %self.server, to = %mail.to, subject = %mail.subject, "mail sent");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(url: &str) -> MailConfig {
        MailConfig {
            url: url.into(),
            ..MailConfig::default()
        }
    }

    #[test]
    fn accepts_each_security_mode() {
        for url in [
            "smtp://127.0.0.1:2525",
            "smtp://localhost",
            "smtp://mail.example.com:587?tls=required",
            "smtp://mail.example.com?tls=opportunistic",
            "smtps://mail.example.com",
            "smtps://user:p%40ss@mail.example.com:465",
            "smtp://[::1]:2525",
        ] {
            let mailer = SmtpMailer::from_config(&config(url));
            assert!(mailer.is_ok(), "{url}: {:?}", mailer.err());
        }
    }

    #[test]
    fn names_default_ports() {
        let server = |url: &str| {
            SmtpMailer::from_config(&config(url))
                .unwrap()
                .server
                .clone()
        };
        assert_eq!(server("smtp://mail.example.com"), "mail.example.com:25");
        assert_eq!(
            server("smtp://mail.example.com?tls=required"),
            "mail.example.com:587"
        );
        assert_eq!(server("smtps://mail.example.com"), "mail.example.com:465");
    }

    #[test]
    fn refuses_bad_urls_without_leaking_passwords() {
        for url in [
            "smtp://user:s3cret@mail.example.com?tls=maybe",
            "smtp://user:s3cret@",
            "smtps://user:s3cret@mail.example.com?tls=none",
        ] {
            let error = SmtpMailer::from_config(&config(url)).unwrap_err();
            let message = error.to_string();
            assert!(
                matches!(error, MailError::Config { .. }),
                "{url}: {message}"
            );
            assert!(!message.contains("s3cret"), "{message}");
        }
    }

    #[test]
    fn wants_user_name_and_password_together() {
        let half = MailConfig {
            url: "smtp://mail.example.com".into(),
            username: Some("me".into()),
            ..MailConfig::default()
        };
        assert!(SmtpMailer::from_config(&half).is_err());
    }
}
