use sea_orm::entity::prelude::*;

/// One sign-in attempt (ACC-6); also the source of login throttling.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_attempts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    pub user_id: Option<i64>,
    /// What was typed as the login, normalised and cut to 100 characters.
    pub login: String,
    pub ip: String,
    pub user_agent: String,
    /// success, bad_password, unknown_user, disabled or throttled.
    pub outcome: kabinet_core::access::LoginOutcome,
    /// cabinet, crm or api.
    pub face: kabinet_core::access::Face,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
