use sea_orm::entity::prelude::*;

/// A group a customer sorts its lines into (a department, a site), shown with its icon and
/// colour; a line is in at most one.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "line_groups")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub customer_id: i64,
    pub name: String,
    pub icon: kabinet_core::assets::lines::GroupIcon,
    /// "#rrggbb".
    pub colour: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
