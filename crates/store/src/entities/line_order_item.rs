use sea_orm::entity::prelude::*;

use kabinet_core::assets::line_orders::ItemStatus;

/// One line's part of an order.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "line_order_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub order_id: i64,
    pub line_id: i64,
    /// The number when ordered.
    pub phone: String,
    pub status: ItemStatus,
    /// Why it was refused: `rule:<why>` for the product's own rules, else the operator's words.
    pub reason: Option<String>,
    pub attempts: i32,
    /// Not carried out before.
    pub due_at: DateTimeUtc,
    /// While in progress: the claim of the worker that holds it, and until when.
    pub locked_until: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
