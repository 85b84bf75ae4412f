use sea_orm::entity::prelude::*;

/// A tariff of the operator's that customers may move their lines to (ORD-1).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "line_tariffs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The operator's code, sent with each order.
    pub code: String,
    pub name: String,
    pub monthly_fee_minor: i64,
    pub currency: kabinet_core::money::Currency,
    pub description: Option<String>,
    /// No longer offered when false; lines already on it keep it.
    pub active: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
