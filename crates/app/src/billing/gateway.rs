//! The payment gateway port and its real adapter, a client of the YooKassa v3 HTTP API:
//! `POST /v3/payments` (with an `Idempotence-Key`), `GET /v3/payments/{id}`, `POST /v3/refunds`,
//! `GET /v3/refunds/{id}`, HTTP Basic authentication with the shop id and secret key.
//! Notifications are never trusted by themselves: the product fetches the object from the API
//! before it credits anything.

pub use kabinet_core::billing::GatewayStatus;
use kabinet_core::money::{Currency, plain_decimal};
use serde::{Deserialize, Serialize};

use crate::config::GatewayConfig;

/// What the product asks the gateway to start.
#[derive(Debug, Clone)]
pub struct NewGatewayPayment {
    pub amount: i64,
    pub currency: Currency,
    pub description: String,
    /// Where the bank's page sends the customer back to.
    pub return_url: String,
    /// Our payment id, echoed back in `metadata`.
    pub payment_id: i64,
    pub idempotence_key: String,
    /// Ask the gateway to keep the card for autopay.
    pub save_payment_method: bool,
    /// Pay with a saved card (autopay): no confirmation page.
    pub payment_method_id: Option<String>,
}

/// A payment as the gateway reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayPayment {
    pub id: String,
    pub status: GatewayStatus,
    pub amount: i64,
    pub currency: String,
    pub confirmation_url: Option<String>,
    /// Our payment id from `metadata`.
    pub payment_id: Option<i64>,
    /// A saved card's id, for autopay.
    pub saved_method_id: Option<String>,
}

/// A refund as the gateway reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayRefund {
    pub id: String,
    pub payment_id: String,
    /// pending, succeeded or canceled.
    pub status: GatewayStatus,
    pub amount: i64,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum GatewayError {
    /// Network trouble or a 5xx: try again later.
    #[error("gateway unreachable: {0}")]
    Unavailable(String),
    /// The gateway refused the request.
    #[error("gateway refused: {0}")]
    Refused(String),
}

#[async_trait::async_trait]
pub trait PaymentGateway: Send + Sync {
    async fn create_payment(&self, p: &NewGatewayPayment) -> Result<GatewayPayment, GatewayError>;
    async fn get_payment(&self, id: &str) -> Result<GatewayPayment, GatewayError>;
    async fn create_refund(
        &self,
        payment_id: &str,
        amount: i64,
        currency: Currency,
        key: &str,
    ) -> Result<GatewayRefund, GatewayError>;
    async fn get_refund(&self, id: &str) -> Result<GatewayRefund, GatewayError>;
}

pub struct YooKassa {
    client: reqwest::Client,
    base_url: String,
    shop_id: String,
    secret_key: String,
}

impl YooKassa {
    pub fn new(cfg: &GatewayConfig) -> anyhow::Result<YooKassa> {
        Ok(YooKassa {
            client: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(15))
                .build()?,
            base_url: cfg.base_url.trim_end_matches('/').to_owned(),
            shop_id: cfg.shop_id.clone(),
            secret_key: cfg.secret_key.clone(),
        })
    }

    async fn send<T: for<'de> Deserialize<'de>>(&self, req: reqwest::RequestBuilder) -> Result<T, GatewayError> {
        let res = req
            .basic_auth(&self.shop_id, Some(&self.secret_key))
            .send()
            .await
            .map_err(|e| GatewayError::Unavailable(e.to_string()))?;
        let status = res.status();
        if status.is_server_error() || status.as_u16() == 429 {
            return Err(GatewayError::Unavailable(format!("HTTP {status}")));
        }
        if !status.is_success() {
            let text = res.text().await.unwrap_or_default();
            return Err(GatewayError::Refused(format!(
                "HTTP {status}: {}",
                text.chars().take(300).collect::<String>()
            )));
        }
        res.json::<T>()
            .await
            .map_err(|e| GatewayError::Refused(format!("unreadable answer: {e}")))
    }
}

#[derive(Debug, Serialize, Deserialize)]
pub struct AmountJson {
    pub value: String,
    pub currency: String,
}

#[derive(Debug, Deserialize)]
struct PaymentJson {
    id: String,
    status: String,
    amount: AmountJson,
    #[serde(default)]
    confirmation: Option<ConfirmationJson>,
    #[serde(default)]
    metadata: Option<std::collections::HashMap<String, String>>,
    #[serde(default)]
    payment_method: Option<MethodJson>,
}

#[derive(Debug, Deserialize)]
struct ConfirmationJson {
    #[serde(default)]
    confirmation_url: Option<String>,
}

