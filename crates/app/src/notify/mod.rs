//! Outgoing notifications (CNT-3): messages are queued in the outbox in the same transaction
//! as the change that causes them, and a worker delivers them over e-mail (SMTP) or SMS (an
//! HTTP gateway) with retries, backoff and a dead state.

pub mod email;
pub mod outbox;
pub mod sms;
pub mod webhook;
pub mod worker;

use std::sync::Arc;

pub use email::{EmailSender, FakeEmail, SmtpEmail};
pub use outbox::{Channel, OutgoingMessage, enqueue};
pub use sms::{FakeSms, SmsRu, SmsSender};

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
            "fake" => Arc::new(FakeEmail::default()),
            other => anyhow::bail!("unknown e-mail transport {other:?} (smtp or fake)"),
        };
        let sms: Arc<dyn SmsSender> = match config.sms.transport.as_str() {
            "smsru" => Arc::new(SmsRu::new(&config.sms)?),
            "fake" => Arc::new(FakeSms::default()),
            other => anyhow::bail!("unknown SMS transport {other:?} (smsru or fake)"),
        };
        Ok(Channels {
            email,
            sms,
            webhook: Arc::new(webhook::Webhook::default()),
        })
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
