//! Configuration of a Kabinet node. Read by the binary from defaults, an optional
//! `kabinet.toml` and `KABINET_*` environment variables (plus `DATABASE_URL`).

use kabinet_core::assets::lifecycle::ReminderDays;
use serde::{Deserialize, Serialize};

/// Each outside service is chosen by a kind from a closed list: a value that is not on it
/// stops the start with the key and the allowed values (figment names both), instead of
/// quietly falling back to no service or to the real client.
macro_rules! kind_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }
    };
}

kind_enum!(
    /// The payment gateway (`gateway.kind`).
    GatewayKind { None = "none", Yookassa = "yookassa" }
);
kind_enum!(
    /// The external CRM the status changes of assets and tickets are sent to (`crm_sync.kind`).
    CrmSyncKind { None = "none", Amocrm = "amocrm", Fake = "fake" }
);
kind_enum!(
    /// The company registry (`registry.kind`).
    RegistryKind { None = "none", Dadata = "dadata", Fake = "fake" }
);
kind_enum!(
    /// How router commands are sent (`assets.router_control`).
    RouterControlKind { Routeros = "routeros", Fake = "fake" }
);
kind_enum!(
    /// Who carries out orders for telecom lines (`lines.provisioning`); none: lines cannot be
    /// ordered for.
    ProvisioningKind { None = "none", Http = "http", Fake = "fake" }
);
kind_enum!(
    /// How e-mail leaves (`email.transport`); empty: not configured.
    EmailTransport { Unconfigured = "", Smtp = "smtp", Log = "log", Fake = "fake" }
);
kind_enum!(
    /// How SMS leave (`sms.transport`); empty: not configured.
    SmsTransport { Unconfigured = "", Smsru = "smsru", Log = "log", Fake = "fake" }
);
kind_enum!(
    /// How WhatsApp messages leave (`whatsapp.transport`); empty: WhatsApp is not offered.
    WhatsappTransport { Unconfigured = "", CloudApi = "cloud_api", Log = "log", Fake = "fake" }
);

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// `postgres://…` or a SQLite file path / `sqlite://…` URL.
    pub database_url: String,
    /// Connections in the pool; 0 picks by database: 4 for SQLite (one writer at a time, and
    /// each connection is a thread — more only added switching on the measured 2-core machine),
    /// 16 for PostgreSQL.
    pub db_max_connections: u32,
    /// Address the HTTP server binds.
    pub listen: String,
    /// The address people use to reach the product; links in messages start with it, and an
    /// `https://` base makes session cookies `Secure`.
    pub public_base_url: String,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted reverse proxy).
    pub trust_forwarded_for: bool,
    /// Time zone in which the back office and cabinet show times.
    pub display_time_zone: String,
    /// Largest request body accepted, in bytes.
    pub body_limit_bytes: usize,
    /// Directory for files the product makes (exports, documents); created when missing.
    pub data_dir: String,
    /// Key (64 hex digits) that encrypts stored secrets such as router API passwords; when
    /// empty, a key is created once in `{data_dir}/secret.key`.
    pub secret_key: String,
    /// Key (64 hex digits) of the audit chain's HMAC; when empty, a key is created once in
    /// `{data_dir}/audit.key` (`kabinet audit rotate-key` replaces it there).
    pub audit_key: String,
    /// Keys the audit chain was sealed with before, still needed to verify what they sealed.
    pub audit_retired_keys: Vec<String>,
    /// Minutes without activity after which a session ends.
    pub session_idle_minutes: i64,
    /// Hours after login at which a session ends whatever the activity.
    pub session_absolute_hours: i64,
    /// How long a node trusts a session it has looked up, in milliseconds (0: look it up on
    /// every request). A session ended on another node stops working here within this time.
    pub session_cache_millis: u64,
    /// The bearer token that reads `/metrics`. When empty, only a client on this host (the
    /// connection's own address, with no forwarded address) may read it: the figures tell how
    /// many people sign in, which is nobody else's business.
    pub metrics_token: String,
    /// Failed logins allowed per account (and 4× that per IP address) in the window.
    pub login_failures_allowed: i64,
    pub login_window_minutes: i64,
    /// Staff roles that must sign in with an authenticator app's code as well as the password
    /// (ACC-3); the others may set one up. The demo requires none.
    pub second_factor_roles: Vec<kabinet_core::access::StaffRole>,
    /// Days a browser may be remembered after a second-factor sign-in (0: never).
    pub remember_device_days: i64,
    /// The provider's own name and phone, shown to customers (e.g. when registration fails).
    pub provider_name: String,
    pub provider_phone: String,
    /// The provider's contacts on the cabinet's "Contacts" page (CNT-5).
    pub contacts: ContactsConfig,
    pub email: EmailConfig,
    pub sms: SmsConfig,
    /// WhatsApp, for those who prefer it (optional).
    pub whatsapp: WhatsappConfig,
    pub gateway: GatewayConfig,
    /// The provider's legal details, printed on invoices, acts and receipts (BIL-6).
    pub requisites: Requisites,
    /// The company registry that fills counterparties in by INN (CRM-2).
    pub registry: RegistryConfig,
    /// The external CRM kept up to date with assets and tickets (API-3).
    pub crm_sync: CrmSyncConfig,
    /// The provider's own lists for customer cards (CRM-1).
    pub crm: CrmConfig,
    /// Licences and routers (AST-1, AST-2).
    pub assets: AssetsConfig,
    /// Corporate telecom lines (AST-6, ORD-1).
    pub lines: LinesConfig,
    /// The support desk (SUP).
    pub support: SupportConfig,
}

