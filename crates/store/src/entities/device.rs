use sea_orm::entity::prelude::*;

/// A device of a buyer (AST-3): the asset it is (status, service end) plus what identifies it
/// and the dates of its installation and warranty.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "devices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub asset_id: i64,
    pub device_type_id: i64,
    pub brand: String,
    pub model: String,
    pub identifier_kind: kabinet_core::assets::devices::IdentifierKind,
    /// As `kabinet_core::assets::devices::identifier` writes it; unique per kind.
    pub identifier: String,
    pub operator_name: Option<String>,
    pub installed_on: Option<Date>,
    pub warranty_ends_on: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::asset::Entity",
        from = "Column::AssetId",
        to = "super::asset::Column::Id"
    )]
    Asset,
}

impl Related<super::asset::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Asset.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
