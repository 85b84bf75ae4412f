//! Queueing messages in the outbox inside the caller's transaction.

use kabinet_store::ConnectionTrait;
use kabinet_store::entities::outbox_message;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};

use crate::AppResult;

pub use kabinet_core::notify::Channel;

/// A file under the data directory to attach to an e-mail; read when the message is sent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Attachment {
    /// Relative to the data directory.
    pub path: String,
    /// The name the recipient sees.
    pub name: String,
    pub content_type: String,
}

/// What stands in a stored message for a secret it carried.
pub const MASK: &str = "••••••";

#[derive(Debug, Clone)]
pub struct OutgoingMessage {
    pub channel: Channel,
    pub recipient: String,
    pub subject: Option<String>,
    pub body: String,
    /// The body with its secret (a code, a password) masked: what is kept after delivery and
    /// what the outbox page shows. `None` for a message without secrets.
    pub masked_body: Option<String>,
    pub user_id: Option<i64>,
    /// A key that makes queueing the same message twice a no-op.
    pub idempotency_key: Option<String>,
    /// Files to attach (e-mail only).
    pub attachments: Vec<Attachment>,
}

pub async fn enqueue<C: ConnectionTrait>(txn: &C, m: OutgoingMessage) -> AppResult<outbox_message::Model> {
    Ok(pending(m).insert(txn).await?)
}

/// Queues many messages in one statement (a sweep's notices), in the caller's transaction.
pub async fn enqueue_many<C: ConnectionTrait>(txn: &C, messages: Vec<OutgoingMessage>) -> AppResult<()> {
    // Parameters per statement stay far below both databases' limits.
    for chunk in messages.chunks(500) {
        outbox_message::Entity::insert_many(chunk.iter().cloned().map(pending))
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// Queues many messages, skipping each whose idempotency key a queued message already has (an
/// SMS alert of a burst); returns how many were queued.
pub async fn enqueue_many_once<C: ConnectionTrait>(txn: &C, messages: Vec<OutgoingMessage>) -> AppResult<usize> {
    let mut queued = 0;
    for chunk in messages.chunks(500) {
        let inserted = outbox_message::Entity::insert_many(chunk.iter().cloned().map(pending))
            .on_conflict(
                sea_orm::sea_query::OnConflict::column(outbox_message::Column::IdempotencyKey)
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
        queued += inserted as usize;
    }
    Ok(queued)
}

/// The row of a message waiting for its first attempt.
fn pending(m: OutgoingMessage) -> outbox_message::ActiveModel {
    let now = kabinet_store::now();
    outbox_message::ActiveModel {
        created_at: Set(now),
        channel: Set(m.channel),
        recipient: Set(m.recipient),
        subject: Set(m.subject),
        body: Set(m.body),
        masked_body: Set(m.masked_body),
        status: Set(kabinet_core::notify::OutboxStatus::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        user_id: Set(m.user_id),
        idempotency_key: Set(m.idempotency_key),
        attachments: Set((!m.attachments.is_empty()).then(|| serde_json::to_string(&m.attachments).unwrap_or_default())),
        ..Default::default()
    }
}
