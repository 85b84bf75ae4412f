use sea_orm::entity::prelude::*;

/// One call-forwarding rule of a line; a line has at most one per condition.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "line_forwardings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub line_id: i64,
    pub condition: kabinet_core::assets::lines::ForwardingCondition,
    /// E.164, a Russian number.
    pub target: String,
    /// Seconds of ringing first (no answer only).
    pub delay_seconds: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
