use sea_orm::entity::prelude::*;

/// A message waiting for, or done with, delivery (CNT-3).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub created_at: DateTimeUtc,
    /// email or sms.
    pub channel: kabinet_core::notify::Channel,
    pub recipient: String,
    pub subject: Option<String>,
    pub body: String,
    /// The body with its secret masked, for a message that carries one; it replaces the body
    /// once the message is delivered or given up.
    pub masked_body: Option<String>,
    /// pending, sending, sent or dead.
    pub status: kabinet_core::notify::OutboxStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    pub locked_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTimeUtc>,
    pub provider_id: Option<String>,
    pub idempotency_key: Option<String>,
    pub user_id: Option<i64>,
    /// JSON list of files to attach (`[{"path": "documents/…", "name": "…", "content_type": "…"}]`).
    pub attachments: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
