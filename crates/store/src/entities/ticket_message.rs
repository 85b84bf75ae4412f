use sea_orm::entity::prelude::*;

/// One entry of a ticket's correspondence: a reply or an internal note.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ticket_messages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub ticket_id: i64,
    pub customer_id: i64,
    pub author_user_id: Option<i64>,
    pub author_name: String,
    /// customer or staff.
    pub side: String,
    /// Staff only; never shown to the customer.
    pub internal: bool,
    pub body: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
