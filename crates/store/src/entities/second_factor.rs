use sea_orm::entity::prelude::*;

/// A staff member's authenticator app (ACC-3): present once it is set up.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "second_factors")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i64,
    /// The TOTP secret, sealed with the product's secret key.
    pub secret_sealed: String,
    pub enabled_at: DateTimeUtc,
    /// The step of the last code accepted; only later codes are.
    pub last_step: Option<i64>,
    /// JSON list of the SHA-256 hashes of the unused recovery codes.
    pub recovery_hashes: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
