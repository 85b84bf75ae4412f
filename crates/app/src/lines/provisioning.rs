//! The operator's side of an order (ORD-1): each line's change is handed to it one at a time,
//! and it answers done, refused with its reason, or nothing yet (try again later).
//!
//! Operators do not publish their business-cabinet APIs (ADR 30), so the product speaks a small
//! signed JSON protocol (`HttpProvisioning`) that a gateway on the operator's side implements,
//! and carries a stand-in (`FakeProvisioning`) for the demo and tests that succeeds, refuses or
//! delays by a rule. A new operator needs only [`LineProvisioning`]'s two methods: carry out
//! a change, and move a line onto an employee's own SIM card proven by its PUK1.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use chrono::NaiveDate;
use kabinet_core::assets::line_orders::OrderKind;
use serde::{Deserialize, Serialize};

/// One change on one line, as the operator is asked for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProvisioningRequest {
    /// The same on every try of the same item: an operator that has already carried it out
    /// answers as it did then instead of doing it twice.
    pub key: String,
    pub phone: String,
    pub icc: Option<String>,
    pub kind: OrderKind,
    /// The operator's code of the tariff or option.
    pub code: String,
    pub effective_on: NaiveDate,
}

/// What the operator did not do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProvisioningError {
    /// It will not: the reason in its words, shown to the customer.
    #[error("refused: {0}")]
    Refused(String),
    /// It did not answer or is busy: the item is tried again later.
    #[error("not answered: {0}")]
    Unanswered(String),
}

/// A line moved onto an employee's own SIM card: the card is named by the number it carries
/// now and proven by its PUK1, which the operator checks (the product never keeps it).
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct PersonalSimRequest {
    pub key: String,
    /// Always `personal_sim`: the gateway tells this request from a change by it.
    pub kind: &'static str,
    /// The company's line that moves.
    pub phone: String,
    pub icc: Option<String>,
    /// The number the employee's own card carries now.
    pub personal_phone: String,
    pub puk1: String,
}

/// Never printed whole: the PUK stays out of logs.
impl std::fmt::Debug for PersonalSimRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersonalSimRequest")
            .field("key", &self.key)
            .field("phone", &self.phone)
            .field("personal_phone", &self.personal_phone)
            .finish_non_exhaustive()
    }
}

#[async_trait::async_trait]
pub trait LineProvisioning: Send + Sync {
    /// Carries out `request` once, whatever how often it is asked with the same key.
    async fn apply(&self, request: &ProvisioningRequest) -> Result<(), ProvisioningError>;

    /// Moves the line onto the employee's own SIM card if its number and PUK1 match; answers
    /// the card's ICC.
    async fn move_to_personal_sim(&self, request: &PersonalSimRequest) -> Result<String, ProvisioningError>;
}

/// The stand-in operator: refuses numbers ending in `refuse_suffix`, answers nothing the first
/// time for numbers ending in `busy_suffix`, takes `delay` over each line, and remembers each
/// key so a repeated request is answered as before and not carried out again.
pub struct FakeProvisioning {
    pub refuse_suffix: String,
    pub busy_suffix: String,
    pub delay: Duration,
    done: Mutex<HashMap<String, Result<(), ProvisioningError>>>,
    asked: Mutex<HashMap<String, u32>>,
}

/// The refusal the stand-in gives, in the words an operator would use.
pub const FAKE_REFUSAL: &str = "The number's contract does not allow this change; contact your account manager";

impl FakeProvisioning {
    pub fn new(refuse_suffix: &str, busy_suffix: &str, delay: Duration) -> FakeProvisioning {
        FakeProvisioning {
            refuse_suffix: refuse_suffix.to_owned(),
            busy_suffix: busy_suffix.to_owned(),
            delay,
            done: Mutex::default(),
            asked: Mutex::default(),
        }
    }

    /// How many changes it carried out (each key once).
    pub fn carried_out(&self) -> usize {
        self.done
            .lock()
            .map(|d| d.values().filter(|r| r.is_ok()).count())
            .unwrap_or(0)
    }

    /// How many times `key` was asked for.
    pub fn times_asked(&self, key: &str) -> u32 {
        self.asked.lock().map(|a| a.get(key).copied().unwrap_or(0)).unwrap_or(0)
    }
}

