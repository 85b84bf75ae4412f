//! Audit records as pages and the API read them.
//!
//! Each is built from its row and leaves out what no reader needs (password and token hashes).

use chrono::{DateTime, Utc};
use kabinet_store::entities::audit_record;

view! {
    /// One audit record (PRV-1). `hash` covers every other field and `prev_hash`, which makes the
    /// log a chain: changing or removing a record breaks every hash after it.
    AuditRecord from audit_record::Model {
        id: i64,
        seq: i64,
        at: DateTime<Utc>,
        actor_user_id: Option<i64>,
        actor: String,
        ip: Option<String>,
        action: String,
        object_type: String,
        object_id: Option<String>,
        /// JSON object: field → {"before": …, "after": …}, or free details.
        changes: String,
        prev_hash: String,
        hash: String,
        /// The staff member behind `actor_user_id` (a customer's login) in a cabinet entered from
        /// the back office.
        acting_user_id: Option<i64>,
        /// The key whose HMAC `hash` is; `None` for records sealed before the chain had keys
        /// (plain SHA-256).
        key_id: Option<String>,
    }
}
