use sea_orm::entity::prelude::*;

/// One version of the rules of service (CNT-5).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_rules")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// 1, 2, 3 … in the order published.
    pub version: i32,
    pub title: String,
    /// Markdown.
    pub body: String,
    /// The day the version takes effect.
    pub effective_on: Date,
    pub created_by_user_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
