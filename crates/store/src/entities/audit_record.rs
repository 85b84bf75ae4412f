use sea_orm::entity::prelude::*;

/// One audit record (PRV-1). `hash` covers every other field and `prev_hash`, which makes the
/// log a chain: changing or removing a record breaks every hash after it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub seq: i64,
    pub at: DateTimeUtc,
    pub actor_user_id: Option<i64>,
    pub actor: String,
    pub ip: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    /// JSON object: field → {"before": …, "after": …}, or free details.
    pub changes: String,
    pub prev_hash: String,
    pub hash: String,
    /// The staff member behind `actor_user_id` (a customer's login) in a cabinet entered from
    /// the back office.
    pub acting_user_id: Option<i64>,
    /// The key whose HMAC `hash` is; `None` for records sealed before the chain had keys
    /// (plain SHA-256).
    pub key_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
