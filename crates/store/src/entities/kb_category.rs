use sea_orm::entity::prelude::*;

/// A knowledge-base category (CNT-1), named in each language.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "kb_categories")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// A stable name for links and the API: `routers`, `cameras`.
    pub code: String,
    pub name_ru: String,
    pub name_en: String,
    pub name_fa: String,
    /// The order categories are listed in.
    pub position: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
