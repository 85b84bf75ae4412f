use sea_orm::entity::prelude::*;

/// A type of device the provider sells with after-sales service (AST-3): the checklist a
/// technician ticks at its installation and how long service runs after it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "device_types")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub code: String,
    pub name: String,
    /// JSON array of the items ticked at installation.
    pub checklist: String,
    pub service_months: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
