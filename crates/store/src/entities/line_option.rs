use sea_orm::entity::prelude::*;

/// A service on top of a line's tariff that customers switch on and off (ORD-1).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "line_options")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub code: String,
    pub name: String,
    pub monthly_fee_minor: i64,
    pub currency: kabinet_core::money::Currency,
    pub description: Option<String>,
    /// Ids of the tariffs it is sold with, comma-separated; empty: every tariff.
    pub only_on_tariffs: String,
    pub active: bool,
    pub created_at: DateTimeUtc,
}

impl Model {
    /// The tariffs it is sold with (none: every tariff).
    pub fn tariff_ids(&self) -> std::collections::BTreeSet<i64> {
        self.only_on_tariffs
            .split(',')
            .filter_map(|id| id.trim().parse().ok())
            .collect()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
