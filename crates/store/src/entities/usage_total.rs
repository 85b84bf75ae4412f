use sea_orm::entity::prelude::*;

/// An account's lines' money in a month per category, for the whole account (`scope`
/// "account", id 0), one group ("group") or one label ("label") as the lines were when the
/// month was imported.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "usage_totals")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub scope: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub scope_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub month: Date,
    pub calls_minor: i64,
    pub sms_minor: i64,
    pub data_minor: i64,
    pub fee_minor: i64,
    pub other_minor: i64,
    pub total_minor: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