/// The provider's contacts for customers (CNT-5).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactsConfig {
    /// The office customers come to.
    pub address: String,
    /// Phones, each "label: number" or a number ("Дежурная часть: +7 843 200-00-02").
    pub phones: Vec<String>,
    pub email: String,
    /// Working hours, a line each ("Пн–Пт 9:00–18:00").
    pub hours: Vec<String>,
    /// The office on a map (an http or https link).
    pub map_url: String,
}

impl Config {
    /// The provider as documents and pages name it: its full legal name, or the product's
    /// provider name when none is configured.
    pub fn provider_legal_name(&self) -> String {
        if self.requisites.legal_name.is_empty() {
            self.provider_name.clone()
        } else {
            self.requisites.legal_name.clone()
        }
    }
}

impl ContactsConfig {
    /// The demo provider's made-up contacts.
    pub fn demo() -> ContactsConfig {
        ContactsConfig {
            address: "Казань, ул. Примерная, д. 1, офис 10".into(),
            phones: vec![
                "Сервисный центр: +7 800 000-00-00".into(),
                "Дежурная часть (круглосуточно): +7 843 000-00-02".into(),
            ],
            email: "service@kabinet.example".into(),
            hours: vec!["Пн–Пт 9:00–18:00".into(), "Сб 10:00–15:00".into()],
            map_url: "https://www.openstreetmap.org/?mlat=55.7963&mlon=49.1088#map=17/55.7963/49.1088".into(),
        }
    }
}

/// The support desk: defaults, limits and where ticket events go.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct SupportConfig {
    /// The SLA plan (its code) of customers that have none of their own.
    pub default_plan: String,
    /// Days after closing during which the customer may re-open a ticket.
    pub reopen_days: u32,
    /// Largest attachment, in bytes, and most attachments per message.
    pub attachment_max_bytes: usize,
    pub attachments_per_message: usize,
    /// E-mail of the support lead, told of every breached deadline (empty: nobody).
    pub lead_email: String,
    /// Price of one working hour of a pay-per-case request per currency, in its minor units
    /// (`rub = 250000` is 2,500 ₽; `irr = 20000000` is 20,000,000 rial); the charge is
    /// hours × price × (1 + (difficulty − 1) / 4) — difficulty 5 costs twice difficulty 1. An
    /// account in a currency without a price cannot be charged per case.
    pub case_hour_prices: std::collections::BTreeMap<String, i64>,
    /// An external CRM that receives ticket events as signed JSON (empty: none).
    pub webhook_url: String,
    /// The HMAC-SHA256 key of the `X-Kabinet-Signature` header.
    pub webhook_secret: String,
}

impl SupportConfig {
    /// The hourly pay-per-case price in `currency` (a code such as `RUB`), if there is one.
    pub fn case_hour_price(&self, currency: &str) -> Option<i64> {
        self.case_hour_prices
            .iter()
            .find(|(code, _)| code.eq_ignore_ascii_case(currency))
            .map(|(_, price)| *price)
            .filter(|p| *p > 0)
    }
}

impl Default for SupportConfig {
    fn default() -> Self {
        SupportConfig {
            default_plan: "by_fact".into(),
            reopen_days: 7,
            attachment_max_bytes: 10 * 1024 * 1024,
            attachments_per_message: 5,
            lead_email: String::new(),
            case_hour_prices: [("rub".to_owned(), 250_000), ("irr".to_owned(), 20_000_000)].into(),
            webhook_url: String::new(),
            webhook_secret: String::new(),
        }
    }
}

