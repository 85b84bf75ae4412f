//! Protected objects, their events and the consoles as pages and the API read them.

use chrono::{DateTime, Utc};
use kabinet_core::assets::AssetStatus;
use kabinet_core::assets::monitoring::{ObjectKind, SecurityEventKind};
use kabinet_store::entities::event_source;

/// A protected object as its list and its page show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ProtectedObject {
    /// The asset's id.
    pub id: i64,
    pub customer_id: i64,
    pub name: String,
    pub address: String,
    pub object_kind: ObjectKind,
    pub status: AssetStatus,
    /// The object's number on the console. A customer's login sees it only once it has typed
    /// it (the monitoring department gives it in person).
    pub key_number: Option<String>,
    /// The contract the object is guarded under (the customer's own unless it has its own).
    pub contract_number: String,
    pub monitoring: bool,
    pub panic_button: bool,
    pub sms_alerts: bool,
    /// When the customer typed the key number: its events are shown in the cabinet since.
    pub key_entered_at: Option<DateTime<Utc>>,
}

/// An event as the log shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SecurityEvent {
    pub id: i64,
    pub object_id: i64,
    pub object_name: String,
    pub kind: SecurityEventKind,
    pub occurred_at: DateTime<Utc>,
}

view! {
    /// A monitoring console allowed to report events; its token is shown once, at creation.
    EventSource from event_source::Model {
        id: i64,
        name: String,
        /// The token's first characters.
        prefix: String,
        created_at: DateTime<Utc>,
        last_used_at: Option<DateTime<Utc>>,
        revoked_at: Option<DateTime<Utc>>,
    }
}

/// What became of a batch of events.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IngestReport {
    /// Stored now.
    pub accepted: usize,
    /// SMS alerts queued for the events stored (bursts of one kind sent once a minute).
    pub alerts_queued: usize,
    /// Sent before (by event id) and skipped.
    pub duplicates: usize,
    /// Ids of the events whose key number names no object: not stored, for the console to
    /// send again once the object is registered.
    pub unknown_objects: Vec<String>,
}
