use sea_orm::entity::prelude::*;

/// A message on a customer's dashboard (a low balance, …) until the customer dismisses it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notices")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub customer_id: i64,
    pub account_id: Option<i64>,
    /// Selects the message text (a translation key).
    pub kind: String,
    /// Values for the message, as a JSON object.
    pub params: String,
    pub created_at: DateTimeUtc,
    pub dismissed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
