//! Orders for telecom lines (ORD-1): the operator's tariffs and options the customer may order,
//! each line's tariff and options, and orders — one change for many lines — with an item per
//! line that the worker carries out and records the operator's answer on.

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
enum Lines {
    Table,
    AssetId,
    TariffId,
    Phone,
}

#[derive(DeriveIden)]
enum LineTariffs {
    Table,
    Id,
    Code,
    Name,
    MonthlyFeeMinor,
    Currency,
    Description,
    Active,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LineOptions {
    Table,
    Id,
    Code,
    Name,
    MonthlyFeeMinor,
    Currency,
    Description,
    OnlyOnTariffs,
    Active,
    CreatedAt,
}

#[derive(DeriveIden)]
enum LineOptionLinks {
    Table,
    LineId,
    OptionId,
    Since,
}

#[derive(DeriveIden)]
enum LineOrders {
    Table,
    Id,
    CustomerId,
    Kind,
    TariffId,
    OptionId,
    EffectiveOn,
    Notice,
    Language,
    Chosen,
    CreatedByUserId,
    CreatedBy,
    CreatedAt,
    ItemsTotal,
    ItemsDone,
    ItemsRefused,
    FinishedAt,
}

#[derive(DeriveIden)]
enum LineOrderItems {
    Table,
    Id,
    OrderId,
    LineId,
    Phone,
    Status,
    Reason,
    Attempts,
    DueAt,
    LockedUntil,
    FinishedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(LineTariffs::Table)
                .col(big_pk_auto(LineTariffs::Id))
                // The operator's own code, sent to it with each order.
                .col(string_len(LineTariffs::Code, 40).unique_key())
                .col(string_len(LineTariffs::Name, 100))
                .col(big_integer(LineTariffs::MonthlyFeeMinor))
                .col(string_len(LineTariffs::Currency, 3))
                .col(text_null(LineTariffs::Description))
                // A tariff no longer sold stays on the lines that have it.
                .col(boolean(LineTariffs::Active).default(true))
                .col(timestamp_with_time_zone(LineTariffs::CreatedAt))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LineOptions::Table)
                .col(big_pk_auto(LineOptions::Id))
                .col(string_len(LineOptions::Code, 40).unique_key())
                .col(string_len(LineOptions::Name, 100))
                .col(big_integer(LineOptions::MonthlyFeeMinor))
                .col(string_len(LineOptions::Currency, 3))
                .col(text_null(LineOptions::Description))
                // Ids of the tariffs it is sold with, comma-separated; empty: every tariff.
                .col(text(LineOptions::OnlyOnTariffs).default(""))
                .col(boolean(LineOptions::Active).default(true))
                .col(timestamp_with_time_zone(LineOptions::CreatedAt))
                .take(),
        )
        .await?;
        // SQLite cannot add a column with a foreign key to an existing table; the tariff is
        // checked against the catalogue by the one use case that sets it.
        m.alter_table(
            Table::alter()
                .table(Lines::Table)
                .add_column(big_integer_null(Lines::TariffId))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("lines_of_tariff")
                .table(Lines::Table)
                .col(Lines::TariffId)
                .col(Lines::Phone)
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LineOptionLinks::Table)
                .col(big_integer(LineOptionLinks::LineId))
                .col(big_integer(LineOptionLinks::OptionId))
                .col(timestamp_with_time_zone(LineOptionLinks::Since))
                .primary_key(
                    Index::create()
                        .col(LineOptionLinks::LineId)
                        .col(LineOptionLinks::OptionId),
                )
                .foreign_key(&mut fk(
                    LineOptionLinks::Table,
                    LineOptionLinks::LineId,
                    Lines::Table,
                    Lines::AssetId,
                ))
                .foreign_key(&mut fk(
                    LineOptionLinks::Table,
                    LineOptionLinks::OptionId,
                    LineOptions::Table,
                    LineOptions::Id,
                ))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("line_option_links_of_option")
                .table(LineOptionLinks::Table)
                .col(LineOptionLinks::OptionId)
                .col(LineOptionLinks::LineId)
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LineOrders::Table)
                .col(big_pk_auto(LineOrders::Id))
                .col(big_integer(LineOrders::CustomerId))
                // One of `kabinet_core::assets::line_orders::OrderKind`.
                .col(string_len(LineOrders::Kind, 20))
                .col(big_integer_null(LineOrders::TariffId))
                .col(big_integer_null(LineOrders::OptionId))
                .col(date(LineOrders::EffectiveOn))
                .col(string_len(LineOrders::Notice, 10))
                // The language employees are told in: the one the order was placed in.
                .col(string_len(LineOrders::Language, 5))
                // How the lines were chosen, in the words of the one who ordered (JSON).
                .col(text(LineOrders::Chosen))
                .col(big_integer_null(LineOrders::CreatedByUserId))
                .col(string_len(LineOrders::CreatedBy, 200))
                .col(timestamp_with_time_zone(LineOrders::CreatedAt))
                .col(integer(LineOrders::ItemsTotal))
                .col(integer(LineOrders::ItemsDone).default(0))
                .col(integer(LineOrders::ItemsRefused).default(0))
                .col(timestamp_with_time_zone_null(LineOrders::FinishedAt))
                .foreign_key(&mut fk(
                    LineOrders::Table,
                    LineOrders::CustomerId,
                    Customers::Table,
                    Customers::Id,
                ))
                .foreign_key(&mut fk(
                    LineOrders::Table,
                    LineOrders::TariffId,
                    LineTariffs::Table,
                    LineTariffs::Id,
                ))
                .foreign_key(&mut fk(
                    LineOrders::Table,
                    LineOrders::OptionId,
                    LineOptions::Table,
                    LineOptions::Id,
                ))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("line_orders_of_customer")
                .table(LineOrders::Table)
                .col(LineOrders::CustomerId)
                .col(LineOrders::Id)
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(LineOrderItems::Table)
                .col(big_pk_auto(LineOrderItems::Id))
                .col(big_integer(LineOrderItems::OrderId))
                .col(big_integer(LineOrderItems::LineId))
                // The number when ordered: the result reads the same after the line changes.
                .col(string_len(LineOrderItems::Phone, 16))
                // One of `kabinet_core::assets::line_orders::ItemStatus`.
                .col(string_len(LineOrderItems::Status, 20))
                // A refusal: `rule:<why>` for the product's own rules, else the operator's words.
                .col(text_null(LineOrderItems::Reason))
                .col(integer(LineOrderItems::Attempts).default(0))
                // Not carried out before (the order's date, or a retry's).
                .col(timestamp_with_time_zone(LineOrderItems::DueAt))
                // While in progress: until when the worker that took it holds it. The value is
                // also that worker's claim: only it may record the outcome.
                .col(timestamp_with_time_zone_null(LineOrderItems::LockedUntil))
                .col(timestamp_with_time_zone_null(LineOrderItems::FinishedAt))
                .foreign_key(&mut fk(
                    LineOrderItems::Table,
                    LineOrderItems::OrderId,
                    LineOrders::Table,
                    LineOrders::Id,
                ))
                .foreign_key(&mut fk(
                    LineOrderItems::Table,
                    LineOrderItems::LineId,
                    Lines::Table,
                    Lines::AssetId,
                ))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("line_order_items_of_order")
                .table(LineOrderItems::Table)
                .col(LineOrderItems::OrderId)
                .col(LineOrderItems::Status)
                .col(LineOrderItems::Id)
                .take(),
        )
        .await?;
        // The worker's claim: what is due, in order.
        m.create_index(
            Index::create()
                .name("line_order_items_due")
                .table(LineOrderItems::Table)
                .col(LineOrderItems::Status)
                .col(LineOrderItems::DueAt)
                .take(),
        )
        .await?;
        // A line's orders, on its page.
        m.create_index(
            Index::create()
                .name("line_order_items_of_line")
                .table(LineOrderItems::Table)
                .col(LineOrderItems::LineId)
                .take(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            LineOrderItems::Table.into_iden(),
            LineOrders::Table.into_iden(),
            LineOptionLinks::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        m.drop_index(Index::drop().name("lines_of_tariff").table(Lines::Table).to_owned())
            .await?;
        m.alter_table(Table::alter().table(Lines::Table).drop_column(Lines::TariffId).take())
            .await?;
        for table in [LineOptions::Table.into_iden(), LineTariffs::Table.into_iden()] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
