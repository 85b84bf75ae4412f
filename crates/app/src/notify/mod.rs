//! Outgoing notifications (CNT-3): messages are queued in the outbox in the same transaction
//! as the change that causes them, and a worker delivers them over e-mail (SMTP), SMS (an
//! HTTP gateway) or WhatsApp (the Business Cloud API) with retries, backoff and a dead state.

pub mod email;
pub mod outbox;
pub mod sms;
pub mod views;
pub mod webhook;
pub mod whatsapp;
pub mod worker;

use std::sync::Arc;

pub use email::{EmailSender, FakeEmail, LogEmail, SmtpEmail, UnconfiguredEmail};
pub use outbox::{Channel, OutgoingMessage, enqueue};
pub use sms::{FakeSms, LogSms, SmsRu, SmsSender, UnconfiguredSms};
pub use whatsapp::{CloudApi, FakeWhatsApp, LogWhatsApp, UnconfiguredWhatsApp, WhatsAppSender};

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

/// What carries a channel's messages: a real service (named as configured), the log, memory
/// (the demo's and tests' stand-ins) or nothing yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Live(&'static str),
    Log,
    Fake,
    Unconfigured,
}

impl Transport {
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Live(name) => name,
            Transport::Log => "log",
            Transport::Fake => "fake",
            Transport::Unconfigured => "unconfigured",
        }
    }
}

/// The delivery adapters in use.
#[derive(Clone)]
pub struct Channels {
    pub email: Arc<dyn EmailSender>,
    pub sms: Arc<dyn SmsSender>,
    pub whatsapp: Arc<dyn WhatsAppSender>,
    /// Events for an external CRM; always the real HTTP client, since the URL is the
    /// configuration's (tests point it at a local receiver).
    pub webhook: Arc<webhook::Webhook>,
    /// What the in-memory stand-ins "delivered", when a channel uses one (the demo, tests):
    /// the demo's inbox page reads it, since the outbox keeps no codes or passwords.
    pub demo_inbox: DemoInbox,
}

/// The messages the in-memory stand-in transports received; empty parts for real transports.
#[derive(Clone, Default)]
pub struct DemoInbox {
    pub email: Option<FakeEmail>,
    pub sms: Option<FakeSms>,
    pub whatsapp: Option<FakeWhatsApp>,
}

/// One message a stand-in transport received.
#[derive(Debug, Clone)]
pub struct DemoMessage {
    pub channel: Channel,
    pub recipient: String,
    pub subject: Option<String>,
    pub body: String,
}

impl DemoInbox {
    pub fn is_open(&self) -> bool {
        self.email.is_some() || self.sms.is_some() || self.whatsapp.is_some()
    }

    /// Every message received, newest first (SMS, WhatsApp and e-mail interleaved by arrival
    /// is not known, so texts come first: codes are what a demo visitor looks for).
    pub fn newest_first(&self) -> Vec<DemoMessage> {
        let mut all = Vec::new();
        if let Some(sms) = &self.sms {
            let sent = sms.sent.lock().map(|v| v.clone()).unwrap_or_default();
            all.extend(sent.into_iter().rev().map(|(to, text)| DemoMessage {
                channel: Channel::Sms,
                recipient: to,
                subject: None,
                body: text,
            }));
        }
        if let Some(whatsapp) = &self.whatsapp {
            let sent = whatsapp.sent.lock().map(|v| v.clone()).unwrap_or_default();
            all.extend(sent.into_iter().rev().map(|(to, t)| DemoMessage {
                channel: Channel::Whatsapp,
                recipient: to,
                subject: Some(t.name),
                body: t.text,
            }));
        }
        if let Some(email) = &self.email {
            let sent = email.sent.lock().map(|v| v.clone()).unwrap_or_default();
            all.extend(sent.into_iter().rev().map(|e| DemoMessage {
                channel: Channel::Email,
                recipient: e.to,
                subject: Some(e.subject),
                body: e.body,
            }));
        }
        all
    }
}

