//! The company registry port (CRM-2 "fetch by INN") and its real adapter, a client of DaData's
//! `findById/party` HTTP API (`POST {base}/suggestions/api/4_1/rs/findById/party` with
//! `Authorization: Token …`), and an offline fake with made-up companies for the demo and tests.

use std::collections::HashMap;

use serde::Deserialize;

use crate::config::RegistryConfig;

/// A company or sole proprietor as the registry knows it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RegistryParty {
    /// legal_entity or sole_proprietor.
    pub kind: String,
    pub inn: String,
    pub kpp: String,
    /// ОГРН or ОГРНИП.
    pub ogrn: String,
    pub full_name: String,
    pub short_name: String,
    pub legal_address: String,
    pub emails: Vec<String>,
    /// Whether the registry lists it as operating (not liquidated or bankrupt).
    pub active: bool,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum RegistryError {
    #[error("company registry unreachable: {0}")]
    Unavailable(String),
    #[error("company registry refused: {0}")]
    Refused(String),
}

#[async_trait::async_trait]
pub trait CompanyRegistry: Send + Sync {
    /// The party with this INN (the head office when there are branches), if any.
    async fn find_by_inn(&self, inn: &str) -> Result<Option<RegistryParty>, RegistryError>;
}

/// DaData's party lookup.
pub struct DaData {
    client: reqwest::Client,
    url: String,
    token: String,
}

impl DaData {
    pub fn new(cfg: &RegistryConfig) -> anyhow::Result<DaData> {
        anyhow::ensure!(!cfg.token.is_empty(), "registry.token is required for DaData");
        Ok(DaData {
            client: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(10))
                .build()?,
            url: format!(
                "{}/suggestions/api/4_1/rs/findById/party",
                cfg.base_url.trim_end_matches('/')
            ),
            token: cfg.token.clone(),
        })
    }
}

#[derive(Deserialize)]
struct Suggestions {
    suggestions: Vec<Suggestion>,
}

#[derive(Deserialize)]
struct Suggestion {
    value: String,
    data: PartyData,
}

#[derive(Deserialize)]
struct PartyData {
    inn: Option<String>,
    kpp: Option<String>,
    ogrn: Option<String>,
    /// LEGAL or INDIVIDUAL.
    #[serde(rename = "type")]
    kind: Option<String>,
    name: Option<PartyName>,
    address: Option<Value>,
    state: Option<PartyState>,
    emails: Option<Vec<Value>>,
}

#[derive(Deserialize)]
struct PartyName {
    full_with_opf: Option<String>,
    short_with_opf: Option<String>,
}

#[derive(Deserialize)]
struct Value {
    value: Option<String>,
}

#[derive(Deserialize)]
struct PartyState {
    status: Option<String>,
}

impl From<Suggestion> for RegistryParty {
    fn from(s: Suggestion) -> Self {
        let d = s.data;
        let name = d.name.unwrap_or(PartyName {
            full_with_opf: None,
            short_with_opf: None,
        });
        RegistryParty {
            kind: if d.kind.as_deref() == Some("INDIVIDUAL") {
                "sole_proprietor".into()
            } else {
                "legal_entity".into()
            },
            inn: d.inn.unwrap_or_default(),
            kpp: d.kpp.unwrap_or_default(),
            ogrn: d.ogrn.unwrap_or_default(),
            full_name: name.full_with_opf.unwrap_or_else(|| s.value.clone()),
            short_name: name.short_with_opf.unwrap_or(s.value),
            legal_address: d.address.and_then(|a| a.value).unwrap_or_default(),
            emails: d
                .emails
                .unwrap_or_default()
                .into_iter()
                .filter_map(|e| e.value)
                .collect(),
            active: d.state.and_then(|s| s.status).is_none_or(|s| s == "ACTIVE"),
        }
    }
}

#[async_trait::async_trait]
impl CompanyRegistry for DaData {
    async fn find_by_inn(&self, inn: &str) -> Result<Option<RegistryParty>, RegistryError> {
        let res = self
            .client
            .post(&self.url)
            .header("Authorization", format!("Token {}", self.token))
            .header("Accept", "application/json")
            // The head office first: branches share the INN.
            .json(&serde_json::json!({"query": inn, "branch_type": "MAIN"}))
            .send()
            .await
            .map_err(|e| RegistryError::Unavailable(e.to_string()))?;
        let status = res.status();
        if status.is_server_error() || status.as_u16() == 429 {
            return Err(RegistryError::Unavailable(format!("status {status}")));
        }
        if !status.is_success() {
            return Err(RegistryError::Refused(format!("status {status}")));
        }
        let body: Suggestions = res
            .json()
            .await
            .map_err(|e| RegistryError::Unavailable(format!("answer: {e}")))?;
        Ok(body.suggestions.into_iter().next().map(RegistryParty::from))
    }
}

