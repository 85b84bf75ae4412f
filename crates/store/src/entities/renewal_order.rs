use sea_orm::entity::prelude::*;

/// A renewal a buyer ordered and pays at the bank (AST-4); its payment renews the device once.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "renewal_orders")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub asset_id: i64,
    pub customer_id: i64,
    /// The account the payment is credited to and the renewal charged from.
    pub account_id: i64,
    pub payment_id: Option<i64>,
    pub years: i16,
    /// The price, in the account's currency's minor units.
    pub amount: i64,
    pub currency: kabinet_core::money::Currency,
    pub status: kabinet_core::assets::renewal::OrderStatus,
    /// The device's new last day of service, once renewed.
    pub renewed_until: Option<Date>,
    pub ordered_by_user_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub decided_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
