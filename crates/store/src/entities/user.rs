use sea_orm::entity::prelude::*;

/// A login of either kind: staff (with `staff_role`, and `partner_id` for a partner) or a
/// customer's cabinet user (with `customer_id` and `customer_role`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub login: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub display_name: String,
    pub password_hash: String,
    pub staff_role: Option<kabinet_core::access::StaffRole>,
    pub customer_id: Option<i64>,
    pub customer_role: Option<kabinet_core::access::CustomerRole>,
    pub partner_id: Option<i64>,
    pub language: String,
    /// active or disabled.
    pub status: kabinet_core::access::UserStatus,
    pub must_change_password: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub password_changed_at: DateTimeUtc,
    pub last_login_at: Option<DateTimeUtc>,
    /// The time zone this person reads times in; None: the customer's or the product's.
    pub time_zone: Option<String>,
    /// The calendar this person reads dates in; None: the language's.
    pub calendar: Option<kabinet_core::dates::CalendarSystem>,
    /// How this person prefers to be told about their account; None: as the product decides.
    pub contact_channel: Option<kabinet_core::notify::ContactChannel>,
    /// The person's landline phone from the contract (the mobile one is `phone`).
    pub landline_phone: Option<String>,
    /// The login, name, e-mail and phone in searchable form (`crate::search`), refreshed on every save.
    pub search_text: String,
    /// When the person's personal fields were erased on their request (PRV-2); None: never.
    pub erased_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::customer::Entity",
        from = "Column::CustomerId",
        to = "super::customer::Column::Id"
    )]
    Customer,
}

impl Related<super::customer::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Customer.def()
    }
}

crate::search::search_text_from!(field login, field display_name, optional email, phone phone);
