//! Devices sold with after-sales service (AST-3): the types a provider sells (with the
//! installation checklist of each and how long service runs after installation), and each
//! device as an asset of its buyer — brand, model, identifier (unique per kind), operator and
//! the dates of its installation and warranty. Its service end is the asset's `ends_on`, its
//! status the asset's.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Assets {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum DeviceTypes {
    Table,
    Id,
    Code,
    Name,
    Checklist,
    ServiceMonths,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Devices {
    Table,
    AssetId,
    DeviceTypeId,
    Brand,
    Model,
    IdentifierKind,
    Identifier,
    OperatorName,
    InstalledOn,
    WarrantyEndsOn,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(DeviceTypes::Table)
                .col(big_pk_auto(DeviceTypes::Id))
                .col(string_len(DeviceTypes::Code, 40).unique_key())
                .col(string_len(DeviceTypes::Name, 200))
                // JSON array of the items a technician ticks at installation.
                .col(text(DeviceTypes::Checklist).default("[]"))
                // Service runs this long after the installation is confirmed.
                .col(integer(DeviceTypes::ServiceMonths).default(12))
                .col(timestamp_with_time_zone(DeviceTypes::CreatedAt))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Devices::Table)
                .col(big_integer(Devices::AssetId).primary_key())
                .col(big_integer(Devices::DeviceTypeId))
                .col(string_len(Devices::Brand, 100))
                .col(string_len(Devices::Model, 100))
                // serial, dongle or user_id.
                .col(string_len(Devices::IdentifierKind, 20))
                // As `kabinet_core::assets::devices::identifier` writes it.
                .col(string_len(Devices::Identifier, 64))
                .col(string_len_null(Devices::OperatorName, 200))
                .col(date_null(Devices::InstalledOn))
                .col(date_null(Devices::WarrantyEndsOn))
                .foreign_key(&mut fk(Devices::Table, Devices::AssetId, Assets::Table, Assets::Id))
                .foreign_key(&mut fk(
                    Devices::Table,
                    Devices::DeviceTypeId,
                    DeviceTypes::Table,
                    DeviceTypes::Id,
                ))
                .take(),
        )
        .await?;
        // One device per identifier of a kind; the register finds a device by its identifier
        // whatever its kind.
        m.create_index(
            Index::create()
                .name("devices_identifier_of_kind")
                .table(Devices::Table)
                .col(Devices::IdentifierKind)
                .col(Devices::Identifier)
                .unique()
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("devices_identifier")
                .table(Devices::Table)
                .col(Devices::Identifier)
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("devices_type")
                .table(Devices::Table)
                .col(Devices::DeviceTypeId)
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Devices::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(DeviceTypes::Table).to_owned()).await
    }
}
