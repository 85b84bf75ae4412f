use kabinet_core::assets::monitoring::ObjectKind;
use sea_orm::entity::prelude::*;

/// A protected object: the asset's guarded-property details (AST-7).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "security_objects")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub asset_id: i64,
    pub name: String,
    pub address: String,
    pub object_kind: ObjectKind,
    /// The object's number on the monitoring console, upper case.
    pub key_number: String,
    /// Empty: the customer's own contract.
    pub contract_number: String,
    pub monitoring: bool,
    pub panic_button: bool,
    pub sms_alerts: bool,
    /// When the customer typed the key number in the cabinet.
    pub key_entered_at: Option<DateTimeUtc>,
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
