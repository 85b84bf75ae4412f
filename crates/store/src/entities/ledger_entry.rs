use sea_orm::entity::prelude::*;

/// One line of an account's append-only ledger. Never updated or deleted.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ledger_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub customer_id: Option<i64>,
    /// charge, payment, refund, adjustment, cashback or reversal.
    pub kind: kabinet_core::billing::EntryKind,
    /// Signed minor units: credits positive, debits negative.
    pub amount: i64,
    pub balance_after: i64,
    pub currency: kabinet_core::money::Currency,
    /// When the money moved (a bank transfer's date, the period a charge is for).
    pub occurred_at: DateTimeUtc,
    /// When the entry was written.
    pub recorded_at: DateTimeUtc,
    pub description: String,
    /// Makes every money change happen at most once.
    pub idempotency_key: String,
    pub reverses_entry_id: Option<i64>,
    pub payment_id: Option<i64>,
    pub subscription_id: Option<i64>,
    pub period_start: Option<Date>,
    pub created_by: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