/// Made-up companies, looked up without a network: the demo and the tests.
#[derive(Default)]
pub struct FakeRegistry {
    parties: HashMap<String, RegistryParty>,
}

impl FakeRegistry {
    pub fn new(parties: Vec<RegistryParty>) -> FakeRegistry {
        FakeRegistry {
            parties: parties.into_iter().map(|p| (p.inn.clone(), p)).collect(),
        }
    }

    /// A few companies with valid check digits and no real counterpart.
    pub fn demo() -> FakeRegistry {
        let party =
            |kind: &str, inn: &str, kpp: &str, ogrn: &str, full: &str, short: &str, address: &str, email: &str| {
                RegistryParty {
                    kind: kind.into(),
                    inn: inn.into(),
                    kpp: kpp.into(),
                    ogrn: ogrn.into(),
                    full_name: full.into(),
                    short_name: short.into(),
                    legal_address: address.into(),
                    emails: vec![email.into()],
                    active: true,
                }
            };
        FakeRegistry::new(vec![
            party(
                "legal_entity",
                "1655000010",
                "165501001",
                "1021600000014",
                "Общество с ограниченной ответственностью «Вектор»",
                "ООО «Вектор»",
                "420000, Республика Татарстан, г. Казань, ул. Садовая, д. 10",
                "office@vector-cafe.example",
            ),
            party(
                "legal_entity",
                "6315000012",
                "631501001",
                "1026300000011",
                "Акционерное общество «Злак»",
                "АО «Злак»",
                "443000, Самарская обл., г. Самара, ул. Хлебная, д. 2",
                "it@zlak.example",
            ),
            party(
                "sole_proprietor",
                "231500000083",
                "",
                "304231500000015",
                "Индивидуальный предприниматель Орлова Елена Станиславовна",
                "ИП Орлова Е. С.",
                "354000, Краснодарский край, г. Сочи",
                "orlova@zavod.example",
            ),
            party(
                "legal_entity",
                "5406000018",
                "540601001",
                "1025400000010",
                "Общество с ограниченной ответственностью «Маяк»",
                "ООО «Маяк»",
                "630000, Новосибирская обл., г. Новосибирск, ул. Береговая, д. 5",
                "info@mayak-hostel.example",
            ),
        ])
    }
}

#[async_trait::async_trait]
impl CompanyRegistry for FakeRegistry {
    async fn find_by_inn(&self, inn: &str) -> Result<Option<RegistryParty>, RegistryError> {
        Ok(self.parties.get(inn.trim()).cloned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kabinet_core::legal_ids;

    #[test]
    fn demo_companies_have_valid_numbers() {
        for p in FakeRegistry::demo().parties.values() {
            assert!(legal_ids::inn(&p.inn).is_ok(), "{}", p.inn);
            if p.kind == "legal_entity" {
                assert!(legal_ids::kpp(&p.kpp).is_ok(), "{}", p.kpp);
                assert!(legal_ids::ogrn(&p.ogrn).is_ok(), "{}", p.ogrn);
            } else {
                assert!(legal_ids::ogrnip(&p.ogrn).is_ok(), "{}", p.ogrn);
            }
        }
    }

    #[test]
    fn a_dadata_answer_maps_to_a_party() {
        let body = r#"{"suggestions":[{"value":"ООО «Пример»","unrestricted_value":"ООО «Пример»",
          "data":{"inn":"7707083893","kpp":"773601001","ogrn":"1027700132195","type":"LEGAL",
          "name":{"full_with_opf":"ОБЩЕСТВО «ПРИМЕР»","short_with_opf":"ООО «Пример»"},
          "address":{"value":"г Москва, ул Примерная, д 1"},"state":{"status":"LIQUIDATED"},
          "emails":[{"value":"a@b.example"}]}}]}"#;
        let s: Suggestions = serde_json::from_str(body).unwrap();
        let p = RegistryParty::from(s.suggestions.into_iter().next().unwrap());
        assert_eq!(p.kind, "legal_entity");
        assert_eq!((p.inn.as_str(), p.kpp.as_str()), ("7707083893", "773601001"));
        assert_eq!(p.short_name, "ООО «Пример»");
        assert_eq!(p.emails, vec!["a@b.example"]);
        assert!(!p.active);
    }
}
