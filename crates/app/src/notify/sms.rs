//! SMS through SMS.ru's HTTP API (`POST /sms/send` with `api_id`, `to`, `msg`, `json=1`),
//! and a fake that keeps what it was asked to send.

use std::sync::{Arc, Mutex};

use serde::Deserialize;

use super::DeliveryError;
use crate::config::SmsConfig;

#[async_trait::async_trait]
pub trait SmsSender: Send + Sync {
    /// Sends one text to an E.164 number; returns the provider's message id.
    async fn send(&self, to: &str, text: &str) -> Result<Option<String>, DeliveryError>;
    /// The transport's name as configured (`smsru`, `log`, `fake`, or `unconfigured`).
    fn kind(&self) -> super::Transport;
}

pub struct SmsRu {
    client: reqwest::Client,
    base_url: String,
    api_id: String,
    sender: Option<String>,
}

impl SmsRu {
    pub fn new(cfg: &SmsConfig) -> anyhow::Result<SmsRu> {
        let api_id = cfg
            .smsru_api_id
            .clone()
            .ok_or_else(|| anyhow::anyhow!("sms.smsru_api_id is required for the smsru transport"))?;
        Ok(SmsRu {
            client: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(20))
                .build()?,
            base_url: cfg.smsru_base_url.trim_end_matches('/').to_owned(),
            api_id,
            sender: cfg.sender.clone(),
        })
    }
}

#[derive(Debug, Deserialize)]
struct SendResponse {
    status: String,
    status_code: i64,
    #[serde(default)]
    status_text: Option<String>,
    #[serde(default)]
    sms: std::collections::HashMap<String, PerNumber>,
}

#[derive(Debug, Deserialize)]
struct PerNumber {
    status: String,
    status_code: i64,
    #[serde(default)]
    sms_id: Option<String>,
    #[serde(default)]
    status_text: Option<String>,
}

/// SMS.ru status codes that will not get better by retrying (bad number, bad text, banned …);
/// everything else (balance, provider trouble) is worth another try.
fn is_permanent(code: i64) -> bool {
    matches!(
        code,
        202 | 203 | 204 | 205 | 206 | 207 | 208 | 209 | 230 | 231 | 232 | 300 | 301 | 302
    )
}

#[async_trait::async_trait]
impl SmsSender for SmsRu {
    async fn send(&self, to: &str, text: &str) -> Result<Option<String>, DeliveryError> {
        let number = to.trim_start_matches('+');
        let mut form = vec![
            ("api_id", self.api_id.as_str()),
            ("to", number),
            ("msg", text),
            ("json", "1"),
        ];
        if let Some(from) = &self.sender {
            form.push(("from", from.as_str()));
        }
        let response = self
            .client
            .post(format!("{}/sms/send", self.base_url))
            .form(&form)
            .send()
            .await
            .map_err(|e| DeliveryError::Temporary(format!("request: {e}")))?;
        if !response.status().is_success() {
            return Err(DeliveryError::Temporary(format!("HTTP {}", response.status())));
        }
        let body: SendResponse = response
            .json()
            .await
            .map_err(|e| DeliveryError::Temporary(format!("response: {e}")))?;
        if body.status != "OK" {
            let why = format!("{} {}", body.status_code, body.status_text.unwrap_or_default());
            return Err(if is_permanent(body.status_code) {
                DeliveryError::Permanent(why)
            } else {
                DeliveryError::Temporary(why)
            });
        }
        match body.sms.get(number) {
            Some(p) if p.status == "OK" => Ok(p.sms_id.clone()),
            Some(p) => {
                let why = format!("{} {}", p.status_code, p.status_text.clone().unwrap_or_default());
                Err(if is_permanent(p.status_code) {
                    DeliveryError::Permanent(why)
                } else {
                    DeliveryError::Temporary(why)
                })
            }
            None => Err(DeliveryError::Temporary("no status for the number".into())),
        }
    }

    fn kind(&self) -> super::Transport {
        super::Transport::Live("smsru")
    }
}

/// Keeps texts in memory; the demo and the tests read them back.
#[derive(Clone, Default)]
pub struct FakeSms {
    pub sent: Arc<Mutex<Vec<(String, String)>>>,
}

#[async_trait::async_trait]
impl SmsSender for FakeSms {
    async fn send(&self, to: &str, text: &str) -> Result<Option<String>, DeliveryError> {
        let mut sent = self.sent.lock().expect("fake sms");
        sent.push((to.to_owned(), text.to_owned()));
        Ok(Some(format!("fake-{}", sent.len())))
    }

    fn kind(&self) -> super::Transport {
        super::Transport::Fake
    }
}

/// Writes each text to the log instead of sending it (`transport = "log"`, chosen explicitly).
pub struct LogSms;

#[async_trait::async_trait]
impl SmsSender for LogSms {
    async fn send(&self, to: &str, text: &str) -> Result<Option<String>, DeliveryError> {
        tracing::warn!(%to, %text, "SMS written to the log, not sent");
        Ok(None)
    }

    fn kind(&self) -> super::Transport {
        super::Transport::Log
    }
}

/// No transport configured: texts wait in the outbox, never marked sent.
pub struct UnconfiguredSms;

#[async_trait::async_trait]
impl SmsSender for UnconfiguredSms {
    async fn send(&self, _: &str, _: &str) -> Result<Option<String>, DeliveryError> {
        Err(DeliveryError::Temporary("no SMS transport is configured".into()))
    }

    fn kind(&self) -> super::Transport {
        super::Transport::Unconfigured
    }
}
