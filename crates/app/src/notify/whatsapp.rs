//! WhatsApp through the WhatsApp Business Cloud API: a template message
//! (`POST {base}/{phone-number-id}/messages` with a bearer token, `type: template`, the body's
//! parameters in order), since a business may start a conversation only with a template Meta
//! approved, one per language. And the stand-ins: a fake that keeps what it was asked to send,
//! the log, and nothing configured.

use std::sync::{Arc, Mutex};

use kabinet_core::notify::WhatsAppTemplate;
use serde::Deserialize;
use serde_json::json;

use super::DeliveryError;
use crate::config::WhatsappConfig;

#[async_trait::async_trait]
pub trait WhatsAppSender: Send + Sync {
    /// Sends one template message to an E.164 number; returns WhatsApp's message id.
    async fn send(&self, to: &str, template: &WhatsAppTemplate) -> Result<Option<String>, DeliveryError>;
    /// The transport's name as configured (`cloud_api`, `log`, `fake`, or `unconfigured`).
    fn kind(&self) -> super::Transport;
}

pub struct CloudApi {
    client: reqwest::Client,
    messages_url: String,
    access_token: String,
    template_prefix: String,
}

impl CloudApi {
    pub fn new(cfg: &WhatsappConfig) -> anyhow::Result<CloudApi> {
        anyhow::ensure!(
            !cfg.phone_number_id.trim().is_empty() && !cfg.access_token.trim().is_empty(),
            "whatsapp.phone_number_id and whatsapp.access_token are required for the cloud_api transport"
        );
        Ok(CloudApi {
            client: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(20))
                .build()?,
            messages_url: format!(
                "{}/{}/messages",
                cfg.base_url.trim_end_matches('/'),
                cfg.phone_number_id.trim()
            ),
            access_token: cfg.access_token.trim().to_owned(),
            template_prefix: cfg.template_prefix.trim().to_owned(),
        })
    }
}

#[derive(Debug, Deserialize)]
struct Sent {
    #[serde(default)]
    messages: Vec<SentMessage>,
}

#[derive(Debug, Deserialize)]
struct SentMessage {
    id: String,
}

#[derive(Debug, Deserialize)]
struct Failure {
    error: FailureDetail,
}

#[derive(Debug, Deserialize)]
struct FailureDetail {
    #[serde(default)]
    code: i64,
    #[serde(default)]
    message: String,
}

/// Whether WhatsApp's error `code` (with the HTTP `status`) may pass by itself: throttling
/// (4, 80007, 130429, 131048, 131056), its own trouble (1, 2, 131000, 131016), and a token
/// that expired or was revoked (190, HTTP 401) — messages wait for the operator to fix it
/// rather than die. Anything else (a number not on WhatsApp, a template not approved in that
/// language, bad parameters) will not get better by retrying.
fn is_temporary(status: u16, code: i64) -> bool {
    status == 401
        || status == 429
        || status >= 500
        || matches!(
            code,
            1 | 2 | 4 | 190 | 80007 | 130429 | 131000 | 131016 | 131048 | 131056
        )
}

#[async_trait::async_trait]
impl WhatsAppSender for CloudApi {
    async fn send(&self, to: &str, t: &WhatsAppTemplate) -> Result<Option<String>, DeliveryError> {
        let parameters: Vec<_> = t
            .parameters
            .iter()
            .map(|p| json!({"type": "text", "text": p}))
            .collect();
        let name = format!("{}{}", self.template_prefix, t.name);
        let mut template = json!({"name": name, "language": {"policy": "deterministic", "code": t.language}});
        if !parameters.is_empty() {
            template["components"] = json!([{"type": "body", "parameters": parameters}]);
        }
        let body = json!({
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to.trim_start_matches('+'),
            "type": "template",
            "template": template,
        });
        let response = self
            .client
            .post(&self.messages_url)
            .bearer_auth(&self.access_token)
            .json(&body)
            .send()
            .await
            .map_err(|e| DeliveryError::Temporary(format!("request: {e}")))?;
        let status = response.status().as_u16();
        let text = response
            .text()
            .await
            .map_err(|e| DeliveryError::Temporary(format!("response: {e}")))?;
        if (200..300).contains(&status) {
            let sent: Sent =
                serde_json::from_str(&text).map_err(|e| DeliveryError::Temporary(format!("response: {e}")))?;
            return Ok(sent.messages.into_iter().next().map(|m| m.id));
        }
        let (code, message) = serde_json::from_str::<Failure>(&text)
            .map(|f| (f.error.code, f.error.message))
            .unwrap_or((0, kabinet_core::text::truncate(&text, 200)));
        let why = format!("HTTP {status}, error {code}: {message}");
        Err(if is_temporary(status, code) {
            DeliveryError::Temporary(why)
        } else {
            DeliveryError::Permanent(why)
        })
    }

    fn kind(&self) -> super::Transport {
        super::Transport::Live("cloud_api")
    }
}

/// Keeps messages in memory; the demo's inbox and the tests read them back.
#[derive(Clone, Default)]
pub struct FakeWhatsApp {
    pub sent: Arc<Mutex<Vec<(String, WhatsAppTemplate)>>>,
}

#[async_trait::async_trait]
impl WhatsAppSender for FakeWhatsApp {
    async fn send(&self, to: &str, t: &WhatsAppTemplate) -> Result<Option<String>, DeliveryError> {
        let mut sent = self.sent.lock().expect("fake whatsapp");
        sent.push((to.to_owned(), t.clone()));
        Ok(Some(format!("wamid.fake-{}", sent.len())))
    }

    fn kind(&self) -> super::Transport {
        super::Transport::Fake
    }
}

/// Writes each message to the log instead of sending it (`transport = "log"`).
pub struct LogWhatsApp;

#[async_trait::async_trait]
impl WhatsAppSender for LogWhatsApp {
    async fn send(&self, to: &str, t: &WhatsAppTemplate) -> Result<Option<String>, DeliveryError> {
        tracing::warn!(%to, template = %t.name, text = %t.text, "WhatsApp message written to the log, not sent");
        Ok(None)
    }

    fn kind(&self) -> super::Transport {
        super::Transport::Log
    }
}

/// WhatsApp is optional: with no transport, nobody is offered it and nothing is queued for it
/// (messages go by SMS instead); one queued before the transport was removed waits.
pub struct UnconfiguredWhatsApp;

#[async_trait::async_trait]
impl WhatsAppSender for UnconfiguredWhatsApp {
    async fn send(&self, _: &str, _: &WhatsAppTemplate) -> Result<Option<String>, DeliveryError> {
        Err(DeliveryError::Temporary("no WhatsApp transport is configured".into()))
    }

    fn kind(&self) -> super::Transport {
        super::Transport::Unconfigured
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_and_outages_are_retried_bad_numbers_and_templates_are_not() {
        assert!(is_temporary(429, 130429));
        assert!(is_temporary(503, 0));
        assert!(is_temporary(401, 190), "an expired token waits for the operator");
        assert!(is_temporary(400, 131056));
        assert!(!is_temporary(400, 131026), "not a WhatsApp user");
        assert!(!is_temporary(404, 132001), "no such template in that language");
        assert!(!is_temporary(400, 100), "bad parameter");
    }
}
