use sea_orm::entity::prelude::*;

/// A buyer's request to pass a device to a new owner (AST-5), and staff's decision.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ownership_transfers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub asset_id: i64,
    pub from_customer_id: i64,
    pub requested_by_user_id: Option<i64>,
    pub new_owner_name: String,
    /// As `kabinet_core::legal_ids::national_id` writes it.
    pub new_owner_national_id: String,
    /// E.164.
    pub new_owner_phone: String,
    pub status: kabinet_core::assets::transfer::TransferStatus,
    /// Why it was rejected.
    pub reason: String,
    /// The customer the device went to, once approved.
    pub to_customer_id: Option<i64>,
    pub decided_by_user_id: Option<i64>,
    pub decided_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
