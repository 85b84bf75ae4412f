use sea_orm::entity::prelude::*;

/// When support works: a time zone, the windows of working days and of rest days, and the
/// holiday calendar that says which days are which (SUP-3).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "business_calendars")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub code: String,
    pub name: String,
    pub time_zone: String,
    /// "10:00-18:00, …"; empty: no work on such days.
    pub working_windows: String,
    pub rest_windows: String,
    pub holiday_calendar_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
