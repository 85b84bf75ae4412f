//! Assets (AST): points (sites) where a customer's services are installed, the assets
//! themselves — first the hotspot and radar licences of AST-1 — and the guests hotspots report
//! (CRM-5, PRV-2).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Customers {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Partners {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Subscriptions {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Sites {
    Table,
    Id,
    CustomerId,
    Name,
    City,
    Address,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Assets {
    Table,
    Id,
    CustomerId,
    SiteId,
    Kind,
    Status,
    CabinetType,
    BillingPeriod,
    RouterOwnership,
    IsDemo,
    DemoPartnerId,
    PartnerId,
    SubscriptionId,
    Modules,
    LinkedAssetId,
    KeyId,
    RequestToken,
    KeyHash,
    RouterHost,
    RouterPort,
    RouterUser,
    RouterPassword,
    Verification,
    VerifiedBy,
    VerifiedAt,
    ContactConfirmedBy,
    ContactConfirmedAt,
    StartedOn,
    EndsOn,
    DeletedAt,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Guests {
    Table,
    Id,
    AssetId,
    CustomerId,
    Phone,
    FirstSeen,
    LastSeen,
    Visits,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Sites::Table)
                .col(big_pk_auto(Sites::Id))
                .col(big_integer(Sites::CustomerId))
                // As the customer sees it in the cabinet.
                .col(string_len(Sites::Name, 200))
                .col(string_len_null(Sites::City, 100))
                .col(string_len_null(Sites::Address, 500))
                .col(timestamp_with_time_zone(Sites::CreatedAt))
                .col(timestamp_with_time_zone(Sites::UpdatedAt))
                .foreign_key(&mut fk(
                    Sites::Table,
                    Sites::CustomerId,
                    Customers::Table,
                    Customers::Id,
                ))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("sites_customer")
                .table(Sites::Table)
                .col(Sites::CustomerId)
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Assets::Table)
                .col(big_pk_auto(Assets::Id))
                .col(big_integer(Assets::CustomerId))
                .col(big_integer_null(Assets::SiteId))
                // hotspot or radar (more kinds come with their capabilities).
                .col(string_len(Assets::Kind, 24))
                // active, expired, renewed, suspended or deleted.
                .col(string_len(Assets::Status, 16))
                // lite or full.
                .col(string_len_null(Assets::CabinetType, 8))
                // month or year.
                .col(string_len_null(Assets::BillingPeriod, 16))
                // provider, rented or customer.
                .col(string_len_null(Assets::RouterOwnership, 16))
                .col(boolean(Assets::IsDemo).default(false))
                // The partner whose one demo licence this is; cleared on deletion. Unique, so a
                // partner never has two at once.
                .col(big_integer_null(Assets::DemoPartnerId).unique_key())
                // The partner that created it and pays for it, if any.
                .col(big_integer_null(Assets::PartnerId))
                .col(big_integer_null(Assets::SubscriptionId))
                // JSON array of the modules switched on.
                .col(text(Assets::Modules))
                .col(big_integer_null(Assets::LinkedAssetId))
                // The public id of the licence key, and the key's SHA-256 (the key itself is
                // shown when made and written into the router's configuration).
                .col(string_len(Assets::KeyId, 16).unique_key())
                .col(string_len(Assets::KeyHash, 64))
                // The creating form's one-time token: a second submit of the same form (a
                // double click, a reload) finds the licence the first one made.
                .col(string_len_null(Assets::RequestToken, 64).unique_key())
                .col(string_len_null(Assets::RouterHost, 253))
                .col(integer_null(Assets::RouterPort))
                .col(string_len_null(Assets::RouterUser, 64))
                .col(string_len_null(Assets::RouterPassword, 320))
                // none, customer_confirmed, verified, contact_confirmed (152-FZ, CRM-5).
                .col(string_len(Assets::Verification, 24).default("none"))
                .col(big_integer_null(Assets::VerifiedBy))
                .col(timestamp_with_time_zone_null(Assets::VerifiedAt))
                .col(big_integer_null(Assets::ContactConfirmedBy))
                .col(timestamp_with_time_zone_null(Assets::ContactConfirmedAt))
                .col(date(Assets::StartedOn))
                .col(date_null(Assets::EndsOn))
                .col(timestamp_with_time_zone_null(Assets::DeletedAt))
                .col(timestamp_with_time_zone(Assets::CreatedAt))
                .col(timestamp_with_time_zone(Assets::UpdatedAt))
                .foreign_key(&mut fk(
                    Assets::Table,
                    Assets::CustomerId,
                    Customers::Table,
                    Customers::Id,
                ))
                .foreign_key(&mut fk(Assets::Table, Assets::SiteId, Sites::Table, Sites::Id))
                .foreign_key(&mut fk(Assets::Table, Assets::PartnerId, Partners::Table, Partners::Id))
                .foreign_key(&mut fk(
                    Assets::Table,
                    Assets::SubscriptionId,
                    Subscriptions::Table,
                    Subscriptions::Id,
                ))
                .take(),
        )
        .await?;
        for (name, cols) in [
            ("assets_customer", vec![Assets::CustomerId, Assets::Id]),
            ("assets_kind_status", vec![Assets::Kind, Assets::Status]),
            ("assets_verification", vec![Assets::Verification, Assets::Id]),
        ] {
            let mut index = Index::create();
            index.name(name).table(Assets::Table);
            for c in cols {
                index.col(c);
            }
            m.create_index(index.take()).await?;
        }
        m.create_table(
            Table::create()
                .table(Guests::Table)
                .col(big_pk_auto(Guests::Id))
                .col(big_integer(Guests::AssetId))
                .col(big_integer(Guests::CustomerId))
                // E.164.
                .col(string_len(Guests::Phone, 16))
                .col(timestamp_with_time_zone(Guests::FirstSeen))
                .col(timestamp_with_time_zone(Guests::LastSeen))
                .col(integer(Guests::Visits))
                .foreign_key(&mut fk(Guests::Table, Guests::AssetId, Assets::Table, Assets::Id))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("guests_asset_phone")
                .table(Guests::Table)
                .col(Guests::AssetId)
                .col(Guests::Phone)
                .unique()
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("guests_customer")
                .table(Guests::Table)
                .col(Guests::CustomerId)
                .col(Guests::Id)
                .take(),
        )
        .await
    }
}
