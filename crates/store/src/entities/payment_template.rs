use sea_orm::entity::prelude::*;

/// A customer's saved requisites of a third party it pays (a state guard's services).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payment_templates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub customer_id: i64,
    /// The customer's name for it ("Вневедомственная охрана").
    pub title: String,
    pub payee_name: String,
    pub inn: String,
    pub kpp: String,
    pub bank_name: String,
    pub bik: String,
    pub account: String,
    pub correspondent_account: String,
    pub purpose: String,
    pub created_by_user_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
