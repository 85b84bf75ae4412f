//! Outgoing notifications (CNT-3): messages are queued in the outbox in the same transaction
//! as the change that causes them, and a worker delivers them over e-mail (SMTP) or SMS (an
//! HTTP gateway) with retries, backoff and a dead state.

pub mod email;
pub mod outbox;
pub mod sms;
pub mod webhook;
pub mod worker;

use std::sync::Arc;

pub use email::{EmailSender, FakeEmail, LogEmail, SmtpEmail, UnconfiguredEmail};
pub use outbox::{Channel, OutgoingMessage, enqueue};
pub use sms::{FakeSms, LogSms, SmsRu, SmsSender, UnconfiguredSms};

use crate::config::Config;

/// Why a delivery failed: a temporary failure is retried, a permanent one goes straight to the
/// dead state.
#[derive(Debug, Clone, thiserror::Error)]
pub enum DeliveryError {
    #[error("temporary: {0}")]
    Temporary(String),
    #[error("permanent: {0}")]
    Permanent(String),
}

/// The delivery adapters in use.
#[derive(Clone)]
pub struct Channels {
    pub email: Arc<dyn EmailSender>,
    pub sms: Arc<dyn SmsSender>,
    /// Events for an external CRM; always the real HTTP client, since the URL is the
    /// configuration's (tests point it at a local receiver).
    pub webhook: Arc<webhook::Webhook>,
}

impl Channels {
    /// Adapters named by the configuration: real clients, or fakes for demos and tests.
    pub fn from_config(config: &Config) -> anyhow::Result<Channels> {
        let email: Arc<dyn EmailSender> = match config.email.transport.as_str() {
            "smtp" => Arc::new(SmtpEmail::new(&config.email)?),
            "log" => Arc::new(LogEmail),
            "fake" => Arc::new(FakeEmail::default()),
            "" => Arc::new(UnconfiguredEmail),
            other => anyhow::bail!("unknown email.transport {other:?} (smtp, log or fake)"),
        };
        let sms: Arc<dyn SmsSender> = match config.sms.transport.as_str() {
            "smsru" => Arc::new(SmsRu::new(&config.sms)?),
            "log" => Arc::new(LogSms),
            "fake" => Arc::new(FakeSms::default()),
            "" => Arc::new(UnconfiguredSms),
            other => anyhow::bail!("unknown sms.transport {other:?} (smsru, log or fake)"),
        };
        Ok(Channels {
            email,
            sms,
            webhook: Arc::new(webhook::Webhook::default()),
        })
    }

    /// Each channel and the transport behind it, for readiness checks.
    pub fn states(&self) -> [(&'static str, &'static str); 2] {
        [("email", self.email.kind()), ("sms", self.sms.kind())]
    }

    /// Refuses to deliver in a way that loses messages without a word: a channel with no
    /// transport (recovery codes and passwords would wait for ever), or an in-memory fake
    /// outside the demo (they would be marked sent and go nowhere). `log` is allowed, loudly.
    pub fn refuse_silent_loss(&self, demo: bool) -> anyhow::Result<()> {
        for (channel, kind) in self.states() {
            match kind {
                "unconfigured" => anyhow::bail!(
                    "{channel}.transport is not configured: set it to {} to deliver, or to \"log\" to write messages to the log",
                    if channel == "email" { "\"smtp\"" } else { "\"smsru\"" }
                ),
                "fake" if !demo => anyhow::bail!(
                    "{channel}.transport = \"fake\" keeps messages in memory only and is for the demo and tests"
                ),
                "log" => tracing::warn!(%channel, "messages of this channel are written to the log, not sent"),
                _ => {}
            }
        }
        Ok(())
    }

    pub fn fakes() -> (Channels, FakeEmail, FakeSms) {
        let email = FakeEmail::default();
        let sms = FakeSms::default();
        (
            Channels {
                email: Arc::new(email.clone()),
                sms: Arc::new(sms.clone()),
                webhook: Arc::new(webhook::Webhook::default()),
            },
            email,
            sms,
        )
    }
}
