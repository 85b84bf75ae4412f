use kabinet_core::requests::{RequestKind, RequestStatus};
use sea_orm::entity::prelude::*;

/// A customer's service request for staff to carry out (ORD-2, BIL-7).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub customer_id: i64,
    pub kind: RequestKind,
    pub status: RequestStatus,
    /// The protected object (SMS alerts).
    pub object_id: Option<i64>,
    /// The phone for SMS alerts or the new contact phone, in E.164.
    pub phone: Option<String>,
    /// When SMS alerts should start.
    pub start_date: Option<Date>,
    /// The sum to transfer or refund, in the account's minor units.
    pub amount_minor: Option<i64>,
    /// The contract money is transferred to.
    pub target_contract: Option<String>,
    /// The new surname or name.
    pub new_name: Option<String>,
    /// The period to recalculate.
    pub period_from: Option<Date>,
    pub period_to: Option<Date>,
    pub comment: String,
    /// Why staff refused, for the customer.
    pub refusal_reason: Option<String>,
    pub created_by_user_id: Option<i64>,
    pub handled_by_user_id: Option<i64>,
    pub request_key: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub closed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
