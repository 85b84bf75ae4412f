use sea_orm::entity::prelude::*;

/// A reminder of an asset's end that was sent: one per asset, end date and threshold (days
/// before the end; 0 for the notice that it ran out), so that no sweep sends it twice and a
/// renewal (a new end date) starts the reminders afresh.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "asset_reminders")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub asset_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub ends_on: Date,
    #[sea_orm(primary_key, auto_increment = false)]
    pub days_before: i32,
    pub sent_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
