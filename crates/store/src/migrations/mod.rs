//! Schema migrations, embedded in the binary. One definition per change; sea-query writes the
//! DDL for SQLite or PostgreSQL.

use sea_orm_migration::prelude::*;

mod m0001_foundation;
mod m0002_billing;
mod m0003_exports;
mod m0004_autopay;
mod m0005_documents;
mod m0006_audit_sealing;
mod m0007_counterparties;
mod m0008_customer_comments;
mod m0009_assets;
mod m0010_customer_list;
mod m0011_acting_sessions;
mod m0012_support;
mod m0013_trust;
mod m0014_holidays_2027;
mod m0015_roles;
mod m0016_second_factor;
mod m0017_search;
mod m0018_handovers;
mod m0019_reading_calendar;
mod m0020_customer_country;
mod m0021_asset_lifecycle;
mod m0022_devices;
mod m0023_device_lookups;
mod m0024_installation_confirmations;
mod m0025_ownership_transfers;
mod m0026_renewals;
mod m0027_contact_channel;
mod m0028_crm_links;
mod m0029_lines;
mod m0030_line_orders;
mod m0031_lines_search;
mod m0032_document_delivery;
mod m0033_line_usage;
mod m0034_order_request_keys;
mod m0035_line_photos;
mod m0036_cashback;
mod m0037_line_usage_labels;
mod m0038_security_objects;
mod m0039_service_requests;
mod m0040_service_rules;
mod m0041_landline_phone;
mod m0042_payment_templates;
mod m0043_dashboard_revisions;
mod m0044_dashboard_notify;
mod m0045_consents;
mod m0046_erasure;
mod m0047_knowledge_base;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::Migration),
            Box::new(m0002_billing::Migration),
            Box::new(m0003_exports::Migration),
            Box::new(m0004_autopay::Migration),
            Box::new(m0005_documents::Migration),
            Box::new(m0006_audit_sealing::Migration),
            Box::new(m0007_counterparties::Migration),
            Box::new(m0008_customer_comments::Migration),
            Box::new(m0009_assets::Migration),
            Box::new(m0010_customer_list::Migration),
            Box::new(m0011_acting_sessions::Migration),
            Box::new(m0012_support::Migration),
            Box::new(m0013_trust::Migration),
            Box::new(m0014_holidays_2027::Migration),
            Box::new(m0015_roles::Migration),
            Box::new(m0016_second_factor::Migration),
            Box::new(m0017_search::Migration),
            Box::new(m0018_handovers::Migration),
            Box::new(m0019_reading_calendar::Migration),
            Box::new(m0020_customer_country::Migration),
            Box::new(m0021_asset_lifecycle::Migration),
            Box::new(m0022_devices::Migration),
            Box::new(m0023_device_lookups::Migration),
            Box::new(m0024_installation_confirmations::Migration),
            Box::new(m0025_ownership_transfers::Migration),
            Box::new(m0026_renewals::Migration),
            Box::new(m0027_contact_channel::Migration),
            Box::new(m0028_crm_links::Migration),
            Box::new(m0029_lines::Migration),
            Box::new(m0030_line_orders::Migration),
            Box::new(m0031_lines_search::Migration),
            Box::new(m0032_document_delivery::Migration),
            Box::new(m0033_line_usage::Migration),
            Box::new(m0034_order_request_keys::Migration),
            Box::new(m0035_line_photos::Migration),
            Box::new(m0036_cashback::Migration),
            Box::new(m0037_line_usage_labels::Migration),
            Box::new(m0038_security_objects::Migration),
            Box::new(m0039_service_requests::Migration),
            Box::new(m0040_service_rules::Migration),
            Box::new(m0041_landline_phone::Migration),
            Box::new(m0042_payment_templates::Migration),
            Box::new(m0043_dashboard_revisions::Migration),
            Box::new(m0044_dashboard_notify::Migration),
            Box::new(m0045_consents::Migration),
            Box::new(m0046_erasure::Migration),
            Box::new(m0047_knowledge_base::Migration),
        ]
    }
}

/// A foreign key that refuses to delete a referenced row: nothing in Kabinet disappears
/// silently (SPEC §0); tables that must cascade say so where they use it.
fn fk(
    from_table: impl IntoIden,
    from_col: impl IntoIden,
    to_table: impl IntoIden,
    to_col: impl IntoIden,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, from_col)
        .to(to_table, to_col)
        .on_delete(ForeignKeyAction::Restrict)
        .take()
}
