//! Keeping the provider's external CRM up to date (API-3, source document 001's "Didar"): each
//! asset and ticket is a record there (an amoCRM lead), each change of its status a note on it.
//! Events are queued in the outbox in the change's transaction (channel `crm`, the record's key
//! as recipient), so they are retried with backoff, end dead after the last try and can be
//! replayed from the back office's outbox page. The record's id in the CRM is kept in
//! `crm_links` once the first event created it.

pub mod amocrm;

use std::sync::Arc;

use kabinet_core::notify::Channel;
use kabinet_store::ConnectionTrait;
use kabinet_store::entities::crm_link::{self, Entity as CrmLink};
use kabinet_store::entities::customer::Entity as Customer;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};

pub use amocrm::{AmoCrm, FakeCrm};

use crate::i18n::Lang;
use crate::notify::DeliveryError;
use crate::notify::outbox::{self, OutgoingMessage};
use crate::{App, AppResult};

/// One change the CRM hears of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrmEvent {
    /// `asset.activated`, `asset.renewed`, `asset.expired`, `asset.pay_per_case`,
    /// `asset.cancelled`, `asset.transferred`, `asset.status_changed` (by staff), and the
    /// support desk's `ticket.*` events.
    pub event: String,
    /// The record's key: `asset:12` or `ticket:7`.
    pub record: String,
    /// The record's name in the CRM (a device's identifier, a ticket's number and title).
    pub title: String,
    pub customer_id: i64,
    pub customer_name: String,
    pub customer_phone: Option<String>,
    /// The record's status after the change.
    pub status: String,
    /// The change as a sentence in the CRM's language, written as a note.
    pub note: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// A CRM that takes events: creates the record on the first (`linked` is `None`) and returns
/// its id there, adds to it afterwards.
#[async_trait::async_trait]
pub trait CrmAdapter: Send + Sync {
    async fn push(&self, linked: Option<&str>, event: &CrmEvent) -> Result<String, DeliveryError>;
    /// `amocrm` or `fake`.
    fn kind(&self) -> &'static str;
}

/// The adapter the configuration names, if any.
pub fn from_config(config: &crate::config::CrmSyncConfig) -> anyhow::Result<Option<Arc<dyn CrmAdapter>>> {
    use crate::config::CrmSyncKind;
    Ok(match config.kind {
        CrmSyncKind::None => None,
        CrmSyncKind::Amocrm => Some(Arc::new(AmoCrm::new(config)?)),
        CrmSyncKind::Fake => Some(Arc::new(FakeCrm::default())),
    })
}

/// What changed: the record, its title, status and the note's text key with
/// its arguments.
struct Change<'a> {
    pub event: &'a str,
    pub record: String,
    pub title: String,
    pub customer_id: i64,
    pub status: &'a str,
    pub note_key: &'a str,
    pub note_args: Vec<(&'static str, String)>,
}

/// Queues changes for the CRM in the caller's transaction, when one is configured (the daily
/// sweep's expiries many at once, in one statement per 500).
async fn queue<C: ConnectionTrait>(app: &App, txn: &C, changes: Vec<Change<'_>>) -> AppResult<()> {
    if app.crm_sync.is_none() || changes.is_empty() {
        return Ok(());
    }
    let lang = Lang::parse(&app.config.crm_sync.language).unwrap_or_default();
    let ids: Vec<i64> = changes.iter().map(|c| c.customer_id).collect();
    let customers: std::collections::HashMap<i64, (String, Option<String>)> = Customer::find()
        .filter(kabinet_store::entities::customer::Column::Id.is_in(ids))
        .all(txn)
        .await?
        .into_iter()
        .map(|c| (c.id, (c.name, c.phone)))
        .collect();
    let now = kabinet_store::now();
    let messages = changes
        .into_iter()
        .map(|c| {
            let (customer_name, customer_phone) = customers.get(&c.customer_id).cloned().unwrap_or_default();
            let event = CrmEvent {
                event: c.event.to_owned(),
                record: c.record.clone(),
                title: c.title,
                customer_id: c.customer_id,
                customer_name,
                customer_phone,
                status: c.status.to_owned(),
                note: lang.t_args(c.note_key, &c.note_args),
                at: now,
            };
            OutgoingMessage {
                channel: Channel::Crm,
                recipient: c.record,
                subject: Some(event.event.clone()),
                body: serde_json::to_string(&event).unwrap_or_default(),
                masked_body: None,
                user_id: None,
                idempotency_key: None,
                attachments: Vec::new(),
            }
        })
        .collect();
    outbox::enqueue_many(txn, messages).await
}

