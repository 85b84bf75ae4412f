use sea_orm::entity::prelude::*;

/// A customer's plan on one account, charged by the billing run each period.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "subscriptions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub customer_id: i64,
    pub account_id: i64,
    pub plan_id: i64,
    /// What it is for, as the customer knows it (a point's name, an address).
    pub title: String,
    /// The first day of the first period; later periods start on the same day of the month.
    pub started_on: Date,
    /// The start of the first period not charged yet.
    pub next_charge_on: Date,
    /// active, paused or ended.
    pub status: kabinet_core::billing::SubscriptionStatus,
    pub ended_on: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::plan::Entity",
        from = "Column::PlanId",
        to = "super::plan::Column::Id"
    )]
    Plan,
}

impl Related<super::plan::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Plan.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
