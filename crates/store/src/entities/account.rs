use sea_orm::entity::prelude::*;

/// A personal account (лицевой счёт, BIL-1) of a customer or of a partner.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// What people quote on the phone and in bank transfers.
    pub number: String,
    pub customer_id: Option<i64>,
    pub partner_id: Option<i64>,
    /// customer or partner.
    pub kind: kabinet_core::billing::AccountKind,
    pub title: String,
    pub currency: kabinet_core::money::Currency,
    /// Sum of the ledger entries, in minor units.
    pub balance: i64,
    /// How far below zero the balance may go (the debt cap), in minor units.
    pub credit_limit: i64,
    /// The balance below which the customer is warned; none when no warning is wanted.
    pub warning_threshold: Option<i64>,
    /// Whether the balance is below the threshold already (so the warning is not repeated).
    pub below_warning: bool,
    pub time_zone: String,
    pub manager_user_id: Option<i64>,
    /// How its closing documents reach the customer.
    pub document_delivery: kabinet_core::documents::DocumentDelivery,
    pub edo_operator: Option<String>,
    pub edo_participant_id: Option<String>,
    /// active or closed.
    pub status: kabinet_core::billing::AccountStatus,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