/// Queues `event` for assets just changed (read after the change, in its transaction), when
/// a CRM is configured: a device is named by its identifier, a licence by its key's id.
pub async fn assets_changed<C: ConnectionTrait>(
    app: &App,
    txn: &C,
    assets: &[kabinet_store::entities::asset::Model],
    event: &str,
) -> AppResult<()> {
    if app.crm_sync.is_none() || assets.is_empty() {
        return Ok(());
    }
    let lang = Lang::parse(&app.config.crm_sync.language).unwrap_or_default();
    let identifiers = crate::assets::devices::identifiers(txn, assets.iter().map(|a| a.id)).await?;
    let changes = assets
        .iter()
        .map(|a| {
            let title = identifiers
                .get(&a.id)
                .cloned()
                .unwrap_or_else(|| format!("{} {}", lang.t(&format!("asset-{}", a.kind)), a.key_id));
            Change {
                event,
                record: format!("asset:{}", a.id),
                customer_id: a.customer_id,
                status: a.status.as_str(),
                note_key: "crm-note-asset",
                note_args: vec![
                    ("title", title.clone()),
                    ("status", lang.t(&format!("asset-status-{}", a.status))),
                    ("ends", a.ends_on.map(|d| lang.date(d)).unwrap_or_else(|| "—".into())),
                ],
                title,
            }
        })
        .collect();
    queue(app, txn, changes).await
}

/// [`assets_changed`] for one asset by its id.
pub async fn asset_changed<C: ConnectionTrait>(app: &App, txn: &C, asset_id: i64, event: &str) -> AppResult<()> {
    if app.crm_sync.is_none() {
        return Ok(());
    }
    let a = kabinet_store::entities::asset::Entity::find_by_id(asset_id)
        .one(txn)
        .await?
        .ok_or(crate::AppError::NotFound)?;
    assets_changed(app, txn, &[a], event).await
}

/// Queues `event` for a ticket (its state after the change), when a CRM is configured.
pub async fn ticket_changed<C: ConnectionTrait>(
    app: &App,
    txn: &C,
    t: &kabinet_store::entities::ticket::Model,
    event: &str,
) -> AppResult<()> {
    if app.crm_sync.is_none() {
        return Ok(());
    }
    let lang = Lang::parse(&app.config.crm_sync.language).unwrap_or_default();
    let title = format!("{} {}", t.number, t.title);
    let change = Change {
        event,
        record: format!("ticket:{}", t.id),
        customer_id: t.customer_id,
        status: t.status.as_str(),
        note_key: "crm-note-ticket",
        note_args: vec![
            ("title", title.clone()),
            ("status", lang.t(&format!("ticket-status-{}", t.status))),
        ],
        title,
    };
    queue(app, txn, vec![change]).await
}

/// Delivers one queued event (the worker's `crm` channel): to the record already linked, or
/// creating it and keeping the link.
pub(crate) async fn deliver(app: &App, record: &str, body: &str) -> Result<Option<String>, DeliveryError> {
    let Some(adapter) = app.crm_sync.as_deref() else {
        return Err(DeliveryError::Temporary("no CRM is configured".into()));
    };
    let event: CrmEvent =
        serde_json::from_str(body).map_err(|e| DeliveryError::Permanent(format!("not a CRM event: {e}")))?;
    let linked = CrmLink::find_by_id(record.to_owned())
        .one(&app.db.conn)
        .await
        .map_err(|e| DeliveryError::Temporary(format!("reading the link: {e}")))?
        .map(|l| l.external_id);
    let external_id = adapter.push(linked.as_deref(), &event).await?;
    if linked.is_none() {
        CrmLink::insert(crm_link::ActiveModel {
            record: Set(record.to_owned()),
            external_id: Set(external_id.clone()),
            created_at: Set(kabinet_store::now()),
        })
        .exec(&app.db.conn)
        .await
        .map_err(|e| DeliveryError::Temporary(format!("keeping the link: {e}")))?;
    }
    Ok(Some(external_id))
}
