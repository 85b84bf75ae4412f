use sea_orm::entity::prelude::*;

/// A secret the product made for a person to hand over (a generated password), kept between a
/// form's POST and the page it redirects to, for the session that made it, and read once.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "handovers")]
pub struct Model {
    /// SHA-256 of the token in the redirect's address.
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_hash: String,
    pub session_id: String,
    /// Whose secret it is (a login).
    pub subject: String,
    /// Sealed with the product's secret key.
    pub secret_sealed: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
