use chrono::NaiveDate;
use sea_orm::entity::prelude::*;

/// A label a line carried when a month of its usage was first imported.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "line_usage_labels")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub line_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub month: NaiveDate,
    #[sea_orm(primary_key, auto_increment = false)]
    pub label_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
