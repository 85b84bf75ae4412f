//! SMS alerts (ORD-2): each armed, disarmed and alarm event of an object with alerts switched
//! on is queued in the outbox as an SMS to the object's phone, in the customer's language and
//! time zone, in the transaction that stored the events. A burst of the same event sends one
//! SMS per kind, object and minute: the outbox key of the message says so, and a second
//! message with the same key is skipped.

use std::collections::HashMap;

use kabinet_core::requests::alert_key;
use kabinet_store::entities::{asset, customer, security_object, sms_alert_subscription as subscription};
use kabinet_store::monitoring::Stored;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QuerySelect, RelationTrait};

use crate::AppResult;
use crate::i18n::Lang;
use crate::notify::{Channel, OutgoingMessage};

/// Queues the SMS alerts of events stored now; returns how many were queued (bursts and
/// repeats skipped).
pub async fn enqueue_for<C: ConnectionTrait>(txn: &C, stored: &[Stored]) -> AppResult<usize> {
    let mut object_ids: Vec<i64> = stored
        .iter()
        .filter(|e| e.kind.is_alerted())
        .map(|e| e.object_id)
        .collect();
    if object_ids.is_empty() {
        return Ok(0);
    }
    object_ids.sort_unstable();
    object_ids.dedup();
    // The subscribed objects among them with what an SMS needs: one query.
    let subscribed: HashMap<i64, (String, chrono::NaiveDate, String, String, String)> = subscription::Entity::find()
        .select_only()
        .column(subscription::Column::ObjectId)
        .column(subscription::Column::Phone)
        .column(subscription::Column::StartsOn)
        .column(security_object::Column::Name)
        .column(customer::Column::Language)
        .column(customer::Column::TimeZone)
        .join(
            JoinType::InnerJoin,
            subscription::Entity::belongs_to(security_object::Entity)
                .from(subscription::Column::ObjectId)
                .to(security_object::Column::AssetId)
                .into(),
        )
        .join(JoinType::InnerJoin, security_object::Relation::Asset.def())
        .join(
            JoinType::InnerJoin,
            asset::Entity::belongs_to(customer::Entity)
                .from(asset::Column::CustomerId)
                .to(customer::Column::Id)
                .into(),
        )
        .filter(subscription::Column::ObjectId.is_in(object_ids))
        .filter(security_object::Column::SmsAlerts.eq(true))
        .into_tuple::<(i64, String, chrono::NaiveDate, String, String, String)>()
        .all(txn)
        .await?
        .into_iter()
        .map(|(id, phone, starts, name, lang, zone)| (id, (phone, starts, name, lang, zone)))
        .collect();
    let mut messages = Vec::new();
    for e in stored.iter().filter(|e| e.kind.is_alerted()) {
        let Some((phone, starts_on, name, language, zone)) = subscribed.get(&e.object_id) else {
            continue;
        };
        let lang = Lang::parse(language).unwrap_or_default();
        if crate::time::local_date(&e.occurred_at, zone) < *starts_on {
            continue;
        }
        let body = lang.t_args(
            "msg-security-alert",
            &[
                ("object", name.clone()),
                ("event", lang.t(&format!("security-event-{}", e.kind.as_str()))),
                ("time", lang.date_time(&e.occurred_at, zone)),
            ],
        );
        messages.push(OutgoingMessage {
            channel: Channel::Sms,
            recipient: phone.clone(),
            subject: None,
            body,
            masked_body: None,
            user_id: None,
            idempotency_key: Some(alert_key(e.object_id, e.kind, phone, e.occurred_at)),
            attachments: Vec::new(),
        });
    }
    crate::notify::outbox::enqueue_many_once(txn, messages).await
}
