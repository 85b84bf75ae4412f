use sea_orm::entity::prelude::*;

/// A SIM card an account holds in reserve: a line whose SIM is lost or broken moves onto it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reserve_sims")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub icc: String,
    pub added_at: DateTimeUtc,
    /// The line that moved onto it; it is no longer in reserve then.
    pub used_by_line_id: Option<i64>,
    pub used_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
