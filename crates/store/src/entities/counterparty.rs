use sea_orm::entity::prelude::*;

/// A legal entity, sole proprietor or person a customer contracts through (CRM-2); one can
/// serve many customers.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "counterparties")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// legal_entity, sole_proprietor or individual.
    pub kind: kabinet_core::crm::PartyKind,
    pub inn: String,
    /// Empty when the kind has none.
    pub kpp: String,
    /// ОГРН of an organisation or ОГРНИП of a sole proprietor.
    pub ogrn: Option<String>,
    pub full_name: String,
    pub short_name: String,
    pub legal_address: Option<String>,
    pub bank_name: Option<String>,
    pub bik: Option<String>,
    pub bank_account: Option<String>,
    pub correspondent_account: Option<String>,
    /// Comma-separated addresses for official mail.
    pub emails: String,
    pub partner_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The INN, OGRN and names in searchable form (`crate::search`), refreshed on every save.
    pub search_text: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

crate::search::search_text_from!(field inn, optional ogrn, field short_name, field full_name);