#[derive(Debug, Deserialize)]
struct MethodJson {
    id: String,
    #[serde(default)]
    saved: bool,
}

#[derive(Debug, Deserialize)]
struct RefundJson {
    id: String,
    payment_id: String,
    status: String,
    amount: AmountJson,
}

/// Minor units from the API's decimal string (`"100.00"`), in `currency`.
pub fn minor_from_value(value: &str, currency: &str) -> Result<i64, GatewayError> {
    let c: Currency = currency
        .parse()
        .map_err(|_| GatewayError::Refused(format!("currency {currency}")))?;
    let unit = match c {
        Currency::Rub => kabinet_core::money::DisplayUnit::Rouble,
        Currency::Irr => kabinet_core::money::DisplayUnit::Rial,
    };
    kabinet_core::money::parse_amount(value, unit).map_err(|e| GatewayError::Refused(format!("amount {value}: {e}")))
}

/// The gateway's status word; one this product does not know is refused, never guessed.
fn status_of(word: &str) -> Result<GatewayStatus, GatewayError> {
    word.parse()
        .map_err(|_| GatewayError::Refused(format!("unknown status {word:?}")))
}

fn amount_json(minor: i64, currency: Currency) -> AmountJson {
    AmountJson {
        value: plain_decimal(minor, currency),
        currency: currency.code().into(),
    }
}

impl PaymentJson {
    fn into_payment(self) -> Result<GatewayPayment, GatewayError> {
        Ok(GatewayPayment {
            amount: minor_from_value(&self.amount.value, &self.amount.currency)?,
            currency: self.amount.currency,
            confirmation_url: self.confirmation.and_then(|c| c.confirmation_url),
            payment_id: self
                .metadata
                .as_ref()
                .and_then(|m| m.get("payment_id"))
                .and_then(|v| v.parse().ok()),
            saved_method_id: self.payment_method.filter(|m| m.saved).map(|m| m.id),
            id: self.id,
            status: status_of(&self.status)?,
        })
    }
}

impl RefundJson {
    fn into_refund(self) -> Result<GatewayRefund, GatewayError> {
        Ok(GatewayRefund {
            amount: minor_from_value(&self.amount.value, &self.amount.currency)?,
            id: self.id,
            payment_id: self.payment_id,
            status: status_of(&self.status)?,
        })
    }
}

#[async_trait::async_trait]
impl PaymentGateway for YooKassa {
    async fn create_payment(&self, p: &NewGatewayPayment) -> Result<GatewayPayment, GatewayError> {
        let mut body = serde_json::json!({
            "amount": amount_json(p.amount, p.currency),
            "capture": true,
            "description": p.description.chars().take(128).collect::<String>(),
            "metadata": {"payment_id": p.payment_id.to_string()},
        });
        match &p.payment_method_id {
            Some(method) => body["payment_method_id"] = serde_json::json!(method),
            None => {
                body["confirmation"] = serde_json::json!({"type": "redirect", "return_url": p.return_url});
                if p.save_payment_method {
                    body["save_payment_method"] = serde_json::json!(true);
                }
            }
        }
        let req = self
            .client
            .post(format!("{}/v3/payments", self.base_url))
            .header("Idempotence-Key", &p.idempotence_key)
            .json(&body);
        self.send::<PaymentJson>(req).await?.into_payment()
    }

    async fn get_payment(&self, id: &str) -> Result<GatewayPayment, GatewayError> {
        let req = self
            .client
            .get(format!("{}/v3/payments/{}", self.base_url, path_segment(id)?));
        self.send::<PaymentJson>(req).await?.into_payment()
    }

    async fn create_refund(
        &self,
        payment_id: &str,
        amount: i64,
        currency: Currency,
        key: &str,
    ) -> Result<GatewayRefund, GatewayError> {
        let body = serde_json::json!({"payment_id": payment_id, "amount": amount_json(amount, currency)});
        let req = self
            .client
            .post(format!("{}/v3/refunds", self.base_url))
            .header("Idempotence-Key", key)
            .json(&body);
        self.send::<RefundJson>(req).await?.into_refund()
    }

    async fn get_refund(&self, id: &str) -> Result<GatewayRefund, GatewayError> {
        let req = self
            .client
            .get(format!("{}/v3/refunds/{}", self.base_url, path_segment(id)?));
        self.send::<RefundJson>(req).await?.into_refund()
    }
}

/// Ids from notifications go into URLs: only the characters gateway ids are made of.
fn path_segment(id: &str) -> Result<&str, GatewayError> {
    if !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        Ok(id)
    } else {
        Err(GatewayError::Refused("malformed id".into()))
    }
}