impl Channels {
    /// Adapters named by the configuration: real clients, or fakes for demos and tests.
    pub fn from_config(config: &Config) -> anyhow::Result<Channels> {
        use crate::config::{EmailTransport, SmsTransport, WhatsappTransport};
        let mut demo_inbox = DemoInbox::default();
        let email: Arc<dyn EmailSender> = match config.email.transport {
            EmailTransport::Smtp => Arc::new(SmtpEmail::new(&config.email)?),
            EmailTransport::Log => Arc::new(LogEmail),
            EmailTransport::Fake => Arc::new(demo_inbox.email.insert(FakeEmail::default()).clone()),
            EmailTransport::Unconfigured => Arc::new(UnconfiguredEmail),
        };
        let sms: Arc<dyn SmsSender> = match config.sms.transport {
            SmsTransport::Smsru => Arc::new(SmsRu::new(&config.sms)?),
            SmsTransport::Log => Arc::new(LogSms),
            SmsTransport::Fake => Arc::new(demo_inbox.sms.insert(FakeSms::default()).clone()),
            SmsTransport::Unconfigured => Arc::new(UnconfiguredSms),
        };
        let whatsapp: Arc<dyn WhatsAppSender> = match config.whatsapp.transport {
            WhatsappTransport::CloudApi => Arc::new(CloudApi::new(&config.whatsapp)?),
            WhatsappTransport::Log => Arc::new(LogWhatsApp),
            WhatsappTransport::Fake => Arc::new(demo_inbox.whatsapp.insert(FakeWhatsApp::default()).clone()),
            WhatsappTransport::Unconfigured => Arc::new(UnconfiguredWhatsApp),
        };
        Ok(Channels {
            email,
            sms,
            whatsapp,
            webhook: Arc::new(webhook::Webhook::default()),
            demo_inbox,
        })
    }

    /// Each channel and the transport behind it, for readiness checks.
    pub fn states(&self) -> [(Channel, Transport); 3] {
        [
            (Channel::Email, self.email.kind()),
            (Channel::Sms, self.sms.kind()),
            (Channel::Whatsapp, self.whatsapp.kind()),
        ]
    }

    /// Whether people may choose WhatsApp: a transport is configured.
    pub fn offers_whatsapp(&self) -> bool {
        self.whatsapp.kind() != Transport::Unconfigured
    }

    /// Refuses to deliver in a way that loses messages without a word: a channel with no
    /// transport (recovery codes and passwords would wait for ever), or an in-memory fake
    /// outside the demo (they would be marked sent and go nowhere). `log` is allowed, loudly.
    pub fn refuse_silent_loss(&self, demo: bool) -> anyhow::Result<()> {
        for (channel, kind) in self.states() {
            match kind {
                // WhatsApp is optional: unconfigured, nobody is offered it.
                Transport::Unconfigured if channel == Channel::Whatsapp => {}
                Transport::Unconfigured => anyhow::bail!(
                    "{channel}.transport is not configured: set it to {} to deliver, or to \"log\" to write messages to the log",
                    if channel == Channel::Email {
                        "\"smtp\""
                    } else {
                        "\"smsru\""
                    }
                ),
                Transport::Fake if !demo => anyhow::bail!(
                    "{channel}.transport = \"fake\" keeps messages in memory only and is for the demo and tests"
                ),
                Transport::Log => tracing::warn!(%channel, "messages of this channel are written to the log, not sent"),
                _ => {}
            }
        }
        Ok(())
    }

    pub fn fakes() -> (Channels, FakeEmail, FakeSms) {
        let email = FakeEmail::default();
        let sms = FakeSms::default();
        let whatsapp = FakeWhatsApp::default();
        (
            Channels {
                email: Arc::new(email.clone()),
                sms: Arc::new(sms.clone()),
                whatsapp: Arc::new(whatsapp.clone()),
                webhook: Arc::new(webhook::Webhook::default()),
                demo_inbox: DemoInbox {
                    email: Some(email.clone()),
                    sms: Some(sms.clone()),
                    whatsapp: Some(whatsapp),
                },
            },
            email,
            sms,
        )
    }
}
