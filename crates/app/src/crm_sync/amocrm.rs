//! amoCRM's REST API v4 (`{account}.amocrm.ru/api/v4`, a long-lived token as bearer): a record
//! is a lead (`POST /api/v4/leads`, named after the device or ticket, in the configured
//! pipeline), each change a common note on it (`POST /api/v4/leads/notes`). And a fake that
//! keeps what it was given, for the demo and tests.

use std::sync::{Arc, Mutex};

use serde::Deserialize;
use serde_json::json;

use super::{CrmAdapter, CrmEvent};
use crate::config::CrmSyncConfig;
use crate::notify::DeliveryError;

pub struct AmoCrm {
    client: reqwest::Client,
    base_url: String,
    token: String,
    pipeline_id: i64,
}

impl AmoCrm {
    pub fn new(cfg: &CrmSyncConfig) -> anyhow::Result<AmoCrm> {
        anyhow::ensure!(
            cfg.base_url.starts_with("https://") || cfg.base_url.starts_with("http://127.0.0.1"),
            "crm_sync.base_url must be the account's https address"
        );
        anyhow::ensure!(!cfg.token.trim().is_empty(), "crm_sync.token is required for amocrm");
        Ok(AmoCrm {
            client: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(20))
                .build()?,
            base_url: cfg.base_url.trim_end_matches('/').to_owned(),
            token: cfg.token.trim().to_owned(),
            pipeline_id: cfg.pipeline_id,
        })
    }

    /// POSTs a JSON array to `path`; returns the id of the first thing made, under
    /// `_embedded.{collection}`.
    async fn post(&self, path: &str, body: serde_json::Value, collection: &str) -> Result<i64, DeliveryError> {
        let response = self
            .client
            .post(format!("{}{path}", self.base_url))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .map_err(|e| DeliveryError::Temporary(format!("request: {e}")))?;
        let status = response.status().as_u16();
        let text = response
            .text()
            .await
            .map_err(|e| DeliveryError::Temporary(format!("response: {e}")))?;
        if !(200..300).contains(&status) {
            let why = format!("HTTP {status}: {}", kabinet_core::text::truncate(&text, 300));
            return Err(if is_temporary(status) {
                DeliveryError::Temporary(why)
            } else {
                DeliveryError::Permanent(why)
            });
        }
        let made: Made = serde_json::from_str(&text).map_err(|e| DeliveryError::Temporary(format!("response: {e}")))?;
        made.embedded
            .get(collection)
            .and_then(|items| items.first())
            .map(|item| item.id)
            .ok_or_else(|| DeliveryError::Temporary(format!("no {collection} in the answer")))
    }
}

#[derive(Debug, Deserialize)]
struct Made {
    #[serde(rename = "_embedded", default)]
    embedded: std::collections::HashMap<String, Vec<Item>>,
}

#[derive(Debug, Deserialize)]
struct Item {
    id: i64,
}

/// An expired token or an unpaid account (401, 402), the rate limit (429) and the CRM's own
/// trouble pass by themselves or once the operator acts; a refused request (400, 403, 404) does
/// not get better by retrying.
fn is_temporary(status: u16) -> bool {
    matches!(status, 401 | 402 | 408 | 429) || status >= 500
}

#[async_trait::async_trait]
impl CrmAdapter for AmoCrm {
    async fn push(&self, linked: Option<&str>, e: &CrmEvent) -> Result<String, DeliveryError> {
        let lead_id = match linked.and_then(|id| id.parse::<i64>().ok()) {
            Some(id) => id,
            None => {
                let mut lead = json!({
                    "name": format!("{} — {}", e.title, e.customer_name),
                    "_embedded": {"tags": [{"name": "kabinet"}, {"name": e.record.split(':').next().unwrap_or("")}]},
                });
                if self.pipeline_id > 0 {
                    lead["pipeline_id"] = json!(self.pipeline_id);
                }
                self.post("/api/v4/leads", json!([lead]), "leads").await?
            }
        };
        let note = json!([{"entity_id": lead_id, "note_type": "common", "params": {"text": e.note}}]);
        self.post("/api/v4/leads/notes", note, "notes").await?;
        Ok(lead_id.to_string())
    }

    fn kind(&self) -> &'static str {
        "amocrm"
    }
}

/// Keeps every event with the record it went to; records are numbered from 1.
#[derive(Clone, Default)]
pub struct FakeCrm {
    pub pushed: Arc<Mutex<Vec<(String, CrmEvent)>>>,
}

#[async_trait::async_trait]
impl CrmAdapter for FakeCrm {
    async fn push(&self, linked: Option<&str>, e: &CrmEvent) -> Result<String, DeliveryError> {
        let mut pushed = self.pushed.lock().expect("fake crm");
        let id = match linked {
            Some(id) => id.to_owned(),
            None => format!(
                "{}",
                pushed
                    .iter()
                    .map(|(id, _)| id)
                    .collect::<std::collections::HashSet<_>>()
                    .len()
                    + 1
            ),
        };
        pushed.push((id.clone(), e.clone()));
        Ok(id)
    }

    fn kind(&self) -> &'static str {
        "fake"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_outages_are_retried_refusals_are_not() {
        for temporary in [401, 402, 429, 500, 503] {
            assert!(is_temporary(temporary), "{temporary}");
        }
        for permanent in [400, 403, 404] {
            assert!(!is_temporary(permanent), "{permanent}");
        }
    }
}
