use sea_orm::entity::prelude::*;

/// Something a customer has (AST): for now a hotspot or radar licence (AST-1).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub customer_id: i64,
    pub site_id: Option<i64>,
    /// hotspot or radar.
    pub kind: kabinet_core::assets::AssetKind,
    /// active, expired, renewed, suspended, cancelled or deleted (`AssetStatus::can_become`).
    pub status: kabinet_core::assets::AssetStatus,
    /// contract, or pay_per_case once the customer chose that instead of renewing.
    pub service_mode: kabinet_core::assets::lifecycle::ServiceMode,
    /// lite or full.
    pub cabinet_type: Option<kabinet_core::assets::CabinetType>,
    /// month or year.
    pub billing_period: Option<kabinet_core::assets::LicencePeriod>,
    /// provider, rented or customer.
    pub router_ownership: Option<kabinet_core::assets::RouterOwnership>,
    pub is_demo: bool,
    /// The partner whose one demo licence this is (cleared on deletion).
    pub demo_partner_id: Option<i64>,
    /// The partner that created it and pays for it.
    pub partner_id: Option<i64>,
    pub subscription_id: Option<i64>,
    /// JSON array of the modules switched on.
    pub modules: String,
    /// The radar (or hotspot) this one shares a cabinet with.
    pub linked_asset_id: Option<i64>,
    /// Public id of the licence key.
    pub key_id: String,
    /// SHA-256 of the licence key.
    pub key_hash: String,
    /// The creating form's one-time token (a resubmission finds this licence).
    pub request_token: Option<String>,
    pub router_host: Option<String>,
    pub router_port: Option<i32>,
    pub router_user: Option<String>,
    pub router_password: Option<String>,
    /// none, customer_confirmed, verified or contact_confirmed.
    pub verification: kabinet_core::assets::Verification,
    pub verified_by: Option<i64>,
    pub verified_at: Option<DateTimeUtc>,
    pub contact_confirmed_by: Option<i64>,
    pub contact_confirmed_at: Option<DateTimeUtc>,
    pub started_on: Date,
    pub ends_on: Option<Date>,
    pub deleted_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::site::Entity",
        from = "Column::SiteId",
        to = "super::site::Column::Id"
    )]
    Site,
}

impl Related<super::site::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Site.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
