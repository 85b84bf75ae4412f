//! E-mail over SMTP (lettre), and a fake that keeps what it was asked to send.

use std::sync::{Arc, Mutex};

use lettre::message::{Mailbox, MultiPart, SinglePart, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::DeliveryError;
use crate::config::EmailConfig;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub attachments: Vec<AttachedFile>,
}

/// A file attached to an e-mail, read from the data directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachedFile {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

#[async_trait::async_trait]
pub trait EmailSender: Send + Sync {
    /// Sends one message; returns the provider's id of it when there is one.
    async fn send(&self, email: &Email) -> Result<Option<String>, DeliveryError>;
    /// The transport's name as configured (`smtp`, `log`, `fake`, or `unconfigured`).
    fn kind(&self) -> super::Transport;
}

pub struct SmtpEmail {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpEmail {
    pub fn new(cfg: &EmailConfig) -> anyhow::Result<SmtpEmail> {
        let url = cfg.smtp_url.replace("smtp+starttls://", "smtp://");
        let mut builder = if cfg.smtp_url.starts_with("smtp+starttls://") {
            let host_port = url.trim_start_matches("smtp://");
            let (host, port) = split_host_port(host_port, 587)?;
            AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)?.port(port)
        } else if let Some(rest) = url.strip_prefix("smtps://") {
            let (host, port) = split_host_port(rest, 465)?;
            AsyncSmtpTransport::<Tokio1Executor>::relay(host)?.port(port)
        } else if let Some(rest) = url.strip_prefix("smtp://") {
            let (host, port) = split_host_port(rest, 25)?;
            AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host).port(port)
        } else {
            anyhow::bail!("e-mail smtp_url must start with smtp://, smtp+starttls:// or smtps://");
        };
        if let (Some(user), Some(pass)) = (&cfg.smtp_username, &cfg.smtp_password) {
            builder = builder.credentials(Credentials::new(user.clone(), pass.clone()));
        }
        let from: Mailbox = cfg
            .from
            .parse()
            .map_err(|e| anyhow::anyhow!("e-mail from {:?}: {e}", cfg.from))?;
        Ok(SmtpEmail {
            transport: builder.timeout(Some(std::time::Duration::from_secs(20))).build(),
            from,
        })
    }
}

fn split_host_port(s: &str, default_port: u16) -> anyhow::Result<(&str, u16)> {
    let s = s.trim_end_matches('/');
    match s.rsplit_once(':') {
        Some((host, port)) => Ok((host, port.parse()?)),
        None => Ok((s, default_port)),
    }
}

#[async_trait::async_trait]
impl EmailSender for SmtpEmail {
    async fn send(&self, email: &Email) -> Result<Option<String>, DeliveryError> {
        let to: Mailbox = email
            .to
            .parse()
            .map_err(|e| DeliveryError::Permanent(format!("recipient: {e}")))?;
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject.clone());
        let message = if email.attachments.is_empty() {
            builder.header(ContentType::TEXT_PLAIN).body(email.body.clone())
        } else {
            let mut parts = MultiPart::mixed().singlepart(SinglePart::plain(email.body.clone()));
            for a in &email.attachments {
                let content_type = ContentType::parse(&a.content_type)
                    .map_err(|e| DeliveryError::Permanent(format!("attachment type: {e}")))?;
                parts = parts
                    .singlepart(lettre::message::Attachment::new(a.name.clone()).body(a.bytes.clone(), content_type));
            }
            builder.multipart(parts)
        }
        .map_err(|e| DeliveryError::Permanent(format!("message: {e}")))?;
        match self.transport.send(message).await {
            Ok(response) => Ok(response.message().next().map(str::to_owned)),
            Err(e) if e.is_permanent() => Err(DeliveryError::Permanent(e.to_string())),
            Err(e) => Err(DeliveryError::Temporary(e.to_string())),
        }
    }

    fn kind(&self) -> super::Transport {
        super::Transport::Live("smtp")
    }
}

/// Keeps messages in memory; the demo and the tests read them back.
#[derive(Clone, Default)]
pub struct FakeEmail {
    pub sent: Arc<Mutex<Vec<Email>>>,
}

#[async_trait::async_trait]
impl EmailSender for FakeEmail {
    async fn send(&self, email: &Email) -> Result<Option<String>, DeliveryError> {
        let mut sent = self.sent.lock().expect("fake mailbox");
        sent.push(email.clone());
        Ok(Some(format!("fake-{}", sent.len())))
    }

    fn kind(&self) -> super::Transport {
        super::Transport::Fake
    }
}

/// Writes each message to the log instead of sending it: chosen explicitly
/// (`transport = "log"`) by an installation that has no mail server yet and reads its log.
pub struct LogEmail;

#[async_trait::async_trait]
impl EmailSender for LogEmail {
    async fn send(&self, email: &Email) -> Result<Option<String>, DeliveryError> {
        tracing::warn!(to = %email.to, subject = %email.subject, body = %email.body, "e-mail written to the log, not sent");
        Ok(None)
    }

    fn kind(&self) -> super::Transport {
        super::Transport::Log
    }
}

/// No transport configured: nothing is sent and nothing is marked sent; messages wait in the
/// outbox until a transport is configured (a worker refuses to start without one).
pub struct UnconfiguredEmail;

#[async_trait::async_trait]
impl EmailSender for UnconfiguredEmail {
    async fn send(&self, _: &Email) -> Result<Option<String>, DeliveryError> {
        Err(DeliveryError::Temporary("no e-mail transport is configured".into()))
    }

    fn kind(&self) -> super::Transport {
        super::Transport::Unconfigured
    }
}