#[async_trait::async_trait]
impl LineProvisioning for FakeProvisioning {
    async fn apply(&self, request: &ProvisioningRequest) -> Result<(), ProvisioningError> {
        if !self.delay.is_zero() {
            tokio::time::sleep(self.delay).await;
        }
        let first_ask = {
            let mut asked = self
                .asked
                .lock()
                .map_err(|_| ProvisioningError::Unanswered("poisoned".into()))?;
            let n = asked.entry(request.key.clone()).or_insert(0);
            *n += 1;
            *n == 1
        };
        let mut done = self
            .done
            .lock()
            .map_err(|_| ProvisioningError::Unanswered("poisoned".into()))?;
        if let Some(previous) = done.get(&request.key) {
            return previous.clone();
        }
        let matches = |suffix: &str| !suffix.is_empty() && request.phone.ends_with(suffix);
        if matches(&self.busy_suffix) && first_ask {
            return Err(ProvisioningError::Unanswered("operator busy".into()));
        }
        let outcome = if matches(&self.refuse_suffix) {
            Err(ProvisioningError::Refused(FAKE_REFUSAL.into()))
        } else {
            Ok(())
        };
        done.insert(request.key.clone(), outcome.clone());
        outcome
    }

    /// The stand-in's rule: the PUK1 of a card is the last eight digits of its number, read
    /// backwards; the card's ICC is made from the number. Numbers ending in `refuse_suffix`
    /// are refused as an operator would.
    async fn move_to_personal_sim(&self, request: &PersonalSimRequest) -> Result<String, ProvisioningError> {
        let digits: String = request.personal_phone.chars().filter(char::is_ascii_digit).collect();
        let expected: String = digits.chars().rev().take(8).collect();
        if !self.refuse_suffix.is_empty() && request.personal_phone.ends_with(&self.refuse_suffix) {
            return Err(ProvisioningError::Refused(FAKE_REFUSAL.into()));
        }
        if request.puk1 != expected {
            return Err(ProvisioningError::Refused(
                "The PUK1 does not match the SIM card of this number".into(),
            ));
        }
        Ok(fake_icc(&digits))
    }
}

/// The ICC the stand-in gives an employee's own card: `8970155` and the number's last eleven
/// digits, with its check digit.
pub fn fake_icc(phone_digits: &str) -> String {
    let tail: String = phone_digits
        .chars()
        .rev()
        .take(11)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let body = format!("8970155{tail:0>11}");
    let check = kabinet_core::assets::lines::luhn_check_digit(&body).unwrap_or(0);
    format!("{body}{check}")
}

/// The operator's gateway over HTTPS: each request POSTed as JSON to `url`, signed like the
/// product's webhooks (`X-Kabinet-Signature`, HMAC-SHA256 over "{timestamp}.{body}"). It
/// answers 200 with `{"status": "done"}` or `{"status": "refused", "reason": "…"}`; any other
/// answer, or none within 20 seconds, is tried again later.
pub struct HttpProvisioning {
    url: String,
    secret: String,
    client: reqwest::Client,
}

#[derive(Deserialize)]
struct GatewayAnswer {
    status: String,
    #[serde(default)]
    reason: Option<String>,
    /// The card's ICC, when a line moved onto an employee's own card.
    #[serde(default)]
    icc: Option<String>,
}

impl HttpProvisioning {
    pub fn new(url: &str, secret: &str) -> HttpProvisioning {
        HttpProvisioning {
            url: url.trim().to_owned(),
            secret: secret.to_owned(),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
                .build()
                .unwrap_or_default(),
        }
    }
}

/// Longest refusal kept from an operator's answer.
const REASON_MAX: usize = 500;

