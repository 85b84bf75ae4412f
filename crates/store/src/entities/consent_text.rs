use kabinet_core::privacy::ConsentKind;
use sea_orm::entity::prelude::*;

/// One version of a consent's text (PRV-2); the latest of its kind is the one in force.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consent_texts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: ConsentKind,
    /// 1, 2, 3 … per kind, in the order published.
    pub version: i32,
    pub title: String,
    /// Markdown.
    pub body: String,
    pub created_by_user_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
