//! Events pushed to an external CRM (SUP-5, API-3): a JSON body POSTed to the configured URL,
//! signed with HMAC-SHA256 over "{timestamp}.{body}" so the receiver can check it came from
//! us and is fresh, and named by a delivery id so a retried delivery is recognised. Queued in
//! the outbox like every other message, so it is retried with backoff and ends dead after the
//! last try.

use ring::hmac;

use super::DeliveryError;

/// Posts signed events.
pub struct Webhook {
    client: reqwest::Client,
}

impl Default for Webhook {
    fn default() -> Self {
        Webhook {
            client: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(15))
                .build()
                .unwrap_or_default(),
        }
    }
}

/// The `X-Kabinet-Signature` value: `sha256=` and the hex HMAC of "{timestamp}.{body}".
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    let tag = hmac::sign(&key, format!("{timestamp}.{body}").as_bytes());
    format!("sha256={}", hex::encode(tag.as_ref()))
}

impl Webhook {
    /// Delivers `body` (the event, JSON) to `url`. A 2xx answer is delivered; 4xx other than
    /// 408 and 429 will not get better by retrying; anything else is tried again later.
    pub async fn send(
        &self,
        url: &str,
        secret: &str,
        event: &str,
        delivery_id: i64,
        body: &str,
    ) -> Result<Option<String>, DeliveryError> {
        let timestamp = chrono::Utc::now().timestamp();
        let response = self
            .client
            .post(url)
            .header("Content-Type", "application/json")
            .header("X-Kabinet-Event", event)
            .header("X-Kabinet-Delivery", delivery_id.to_string())
            .header("X-Kabinet-Timestamp", timestamp.to_string())
            .header("X-Kabinet-Signature", signature(secret, timestamp, body))
            .body(body.to_owned())
            .send()
            .await
            .map_err(|e| DeliveryError::Temporary(format!("webhook: {e}")))?;
        let status = response.status();
        if status.is_success() {
            Ok(None)
        } else if status.is_client_error() && status.as_u16() != 408 && status.as_u16() != 429 {
            Err(DeliveryError::Permanent(format!("webhook answered {status}")))
        } else {
            Err(DeliveryError::Temporary(format!("webhook answered {status}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_covers_time_and_body() {
        let s = signature("secret", 1_700_000_000, "{}");
        assert!(s.starts_with("sha256=") && s.len() == 7 + 64);
        assert_ne!(s, signature("secret", 1_700_000_001, "{}"));
        assert_ne!(s, signature("secret", 1_700_000_000, "{ }"));
        assert_ne!(s, signature("other", 1_700_000_000, "{}"));
    }
}