impl HttpProvisioning {
    /// Sends `body` (JSON, keyed by `key`) signed, and reads the gateway's answer: done (with
    /// what it carries), refused with its reason, or not answered.
    async fn send(&self, key: &str, body: String) -> Result<GatewayAnswer, ProvisioningError> {
        let timestamp = chrono::Utc::now().timestamp();
        let response = self
            .client
            .post(&self.url)
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", key)
            .header("X-Kabinet-Timestamp", timestamp.to_string())
            .header(
                "X-Kabinet-Signature",
                crate::notify::webhook::signature(&self.secret, timestamp, &body),
            )
            .body(body)
            .send()
            .await
            .map_err(|e| ProvisioningError::Unanswered(format!("operator gateway: {e}")))?;
        let status = response.status();
        if !status.is_success() {
            return Err(ProvisioningError::Unanswered(format!(
                "operator gateway answered {status}"
            )));
        }
        let answer: GatewayAnswer = response
            .json()
            .await
            .map_err(|e| ProvisioningError::Unanswered(format!("operator gateway answer: {e}")))?;
        match answer.status.as_str() {
            "done" => Ok(answer),
            "refused" => {
                // The operator's words are shown on pages: one line, no control characters
                // (PostgreSQL refuses NUL), of a sensible length.
                let reason: String = answer
                    .reason
                    .unwrap_or_default()
                    .chars()
                    .map(|c| if c.is_control() { ' ' } else { c })
                    .collect();
                let reason = kabinet_core::text::truncate(reason.trim(), REASON_MAX);
                Err(ProvisioningError::Refused(if reason.is_empty() {
                    "refused by the operator".into()
                } else {
                    reason
                }))
            }
            other => Err(ProvisioningError::Unanswered(format!(
                "operator gateway answered status {other:?}"
            ))),
        }
    }
}

#[async_trait::async_trait]
impl LineProvisioning for HttpProvisioning {
    async fn apply(&self, request: &ProvisioningRequest) -> Result<(), ProvisioningError> {
        let body = serde_json::to_string(request).map_err(|e| ProvisioningError::Unanswered(e.to_string()))?;
        self.send(&request.key, body).await.map(drop)
    }

    async fn move_to_personal_sim(&self, request: &PersonalSimRequest) -> Result<String, ProvisioningError> {
        let body = serde_json::to_string(request).map_err(|e| ProvisioningError::Unanswered(e.to_string()))?;
        let answer = self.send(&request.key, body).await?;
        // An answer that names no card, or not a card, is not taken as done.
        answer
            .icc
            .as_deref()
            .and_then(|typed| kabinet_core::assets::lines::Icc::parse(typed).ok())
            .map(|icc| icc.as_str().to_owned())
            .ok_or_else(|| ProvisioningError::Unanswered("operator gateway answered no ICC".into()))
    }
}

