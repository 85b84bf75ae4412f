use sea_orm::entity::prelude::*;

/// The price of renewing a device of a type for a number of years, in one currency (AST-4).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "renewal_prices")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub device_type_id: i64,
    /// 1, 2 or 3.
    pub years: i16,
    pub currency: kabinet_core::money::Currency,
    /// In the currency's minor units.
    pub amount: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
