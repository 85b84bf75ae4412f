use sea_orm::entity::prelude::*;

/// The lines that spent most in an account's period (for the account, a group or a label), as
/// counted after the import `import_id`; counted again once a newer file is imported.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "usage_top_lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub scope: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub scope_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub from_month: Date,
    #[sea_orm(primary_key, auto_increment = false)]
    pub to_month: Date,
    pub import_id: i64,
    /// JSON: `[[line id, spent], …]`, most first.
    pub lines: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
