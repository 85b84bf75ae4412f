use sea_orm::entity::prelude::*;

/// A customer's or a staff member's request for closing documents (BIL-6), fulfilled by the
/// worker: which kinds, for which accounts and months, in which format, packed and sent how.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "document_orders")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub customer_id: i64,
    pub requested_by: Option<i64>,
    /// Document kinds, comma-separated (`invoice,act`).
    pub kinds: String,
    /// JSON array of account ids.
    pub account_ids: String,
    /// First day of the first month.
    pub period_from: Date,
    /// First day of the last month.
    pub period_to: Date,
    /// The amount of a prepayment invoice; none: each account's amount due.
    pub prepayment_amount: Option<i64>,
    /// pdf or html (kinds that are PDF only are made in PDF whatever this says).
    pub format: kabinet_core::documents::DocumentFormat,
    pub pack_zip: bool,
    /// The archive's password, kept only until the archive is written.
    pub zip_password: Option<String>,
    /// Where to e-mail the documents, if anywhere.
    pub email_to: Option<String>,
    /// none, email or sms: how to say that the documents are ready.
    pub notify_channel: kabinet_core::documents::ReadyNotice,
    pub notify_to: Option<String>,
    /// The language the documents are written in.
    pub language: String,
    /// queued, running, done or failed.
    pub status: kabinet_core::export::JobStatus,
    pub total: i32,
    pub done: i32,
    /// JSON array of what was not made and why (`[{"account": "…", "period": "…", "reason": "…"}]`).
    pub skipped: String,
    /// The zip under the data directory, when packed.
    pub archive_name: Option<String>,
    pub archive_bytes: i64,
    pub error: Option<String>,
    pub attempts: i32,
    pub locked_until: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
