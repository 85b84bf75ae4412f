use sea_orm::entity::prelude::*;

/// A priced offer in the catalogue (BIL-2).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plans")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    /// The asset kind the plan is for (hotspot, radar, service_contract, line, …).
    pub asset_kind: String,
    /// Price per period in minor units.
    pub price: i64,
    /// month, year, two_years or three_years.
    pub period: kabinet_core::billing::BillingPeriod,
    pub currency: kabinet_core::money::Currency,
    /// active or archived (no new subscriptions).
    pub status: kabinet_core::billing::PlanStatus,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
