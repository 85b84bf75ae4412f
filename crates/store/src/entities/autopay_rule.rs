use sea_orm::entity::prelude::*;

/// A customer's autopay on one account (BIL-5).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "autopay_rules")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub customer_id: i64,
    /// threshold ("top up X when the balance falls below Y") or billing_day ("pay what is due
    /// on the billing day").
    pub mode: kabinet_core::billing::AutopayMode,
    /// Y of the threshold mode, in minor units.
    pub threshold: Option<i64>,
    /// X of the threshold mode, in minor units.
    pub topup_amount: Option<i64>,
    /// The card the gateway saved; none until the first payment binds it.
    pub payment_method_id: Option<String>,
    /// awaiting_card, active or canceled.
    pub status: kabinet_core::billing::AutopayStatus,
    pub failures: i32,
    pub last_error: Option<String>,
    /// The day autopay last paid or tried to (once a day at most).
    pub last_run_on: Option<Date>,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
