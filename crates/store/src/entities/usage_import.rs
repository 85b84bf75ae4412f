use sea_orm::entity::prelude::*;

/// A usage file of the operator's, imported once (its digest is unique).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "usage_imports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub file_name: String,
    /// SHA-256 of the file, in hex.
    pub digest: String,
    pub rows: i32,
    pub lines: i32,
    pub accounts: i32,
    pub created_by: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
