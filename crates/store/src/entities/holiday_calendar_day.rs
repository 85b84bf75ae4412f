use sea_orm::entity::prelude::*;

/// One exceptional day of a holiday calendar.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "holiday_calendar_days")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub holiday_calendar_id: i64,
    pub day: Date,
    /// holiday (a weekday off) or worked (a weekend day worked instead).
    pub kind: String,
    pub note: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
