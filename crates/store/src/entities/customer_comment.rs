use sea_orm::entity::prelude::*;

/// A note staff left on a customer (CRM-4).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customer_comments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub customer_id: i64,
    pub author_user_id: Option<i64>,
    pub author_name: String,
    /// ordinary or important.
    pub kind: kabinet_core::crm::CommentKind,
    pub text: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
