use sea_orm::entity::prelude::*;

/// Money a customer paid or is paying: a bank transfer registered by staff, or a payment
/// through the gateway (pending until the gateway confirms it).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "payments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub account_id: i64,
    pub customer_id: Option<i64>,
    /// bank_transfer, cash, gateway or autopay.
    pub method: kabinet_core::billing::PaymentMethod,
    /// pending, succeeded or canceled.
    pub status: kabinet_core::billing::PaymentStatus,
    pub amount: i64,
    /// How much of it went back to the customer.
    pub refunded: i64,
    pub currency: kabinet_core::money::Currency,
    pub document_number: Option<String>,
    pub document_date: Option<Date>,
    pub gateway_payment_id: Option<String>,
    pub idempotence_key: String,
    pub confirmation_url: Option<String>,
    pub description: String,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub paid_at: Option<DateTimeUtc>,
    pub canceled_at: Option<DateTimeUtc>,
    /// The purpose and payment document number in searchable form (`crate::search`), refreshed on every save.
    pub search_text: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::account::Entity",
        from = "Column::AccountId",
        to = "super::account::Column::Id"
    )]
    Account,
}

impl Related<super::account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Account.def()
    }
}

crate::search::search_text_from!(field description, optional document_number);
