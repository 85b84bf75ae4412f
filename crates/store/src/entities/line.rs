use sea_orm::entity::prelude::*;

/// A telecom line of a corporate customer (AST-6): the asset it is (the customer, the lifecycle)
/// plus the number, the SIM it is on, the employee who carries it and how it may be used.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "lines")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub asset_id: i64,
    /// The account of the customer its charges are billed to.
    pub account_id: i64,
    /// E.164; one line per number.
    pub phone: String,
    /// The SIM's ICC; none for a joined personal SIM or a number waiting for its code.
    pub icc: Option<String>,
    pub line_status: kabinet_core::assets::lines::LineStatus,
    pub employee_name: Option<String>,
    pub employee_position: Option<String>,
    pub employee_email: Option<String>,
    pub employee_comment: Option<String>,
    /// Most that may be spent a month, in the account's minor units.
    pub spending_limit_minor: Option<i64>,
    pub group_id: Option<i64>,
    /// The operator's tariff it is on (`line_tariffs`), once known.
    pub tariff_id: Option<i64>,
    /// Number, employee and SIM in searchable form (see `crate::search`).
    pub search_text: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::asset::Entity",
        from = "Column::AssetId",
        to = "super::asset::Column::Id"
    )]
    Asset,
}

impl Related<super::asset::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Asset.def()
    }
}

/// A line's search text: its number (also as digits), the employee's name, position and
/// e-mail, and the SIM's ICC. Bulk writers (the demo, imports) call it directly; a save through
/// the entity refreshes it itself.
pub fn search_text(
    phone: &str,
    name: Option<&str>,
    position: Option<&str>,
    email: Option<&str>,
    icc: Option<&str>,
) -> String {
    kabinet_core::search::SearchText::new()
        .number(phone)
        .optional(name)
        .optional(position)
        .optional(email)
        .optional(icc)
        .into_string()
}

#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    async fn before_save<C: ConnectionTrait>(mut self, _db: &C, _insert: bool) -> Result<Self, DbErr> {
        // Only a save that carries every searchable field (not a partial update) remakes it.
        let text = (|| {
            Some(search_text(
                self.phone.try_as_ref()?,
                self.employee_name.try_as_ref()?.as_deref(),
                self.employee_position.try_as_ref()?.as_deref(),
                self.employee_email.try_as_ref()?.as_deref(),
                self.icc.try_as_ref()?.as_deref(),
            ))
        })();
        crate::search::refresh_text(&mut self.search_text, text);
        Ok(self)
    }
}
