use sea_orm::entity::prelude::*;

/// One change of an asset's status (AST-2): from what to what, who made it (none: the product
/// itself, e.g. the daily sweep), when and why. Written in the transaction that changes it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "asset_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub asset_id: i64,
    /// None when the asset came into being.
    pub from_status: Option<kabinet_core::assets::AssetStatus>,
    pub to_status: kabinet_core::assets::AssetStatus,
    pub reason: String,
    pub actor_user_id: Option<i64>,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