/// Licences and the routers they run on.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct AssetsConfig {
    /// The modules a licence may have switched on, in the provider's words.
    pub modules: Vec<String>,
    /// Where hotspots' pages live: `{portal_base_url}/{key_id}/identification` and
    /// `…/authorisation`; firmware points routers here too. Unset (the default), the links to
    /// a point's pages are not shown and no firmware is made: there is nowhere to point to.
    pub portal_base_url: Option<String>,
    /// How router commands are sent: `routeros` (the RouterOS API over TCP) or `fake` (only
    /// recorded, for the demo and tests).
    pub router_control: RouterControlKind,
    /// How many days before an asset's service ends its customer is reminded, once per
    /// threshold (e.g. `[30, 7, 1]`); the day it runs out has a notice of its own.
    #[serde(deserialize_with = "reminder_days", serialize_with = "reminder_days_out")]
    pub reminder_days: ReminderDays,
}

fn reminder_days<'de, D: serde::Deserializer<'de>>(d: D) -> Result<ReminderDays, D::Error> {
    let days = Vec::<u32>::deserialize(d)?;
    ReminderDays::new(&days).map_err(serde::de::Error::custom)
}

fn reminder_days_out<S: serde::Serializer>(days: &ReminderDays, s: S) -> Result<S::Ok, S::Error> {
    days.as_slice().serialize(s)
}

impl AssetsConfig {
    /// The hotspot portal's address without a trailing slash, when one is configured.
    pub fn portal(&self) -> Option<&str> {
        self.portal_base_url
            .as_deref()
            .map(|u| u.trim().trim_end_matches('/'))
            .filter(|u| !u.is_empty())
    }
}

impl Default for AssetsConfig {
    fn default() -> Self {
        AssetsConfig {
            // The product's own modules, named in Russian as configurations name them; pages
            // show them in the reader's language (`Lang::module_name`).
            modules: (1..=crate::i18n::DEFAULT_MODULES)
                .map(|i| crate::i18n::Lang::Ru.t(&format!("licence-module-{i}")))
                .collect(),
            portal_base_url: None,
            router_control: RouterControlKind::Routeros,
            reminder_days: ReminderDays::new(&[30, 7, 1]).expect("the default thresholds are valid"),
        }
    }
}

/// Corporate telecom lines: who carries out their orders.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct LinesConfig {
    /// `http` (the operator's gateway at `provisioning_url`, ADR 30), `fake` (the demo's
    /// stand-in operator) or `none` (lines cannot be ordered for).
    pub provisioning: ProvisioningKind,
    pub provisioning_url: String,
    /// The HMAC-SHA256 key the requests to the gateway are signed with.
    pub provisioning_secret: String,
    /// The stand-in refuses numbers ending in this, …
    pub fake_refuse_suffix: String,
    /// … answers nothing the first time for numbers ending in this, …
    pub fake_busy_suffix: String,
    /// … and takes this long over each line.
    pub fake_delay_millis: u64,
    /// Lines the worker takes at a time.
    pub worker_batch: u64,
}

impl Default for LinesConfig {
    fn default() -> Self {
        LinesConfig {
            provisioning: ProvisioningKind::None,
            provisioning_url: String::new(),
            provisioning_secret: String::new(),
            fake_refuse_suffix: "13".into(),
            fake_busy_suffix: String::new(),
            fake_delay_millis: 0,
            worker_batch: 500,
        }
    }
}

/// Lists the provider keeps in its own words, offered on the customer form.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct CrmConfig {
    /// What customers do.
    pub activities: Vec<String>,
    /// How much more a customer could buy.
    pub growth_potentials: Vec<String>,
}

impl Default for CrmConfig {
    fn default() -> Self {
        let list = |items: &[&str]| items.iter().map(|s| s.to_string()).collect();
        CrmConfig {
            activities: list(&[
                "Кафе и рестораны",
                "Гостиницы",
                "Торговля",
                "Фитнес и спорт",
                "Медицина",
                "Образование",
                "Транспорт",
                "Развлечения",
                "Другое",
            ]),
            growth_potentials: list(&["Высокий", "Средний", "Низкий"]),
        }
    }
}

/// The company registry (CRM-2).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct RegistryConfig {
    /// `none` (no lookup), `dadata` (DaData's API at `base_url`) or `fake` (made-up companies,
    /// for the demo and tests).
    pub kind: RegistryKind,
    pub base_url: String,
    /// The API key ("Token …").
    pub token: String,
}

impl Default for RegistryConfig {
    fn default() -> Self {
        RegistryConfig {
            kind: RegistryKind::None,
            base_url: "https://suggestions.dadata.ru".into(),
            token: String::new(),
        }
    }
}

