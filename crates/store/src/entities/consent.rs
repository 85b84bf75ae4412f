use kabinet_core::privacy::{ConsentChannel, ConsentKind};
use sea_orm::entity::prelude::*;

/// A person's grant or withdrawal of a consent (PRV-2); never changed after it is written.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    pub kind: ConsentKind,
    /// The version of the text in force when the record was made.
    pub version: i32,
    /// A grant, or a withdrawal of the grant before it.
    pub granted: bool,
    pub channel: ConsentChannel,
    pub ip: Option<String>,
    /// Staff entries: where the written statement came from.
    pub note: Option<String>,
    pub recorded_by_user_id: Option<i64>,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
