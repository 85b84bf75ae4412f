use sea_orm::entity::prelude::*;

/// What a plan promises for one request class, on which business calendar.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sla_plan_terms")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub sla_plan_id: i64,
    /// typical or non_standard.
    pub request_class: String,
    pub business_calendar_id: i64,
    /// Working minutes; None: by agreement.
    pub reaction_minutes: Option<i32>,
    pub resolution_minutes: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
