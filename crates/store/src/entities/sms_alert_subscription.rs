use sea_orm::entity::prelude::*;

/// The phone a protected object's SMS alerts go to, from a start date (ORD-2).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sms_alert_subscriptions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub object_id: i64,
    pub phone: String,
    pub starts_on: Date,
    /// The request that switched them on or changed the number last.
    pub request_id: i64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
