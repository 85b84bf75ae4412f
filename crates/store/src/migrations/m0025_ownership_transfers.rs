//! Ownership transfers of devices (AST-5): the buyer's request (the new owner's name, national
//! id and phone, and the buyer's statement that its ownership ends) and staff's decision —
//! approved, with the customer the device went to, or rejected with a reason.

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
enum OwnershipTransfers {
    Table,
    Id,
    AssetId,
    FromCustomerId,
    RequestedByUserId,
    NewOwnerName,
    NewOwnerNationalId,
    NewOwnerPhone,
    Status,
    Reason,
    ToCustomerId,
    DecidedByUserId,
    DecidedAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(OwnershipTransfers::Table)
                .col(big_pk_auto(OwnershipTransfers::Id))
                .col(big_integer(OwnershipTransfers::AssetId))
                .col(big_integer(OwnershipTransfers::FromCustomerId))
                .col(big_integer_null(OwnershipTransfers::RequestedByUserId))
                .col(string_len(OwnershipTransfers::NewOwnerName, 200))
                .col(string_len(OwnershipTransfers::NewOwnerNationalId, 10))
                .col(string_len(OwnershipTransfers::NewOwnerPhone, 32))
                // pending, approved or rejected.
                .col(string_len(OwnershipTransfers::Status, 20))
                // Why staff rejected it, shown to the buyer.
                .col(string_len(OwnershipTransfers::Reason, 500).default(""))
                .col(big_integer_null(OwnershipTransfers::ToCustomerId))
                .col(big_integer_null(OwnershipTransfers::DecidedByUserId))
                .col(timestamp_with_time_zone_null(OwnershipTransfers::DecidedAt))
                .col(timestamp_with_time_zone(OwnershipTransfers::CreatedAt))
                .foreign_key(&mut fk(
                    OwnershipTransfers::Table,
                    OwnershipTransfers::AssetId,
                    Assets::Table,
                    Assets::Id,
                ))
                .take(),
        )
        .await?;
        // The staff queue: the open requests, oldest first.
        m.create_index(
            Index::create()
                .name("ownership_transfers_status")
                .table(OwnershipTransfers::Table)
                .col(OwnershipTransfers::Status)
                .col(OwnershipTransfers::Id)
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ownership_transfers_asset")
                .table(OwnershipTransfers::Table)
                .col(OwnershipTransfers::AssetId)
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(OwnershipTransfers::Table).to_owned())
            .await
    }
}
