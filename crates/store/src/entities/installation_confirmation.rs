use sea_orm::entity::prelude::*;

/// A device's installation confirmation (AST-3): opened by a technician with the device type's
/// checklist and the installation day, signed by the buyer with a one-time code. A signed row
/// holds its canonical content and that content's SHA-256, and the database refuses any later
/// change of it (migration 24).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "installation_confirmations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub asset_id: i64,
    /// JSON array of the checklist's items.
    pub items: String,
    pub installed_on: Date,
    pub opened_by_user_id: Option<i64>,
    pub opened_at: DateTimeUtc,
    pub signed_at: Option<DateTimeUtc>,
    pub signer_user_id: Option<i64>,
    pub signer_phone: Option<String>,
    pub signer_ip: Option<String>,
    pub content: Option<String>,
    pub content_hash: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
