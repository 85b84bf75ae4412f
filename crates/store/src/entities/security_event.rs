use kabinet_core::assets::monitoring::SecurityEventKind;
use sea_orm::entity::prelude::*;

/// An event of a protected object as its console reported it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "security_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub object_id: i64,
    pub source_id: i64,
    /// The console's own id of the event.
    pub event_ref: String,
    pub kind: SecurityEventKind,
    pub occurred_at: DateTimeUtc,
    pub received_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