/// The operator the configuration names; an `http` one without its address or key is a
/// mistake to stop the start for, not a quiet "no operator".
pub fn from_config(c: &crate::config::LinesConfig) -> Result<Option<std::sync::Arc<dyn LineProvisioning>>, String> {
    use crate::config::ProvisioningKind;
    Ok(match c.provisioning {
        ProvisioningKind::None => None,
        ProvisioningKind::Fake => Some(std::sync::Arc::new(FakeProvisioning::new(
            &c.fake_refuse_suffix,
            &c.fake_busy_suffix,
            Duration::from_millis(c.fake_delay_millis),
        ))),
        ProvisioningKind::Http => {
            if !(c.provisioning_url.starts_with("https://") || c.provisioning_url.starts_with("http://")) {
                return Err("lines.provisioning = \"http\" needs lines.provisioning_url (http:// or https://)".into());
            }
            if c.provisioning_secret.is_empty() {
                return Err("lines.provisioning = \"http\" needs lines.provisioning_secret".into());
            }
            Some(std::sync::Arc::new(HttpProvisioning::new(
                &c.provisioning_url,
                &c.provisioning_secret,
            )))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(key: &str, phone: &str) -> ProvisioningRequest {
        ProvisioningRequest {
            key: key.into(),
            phone: phone.into(),
            icc: None,
            kind: OrderKind::Tariff,
            code: "T1".into(),
            effective_on: NaiveDate::from_ymd_opt(2026, 12, 6).unwrap(),
        }
    }

    /// A gateway on this machine that answers each request with the next of `answers` and
    /// hands back what it was sent (headers and body).
    async fn gateway(answers: Vec<&'static str>) -> (String, tokio::sync::mpsc::UnboundedReceiver<String>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/provision", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            for answer in answers {
                let (mut socket, _) = listener.accept().await.unwrap();
                let mut seen = Vec::new();
                let mut buf = [0u8; 4096];
                // Headers, then as much body as they announce.
                loop {
                    let n = socket.read(&mut buf).await.unwrap();
                    seen.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&seen).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let length = text
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length: ")
                                    .map(|v| v.trim().parse::<usize>().unwrap())
                            })
                            .unwrap_or(0);
                        if seen.len() >= end + 4 + length {
                            break;
                        }
                    }
                    if n == 0 {
                        break;
                    }
                }
                tx.send(String::from_utf8_lossy(&seen).to_string()).unwrap();
                let response = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                    answer.len()
                );
                socket.write_all(response.as_bytes()).await.unwrap();
            }
        });
        (url, rx)
    }

    #[tokio::test]
    async fn the_gateway_is_asked_signed_and_its_answers_read() {
        let (url, mut seen) = gateway(vec![
            r#"{"status":"done"}"#,
            r#"{"status":"refused","reason":"Tariff\u0000 closed"}"#,
            r#"{"status":"later"}"#,
            r#"{"status":"done","icc":"not a card"}"#,
        ])
        .await;
        let http = HttpProvisioning::new(&url, "s3cret");
        assert_eq!(http.apply(&request("k-1", "+79270000001")).await, Ok(()));
        let sent = seen.recv().await.unwrap();
        assert!(sent.starts_with("POST /provision"), "{sent}");
        let lower = sent.to_ascii_lowercase();
        assert!(lower.contains("idempotency-key: k-1") && lower.contains("x-kabinet-signature: "));
        assert!(sent.contains(r#""kind":"tariff""#) && sent.contains(r#""code":"T1""#));
        assert_eq!(
            http.apply(&request("k-2", "+79270000001")).await,
            Err(ProvisioningError::Refused("Tariff  closed".into())),
            "control characters are dropped from the operator's words"
        );
        assert!(matches!(
            http.apply(&request("k-3", "+79270000001")).await,
            Err(ProvisioningError::Unanswered(_))
        ));
        let personal = PersonalSimRequest {
            key: "p-1".into(),
            kind: "personal_sim",
            phone: "+79270000001".into(),
            icc: None,
            personal_phone: "+79031234567".into(),
            puk1: "76543213".into(),
        };
        assert!(
            matches!(
                http.move_to_personal_sim(&personal).await,
                Err(ProvisioningError::Unanswered(_))
            ),
            "an answer without a card's ICC is not done"
        );
        assert!(!format!("{personal:?}").contains("76543213"), "the PUK is not printed");
        // Nobody listens any more: not answered, tried again later.
        assert!(matches!(
            http.apply(&request("k-4", "+79270000001")).await,
            Err(ProvisioningError::Unanswered(_))
        ));
    }

    #[tokio::test]
    async fn the_stand_in_checks_the_puk_by_its_rule() {
        let fake = FakeProvisioning::new("13", "", Duration::ZERO);
        let mut r = PersonalSimRequest {
            key: "p".into(),
            kind: "personal_sim",
            phone: "+79270000001".into(),
            icc: None,
            personal_phone: "+79031234567".into(),
            puk1: "76543213".into(),
        };
        let icc = fake.move_to_personal_sim(&r).await.unwrap();
        assert!(kabinet_core::assets::lines::Icc::parse(&icc).is_ok(), "{icc}");
        r.puk1 = "12345678".into();
        assert!(matches!(
            fake.move_to_personal_sim(&r).await,
            Err(ProvisioningError::Refused(_))
        ));
    }

    #[tokio::test]
    async fn the_stand_in_follows_its_rule_and_does_each_key_once() {
        let fake = FakeProvisioning::new("13", "7", Duration::ZERO);
        assert_eq!(fake.apply(&request("a", "+79270000001")).await, Ok(()));
        assert_eq!(fake.apply(&request("a", "+79270000001")).await, Ok(()));
        assert_eq!(fake.carried_out(), 1);
        assert_eq!(fake.times_asked("a"), 2);
        assert!(matches!(
            fake.apply(&request("b", "+79270000013")).await,
            Err(ProvisioningError::Refused(_))
        ));
        assert!(matches!(
            fake.apply(&request("c", "+79270000007")).await,
            Err(ProvisioningError::Unanswered(_))
        ));
        assert_eq!(fake.apply(&request("c", "+79270000007")).await, Ok(()));
        assert_eq!(fake.carried_out(), 2);
    }
}
