use sea_orm::entity::prelude::*;

use kabinet_core::assets::line_orders::{OrderKind, OrderNotice};

/// One change ordered for many lines of a customer (ORD-1); its items are the lines.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "line_orders")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub customer_id: i64,
    pub kind: OrderKind,
    pub tariff_id: Option<i64>,
    pub option_id: Option<i64>,
    pub effective_on: Date,
    pub notice: OrderNotice,
    /// The language employees are told in (`ru`, `en`, `fa`).
    pub language: String,
    /// How the lines were chosen (JSON), as the order page tells it.
    pub chosen: String,
    pub created_by_user_id: Option<i64>,
    /// Who ordered, as the audit log names them.
    pub created_by: String,
    pub created_at: DateTimeUtc,
    pub items_total: i32,
    pub items_done: i32,
    pub items_refused: i32,
    pub finished_at: Option<DateTimeUtc>,
    /// The key of the request that placed it: the same request twice places one order.
    pub request_key: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
