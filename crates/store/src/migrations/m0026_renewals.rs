//! Renewals of devices (AST-4): the price of one, two and three more years per device type and
//! currency, and each renewal a buyer ordered — the term, the price, the account and the bank
//! payment that pays it, and whether the device was renewed. A payment renews through its
//! order once: the order moves out of `pending` with a guarded update in the crediting
//! transaction.

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
}

#[derive(DeriveIden)]
enum Payments {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum RenewalPrices {
    Table,
    Id,
    DeviceTypeId,
    Years,
    Currency,
    Amount,
}

#[derive(DeriveIden)]
enum RenewalOrders {
    Table,
    Id,
    AssetId,
    CustomerId,
    AccountId,
    PaymentId,
    Years,
    Amount,
    Currency,
    Status,
    RenewedUntil,
    OrderedByUserId,
    CreatedAt,
    DecidedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(RenewalPrices::Table)
                .col(big_pk_auto(RenewalPrices::Id))
                .col(big_integer(RenewalPrices::DeviceTypeId))
                .col(small_integer(RenewalPrices::Years))
                .col(string_len(RenewalPrices::Currency, 3))
                // In the currency's minor units.
                .col(big_integer(RenewalPrices::Amount))
                .foreign_key(&mut fk(
                    RenewalPrices::Table,
                    RenewalPrices::DeviceTypeId,
                    DeviceTypes::Table,
                    DeviceTypes::Id,
                ))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(RenewalOrders::Table)
                .col(big_pk_auto(RenewalOrders::Id))
                .col(big_integer(RenewalOrders::AssetId))
                .col(big_integer(RenewalOrders::CustomerId))
                .col(big_integer(RenewalOrders::AccountId))
                .col(big_integer_null(RenewalOrders::PaymentId))
                .col(small_integer(RenewalOrders::Years))
                .col(big_integer(RenewalOrders::Amount))
                .col(string_len(RenewalOrders::Currency, 3))
                // pending, renewed, canceled or not_renewable.
                .col(string_len(RenewalOrders::Status, 20))
                .col(date_null(RenewalOrders::RenewedUntil))
                .col(big_integer_null(RenewalOrders::OrderedByUserId))
                .col(timestamp_with_time_zone(RenewalOrders::CreatedAt))
                .col(timestamp_with_time_zone_null(RenewalOrders::DecidedAt))
                .foreign_key(&mut fk(
                    RenewalOrders::Table,
                    RenewalOrders::AssetId,
                    Assets::Table,
                    Assets::Id,
                ))
                .foreign_key(&mut fk(
                    RenewalOrders::Table,
                    RenewalOrders::PaymentId,
                    Payments::Table,
                    Payments::Id,
                ))
                .take(),
        )
        .await?;
        // One price per type, term and currency.
        m.create_index(
            Index::create()
                .name("renewal_prices_term")
                .table(RenewalPrices::Table)
                .col(RenewalPrices::DeviceTypeId)
                .col(RenewalPrices::Years)
                .col(RenewalPrices::Currency)
                .unique()
                .take(),
        )
        .await?;
        // One order per payment: the crediting transaction finds it by its payment.
        m.create_index(
            Index::create()
                .name("renewal_orders_payment")
                .table(RenewalOrders::Table)
                .col(RenewalOrders::PaymentId)
                .unique()
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("renewal_orders_asset")
                .table(RenewalOrders::Table)
                .col(RenewalOrders::AssetId)
                .col(RenewalOrders::Id)
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(RenewalOrders::Table).to_owned())
            .await?;
        m.drop_table(Table::drop().table(RenewalPrices::Table).to_owned()).await
    }
}
