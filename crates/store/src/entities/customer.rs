use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// individual, sole_proprietor or legal_entity.
    pub kind: kabinet_core::crm::PartyKind,
    pub name: String,
    pub contract_number: String,
    pub contract_date: Option<Date>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub city: Option<String>,
    pub address: Option<String>,
    pub partner_id: Option<i64>,
    /// A: large image clients and chains, B: clients with growth potential, C: single venues.
    pub support_group: Option<String>,
    pub language: String,
    pub time_zone: String,
    /// The country the customer is served in, which chooses its invoices' tax.
    pub country: kabinet_core::tax::Country,
    pub status: kabinet_core::crm::CustomerStatus,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When the customer was offered autopay (shown once, after the first sign-in).
    pub autopay_offered_at: Option<DateTimeUtc>,
    /// The legal entity or sole proprietor the contract is with.
    pub counterparty_id: Option<i64>,
    pub contact_person: Option<String>,
    /// The Iranian national id of a person, where used.
    pub national_id: Option<String>,
    /// What the customer does, from the configured list.
    pub activity: Option<String>,
    /// How much more the customer could buy, from the configured list.
    pub growth_potential: Option<String>,
    /// A chain of venues rather than a single one.
    pub chain: bool,
    /// The support plan (SUP-3); None: the default plan of the configuration.
    pub sla_plan_id: Option<i64>,
    /// Support is paid per ticket rather than included in a service (SUP-4).
    pub pay_per_case: bool,
    /// The name, contract number, phone, e-mail, city and contact person in searchable form (`crate::search`), refreshed on every save.
    pub search_text: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::user::Entity")]
    Users,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Users.def()
    }
}

crate::search::search_text_from!(field name, field contract_number, phone phone, optional email, optional city, optional contact_person);