/// The external CRM (API-3): amoCRM's API v4 at the account's address with a long-lived
/// token; each asset and ticket becomes a lead there, each status change a note on it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct CrmSyncConfig {
    /// `none`, `amocrm`, or `fake` (kept in memory, for the demo and tests).
    pub kind: CrmSyncKind,
    /// The account's address, e.g. `https://example.amocrm.ru`.
    pub base_url: String,
    pub token: String,
    /// The pipeline new leads go to; 0: the account's main one.
    pub pipeline_id: i64,
    /// The language notes are written in (`ru`, `en`, `fa`).
    pub language: String,
}

impl Default for CrmSyncConfig {
    fn default() -> Self {
        CrmSyncConfig {
            kind: CrmSyncKind::None,
            base_url: String::new(),
            token: String::new(),
            pipeline_id: 0,
            language: "ru".into(),
        }
    }
}

/// The provider's own legal and bank details for closing documents.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Requisites {
    /// Full legal name ("ООО «…»"); empty: the provider's name is printed.
    pub legal_name: String,
    pub inn: String,
    pub kpp: String,
    pub ogrn: String,
    pub address: String,
    pub bank_name: String,
    pub bik: String,
    /// Settlement account (расчётный счёт).
    pub settlement_account: String,
    /// Correspondent account of the bank.
    pub correspondent_account: String,
    /// Who signs for the provider.
    pub director: String,
    pub chief_accountant: String,
    /// VAT included in prices, in percent; 0: the provider does not charge VAT ("без НДС").
    /// It is the tax of customers in the provider's own country.
    pub vat_rate: u32,
    /// The provider's country: its customers pay `vat_rate`, and a new customer is in it
    /// unless told otherwise.
    pub country: kabinet_core::tax::Country,
    /// How invoices to customers in other countries are taxed, one rule a country; a country
    /// without one is invoiced without tax. Default: Iran's VAT.
    pub foreign_taxes: Vec<kabinet_core::tax::TaxRule>,
}

impl Requisites {
    /// The tax of an invoice to a customer in `country`, `None` when it is not taxed.
    pub fn tax_for(&self, country: kabinet_core::tax::Country) -> Option<kabinet_core::tax::TaxRule> {
        use kabinet_core::tax::{Country, TaxKind, TaxRule};
        if country == self.country {
            let kind = match country {
                Country::Russia => TaxKind::RussianVat,
                Country::Iran => TaxKind::IranianVat,
            };
            return Some(TaxRule {
                country,
                kind,
                rate_percent: self.vat_rate,
                included: true,
            });
        }
        kabinet_core::tax::rule_for(&self.foreign_taxes, country)
    }
}

impl Requisites {
    /// Made-up details for the demo and the tests (check digits valid, no real company).
    pub fn demo() -> Requisites {
        Requisites {
            legal_name: "ООО «Кабинет Демо»".into(),
            inn: "7719000010".into(),
            kpp: "771901001".into(),
            ogrn: "1027700000019".into(),
            address: "123000, г. Москва, ул. Примерная, д. 1, офис 1".into(),
            bank_name: "АО «Демобанк», г. Москва".into(),
            bik: "044525000".into(),
            settlement_account: "40702810900000000001".into(),
            correspondent_account: "30101810900000000000".into(),
            director: "Демидов Д. Д.".into(),
            chief_accountant: "Бухова Б. Б.".into(),
            vat_rate: 22,
            ..Requisites::default()
        }
    }
}

/// The payment gateway (BIL-5).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct GatewayConfig {
    /// `none` (no online payments) or `yookassa` (the YooKassa v3 API at `base_url`).
    pub kind: GatewayKind,
    pub base_url: String,
    pub shop_id: String,
    pub secret_key: String,
    /// A secret the notification URL must carry as `?key=…` (set the same URL in the shop's
    /// settings); empty: not checked.
    pub notification_key: String,
    /// Addresses notifications may come from (CIDR); empty: any. The default is the list
    /// YooKassa publishes.
    pub notification_sources: Vec<String>,
}

