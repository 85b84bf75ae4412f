use sea_orm::entity::prelude::*;

/// The record in the external CRM that an asset or ticket became (API-3).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "crm_links")]
pub struct Model {
    /// `asset:12` or `ticket:7`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub record: String,
    /// Its id in the CRM (an amoCRM lead's id).
    pub external_id: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
