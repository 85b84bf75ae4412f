use sea_orm::entity::prelude::*;

/// A guest a hotspot reported: a phone number that signed in, when first and last, how often.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "guests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub asset_id: i64,
    pub customer_id: i64,
    /// E.164.
    pub phone: String,
    pub first_seen: DateTimeUtc,
    pub last_seen: DateTimeUtc,
    pub visits: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
