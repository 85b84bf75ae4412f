//! Assets and sites as pages and the API read them.
//!
//! Each is built from its row and leaves out what no reader needs (password and token hashes).

use chrono::{DateTime, NaiveDate, Utc};
use kabinet_core::assets;
use kabinet_store::entities::{asset, site};

view! {
    /// Something a customer has (AST): for now a hotspot or radar licence (AST-1).
    Asset from asset::Model {
        id: i64,
        customer_id: i64,
        site_id: Option<i64>,
        /// hotspot or radar.
        kind: assets::AssetKind,
        /// active, expired, renewed, suspended, cancelled or deleted.
        status: assets::AssetStatus,
        /// contract or pay_per_case.
        service_mode: assets::lifecycle::ServiceMode,
        /// lite or full.
        cabinet_type: Option<assets::CabinetType>,
        /// month or year.
        billing_period: Option<assets::LicencePeriod>,
        /// provider, rented or customer.
        router_ownership: Option<assets::RouterOwnership>,
        is_demo: bool,
        /// The partner whose one demo licence this is (cleared on deletion).
        demo_partner_id: Option<i64>,
        /// The partner that created it and pays for it.
        partner_id: Option<i64>,
        subscription_id: Option<i64>,
        /// The modules switched on (stored as a JSON array).
        modules: Vec<String> = super::licences::modules_of,
        /// The radar (or hotspot) this one shares a cabinet with.
        linked_asset_id: Option<i64>,
        /// Public id of the licence key.
        key_id: String,
        router_host: Option<String>,
        router_port: Option<i32>,
        router_user: Option<String>,
        /// none, customer_confirmed, verified or contact_confirmed.
        verification: assets::Verification,
        verified_by: Option<i64>,
        verified_at: Option<DateTime<Utc>>,
        contact_confirmed_by: Option<i64>,
        contact_confirmed_at: Option<DateTime<Utc>>,
        started_on: NaiveDate,
        ends_on: Option<NaiveDate>,
        deleted_at: Option<DateTime<Utc>>,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
    }

    /// A point where a customer's services are installed (a venue); its name is what the
    /// customer sees in the cabinet.
    Site from site::Model {
        id: i64,
        customer_id: i64,
        name: String,
        city: Option<String>,
        address: Option<String>,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
    }
}