impl Default for GatewayConfig {
    fn default() -> Self {
        GatewayConfig {
            kind: GatewayKind::None,
            base_url: "https://api.yookassa.ru".into(),
            shop_id: String::new(),
            secret_key: String::new(),
            notification_key: String::new(),
            notification_sources: [
                "185.71.76.0/27",
                "185.71.77.0/27",
                "77.75.153.0/25",
                "77.75.156.11/32",
                "77.75.156.35/32",
                "77.75.154.128/25",
                "2a02:5180::/32",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct EmailConfig {
    /// `smtp` delivers; `log` writes each message to the log; `fake` keeps them in memory
    /// (the demo and tests only). Empty: not configured, and a worker refuses to start.
    pub transport: EmailTransport,
    /// `smtp://host:port` (STARTTLS when offered is not forced), `smtp+starttls://…` or
    /// `smtps://host:port` (implicit TLS).
    pub smtp_url: String,
    pub smtp_username: Option<String>,
    pub smtp_password: Option<String>,
    pub from: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct SmsConfig {
    /// `smsru` sends through SMS.ru's HTTP API; `log` and `fake` as for e-mail. Empty: not
    /// configured.
    pub transport: SmsTransport,
    pub smsru_base_url: String,
    pub smsru_api_id: Option<String>,
    /// Sender name registered with the provider, if any.
    pub sender: Option<String>,
}

/// The WhatsApp Business Cloud API: the business phone number's id and a system user's access
/// token from Meta's Business Manager, and the names of the templates approved there — each in
/// Russian, English and Persian, with the placeholders the product fills in order.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct WhatsappConfig {
    /// `cloud_api` sends through Meta's Graph API; `log` and `fake` as for e-mail. Empty:
    /// WhatsApp is not offered.
    pub transport: WhatsappTransport,
    /// The Graph API's address with its version.
    pub base_url: String,
    pub phone_number_id: String,
    pub access_token: String,
    /// Put before each template's name: the low-balance warning is `{prefix}low_balance`
    /// ({{1}} the account number, {{2}} the balance).
    pub template_prefix: String,
}

impl Default for WhatsappConfig {
    fn default() -> Self {
        WhatsappConfig {
            transport: WhatsappTransport::Unconfigured,
            base_url: "https://graph.facebook.com/v21.0".into(),
            phone_number_id: String::new(),
            access_token: String::new(),
            template_prefix: "kabinet_".into(),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "kabinet.db".into(),
            db_max_connections: 0,
            listen: "127.0.0.1:8080".into(),
            public_base_url: "http://127.0.0.1:8080".into(),
            trust_forwarded_for: false,
            metrics_token: String::new(),
            audit_key: String::new(),
            audit_retired_keys: Vec::new(),
            display_time_zone: "Europe/Moscow".into(),
            body_limit_bytes: 1024 * 1024,
            data_dir: "kabinet-data".into(),
            secret_key: String::new(),
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            session_cache_millis: 2000,
            login_failures_allowed: 5,
            login_window_minutes: 15,
            second_factor_roles: vec![
                kabinet_core::access::StaffRole::Admin,
                kabinet_core::access::StaffRole::Accountant,
            ],
            remember_device_days: 30,
            provider_name: "Kabinet".into(),
            provider_phone: "+7 800 000-00-00".into(),
            contacts: ContactsConfig::default(),
            email: EmailConfig::default(),
            sms: SmsConfig::default(),
            whatsapp: WhatsappConfig::default(),
            gateway: GatewayConfig::default(),
            requisites: Requisites::default(),
            registry: RegistryConfig::default(),
            crm_sync: CrmSyncConfig::default(),
            crm: CrmConfig::default(),
            assets: AssetsConfig::default(),
            lines: LinesConfig::default(),
            support: SupportConfig::default(),
        }
    }
}

impl Default for Requisites {
    fn default() -> Self {
        Requisites {
            legal_name: String::new(),
            inn: String::new(),
            kpp: String::new(),
            ogrn: String::new(),
            address: String::new(),
            bank_name: String::new(),
            bik: String::new(),
            settlement_account: String::new(),
            correspondent_account: String::new(),
            director: String::new(),
            chief_accountant: String::new(),
            vat_rate: 22,
            country: kabinet_core::tax::Country::Russia,
            foreign_taxes: vec![kabinet_core::tax::TaxRule::IRAN],
        }
    }
}

impl Default for EmailConfig {
    fn default() -> Self {
        EmailConfig {
            transport: EmailTransport::Unconfigured,
            smtp_url: "smtp://127.0.0.1:25".into(),
            smtp_username: None,
            smtp_password: None,
            from: "Kabinet <no-reply@kabinet.local>".into(),
        }
    }
}

impl Default for SmsConfig {
    fn default() -> Self {
        SmsConfig {
            transport: SmsTransport::Unconfigured,
            smsru_base_url: "https://sms.ru".into(),
            smsru_api_id: None,
            sender: None,
        }
    }
}

impl Config {
    pub fn cookies_secure(&self) -> bool {
        self.public_base_url.starts_with("https://")
    }
}
