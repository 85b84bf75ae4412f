//! Use cases of Kabinet, one module per context, and the ports to the outside world.
//!
//! Every use case takes the [`App`] (database, configuration, adapters), validates its input
//! with the rules of `kabinet-core`, writes through `kabinet-store` in one transaction together
//! with its audit record and outgoing messages, and returns plain data for the web layer. The
//! web layer reaches the database only through these functions.

#[macro_use]
mod view;

pub(crate) use view::IntoViews;

pub mod access;
pub mod assets;
pub mod audit;
pub mod billing;
pub mod config;
pub mod content;
pub mod crm;
pub mod crm_sync;
pub mod customers;
pub mod dashboard;
pub mod demo;
pub mod desk;
pub mod documents;
pub mod error;
pub mod exports;
pub mod health;
pub mod i18n;
pub mod import_file;
pub mod knowledge;
pub mod lines;
pub mod listing;
pub mod monitoring;
pub mod notify;
pub mod privacy;
pub mod requests;
pub mod secrets;
pub mod support;
pub mod time;

use std::sync::Arc;

pub use config::Config;
pub use error::{AppError, AppResult, FieldErrors};
use kabinet_store::Db;

/// Everything a use case needs. Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub db: Db,
    pub config: Arc<Config>,
    pub channels: notify::Channels,
    /// Woken when a message or a document order is queued, so an in-process worker takes it
    /// at once.
    pub worker_wake: Arc<tokio::sync::Notify>,
    /// Dashboards read on this node (see `dashboard::DashboardCache`).
    pub dashboards: Arc<dashboard::DashboardCache>,
    /// Sessions looked up in the last moments (see `access::sessions::SessionCache`).
    pub sessions: Arc<access::sessions::SessionCache>,
    /// The payment gateway, when online payments are configured.
    pub gateway: Option<Arc<dyn billing::gateway::PaymentGateway>>,
    /// The company registry, when lookups by INN are configured.
    pub registry: Option<Arc<dyn crm::registry::CompanyRegistry>>,
    /// The external CRM kept up to date with assets and tickets, when one is configured.
    pub crm_sync: Option<Arc<dyn crm_sync::CrmAdapter>>,
    /// Commands to routers (AST-2).
    pub router: Arc<dyn assets::router::RouterControl>,
    /// Encrypts the secrets the product keeps (router API passwords).
    pub secrets: Arc<secrets::SecretBox>,
    /// The keys of the audit chain's HMAC (ADR 13).
    pub audit_keys: Arc<audit::keys::Keyring>,
    /// Business calendars built for the service-level clocks.
    pub calendars: Arc<support::calendars::CalendarCache>,
    /// The device types' names the register's filter lists.
    pub device_type_names: Arc<assets::device_types::TypeNames>,
    /// The operator that carries out orders for lines, when one is configured.
    pub provisioning: Option<Arc<dyn lines::provisioning::LineProvisioning>>,
    /// Woken when an order for lines is placed, so the order worker takes it at once.
    pub order_wake: Arc<tokio::sync::Notify>,
}

impl App {
    /// The application over `db`; fails when the secret key or the audit key cannot be
    /// read or created, or the external CRM's settings are incomplete.
    pub fn new(db: Db, config: Config, channels: notify::Channels) -> Result<App, String> {
        let secrets = Arc::new(secrets::SecretBox::for_config(&config.secret_key, &config.data_dir)?);
        let audit_keys = Arc::new(audit::keys::Keyring::for_config(
            &config.audit_key,
            &config.audit_retired_keys,
            &config.data_dir,
        )?);
        let ttl = std::time::Duration::from_millis(config.session_cache_millis);
        let gateway: Option<Arc<dyn billing::gateway::PaymentGateway>> = match config.gateway.kind {
            config::GatewayKind::Yookassa => match billing::gateway::YooKassa::new(&config.gateway) {
                Ok(g) => Some(Arc::new(g)),
                Err(e) => {
                    tracing::error!(error = %e, "payment gateway client");
                    None
                }
            },
            config::GatewayKind::None => None,
        };
        let registry: Option<Arc<dyn crm::registry::CompanyRegistry>> = match config.registry.kind {
            config::RegistryKind::Dadata => match crm::registry::DaData::new(&config.registry) {
                Ok(r) => Some(Arc::new(r)),
                Err(e) => {
                    tracing::error!(error = %e, "company registry client");
                    None
                }
            },
            config::RegistryKind::Fake => Some(Arc::new(crm::registry::FakeRegistry::demo())),
            config::RegistryKind::None => None,
        };
        let router: Arc<dyn assets::router::RouterControl> = match config.assets.router_control {
            config::RouterControlKind::Fake => Arc::new(assets::router::FakeRouterControl::default()),
            config::RouterControlKind::Routeros => Arc::new(assets::router::RouterOsApi::default()),
        };
        if !config.support.webhook_url.trim().is_empty() && config.support.webhook_secret.is_empty() {
            tracing::warn!(
                "support.webhook_url is set without support.webhook_secret: events go out signed with an empty key"
            );
        }
        let crm_sync = crm_sync::from_config(&config.crm_sync).map_err(|e| e.to_string())?;
        let provisioning = lines::provisioning::from_config(&config.lines)?;
        Ok(App {
            provisioning,
            order_wake: Arc::new(tokio::sync::Notify::new()),
            crm_sync,
            secrets,
            audit_keys,
            calendars: Arc::default(),
            device_type_names: Arc::default(),
            gateway,
            registry,
            router,
            db,
            config: Arc::new(config),
            channels,
            worker_wake: Arc::new(tokio::sync::Notify::new()),
            sessions: Arc::new(access::sessions::SessionCache::new(ttl)),
            dashboards: Arc::default(),
        })
    }
}
