use sea_orm::entity::prelude::*;

/// A customer's request to support (SUP-1) with its service-level clocks (SUP-3).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tickets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// "2026-000042".
    pub number: String,
    pub customer_id: i64,
    pub asset_id: Option<i64>,
    pub requester_user_id: Option<i64>,
    pub requester_name: String,
    pub topic: String,
    /// typical or non_standard.
    pub request_class: kabinet_core::support::RequestClass,
    pub title: String,
    /// Markdown as written.
    pub description: String,
    pub priority: kabinet_core::support::Priority,
    pub status: kabinet_core::support::TicketStatus,
    pub assignee_user_id: Option<i64>,
    pub sla_plan_id: i64,
    /// email or sms.
    pub notify_channel: kabinet_core::notify::Channel,
    pub notify_phone: Option<String>,
    pub opened_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub first_response_at: Option<DateTimeUtc>,
    pub reaction_due: Option<DateTimeUtc>,
    pub reaction_warn_at: Option<DateTimeUtc>,
    pub reaction_breached_at: Option<DateTimeUtc>,
    pub resolution_due: Option<DateTimeUtc>,
    pub resolution_warn_at: Option<DateTimeUtc>,
    pub resolution_breached_at: Option<DateTimeUtc>,
    pub agreed_at: Option<DateTimeUtc>,
    pub agreed_due: Option<DateTimeUtc>,
    pub paused_at: Option<DateTimeUtc>,
    pub paused_seconds: i64,
    /// The earliest running clock's warning and deadline (None when no clock runs).
    pub attention_at: Option<DateTimeUtc>,
    pub due_at: Option<DateTimeUtc>,
    /// When a clock first ran out; kept after closing.
    pub breached_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub difficulty: Option<i16>,
    pub volume_minutes: Option<i32>,
    pub charge_entry_id: Option<i64>,
    /// The number, title and requester in searchable form (`crate::search`), refreshed on every save.
    pub search_text: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

crate::search::search_text_from!(field number, field title, field requester_name);
