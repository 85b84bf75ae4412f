use sea_orm::entity::prelude::*;

/// The photo of the employee on a line, re-encoded, and its thumbnail.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "line_photos")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub line_id: i64,
    pub photo: Vec<u8>,
    pub thumbnail: Vec<u8>,
    pub width: i32,
    pub height: i32,
    /// SHA-256 of `photo`, in hex.
    pub sha256: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
