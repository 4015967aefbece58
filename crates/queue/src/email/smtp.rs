//! The SMTP side: `smtp_url` parsed once at start-up (its `Debug` and
//! `Display` never show the password), and the transport that sends.

use std::fmt;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// How long one conversation with the SMTP server may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(15);

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// `smtp://`: plain connection upgraded with STARTTLS, which is required.
    StartTls,
    /// `smtps://`: TLS from the first byte.
    Tls,
    /// `smtp://…?tls=none`: no TLS at all, for a relay on the same host;
    /// refused together with a password.
    None,
}

/// A parsed `smtp_url`.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl {
    host: String,
    port: u16,
    security: Security,
    user: Option<String>,
    password: Option<String>,
}

impl SmtpUrl {
    /// Parses `smtp://[user:password@]host[:port]` (STARTTLS, port 587),
    /// `smtps://…` (TLS, port 465) or `smtp://host[:port]?tls=none` (port 25).
    /// The error never repeats the password.
    pub fn parse(text: &str) -> Result<Self, String> {
        let url = url::Url::parse(text.trim()).map_err(|e| {
            format!("{e}; expected smtp://[user:password@]host[:port] or smtps://…")
        })?;
        let mut plain = false;
        for (key, value) in url.query_pairs() {
            match (key.as_ref(), value.as_ref()) {
                ("tls", "none") if url.scheme() == "smtp" => plain = true,
                _ => {
                    return Err(format!(
                        "unknown parameter {key}={value}; the only one is tls=none on smtp://"
                    ));
                }
            }
        }
        let security = match (url.scheme(), plain) {
            ("smtp", false) => Security::StartTls,
            ("smtp", true) => Security::None,
            ("smtps", _) => Security::Tls,
            (other, _) => {
                return Err(format!(
                    "unknown scheme {other:?}; expected smtp:// (STARTTLS) or smtps:// (TLS)"
                ));
            }
        };
        let host = match url.host_str() {
            Some(host) if !host.is_empty() => host.trim_start_matches('[').trim_end_matches(']'),
            _ => return Err("no host; expected smtp://host[:port]".into()),
        };
        if url.path().len() > 1 {
            return Err("a path is not used; expected smtp://host[:port]".into());
        }
        let decode = |text: &str| {
            percent_decode(text).ok_or_else(|| {
                "the user or password is not valid percent-encoded UTF-8".to_string()
            })
        };
        let user = (!url.username().is_empty())
            .then(|| decode(url.username()))
            .transpose()?;
        let password = url.password().map(decode).transpose()?;
        if password.is_some() && user.is_none() {
            return Err("a password without a user".into());
        }
        if password.is_some() && security == Security::None {
            return Err("a password is never sent without TLS; drop ?tls=none".into());
        }
        let port = url.port().unwrap_or(match security {
            Security::StartTls => 587,
            Security::Tls => 465,
            Security::None => 25,
        });
        Ok(Self {
            host: host.to_string(),
            port,
            security,
            user,
            password,
        })
    }

    /// How the connection is protected.
    pub fn security(&self) -> Security {
        self.security
    }
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

impl fmt::Display for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match self.security {
            Security::Tls => "smtps",
            Security::StartTls | Security::None => "smtp",
        };
        write!(f, "{scheme}://")?;
        if let Some(user) = &self.user {
            write!(f, "{user}")?;
            if self.password.is_some() {
                write!(f, ":***")?;
            }
            write!(f, "@")?;
        }
        write!(f, "{}:{}", self.host, self.port)?;
        if self.security == Security::None {
            write!(f, "?tls=none")?;
        }
        Ok(())
    }
}

impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SmtpUrl({self})")
    }
}

/// Where and as whom the server sends email: `smtp_url`, `smtp_from` and
/// `smtp_ca_file` together.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    /// The server and how to reach it.
    pub url: SmtpUrl,
    /// The sender of every email.
    pub from: Mailbox,
    /// PEM certificates trusted besides the system's (a company CA).
    pub extra_roots: Option<Vec<u8>>,
}

/// Why an email was not sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The TLS settings or the message could not be made.
    #[error("cannot prepare the email: {0}")]
    Prepare(String),
    /// The SMTP server could not be reached or refused the email.
    #[error("the SMTP server did not take the email: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
}

/// Sends email through the configured SMTP server.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    shown: String,
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Mailer({})", self.shown)
    }
}

impl Mailer {
    /// A mailer for `settings`; connects only when sending.
    pub fn new(settings: &SmtpSettings) -> Result<Self, MailError> {
        let url = &settings.url;
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(url.host.clone())
            .port(url.port)
            .timeout(Some(SMTP_TIMEOUT));
        if url.security != Security::None {
            let mut tls = TlsParameters::builder(url.host.clone());
            if let Some(pem) = &settings.extra_roots {
                let roots =
                    Certificate::from_pem(pem).map_err(|e| MailError::Prepare(e.to_string()))?;
                tls = tls.add_root_certificate(roots);
            }
            let tls = tls
                .build_rustls()
                .map_err(|e| MailError::Prepare(e.to_string()))?;
            builder = builder.tls(match url.security {
                Security::Tls => Tls::Wrapper(tls),
                _ => Tls::Required(tls),
            });
        }
        if let (Some(user), Some(password)) = (&url.user, &url.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(Self {
            transport: builder.build(),
            from: settings.from.clone(),
            shown: url.to_string(),
        })
    }

    /// Sends one plain-text email to `to`.
    pub async fn send(&self, to: Mailbox, subject: &str, body: String) -> Result<(), MailError> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| MailError::Prepare(e.to_string()))?;
        self.transport.send(message).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_pick_tls_and_default_ports() {
        let url = SmtpUrl::parse("smtp://mail.example.com").expect("valid");
        assert_eq!((url.security, url.port), (Security::StartTls, 587));
        let url = SmtpUrl::parse("smtps://mail.example.com").expect("valid");
        assert_eq!((url.security, url.port), (Security::Tls, 465));
        let url = SmtpUrl::parse("smtp://localhost?tls=none").expect("valid");
        assert_eq!((url.security, url.port), (Security::None, 25));
    }

    #[test]
    fn the_password_is_decoded_and_never_shown() {
        let url = SmtpUrl::parse("smtp://ana%40example.com:p%40ss%2Fw@mail.example.com:2525")
            .expect("valid");
        assert_eq!(url.user.as_deref(), Some("ana@example.com"));
        assert_eq!(url.password.as_deref(), Some("p@ss/w"));
        for shown in [url.to_string(), format!("{url:?}")] {
            assert!(
                !shown.contains("p@ss") && !shown.contains("p%40ss"),
                "{shown}"
            );
            assert!(shown.contains("mail.example.com:2525"), "{shown}");
        }
    }

    #[test]
    fn bad_urls_are_refused_without_echoing_the_password() {
        for bad in [
            "http://mail.example.com",
            "smtp://",
            "smtp://mail.example.com?tls=maybe",
            "smtps://mail.example.com?tls=none",
            "smtp://user:secret@mail.example.com?tls=none",
            "smtp://:secret@mail.example.com",
            "smtp://mail.example.com/path",
            "smtp://relay:secret%+f@mail.example.com",
        ] {
            let err = SmtpUrl::parse(bad).expect_err(bad);
            assert!(!err.contains("secret"), "{bad}: {err}");
        }
    }
}
